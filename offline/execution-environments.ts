/**
 * A Lambda-like model of execution environments for the Lambda emulator (lambda-emulator.ts), on the world's virtual
 * clock: what an invocation costs in time, and which environment runs it. Opt-in (OfflineWorldOptions.lambda); the
 * fixed load world (every invocation keeps its environment busy a fixed time, the most recently used idle one is
 * reused) and the reuse modes of EnvironmentReuse stay as they are.
 *
 * What it assumes, and why (AWS documents the lifecycle, not the scheduler: "Understanding the Lambda execution
 * environment lifecycle", docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html):
 * - An environment runs one invocation at a time; an invocation goes to an idle environment when there is one, and a
 *   new environment is made only when every existing one is busy (the docs' scaling model: "if no execution
 *   environment is available, Lambda creates one"; what AWS solutions architects describe as a cold start).
 * - A new environment first runs its Init phase (runtime start, the handler module's top-level code, up to 10 s):
 *   `initMs`, log-normal. Published Node.js measurements of Init Duration for small bundles are about 150-300 ms
 *   with a tail to about 1 s (e.g. nodejs20.x, 128-1024 MB: mean 240-300 ms, max 800-1,100 ms); the bench measures
 *   the handler's own require + first call at about 100 ms on a developer machine.
 * - An invocation lasts `invocationMs` (log-normal) beyond the virtual time its code spends waiting (a synchronous
 *   invoke of another function, a sleep): a warm Node.js invocation that makes one AWS call in its region takes tens
 *   of milliseconds, with a tail. The environment is busy until it ends, and the caller (Step Functions' waiter)
 *   gets the answer then, so a waiter's ticks come 5 s plus the invocations apart and drift, as they do in AWS.
 * - Which idle environment: Lambda promises none. An environment used recently is likelier to be reused (idle ones
 *   are reclaimed), but strict most-recent-first is an assumption nobody publishes: the model takes the most
 *   recently used idle one with chance `recentFirst`, otherwise any idle one, at random.
 * - Idle environments are recycled: the docs say Lambda keeps an environment "for some time in anticipation of
 *   another invocation" and terminates environments "every few hours ... even for functions that are invoked
 *   continuously"; measurements put the idle time before recycling anywhere from minutes to about an hour, shorter
 *   under resource pressure. Each environment gets an idle limit (`idleMs`, uniform in a range) and a lifetime
 *   (`lifetimeMs`), after which it takes no more invocations.
 * - `reuse: false`: every invocation gets a new environment (cold, with its Init), the world in which no
 *   environment remembers anything.
 *
 * Deterministic: every draw comes from a seeded generator per pool (function), so the same seed and the same
 * sequence of invocations give the same environments, times and cold starts.
 */

/** A log-normal spread of durations: its median, its shape (sigma of the log) and a cap, in ms. */
export interface Spread {
  readonly medianMs: number;
  readonly sigma: number;
  readonly maxMs: number;
}

/** A range [min, max] of ms, drawn uniformly. */
export type MsRange = readonly [number, number];

