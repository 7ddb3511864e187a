/** How the report writes numbers, ratios, verdicts and markdown tables, so every section writes them alike. */

export const fmtMs = (ms: number): string => (ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`);
export const fmtS = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
/** Simulated times of the lifecycle world, to the millisecond: a target there is missed or met by a few ms. */
export const fmtVirtualS = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;
export const fmtInt = (n: number): string => n.toLocaleString('en-US');
export const fmtRatio = (r: number): string => r.toFixed(2);
/** "12%": how far a ratio above 1 is from 1. */
export const fmtExcess = (r: number): string => `${((r - 1) * 100).toFixed(0)}%`;

/** "0.97 (pairs 0.62–1.31)": a median of paired ratios with their spread; "n/a" when not measured. */
export function fmtPaired(ratio: number | undefined, pairs: readonly number[]): string {
  if (ratio === undefined) return 'n/a';
  return pairs.length > 1 ? `${fmtRatio(ratio)} (pairs ${fmtRatio(Math.min(...pairs))}–${fmtRatio(Math.max(...pairs))})` : fmtRatio(ratio);
}

/** met / missed, inconclusive when the measures disagree, undefined when not measured. */
export type Verdict = boolean | 'inconclusive' | undefined;

/** Bold for what needs a reader's attention: a missed or undecided target. */
export function verdictText(v: Verdict): string {
  if (v === undefined) return 'not measured';
  if (v === 'inconclusive') return '**inconclusive**';
  return v ? 'met' : '**missed**';
}

export type Cell = string | number;

/** One markdown table row; an empty cell is written as one space. */
export function row(cells: readonly Cell[]): string {
  return `|${cells.map((c) => (c === '' ? ' ' : ` ${c} `)).join('|')}|`;
}

/** Column alignment: `l` for text, `r` for numbers. */
export type Align = 'l' | 'r';

/** A markdown table: header, alignment row, one line per row. */
export function table(header: readonly Cell[], align: readonly Align[], rows: readonly (readonly Cell[])[]): string[] {
  if (align.length !== header.length) throw new Error(`table: ${header.length} columns but ${align.length} alignments`);
  for (const r of rows) if (r.length !== header.length) throw new Error(`table: a row of ${r.length} cells under ${header.length} columns`);
  return [row(header), `|${align.map((a) => (a === 'r' ? '---:' : '---')).join('|')}|`, ...rows.map(row)];
}
