/** The execution environment's pace: what it lets through, holds back and learns, on a clock the test moves. */
import { ApiPace, DEFAULT_PACE, PaceSettings } from '../../../lambda/polite/api-pace';

function pace(settings: Partial<PaceSettings> = {}): { p: ApiPace; advance: (ms: number) => void } {
  let now = 1_000_000;
  const p = new ApiPace(() => now, { ...DEFAULT_PACE, ...settings });
  return { p, advance: (ms) => (now += ms) };
}

describe('ApiPace', () => {
  it('lets every call through until the API throttles one, as the SDK adaptive limiter does', () => {
    const { p } = pace();
    for (let i = 0; i < 50; i++) expect(p.tryAcquire()).toBe(true);
    expect(p.counts).toMatchObject({ allowed: 50, heldBack: 0 });
  });

  it('after a throttled call holds calls back until a token has refilled at the decreased rate', () => {
    const { p, advance } = pace({ initialPerSecond: 1, decrease: 0.5, doublingSeconds: 1e9 });
    p.throttled();
    expect(p.rate).toBeCloseTo(0.5, 6);
    expect(p.tryAcquire()).toBe(false);
    advance(1_900);
    expect(p.tryAcquire()).toBe(false);
    advance(200); // 2.1 s at 0.5/s: one token
    expect(p.tryAcquire()).toBe(true);
    expect(p.tryAcquire()).toBe(false);
    expect(p.counts).toMatchObject({ allowed: 1, heldBack: 3, throttled: 1 });
  });

  it('halves the rate on each throttle down to the minimum, and doubles it every doublingSeconds without one', () => {
    const { p, advance } = pace({ initialPerSecond: 1, minPerSecond: 0.1, decrease: 0.5, doublingSeconds: 60 });
    for (let i = 0; i < 10; i++) p.throttled();
    expect(p.rate).toBeCloseTo(0.1, 6);
    advance(60_000);
    p.tryAcquire();
    expect(p.rate).toBeCloseTo(0.2, 6);
    advance(120_000);
    p.tryAcquire();
    expect(p.rate).toBeCloseTo(0.8, 6);
  });

  it('never grows past maxPerSecond nor holds more than capacity tokens', () => {
    const { p, advance } = pace({ maxPerSecond: 2, capacity: 3, doublingSeconds: 1 });
    p.throttled();
    advance(3_600_000);
    expect(p.tryAcquire()).toBe(true);
    expect(p.rate).toBe(2);
    expect(p.tryAcquire()).toBe(true);
    expect(p.tryAcquire()).toBe(true);
    expect(p.tryAcquire()).toBe(false);
  });

  it('rejects settings that mean nothing, naming the setting and the value', () => {
    expect(() => pace({ decrease: 1 })).toThrow('decrease must be between 0 and 1 (exclusive), got 1');
    expect(() => pace({ minPerSecond: 0 })).toThrow('minPerSecond must be a positive number, got 0');
    expect(() => pace({ initialPerSecond: 100, maxPerSecond: 20 })).toThrow('expected minPerSecond <= initialPerSecond <= maxPerSecond');
    expect(() => pace({ capacity: 0.5 })).toThrow('capacity must be >= 1, got 0.5');
  });
});
