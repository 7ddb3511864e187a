/**
 * Load: N gates created at once against a rate-limited source; the targets (all pass, at most two calls
 * made per call served) and the largest N at which all pass, per source.
 */
import { LOAD_START_SPREAD_MS, LOAD_TARGETS, loadCeiling, LoadResult, LoadRunSummary, LoadSearch, MAX_MADE_PER_SERVED } from '../load';
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

/** Why a target run missed: the gates that failed, or the ratio; empty when it was met. */
function missedBecause(r: LoadRunSummary): string {
  if (r.failed > 0) return `${r.failed} FAILED`;
  return madePerServed(r) > MAX_MADE_PER_SERVED ? `made/served above ${MAX_MADE_PER_SERVED}` : '';
}

const scenarioText = (r: LoadRunSummary): string =>
  r.scenario === 'newSyncDue' ? `new sync due first, ${r.readsPerGate} reads` : `${r.readsPerGate} reads (IN_PROGRESS ×${r.readsPerGate - 1}, SUCCEEDED)`;

/** "412 s of 600 s": the virtual time from the Creates to the last answer, against the gates' timeout. */
const virtualOfTimeout = (ms: number, timeoutMs: number): string => `${Math.round(ms / 1000)} s of ${Math.round(timeoutMs / 1000)} s`;

function cells(r: LoadRunSummary, timeoutMs: number): Cell[] {
  return [
    r.n,
    r.failed === 0 ? `yes, ${r.success} of ${r.n}` : `**no**: ${r.success} of ${r.n}`,
    fmtInt(r.made),
    fmtInt(r.served),
    madePerServed(r).toFixed(2),
    r.environments,
    virtualOfTimeout(r.virtualMs, timeoutMs),
    fmtS(r.realMs),
  ];
}

const RUN_HEAD = ['N', 'all SUCCESS', 'calls made', 'calls served', 'made / served', 'execution environments', 'virtual time used of the timeout', 'real time'];
const RUN_ALIGN = ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r'] as const;

function targetsTable(l: LoadResult): string[] {
  const rows = l.targets.map((r) => {
    const missed = missedBecause(r);
    return [SOURCE_NAME[r.source], scenarioText(r), ...cells(r, l.timeoutMs), missed ? `**missed**: ${missed}` : 'met'];
  });
  return table(['source', 'scenario', ...RUN_HEAD, 'target'], ['l', 'l', ...RUN_ALIGN, 'l'], rows);
}

/** The largest N at which all passed (with that run's made/served), as the per-source summary says it. */
function largestText(s: LoadSearch): { largest: string; ratio: string; failing: string } {
  const { largest, smallestFailing } = largestPassingN(s.runs);
  const run = s.runs.find((x) => x.n === largest && x.failed === 0);
  return {
    largest: largest === undefined ? 'none' : smallestFailing === undefined ? `**at least ${largest}** (no N failed)` : `**${largest}**`,
    ratio: run ? madePerServed(run).toFixed(2) : 'n/a',
    failing: smallestFailing === undefined ? 'none run' : String(smallestFailing),
  };
}

function perSourceTable(l: LoadResult): string[] {
  const reads = l.searches[0]?.runs[0]?.readsPerGate ?? 3;
  const rows = l.searches.map((s) => {
    const targets = l.targets.filter((t) => t.source === s.source);
    const met = targets.filter(loadRunMeetsTarget).length;
    const t = largestText(s);
    return [
      SOURCE_NAME[s.source],
      targets.length === 0 ? 'not measured' : met === targets.length ? `met (${met} of ${targets.length})` : `**missed** (${met} of ${targets.length} met)`,
      t.largest,
      t.ratio,
      t.failing,
      loadCeiling(l, s.runs[0]?.readsPerGate ?? reads),
      s.stoppedBecause,
    ];
  });
  return table(
    ['source', 'targets', `largest N that all pass (${reads} reads each)`, 'its made / served', 'smallest N that failed', 'most that can ever pass', 'search stopped at'],
    ['l', 'l', 'r', 'r', 'r', 'r', 'l'],
    rows,
  );
}

