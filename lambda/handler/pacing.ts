/**
 * When a gate reads its source. The stack's one provider asks every gate every waiter tick (5 s), whatever its
 * pollInterval, so that a pollInterval change never changes a gate's ServiceToken. A gate reads on the first tick
 * after each multiple of its pollInterval since it started, and once more on the first tick at or past its
 * deadline; on the other ticks it answers "not yet" without a call. Pure: times are milliseconds since the gate
 * started.
 *
 * Ticks come at least one tick apart (the waiter's Retry interval, plus the time each attempt took). Given when
 * this request last read (the execution environment's memory), the rule is exact: one read per multiple crossed.
 * Without that memory (a cold or another execution environment), the tick assumes the previous tick came one tick
 * ago: windows of one tick never overlap, so it never reads twice for one multiple, and reads late by one interval
 * only when a multiple falls in the gap between two ticks' windows (the time the previous attempt and the waiter's
 * transition took, tens to hundreds of milliseconds of each tick). The read at the deadline needs no memory.
 *
 * A read that is due but that the execution environment's pace holds back (the API is throttling; see
 * lambda/polite/api-pace.ts) stays owed: the gate asks on every tick until it reads.
 */

export interface PacingInput {
  /** Time since the gate started (onEvent). */
  readonly elapsedMs: number;
  readonly pollIntervalMs: number;
  /** The waiter's tick (Limits.waiterTickSeconds). */
  readonly tickMs: number;
  /** The gate's effective wait: one read at or past it decides TIMED_OUT. */
  readonly timeoutMs: number;
  /** When this request last read, if this execution environment remembers. */
  readonly lastReadElapsedMs?: number;
  /** A read was due on an earlier tick and the environment's pace held it back (lambda/polite/api-pace.ts). */
  readonly heldBack?: boolean;
}

/** Whether this tick reads the source. */
export function isReadDue(p: PacingInput): boolean {
  const previous = previousTick(p);
  if (previous < 0 || p.heldBack) return true; // the first tick, or a read still owed
  const crossedMultiple = Math.floor(p.elapsedMs / p.pollIntervalMs) > Math.floor(previous / p.pollIntervalMs);
  return crossedMultiple || isDeadlineRead(p);
}

/**
 * Whether this tick is at or past the deadline: it reads, whatever the environment's pace says, so that a gate held
 * back by a busy API still has its last look, and that read ends the request (at the deadline no verdict waits:
 * lambda/core/decide.ts). Needs no memory: the first tick at or past the deadline reads, at most a tick late.
 */
export function isDeadlineRead(p: Pick<PacingInput, 'elapsedMs' | 'timeoutMs'>): boolean {
  return p.elapsedMs >= p.timeoutMs;
}

function previousTick(p: PacingInput): number {
  return p.lastReadElapsedMs ?? p.elapsedMs - p.tickMs;
}
