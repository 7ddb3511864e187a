/**
 * Load, in the offline lifecycle world (offline/load-scenario.ts): N gates of one stack created at the same moment
 * through the real Provider framework runtime and handler bundle, against a fake source whose account-wide rate
 * limit (1 request/s, burst 3, on the virtual clock) is far below what N gates polling together ask for; the gates
 * keep their defaults (10-minute timeout, 15 s poll). Virtual time throughout, SDK backoff included, so a run's real
 * time is the machine's work, not the timeout's length.
 *
 * First the targets (180 gates of 3 reads per source; 75 Git sync gates with a new sync due, 7 reads each), then per
 * source the largest N at which all pass: doubling from the largest passing N run so far until one fails, then
 * bisection, bounded by a number of runs per source, a largest N and a real-time budget for the whole section.
 */
import { Prop, PROTON_RESOURCE_TYPE } from '../lib/contract';
import type { RateLimit } from '../offline/fake-service-types';
import { LoadRun, LoadScenario, LoadSource, runLoad } from '../offline/load-scenario';
import { synthExampleApp, SynthesizedStack } from '../offline/synth';
import { EXAMPLE_PROTON_ONLY, exampleBothGates } from './example-context';
import { log } from './runner';

export const LOAD_RATE: RateLimit = { perSecond: 1, burst: 3 };

/** One run, without its outcomes and calls. */
export type LoadRunSummary = Omit<LoadRun, 'outcomes' | 'calls'>;

/** The targets: N gates of a source and scenario that must all pass, within the made/served ratio. */
export interface LoadTargetSpec {
  readonly source: LoadSource;
  readonly scenario: LoadScenario;
  readonly n: number;
}

export const LOAD_TARGETS: readonly LoadTargetSpec[] = [
  { source: 'proton', scenario: 'reads', n: 180 },
  { source: 'gitSync', scenario: 'reads', n: 180 },
  { source: 'gitSync', scenario: 'newSyncDue', n: 75 },
];

/** At most this many calls made per call the API serves. */
export const MAX_MADE_PER_SERVED = 2;

export interface LoadBound {
  /** Runs per source in the search (the target runs are not counted). */
  readonly maxRuns: number;
  readonly maxN: number;
  /** Real time for the whole load section; no run starts once it is spent. */
  readonly budgetMs: number;
}

export interface LoadSearch {
  readonly source: LoadSource;
  /** Every run of the search (scenario `reads`), in the order run, the target run of the source included. */
  readonly runs: readonly LoadRunSummary[];
  readonly stoppedBecause: string;
}

export interface LoadResult {
  readonly rate: RateLimit;
  readonly pollMs: number;
  readonly timeoutMs: number;
  readonly targets: readonly LoadRunSummary[];
  readonly searches: readonly LoadSearch[];
  readonly bound: LoadBound;
  readonly realMs: number;
}

export const allPassed = (r: { failed: number }): boolean => r.failed === 0;

function summary(r: LoadRun): LoadRunSummary {
  const { outcomes: _o, calls: _c, ...rest } = r;
  return rest;
}

/** The next N of a search, or undefined when it is done (with why). */
export function nextN(runs: readonly { n: number; failed: number }[], maxN: number, precision: number): { n?: number; done?: string } {
  const lo = Math.max(0, ...runs.filter(allPassed).map((r) => r.n));
  const failing = runs.filter((r) => !allPassed(r)).map((r) => r.n);
  const hi = failing.length ? Math.min(...failing) : undefined;
  if (hi === undefined && lo >= maxN) return { done: `the largest N searched, ${maxN}, passed` };
  if (hi !== undefined && hi - lo <= precision) return { done: `the gap between passing and failing N reached ${hi - lo} (precision ${precision})` };
  return { n: hi === undefined ? Math.min(maxN, Math.max(1, 2 * lo)) : Math.floor((lo + hi) / 2) };
}

export async function measureLoad(bound: LoadBound, precision: number): Promise<LoadResult> {
  const started = performance.now();
  const [proton, gitSync] = synthExampleApp([EXAMPLE_PROTON_ONLY, exampleBothGates('network')]);
  const base = (s: LoadSource): SynthesizedStack => (s === 'proton' ? proton : gitSync);
  const props = Object.values(proton.template.Resources).find((r) => r.Type === PROTON_RESOURCE_TYPE)!.Properties!;
  const left = (): number => bound.budgetMs - (performance.now() - started);
  const run = async (source: LoadSource, scenario: LoadScenario, n: number): Promise<LoadRunSummary> => {
    const r = summary(await runLoad(base(source), { source, scenario, n, rate: LOAD_RATE }));
    log(
      `load ${source} ${scenario} N = ${n}: ${r.success} SUCCESS, ${r.failed} FAILED, ${r.made} made / ${r.served} served, ` +
        `${r.environments} environments, virtual ${(r.virtualMs / 1000).toFixed(0)} s, real ${(r.realMs / 1000).toFixed(0)} s`,
    );
    return r;
  };
  const targets: LoadRunSummary[] = [];
  for (const t of LOAD_TARGETS) targets.push(await run(t.source, t.scenario, t.n));
  const searches: LoadSearch[] = [];
  for (const source of ['proton', 'gitSync'] as const) {
    const runs = targets.filter((t) => t.source === source && t.scenario === 'reads');
    let stoppedBecause: string | undefined;
    for (let k = 0; !stoppedBecause; k++) {
      const next = nextN(runs, bound.maxN, precision);
      if (next.done) stoppedBecause = next.done;
      else if (k >= bound.maxRuns) stoppedBecause = `the bound of ${bound.maxRuns} runs`;
      else if (left() <= 0) stoppedBecause = `the real-time budget of ${Math.round(bound.budgetMs / 1000)} s`;
      else runs.push(await run(source, 'reads', next.n!));
    }
    searches.push({ source, runs, stoppedBecause });
  }
  return {
    rate: LOAD_RATE,
    pollMs: 1000 * Number(props[Prop.PollIntervalSeconds]),
    timeoutMs: 1000 * Number(props[Prop.WaitTimeoutSeconds]),
    targets,
    searches,
    bound,
    realMs: performance.now() - started,
  };
}
