/**
 * Load: N gates created at once against a rate-limited Proton, the largest N at which all pass, and the target
 * the lifecycle load test set (30 gates).
 */
import { LOAD_RATE } from '../load';
import { largestPassingN } from './analysis';
import { Cell, fmtInt, fmtS, fmtVirtualS, table } from './format';
import type { BenchResults } from './results';
import type { TargetRow } from './targets';

/** The N of the load target: the lifecycle load test's 30 gates. */
export const LOAD_TARGET_N = 30;

/** The most gates that can ever pass: each needs two served reads, and the bucket serves burst + rate × timeout. */
export function loadCeiling(l: NonNullable<BenchResults['load']>): number {
  return Math.floor((l.rate.burst + (l.rate.perSecond * l.timeoutMs) / 1000) / 2);
}

function searchResult(l: NonNullable<BenchResults['load']>): string {
  const { largest, smallestFailing } = largestPassingN(l.runs);
  if (largest === undefined) return `none: no N passed${smallestFailing === undefined ? '' : ` (${smallestFailing} failed)`}`;
  if (smallestFailing === undefined) return `**at least ${largest}** (no N failed; a lower bound, the search stopped before finding a failure)`;
  return `**${largest}** (${smallestFailing} failed)`;
}

export function loadSection(r: BenchResults): string[] {
  const l = r.load;
  if (!l) return [];
  const rows: Cell[][] = [...l.runs]
    .sort((a, b) => a.n - b.n)
    .map((x) => [x.n, x.failed === 0 ? 'yes' : `**no**: ${x.failed} FAILED`, fmtInt(x.served), fmtInt(x.throttled), fmtVirtualS(x.virtualMs), fmtS(x.realMs)]);
  const reasons = [...new Set(l.runs.flatMap((x) => x.failureReasons))];
  return [
    `## Load: N gates created at once against ${l.rate.perSecond} request/s (burst ${l.rate.burst})`,
    '',
    `In the offline lifecycle world (the approach of test/lifecycle/lifecycle-load.test.ts): N ServiceInstanceSyncGates of one stack created at the ` +
      `same moment through the real Provider framework runtime and handler bundle, against a fake Proton with an account-wide rate limit of ` +
      `${l.rate.perSecond} request/s, burst ${l.rate.burst}, on the virtual clock. Each sync is IN_PROGRESS on its first served read and SUCCEEDED ` +
      `from the second; the gates keep their defaults (timeout ${fmtVirtualS(l.timeoutMs)}, poll interval ${fmtVirtualS(l.pollMs)}).`,
    '',
    ...table(['N', 'all SUCCESS', 'calls served', 'calls throttled', 'virtual time', 'real time'], ['r', 'l', 'r', 'r', 'r', 'r'], rows),
    '',
    `Largest N at which all pass: ${searchResult(l)}. Search: the Ns above in the order run, doubling from the largest passing N until ` +
      `one failed, then bisection; bounded by ${l.bound.maxRuns} runs, N ≤ ${fmtInt(l.bound.maxN)} and a real-time budget of ${fmtS(l.bound.budgetMs)} ` +
      `(no run starts that cannot finish within what is left: N gates need at least (2N − ${l.rate.burst}) / ${l.rate.perSecond} s, as the SDK's backoff ` +
      `under throttling holds the virtual clock so that it passes at about real speed); it stopped at ${l.stoppedBecause}, after ${fmtS(l.realMs)} of real time. ` +
      `No N above ${loadCeiling(l)} can pass: each gate needs two served reads and the bucket serves at most ${l.rate.burst} + ` +
      `${l.rate.perSecond}/s × ${l.timeoutMs / 1000} s before the timeout.`,
    '',
    'Why they pass: a throttled poll counts as "not yet" until the gate\'s deadline, so a gate that is throttled simply polls again ' +
      "an interval later, and the SDK's retry quota (standard mode) stops each client from turning throttling into a retry storm.",
    ...(reasons.length ? ['', 'Failure reasons: ' + reasons.map((x) => `"${x}"`).join('; ')] : []),
    '',
  ];
}

export function loadTarget(r: BenchResults): TargetRow {
  const target = `${LOAD_TARGET_N} gates created at once all pass against ${LOAD_RATE.perSecond} request/s, burst ${LOAD_RATE.burst}`;
  const run = r.load?.runs.find((x) => x.n === LOAD_TARGET_N);
  if (!run) return { target, measured: `N = ${LOAD_TARGET_N} not measured`, verdict: undefined, note: '' };
  const largest = largestPassingN(r.load!.runs).largest;
  return {
    target,
    measured: `${run.success} of ${run.n} SUCCESS (${fmtInt(run.served)} calls served, ${fmtInt(run.throttled)} throttled); largest N all passing: ${largest ?? 'none'}`,
    verdict: run.failed === 0,
    note: run.failed === 0 ? '' : run.failureReasons.join('; '),
  };
}
