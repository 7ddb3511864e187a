/**
 * The token bucket of a fake service's account-wide rate limit: `burst` tokens to start with, `perSecond` more
 * per second of the service's clock, one taken per request served. A request that finds no whole token is
 * throttled and takes none. Time is read from the clock passed in (the world's virtual clock), never from timers.
 */
import type { RateLimit } from './fake-service-types';

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    public readonly limit: RateLimit,
    now: number,
  ) {
    if (!(limit.perSecond > 0) || !Number.isFinite(limit.perSecond)) throw new Error(`rateLimit.perSecond must be a positive number, got ${limit.perSecond}`);
    if (!(limit.burst >= 1) || !Number.isInteger(limit.burst)) throw new Error(`rateLimit.burst must be a whole number >= 1, got ${limit.burst}`);
    this.tokens = limit.burst;
    this.last = now;
  }

  /** Takes a token at time `now` (ms) and returns true, or returns false (throttled) when none is left. */
  public take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whole and fractional tokens left at time `now`. */
  public available(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  private refill(now: number): void {
    // A clock that steps back (it should not) adds nothing rather than taking tokens away.
    const elapsed = Math.max(0, now - this.last);
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsed * this.limit.perSecond) / 1000);
    this.last = Math.max(this.last, now);
  }
}
