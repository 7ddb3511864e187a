/**
 * What one execution environment has learnt about how fast it may call one API, and whether a gate's read may go
 * out now. One per source and region, kept for the life of the environment, which serves many gates in turn: every
 * gate polled from it shares what the others learnt.
 *
 * The rule, for an API whose rate limit is a token bucket shared by the whole account, and so by every execution
 * environment of the provider, which cannot see each other (Lambda runs several at once, hands a gate's ticks to
 * any of them, starts new ones and recycles old ones):
 * - Until the API throttles a call, nothing is held back: most stacks have a few gates and never meet the limit.
 * - From the first throttled call on, the environment keeps an estimate of the calls per second it may make
 *   (`rate`): `startPerSecond` at first; each throttled call multiplies it by `decrease`, or by `streakDecrease`
 *   when no call was served since the previous throttled one (the estimate is far too high, as in an environment
 *   that has just started among busy ones). Each call served while reads were being held back multiplies it by
 *   1 + `increasePerServed`, twice that after two such calls in a row, and so on up to `maxIncreaseDoublings`
 *   doublings: gently just after a throttled call, fast when the API keeps serving (an environment whose estimate
 *   fell far below what it may make gets back in a few calls, not a few hundred).
 * - Multiplicative both ways, so that where it settles does not depend on how many environments share the API:
 *   each raises and lowers its own rate until about the same share of its calls is throttled (with the defaults,
 *   about a third), whether it is alone or one of twelve. With an additive increase (+0.02 call/s per served call,
 *   until issue 23), each environment added its own increase: 180 gates at 1 request/s made 1.13 calls per call
 *   served from one environment, 1.45 from four and 2.07 from twelve (test/lambda/polite/api-pace.test.ts's model
 *   of environments sharing an API); now 1.44, 1.57 and 1.67, the API serving over 99% of what it can in each.
 * - What it learnt is forgotten after `forgetMs` without a throttled call: an environment lives for hours, and a
 *   rate learnt in one deployment's rush (or while another tool flooded the API) must not slow a later deployment.
 * - Calls go out at least about 1 / rate apart: after each call the next may go (0.5 to 1.5) / rate later, drawn at
 *   random (a poll that also reads blockers counts twice). Spacing rather than slots of the clock: the first gate to
 *   tick after a slot's start took it, so calls of a slot's end and the next's start came back to back, which an
 *   API whose burst is 1 throttles; the draw keeps calls from locking onto the gates whose ticks happen to follow
 *   them, so that which waiting gate reads next is a fair lot. An environment that takes over the ticks from
 *   another adds at most one call.
 * - Which gates this environment has followed (`follows`): what it remembers of a gate (when it last read, whether
 *   a read was held back) is current only if it saw the gate's previous tick; otherwise other environments had the
 *   ticks in between, and the handler treats the gate as it treats one it has not seen.
 *
 * A gate whose read is held back makes no call: it answers "not yet" and asks again on its next tick. Pure: time
 * comes from `now` (ms), chance from `random`.
 */

export interface PaceSettings {
  /** The estimate, in calls per second, when the API first throttles a call. */
  readonly startPerSecond: number;
  /** Each throttled call multiplies the estimate by this. */
  readonly decrease: number;
  /** A throttled call multiplies the estimate by this while no call was served since the first throttled one. */
  readonly streakDecrease: number;
  /**
   * Each call served while reads were being held back multiplies the estimate by 1 + this, doubled for each such
   * call served in a row since the last throttled one (at most `maxIncreaseDoublings` times): gently after a
   * throttled call, fast when the API keeps serving.
   */
  readonly increasePerServed: number;
  readonly maxIncreaseDoublings: number;
  /** Never slower than this, so that an environment can always learn that the API serves again. */
  readonly minPerSecond: number;
  /** Never faster than this. */
  readonly maxPerSecond: number;
  /** Without a throttled call for this long, the environment forgets the rate and holds nothing back again. */
  readonly forgetMs: number;
}

export const DEFAULT_PACE: PaceSettings = {
  startPerSecond: 0.5,
  decrease: 0.85,
  streakDecrease: 0.5,
  increasePerServed: 0.02,
  maxIncreaseDoublings: 5,
  minPerSecond: 1 / 60,
  maxPerSecond: 100,
  forgetMs: 10 * 60_000,
};

/** Counts, for tests and the bench: reads let through and held back, and the API's answers. */
export interface PaceCounts {
  allowed: number;
  heldBack: number;
  served: number;
  throttled: number;
}

export class ApiPace {
  /** Calls per second this environment may make, once the API has throttled a call. */
  private ratePerSecond: number | undefined;
  /** When this environment's next call may go out: 1 / rate after the previous one (or now, whichever is later). */
  private nextCallAt = -Infinity;
  private heldBackSinceServed = false;
  /** No call was served since this environment began to learn the rate: its estimate may still be far too high. */
  private unservedSinceLearning = false;
  /** Calls served while reads were held back, in a row since the last throttled call. */
  private servedInRow = 0;
  private lastThrottledAt = -Infinity;
  /** When this environment last saw each gate's waiter tick, by the gate's key. */
  private readonly seen = new Map<string, number>();
  public readonly counts: PaceCounts = { allowed: 0, heldBack: 0, served: 0, throttled: 0 };

