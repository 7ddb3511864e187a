/**
 * One poll of a gate, the same for the gate's isComplete handler and the `check` command: read the sync status,
 * read the sync blockers when one may be why the gate would not pass, and judge (lambda/core/decide.ts). What a poll
 * remembers between polls of one wait (failed reads, the last status, whether the expected sha was desired) is in
 * its PollRecord: for the check a whole record of its own polls, for the gate an execution environment's cache,
 * which may be empty on any tick and so never counts as evidence. What is CloudFormation's alone (pacing on the
 * waiter's ticks, the stack's rollback) is the handler's.
 */
import { effectiveWaitSeconds } from '../../lib/limits';
import { decide, Decision, GateFacts, isExpectedSha, judge, needsBlockerCheck, needsConfiguration } from '../core/decide';
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
  /** The facts the decision rests on, for a caller that adds one (the handler: the stack's phase). */
  readonly facts: GateFacts;
  readonly decision: Decision;
  /** The status this poll read, or the last one read before when it could not. */
  readonly status?: SyncStatus;
  readonly blockerReading?: BlockerReading;
  /** What the source's configuration says of an expected sha that never became desired (needsConfiguration). */
  readonly configurationNote?: string;
  /** Why this poll could not read the status, when it could not. */
  readonly error?: SyncGateError;
}

/** The wait a gate honours: its own timeout, capped so that it answers before CloudFormation's one hour. */
export function effectiveTimeoutMs(settings: Pick<GateSettings, 'waitTimeoutMs'>): number {
  return effectiveWaitSeconds(settings.waitTimeoutMs / 1000) * 1000;
}

export interface PollOptions {
  /** Aborts the poll's source calls (its time budget); an abort makes the poll a "not yet". */
  readonly signal?: AbortSignal;
  /**
   * The record holds every earlier poll of this wait for certain (the check: one process), so what it saw counts as
   * evidence: an expected sha desired earlier and gone now is SUPERSEDED. Off for the gate, whose record is a cache.
   */
  readonly recordIsWhole?: boolean;
}

/**
 * One poll: counts it in `record`, reads through `reader`, and judges at `elapsedMs` into the wait. Throws only what
 * is no SyncGateError (a bug).
 */
export async function poll(
  settings: GateSettings,
  reader: SourceReader,
  record: PollRecord,
  elapsedMs: number,
  options: PollOptions = {},
): Promise<PollResult> {
  const { source, subject } = settings;
  const { signal } = options;
  const base = { elapsedMs, timeoutMs: effectiveTimeoutMs(settings), firstRead: elapsedMs < settings.pollIntervalMs };
  record.polls += 1;
  try {
    const status = await reader.readStatus(subject, signal);
    record.lastStatus = status;
    if (settings.expectedSha !== undefined && status.desiredRevision?.sha && isExpectedSha(status.desiredRevision.sha, settings.expectedSha)) {
      record.expectedWasDesired = true;
    }
    const criteria = { ...settings, expectedWasDesired: options.recordIsWhole === true && record.expectedWasDesired === true };
    // At most one blocker read per poll, and only when a blocker may be why the gate would not pass: an ACTIVE
    // blocker fails it now instead of at the timeout. A failed read leaves the verdict to the sync status.
    const blockerReading = needsBlockerCheck(decide(status, criteria)) && !signal?.aborted ? await readBlockersSafely(reader, settings, signal) : undefined;
    const facts: GateFacts = { ...base, criteria, read: { status }, blockers: blockerReading?.blockers };
    const decision = judge(facts);
    // One call, on the read that ends a wait for an expected sha that never became desired: why it may never be.
    const configurationNote =
      needsConfiguration(decision) && settings.expectedSha !== undefined && reader.explainExpectedNotDesired
        ? await reader.explainExpectedNotDesired(subject, settings.expectedSha, signal)
        : undefined;
    return { facts, decision, status, blockerReading, ...(configurationNote !== undefined && { configurationNote }) };
  } catch (e) {
    const error = signal?.aborted ? budgetError(source.reasonSubject(subject).source, e) : e instanceof SyncGateError ? e : undefined;
    if (!error) throw e;
    record.failedPolls += 1;
    record.lastError = error.message;
    const facts: GateFacts = { ...base, criteria: settings, read: { error } };
    return { facts, decision: judge(facts), status: record.lastStatus, error };
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

/**
 * What a failure reason says about polls that could not read the status, if any did. `pollsSinceStart` is how many
 * polls the gate has made in all, when the record may hold only some of them (the gate's record is one execution
 * environment's; Lambda may have run other polls elsewhere): the counts then say whose they are.
 */
export function readFailureNotes(record: PollRecord, pollsSinceStart?: number): string[] {
  const notes: string[] = [];
  const partial = pollsSinceStart !== undefined && record.polls < pollsSinceStart;
  if (record.failedPolls > 0) {
    notes.push(
      partial
        ? `${record.failedPolls} of the ${record.polls} polls this execution environment made (of about ${pollsSinceStart} since the gate started) ` +
            `could not read the sync status; the last such error: ${record.lastError}`
        : `${record.failedPolls} of the ${record.polls} polls could not read the sync status (as counted by the handler); ` +
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

/** How many polls a gate has made by `elapsedMs`: one on each multiple of its interval, and one at its deadline. */
export function pollsSince(elapsedMs: number, pollIntervalMs: number, timeoutMs: number): number {
  const onMultiples = Math.floor(Math.min(elapsedMs, timeoutMs) / pollIntervalMs) + 1;
  return onMultiples + (elapsedMs >= timeoutMs && timeoutMs % pollIntervalMs !== 0 ? 1 : 0);
}

/**
 * The reason CloudFormation (or the check) shows for a poll whose verdict is FAIL: the source's own error when the
 * status could not be read for a reason waiting does not fix, else the gate's failure reason with its notes; the
 * caller's `notes` after either.
 */
export function failureOf(
  settings: GateSettings,
  result: PollResult,
  record: PollRecord,
  options: { readonly logGroupName?: string; readonly notes?: readonly string[]; readonly pollsSinceStart?: number } = {},
): string {
  const notes = options.notes ?? [];
  if (result.decision.situation === 'SOURCE_ERROR' && result.error) return [result.error.message, ...notes].join('\n');
  return failureReason(settings.source.reasonSubject(settings.subject), result.decision, result.status, options.logGroupName, [
    ...(result.configurationNote !== undefined ? [result.configurationNote] : []),
    ...readFailureNotes(record, options.pollsSinceStart),
    ...blockerReadNotes(result.blockerReading?.errors),
    ...notes,
  ]);
}
