/** `cdk synth` time by number of gates, and the synth-time target. */
import { median } from '../stats';
import { noSlowerVerdict, pairedRatios } from './analysis';
import { fmtExcess, fmtPaired, fmtS, table } from './format';
import type { BenchResults } from './results';
import type { TargetRow } from './target-row';

export function synthTime(r: BenchResults): string[] {
  const range = (xs: readonly number[]): string => (xs.length ? `${fmtS(median(xs))} (${fmtS(Math.min(...xs))}–${fmtS(Math.max(...xs))})` : 'n/a');
  const rows = r.synth.map(({ n, ours, awscr }) => {
    const q = pairedRatios(ours, awscr);
    // A cell aws-cdk-lib refused to synthesize was timed with its validation off: no ratio against the other.
    const refusedNote = (c: typeof ours): string => (c.refused ? ' (**refused**¹)' : '');
    const comparable = !ours.refused && !awscr.refused;
    return [
      n,
      ours.ms.length,
      range(ours.ms) + refusedNote(ours),
      range(awscr.ms) + refusedNote(awscr),
      comparable ? fmtPaired(q.wall, q.wallPairs) : 'n/a¹',
      range(ours.cpuMs),
      range(awscr.cpuMs),
      comparable ? fmtPaired(q.cpu, q.cpuPairs) : 'n/a¹',
    ];
  });
  const refusals = r.synth.flatMap(({ n, ours, awscr }) =>
    [['ours', ours] as const, ['AwsCustomResource', awscr] as const].filter(([, c]) => c.refused).map(([name, c]) => `${name} at N = ${n}: "${c.refused}"`),
  );
  return [
    '## `cdk synth` time, by number of gates N',
    '',
    ...table(
      ['N', 'runs', 'wall ours', 'wall AwsCustomResource', 'wall ratio ours/theirs', 'CPU ours', 'CPU AwsCustomResource', 'CPU ratio ours/theirs'],
      ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      rows,
    ),
    '',
    'Median (min–max). Wall: the whole CLI process, what a user waits for. CPU: user + system time of the CLI and the app it runs ' +
      '(from /proc, children reaped), which other load on a shared machine disturbs far less than wall time. ' +
      'Each ratio is the median of the per-pair ratios (run i of ours against run i of AwsCustomResource, which ran back to back). ' +
      "Most of a synth is fixed cost both pay (the CLI's and the app's start, ts-node, aws-cdk-lib's built-in template validation), so " +
      'the ratios are close to 1 and more runs narrow them more than anything else.',
    ...(refusals.length
      ? [
          '',
          `¹ aws-cdk-lib's built-in CloudFormation validation refuses to synthesize ${refusals.join('; ')}: that variant cannot be ` +
            'synthesized at that N with default settings. Its time and template were measured with that validation off (CDK_VALIDATION=false), ' +
            'which skips work the other cell does, so no ratio is given.',
        ]
      : []),
    '',
  ];
}

/**
 * `cdk synth` at the target N no slower than AwsCustomResource. `why` explains a miss with the sizes measured in
 * this run (the growth section knows them).
 */
export function synthTarget(r: BenchResults, why: string): TargetRow {
  const { targetN } = r.settings;
  const target = `\`cdk synth\` with ${targetN} gates no slower than AwsCustomResource with ${targetN} (ratio ≤ 1.0)`;
  const at = r.synth.find((row) => row.n === targetN);
  if (!at) return { target, measured: `N = ${targetN} not measured`, verdict: undefined, note: '' };
  const q = pairedRatios(at.ours, at.awscr);
  const slower: string[] = [];
  if (q.wall > 1) slower.push(`wall time slower by ${fmtExcess(q.wall)}`);
  if (q.cpu !== undefined && q.cpu > 1) slower.push(`CPU time slower by ${fmtExcess(q.cpu)}`);
  return {
    target,
    measured: `wall ratio ${fmtPaired(q.wall, q.wallPairs)}, CPU ratio ${fmtPaired(q.cpu, q.cpuPairs)}`,
    verdict: noSlowerVerdict(q),
    note: slower.length === 0 ? '' : `${slower.join('; ')}: ${why}`,
  };
}
