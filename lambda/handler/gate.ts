/**
 * The gate's two Provider-framework handlers as plain functions that take their dependencies, so tests call
 * them directly. onEvent only validates and names the resource; isComplete reads the sync status once per
 * call and decides. The Step Functions waiter of aws-cdk-lib's Provider framework calls isComplete again
 * every poll interval: nothing here sleeps.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { effectiveWaitSeconds } from '../../lib/contract';
import { Attributes, boundAttributes, toAttributes } from '../core/attributes';
import { applyBlockers, applyDeadline, decide, Decision, decideUnreadable, duringRollback, formatDuration, needsBlockerCheck } from '../core/decide';
import { SyncGateError } from '../core/errors';
import { blockerReadNotes, failureReason } from '../core/reasons';
import { activeBlockers, BlockerReading, SyncStatus } from '../core/sync-status';
import { Subject, SyncSource } from '../sources/source';
import { PollHistory, PollRecord } from './poll-history';
import { GateSettings, parseSettings } from './properties';

/** Top-level key onEvent adds to the event; the framework hands it to every isComplete call. */
export const GATE_STARTED_AT = 'GateStartedAtEpochMs';

export interface GateDeps {
  /** The sources a gate can watch; its properties pick one. */
  readonly sources: readonly SyncSource[];
  /** Reads the sync status (one API call, retries inside). Throws SyncGateError on failure. */
  readonly readStatus: (source: SyncSource, subject: Subject) => Promise<SyncStatus>;
  /**
   * Reads the subject's sync blockers (one call per level the source has). Asked only when the sync status
   * alone would not pass the gate for a reason a blocker may cause (see needsBlockerCheck); never throws.
   */
  readonly readBlockers: (source: SyncSource, subject: Subject) => Promise<BlockerReading>;
  readonly now: () => number;
  /** Writes one structured log line. */
  readonly log: (line: Record<string, unknown>) => void;
  /**
   * Whether the stack is rolling back an update (UPDATE_ROLLBACK_IN_PROGRESS). Asked only for an Update the
   * gate would not pass, on its first poll and before it fails; a rejection counts as "no", so the gate
   * judges as usual.
   */
  readonly isRollingBack: (stackId: string) => Promise<boolean>;
  /** The handler's own region, used when the gate names none. */
  readonly defaultRegion: string;
  /** Where the poll lines go, named in failure reasons. */
  readonly logGroupName?: string;
  /** What the polls of each request saw so far (failed reads, the last status). */
  readonly history: PollHistory;
}

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly [GATE_STARTED_AT]?: number;
}

export type IsCompleteEvent = CloudFormationCustomResourceEvent & {
  readonly PhysicalResourceId?: string;
  readonly [GATE_STARTED_AT]?: number;
};

export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  readonly Data?: Attributes;
}

function redacted(event: object): object {
  return { ...event, ResponseURL: '(redacted)' };
}

/** The wait the gate honours: its own timeout, capped so it answers before CloudFormation's one hour. */
export function effectiveTimeoutMs(settings: GateSettings): number {
  return effectiveWaitSeconds(settings.waitTimeoutMs / 1000, settings.pollIntervalMs / 1000) * 1000;
}

