/**
 * What the handler knows of a sync source, and all it knows: every source (AWS Proton, CloudFormation Git sync)
 * is one module beside this file that implements {@link SyncSource}. The handler and the decision core never
 * see an SDK type; adding a source adds a module and one line in ./index.ts.
 */
import type { RetryStrategyV2 } from '@smithy/types';
import { ReasonSubject } from '../core/reasons';
import { BlockerReading, SyncStatus } from '../core/sync-status';

/** What one gate watches, as its resource properties name it. Each source extends it with its own names. */
export interface Subject {
  /** {@link SyncSource.kind} of the source that reads it. */
  readonly source: string;
  /** Region of the synced resource. */
  readonly region: string;
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
   */
  connect(region: string, retry: RetryStrategyV2): SourceReader<S>;
}
