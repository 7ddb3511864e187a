/**
 * Load: N gates created at once against a rate-limited source; the issue's targets (all pass, at most two calls
 * made per call served) and the largest N at which all pass, per source.
 */
import { LOAD_TARGETS, LoadResult, LoadRunSummary, MAX_MADE_PER_SERVED } from '../load';
import { largestPassingN } from './analysis';
import { Cell, fmtInt, fmtS, fmtVirtualS, table } from './format';
import type { BenchResults } from './results';
import type { TargetRow } from './target-row';

const SOURCE_NAME = { proton: 'Proton', gitSync: 'Git sync' } as const;

/** Calls made per call served; Infinity when none was served. */
export function madePerServed(r: Pick<LoadRunSummary, 'made' | 'served'>): number {
  return r.served === 0 ? Infinity : r.made / r.served;
}

/** A target run is met when every gate passed and the gates made at most MAX_MADE_PER_SERVED calls per call served. */
export function loadRunMeetsTarget(r: Pick<LoadRunSummary, 'failed' | 'made' | 'served'>): boolean {
  return r.failed === 0 && madePerServed(r) <= MAX_MADE_PER_SERVED;
}

/** The most gates that can ever pass: the bucket serves burst + rate × timeout reads, each gate needs `reads`. */
export function loadCeiling(l: Pick<LoadResult, 'rate' | 'timeoutMs'>, reads: number): number {
  return Math.floor((l.rate.burst + (l.rate.perSecond * l.timeoutMs) / 1000) / reads);
}

const scenarioText = (r: LoadRunSummary): string =>
  r.scenario === 'newSyncDue' ? `new sync due first, ${r.readsPerGate} reads` : `${r.readsPerGate} reads (IN_PROGRESS ×${r.readsPerGate - 1}, SUCCEEDED)`;

function row(r: LoadRunSummary): Cell[] {
  return [
    SOURCE_NAME[r.source],
    scenarioText(r),
    r.n,
    r.failed === 0 ? 'yes' : `**no**: ${r.success} of ${r.n}`,
    fmtInt(r.made),
    fmtInt(r.served),
    madePerServed(r).toFixed(2),
    r.environments,
    fmtVirtualS(r.virtualMs),
    fmtS(r.realMs),
  ];
}

const HEAD = ['source', 'scenario', 'N', 'all SUCCESS', 'calls made', 'calls served', 'made / served', 'execution environments', 'virtual time', 'real time'];
const ALIGN = ['l', 'l', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r'] as const;

function searchResult(runs: readonly LoadRunSummary[]): string {
  const { largest, smallestFailing } = largestPassingN(runs);
  if (largest === undefined) return `none: no N passed${smallestFailing === undefined ? '' : ` (${smallestFailing} failed)`}`;
  if (smallestFailing === undefined) return `**at least ${largest}** (no N failed)`;
  return `**${largest}** (${smallestFailing} failed)`;
}

export function loadSection(r: BenchResults): string[] {
  const l = r.load;
  if (!l) return [];
  const reasons = [...new Set([...l.targets, ...l.searches.flatMap((s) => s.runs)].flatMap((x) => x.failureReasons.map((f) => f.slice(0, 120))))].slice(0, 5);
  return [
    `## Load: N gates created at once against ${l.rate.perSecond} request/s (burst ${l.rate.burst})`,
    '',
    `In the offline lifecycle world (offline/load-scenario.ts): N gates of one stack created at the same moment through the real Provider ` +
      `framework runtime and handler bundle, against a fake source with an account-wide rate limit of ${l.rate.perSecond} request/s, burst ` +
      `${l.rate.burst}, on the virtual clock (SDK backoff included). Default props (timeout ${fmtVirtualS(l.timeoutMs)}, poll interval ` +
      `${fmtVirtualS(l.pollMs)}). Calls made counts every request that reached the API; calls held back by the client's pace are not requests.`,
    '',
    '### Targets',
    '',
    ...table(HEAD, [...ALIGN], l.targets.map(row)),
    '',
    ...l.searches.flatMap((s) => [
      `### Largest N, ${SOURCE_NAME[s.source]} (${scenarioText(s.runs[0] ?? l.targets[0])})`,
      '',
      ...table(HEAD, [...ALIGN], [...s.runs].sort((a, b) => a.n - b.n).map(row)),
      '',
      `Largest N at which all pass: ${searchResult(s.runs)}; the search stopped at ${s.stoppedBecause}. No N above ` +
        `${loadCeiling(l, s.runs[0]?.readsPerGate ?? 3)} can pass (the bucket serves at most ${l.rate.burst} + ${l.rate.perSecond}/s × ` +
        `${l.timeoutMs / 1000} s reads before the timeout).`,
      '',
    ]),
    `Search: doubling from the largest passing N until one failed, then bisection; at most ${l.bound.maxRuns} runs per source, ` +
      `N ≤ ${fmtInt(l.bound.maxN)}, ${fmtS(l.bound.budgetMs)} of real time for the section (used: ${fmtS(l.realMs)}).`,
    ...(reasons.length ? ['', 'Failure reasons (first lines): ' + reasons.map((x) => `"${x}"`).join('; ')] : []),
    '',
  ];
}

/** One target row per run the issue names, met when all pass within the made/served ratio. */
export function loadTargets(r: BenchResults): TargetRow[] {
  return LOAD_TARGETS.map((spec) => {
    const scenario = spec.scenario === 'newSyncDue' ? 'with a new sync due first (blocker reads too)' : 'of 3 reads each';
    const target = `${spec.n} ${SOURCE_NAME[spec.source]} gates ${scenario} all pass against ${r.load?.rate.perSecond ?? 1} request/s, at most ${MAX_MADE_PER_SERVED} calls made per call served`;
    const run = r.load?.targets.find((x) => x.source === spec.source && x.scenario === spec.scenario && x.n === spec.n);
    if (!run) return { target, measured: 'not measured', verdict: undefined, note: '' };
    const met = loadRunMeetsTarget(run);
    return {
      target,
      measured: `${run.success} of ${run.n} SUCCESS; ${fmtInt(run.made)} made / ${fmtInt(run.served)} served = ${madePerServed(run).toFixed(2)}`,
      verdict: met,
      note: met ? '' : run.failed > 0 ? (run.failureReasons[0] ?? '').slice(0, 160) : `made/served above ${MAX_MADE_PER_SERVED}`,
    };
  });
}