export async function onEvent(event: CloudFormationCustomResourceEvent, deps: GateDeps): Promise<OnEventResponse> {
  deps.log({ message: 'event', event: redacted(event) });
  if (event.RequestType === 'Delete') {
    // Never calls a sync source and never fails: stack deletion must not be blocked by a sync's state or existence.
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const settings = parseSettings(event.ResourceProperties, deps.defaultRegion, deps.sources);
  return { PhysicalResourceId: settings.source.physicalResourceId(settings.subject), [GATE_STARTED_AT]: deps.now() };
}

async function rollingBack(event: IsCompleteEvent, deps: GateDeps): Promise<boolean> {
  try {
    return await deps.isRollingBack(event.StackId);
  } catch (e) {
    deps.log({ message: 'could not tell whether the stack is rolling back; judging as usual', error: String(e) });
    return false;
  }
}

export async function isComplete(event: IsCompleteEvent, deps: GateDeps): Promise<IsCompleteResponse> {
  if (event.RequestType === 'Delete') {
    return { IsComplete: true };
  }
  const settings = parseSettings(event.ResourceProperties, deps.defaultRegion, deps.sources);
  const { source, subject } = settings;
  const now = deps.now();
  const startedAt = event[GATE_STARTED_AT];
  if (typeof startedAt !== 'number') {
    // Without it the gate could not tell how long it has waited and would wait out the provider's hour.
    throw new SyncGateError(
      `The waiter's input has no ${GATE_STARTED_AT} (the time the gate started), which the gate's onEvent handler adds: ` +
        'the provider is not the one this gate deploys, or its onEvent handler is from another version. Deploy again; ' +
        'if it persists, report it with the poll log.',
    );
  }
  const elapsedMs = Math.max(0, now - startedAt);
  const timeoutMs = effectiveTimeoutMs(settings);
  const record = deps.history.poll(event.RequestId);

  let status: SyncStatus | undefined;
  let decision: Decision;
  let blockerReading: BlockerReading | undefined;
  try {
    status = await deps.readStatus(source, subject);
    record.lastStatus = status;
    const judged = decide(status, settings);
    // At most one blocker read per poll, and only when a blocker may be why the gate would not pass: an ACTIVE
    // blocker fails it now instead of at the timeout. A failed read leaves the verdict to the sync status.
    blockerReading = needsBlockerCheck(judged) ? await readBlockersSafely(source, subject, deps) : undefined;
    decision = applyDeadline(applyBlockers(judged, blockerReading?.blockers ?? []), elapsedMs, timeoutMs);
  } catch (e) {
    if (!(e instanceof SyncGateError)) throw e;
    if (event.RequestType === 'Update' && (await rollingBack(event, deps))) {
      throw new SyncGateError(
        `${e.message}\nThe stack is rolling back an update and the gate cannot read the sync status. To finish the rollback, run ` +
          `\`aws cloudformation continue-update-rollback --stack-name ${event.StackId} --resources-to-skip ${event.LogicalResourceId}\`.`,
        { cause: e },
      );
    }
    record.failedPolls += 1;
    record.lastError = e.message;
    decision = applyDeadline(decideUnreadable(e), elapsedMs, timeoutMs);
    status = record.lastStatus;
    if (decision.situation === 'SOURCE_ERROR') {
      deps.history.end(event.RequestId);
      throw e;
    }
  }
  const attributes = toAttributes(status ?? {});
  // The stack's status does not change while it waits for this resource, so ask on the first poll and again
  // only before failing: at most two DescribeStacks calls per request, however long the gate waits.
  const ask = decision.verdict === 'FAIL' || (decision.verdict === 'WAIT' && elapsedMs < settings.pollIntervalMs);
  const rollback = ask && event.RequestType === 'Update' && (await rollingBack(event, deps));
  if (rollback) decision = duringRollback(decision);

  deps.log({
    message: 'poll',
    ...source.logFields(subject),
    status: attributes.Status,
    desiredSha: attributes.Sha,
    latestSyncSha: attributes.LatestSyncSha,
    latestSuccessfulSyncSha: attributes.LatestSuccessfulSyncSha,
    expectedSha: settings.expectedSha,
    verdict: decision.verdict,
    situation: decision.situation,
    ...(decision.blockedFrom && { blockedFrom: decision.blockedFrom }),
    why: decision.why,
    poll: record.polls,
    failedPolls: record.failedPolls,
    ...(decision.situation === 'SOURCE_UNAVAILABLE' || decision.waitingOn === 'SOURCE_UNAVAILABLE' ? { error: record.lastError } : {}),
    ...(blockerReading && {
      activeBlockers: activeBlockers(blockerReading.blockers).length,
      blockerReadErrors: blockerReading.errors.length,
      ...(blockerReading.errors.length > 0 && { blockerReadError: blockerReading.errors.join(' ') }),
    }),
    elapsedSeconds: Math.round(elapsedMs / 1000),
    remainingSeconds: Math.max(0, Math.round((timeoutMs - elapsedMs) / 1000)),
    elapsed: formatDuration(elapsedMs),
  });

  if (decision.verdict !== 'WAIT') deps.history.end(event.RequestId);
  switch (decision.verdict) {
    case 'PASS':
      return { IsComplete: true, Data: boundAttributes(attributes) };
    case 'WAIT':
      return { IsComplete: false };
    case 'FAIL':
      throw new SyncGateError(
        failureReason(source.reasonSubject(subject), decision, status, deps.logGroupName, [
          ...readFailureNotes(record),
          ...blockerReadNotes(blockerReading?.errors),
        ]),
      );
  }
}

/** Blocker readers report their failures in `errors`; anything thrown anyway is kept the same way. */
export async function readBlockersSafely(source: SyncSource, subject: Subject, deps: Pick<GateDeps, 'readBlockers'>): Promise<BlockerReading> {
  try {
    return await deps.readBlockers(source, subject);
  } catch (e) {
    return { blockers: [], errors: [`Reading the sync blockers failed (${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}).`] };
  }
}

/** What a failure reason says about polls that could not read the status, if any did. */
export function readFailureNotes(record: PollRecord): string[] {
  if (record.failedPolls === 0) return [];
  return [
    `${record.failedPolls} of the ${record.polls} polls could not read the sync status (as counted by the handler); ` +
      `the last such error: ${record.lastError}`,
  ];
}
