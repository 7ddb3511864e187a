/**
 * The Lambda-like model of execution environments (offline/execution-environments.ts), driven directly with virtual
 * times: deterministic draws, a new environment only when every one is busy, idle ones recycled and old ones
 * retired, and the spreads of Init and invocation times.
 */
import { EnvironmentPool, LAMBDA_MODELS, LambdaModel, Pooled, seededRandom, validateModel } from '../../offline/execution-environments';

const MODEL: LambdaModel = {
  name: 'test',
  initMs: { medianMs: 200, sigma: 0.4, maxMs: 1_000 },
  invocationMs: { medianMs: 30, sigma: 0.6, maxMs: 500 },
  recentFirst: 0.5,
  idleMs: [10_000, 20_000],
  lifetimeMs: [60_000, 120_000],
  reuse: true,
};

interface Step {
  readonly at: number;
  readonly env: number;
  readonly cold: boolean;
  readonly idleBefore: number;
  readonly initMs?: number;
  readonly ownMs: number;
}

/**
 * Invocations arriving at `arrivals` (ms, ascending), each running its drawn time (plus Init when cold) before its
 * environment is idle again: what the emulator does, without the emulator.
 */
function simulate(model: LambdaModel, seed: number, arrivals: readonly number[]): { steps: Step[]; pool: EnvironmentPool<number> } {
  const pool = new EnvironmentPool<number>(model, seed);
  const running: { endsAt: number; pooled: Pooled<number> }[] = [];
  const steps: Step[] = [];
  for (const at of arrivals) {
    running.sort((a, b) => a.endsAt - b.endsAt);
    while (running.length && running[0].endsAt <= at) {
      const done = running.shift()!;
      pool.release(done.pooled, done.endsAt);
    }
    const idleBefore = pool.idleCount(at);
    let pooled = pool.take(at);
    let initMs: number | undefined;
    if (!pooled) {
      const made = pool.add(pool.counts.made + 1, at);
      pooled = made.pooled;
      initMs = made.initMs;
    }
    const ownMs = pool.invocationMs();
    running.push({ endsAt: at + (initMs ?? 0) + ownMs, pooled });
    steps.push({ at, env: pooled.env, cold: initMs !== undefined, idleBefore, initMs, ownMs });
  }
  return { steps, pool };
}

/** Arrivals of a busy function: bursts of near-simultaneous invocations, then gaps. */
function arrivals(seed: number, count: number): number[] {
  const random = seededRandom(seed);
  const out: number[] = [];
  let t = 0;
  for (let i = 0; i < count; i++) {
    t += random() < 0.3 ? random() * 5 : random() * 400;
    out.push(t);
  }
  return out;
}

describe('deterministic', () => {
  it('gives the same environments, cold starts and times for the same seed and arrivals, and others for another seed', () => {
    const times = arrivals(3, 400);
    const a = simulate(MODEL, 11, times).steps;
    expect(simulate(MODEL, 11, times).steps).toEqual(a);
    const b = simulate(MODEL, 12, times).steps;
    expect(b.map((s) => s.ownMs)).not.toEqual(a.map((s) => s.ownMs));
  });
});

describe('a new environment', () => {
  it('is made only when every existing one is busy, and an idle one is always taken when there is one', () => {
    const { steps, pool } = simulate(MODEL, 5, arrivals(7, 1_000));
    const cold = steps.filter((s) => s.cold);
    expect(cold.length).toBeGreaterThan(1);
    expect(cold.every((s) => s.idleBefore === 0)).toBe(true);
    expect(steps.filter((s) => !s.cold).every((s) => s.idleBefore > 0)).toBe(true);
    expect(pool.counts.made).toBe(cold.length);
    expect(pool.counts.reused).toBe(steps.length - cold.length);
  });

  it('runs its Init first: drawn around the median, never above the cap', () => {
    const pool = new EnvironmentPool<number>(MODEL, 9);
    const inits = Array.from({ length: 2_000 }, (_, i) => pool.add(i, 0).initMs).sort((x, y) => x - y);
    expect(inits[0]).toBeGreaterThan(0);
    expect(inits[inits.length - 1]).toBeLessThanOrEqual(MODEL.initMs.maxMs);
    expect(inits[1_000]).toBeGreaterThan(0.9 * MODEL.initMs.medianMs);
    expect(inits[1_000]).toBeLessThan(1.1 * MODEL.initMs.medianMs);
  });
});

