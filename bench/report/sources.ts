/**
 * Both sync sources, ServiceInstanceSyncGate (AWS Proton) and GitSyncGate (CloudFormation Git sync), in the
 * offline world: API calls of an in-sync deployment and the time from an ACTIVE sync blocker to FAILED; and the
 * targets those decide.
 */
import { SOURCES, SourceName } from '../sync-sources';
import { blockerVerdict } from './analysis';
import { Cell, fmtVirtualS, table } from './format';
import type { BenchResults } from './results';
import type { TargetRow } from './target-row';

const GATE: Readonly<Record<SourceName, string>> = { proton: 'ServiceInstanceSyncGate (Proton)', gitSync: 'GitSyncGate (Git sync)' };
/** The service each source's gate must call, and the other one, which it must not. */
const OWN: Readonly<Record<SourceName, 'proton' | 'gitSync'>> = { proton: 'proton', gitSync: 'gitSync' };
const OTHER: Readonly<Record<SourceName, 'proton' | 'gitSync'>> = { proton: 'gitSync', gitSync: 'proton' };

function blockerSummary(r: NonNullable<BenchResults['sources']>, source: SourceName): string {
  const rows = r.blocker[source];
  const v = blockerVerdict(rows);
  const longest = Math.max(...rows.map((x) => x.longestPollMs));
  const caught = rows.filter((x) => x.pollsAfterBlocker <= 1).length;
  return (
    `worst ${fmtVirtualS(v.worst)}, median ${fmtVirtualS(v.median)} (poll interval ${fmtVirtualS(r.pollMs)}, longest poll ${fmtVirtualS(longest)}); ` +
    `failed by the next poll in ${caught} of ${rows.length}`
  );
}

export function sourcesSection(r: BenchResults): string[] {
  const s = r.sources;
  if (!s) return [];
  const callRows: Cell[][] = SOURCES.flatMap((source) =>
    (['create', 'update'] as const).map((kind) => {
      const c = s.inSync[source][kind];
      return [`${GATE[source]}, ${kind === 'create' ? 'Create' : 'Update (every later deployment)'}`, c.proton, c.gitSync, c.describeStacks];
    }),
  );
  const labels = s.blocker.proton.map((x) => x.label);
  const blockerRows: Cell[][] = labels.map((label, i) => [
    label,
    ...SOURCES.flatMap((source) => {
      const row = s.blocker[source][i];
      return row ? [fmtVirtualS(row.blockerToFailedMs), row.pollsAfterBlocker, row.calls] : ['', '', ''];
    }),
  ]);
  return [
    '## Both sync sources: in-sync calls and sync blockers',
    '',
    'In the offline lifecycle world, on the example app with both gates (`bin/app.ts -c gitSyncStackName=app-stack -c serviceName=sample-service -c serviceInstanceName=sample-instance`): the ' +
      'synthesized Provider framework and the handler bundle, against the fake Proton and the fake CodeStar Connections.',
    '',
    ...table(['in-sync deployment', 'Proton calls', 'Git sync calls', 'DescribeStacks'], ['l', 'r', 'r', 'r'], callRows),
    '',
    'Sync blockers: a new sync is due (the latest sync ran for an older sha), so the gate waits and reads the blockers on every poll; ' +
      'an ACTIVE blocker appears at the stated time (a dynamic step on the blocker operation reading the virtual clock); measured from that ' +
      'moment to CloudFormation receiving FAILED. A poll is a waiter tick that reads the source (a status read, then the blocker reads; the ' +
      'waiter ticks every few seconds and the gate reads on the first tick after each poll interval). "Polls after" counts the polls that ' +
      'started after the blocker appeared: 1 means the next poll failed the gate (one poll interval plus one poll at most), 0 that the poll ' +
      'already running read it.',
    '',
    ...table(
      ['blocker turns ACTIVE', 'Proton: → FAILED', 'polls after', 'API calls', 'Git sync: → FAILED', 'polls after', 'API calls'],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
      blockerRows,
    ),
    '',
    ...SOURCES.map((source) => `- ${GATE[source]}: ${blockerSummary(s, source)}.`),
    '',
  ];
}

export function sourcesInSyncTarget(r: BenchResults): TargetRow {
  const target = 'exactly one API call per in-sync deployment, for both sources (each to its own service)';
  const s = r.sources;
  if (!s) return { target, measured: 'not measured (BENCH_SKIP)', verdict: undefined, note: '' };
  const off: string[] = [];
  const measured = SOURCES.map((source) => {
    const { create, update } = s.inSync[source];
    for (const [kind, c] of [['Create', create], ['Update', update]] as const) {
      if (c[OWN[source]] !== 1 || c[OTHER[source]] !== 0) off.push(`${GATE[source]} ${kind}: ${c.proton} Proton + ${c.gitSync} Git sync calls`);
    }
    return `${GATE[source]}: Create ${create[OWN[source]]}, Update ${update[OWN[source]]}`;
  });
  return { target, measured: measured.join('; '), verdict: off.length === 0, note: off.join('; ') };
}

export function blockerTarget(r: BenchResults): TargetRow {
  const target = 'an ACTIVE sync blocker fails the gate within one poll interval plus one poll, for both sources';
  const s = r.sources;
  if (!s) return { target, measured: 'not measured (BENCH_SKIP)', verdict: undefined, note: '' };
  const late = SOURCES.flatMap((source) =>
    s.blocker[source].filter((x) => x.pollsAfterBlocker > 1).map((x) => `${GATE[source]}, ${x.label}: ${x.pollsAfterBlocker} polls after the blocker`),
  );
  return {
    target,
    measured: SOURCES.map((source) => `${GATE[source]}: ${blockerSummary(s, source)}`).join('; '),
    verdict: SOURCES.every((source) => blockerVerdict(s.blocker[source]).met),
    note: late.join('; '),
  };
}
