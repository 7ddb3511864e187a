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
 * only when a multiple falls in the few milliseconds between two ticks' windows.
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
}

/** Whether this tick reads the source. */
export function isReadDue(p: PacingInput): boolean {
  const previous = p.lastReadElapsedMs ?? p.elapsedMs - p.tickMs;
  if (previous < 0) return true; // the first tick
  const crossedMultiple = Math.floor(p.elapsedMs / p.pollIntervalMs) > Math.floor(previous / p.pollIntervalMs);
  const reachedDeadline = p.elapsedMs >= p.timeoutMs && previous < p.timeoutMs;
  return crossedMultiple || reachedDeadline;
}

/** Whether this is the request's first tick (nothing before it), whatever the environment remembers. */
export function isFirstTick(elapsedMs: number, tickMs: number): boolean {
  return elapsedMs < tickMs;
}
