/**
 * The benchmark's report: a pure function from a plain results object (./results.ts) to the markdown of
 * docs/benchmarks.md. No I/O and no clock here (the run's date and machine come in the results), so the verdicts
 * and tables can be unit-tested on made-up numbers (test/bench/report.test.ts).
 *
 * A section is a function from the results to its lines. To add one: a measurement module in bench/ that returns
 * its result, a field for it in BenchResults, a section function here, and if it decides a target, a row
 * function in ./targets.ts.
 */
import { handlerTable } from './handler';
import { header, whatIsCompared } from './header';
import { loadSection } from './load';
import { loadWorldsSection } from './load-worlds';
import type { BenchResults } from './results';
import { sourcesSection } from './sources';
import { synthTime } from './synth-time';
import { targets } from './targets';
import { growthTable, templateTable } from './template';

export type { BenchResults, BenchSettings, ColdSet, ColdUnderNode, RunInfo } from './results';
export type { TargetRow } from './target-row';

/** The sections, in the order the document shows them. */
const SECTIONS: readonly ((r: BenchResults) => string[])[] = [header, whatIsCompared, synthTime, templateTable, growthTable, handlerTable, sourcesSection, loadSection, loadWorldsSection, targets];

export function renderReport(r: BenchResults): string {
  return SECTIONS.flatMap((section) => section(r)).join('\n');
}

/** The load sections alone (`BENCH_ONLY=load`, while iterating on the load): no header, no targets table. */
export function renderLoadReport(r: Pick<BenchResults, 'load' | 'loadWorlds'>): string {
  return [...loadSection(r), ...loadWorldsSection(r)].join('\n');
}
