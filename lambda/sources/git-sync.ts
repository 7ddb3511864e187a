/**
 * CloudFormation Git sync as a sync source (GitSyncGate): a stack's GetResourceSyncStatus and
 * GetSyncBlockerSummary in the CodeStar Connections API (SyncType CFN_STACK_SYNC, ResourceName = the stack's
 * name), mapped to the source-independent shapes; its errors become SyncGateErrors that say what happened and
 * what to do next.
 */
import {
  CodeStarConnectionsClient,
  GetResourceSyncStatusCommand,
  GetResourceSyncStatusOutput,
  GetSyncBlockerSummaryCommand,
  GetSyncConfigurationCommand,
  ResourceSyncAttempt,
  Revision as GitSyncRevision,
  SyncBlocker as GitSyncBlocker,
} from '@aws-sdk/client-codestar-connections';
import type { AwsCredentialIdentityProvider, RetryStrategyV2 } from '@smithy/types';
import { Prop } from '../../lib/contract';
import { CallBudget, isResourceName, Limits } from '../../lib/limits';
import { SourceActions, SyncGateSource } from '../../lib/sources';
import { boundedClientConfig, ClientBudget, politeRetry } from '../client-config';
import { invalidProperty, SyncGateError } from '../core/errors';
import { ReasonSubject } from '../core/reasons';
import { BlockerReading, Revision, SyncAttempt, SyncBlocker, SyncStatus } from '../core/sync-status';
import { ApiPace } from '../polite/api-pace';
import { capitalized, describeBlockerReadFailure, explainReadFailure, isThrottling, readSdkFailure } from './sdk-errors';
import { readerLogFields, readerOf, ResourceProperties, Subject, SyncSource, whereRead } from './source';

/** The SyncType of CloudFormation Git sync in the CodeStar Connections API. */
export const GIT_SYNC_TYPE = 'CFN_STACK_SYNC';

/** A stack synced by CloudFormation Git sync. */
export interface GitSyncSubject extends Subject {
  readonly source: 'git-sync';
  readonly stackName: string;
}

export function describeSubject(s: GitSyncSubject): string {
  return `stack "${s.stackName}" in ${whereRead(s)}`;
}

export function statusCommand(s: GitSyncSubject): string {
  return `aws codestar-connections get-resource-sync-status --region ${s.region} --sync-type ${GIT_SYNC_TYPE} --resource-name ${s.stackName}`;
}

export function syncConfigurationCommand(s: GitSyncSubject): string {
  return `aws codestar-connections get-sync-configuration --region ${s.region} --sync-type ${GIT_SYNC_TYPE} --resource-name ${s.stackName}`;
}

export function blockersCommand(s: GitSyncSubject): string {
  return `aws codestar-connections get-sync-blocker-summary --region ${s.region} --sync-type ${GIT_SYNC_TYPE} --resource-name ${s.stackName}`;
}

/** The command that resolves a Git sync blocker (UpdateSyncBlocker). */
export function resolveBlockerCommand(s: GitSyncSubject, id: string): string {
  return (
    `aws codestar-connections update-sync-blocker --region ${s.region} --id ${id} --sync-type ${GIT_SYNC_TYPE} ` +
    `--resource-name ${s.stackName} --resolved-reason "<what was fixed>"`
  );
}

/** A CodeStar Connections client with bounded calls (see boundedClientConfig): polite unless the caller gives its own retry policy. */
export function createGitSyncClient(
  region: string,
  budget: ClientBudget = CallBudget,
  retry: RetryStrategyV2 = politeRetry(new ApiPace(() => Date.now()), budget.maxAttempts),
  credentials?: AwsCredentialIdentityProvider,
): CodeStarConnectionsClient {
  return new CodeStarConnectionsClient(boundedClientConfig(region, retry, budget, credentials));
}

