/**
 * The check: poll the source as the gate does, decide with the gate's own core, and say what the gate would do.
 * Pure of the process: the reader, the clock and the sleep are parameters, so tests run it in virtual time.
 *
 * Each poll does what the gate's isComplete does: reads the status once, decides (decide, or decideUnreadable
 * when the read failed), reads the sync blockers when one may be why the gate would not pass (needsBlockerCheck,
 * applyBlockers) and applies the deadline (applyDeadline). PASS and FAIL end the check; WAIT sleeps one poll
 * interval, or what is left of the wait when that is shorter, so that the last poll falls on the deadline. The wait
 * is the gate's own (effectiveTimeoutMs): --wait, capped as the gate caps its waitTimeout below CloudFormation's hour.
 */
import { Attributes, toAttributes } from '../lambda/core/attributes';
import { Decision } from '../lambda/core/decide';
import { SyncStatus } from '../lambda/core/sync-status';
import { effectiveTimeoutMs, failureOf, poll, PollRecord } from '../lambda/poll/poll';
import { GateSettings } from '../lambda/poll/settings';
import { SourceReader } from '../lambda/sources/source';

/**
 * What a pipeline can branch on (listed in every --help). A shell gives 127 when the command is not there, so a
 * pipeline tells all five apart: passes, the sync failed, the command line was wrong, no decision, not installed.
 */
export const ExitCode = {
  /** The gate would pass. */
  Pass: 0,
  /** The gate would fail on the sync: it failed, is blocked, was superseded, or did not succeed in time. */
  SyncFailed: 1,
  /** Bad arguments: nothing was read. */
  Usage: 2,
  /** No decision: the sync status could not be read (or the check stopped on an unexpected error). */
  Undecided: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code of a final decision (PASS or FAIL). */
export function exitCodeOf(decision: Decision): ExitCode {
  if (decision.verdict === 'PASS') return ExitCode.Pass;
  // A status that could not be read is no decision on the sync: at once for errors waiting does not fix, and at
  // the deadline for errors that might have passed (throttling, 5xx, timeouts).
  if (decision.situation === 'SOURCE_ERROR' || decision.waitingOn === 'SOURCE_UNAVAILABLE') return ExitCode.Undecided;
  return ExitCode.SyncFailed;
}

/** One poll, for progress. */
export interface PollReport {
  /** 1-based. */
  readonly poll: number;
  readonly elapsedMs: number;
  /** Of the wait; 0 when checking once. */
  readonly remainingMs: number;
  readonly decision: Decision;
  /** Of the last status read (all empty when none could be read). */
  readonly attributes: Attributes;
  /** Why this poll could not read the status, when it could not. */
  readonly error?: string;
}

/** A --wait that the gate would not honour in full: what was asked, and the wait the gate (and the check) keeps. */
export interface WaitCap {
  readonly requestedMs: number;
  readonly waitMs: number;
}

/**
 * The cap on the check's wait, when there is one: the gate answers by itself a reserve and one waiter tick before
 * CloudFormation's one-hour limit (effectiveTimeoutMs), so the check waits no longer than the gate would.
 */
export function waitCap(settings: GateSettings): WaitCap | undefined {
  const waitMs = effectiveTimeoutMs(settings);
  return waitMs < settings.waitTimeoutMs ? { requestedMs: settings.waitTimeoutMs, waitMs } : undefined;
}

export interface CheckDeps {
  readonly reader: SourceReader;
  /** Milliseconds since any fixed origin. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Called after every poll, the last one included. */
  readonly onPoll?: (report: PollReport) => void;
}

export interface CheckOutcome {
  /** PASS or FAIL: a check never ends on WAIT. */
  readonly decision: Decision;
  /** The last status read, if any. */
  readonly status?: SyncStatus;
  /** Every attribute the gate would return, from the last status read (all empty when none could be read). */
  readonly attributes: Attributes;
  /** The gate's failure reason, when it would fail. */
  readonly reason?: string;
  /** Why the last poll could not read the status, when it could not. */
  readonly readError?: string;
  /** The wait the check kept (the gate's effective wait for --wait); 0 when it checked once. */
  readonly waitMs: number;
  readonly polls: number;
  readonly failedPolls: number;
  readonly elapsedMs: number;
  readonly exitCode: ExitCode;
  /** When --wait was longer than the gate would wait: what was asked and the wait kept. */
  readonly waitCap?: WaitCap;
}

/** Polls until the gate would pass or fail, and returns what it would say. */
export async function runCheck(settings: GateSettings, deps: CheckDeps): Promise<CheckOutcome> {
  const startedAt = deps.now();
  const timeoutMs = effectiveTimeoutMs(settings);
  const cap = waitCap(settings);
  const record: PollRecord = { polls: 0, failedPolls: 0 };

  for (;;) {
    const elapsedMs = Math.max(0, deps.now() - startedAt);
    // The gate's own poll: read, decide, blockers, deadline (lambda/poll/poll.ts).
    // The check's record is whole (one process, every poll of its wait), so an expected sha it saw desired and then
    // saw move on is evidence that it was superseded.
    const result = await poll(settings, deps.reader, record, elapsedMs, { recordIsWhole: true });
    const { decision, error } = result;
    const attributes = toAttributes(record.lastStatus ?? {}, settings.location);
    deps.onPoll?.({
      poll: record.polls,
      elapsedMs,
      remainingMs: Math.max(0, timeoutMs - elapsedMs),
      decision,
      attributes,
      error: error?.message,
    });

    if (decision.verdict !== 'WAIT') {
      // With no --wait, a read that may pass is no failure of the gate's (it would wait and read again): no reason.
      const gateWouldWait = timeoutMs === 0 && decision.waitingOn === 'SOURCE_UNAVAILABLE';
      const reason = decision.verdict === 'PASS' || gateWouldWait ? undefined : failureOf(settings, result, record);
      return {
        decision,
        status: record.lastStatus,
        attributes,
        reason,
        ...(error ? { readError: error.message } : {}),
        waitMs: timeoutMs,
        polls: record.polls,
        failedPolls: record.failedPolls,
        elapsedMs: Math.max(0, deps.now() - startedAt),
        exitCode: exitCodeOf(decision),
        ...(cap ? { waitCap: cap } : {}),
      };
    }
    const left = timeoutMs - Math.max(0, deps.now() - startedAt);
    await deps.sleep(Math.max(0, Math.min(settings.pollIntervalMs, left)));
  }
}
