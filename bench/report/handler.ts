/**
 * The handlers: asset size, cold start, warm decisions, Proton calls when in sync, and detection in the offline
 * lifecycle world; and the targets those decide.
 */
import type { ColdRun } from '../cold-start';
import { median, percentile } from '../stats';
import { Variant } from '../variants';
import { detectionVerdict } from './analysis';
import { Cell, fmtExcess, fmtInt, fmtMs, fmtRatio, fmtVirtualS, table } from './format';
import type { BenchResults, ColdSet } from './results';
import type { TargetRow } from './target-row';

const coldMedian = (r: BenchResults, v: Variant, f: (c: ColdRun) => number): number => median(r.cold[v].map(f));

/** The three cells of a measure both variants have: ours, theirs, the ratio ours/theirs. */
function compared(measure: (v: Variant) => number): Cell[] {
  return [fmtMs(measure('ours')), fmtMs(measure('awscr')), fmtRatio(measure('ours') / measure('awscr'))];
}

/** Worst and median detection time, as one cell. */
function detectionSummary(r: BenchResults): string {
  const { pollMs, rows } = r.detection;
  const d = detectionVerdict(pollMs, rows.map((x) => x.detectionMs));
  return `worst ${fmtVirtualS(d.worst)}, median ${fmtVirtualS(d.median)} (poll interval ${fmtVirtualS(pollMs)})`;
}

export function handlerTable(r: BenchResults): string[] {
  const { assets, warm, deploymentCalls, detection, settings } = r;
  const cold = (f: (c: ColdRun) => number) => compared((v) => coldMedian(r, v, f));
  const warmAt = (q: number) => compared((v) => percentile(warm.ms[v], q));
  const rows: Cell[][] = [
    [
      'handler asset (raw / gzip)',
      `${fmtInt(assets.ours.bytes)} B / ${fmtInt(assets.ours.gzip)} B`,
      `${fmtInt(assets.awscr.bytes)} B / ${fmtInt(assets.awscr.gzip)} B`,
      fmtRatio(assets.ours.bytes / assets.awscr.bytes),
    ],
    [`cold start, Proton gate: load handler + create Proton client + first call (median of ${settings.coldRuns})`, ...cold((c) => c.totalMs)],
    ...gitSyncColdRows(r),
    ['… of which `require` of the handler', ...cold((c) => c.loadMs)],
    ['… of which first invocation (SDK load if lazy, client, one call)', ...cold((c) => c.firstCallMs)],
    ["whole process, spawn to exit (incl. Node's own start)", ...cold((c) => c.processMs)],
    [`warm decision, p50 (${settings.decisions} each, interleaved)`, ...warmAt(50)],
    ['warm decision, p95', ...warmAt(95)],
    ['Proton calls per warm decision (in sync)', warm.callsPerDecision.ours.toFixed(2), warm.callsPerDecision.awscr.toFixed(2), ''],
    ['Proton calls of one Create deployment, instance already in sync (handlers driven directly)', deploymentCalls.ours, deploymentCalls.awscr, ''],
    ['… Create through the Provider framework and its waiter (offline lifecycle world)', detection.inSyncCreateCalls, '', ''],
    [
      '… Update, every later deployment (the nonce changes), offline lifecycle world',
      `${detection.inSyncUpdateCalls.proton} (+ ${detection.inSyncUpdateCalls.describeStacks} DescribeStacks)`,
      '',
      '',
    ],
    ['simulated time from sync SUCCEEDED to SUCCESS', detectionSummary(r), 'n/a (never waits)', ''],
  ];
  return [
    '## Handler',
    '',
    ...table(['', 'ours', 'AwsCustomResource', 'ratio ours/theirs'], ['l', 'r', 'r', 'r'], rows),
    '',
    `Assets: ours is \`assets/handler/index.js\`, one esbuild bundle with the AWS SDK clients it uses inside (Proton, CodeStar Connections, CloudFormation, STS); theirs is aws-cdk-lib's ` +
      `\`aws-custom-resource-handler/index.js\`, which \`require\`s \`@aws-sdk/client-proton\` at the first call from the Lambda runtime's ` +
      'preinstalled SDK (not in its asset, not counted). In this benchmark it loads the same client version from the project\'s node_modules.',
    'Cold start: a fresh `node` process per run (bench/cold-start-child.js) requires the handler and answers one Create/isComplete event ' +
      'built from the synthesized template against the fake Proton; times are measured inside the process from its first line. ' +
      "AwsCustomResource's response PUT to the ResponseURL is captured in-process instead of sent. One discarded run each first (page cache), then interleaved. " +
      "The Git sync gate's runs (when measured) load the same bundle and answer the GitSyncGate's isComplete event from the example app " +
      "with both gates (`-c gitSyncStackName=app-stack -c serviceName=sample-service -c serviceInstanceName=sample-instance`) against the fake CodeStar Connections; " +
      "the cross-account Git sync gate's runs answer the GitSyncGate's event of the example app with `-c readerRoleArn=arn:aws:iam::222222222222:role/sync-gate-reader`: " +
      "STS AssumeRole of that role (the fake STS, offline/fake-sts.ts), then the read in that account with its credentials. AwsCustomResource's Proton cold start is the reference for all three.",
    "Warm decisions: both handlers loaded in the benchmark's process, console.log silenced for both; ours = one `isComplete` call " +
      '(parse, one GetServiceInstanceSyncStatus, decide), theirs = one `handler` invocation (parse, new client, one call, response).',
    ...coldByNode(r),
    ...detectionDetails(r),
    '',
  ];
}

