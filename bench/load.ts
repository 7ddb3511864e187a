/**
 * Load, in the offline lifecycle world (the approach of test/lifecycle/lifecycle-load.test.ts): N gates of one
 * stack created at the same moment through the real Provider framework runtime and handler bundle, against a fake
 * Proton whose account-wide rate limit (1 call per second, burst 3, on the virtual clock) is far below what N
 * gates polling together ask for. Each sync is IN_PROGRESS on its first served read and SUCCEEDED from the second;
 * the gates keep their defaults (10-minute timeout, 15 s poll).
 *
 * Then the largest N at which all pass: doubling from the first N until one fails, then bisection, bounded by a
 * number of runs, a largest N and a real-time budget: no run starts that cannot finish within what is left of it
 * (see minimumRealMs). Real time per run is about its virtual time: the SDK's retry backoff runs in real time and
 * holds the virtual clock while the gates are throttled (offline/README.md, Time).
 */
import { Prop, PROTON_RESOURCE_TYPE } from '../lib/contract';
import { wireAttempt, wireSyncOutput } from '../offline/fake-proton';
import type { RateLimit } from '../offline/fake-service-types';
import { OfflineWorld } from '../offline/offline-world';
import { synthExampleApp, SynthesizedStack } from '../offline/synth';
import { log } from './runner';

export const LOAD_RATE: RateLimit = { perSecond: 1, burst: 3 };
const SHA = 'c'.repeat(40);

/** One run: N gates created at once. */
export interface LoadRun {
  readonly n: number;
  readonly success: number;
  readonly failed: number;
  /** Proton calls served (every gate needs two) and throttled (ThrottlingException, HTTP 429). */
  readonly served: number;
  readonly throttled: number;
  /** Virtual time from the N Creates to the last answer. */
  readonly virtualMs: number;
  readonly realMs: number;
  /** The distinct failure reasons, shortened. */
  readonly failureReasons: readonly string[];
}

/** How the search for the largest passing N was bounded. */
export interface LoadBound {
  readonly maxRuns: number;
  readonly maxN: number;
  readonly budgetMs: number;
}

export interface LoadResult {
  readonly rate: RateLimit;
  readonly pollMs: number;
  readonly timeoutMs: number;
  /** Every run, in the order run. */
  readonly runs: readonly LoadRun[];
  readonly bound: LoadBound;
  /** Why the search stopped, in words. */
  readonly stoppedBecause: string;
  /** Real time of the whole load section. */
  readonly realMs: number;
}

/** The example app's template with its one Proton gate replaced by `n` gates, one per instance. */
function withGates(stack: SynthesizedStack, n: number): { stack: SynthesizedStack; ids: string[]; instances: string[] } {
  const template = JSON.parse(JSON.stringify(stack.template)) as SynthesizedStack['template'];
  const gates = Object.entries(template.Resources).filter(([, r]) => r.Type === PROTON_RESOURCE_TYPE);
  if (gates.length !== 1) throw new Error(`expected one gate in the example app, found ${gates.length}`);
  const [[gateId, gate]] = gates;
  delete template.Resources[gateId];
  const ids = Array.from({ length: n }, (_, i) => `LoadGate${i}`);
  const instances = ids.map((_, i) => `load-instance-${i}`);
  ids.forEach((id, i) => {
    template.Resources[id] = { ...gate, Properties: { ...gate.Properties, [Prop.ServiceInstanceName]: instances[i] } };
  });
  return { stack: { ...stack, template }, ids, instances };
}