describe('invocation times', () => {
  it('vary around the median with a tail, capped', () => {
    const pool = new EnvironmentPool<number>(MODEL, 2);
    const times = Array.from({ length: 2_000 }, () => pool.invocationMs()).sort((x, y) => x - y);
    expect(times[1_000]).toBeGreaterThan(0.9 * MODEL.invocationMs.medianMs);
    expect(times[1_000]).toBeLessThan(1.1 * MODEL.invocationMs.medianMs);
    // sigma 0.6: the 99th percentile is about e^(0.6 x 2.33) = 4 times the median.
    expect(times[1_980]).toBeGreaterThan(3 * MODEL.invocationMs.medianMs);
    expect(times[times.length - 1]).toBeLessThanOrEqual(MODEL.invocationMs.maxMs);
  });
});

describe('idle environments', () => {
  it('are recycled once idle longer than their limit, and reused before it', () => {
    const pool = new EnvironmentPool<number>({ ...MODEL, idleMs: [10_000, 10_000] }, 1);
    const { pooled } = pool.add(1, 0);
    pool.release(pooled, 100);
    expect(pool.take(100 + 9_999)?.env).toBe(1);
    pool.release(pooled, 20_000);
    expect(pool.take(30_000)).toBeUndefined();
    expect(pool.counts.recycledIdle).toBe(1);
  });

  it('are retired at the end of their lifetime, however busy', () => {
    const pool = new EnvironmentPool<number>({ ...MODEL, lifetimeMs: [60_000, 60_000] }, 1);
    const { pooled } = pool.add(1, 0);
    pool.release(pooled, 50);
    // Used every 5 s, so never idle long enough to be recycled.
    for (let t = 5_000; t < 60_000; t += 5_000) {
      expect(pool.take(t)?.env).toBe(1);
      pool.release(pooled, t + 50);
    }
    expect(pool.take(60_000)).toBeUndefined();
    expect(pool.counts.retired).toBe(1);
  });

  it('go to the most recently used first with recentFirst 1, and to any of them with recentFirst 0', () => {
    const picks = (recentFirst: number): number[] => {
      const pool = new EnvironmentPool<number>({ ...MODEL, recentFirst }, 4);
      const made = [1, 2, 3].map((id) => pool.add(id, 0).pooled);
      const out: number[] = [];
      made.forEach((p, i) => pool.release(p, 10 + i)); // 3 is the most recent
      for (let i = 0; i < 300; i++) {
        const p = pool.take(100 + i)!;
        out.push(p.env);
        pool.release(p, 100 + i);
      }
      return out;
    };
    expect(new Set(picks(1))).toEqual(new Set([3]));
    const spread = picks(0);
    [1, 2, 3].forEach((id) => expect(spread.filter((e) => e === id).length).toBeGreaterThan(60));
  });
});

it('without reuse, every invocation gets a new environment', () => {
  const { steps } = simulate(LAMBDA_MODELS.noMemory, 1, arrivals(2, 100));
  expect(steps.every((s) => s.cold)).toBe(true);
  expect(new Set(steps.map((s) => s.env)).size).toBe(100);
});

it('refuses a model that means nothing', () => {
  expect(() => validateModel({ ...MODEL, recentFirst: 2 })).toThrow(/recentFirst must be between 0 and 1, got 2/);
  expect(() => validateModel({ ...MODEL, idleMs: [5, 1] })).toThrow(/idleMs must be \[min, max\]/);
  expect(() => validateModel({ ...MODEL, initMs: { medianMs: 10, sigma: 0.1, maxMs: 5 } })).toThrow(/initMs must have/);
  Object.values(LAMBDA_MODELS).forEach((m) => expect(() => validateModel(m)).not.toThrow());
});
