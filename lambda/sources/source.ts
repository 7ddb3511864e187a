/**
 * What the handler knows of a sync source, and all it knows: every source (AWS Proton, CloudFormation Git sync)
 * is one module beside this file that implements {@link SyncSource}. The handler and the decision core never
 * see an SDK type; adding a source adds a module and one line in ./index.ts.
 */
import type { AwsCredentialIdentityProvider, RetryStrategyV2 } from '@smithy/types';
import { ReasonSubject } from '../core/reasons';
import { BlockerReading, SyncStatus } from '../core/sync-status';

/**
 * A role in the account that owns the sync, which the gate assumes to read it (the gate's `readerRole`, the
 * check's `--role-arn`): a sync status can be read only in the account of its sync configuration.
 */
export interface ReaderRole {
  readonly roleArn: string;
  /** The role's partition and account, from its ARN. */
  readonly partition: string;
  readonly account: string;
  /** The external id the role's owner asks for (`sts:ExternalId`), if any. */
  readonly externalId?: string;
  /** The name of the role session, which CloudTrail shows in the owner's account: `cdk-git-sync-gate-<stack>`. */
  readonly sessionName: string;
}

/** What one gate watches, as its resource properties name it. Each source extends it with its own names. */
export interface Subject {
  /** {@link SyncSource.kind} of the source that reads it. */
  readonly source: string;
  /** Region of the synced resource. */
  readonly region: string;
  /** The role the subject is read through, when it is in another account than the gate's. */
  readonly readerRole?: ReaderRole;
}

/**
 * Where a reason says the subject was read: its region, and for a subject read through a reader role the account
 * that owns it (`us-east-1 of account 222222222222`); without a role, the gate's own account.
 */
export function whereRead(subject: Subject): string {
  const role = subject.readerRole;
  return role ? `${subject.region} of account ${role.account}` : subject.region;
}

/** The poll log line's fields for a subject read through a reader role (the account and the role), else none. */
export function readerLogFields(subject: Subject): Record<string, string> {
  const role = subject.readerRole;
  return role ? { account: role.account, readerRole: role.roleArn } : {};
}

/** Who needs a source's read actions, as a reason names it: the handler role, or the reader role and its account. */
export function readerOf(subject: Subject): string {
  const role = subject.readerRole;
  return role ? `the reader role ${role.roleArn} in account ${role.account}` : 'the handler role';
}

/** Resource properties as CloudFormation sends them (every value a string). */
export type ResourceProperties = Readonly<Record<string, unknown>> | undefined;

/** Reads the sync status of subjects in one region (one SDK client, bounded calls, retries inside). */
export interface SourceReader<S extends Subject = Subject> {
  /**
   * One API call (retries inside); throws SyncGateError that says what happened and what to do next. `signal`
   * aborts the call (the poll's time budget ran out).
   */
  readStatus(subject: S, signal?: AbortSignal): Promise<SyncStatus>;
  /**
   * Reads the subject's sync blockers: one call per level the source has (Proton: the instance and its service;
   * Git sync: the stack), retries inside. Never throws: a level that cannot be read adds a line to `errors`.
   */
  readBlockers(subject: S, signal?: AbortSignal): Promise<BlockerReading>;
  /**
   * For a source whose configuration can say why an expected sha never became desired (Git sync: whether it syncs
   * every commit or only changes to its files): one call, and a sentence for the failure reason. Asked only when a
   * gate fails at its deadline waiting for the expected sha (needsConfiguration); never throws. Undefined when the
   * source has nothing to say.
   */
  explainExpectedNotDesired?(subject: S, expectedSha: string, signal?: AbortSignal): Promise<string | undefined>;
}

export interface SyncSource<S extends Subject = Subject> {
  /** Stable identifier, e.g. `proton`; the prefix of the gate's physical id. */
  readonly kind: string;
  /** The resource property whose presence says a gate is of this source. */
  readonly identifyingProp: string;
  /** Reads the subject from the resource properties; throws SyncGateError naming the property and value. */
  parseSubject(props: ResourceProperties, region: string): S;
  /** Stable per subject: changing what the gate watches replaces the resource. */
  physicalResourceId(subject: S): string;
  /** How reasons name the subject. */
  reasonSubject(subject: S): ReasonSubject;
  /** Fields of the subject for the poll log line. */
  logFields(subject: S): Record<string, string>;
  /**
   * Why the gate cannot watch `subject` from the stack `stackId` (a Git sync gate on its own stack would wait for
   * its own deployment), or undefined. Asked by onEvent, so such a gate fails at once.
   */
  ownStackProblem?(subject: S, stackId: string): string | undefined;
  /**
   * A reader with a real client for `region`, retrying as `retry` says: the gate's polite policy (which tells its
   * pace every answer the API gives) or the standard one of a caller someone waits for (lambda/client-config.ts).
   * `credentials`, when given, are what it signs with (a reader role's, reader-role.ts); else the client's default.
   */
  connect(region: string, retry: RetryStrategyV2, credentials?: AwsCredentialIdentityProvider): SourceReader<S>;
}
