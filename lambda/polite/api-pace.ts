/**
 * What one execution environment has learnt about how fast the gates may call one API, and whether a gate's read
 * may go out now. One per source and region, kept for the life of the environment, which serves many gates in
 * turn: every gate polled from it shares what the others learnt.
 *
 * The rule, for an API whose rate limit is a token bucket shared by the whole account, and so by every execution
 * environment of the provider, which cannot see each other:
 * - Until the API throttles a call, nothing is held back: most stacks have a few gates and never meet the limit.
 * - From the first throttled call on, the environment keeps an estimate of the calls per second the API serves in
 *   all (`rate`): `startPerSecond` at first; each throttled call multiplies it by `decrease`, each call served
 *   while reads were being held back adds `increasePerServed` (additive increase, multiplicative decrease, as TCP
 *   senders share a link).
 * - What it learnt is forgotten after `forgetMs` without a throttled call: an environment lives for hours, and a
 *   rate learnt in one deployment's rush (or while another tool flooded the API) must not slow a later deployment.
 * - Time is cut into slots of 1 / rate seconds, counted from the epoch, and a read goes out only in a slot this
 *   environment has not used: one call per slot (a poll that also reads blockers uses the next slot as well).
 *   Lambda hands the waiter's ticks to one warm environment after another; because the slots are the clock's and
 *   not the environment's, an environment that takes over continues the same grid instead of adding its own
 *   burst, so that the environments together call about `rate` times a second.
 *
 * A gate whose read is held back makes no call: it answers "not yet" and asks again on its next tick. Pure: time
 * comes from `now` (ms).
 */

export interface PaceSettings {
  /** The estimate of what the API serves, in calls per second, when it first throttles a call. */
  readonly startPerSecond: number;
  /** Each throttled call multiplies the estimate by this. */
  readonly decrease: number;
  /** Each call served while reads were being held back adds this many calls per second to the estimate. */
  readonly increasePerServed: number;
  /** Never slower than this, so that an environment can always learn that the API serves again. */
  readonly minPerSecond: number;
  /** Never faster than this. */
  readonly maxPerSecond: number;
  /** Without a throttled call for this long, the environment forgets the rate and holds nothing back again. */
  readonly forgetMs: number;
}

export const DEFAULT_PACE: PaceSettings = {
  startPerSecond: 1,
  decrease: 0.85,
  increasePerServed: 0.02,
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
  /** Calls per second the API serves in all, once it has throttled a call. */
  private ratePerSecond: number | undefined;
  /** When this environment last called in a slot of its own, and how many more calls that poll made. */
  private lastCallAt = -Infinity;
  private extraCalls = 0;
  private heldBackSinceServed = false;
  private lastThrottledAt = -Infinity;
  public readonly counts: PaceCounts = { allowed: 0, heldBack: 0, served: 0, throttled: 0 };

  constructor(
    private readonly now: () => number,
    private readonly settings: PaceSettings = DEFAULT_PACE,
  ) {
    validate(settings);
  }

  /** What the API serves in all, as learnt so far in calls per second; undefined while it throttles no call. */
  public get rate(): number | undefined {
    this.forgetWhenQuiet();
    return this.ratePerSecond;
  }

  /** Whether a read may go out now; counts the answer. A read held back makes no call. */
  public mayRead(): boolean {
    this.forgetWhenQuiet();
    if (this.slotTaken(this.now())) {
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
    if (this.ratePerSecond === undefined) return now;
    const free = this.slot(this.lastCallAt) + this.extraCalls + 1;
    return Math.max(now, (free * 1000) / this.ratePerSecond);
  }

  /** The API served a call. */
  public served(): void {
    this.counts.served += 1;
    if (this.ratePerSecond !== undefined && this.heldBackSinceServed) {
      this.ratePerSecond = this.bounded(this.ratePerSecond + this.settings.increasePerServed);
    }
    this.heldBackSinceServed = false;
    this.called();
  }

  /** The API throttled a call. */
  public throttled(): void {
    this.counts.throttled += 1;
    this.lastThrottledAt = this.now();
    this.ratePerSecond = this.bounded(this.ratePerSecond === undefined ? this.settings.startPerSecond : this.ratePerSecond * this.settings.decrease);
    this.called();
  }

  private forgetWhenQuiet(): void {
    if (this.ratePerSecond !== undefined && this.now() - this.lastThrottledAt > this.settings.forgetMs) {
      this.ratePerSecond = undefined;
      this.extraCalls = 0;
    }
  }

  /** A call was answered: it used the current slot, or the next free one when the current one is used. */
  private called(): void {
    const now = this.now();
    if (this.slotTaken(now)) {
      this.extraCalls += 1;
    } else {
      this.lastCallAt = now;
      this.extraCalls = 0;
    }
  }

  /** Whether this environment has used the slot of `at` already (or, after a poll's extra calls, the ones after). */
  private slotTaken(at: number): boolean {
    return this.ratePerSecond !== undefined && this.slot(at) <= this.slot(this.lastCallAt) + this.extraCalls;
  }

  private slot(at: number): number {
    return Math.floor((at * (this.ratePerSecond ?? 1)) / 1000);
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
  if (!(s.decrease > 0 && s.decrease < 1)) throw new Error(`ApiPace: decrease must be between 0 and 1 (exclusive), got ${s.decrease}`);
  if (!(s.minPerSecond <= s.startPerSecond && s.startPerSecond <= s.maxPerSecond)) {
    throw new Error(`ApiPace: expected minPerSecond <= startPerSecond <= maxPerSecond, got ${s.minPerSecond}, ${s.startPerSecond}, ${s.maxPerSecond}`);
  }
}
