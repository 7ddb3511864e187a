/**
 * AWS Proton as a sync source (ServiceInstanceSyncGate): a service instance's GetServiceInstanceSyncStatus,
 * mapped to the source-independent SyncStatus; Proton's errors become SyncGateErrors that say what happened and
 * what to do next. AWS ended support for Proton on 2026-10-07: where the API no longer answers, the reason says so.
 */
import {
  GetServiceInstanceSyncStatusCommand,
  GetServiceInstanceSyncStatusOutput,
  GetServiceSyncBlockerSummaryCommand,
  ProtonClient,
  ResourceSyncAttempt,
  Revision as ProtonRevision,
  SyncBlocker as ProtonSyncBlocker,
} from '@aws-sdk/client-proton';
import type { AwsCredentialIdentityProvider, RetryStrategyV2 } from '@smithy/types';
import { Prop } from '../../lib/contract';
import { CallBudget, isResourceName, Limits } from '../../lib/limits';
import { SourceActions, SyncGateSource } from '../../lib/sources';
import { boundedClientConfig, ClientBudget, politeRetry } from '../client-config';
import { invalidProperty, SyncGateError } from '../core/errors';
import { ReasonSubject } from '../core/reasons';
import { BlockerReading, Revision, SyncAttempt, SyncBlocker, SyncStatus } from '../core/sync-status';
import { ApiPace } from '../polite/api-pace';
import { capitalized, describeBlockerReadFailure, explainReadFailure, isThrottling } from './sdk-errors';
import { readerLogFields, readerOf, ResourceProperties, Subject, SyncSource, whereRead } from './source';

/** The AWS-announced end of support for AWS Proton. */
export const PROTON_END_OF_SUPPORT = '2026-10-07';

/** A Proton service instance. */
export interface ProtonSubject extends Subject {
  readonly source: 'proton';
  readonly serviceName: string;
  readonly serviceInstanceName: string;
}

export function describeSubject(s: ProtonSubject): string {
  return `service instance "${s.serviceInstanceName}" of service "${s.serviceName}" in ${whereRead(s)}`;
}

export function statusCommand(s: ProtonSubject): string {
  return `aws proton get-service-instance-sync-status --region ${s.region} --service-name ${s.serviceName} --service-instance-name ${s.serviceInstanceName}`;
}

function resourceName(props: ResourceProperties, prop: string): string {
  const v = props?.[prop];
  if (typeof v !== 'string' || !isResourceName(v)) {
    throw invalidProperty(prop, v, `expected ${Limits.nameMinLength}-${Limits.nameMaxLength} characters matching ${Limits.namePattern}`);
  }
  return v;
}

