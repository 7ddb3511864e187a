/**
 * The N at which a variant breaks IAM's limit on one role's inline policies, found by synthesizing. The resource
 * and template-size limits grow linearly and are extrapolated in the report; this one is synthesized because
 * AwsCustomResource's growth per gate is a policy document whose size only the synthesizer knows.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { ROOT } from './runner';
import { LIMITS, roleInlinePolicySizes, Template } from './template-stats';
import { addGates, BENCH_STACK, Variant } from './variants';

/** Synthesizes in-process with the CLI's context from cdk.json (faster than the CLI; used for the search only). */
function inProcessTemplate(variant: Variant, n: number, tmp: string): Template {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const outdir = fs.mkdtempSync(path.join(tmp, 'inproc-'));
  try {
    const app = new App({ outdir, context: { ...cdkJson.context, '@aws-cdk/core:stackResourceLimit': 0 } });
    addGates(new Stack(app, BENCH_STACK), variant, n);
    return app.synth().getStackByName(BENCH_STACK).template as Template;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function largestRoleChars(t: Template): number {
  return roleInlinePolicySizes(t)[0]?.chars ?? 0;
}

export interface IamBreak {
  /** Smallest N whose largest role exceeds the limit, or undefined when none up to maxN does. */
  readonly breakingN?: number;
  readonly charsAtBreak?: number;
  readonly charsBelow?: number;
  readonly perGateChars: number;
  /** The largest N searched. */
  readonly maxN: number;
  readonly syntheses: number;
}

/**
 * Finds the smallest N at which a role's inline policies exceed IAM's limit: predicts it from N = 1 and 2 (the
 * growth is linear), then confirms by synthesizing N - 1 and N; falls back to a binary search if that fails.
 */
export function findIamBreak(variant: Variant, maxN: number, tmp: string): IamBreak {
  let syntheses = 0;
  const chars = (n: number): number => {
    syntheses++;
    return largestRoleChars(inProcessTemplate(variant, n, tmp));
  };
  const c1 = chars(1);
  const c2 = chars(2);
  const per = c2 - c1;
  const over = (c: number): boolean => c > LIMITS.roleInlinePolicyChars;
  const found = (b: Omit<IamBreak, 'perGateChars' | 'maxN' | 'syntheses'>): IamBreak => ({ ...b, perGateChars: per, maxN, syntheses });
  if (per <= 0) {
    const cMax = chars(maxN);
    return found(over(cMax) ? { breakingN: 1, charsAtBreak: c1 } : {});
  }
  const predicted = Math.max(1, Math.floor((LIMITS.roleInlinePolicyChars - (c1 - per)) / per) + 1);
  if (predicted <= maxN && predicted > 1) {
    const below = chars(predicted - 1);
    const at = chars(predicted);
    if (!over(below) && over(at)) return found({ breakingN: predicted, charsAtBreak: at, charsBelow: below });
  }
  let lo = 1;
  let hi = maxN;
  if (!over(chars(hi))) return found({});
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (over(chars(mid))) hi = mid;
    else lo = mid + 1;
  }
  const charsAtBreak = chars(lo);
  return found({ breakingN: lo, charsAtBreak, charsBelow: lo > 1 ? chars(lo - 1) : undefined });
}
