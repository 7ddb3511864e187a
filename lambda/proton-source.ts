/**
 * Reads a service instance's sync status from AWS Proton and maps it to the source-independent SyncStatus.
 * Proton's errors become SyncGateErrors that say what happened and what to do next.
 */
import {
  GetServiceInstanceSyncStatusCommand,
  GetServiceInstanceSyncStatusOutput,
  ProtonClient,
  ResourceSyncAttempt,
  Revision as ProtonRevision,
} from '@aws-sdk/client-proton';
import { CallBudget, PROTON_END_OF_SUPPORT } from '../lib/contract';
import { boundedClientConfig, ClientBudget } from './client-config';
import { SyncGateError } from './errors';
import { describeSubject, statusCommand, Subject } from './response';
import { Revision, SyncAttempt, SyncStatus } from './sync-status';

/** A Proton client with bounded calls (see boundedClientConfig). */
export function createProtonClient(region: string, budget: ClientBudget = CallBudget): ProtonClient {
  return new ProtonClient(boundedClientConfig(region, budget));
}

function revision(r: ProtonRevision): Revision {
  return {
    sha: r.sha ?? '',
    branch: r.branch ?? '',
    directory: r.directory ?? '',
    repositoryName: r.repositoryName ?? '',
    repositoryProvider: r.repositoryProvider ?? '',
  };
}

function attempt(a: ResourceSyncAttempt): SyncAttempt {
  return {
    status: a.status ?? '',
    startedAt: a.startedAt ?? new Date(Number.NaN),
    target: a.target ?? '',
    initialRevision: revision(a.initialRevision ?? ({} as ProtonRevision)),
    targetRevision: revision(a.targetRevision ?? ({} as ProtonRevision)),
    events: (a.events ?? []).map((e) => ({
      type: e.type ?? '',
      time: e.time ?? new Date(Number.NaN),
      text: e.event ?? '',
      externalId: e.externalId,
    })),
  };
}

/** Maps Proton's output to the source-independent shape. */
export function fromProton(out: GetServiceInstanceSyncStatusOutput): SyncStatus {
  return {
    desiredRevision: out.desiredState ? revision(out.desiredState) : undefined,
    latestAttempt: out.latestSync ? attempt(out.latestSync) : undefined,
    latestSuccessfulAttempt: out.latestSuccessfulSync ? attempt(out.latestSuccessfulSync) : undefined,
  };
}

/** Calls GetServiceInstanceSyncStatus once (the SDK retries inside) and normalises the answer. */
export async function readProtonSyncStatus(client: ProtonClient, subject: Subject): Promise<SyncStatus> {
  try {
    const out = await client.send(
      new GetServiceInstanceSyncStatusCommand({
        serviceName: subject.serviceName,
        serviceInstanceName: subject.serviceInstanceName,
      }),
    );
    return fromProton(out);
  } catch (e) {
    throw explainProtonError(e, subject);
  }
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'TimeoutError',
]);

const END_OF_SUPPORT_NOTE =
  `AWS ended support for AWS Proton on ${PROTON_END_OF_SUPPORT}; after that date the Proton API may no longer answer. ` +
  'If Proton is gone for your account, remove this gate (or move the sync to CloudFormation Git sync) and deploy again.';

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number; totalRetryDelay?: number };
}

/** Turns an error from the Proton call into a SyncGateError that says what happened and what to do next. */
export function explainProtonError(error: unknown, subject: Subject): SyncGateError {
  const e = (error ?? {}) as SdkLikeError;
  const name = e.name ?? 'Error';
  const message = e.message ?? String(error);
  const attempts = e.$metadata?.attempts;
  const afterAttempts = attempts ? ` after ${attempts} attempt${attempts === 1 ? '' : 's'}` : '';
  const who = describeSubject(subject);

  switch (name) {
    case 'ResourceNotFoundException':
      return new SyncGateError(
        `Proton found no ${who} (ResourceNotFoundException: ${message}). ` +
          `Check the serviceName and serviceInstanceName props and the gate's region; list the instances with ` +
          `\`aws proton list-service-instances --region ${subject.region} --service-name ${subject.serviceName}\`.`,
        { cause: error },
      );
    case 'AccessDeniedException':
      return new SyncGateError(
        `Access denied reading the sync status of ${who} (AccessDeniedException: ${message}). ` +
          'The handler role needs proton:GetServiceInstanceSyncStatus on Resource "*" (the action has no resource-level ' +
          'permissions); check that no SCP or permissions boundary denies it.',
        { cause: error },
      );
    case 'ValidationException':
      return new SyncGateError(
        `Proton rejected the request for ${who} (ValidationException: ${message}). Input sent: ` +
          `${JSON.stringify({ serviceName: subject.serviceName, serviceInstanceName: subject.serviceInstanceName })}.`,
        { cause: error },
      );
    case 'ThrottlingException':
    case 'InternalServerException':
      return new SyncGateError(
        `Proton kept answering ${name} for ${who}${afterAttempts} with backoff (${message}). ` +
          `Deploy again later; check AWS Health for Proton in ${subject.region}. ${END_OF_SUPPORT_NOTE}`,
        { cause: error },
      );
    default:
      break;
  }
  const code = e.code ?? name;
  const status = e.$metadata?.httpStatusCode;
  if (status) {
    return new SyncGateError(
      `Proton answered HTTP ${status} ${name} for ${who}${afterAttempts} (${message}). ${END_OF_SUPPORT_NOTE}`,
      { cause: error },
    );
  }
  if (UNREACHABLE_CODES.has(code) || UNREACHABLE_CODES.has(name) || /socket hang up|ECONNRESET|EPIPE/i.test(message)) {
    return new SyncGateError(
      `Could not reach AWS Proton in ${subject.region} to read the sync status of ${who}${afterAttempts} ` +
        `(${code}: ${message}). ${END_OF_SUPPORT_NOTE} Otherwise check the region and the network, then deploy again; ` +
        `try \`${statusCommand(subject)}\`.`,
      { cause: error },
    );
  }
  return new SyncGateError(
    `Reading the sync status of ${who} failed before Proton answered (${name}: ${message}). ` +
      'Check the handler\'s credentials and region, then deploy again; the poll log has the details.',
    { cause: error },
  );
}