/** A Proton client with bounded calls (see boundedClientConfig): polite unless the caller gives its own retry policy. */
export function createProtonClient(
  region: string,
  budget: ClientBudget = CallBudget,
  retry: RetryStrategyV2 = politeRetry(new ApiPace(() => Date.now()), budget.maxAttempts),
  credentials?: AwsCredentialIdentityProvider,
): ProtonClient {
  return new ProtonClient(boundedClientConfig(region, retry, budget, credentials));
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
export async function readProtonSyncStatus(client: ProtonClient, subject: ProtonSubject, abortSignal?: AbortSignal): Promise<SyncStatus> {
  try {
    const out = await client.send(
      new GetServiceInstanceSyncStatusCommand({
        serviceName: subject.serviceName,
        serviceInstanceName: subject.serviceInstanceName,
      }),
      { abortSignal },
    );
    return fromProton(out);
  } catch (e) {
    throw explainProtonError(e, subject);
  }
}

const END_OF_SUPPORT_NOTE =
  `AWS ended support for AWS Proton on ${PROTON_END_OF_SUPPORT}; after that date the Proton API may no longer answer. ` +
  'If Proton is gone for your account, remove this gate (or move the sync to CloudFormation Git sync) and deploy again.';

/** Turns an error from the Proton call into a SyncGateError that says what happened and what to do next. */
export function explainProtonError(error: unknown, subject: ProtonSubject): SyncGateError {
  const who = describeSubject(subject);
  return explainReadFailure(error, {
    notFound: ({ message }) =>
      `Proton found no ${who} (ResourceNotFoundException: ${message}). ` +
      `Check the serviceName and serviceInstanceName props and the gate's region; list the instances with ` +
      `\`aws proton list-service-instances --region ${subject.region} --service-name ${subject.serviceName}\`.`,
    accessDenied: ({ message }) =>
      `Access denied reading the sync status of ${who} (AccessDeniedException: ${message}). ` +
      `${capitalized(readerOf(subject))} needs ${SourceActions[SyncGateSource.PROTON][0]} on Resource "*" (the action has no resource-level ` +
      `permissions${subject.readerRole ? '; SyncStatusReaderRole with the Proton source grants it' : ''}); check that no SCP or permissions boundary denies it.`,
    badInputName: 'ValidationException',
    badInput: ({ message }) =>
      `Proton rejected the request for ${who} (ValidationException: ${message}). Input sent: ` +
      `${JSON.stringify({ serviceName: subject.serviceName, serviceInstanceName: subject.serviceInstanceName })}.`,
    busy: ({ name, message, afterAttempts }) =>
      (isThrottling(name)
        ? `Proton throttled the read of ${who} (${name}: ${message}): the account's rate limit for the API is in use, and a ` +
          'throttled read waits for a later poll. Fewer gates or tools polling it at once, or a longer pollInterval, leave more room. '
        : `Proton kept answering ${name} for ${who}${afterAttempts} with backoff (${message}). `) +
      `Deploy again later; check AWS Health for Proton in that region. ${END_OF_SUPPORT_NOTE}`,
    otherAnswer: ({ httpStatus, name, message, afterAttempts }) =>
      `Proton answered HTTP ${httpStatus} ${name} for ${who}${afterAttempts} (${message}). ${END_OF_SUPPORT_NOTE}`,
    unreachable: ({ code, message, afterAttempts }) =>
      `Could not reach AWS Proton to read the sync status of ${who}${afterAttempts} ` +
      `(${code}: ${message}). ${END_OF_SUPPORT_NOTE} Otherwise check the region and the network, then deploy again; ` +
      `try \`${statusCommand(subject)}\`.`,
    beforeAnswer: ({ name, message }) =>
      `Reading the sync status of ${who} failed before Proton answered (${name}: ${message}). ` +
      "Check the handler's credentials and region, then deploy again; the poll log has the details.",
  });
}

export function blockersCommand(s: ProtonSubject): string {
  return `aws proton get-service-sync-blocker-summary --region ${s.region} --service-name ${s.serviceName} --service-instance-name ${s.serviceInstanceName}`;
}

/** The command that resolves a Proton sync blocker (UpdateServiceSyncBlocker). */
export function resolveBlockerCommand(region: string, id: string): string {
  return `aws proton update-service-sync-blocker --region ${region} --id ${id} --resolved-reason "<what was fixed>"`;
}

/** Maps one Proton blocker to the source-independent shape. */
export function fromProtonBlocker(b: ProtonSyncBlocker, level: string, region: string): SyncBlocker {
  const id = b.id ?? '';
  return {
    id,
    type: b.type ?? '',
    status: b.status ?? '',
    createdReason: b.createdReason ?? '',
    createdAt: b.createdAt ?? new Date(Number.NaN),
    contexts: (b.contexts ?? []).map((c) => ({ key: c.key ?? '', value: c.value ?? '' })),
    level,
    resolveCommand: resolveBlockerCommand(region, id),
  };
}

/**
 * Reads the blockers of the instance and of its service (GetServiceSyncBlockerSummary with and without the
 * instance name), two calls in parallel; a level that cannot be read is reported in `errors`, never thrown.
 */
export async function readProtonBlockers(client: ProtonClient, subject: ProtonSubject, abortSignal?: AbortSignal): Promise<BlockerReading> {
  const levels = [
    { level: `service instance "${subject.serviceInstanceName}"`, input: { serviceName: subject.serviceName, serviceInstanceName: subject.serviceInstanceName } },
    { level: `service "${subject.serviceName}"`, input: { serviceName: subject.serviceName } },
  ];
  const results = await Promise.allSettled(
    levels.map(({ input }) => client.send(new GetServiceSyncBlockerSummaryCommand(input), { abortSignal })),
  );
  const blockers: SyncBlocker[] = [];
  const errors: string[] = [];
  results.forEach((r, i) => {
    const { level } = levels[i];
    if (r.status === 'fulfilled') {
      for (const b of r.value?.serviceSyncBlockerSummary?.latestBlockers ?? []) blockers.push(fromProtonBlocker(b, level, subject.region));
    } else {
      errors.push(describeBlockerReadFailure(r.reason, `Proton's GetServiceSyncBlockerSummary for ${level} in ${whereRead(subject)}`, SourceActions[SyncGateSource.PROTON][1], readerOf(subject)));
    }
  });
  return { blockers, errors };
}

/** AWS Proton, for ServiceInstanceSyncGate. */
export const protonSource: SyncSource<ProtonSubject> = {
  kind: SyncGateSource.PROTON,
  identifyingProp: Prop.ServiceName,
  parseSubject: (props, region) => ({
    source: 'proton',
    serviceName: resourceName(props, Prop.ServiceName),
    serviceInstanceName: resourceName(props, Prop.ServiceInstanceName),
    region,
  }),
  physicalResourceId: (s) => `proton:${s.region}:${s.serviceName}/${s.serviceInstanceName}`,
  reasonSubject: (s): ReasonSubject => ({
    source: 'Proton',
    description: describeSubject(s),
    statusCommand: statusCommand(s),
    blockersCommand: blockersCommand(s),
  }),
  logFields: (s) => ({ service: s.serviceName, instance: s.serviceInstanceName, region: s.region, ...readerLogFields(s) }),
  connect: (region, retry, credentials) => {
    const client = createProtonClient(region, CallBudget, retry, credentials);
    return {
      readStatus: (subject, signal) => readProtonSyncStatus(client, subject, signal),
      readBlockers: (subject, signal) => readProtonBlockers(client, subject, signal),
    };
  },
};
