/**
 * The heart of the gate: given a sync status, pass, wait or fail, and why. Pure: no I/O, no clock.
 */
import { isCommitSha } from '../../lib/limits';
import { activeBlockers, isStatus, RUNNING_SYNC_STATUSES, sameSha, SyncBlocker, SyncStatus } from './sync-status';
import { formatDuration } from './text';

export type Verdict = 'PASS' | 'WAIT' | 'FAIL';

/** Why the verdict was reached; one value per row of the README's gate table. */
export type Situation =
  /** latestSync SUCCEEDED at the desired sha (and the expected sha, when given). */
  | 'IN_SYNC'
  /** requireSuccess is off: the status is read and reported, never judged. */
  | 'READ_ONLY'
  /** The latest sync of the desired sha FAILED. */
  | 'SYNC_FAILED'
  /** The latest sync of the desired sha is INITIATED or IN_PROGRESS. */
  | 'SYNC_RUNNING'
  /** The latest sync of the desired sha reports a status the model does not list. */
  | 'UNKNOWN_STATUS'
  /** No sync has ever run for the instance. */
  | 'NEVER_SYNCED'
  /** The source reports no desired state yet. */
  | 'NO_DESIRED_STATE'
  /** The latest sync ran for another sha than the desired one: a new sync is due. */
  | 'NEW_SYNC_DUE'
  /** An expected sha was given and the source does not desire it yet. */
  | 'EXPECTED_SHA_NOT_DESIRED'
  /**
   * An expected sha was given, the source has moved past it (another sha is desired now, and the expected one was
   * desired, synced or the start of the latest sync before): it will never be desired again, so the gate fails at
   * once, as a superseded pipeline run stops.
   */
  | 'SUPERSEDED'
  /** The gate kept waiting until its timeout. */
  | 'TIMED_OUT'
  /** The stack is rolling back an update: the gate reports without judging, so the rollback can finish. */
  | 'ROLLBACK'
  /**
   * The gate would fail an Update, but CloudFormation could not say whether the stack is rolling back (DescribeStacks
   * throttled, 5xx, unreachable): the failure waits for a later read, so that a rollback is never failed.
   */
  | 'STACK_STATE_UNKNOWN'
  /** The status could not be read this poll, for a reason that may pass (throttling, 5xx, timeouts, resets). */
  | 'SOURCE_UNAVAILABLE'
  /** The status could not be read, for a reason that waiting does not fix (not found, access denied, ...). */
  | 'SOURCE_ERROR'
  /** An ACTIVE sync blocker stops the sync the gate needs: no waiting will help, so the gate fails at once. */
  | 'BLOCKED';

export interface GateCriteria {
  /** When false, the gate only reads the status and always passes. */
  readonly requireSuccess: boolean;
  /**
   * When set, the desired sha must be this commit before the gate can pass: a full sha matches whole, an
   * abbreviated one (at least 7 hex digits) as a prefix, case-insensitively, as Git resolves it.
   */
  readonly expectedSha?: string;
  /**
   * Whether an earlier poll of the same wait saw the expected sha desired. Only the `check` command gives it (one
   * process, whose memory of its own polls is certain); the gate never does, since an execution environment's
   * memory must not change a verdict. With it, a desired sha that moved on is SUPERSEDED even when no sync of the
   * expected sha ran.
   */
  readonly expectedWasDesired?: boolean;
}

export interface Decision {
  readonly verdict: Verdict;
  readonly situation: Situation;
  /** One sentence on why, naming the shas and status involved. */
  readonly why: string;
  /** For TIMED_OUT: the situation the gate was waiting on when time ran out. */
  readonly waitingOn?: Situation;
  /** For BLOCKED: the situation the sync status gave before the blockers were read. */
  readonly blockedFrom?: Situation;
  /** For BLOCKED: the active blockers, as the source reported them. */
  readonly blockers?: readonly SyncBlocker[];
  /** For STACK_STATE_UNKNOWN: the situation of the failure that waits. */
  readonly heldFrom?: Situation;
  /** For ROLLBACK: whether the sync status was read (the attributes report it) or not (they say UNKNOWN). */
  readonly statusRead?: boolean;
}

