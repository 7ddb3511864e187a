/**
 * What the report computes from the measurements before it writes anything: growth per gate, the N at which a
 * limit breaks, paired ratios and the verdicts they give. Plain functions of numbers, so tests can pin them.
 */
import { median } from '../stats';
import type { SynthCell, SynthRow } from '../synth';
import type { TemplateStats } from '../template-stats';
import type { Variant } from '../variants';

/** A metric that grows linearly with the number of gates: metric(N) = fixed + perGate × N. */
export interface Growth {
  readonly fixed: number;
  readonly perGate: number;
  /** The two Ns the per-gate growth was taken between. */
  readonly n1: number;
  readonly n2: number;
}

/** The largest N of the per-gate window: growth is read between the two largest Ns up to here (10 → 100 by default). */
const GROWTH_WINDOW_MAX_N = 100;

/**
 * Growth of a template metric: per gate from the two largest Ns measured up to GROWTH_WINDOW_MAX_N (any two
 * otherwise); fixed = the metric at N = 1 minus one gate, extrapolated from n1 when N = 1 was not measured.
 */
export function linear(rows: readonly SynthRow[], v: Variant, metric: (s: TemplateStats) => number): Growth {
  const at = new Map(rows.map((r) => [r.n, metric(r[v].stats)]));
  const ns = rows.map((r) => r.n);
  if (ns.length < 2) throw new Error(`growth per gate needs two Ns, got ${ns.join(', ') || 'none'}`);
  const inWindow = ns.filter((n) => n <= GROWTH_WINDOW_MAX_N);
  const [n1, n2] = inWindow.length >= 2 ? inWindow.slice(-2) : ns.slice(0, 2);
  const a = at.get(n1)!;
  const perGate = (at.get(n2)! - a) / (n2 - n1);
  const atOne = at.get(1);
  const fixed = atOne !== undefined ? atOne - perGate : a - perGate * n1;
  return { fixed, perGate, n1, n2 };
}

/** Smallest N at which fixed + perGate × N exceeds the limit (extrapolated); undefined when it never does. */
export function breakingN(fixed: number, perGate: number, limit: number): number | undefined {
  if (perGate <= 0) return fixed > limit ? 1 : undefined;
  return Math.floor((limit - fixed) / perGate) + 1;
}

/** One below the first limit broken; undefined (unbounded) when no limit ever breaks. */
export function largestDeployableN(breakingNs: readonly (number | undefined)[]): number | undefined {
  const known = breakingNs.filter((x): x is number => x !== undefined);
  return known.length ? Math.min(...known) - 1 : undefined;
}

export interface PairedRatio {
  /** Median of the per-pair wall-time ratios. */
  readonly wall: number;
  readonly wallPairs: readonly number[];
  /** Median of the per-pair CPU-time ratios, when CPU time was measured. */
  readonly cpu?: number;
  readonly cpuPairs: readonly number[];
}

/** Ratios ours/theirs of back-to-back pairs of runs, then their median: robust to load that drifts during the run. */
export function pairedRatios(ours: SynthCell, theirs: SynthCell): PairedRatio {
  const paired = (a: readonly number[], b: readonly number[]): number[] => a.slice(0, b.length).map((x, i) => x / b[i]);
  const wallPairs = paired(ours.ms, theirs.ms);
  const cpuPairs = paired(ours.cpuMs, theirs.cpuMs);
  return { wall: median(wallPairs), wallPairs, cpu: cpuPairs.length ? median(cpuPairs) : undefined, cpuPairs };
}

/** Met when wall and CPU time both say ours is no slower; missed when both say slower; otherwise inconclusive. */
export function noSlowerVerdict(q: PairedRatio): boolean | 'inconclusive' {
  const wallOk = q.wall <= 1;
  if (q.cpu === undefined) return wallOk;
  const cpuOk = q.cpu <= 1;
  return wallOk === cpuOk ? wallOk : 'inconclusive';
}

/** Worst and median of the detection rows, and whether the worst stayed within one poll interval. */
export function detectionVerdict(pollMs: number, detectionMs: readonly number[]): { worst: number; median: number; met: boolean } {
  const worst = Math.max(...detectionMs);
  return { worst, median: median(detectionMs), met: worst <= pollMs };
}

/**
 * Blocker detection: worst and median time from an ACTIVE blocker to FAILED, and whether every row failed at the
 * first poll that started after the blocker appeared, or the one running then (one poll interval plus one poll).
 */
export function blockerVerdict(rows: readonly { blockerToFailedMs: number; pollsAfterBlocker: number }[]): { worst: number; median: number; met: boolean } {
  const times = rows.map((r) => r.blockerToFailedMs);
  return { worst: Math.max(...times), median: median(times), met: rows.length > 0 && rows.every((r) => r.pollsAfterBlocker <= 1) };
}

/** The largest N at which all gates passed, below the smallest N at which any failed; undefined when none passed. */
export function largestPassingN(runs: readonly { n: number; failed: number }[]): { largest?: number; smallestFailing?: number } {
  const failing = runs.filter((r) => r.failed > 0).map((r) => r.n);
  const smallestFailing = failing.length ? Math.min(...failing) : undefined;
  const passing = runs.filter((r) => r.failed === 0 && (smallestFailing === undefined || r.n < smallestFailing)).map((r) => r.n);
  return { largest: passing.length ? Math.max(...passing) : undefined, smallestFailing };
}