  /**
   * @param random jitters the spacing of calls (Math.random in Lambda; tests give their own).
   */
  constructor(
    private readonly now: () => number,
    private readonly settings: PaceSettings = DEFAULT_PACE,
    private readonly random: () => number = Math.random,
  ) {
    validate(settings);
  }

  /** The calls per second this environment may make, as learnt so far; undefined while the API throttles no call. */
  public get rate(): number | undefined {
    this.forgetWhenQuiet();
    return this.ratePerSecond;
  }

  /**
   * Whether this environment saw the gate's previous waiter tick, which came at most `tickMs` earlier plus the time
   * the tick took (less than another tick): then what it remembers of the gate is current. Otherwise Lambda handed
   * the ticks in between to other environments, and whatever this one remembers (when the gate last read, whether a
   * read was held back) may be stale. Notes this tick.
   */
  public follows(gate: string, tickMs: number): boolean {
    const now = this.now();
    const previous = this.seen.get(gate);
    this.seen.set(gate, now);
    if (this.seen.size > 10_000) {
      for (const [key, at] of this.seen) if (now - at > 2 * tickMs) this.seen.delete(key);
    }
    return previous !== undefined && now - previous >= 0 && now - previous < 2 * tickMs;
  }

  /** Whether a read may go out now; counts the answer. A read held back makes no call. */
  public mayRead(): boolean {
    this.forgetWhenQuiet();
    if (this.ratePerSecond !== undefined && this.now() < this.nextCallAt) {
      this.counts.heldBack += 1;
      this.heldBackSinceServed = true;
      return false;
    }
    this.counts.allowed += 1;
    return true;
  }

  /** When the pace lets the next read go out, in ms on the clock of `now` (now, when it does). */
  public get nextReadAt(): number {
    const now = this.now();
    return this.ratePerSecond === undefined ? now : Math.max(now, this.nextCallAt);
  }

  /** The API served a call. */
  public served(): void {
    this.counts.served += 1;
    if (this.ratePerSecond !== undefined && this.heldBackSinceServed) {
      const doublings = Math.min(this.servedInRow, this.settings.maxIncreaseDoublings);
      this.ratePerSecond = this.bounded(this.ratePerSecond * (1 + this.settings.increasePerServed * 2 ** doublings));
      this.servedInRow += 1;
    }
    this.heldBackSinceServed = false;
    this.unservedSinceLearning = false;
    this.called();
  }

  /** The API throttled a call. */
  public throttled(): void {
    this.counts.throttled += 1;
    this.lastThrottledAt = this.now();
    if (this.ratePerSecond === undefined) this.unservedSinceLearning = true;
    const decrease = this.unservedSinceLearning ? this.settings.streakDecrease : this.settings.decrease;
    this.ratePerSecond = this.bounded(this.ratePerSecond === undefined ? this.settings.startPerSecond : this.ratePerSecond * decrease);
    this.servedInRow = 0;
    this.called();
  }

  private forgetWhenQuiet(): void {
    if (this.ratePerSecond !== undefined && this.now() - this.lastThrottledAt > this.settings.forgetMs) {
      this.ratePerSecond = undefined;
      this.nextCallAt = -Infinity;
    }
  }

  /** A call was answered: the next may go 1 / rate after it, or after the calls already counted (a poll's blockers). */
  private called(): void {
    if (this.ratePerSecond === undefined) return;
    this.nextCallAt = Math.max(this.nextCallAt, this.now()) + ((0.5 + this.random()) * 1000) / this.ratePerSecond;
  }

  private bounded(perSecond: number): number {
    return Math.min(this.settings.maxPerSecond, Math.max(this.settings.minPerSecond, perSecond));
  }
}

function validate(s: PaceSettings): void {
  const positive = (name: keyof PaceSettings): void => {
    if (!(s[name] > 0) || !Number.isFinite(s[name])) throw new Error(`ApiPace: ${name} must be a positive number, got ${s[name]}`);
  };
  (['startPerSecond', 'increasePerServed', 'minPerSecond', 'maxPerSecond', 'forgetMs'] as const).forEach(positive);
  for (const name of ['decrease', 'streakDecrease'] as const) {
    if (!(s[name] > 0 && s[name] < 1)) throw new Error(`ApiPace: ${name} must be between 0 and 1 (exclusive), got ${s[name]}`);
  }
  if (!(s.minPerSecond <= s.startPerSecond && s.startPerSecond <= s.maxPerSecond)) {
    throw new Error(`ApiPace: expected minPerSecond <= startPerSecond <= maxPerSecond, got ${s.minPerSecond}, ${s.startPerSecond}, ${s.maxPerSecond}`);
  }
}
