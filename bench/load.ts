/**
 * Load, in the offline lifecycle world (offline/load-scenario.ts): N gates of one stack created at the same moment
 * through the real Provider framework runtime and handler bundle, against a fake source whose account-wide rate
 * limit (1 request/s, burst 3, on the virtual clock) is far below what N gates polling together ask for; the gates
 * keep their defaults (10-minute timeout, 15 s poll). The world's clock stands still while the world is busy (pure
 * virtual time) and each Lambda invocation keeps its execution environment busy LOAD_INVOCATION_MS of virtual time,
 * so a run's outcome does not depend on the machine's speed and its real time is the machine's work.
 *
 * First the targets (180 gates of 3 reads per source; 75 Git sync gates with a new sync due, 7 reads each), then per
 * source the largest N at which all pass: up from the largest passing N run so far (doubling, but never above the
 * most gates the API can serve before their timeout, loadCeiling), then bisection. The two sources' searches take
 * turns, bounded by a number of runs per source, a largest N and a real-time budget for the whole section.
 */
import { Prop, PROTON_RESOURCE_TYPE } from '../lib/contract';
import { Limits } from '../lib/limits';
import type { RateLimit } from '../offline/fake-service-types';
import { LOAD_INVOCATION_MS, LoadRun, LoadScenario, LoadSource, runLoad } from '../offline/load-scenario';
import { synthExampleApp, SynthesizedStack } from '../offline/synth';
import { EXAMPLE_PROTON_ONLY, exampleBothGates } from './example-context';
import { log } from './runner';

export const LOAD_RATE: RateLimit = { perSecond: 1, burst: 3 };

/** One run, without its outcomes and calls. */
export type LoadRunSummary = Omit<LoadRun, 'outcomes' | 'calls' | 'gateInvocations'>;

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
  /** Real time for the whole load section: no run starts that would not finish within what is left (estimated). */
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
  /** Virtual time each Lambda invocation kept its execution environment busy (the clock stands still otherwise). */
  readonly invocationMs: number;
  readonly targets: readonly LoadRunSummary[];
  readonly searches: readonly LoadSearch[];
  readonly bound: LoadBound;
  /** The search stops when passing and failing N are this close. */
  readonly precision: number;
  readonly realMs: number;
}

export const allPassed = (r: { failed: number }): boolean => r.failed === 0;

/**
 * How far apart the gates' clocks start: onEvent sleeps a share of the waiter's tick before it answers (the spread),
 * and the gate's timeout counts from its answer, so the last gate's deadline comes up to one tick after the first's.
 */
export const LOAD_START_SPREAD_MS = 1000 * Limits.waiterTickSeconds;

/**
 * The most gates of `reads` served reads each that can ever all pass: the bucket serves at most burst + rate × t
 * reads in t, and every gate's reads must be served before its deadline, at most timeout + the start spread after
 * the Creates. 202 gates of 3 reads at 1 request/s, burst 3, with the default 10-minute timeout.
 */
export function loadCeiling(l: Pick<LoadResult, 'rate' | 'timeoutMs'>, reads: number): number {
  return Math.floor((l.rate.burst + (l.rate.perSecond * (l.timeoutMs + LOAD_START_SPREAD_MS)) / 1000) / reads);
}

function summary(r: LoadRun): LoadRunSummary {
  const { outcomes: _o, calls: _c, gateInvocations: _i, ...rest } = r;
  return rest;
}

/**
 * The next N of a search, or undefined when it is done (with why): up from the largest passing N (doubling, at most
 * `maxN` and the ceiling, the most gates that can ever pass) until one fails, then bisection between the largest
 * passing and the smallest failing N until they are `precision` apart.
 */