/** The same cold starts under each Node.js they ran under, when more than one: medians, and the ratio ours/theirs. */
function coldByNode(r: BenchResults): string[] {
  const others = r.coldOtherNodes ?? [];
  if (others.length === 0) return [];
  const med = (runs: readonly { totalMs: number }[] | undefined): number | undefined => (runs && runs.length ? median(runs.map((c) => c.totalMs)) : undefined);
  const ms = (x: number | undefined): string => (x === undefined ? 'n/a' : fmtMs(x));
  const rowFor = (label: string, cold: ColdSet): Cell[] => {
    const [ours, git, cross, theirs] = [med(cold.ours), med(cold.gitSync), med(cold.crossAccount), med(cold.awscr)];
    const ratio = (a: number | undefined): string => (a === undefined || theirs === undefined ? 'n/a' : fmtRatio(a / theirs));
    const part = (runs: readonly ColdRun[], f: (c: ColdRun) => number): string => ms(median(runs.map(f)));
    return [
      label,
      ms(ours),
      ms(git),
      ms(cross),
      ms(theirs),
      ratio(ours),
      ratio(git),
      ratio(cross),
      `${part(cold.ours, (c) => c.loadMs)} + ${part(cold.ours, (c) => c.firstCallMs)}`,
      `${part(cold.awscr, (c) => c.loadMs)} + ${part(cold.awscr, (c) => c.firstCallMs)}`,
      `${part(cold.ours, (c) => c.processMs)} / ${part(cold.awscr, (c) => c.processMs)}`,
    ];
  };
  const fromText = { 'tools/node24': 'tools/node24', BENCH_NODE: 'BENCH_NODE', bench: "the bench's own" } as const;
  const first = r.run.coldStartNodeFrom;
  return [
    '',
    `Cold starts by Node.js (median of ${r.settings.coldRuns} each; the first row is the one the table above and the targets use):`,
    '',
    ...table(
      [
        'Node.js',
        'ours, Proton gate',
        'ours, Git sync gate',
        'ours, cross-account Git sync gate',
        'AwsCustomResource',
        'ratio Proton gate',
        'ratio Git sync gate',
        'ratio cross-account',
        'ours: `require` + first invocation',
        'theirs: `require` + first invocation',
        'whole process ours / theirs',
      ],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      [
        rowFor(`${r.run.coldStartNodeVersion}${first ? ` (${fromText[first]})` : ''}`, r.cold),
        ...others.map((o) => rowFor(`${o.nodeVersion} (${fromText[o.from]})`, o.cold)),
      ],
    ),
  ];
}

/** The detection paragraph and its table, one row per phase at which the sync turned SUCCEEDED. */
function detectionDetails(r: BenchResults): string[] {
  const { pollMs, rows } = r.detection;
  return [
    '',
    'Detection, in the offline lifecycle world (offline/offline-world.ts: the synthesized Provider framework, its waiter state ' +
      'machine and the handler bundle, with time compressed; virtual times shown): one Create per row; the sync turns SUCCEEDED at the ' +
      `stated time; measured from that moment to CloudFormation receiving SUCCESS on the ResponseURL. Poll interval ${fmtVirtualS(pollMs)} (the default).`,
    '',
    ...table(
      ['sync turns SUCCEEDED', 'SUCCEEDED → SUCCESS', 'Proton calls', 'waiter isComplete attempts'],
      ['l', 'r', 'r', 'r'],
      rows.map((x) => [x.label, fmtVirtualS(x.detectionMs), x.calls, x.waiterAttempts]),
    ),
  ];
}

