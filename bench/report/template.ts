/**
 * The templates: size and deployability by N, growth per gate, the N at which each limit breaks, and the
 * targets those decide.
 */
import { INTRINSIC_CHARS, LIMITS, TemplateStats } from '../template-stats';
import { Variant } from '../variants';
import { breakingN, Growth, largestDeployableN, linear } from './analysis';
import { fmtInt, table } from './format';
import type { BenchResults } from './results';
import type { TargetRow } from './target-row';

/** The N the "many gates in one stack" target is judged at. */
export const DEPLOYABLE_TARGET_N = 400;

const deployable = (st: TemplateStats): string => (st.violations.length === 0 ? 'yes' : `**no**: ${st.violations.join('; ')}`);

export function templateTable(r: BenchResults): string[] {
  const policies = (n: number): string => `${n} ${n === 1 ? 'policy' : 'policies'}`;
  const rows = r.synth.map(({ n, ours: { stats: o }, awscr: { stats: t } }) => [
    n,
    o.resources,
    t.resources,
    `${fmtInt(o.bytes)} B`,
    `${fmtInt(t.bytes)} B`,
    `${fmtInt(o.largestRole.chars)} chars`,
    `${fmtInt(t.largestRole.chars)} chars (${policies(t.largestRole.policies)})`,
    deployable(o),
    deployable(t),
  ]);
  return [
    '## Template, by number of gates N',
    '',
    ...table(
      ['N', 'resources ours', 'resources theirs', 'template ours', 'template theirs', 'largest role inline policies ours', '… theirs', 'deployable ours', 'deployable theirs'],
      ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l'],
      rows,
    ),
    '',
    `Deployable means: at most ${LIMITS.resources} resources, ${LIMITS.parameters} parameters and ${LIMITS.outputs} outputs; template body at most ` +
      `${fmtInt(LIMITS.templateBodyS3Bytes)} bytes (the limit for a template uploaded to S3, which \`cdk deploy\` does for every template over 50 KiB; ` +
      `the ${fmtInt(LIMITS.templateBodyInlineBytes)}-byte limit of an inline body is not applied); every IAM role's inline policies together at most ` +
      `${fmtInt(LIMITS.roleInlinePolicyChars)} characters, counted as minified JSON with each intrinsic (Ref, Fn::GetAtt, …) counted as ${INTRINSIC_CHARS} characters (an upper bound for the ARNs involved).`,
    '',
  ];
}

/** Resources and template bytes as functions of N, per variant. */
export function growth(r: BenchResults): { resources: Record<Variant, Growth>; bytes: Record<Variant, Growth> } {
  const of = (metric: (s: TemplateStats) => number): Record<Variant, Growth> => ({
    ours: linear(r.synth, 'ours', metric),
    awscr: linear(r.synth, 'awscr', metric),
  });
  return { resources: of((s) => s.resources), bytes: of((s) => s.bytes) };
}

/** The first N over each limit, and the largest N under all of them. */
export function limitsOf(r: BenchResults, v: Variant): { resources?: number; bytes?: number; iam?: number; deployable?: number } {
  const g = growth(r);
  const resources = breakingN(g.resources[v].fixed, g.resources[v].perGate, LIMITS.resources);
  const bytes = breakingN(g.bytes[v].fixed, g.bytes[v].perGate, LIMITS.templateBodyS3Bytes);
  const iam = r.iam[v].breakingN;
  return { resources, bytes, iam, deployable: largestDeployableN([resources, bytes, iam]) };
}