export function loadSection(r: Pick<BenchResults, 'load'>): string[] {
  const l = r.load;
  if (!l) return [];
  const reasons = [...new Set([...l.targets, ...l.searches.flatMap((s) => s.runs)].flatMap((x) => x.failureReasons.map((f) => f.slice(0, 120))))].slice(0, 5);
  const reads = l.searches[0]?.runs[0]?.readsPerGate ?? 3;
  return [
    `## Load: N gates created at once against ${l.rate.perSecond} request/s (burst ${l.rate.burst})`,
    '',
    `In the offline lifecycle world (offline/load-scenario.ts): N gates of one stack created at the same moment through the real Provider ` +
      `framework runtime and handler bundle, against a fake source with an account-wide rate limit of ${l.rate.perSecond} request/s, burst ` +
      `${l.rate.burst}. Default props (timeout ${fmtVirtualS(l.timeoutMs)}, poll interval ${fmtVirtualS(l.pollMs)}). ` +
      `**World: pure virtual time** — the clock stands still while the world is busy (Lambda invocations, the Provider framework, the fakes), ` +
      `and each Lambda invocation keeps its execution environment busy ${l.invocationMs} ms of virtual time (a warm invocation with one API ` +
      `call); SDK backoff sleeps on the same clock. So outcomes, calls and virtual times do not depend on the machine's speed or load; ` +
      `real time is the machine's work. Calls made counts every request that reached the API (served or throttled); reads held back by ` +
      `the client's pace are not requests. Virtual time: from the Creates to the last answer, against the gates' timeout.`,
    '',
    '### Per source',
    '',
    ...perSourceTable(l),
    '',
    `Targets (issue 19): every gate passes, and at most ${MAX_MADE_PER_SERVED} calls made per call served. Largest N: each source's gates ` +
      `of ${reads} reads. Most that can ever pass: the bucket serves at most ${l.rate.burst} + ${l.rate.perSecond}/s × t reads in t, and the ` +
      `last gate's deadline comes at most ${fmtVirtualS(l.timeoutMs)} + ${fmtVirtualS(LOAD_START_SPREAD_MS)} (onEvent's spread over a waiter ` +
      `tick) after the Creates, so no N above it can pass.`,
    '',
    '### Targets',
    '',
    ...targetsTable(l),
    '',
    ...l.searches.flatMap((s) => [
      `### Largest N, ${SOURCE_NAME[s.source]} (${scenarioText(s.runs[0] ?? l.targets[0])})`,
      '',
      ...table(RUN_HEAD, [...RUN_ALIGN], [...s.runs].sort((a, b) => a.n - b.n).map((x) => cells(x, l.timeoutMs))),
      '',
      `Largest N at which all pass: ${largestText(s).largest}; the search stopped at ${s.stoppedBecause}.`,
      '',
    ]),
    `Search: per source, up from the largest passing N (doubling, at most the most that can ever pass) until one failed, then bisection ` +
      `to a gap of ${l.precision}; the sources take turns; at most ${l.bound.maxRuns} runs per source besides the target, N ≤ ` +
      `${fmtInt(l.bound.maxN)}, ${fmtS(l.bound.budgetMs)} of real time for the section, no run started that would not fit in what was ` +
      `left (estimated from the real time per gate so far). Used: ${fmtS(l.realMs)}.`,
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
      measured: `${run.success} of ${run.n} SUCCESS; ${fmtInt(run.made)} made / ${fmtInt(run.served)} served = ${madePerServed(run).toFixed(2)}; virtual ${virtualOfTimeout(run.virtualMs, r.load!.timeoutMs)}`,
      verdict: met,
      note: met ? '' : run.failed > 0 ? (run.failureReasons[0] ?? '').slice(0, 160) : `made/served above ${MAX_MADE_PER_SERVED}`,
    };
  });
}