/**
 * Whether `desired` is the commit `expected` names: whole, or by its abbreviation (as `git rev-parse` does). An
 * `expected` that is no commit sha (isCommitSha) names no commit.
 */
export function isExpectedSha(desired: string, expected: string): boolean {
  return isCommitSha(expected) && desired.toLowerCase().startsWith(expected.toLowerCase());
}

/**
 * Why the source has moved past the expected commit, when it has; called only while another sha is desired. The
 * expected commit was picked up before (it was the target of the latest sync or of the latest successful one, or
 * the revision the latest sync started from), or an earlier poll of this request saw it desired. A commit that
 * was never seen is not superseded: the source may not have picked it up yet.
 */
export function supersededEvidence(status: SyncStatus, expected: string, expectedWasDesired: boolean): string | undefined {
  const latest = status.latestAttempt;
  const good = status.latestSuccessfulAttempt;
  if (good && isExpectedSha(good.targetRevision.sha, expected)) return `it synced successfully${good.startedAt && !Number.isNaN(good.startedAt.getTime()) ? ` in the sync started ${good.startedAt.toISOString()}` : ''}`;
  if (latest && isExpectedSha(latest.targetRevision.sha, expected)) return `the latest sync, ${latest.status}, was for it`;
  if (latest && isExpectedSha(latest.initialRevision.sha, expected)) return `the latest sync started from it and targets sha ${latest.targetRevision.sha}`;
  if (expectedWasDesired) return 'it was desired earlier in this deployment';
  return undefined;
}

/** Decides what the gate does with one observed sync status. */
export function decide(status: SyncStatus, criteria: GateCriteria): Decision {
  // A desired revision without a sha names no commit to wait for: it is no desired state (see sameSha).
  const desired = status.desiredRevision?.sha ? status.desiredRevision : undefined;
  const latest = status.latestAttempt;

  if (!criteria.requireSuccess) {
    return { verdict: 'PASS', situation: 'READ_ONLY', why: 'requireSuccess is off: the status is reported without being judged.' };
  }
  if (!desired) {
    return latest
      ? wait('NO_DESIRED_STATE', `no desired state is reported yet (the latest sync, ${latest.status}, was for sha ${latest.targetRevision.sha}).`)
      : wait('NEVER_SYNCED', 'no desired state is reported and no sync has run yet.');
  }
  if (criteria.expectedSha !== undefined && !isExpectedSha(desired.sha, criteria.expectedSha)) {
    const evidence = supersededEvidence(status, criteria.expectedSha, criteria.expectedWasDesired === true);
    if (evidence) {
      return {
        verdict: 'FAIL',
        situation: 'SUPERSEDED',
        why: `the expected sha ${criteria.expectedSha} was superseded by sha ${desired.sha}, which is desired now (${evidence}).`,
      };
    }
    return wait('EXPECTED_SHA_NOT_DESIRED', `the expected sha ${criteria.expectedSha} is not desired yet (desired sha is ${desired.sha}).`);
  }
  if (!latest) {
    return wait('NEVER_SYNCED', `no sync has run yet for desired sha ${desired.sha}.`);
  }
  const latestSha = latest.targetRevision.sha;
  if (!sameSha(latestSha, desired.sha)) {
    return wait('NEW_SYNC_DUE', `the latest sync (${latest.status}) was for sha ${latestSha}, not the desired sha ${desired.sha}: a new sync is due.`);
  }
  if (isStatus(latest.status, 'SUCCEEDED')) {
    return { verdict: 'PASS', situation: 'IN_SYNC', why: `the latest sync SUCCEEDED at the desired sha ${desired.sha}.` };
  }
  if (isStatus(latest.status, 'FAILED')) {
    return { verdict: 'FAIL', situation: 'SYNC_FAILED', why: `the latest sync of the desired sha ${desired.sha} FAILED.` };
  }
  if (RUNNING_SYNC_STATUSES.has(latest.status)) {
    return wait('SYNC_RUNNING', `the sync of the desired sha ${desired.sha} is ${latest.status}.`);
  }
  return wait('UNKNOWN_STATUS', `the sync of the desired sha ${desired.sha} reports status ${JSON.stringify(latest.status)}, which this gate does not know; it is not treated as success.`);
}