export function growthTable(r: BenchResults): string[] {
  const { resources: res, bytes } = growth(r);
  const both = (f: (v: Variant) => string | number): [string | number, string | number] => [f('ours'), f('awscr')];
  const limits = { ours: limitsOf(r, 'ours'), awscr: limitsOf(r, 'awscr') };
  const rows: (string | number)[][] = [[`resources added per gate (N = ${res.ours.n1} → ${res.ours.n2})`, res.ours.perGate, res.awscr.perGate]];
  const last = r.synth.reduce((a, b) => (b.n > a.n ? b : a));
  const atN2 = r.synth.find((row) => row.n === res.ours.n2)!;
  if (last.n > res.ours.n2) {
    rows.push([
      `resources added per gate (N = ${res.ours.n2} → ${last.n})`,
      ...both((v) => (last[v].stats.resources - atN2[v].stats.resources) / (last.n - res.ours.n2)),
    ]);
  }
  rows.push(
    ['fixed resources (at N = 1, minus one gate)', res.ours.fixed, res.awscr.fixed],
    [`template bytes per gate (N = ${bytes.ours.n1} → ${bytes.ours.n2})`, ...both((v) => fmtInt(Math.round(bytes[v].perGate)))],
    ['inline-policy characters per gate, largest role', r.iam.ours.perGateChars, r.iam.awscr.perGateChars],
    [`first N over ${LIMITS.resources} resources (from the growth above)`, ...both((v) => String(limits[v].resources ?? 'never'))],
    ['first N over the 1 MB template body (extrapolated)', ...both((v) => fmtInt(limits[v].bytes ?? 0))],
    [
      `first N over ${fmtInt(LIMITS.roleInlinePolicyChars)} inline-policy characters on one role (synthesized)`,
      ...both((v) => {
        const b = r.iam[v];
        return b.breakingN === undefined
          ? `none up to ${b.maxN}`
          : `**${b.breakingN}** (${fmtInt(b.charsBelow ?? 0)} chars at ${b.breakingN - 1}, ${fmtInt(b.charsAtBreak ?? 0)} at ${b.breakingN})`;
      }),
    ],
    ['largest deployable N', ...both((v) => (limits[v].deployable === undefined ? 'unbounded' : `**${limits[v].deployable}**`))],
  );
  return [
    '## Fixed part and growth per gate',
    '',
    ...table(['', 'ours', 'AwsCustomResource'], ['l', 'r', 'r'], rows),
    '',
    'AwsCustomResource creates one `AWS::IAM::Policy` per instance, attached to the one shared role of its singleton function ' +
      '(`fromSdkCalls` and `fromStatements` alike), so every instance adds an inline policy to that role. The breaking N was found by ' +
      `synthesizing in-process with cdk.json's context (prediction from N = 1 and 2, confirmed at N − 1 and N; ${r.iam.awscr.syntheses} syntheses).`,
    '',
  ];
}

export function onePerGateTarget(r: BenchResults): TargetRow {
  const per = growth(r).resources.ours.perGate;
  return { target: 'each extra gate adds exactly one resource', measured: `${per} per gate`, verdict: per === 1, note: per === 1 ? '' : 'see the growth table' };
}

export function deployableTarget(r: BenchResults): TargetRow {
  const target = `${DEPLOYABLE_TARGET_N} gates in one stack stay deployable by every limit above`;
  const o = r.synth.find((row) => row.n === DEPLOYABLE_TARGET_N)?.ours.stats;
  if (!o) return { target, measured: `N = ${DEPLOYABLE_TARGET_N} not measured`, verdict: undefined, note: '' };
  return {
    target,
    measured: `${o.resources} resources, ${fmtInt(o.bytes)} B, largest role ${fmtInt(o.largestRole.chars)} chars`,
    verdict: o.violations.length === 0,
    note: o.violations.join('; '),
  };
}

/** Why ours can synthesize slower at the target N, in this run's sizes. */
export function synthCostWhy(r: BenchResults): string {
  const { resources: res, bytes } = growth(r);
  return (
    `ours has the larger fixed part (${res.ours.fixed} resources: two handler functions, the Provider framework with its state machine, ` +
    `two code assets to stage) against ${res.awscr.fixed}, and the smaller part per gate (${res.ours.perGate} resource, ` +
    `${fmtInt(Math.round(bytes.ours.perGate))} B against ${res.awscr.perGate}, ${fmtInt(Math.round(bytes.awscr.perGate))} B); ` +
    `at N = ${r.settings.targetN} the two nearly cancel out`
  );
}