/** The GitSyncGates' cold starts (in their own account, and through a reader role) against AwsCustomResource's (which calls Proton), when measured. */
function gitSyncColdRows(r: BenchResults): Cell[][] {
  const theirs = coldMedian(r, 'awscr', (c) => c.totalMs);
  const rows: [string, readonly ColdRun[] | undefined][] = [
    ['cold start, Git sync gate: same bundle, create CodeStar Connections client + first call (interleaved)', r.cold.gitSync],
    ['cold start, cross-account Git sync gate: same bundle, STS AssumeRole of its reader role + CodeStar Connections client + first call (interleaved)', r.cold.crossAccount],
  ];
  return rows
    .filter((row): row is [string, readonly ColdRun[]] => row[1] !== undefined && row[1].length > 0)
    .map(([label, runs]) => {
      const ours = median(runs.map((c) => c.totalMs));
      return [label, fmtMs(ours), fmtMs(theirs), fmtRatio(ours / theirs)];
    });
}

/** The ratio the all-clients cold-start target allows: ours at most this fraction of AwsCustomResource's. */
export const ALL_CLIENTS_COLD_RATIO = 0.7;

/** Cold start of the handler that carries every client, for both gate types, against AwsCustomResource's. */
export function allClientsColdStartTarget(r: BenchResults): TargetRow {
  const target =
    `cold start of the handler with all its clients (Proton, CodeStar Connections, CloudFormation, STS) at most ${ALL_CLIENTS_COLD_RATIO}× ` +
    "AwsCustomResource's, for a Proton gate, a Git sync gate and a Git sync gate reading another account through a reader role";
  const theirs = coldMedian(r, 'awscr', (c) => c.totalMs);
  const med = (runs: readonly ColdRun[] | undefined): number | undefined => (runs && runs.length ? median(runs.map((c) => c.totalMs)) : undefined);
  const kinds: [string, number | undefined][] = [
    ['Proton gate', coldMedian(r, 'ours', (c) => c.totalMs)],
    ['Git sync gate', med(r.cold.gitSync)],
    ['cross-account Git sync gate', med(r.cold.crossAccount)],
  ];
  const measured = kinds.map(([k, ms]) => (ms === undefined ? `${k} not measured` : `${k} ${fmtRatio(ms / theirs)} (${fmtMs(ms)} vs ${fmtMs(theirs)})`));
  const over = kinds.filter(([, ms]) => ms !== undefined && ms / theirs > ALL_CLIENTS_COLD_RATIO).map(([k, ms]) => `${k} over by ${fmtRatio(ms! / theirs - ALL_CLIENTS_COLD_RATIO)}`);
  const complete = kinds.every(([, ms]) => ms !== undefined);
  return {
    target,
    measured: measured.join('; ') + `; bundle ${fmtInt(r.assets.ours.bytes)} B (${fmtInt(r.assets.ours.gzip)} B gzip)`,
    verdict: over.length > 0 ? false : complete ? true : undefined,
    note: over.join('; '),
  };
}

export function coldStartTarget(r: BenchResults): TargetRow {
  const ratio = coldMedian(r, 'ours', (c) => c.totalMs) / coldMedian(r, 'awscr', (c) => c.totalMs);
  return {
    target: "cold start no slower than AwsCustomResource's handler with the Proton client (ratio ≤ 1.0)",
    measured: `ratio ${fmtRatio(ratio)}`,
    verdict: ratio <= 1,
    note: ratio > 1 ? `missed by ${fmtExcess(ratio)}` : '',
  };
}

export function inSyncCallsTarget(r: BenchResults): TargetRow {
  const { warm, deploymentCalls, detection } = r;
  return {
    target: 'one Proton call per decision when already in sync',
    measured:
      `${warm.callsPerDecision.ours.toFixed(2)} per decision; ${deploymentCalls.ours} per in-sync deployment` +
      ` (through the Provider framework: Create ${detection.inSyncCreateCalls}, Update ${detection.inSyncUpdateCalls.proton})`,
    verdict: [warm.callsPerDecision.ours, deploymentCalls.ours, detection.inSyncCreateCalls, detection.inSyncUpdateCalls.proton].every((c) => c === 1),
    note: '',
  };
}

export function detectionTarget(r: BenchResults): TargetRow {
  const { pollMs, rows } = r.detection;
  const d = detectionVerdict(pollMs, rows.map((x) => x.detectionMs));
  const late = fmtVirtualS(d.worst - pollMs);
  return {
    target: 'detection within one poll interval',
    measured: detectionSummary(r),
    verdict: d.met,
    note: d.met
      ? ''
      : `missed by ${late}: the waiter waits one full interval after the poll that saw IN_PROGRESS; the next poll itself ` +
        `and the response then take ${late} more`,
  };
}
