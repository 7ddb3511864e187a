/** The closing table: each target the project set, what this run measured, and whether it was met. */
import { table, verdictText } from './format';
import { allClientsColdStartTarget, coldStartTarget, detectionTarget, inSyncCallsTarget } from './handler';
import { loadTargets } from './load';
import { loadWorldTargets } from './load-worlds';
import type { BenchResults } from './results';
import { blockerTarget, sourcesInSyncTarget } from './sources';
import { synthTarget } from './synth-time';
import type { TargetRow } from './target-row';
import { deployableTarget, onePerGateTarget, synthCostWhy } from './template';

/** The targets, in the order the table lists them; each comes from the section that measures it. */
const TARGETS: readonly ((r: BenchResults) => TargetRow | TargetRow[])[] = [
  onePerGateTarget,
  deployableTarget,
  (r) => synthTarget(r, synthCostWhy(r)),
  coldStartTarget,
  allClientsColdStartTarget,
  inSyncCallsTarget,
  sourcesInSyncTarget,
  detectionTarget,
  blockerTarget,
  loadTargets,
  loadWorldTargets,
];

export function targets(r: BenchResults): string[] {
  const rows = TARGETS.flatMap((t) => t(r)).map((t) => [t.target, t.measured, verdictText(t.verdict), t.note]);
  return ['## Targets', '', ...table(['target', 'measured', 'met', 'notes'], ['l', 'l', 'l', 'l'], rows), ''];
}