/**
 * Decides what the gate does when the sync status could not be read: an error that may pass is "not yet" (the
 * deadline still applies, see applyDeadline); any other fails at once with the error's own reason.
 */
export function decideUnreadable(error: { readonly transient: boolean; readonly message: string }): Decision {
  return error.transient
    ? wait('SOURCE_UNAVAILABLE', 'the last poll could not read the sync status.')
    : { verdict: 'FAIL', situation: 'SOURCE_ERROR', why: error.message };
}

/**
 * Situations in which a sync blocker may be the cause: a sync of the desired sha has not started, none ever
 * ran, nothing (or not the expected sha) is desired yet, or the sync failed. Only these read the blockers; a gate that passes, or waits
 * on a running sync, makes no call for them.
 */
const BLOCKABLE: ReadonlySet<Situation> = new Set<Situation>(['NEW_SYNC_DUE', 'NEVER_SYNCED', 'NO_DESIRED_STATE', 'EXPECTED_SHA_NOT_DESIRED', 'SYNC_FAILED']);

/**
 * Whether a failure should say what the source's configuration tells about an expected sha that never became desired:
 * only the final verdict of a gate that waited for it until its deadline (so at most once per request).
 */
export function needsConfiguration(decision: Decision): boolean {
  return decision.verdict === 'FAIL' && decision.situation === 'TIMED_OUT' && decision.waitingOn === 'EXPECTED_SHA_NOT_DESIRED';
}

/** Whether the gate should read the sync blockers before acting on this decision. */
export function needsBlockerCheck(decision: Decision): boolean {
  return BLOCKABLE.has(decision.situation);
}

/**
 * Fails the gate at once when an ACTIVE blocker stops the sync it needs; RESOLVED (and unknown) blockers are
 * ignored, and decisions that do not need a blocker check pass through unchanged.
 */
export function applyBlockers(decision: Decision, blockers: readonly SyncBlocker[]): Decision {
  const active = activeBlockers(blockers);
  if (!needsBlockerCheck(decision) || active.length === 0) return decision;
  const count = active.length === 1 ? 'an active sync blocker stops' : `${active.length} active sync blockers stop`;
  return {
    verdict: 'FAIL',
    situation: 'BLOCKED',
    blockedFrom: decision.situation,
    blockers: active,
    why: `${count} new syncs, so waiting cannot help (${decision.why.replace(/\.$/, '')}).`,
  };
}

/** Turns a WAIT into a TIMED_OUT failure once the gate's time is up. PASS and FAIL pass through. */
export function applyDeadline(decision: Decision, elapsedMs: number, timeoutMs: number): Decision {
  if (decision.verdict !== 'WAIT' || elapsedMs < timeoutMs) {
    return decision;
  }
  const waited = timeoutMs === 0 ? 'the gate checks once without waiting (waitTimeout is 0)' : `the gate waited ${formatDuration(elapsedMs)} of its ${formatDuration(timeoutMs)} timeout`;
  return { verdict: 'FAIL', situation: 'TIMED_OUT', waitingOn: decision.situation, why: `${waited} and ${decision.why}` };
}

/**
 * What CloudFormation says of the gate's stack during an Update (DescribeStacks): rolling back an update
 * (UPDATE_ROLLBACK_IN_PROGRESS), not, or it could not be told (the call failed after its retries).
 */
export type StackPhase = 'ROLLING_BACK' | 'NOT_ROLLING_BACK' | 'UNKNOWN';

/** What one poll read: the sync status, or why it could not (transient: a later poll may read it). */
export type StatusRead =
  | { readonly status: SyncStatus; readonly error?: undefined }
  | { readonly status?: undefined; readonly error: { readonly transient: boolean; readonly message: string } };

