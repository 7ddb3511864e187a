/**
 * The load targets in each world the offline world models (offline/load-scenario.ts, LOAD_WORLDS): the fixed load
 * world (each invocation keeps its environment busy 50 ms, the most recently used idle one is reused), and the
 * Lambda-like ones of offline/execution-environments.ts (cold starts with an Init time, invocation times that vary,
 * a new environment only when all are busy, idle ones recycled and old ones retired): `lambda` (moderate churn),
 * `churn` (heavy churn) and `noMemory` (every invocation a new environment: what the gates do when no environment
 * remembers anything). Each world runs the targets (bench/load.ts LOAD_TARGETS at 1 request/s, burst 3)
 * and its small world: 30 Proton gates at 0.2 request/s, burst 1.
 */
import { LambdaModel, LAMBDA_MODELS } from '../offline/execution-environments';
import type { RateLimit } from '../offline/fake-service-types';
import { LOAD_SEED, LoadWorld, runLoad } from '../offline/load-scenario';
import { synthExampleApp } from '../offline/synth';
import { EXAMPLE_PROTON_ONLY, exampleBothGates } from './example-context';
import { LOAD_RATE, LOAD_TARGETS, LoadRunSummary, LoadTargetSpec } from './load';
import { log } from './runner';

/** A target of the worlds: N gates of a source and scenario against a rate limit, all to pass within the ratio. */
export interface WorldTargetSpec extends LoadTargetSpec {
  readonly rate: RateLimit;
}

/** The small world: 30 Proton gates at 0.2 request/s, burst 1 (about 120 reads in 10 minutes, 90 needed). */
export const SMALL_WORLD: WorldTargetSpec = { source: 'proton', scenario: 'reads', n: 30, rate: { perSecond: 0.2, burst: 1 } };

export const WORLD_TARGETS: readonly WorldTargetSpec[] = [...LOAD_TARGETS.map((t) => ({ ...t, rate: LOAD_RATE })), SMALL_WORLD];

/** The worlds whose runs are targets (all pass, made/served ≤ 2); `noMemory` is reported, not a target. */
export const TARGET_WORLDS: readonly LoadWorld[] = ['fixed', 'lambda', 'churn'];

/** One target run in one world. */
export interface WorldRun extends LoadRunSummary {
  readonly rate: RateLimit;
}

export interface WorldLoad {
  readonly world: LoadWorld;
  /** The Lambda-like model, for the worlds that have one. */
  readonly model?: LambdaModel;
  readonly runs: readonly WorldRun[];
}

export interface LoadWorldsResult {
  readonly seed: number;
  readonly worlds: readonly WorldLoad[];
  readonly realMs: number;
}

/**
 * Runs every world target in each of `worlds`. `fixed`'s runs of the issue's targets may be handed in (the load
 * section ran them already, in the same world), so that they are not run twice.
 */
export async function measureLoadWorlds(worlds: readonly LoadWorld[], done: readonly LoadRunSummary[] = []): Promise<LoadWorldsResult> {
  const started = performance.now();
  const [proton, gitSync] = synthExampleApp([EXAMPLE_PROTON_ONLY, exampleBothGates('network')]);
  const results: WorldLoad[] = [];
  for (const world of worlds) {
    const runs: WorldRun[] = [];
    for (const t of WORLD_TARGETS) {
      const same = done.find((r) => r.world === world && r.source === t.source && r.scenario === t.scenario && r.n === t.n && t.rate === LOAD_RATE);
      if (same) {
        runs.push({ ...same, rate: t.rate });
        continue;
      }
      const { outcomes: _o, calls: _c, gateInvocations: _i, ...r } = await runLoad(t.source === 'proton' ? proton : gitSync, { ...t, world, seed: LOAD_SEED });
      log(
        `load world ${world}: ${t.source} ${t.scenario} N = ${t.n} at ${t.rate.perSecond}/s burst ${t.rate.burst}: ${r.success} SUCCESS, ${r.failed} FAILED, ` +
          `${r.made} made / ${r.served} served, ${r.environments} environments, virtual ${(r.virtualMs / 1000).toFixed(0)} s, real ${(r.realMs / 1000).toFixed(0)} s`,
      );
      runs.push({ ...r, rate: t.rate });
    }
    results.push({ world, ...(world === 'fixed' ? {} : { model: LAMBDA_MODELS[world] }), runs });
  }
  return { seed: LOAD_SEED, worlds: results, realMs: performance.now() - started };
}
