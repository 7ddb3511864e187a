import { isDeadlineRead, isReadDue } from '../../../lambda/handler/pacing';
import { Limits } from '../../../lib/limits';

const TICK = Limits.waiterTickSeconds * 1000;
const TIMEOUT = 600_000;

/**
 * The ticks of a waiter whose attempts each take `workMs` after their tick: tick k comes k x (tick + work) after the
 * gate started, as Step Functions retries `IntervalSeconds` after the previous attempt ended.
 */
function ticks(count: number, workMs: number): number[] {
  return Array.from({ length: count }, (_, k) => k * (TICK + workMs) + workMs);
}

/** The elapsed times at which a gate reads, over `count` ticks, with or without the environment's memory. */
function reads(pollIntervalMs: number, count: number, workMs: number, remember: boolean, timeoutMs = TIMEOUT): number[] {
  let last: number | undefined;
  const at: number[] = [];
  for (const elapsedMs of ticks(count, workMs)) {
    if (isReadDue({ elapsedMs, pollIntervalMs, tickMs: TICK, timeoutMs, lastReadElapsedMs: remember ? last : undefined })) {
      at.push(elapsedMs);
      last = elapsedMs;
    }
  }
  return at;
}

describe('isReadDue', () => {
  it.each([
    // [name, elapsed, poll, last read, due]
    ['the first tick', 40, 15_000, undefined, true],
    ['the first tick, remembered or not', 40, 300_000, undefined, true],
    ['a tick before the next multiple', 10_100, 15_000, 40, false],
    ['the first tick past the multiple', 15_200, 15_000, 10_100, true],
    ['exactly on the multiple', 15_000, 15_000, 10_000, true],
    ['a second tick past the same multiple', 20_300, 15_000, 15_200, false],
    ['without memory, a tick whose window holds a multiple', 16_000, 15_000, undefined, true],
    ['without memory, a tick whose window holds none', 21_000, 15_000, undefined, false],
    ['at the deadline, between multiples', 600_100, 7_000, 595_100, true],
    // The read at the deadline ends the request; a tick past it (a retried invocation) reads again rather than hang.
    ['past the deadline, though read there', 605_200, 10_000, 600_100, true],
  ] as const)('%s: %s ms, every %s ms, last read %s -> %s', (_name, elapsedMs, pollIntervalMs, lastReadElapsedMs, due) => {
    expect(isReadDue({ elapsedMs, pollIntervalMs, tickMs: TICK, timeoutMs: TIMEOUT, lastReadElapsedMs })).toBe(due);
  });

  // Every accepted interval, at the edges and between, with an environment that remembers (the usual case) and one
  // that forgets every time (each tick on another environment), with attempts of 0.1 s and of 1 s.
  const INTERVALS = [5, 6, 7, 9, 10, 14, 15, 16, 29, 30, 31, 59, 60, 61, 97, 150, 299, 300];
  describe.each(INTERVALS)('every %i s', (seconds) => {
    const poll = seconds * 1000;
    it.each([
      [true, 100],
      [true, 1_000],
      [false, 100],
      [false, 1_000],
    ])('reads at most once per multiple and never later than a multiple plus a tick (memory %s, %i ms a tick)', (remember, work) => {
      const count = Math.ceil(3_600_000 / TICK);
      const at = reads(poll, count, work, remember, Number.POSITIVE_INFINITY);
      const multiples = at.map((t) => Math.floor(t / poll));
      // One read per multiple at most.
      expect(new Set(multiples).size).toBe(at.length);
      if (remember && poll < TICK + work) {
        // An interval shorter than the ticks' spacing: every tick reads (the waiter cannot ask more often).
        expect(at).toEqual(ticks(count, work));
      } else if (remember) {
        // With memory, every multiple the ticks reached gets its read, on the first tick at or after it.
        const lastTick = ticks(count, work).at(-1)!;
        expect(multiples).toEqual(Array.from({ length: Math.floor(lastTick / poll) + 1 }, (_, k) => k));
        at.forEach((t, k) => expect(t - k * poll).toBeLessThan(TICK + work + 1));
      } else {
        // Without it, a multiple that falls between two ticks' windows (the attempt's own time) is read one interval
        // late: the reads still average the interval within the share of time the windows leave uncovered.
        const span = at.at(-1)! - at[0];
        expect(span / (at.length - 1)).toBeLessThanOrEqual(poll * (1 + work / TICK) + TICK);
      }
    });
  });

  it('reads once more at the deadline, whether or not a multiple falls there', () => {
    // 7 s interval, 60 s timeout, ticks 5.1 s apart: the tick at 61.3 s holds no multiple of 7 s (56 was read at 56.2 s).
    const deadlineTick = ticks(20, 100)[12];
    expect(deadlineTick).toBe(61_300);
    expect(reads(7_000, 20, 100, true, 60_000)).toContain(deadlineTick);
    expect(reads(7_000, 20, 100, true, Number.POSITIVE_INFINITY)).not.toContain(deadlineTick);
  });

  it('reads on the first tick even with a zero timeout', () => {
    expect(isReadDue({ elapsedMs: 30, pollIntervalMs: 15_000, tickMs: TICK, timeoutMs: 0 })).toBe(true);
  });
});

describe('a read the pace held back', () => {
  const base = { pollIntervalMs: 15_000, tickMs: TICK, timeoutMs: 600_000 };
  it('stays owed: every tick reads until one does, though no multiple fell since the last tick', () => {
    // Last read at 15 s; at 25 s and 30 s no multiple of 15 s was crossed since the tick before (20 s, 25 s)...
    expect(isReadDue({ ...base, elapsedMs: 25_000, lastReadElapsedMs: 15_000 })).toBe(false);
    // ...but a read held back at 20 s is still owed.
    expect(isReadDue({ ...base, elapsedMs: 25_000, lastReadElapsedMs: 15_000, heldBack: true })).toBe(true);
    expect(isReadDue({ ...base, elapsedMs: 25_000, heldBack: true })).toBe(true);
  });
});

describe('isDeadlineRead', () => {
  const base = { timeoutMs: 60_000 };
  it.each([
    ['the first tick at the deadline', 60_000, true],
    ['a tick past it (with or without memory of the tick before: none is needed)', 63_000, true],
    ['any later tick: the read there ends the request, so there is none after it', 66_000, true],
    ['a tick before it', 59_999, false],
  ])('%s: %s ms -> %s', (_what, elapsedMs, expected) => {
    expect(isDeadlineRead({ ...base, elapsedMs })).toBe(expected);
  });

  it('makes the first tick at or past the deadline read, with or without memory, whatever the interval', () => {
    for (const pollIntervalMs of [5_000, 7_000, 15_000, 300_000]) {
      for (const elapsedMs of [60_000, 60_001, 64_999]) {
        expect(isReadDue({ pollIntervalMs, tickMs: TICK, timeoutMs: 60_000, elapsedMs })).toBe(true);
        expect(isReadDue({ pollIntervalMs, tickMs: TICK, timeoutMs: 60_000, elapsedMs, lastReadElapsedMs: elapsedMs - 1 })).toBe(true);
      }
    }
  });
});