async function loadRun(base: SynthesizedStack, n: number): Promise<LoadRun> {
  const { stack, ids, instances } = withGates(base, n);
  const service = String(Object.values(stack.template.Resources).find((r) => r.Type === PROTON_RESOURCE_TYPE)!.Properties![Prop.ServiceName]);
  // A run of a large N can hold the clock for minutes of real time (the SDK's backoff): don't give up on an answer.
  const world = await OfflineWorld.start({ responseTimeoutMs: 30 * 60_000 });
  try {
    const installed = world.install(stack);
    world.proton.setRateLimit(LOAD_RATE);
    const inProgress = wireSyncOutput({ desired: SHA, latest: wireAttempt('IN_PROGRESS', SHA) });
    const done = wireAttempt('SUCCEEDED', SHA);
    const succeeded = wireSyncOutput({ desired: SHA, latest: done, latestSuccessful: done });
    for (const instance of instances) world.proton.script(service, instance, [{ respond: inProgress }, { respond: succeeded }]);
    const virtualStart = world.clock.now();
    const realStart = performance.now();
    const outcomes = await Promise.all(ids.map((id) => world.create(installed, { logicalResourceId: id })));
    const calls = world.proton.calls;
    const throttled = calls.filter((c) => c.throttled).length;
    world.proton.assertHonest();
    const failed = outcomes.filter((o) => o.status === 'FAILED');
    return {
      n,
      success: n - failed.length,
      failed: failed.length,
      served: calls.length - throttled,
      throttled,
      virtualMs: world.clock.now() - virtualStart,
      realMs: performance.now() - realStart,
      failureReasons: [...new Set(failed.map((o) => o.reason.split('\n')[0].slice(0, 200)))],
    };
  } finally {
    await world.close();
  }
}

/**
 * The least real time a run of `n` gates takes: its 2n served reads need (2n - burst) / rate seconds of the
 * virtual clock, and under throttling the SDK's backoff holds that clock, so it passes at about real speed.
 */
export function minimumRealMs(n: number): number {
  return (Math.max(0, 2 * n - LOAD_RATE.burst) / LOAD_RATE.perSecond) * 1000;
}

export const allPassed = (r: LoadRun): boolean => r.failed === 0;

/**
 * Runs `ns` first, then searches the largest N at which all pass: doubling from the largest passing N run so far
 * until one fails, then bisection between the largest pass and the smallest failure, to a gap of `precision`.
 */
export async function measureLoad(ns: readonly number[], bound: LoadBound, precision: number): Promise<LoadResult> {
  const started = performance.now();
  const [base] = synthExampleApp([{}]);
  const props = Object.values(base.template.Resources).find((r) => r.Type === PROTON_RESOURCE_TYPE)!.Properties!;
  const runs: LoadRun[] = [];
  const run = async (n: number): Promise<void> => {
    const r = await loadRun(base, n);
    runs.push(r);
    log(`load: N = ${n}: ${r.success} SUCCESS, ${r.failed} FAILED, ${r.served} served + ${r.throttled} throttled, virtual ${(r.virtualMs / 1000).toFixed(0)} s, real ${(r.realMs / 1000).toFixed(0)} s`);
  };
  /** Why the run of `n` must not start, if it must not. */
  const stop = (n: number): string | undefined => {
    if (runs.length >= bound.maxRuns) return `the bound of ${bound.maxRuns} runs`;
    const left = bound.budgetMs - (performance.now() - started);
    const need = minimumRealMs(n);
    if (need > left) {
      return `the real-time budget of ${Math.round(bound.budgetMs / 1000)} s: N = ${n} needs at least ${Math.round(need / 1000)} s of virtual time, about as much real time under throttling, and ${Math.max(0, Math.round(left / 1000))} s were left`;
    }
    return undefined;
  };
  let stoppedBecause: string | undefined;
  for (const n of ns) {
    stoppedBecause = stop(n);
    if (stoppedBecause) break;
    await run(n);
  }
  while (!stoppedBecause) {
    const lo = Math.max(0, ...runs.filter(allPassed).map((r) => r.n));
    const failing = runs.filter((r) => !allPassed(r)).map((r) => r.n);
    const hi = failing.length ? Math.min(...failing) : undefined;
    if (hi === undefined && lo >= bound.maxN) {
      stoppedBecause = `the largest N searched, ${bound.maxN}, passed`;
      break;
    }
    if (hi !== undefined && hi - lo <= precision) {
      stoppedBecause = `the gap between passing and failing N reached ${hi - lo} (precision ${precision})`;
      break;
    }
    const next = hi === undefined ? Math.min(bound.maxN, Math.max(1, 2 * lo)) : Math.floor((lo + hi) / 2);
    stoppedBecause = stop(next);
    if (!stoppedBecause) await run(next);
  }
  return {
    rate: LOAD_RATE,
    pollMs: 1000 * Number(props[Prop.PollIntervalSeconds]),
    timeoutMs: 1000 * Number(props[Prop.WaitTimeoutSeconds]),
    runs,
    bound,
    stoppedBecause,
    realMs: performance.now() - started,
  };
}