/** How Lambda hands invocations to execution environments and what they cost (see the module's comment). */
export interface LambdaModel {
  /** A short name for reports. */
  readonly name: string;
  /** Init phase of a new environment (cold start). */
  readonly initMs: Spread;
  /** An invocation's own time, beyond what its code waits for. */
  readonly invocationMs: Spread;
  /** Chance that an invocation goes to the most recently used idle environment rather than any idle one. */
  readonly recentFirst: number;
  /** How long an idle environment is kept before it is recycled, per environment. */
  readonly idleMs: MsRange;
  /** How long an environment lives (it takes no invocation after that), per environment. */
  readonly lifetimeMs: MsRange;
  /** False: every invocation runs in a new environment. */
  readonly reuse: boolean;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** Node.js cold starts and warm invocations as published measurements give them (see the module's comment). */
const NODE_INIT: Spread = { medianMs: 250, sigma: 0.35, maxMs: 2_000 };
const WARM_CALL: Spread = { medianMs: 30, sigma: 0.5, maxMs: 1_000 };

/**
 * The modelled worlds:
 * - `lambda`: Lambda as usually seen, with moderate churn: the recently used environment first most of the time,
 *   idle ones kept 1 to 5 minutes, environments living 5 to 30 minutes (some retire during a 10-minute deployment).
 * - `churn`: heavy churn: the recently used environment first only 30% of the time, idle ones recycled after 2 to
 *   10 s, environments living 1 to 5 minutes (two to ten generations in a deployment), slower cold starts and
 *   invocations with a long tail (a busy region).
 * - `noMemory`: every invocation a new environment (with its cold start): nothing a module keeps survives.
 */
export const LAMBDA_MODELS = {
  lambda: {
    name: 'lambda',
    initMs: NODE_INIT,
    invocationMs: WARM_CALL,
    recentFirst: 0.8,
    idleMs: [1 * MINUTE, 5 * MINUTE],
    lifetimeMs: [5 * MINUTE, 30 * MINUTE],
    reuse: true,
  },
  churn: {
    name: 'churn',
    initMs: { medianMs: 400, sigma: 0.6, maxMs: 3_000 },
    invocationMs: { medianMs: 50, sigma: 1, maxMs: 2_000 },
    recentFirst: 0.3,
    idleMs: [2 * SECOND, 10 * SECOND],
    lifetimeMs: [1 * MINUTE, 5 * MINUTE],
    reuse: true,
  },
  noMemory: {
    name: 'noMemory',
    initMs: NODE_INIT,
    invocationMs: WARM_CALL,
    recentFirst: 0,
    idleMs: [0, 0],
    lifetimeMs: [0, 0],
    reuse: false,
  },
} as const satisfies Record<string, LambdaModel>;

export type LambdaModelName = keyof typeof LAMBDA_MODELS;

export function validateModel(m: LambdaModel): void {
  const spread = (what: string, s: Spread): void => {
    if (!(s.medianMs >= 0 && s.sigma >= 0 && s.maxMs >= s.medianMs)) throw new Error(`LambdaModel ${m.name}: ${what} must have 0 <= medianMs <= maxMs and sigma >= 0, got ${JSON.stringify(s)}`);
  };
  const range = (what: string, r: MsRange): void => {
    if (!(r[0] >= 0 && r[1] >= r[0])) throw new Error(`LambdaModel ${m.name}: ${what} must be [min, max] with 0 <= min <= max, got ${JSON.stringify(r)}`);
  };
  spread('initMs', m.initMs);
  spread('invocationMs', m.invocationMs);
  range('idleMs', m.idleMs);
  range('lifetimeMs', m.lifetimeMs);
  if (!(m.recentFirst >= 0 && m.recentFirst <= 1)) throw new Error(`LambdaModel ${m.name}: recentFirst must be between 0 and 1, got ${m.recentFirst}`);
}

/** One environment of a pool, and what the pool knows of it. */
export interface Pooled<E> {
  readonly env: E;
  /** 1, 2, ... in the order the pool made them. */
  readonly id: number;
  readonly createdAt: number;
  /** It takes no invocation at or after this time. */
  readonly retiresAt: number;
  /** How long it may stay idle before it is recycled. */
  readonly idleLimitMs: number;
  /** When it last fell idle. */
  idleSince: number;
}

/** Counts of what a pool did. */
export interface PoolCounts {
  made: number;
  reused: number;
  /** Recycled after being idle too long. */
  recycledIdle: number;
  /** Retired at the end of their lifetime. */
  retired: number;
}

/**
 * The execution environments of one function under a {@link LambdaModel}. The emulator asks {@link take} when an
 * invocation arrives (an idle environment, or none: make one with {@link add}), draws the invocation's time with
 * {@link invocationMs}, and gives the environment back with {@link release} when the invocation ends. Pure: time is
 * passed in.
 */
export class EnvironmentPool<E> {
  public readonly counts: PoolCounts = { made: 0, reused: 0, recycledIdle: 0, retired: 0 };
  /** Idle environments, least recently used first. */
  private idle: Pooled<E>[] = [];
  private readonly random: () => number;

  constructor(
    public readonly model: LambdaModel,
    seed: number,
  ) {
    validateModel(model);
    this.random = seededRandom(seed);
  }

  /** How many environments are idle (and still alive) at `now`. */
  public idleCount(now: number): number {
    this.expire(now);
    return this.idle.length;
  }

  /** An idle environment for an invocation arriving at `now`, or undefined when a new one must be made. */
  public take(now: number): Pooled<E> | undefined {
    this.expire(now);
    if (!this.model.reuse || this.idle.length === 0) return undefined;
    const i = this.random() < this.model.recentFirst ? this.idle.length - 1 : Math.floor(this.random() * this.idle.length);
    this.counts.reused += 1;
    return this.idle.splice(i, 1)[0];
  }

  /** A new environment made at `now` (busy: give it back with release), and its Init time. */
  public add(env: E, now: number): { pooled: Pooled<E>; initMs: number } {
    this.counts.made += 1;
    const pooled: Pooled<E> = {
      env,
      id: this.counts.made,
      createdAt: now,
      retiresAt: now + this.uniform(this.model.lifetimeMs),
      idleLimitMs: this.uniform(this.model.idleMs),
      idleSince: now,
    };
    return { pooled, initMs: this.draw(this.model.initMs) };
  }

  /** The time of an invocation about to run, beyond what its code waits for. */
  public invocationMs(): number {
    return this.draw(this.model.invocationMs);
  }

  /** The invocation on `pooled` ended at `now`: it is idle again (or retired, or never reused). */
  public release(pooled: Pooled<E>, now: number): void {
    if (!this.model.reuse) return;
    if (now >= pooled.retiresAt) {
      this.counts.retired += 1;
      return;
    }
    pooled.idleSince = now;
    this.idle.push(pooled);
  }

  /** Drops every idle environment (a new lifecycle request starts cold, see FakeLambda.coldStart). */
  public clear(): void {
    this.idle = [];
  }

  private expire(now: number): void {
    this.idle = this.idle.filter((p) => {
      if (now >= p.retiresAt) {
        this.counts.retired += 1;
        return false;
      }
      if (now - p.idleSince >= p.idleLimitMs) {
        this.counts.recycledIdle += 1;
        return false;
      }
      return true;
    });
  }

  private uniform([min, max]: MsRange): number {
    return min + this.random() * (max - min);
  }

  /** Log-normal around the median (Box-Muller), capped. */
  private draw(s: Spread): number {
    if (s.sigma === 0) return s.medianMs;
    const u = Math.max(this.random(), Number.EPSILON);
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.random());
    return Math.min(s.maxMs, s.medianMs * Math.exp(s.sigma * z));
  }
}

/** A small seeded generator (mulberry32): the same seed gives the same choices, run after run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A seed for one function's pool: the world's seed and the function's name (FNV-1a), so pools draw apart. */
export function poolSeed(seed: number, name: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
