/**
 * One row of the closing targets table. Each section that measures a target writes its row; ./targets.ts only
 * orders them. The shape lives here, apart from both, so that neither imports the other.
 */
import type { Verdict } from './format';

export interface TargetRow {
  /** The target, as a sentence. */
  readonly target: string;
  readonly measured: string;
  /** undefined when this run did not measure it (e.g. its N was not among BENCH_NS). */
  readonly verdict: Verdict;
  /** Why it was missed, when it was; empty otherwise. */
  readonly note: string;
}