export function nextN(runs: readonly { n: number; failed: number }[], o: { maxN: number; precision: number; ceiling?: number }): { n?: number; done?: string } {
  const lo = Math.max(0, ...runs.filter(allPassed).map((r) => r.n));
  const failing = runs.filter((r) => !allPassed(r)).map((r) => r.n);
  const hi = failing.length ? Math.min(...failing) : undefined;
  const top = Math.min(o.maxN, o.ceiling ?? Infinity);
  if (hi === undefined && lo >= top) {
    return { done: top === o.ceiling ? `N = ${top}, the most gates that can ever pass, passed` : `the largest N searched, ${o.maxN}, passed` };
  }
  if (hi !== undefined && hi - lo <= o.precision) return { done: `the gap between passing and failing N reached ${hi - lo} (precision ${o.precision})` };
  return { n: hi === undefined ? Math.min(top, Math.max(1, 2 * lo)) : Math.floor((lo + hi) / 2) };
}

/** Real time a run of `n` gates will take, about: the most real time per gate of the runs so far, times n. */
export function estimateRealMs(runs: readonly { n: number; realMs: number }[], n: number): number {
  return runs.length ? n * Math.max(...runs.map((r) => r.realMs / r.n)) : 0;
}

const SOURCES: readonly LoadSource[] = ['proton', 'gitSync'];

export async function measureLoad(bound: LoadBound, precision: number): Promise<LoadResult> {
  const started = performance.now();
  const [proton, gitSync] = synthExampleApp([EXAMPLE_PROTON_ONLY, exampleBothGates('network')]);
  const base = (s: LoadSource): SynthesizedStack => (s === 'proton' ? proton : gitSync);
  const props = Object.values(proton.template.Resources).find((r) => r.Type === PROTON_RESOURCE_TYPE)!.Properties!;
  const timeoutMs = 1000 * Number(props[Prop.WaitTimeoutSeconds]);
  const left = (): number => bound.budgetMs - (performance.now() - started);
  const all: LoadRunSummary[] = [];
  const run = async (source: LoadSource, scenario: LoadScenario, n: number): Promise<LoadRunSummary> => {
    const r = summary(await runLoad(base(source), { source, scenario, n, rate: LOAD_RATE, invocationMs: LOAD_INVOCATION_MS }));
    log(
      `load ${source} ${scenario} N = ${n}: ${r.success} SUCCESS, ${r.failed} FAILED, ${r.made} made / ${r.served} served, ` +
        `${r.environments} environments, virtual ${(r.virtualMs / 1000).toFixed(0)} s, real ${(r.realMs / 1000).toFixed(0)} s`,
    );
    all.push(r);
    return r;
  };
  const targets: LoadRunSummary[] = [];
  for (const t of LOAD_TARGETS) targets.push(await run(t.source, t.scenario, t.n));
  // The sources take turns, so that neither search spends the whole budget before the other starts.
  const searching = SOURCES.map((source) => ({
    source,
    runs: targets.filter((t) => t.source === source && t.scenario === 'reads'),
    searchRuns: 0,
    stoppedBecause: undefined as string | undefined,
  }));
  while (searching.some((s) => s.stoppedBecause === undefined)) {
    for (const s of searching) {
      if (s.stoppedBecause !== undefined) continue;
      const ceiling = loadCeiling({ rate: LOAD_RATE, timeoutMs }, s.runs[0]?.readsPerGate ?? 3);
      const next = nextN(s.runs, { maxN: bound.maxN, precision, ceiling });
      const needMs = next.n === undefined ? 0 : estimateRealMs(all, next.n);
      if (next.done) s.stoppedBecause = next.done;
      else if (s.searchRuns >= bound.maxRuns) s.stoppedBecause = `the bound of ${bound.maxRuns} runs`;
      else if (needMs > left()) {
        s.stoppedBecause = `the real-time budget of ${Math.round(bound.budgetMs / 1000)} s (N = ${next.n} would take about ${Math.round(needMs / 1000)} s, ${Math.max(0, Math.round(left() / 1000))} s were left)`;
      } else {
        s.runs = [...s.runs, await run(s.source, 'reads', next.n!)];
        s.searchRuns++;
      }
    }
  }
  return {
    rate: LOAD_RATE,
    pollMs: 1000 * Number(props[Prop.PollIntervalSeconds]),
    timeoutMs,
    invocationMs: LOAD_INVOCATION_MS,
    targets,
    searches: searching.map((s) => ({ source: s.source, runs: s.runs, stoppedBecause: s.stoppedBecause! })),
    bound,
    precision,
    realMs: performance.now() - started,
  };
}
