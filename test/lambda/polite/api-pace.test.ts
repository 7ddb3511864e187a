/** The execution environment's pace: what it lets through, holds back and learns, on a clock the test moves. */
import { ApiPace, DEFAULT_PACE, PaceSettings } from '../../../lambda/polite/api-pace';

/** A pace whose clock starts on a slot boundary at its start rate (1 call per second by default). */
function pace(settings: Partial<PaceSettings> = {}): { p: ApiPace; advance: (ms: number) => void; at: () => number } {
  let now = 1_000_000_000;
  const p = new ApiPace(() => now, { ...DEFAULT_PACE, ...settings });
  return { p, advance: (ms) => (now += ms), at: () => now };
}

/** How many of `asks` reads, one every `everyMs`, the pace lets through; each one let through is served. */
function letThrough(p: ApiPace, advance: (ms: number) => void, asks: number, everyMs: number): number {
  let n = 0;
  for (let i = 0; i < asks; i++) {
    advance(everyMs);
    if (p.mayRead()) {
      n++;
      p.served();
    }
  }
  return n;
}

describe('ApiPace', () => {
  it('lets every read through until the API throttles a call, learning nothing from served calls', () => {
    const { p, advance } = pace();
    expect(letThrough(p, advance, 500, 1)).toBe(500);
    expect(p.rate).toBeUndefined();
    expect(p.counts).toMatchObject({ allowed: 500, heldBack: 0, served: 500 });
  });

  it('after the first throttled call lets one read through per slot of 1 / rate seconds of the clock', () => {
    const { p, advance } = pace({ increasePerServed: 1e-9 });
    p.throttled();
    expect(p.rate).toBe(DEFAULT_PACE.startPerSecond);
    expect(p.mayRead()).toBe(false); // the throttled call used this slot
    // 20 asks a second for 60 s: one a second goes through.
    expect(letThrough(p, advance, 1_200, 50)).toBe(60);
  });

  it('counts every call of a poll: a second call in the same slot uses the next slot as well', () => {
    const { p, advance } = pace({ increasePerServed: 1e-9 });
    p.throttled();
    advance(1_000);
    expect(p.mayRead()).toBe(true);
    p.served(); // the status
    p.served(); // the blockers, in the same slot
    advance(1_000);
    expect(p.mayRead()).toBe(false);
    advance(1_000);
    expect(p.mayRead()).toBe(true);
  });

  it('multiplies the rate by `decrease` on each further throttled call, down to minPerSecond', () => {
    const { p } = pace({ startPerSecond: 2, decrease: 0.5, minPerSecond: 0.3 });
    p.throttled();
    expect(p.rate).toBe(2);
    p.throttled();
    expect(p.rate).toBe(1);
    p.throttled();
    expect(p.rate).toBe(0.5);
    p.throttled();
    expect(p.rate).toBe(0.3);
  });

  it('raises the rate by increasePerServed for a served call only while reads were held back, up to maxPerSecond', () => {
    const { p, advance } = pace({ increasePerServed: 0.25, maxPerSecond: 1.5 });
    p.throttled();
    advance(1_000);
    expect(p.mayRead()).toBe(true);
    p.served(); // nothing was held back: the demand fits, no reason to go faster
    expect(p.rate).toBe(1);
    expect(p.mayRead()).toBe(false);
    advance(1_000);
    expect(p.mayRead()).toBe(true);
    p.served();
    expect(p.rate).toBe(1.25);
    expect(p.mayRead()).toBe(false);
    advance(1_000);
    p.mayRead();
    p.served();
    expect(p.rate).toBe(1.5);
    expect(p.mayRead()).toBe(false);
    advance(1_000);
    p.mayRead();
    p.served();
    expect(p.rate).toBe(1.5);
  });

  it("keeps the clock's slots: an environment that takes over after another adds no burst", () => {
    // Two environments that learnt the same rate, used in turn as Lambda hands the ticks to one, then the other.
    const a = pace({ increasePerServed: 1e-9 });
    let now = a.at();
    const b = new ApiPace(() => now, { ...DEFAULT_PACE, increasePerServed: 1e-9 });
    a.p.throttled();
    b.throttled();
    let calls = 0;
    for (let t = 0; t < 60_000; t += 50) {
      a.advance(50);
      now = a.at();
      const env = Math.floor(t / 2_500) % 2 === 0 ? a.p : b; // each takes 2.5 s of ticks in turn
      if (env.mayRead()) {
        calls++;
        env.served();
      }
    }
    // About one per second of the clock, plus at most one where an environment takes over in a slot the other used.
    expect(calls).toBeGreaterThanOrEqual(59);
    expect(calls).toBeLessThanOrEqual(60 + 24);
  });

  it('forgets what it learnt after forgetMs without a throttled call, and learns anew from the next one', () => {
    const { p, advance } = pace({ startPerSecond: 0.5, forgetMs: 600_000 });
    p.throttled();
    p.throttled();
    expect(p.rate).toBe(0.425);
    advance(600_000);
    expect(p.rate).toBe(0.425); // not yet: exactly forgetMs
    advance(1);
    expect(p.rate).toBeUndefined();
    expect(letThrough(p, advance, 100, 10)).toBe(100); // nothing held back
    p.throttled();
    expect(p.rate).toBe(0.5);
  });

  it('says when the next read may go out', () => {
    const { p, advance, at } = pace({ increasePerServed: 1e-9 });
    expect(p.nextReadAt).toBe(at());
    p.throttled();
    advance(300);
    expect(p.nextReadAt).toBe(at() + 700);
  });

  it.each([
    [{ decrease: 1 }, 'decrease must be between 0 and 1 (exclusive), got 1'],
    [{ decrease: 0 }, 'decrease must be between 0 and 1 (exclusive), got 0'],
    [{ minPerSecond: 0 }, 'minPerSecond must be a positive number, got 0'],
    [{ forgetMs: 0 }, 'forgetMs must be a positive number, got 0'],
    [{ increasePerServed: Number.NaN }, 'increasePerServed must be a positive number, got NaN'],
    [{ startPerSecond: 200 }, 'expected minPerSecond <= startPerSecond <= maxPerSecond, got 0.016666666666666666, 200, 100'],
  ] as [Partial<PaceSettings>, string][])('rejects %j, naming the setting and the value', (settings, message) => {
    expect(() => pace(settings)).toThrow(message);
  });
});
