/**
 * What one execution environment has learnt about how fast it may call one API: a client-side token bucket whose
 * rate goes down when the API throttles and up while it serves, and which holds a call back (no call is made)
 * when it has no token. One per SDK client, and the handler keeps one client per source and region for the life of
 * the execution environment, which serves many gates in turn: so every gate polled from that environment shares
 * what the others learnt.
 *
 * The rule is the one of the SDK's adaptive retry mode (DefaultRateLimiter: a token bucket, multiplicative
 * decrease on throttling, growth while served), with two differences a polling gate needs: a call without a token
 * is held back instead of sleeping for one (a gate never sleeps in Lambda; "not yet" costs it one waiter tick), and
 * the decrease is steeper, because many execution environments learn at once and each throttled call they make is
 * one the API could not serve. Pure: time comes from `now` (ms).
 */

export interface PaceSettings {
  /** Calls per second a fresh environment starts with. */
  readonly initialPerSecond: number;
  /** Never slower than this (so an environment can always learn that the API serves again). */
  readonly minPerSecond: number;
  /** Never faster than this. */
  readonly maxPerSecond: number;
  /**
   * On a throttled call the rate becomes this × the rate this environment really sent at (its measured rate, as
   * the SDK's CUBIC takes it), or × the rate allowed, when lower.
   */
  readonly decrease: number;
  /** Time constant of the measured send rate (an exponentially weighted average of the calls let through). */
  readonly measureSeconds: number;
  /** Without a throttled call, the rate doubles every this many seconds. */
  readonly doublingSeconds: number;
  /** Tokens the bucket holds at most (calls that may go out back to back). */
  readonly capacity: number;
}

export const DEFAULT_PACE: PaceSettings = {
  initialPerSecond: 1,
  minPerSecond: 1 / 120,
  maxPerSecond: 20,
  decrease: 0.5,
  measureSeconds: 60,
  doublingSeconds: 60,
  // One poll's calls: a status read and up to two blocker reads (Proton's instance and service levels).
  capacity: 3,
};

/** Counts, for tests and the bench: calls let through, held back, and the API's answers. */
export interface PaceCounts {
  allowed: number;
  heldBack: number;
  served: number;
  throttled: number;
}

export class ApiPace {
  private ratePerSecond: number;
  private tokens: number;
  private last: number;
  private measured = 0;
  private measuredAt: number;
  /** Like the SDK's DefaultRateLimiter: no call is held back until the API has throttled one. */
  private enabled = false;
  public readonly counts: PaceCounts = { allowed: 0, heldBack: 0, served: 0, throttled: 0 };

  constructor(
    private readonly now: () => number,
    private readonly settings: PaceSettings = DEFAULT_PACE,
  ) {
    validate(settings);
    this.ratePerSecond = settings.initialPerSecond;
    this.tokens = settings.capacity;
    this.last = now();
    this.measuredAt = this.last;
  }

  /** The rate learnt so far, in calls per second. */
  public get rate(): number {
    return this.ratePerSecond;
  }

  /** Takes a token and returns true, or returns false: the call must be held back. */
  public tryAcquire(): boolean {
    this.refill();
    if (this.enabled && this.tokens < 1) {
      this.counts.heldBack += 1;
      return false;
    }
    if (this.enabled) this.tokens -= 1;
    this.counts.allowed += 1;
    this.measure(1);
    return true;
  }

  /** The rate this environment sent at lately, in calls per second. */
  public get measuredRate(): number {
    this.measure(0);
    return this.measured;
  }

  private measure(calls: number): void {
    const now = this.now();
    const tau = this.settings.measureSeconds;
    this.measured = this.measured * Math.exp(-Math.max(0, now - this.measuredAt) / 1000 / tau) + calls / tau;
    this.measuredAt = Math.max(this.measuredAt, now);
  }

  /** The API served a call. */
  public served(): void {
    this.counts.served += 1;
  }

  /** The API throttled a call: slow down, and wait a whole (new) interval before the next call. */
  public throttled(): void {
    this.counts.throttled += 1;
    this.refill();
    this.enabled = true;
    const sent = this.ratePerSecond;
    this.ratePerSecond = Math.min(this.settings.maxPerSecond, Math.max(this.settings.minPerSecond, sent * this.settings.decrease));
    this.tokens = Math.min(this.tokens, 0);
  }

  private refill(): void {
    const now = this.now();
    // A clock that steps back adds nothing.
    const elapsedMs = Math.max(0, now - this.last);
    if (this.enabled) {
      // Growth with time since the last change, as the SDK's CUBIC grows with time since the last throttle.
      this.ratePerSecond = Math.min(this.settings.maxPerSecond, this.ratePerSecond * 2 ** (elapsedMs / 1000 / this.settings.doublingSeconds));
    }
    this.tokens = Math.min(this.settings.capacity, this.tokens + (elapsedMs * this.ratePerSecond) / 1000);
    this.last = Math.max(this.last, now);
  }
}

function validate(s: PaceSettings): void {
  const positive = (name: keyof PaceSettings): void => {
    if (!(s[name] > 0) || !Number.isFinite(s[name])) throw new Error(`ApiPace: ${name} must be a positive number, got ${s[name]}`);
  };
  (['initialPerSecond', 'minPerSecond', 'maxPerSecond', 'capacity', 'doublingSeconds', 'measureSeconds'] as const).forEach(positive);
  if (!(s.minPerSecond <= s.initialPerSecond && s.initialPerSecond <= s.maxPerSecond)) {
    throw new Error(`ApiPace: expected minPerSecond <= initialPerSecond <= maxPerSecond, got ${s.minPerSecond}, ${s.initialPerSecond}, ${s.maxPerSecond}`);
  }
  if (!(s.decrease > 0 && s.decrease < 1)) throw new Error(`ApiPace: decrease must be between 0 and 1 (exclusive), got ${s.decrease}`);
  if (!(s.capacity >= 1)) throw new Error(`ApiPace: capacity must be >= 1, got ${s.capacity}`);
}