/** Git sync names owner and repository apart; the RepositoryName attribute is `owner/name` for every source. */
function revision(r: GitSyncRevision | undefined): Revision {
  const owner = r?.OwnerId ?? '';
  const name = r?.RepositoryName ?? '';
  return {
    sha: r?.Sha ?? '',
    branch: r?.Branch ?? '',
    directory: r?.Directory ?? '',
    repositoryName: owner && name ? `${owner}/${name}` : owner || name,
    repositoryProvider: r?.ProviderType ?? '',
  };
}

function attempt(a: ResourceSyncAttempt): SyncAttempt {
  return {
    status: a.Status ?? '',
    startedAt: a.StartedAt ?? new Date(Number.NaN),
    target: a.Target ?? '',
    initialRevision: revision(a.InitialRevision),
    targetRevision: revision(a.TargetRevision),
    events: (a.Events ?? []).map((e) => ({
      type: e.Type ?? '',
      time: e.Time ?? new Date(Number.NaN),
      text: e.Event ?? '',
    })),
  };
}

/**
 * Maps Git sync's output to the source-independent shape. The model makes LatestSync and every Revision
 * member required; the mapping still tolerates their absence rather than trusting the wire.
 */
export function fromGitSync(out: GetResourceSyncStatusOutput): SyncStatus {
  return {
    desiredRevision: out.DesiredState ? revision(out.DesiredState) : undefined,
    latestAttempt: out.LatestSync ? attempt(out.LatestSync) : undefined,
    latestSuccessfulAttempt: out.LatestSuccessfulSync ? attempt(out.LatestSuccessfulSync) : undefined,
  };
}

/** Maps one Git sync blocker to the source-independent shape. */
export function fromGitSyncBlocker(b: GitSyncBlocker, subject: GitSyncSubject): SyncBlocker {
  const id = b.Id ?? '';
  return {
    id,
    type: b.Type ?? '',
    status: b.Status ?? '',
    createdReason: b.CreatedReason ?? '',
    createdAt: b.CreatedAt ?? new Date(Number.NaN),
    contexts: (b.Contexts ?? []).map((c) => ({ key: c.Key ?? '', value: c.Value ?? '' })),
    level: `stack "${subject.stackName}"`,
    resolveCommand: resolveBlockerCommand(subject, id),
  };
}

/** Calls GetResourceSyncStatus once (the SDK retries inside) and normalises the answer. */
export async function readGitSyncStatus(client: CodeStarConnectionsClient, subject: GitSyncSubject, abortSignal?: AbortSignal): Promise<SyncStatus> {
  try {
    const out = await client.send(new GetResourceSyncStatusCommand({ ResourceName: subject.stackName, SyncType: GIT_SYNC_TYPE }), { abortSignal });
    return fromGitSync(out);
  } catch (e) {
    throw explainGitSyncError(e, subject);
  }
}

/** Calls GetSyncBlockerSummary once for the stack; a failure is reported in `errors`, never thrown. */
export async function readGitSyncBlockers(client: CodeStarConnectionsClient, subject: GitSyncSubject, abortSignal?: AbortSignal): Promise<BlockerReading> {
  try {
    const out = await client.send(new GetSyncBlockerSummaryCommand({ ResourceName: subject.stackName, SyncType: GIT_SYNC_TYPE }), { abortSignal });
    return { blockers: (out?.SyncBlockerSummary?.LatestBlockers ?? []).map((b) => fromGitSyncBlocker(b, subject)), errors: [] };
  } catch (e) {
    const call = `Git sync's GetSyncBlockerSummary for ${describeSubject(subject)}`;
    return { blockers: [], errors: [describeBlockerReadFailure(e, call, SourceActions[SyncGateSource.GIT_SYNC][1], readerOf(subject))] };
  }
}