/** Every fact a verdict rests on, gathered by the handler (or the check) for one poll. */
export interface GateFacts {
  readonly criteria: GateCriteria;
  readonly read: StatusRead;
  /** The sync blockers this poll read (only when needsBlockerCheck said so and they could be read). */
  readonly blockers?: readonly SyncBlocker[];
  /** Time since the gate started, and its effective wait. */
  readonly elapsedMs: number;
  readonly timeoutMs: number;
  /** This is the request's first read (its elapsed time is under one poll interval). */
  readonly firstRead: boolean;
  /**
   * For an Update whose verdict would not pass (needsStackPhase): what CloudFormation says of the stack. Absent
   * for a Create, for the check, and before it is asked.
   */
  readonly stack?: StackPhase;
}

/**
 * The verdict of one poll, and the one place a verdict is made: the sync status (or the read's error), the
 * blockers, the deadline, then the stack's phase. Pure: the same facts give the same verdict in any execution
 * environment.
 */
export function judge(f: GateFacts): Decision {
  const judged = f.read.status ? decide(f.read.status, f.criteria) : decideUnreadable(f.read.error);
  return applyStackPhase(applyDeadline(applyBlockers(judged, f.blockers ?? []), f.elapsedMs, f.timeoutMs), f);
}

/**
 * Whether an Update must ask CloudFormation whether its stack is rolling back before acting on `decision`: any
 * verdict but PASS (a rollback must never fail, and never wait longer than it has to).
 */
export function needsStackPhase(decision: Decision): boolean {
  return decision.verdict !== 'PASS';
}

/**
 * The rules of an Update that would not pass, by what CloudFormation says of the stack:
 * - Rolling back an update: the gate reports without judging, so that the rollback finishes (CloudFormation sends
 *   a rollback's Update with the previous properties; a failed one leaves the stack in UPDATE_ROLLBACK_FAILED). A
 *   status it read is reported; a read that failed for a reason that may pass gets one more read; any other read
 *   error, or a second read that fails, passes with attributes that say UNKNOWN. So a rollback ends within two reads.
 * - Could not be told: a failure waits for a later read (and its DescribeStacks), so that a rollback is never failed
 *   for want of an answer; from the deadline on, the gate fails as it would have, and its reason says how to finish
 *   a rollback without it.
 * - Not rolling back, or not asked: the verdict stands.
 */
export function applyStackPhase(decision: Decision, f: Pick<GateFacts, 'stack' | 'read' | 'firstRead' | 'elapsedMs' | 'timeoutMs'>): Decision {
  if (decision.verdict === 'PASS' || f.stack === undefined || f.stack === 'NOT_ROLLING_BACK') return decision;
  if (f.stack === 'ROLLING_BACK') {
    if (f.read.status) {
      return { verdict: 'PASS', situation: 'ROLLBACK', statusRead: true, why: `the stack is rolling back an update; the gate reports without judging (${decision.why})` };
    }
    if (f.read.error.transient && f.firstRead && f.elapsedMs < f.timeoutMs) {
      return wait('SOURCE_UNAVAILABLE', 'the stack is rolling back an update and this read could not read the sync status; the gate reads once more, then passes without it.');
    }
    return {
      verdict: 'PASS',
      situation: 'ROLLBACK',
      statusRead: false,
      why: `the stack is rolling back an update and the sync status could not be read (${f.read.error.message.split('\n')[0]}); the gate passes without judging and its attributes say UNKNOWN.`,
    };
  }
  if (decision.verdict === 'FAIL' && f.elapsedMs < f.timeoutMs) {
    return {
      verdict: 'WAIT',
      situation: 'STACK_STATE_UNKNOWN',
      heldFrom: decision.situation,
      why: `the gate would fail (${decision.situation}: ${decision.why.replace(/\.$/, '')}), but CloudFormation could not say whether the stack is rolling back an update, which the gate never fails; it asks again on its next read.`,
    };
  }
  return decision;
}

function wait(situation: Situation, why: string): Decision {
  return { verdict: 'WAIT', situation, why };
}
