/**
 * One poll of a gate, the same for the gate's isComplete handler and the `check` command: read the sync status,
 * decide, read the sync blockers when one may be why the gate would not pass, and apply the deadline. What a poll
 * remembers between polls of one wait (failed reads, the last status, whether the expected sha was desired) is in
 * its PollRecord; what is CloudFormation's alone (pacing on the waiter's ticks, rollbacks) stays in the handler.
 */
import { effectiveWaitSeconds } from '../../lib/limits';
import { applyBlockers, applyDeadline, decide, Decision, decideUnreadable, isExpectedSha, needsBlockerCheck } from '../core/decide';
import { SyncGateError } from '../core/errors';
import { blockerReadNotes, failureReason } from '../core/reasons';
import { BlockerReading, SyncStatus } from '../core/sync-status';
import { SourceReader } from '../sources/source';
import { GateSettings } from './settings';

/** What the polls of one wait saw so far. */
export interface PollRecord {
  /** Polls that read (or tried to read) the source. */
  polls: number;
  failedPolls: number;
  lastError?: string;
  lastStatus?: SyncStatus;
  /** An earlier poll saw the expected sha desired (see GateCriteria.expectedWasDesired). */
  expectedWasDesired?: boolean;
  /** Ticks on which a due read was held back, without a call, because the API was throttling (the gate's handler). */
  heldBackTicks?: number;
}

/** What one poll found. */
export interface PollResult {
  readonly decision: Decision;
  /** The status this poll read, or the last one read before when it could not. */
  readonly status?: SyncStatus;
  readonly blockerReading?: BlockerReading;
  /** Why this poll could not read the status, when it could not. */
  readonly error?: SyncGateError;
}

/** The wait a gate honours: its own timeout, capped so that it answers before CloudFormation's one hour. */
export function effectiveTimeoutMs(settings: Pick<GateSettings, 'waitTimeoutMs' | 'pollIntervalMs'>): number {
  return effectiveWaitSeconds(settings.waitTimeoutMs / 1000, settings.pollIntervalMs / 1000) * 1000;
}

/**
 * One poll: counts it in `record`, reads through `reader` (aborted by `signal`, whose abort makes the poll a
 * "not yet"), and decides at `elapsedMs` into the wait. Throws only what is no SyncGateError (a bug).
 */
export async function poll(
  settings: GateSettings,
  reader: SourceReader,
  record: PollRecord,
  elapsedMs: number,
  signal?: AbortSignal,
): Promise<PollResult> {
  const { source, subject } = settings;
  const timeoutMs = effectiveTimeoutMs(settings);
  record.polls += 1;
  try {
    const status = await reader.readStatus(subject, signal);
    record.lastStatus = status;
    if (settings.expectedSha !== undefined && status.desiredRevision?.sha && isExpectedSha(status.desiredRevision.sha, settings.expectedSha)) {
      record.expectedWasDesired = true;
    }
    const judged = decide(status, { ...settings, expectedWasDesired: record.expectedWasDesired });
    // At most one blocker read per poll, and only when a blocker may be why the gate would not pass: an ACTIVE
    // blocker fails it now instead of at the timeout. A failed read leaves the verdict to the sync status.
    const blockerReading = needsBlockerCheck(judged) && !signal?.aborted ? await readBlockersSafely(reader, settings, signal) : undefined;
    return { decision: applyDeadline(applyBlockers(judged, blockerReading?.blockers ?? []), elapsedMs, timeoutMs), status, blockerReading };
  } catch (e) {
    const error = signal?.aborted ? budgetError(source.reasonSubject(subject).source, e) : e instanceof SyncGateError ? e : undefined;
    if (!error) throw e;
    record.failedPolls += 1;
    record.lastError = error.message;
    return { decision: applyDeadline(decideUnreadable(error), elapsedMs, timeoutMs), status: record.lastStatus, error };
  }
}

/** How long a poll's source calls may take together; the gate's handler aborts them then (see CallBudget). */
function budgetError(sourceName: string, cause: unknown): SyncGateError {
  return new SyncGateError(
    `The ${sourceName} API did not answer within the poll's time budget (attempts and backoff included); the next poll asks again.`,
    { cause, transient: true },
  );
}

/** Blocker readers report their failures in `errors`; anything thrown anyway is kept the same way. */
export async function readBlockersSafely(reader: Pick<SourceReader, 'readBlockers'>, settings: Pick<GateSettings, 'subject'>, signal?: AbortSignal): Promise<BlockerReading> {
  try {
    return await reader.readBlockers(settings.subject, signal);
  } catch (e) {
    return { blockers: [], errors: [`Reading the sync blockers failed (${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}).`] };
  }
}

/** What a failure reason says about polls that could not read the status, if any did. */
export function readFailureNotes(record: PollRecord): string[] {
  const notes: string[] = [];
  if (record.failedPolls > 0) {
    notes.push(
      `${record.failedPolls} of the ${record.polls} polls could not read the sync status (as counted by the handler); ` +
        `the last such error: ${record.lastError}`,
    );
  }
  if ((record.heldBackTicks ?? 0) > 0) {
    notes.push(
      `On ${record.heldBackTicks} waiter ticks a due read was held back without a call, because the API was throttling ` +
        'the account and the handler spaces the reads of all gates it serves (as counted by the handler). Fewer gates ' +
        'polling the same API at once, a longer pollInterval, or a longer waitTimeout leave each gate more reads.',
    );
  }
  return notes;
}

/**
 * The reason CloudFormation (or the check) shows for a poll whose verdict is FAIL: the source's own error when the
 * status could not be read for a reason waiting does not fix, else the gate's failure reason with its notes.
 */
export function failureOf(settings: GateSettings, result: PollResult, record: PollRecord, logGroupName?: string): string {
  if (result.decision.situation === 'SOURCE_ERROR' && result.error) return result.error.message;
  return failureReason(settings.source.reasonSubject(settings.subject), result.decision, result.status, logGroupName, [
    ...readFailureNotes(record),
    ...blockerReadNotes(result.blockerReading?.errors),
  ]);
}