/** Turns an error from GetResourceSyncStatus into a SyncGateError that says what happened and what to do next. */
export function explainGitSyncError(error: unknown, subject: GitSyncSubject): SyncGateError {
  const who = describeSubject(subject);
  return explainReadFailure(error, {
    notFound: ({ message }) =>
      `Git sync found no sync status for ${who} (ResourceNotFoundException: ${message}). ` +
      `Check the stackName prop and the gate's region, and that the stack is synced from Git: ` +
      `\`${syncConfigurationCommand(subject)}\` shows its sync configuration (an error there means Git sync is ` +
      'not set up for this stack in that region).',
    accessDenied: ({ message }) =>
      `Access denied reading the Git sync status of ${who} (AccessDeniedException: ${message}). ` +
      `${capitalized(readerOf(subject))} needs ${listed(SourceActions[SyncGateSource.GIT_SYNC])} on Resource "*" (they have no resource-level ` +
      `permissions${subject.readerRole ? '; SyncStatusReaderRole grants them' : ''}); check that no SCP or permissions boundary denies them.`,
    badInputName: 'InvalidInputException',
    badInput: ({ message }) =>
      `Git sync rejected the request for ${who} (InvalidInputException: ${message}). Input sent: ` +
      `${JSON.stringify({ ResourceName: subject.stackName, SyncType: GIT_SYNC_TYPE })}. Check the stackName prop ` +
      `(1-${Limits.nameMaxLength} characters matching ${Limits.namePattern}).`,
    busy: ({ name, message, afterAttempts }) =>
      (isThrottling(name)
        ? `Git sync throttled the read of ${who} (${name}: ${message}): the account's rate limit for the API is in use, and a ` +
          'throttled read waits for a later poll. Fewer gates or tools polling it at once, or a longer pollInterval, leave more room. '
        : `Git sync kept answering ${name} for ${who}${afterAttempts} with backoff (${message}). `) +
      'Deploy again later; check AWS Health for CodeStar Connections in that region, and try ' +
      `\`${statusCommand(subject)}\`.`,
    otherAnswer: ({ httpStatus, name, message, afterAttempts }) =>
      `Git sync answered HTTP ${httpStatus} ${name} for ${who}${afterAttempts} (${message}). Try \`${statusCommand(subject)}\`.`,
    unreachable: ({ code, message, afterAttempts }) =>
      `Could not reach CodeStar Connections (Git sync) to read the sync status of ${who}${afterAttempts} ` +
      `(${code}: ${message}). Check the region and the network, then deploy again; try \`${statusCommand(subject)}\`.`,
    beforeAnswer: ({ name, message }) =>
      `Reading the Git sync status of ${who} failed before CodeStar Connections answered (${name}: ${message}). ` +
      "Check the handler's credentials and region, then deploy again; the poll log has the details.",
  });
}

/** "a, b and c". */
function listed(items: readonly (string | undefined)[]): string {
  const all = items.filter((i): i is string => i !== undefined);
  return all.length <= 1 ? all.join('') : `${all.slice(0, -1).join(', ')} and ${all[all.length - 1]}`;
}

/**
 * Why an expected commit may never have become desired, from the stack's sync configuration (one
 * GetSyncConfiguration call): with TriggerResourceUpdateOn FILE_CHANGE, Git sync syncs only the commits that change
 * the deployment file (or the template and parameter files it names), so a commit that changed only other files
 * never becomes desired; with ANY_CHANGE (the default), every commit pushed to the branch does. Says which, names
 * the branch and the files, and gives the command that finds the commit to expect. Never throws: a configuration
 * that cannot be read is said, and changes nothing else.
 */
export async function explainGitSyncExpectedNotDesired(
  client: CodeStarConnectionsClient,
  subject: GitSyncSubject,
  expectedSha: string,
  abortSignal?: AbortSignal,
): Promise<string> {
  try {
    const out = await client.send(new GetSyncConfigurationCommand({ ResourceName: subject.stackName, SyncType: GIT_SYNC_TYPE }), { abortSignal });
    const config = out.SyncConfiguration;
    const branch = config?.Branch ?? '(unknown branch)';
    const repository = [config?.OwnerId, config?.RepositoryName].filter(Boolean).join('/') || '(unknown repository)';
    const where = `branch ${branch} of ${repository}`;
    if (config?.TriggerResourceUpdateOn === 'FILE_CHANGE') {
      const file = config.ConfigFile ?? '(no deployment file named)';
      return (
        `Git sync's configuration for ${describeSubject(subject)} syncs ${where} only on commits that change its deployment file ` +
        `${file} or the template and parameter files it names (TriggerResourceUpdateOn FILE_CHANGE): a commit that changed none ` +
        `of them, such as ${expectedSha} if it changed only application code, never becomes desired. Expect the newest commit that ` +
        `changed them: \`git log -1 --format=%H origin/${branch} -- ${file} <the template and parameter files ${file} names>\`.`
      );
    }
    const trigger = config?.TriggerResourceUpdateOn ? `TriggerResourceUpdateOn ${config.TriggerResourceUpdateOn}` : 'TriggerResourceUpdateOn not set: ANY_CHANGE';
    return (
      `Git sync's configuration for ${describeSubject(subject)} syncs every commit pushed to ${where} (${trigger}): ${expectedSha} ` +
      `is not there yet, was pushed to another branch, or a newer push replaced it before Git sync picked it up. The commit ` +
      `to expect is the branch's head, \`git rev-parse origin/${branch}\`; \`git branch -r --contains ${expectedSha}\` shows where ` +
      `${expectedSha} is.`
    );
  } catch (e) {
    const { name, message } = readSdkFailure(e);
    const allow = name === 'AccessDeniedException' ? ` Allow ${SourceActions[SyncGateSource.GIT_SYNC][2]} on Resource "*" to read it.` : '';
    return (
      `The sync configuration of ${describeSubject(subject)} could not be read to say whether it syncs every commit or only ` +
      `changes to its files (${name}: ${message}).${allow} \`${syncConfigurationCommand(subject)}\` shows it.`
    );
  }
}

function stackName(props: ResourceProperties): string {
  const v = props?.[Prop.StackName];
  if (typeof v !== 'string' || !isResourceName(v)) {
    throw invalidProperty(Prop.StackName, v, `expected ${Limits.nameMinLength}-${Limits.nameMaxLength} characters matching ${Limits.namePattern}`);
  }
  return v;
}

/** CloudFormation Git sync, for GitSyncGate. */
export const gitSyncSource: SyncSource<GitSyncSubject> = {
  kind: SyncGateSource.GIT_SYNC,
  identifyingProp: Prop.StackName,
  parseSubject: (props, region) => ({ source: 'git-sync', stackName: stackName(props), region }),
  physicalResourceId: (s) => `git-sync:${s.region}:${s.stackName}`,
  reasonSubject: (s): ReasonSubject => ({
    source: 'Git sync',
    description: describeSubject(s),
    statusCommand: statusCommand(s),
    blockersCommand: blockersCommand(s),
  }),
  logFields: (s) => ({ stack: s.stackName, region: s.region, ...readerLogFields(s) }),
  ownStackProblem: (s, stackId) => {
    // arn:partition:cloudformation:region:account:stack/name/uuid
    const [, , , region, account, resource] = stackId.split(':');
    if (region !== s.region || resource?.split('/')[1] !== s.stackName) return undefined;
    // A stack of the same name in another account is another stack.
    if (s.readerRole && s.readerRole.account !== account) return undefined;
    return (
      `The GitSyncGate watches stack "${s.stackName}" in ${s.region}, the stack it is deployed in: it would wait for its own ` +
      'Git sync deployment, which waits for the gate, until it timed out. Set stackName to the stack whose Git sync this ' +
      'stack depends on, or move the gate into a stack that deploys after it, and deploy again.'
    );
  },
  connect: (region, retry, credentials) => {
    const client = createGitSyncClient(region, CallBudget, retry, credentials);
    return {
      readStatus: (subject, signal) => readGitSyncStatus(client, subject, signal),
      readBlockers: (subject, signal) => readGitSyncBlockers(client, subject, signal),
      explainExpectedNotDesired: (subject, expectedSha, signal) => explainGitSyncExpectedNotDesired(client, subject, expectedSha, signal),
    };
  },
};
