/**
 * Made-up benchmark results shaped like a default run, and lookups into the rendered report, for
 * test/bench/report.test.ts. Each test there states the numbers it depends on; the rest come from here.
 */
import type { LoadRunSummary } from '../../bench/load';
import type { WorldRun } from '../../bench/load-worlds';
import type { BenchResults } from '../../bench/report/index';
import type { BlockerRow, SourcesResult } from '../../bench/sync-sources';
import type { SynthCell, SynthRow } from '../../bench/synth';
import type { TemplateStats } from '../../bench/template-stats';
import { LAMBDA_MODELS } from '../../offline/execution-environments';
import type { LoadScenario, LoadSource, LoadWorld } from '../../offline/load-scenario';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function stats(resources: number, bytes: number, roleChars: number, policies: number, violations: string[] = []): TemplateStats {
  const largestRole = { role: 'Role', policies, chars: roleChars };
  return { resources, resourcesByType: {}, parameters: 0, outputs: 0, bytes, largestRole, roles: [largestRole], violations };
}

export const cell = (s: TemplateStats, ms = [1000, 1000], cpuMs = [2000, 2000]): SynthCell => ({ ms, cpuMs, stats: s });

/** Ours: 18 fixed + 1 resource per gate; theirs: 2 fixed + 2 per gate and 119 policy characters per gate on one role. */
export function synthRow(n: number): SynthRow {
  return { n, ours: cell(stats(18 + n, 20_322 + 610 * n, 2_384, 1)), awscr: cell(stats(2 + 2 * n, 2_386 + 1_615 * n, 119 * n, n)) };
}

export const blockerRow = (label: string, blockerToFailedMs: number, pollsAfterBlocker = 1): BlockerRow => ({
  label,
  blockerToFailedMs,
  longestPollMs: 120,
  pollsAfterBlocker,
  calls: 6,
  waiterAttempts: 2,
});

export function sources(): SourcesResult {
  const calls = (proton: number, gitSync: number) => ({ create: { proton, gitSync, describeStacks: 0 }, update: { proton, gitSync, describeStacks: 0 } });
  return {
    pollMs: 15_000,
    inSync: { proton: calls(1, 0), gitSync: calls(0, 1) },
    blocker: {
      proton: [blockerRow('1 ms after', 15_090), blockerRow('1 × interval', 300)],
      gitSync: [blockerRow('1 ms after', 15_030), blockerRow('1 × interval', 250)],
    },
  };
}

export const loadRun = (n: number, failed = 0, o: { source?: LoadSource; scenario?: LoadScenario; made?: number; world?: LoadWorld } = {}): LoadRunSummary => ({
  world: o.world ?? 'fixed',
  source: o.source ?? 'proton',
  scenario: o.scenario ?? 'reads',
  n,
  success: n - failed,
  failed,
  made: o.made ?? 5 * (n - failed),
  served: 3 * (n - failed),
  throttled: (o.made ?? 5 * (n - failed)) - 3 * (n - failed),
  readsPerGate: o.scenario === 'newSyncDue' ? 7 : 3,
  environments: 4,
  virtualMs: 2_000 * n,
  realMs: 1_500 * n,
  failureReasons: failed ? ['Timed out after 10m'] : [],
});

export function results(ns: number[] = [1, 10, 100, 400]): Mutable<BenchResults> {
  return {
    run: {
      startedAt: '2026-01-01T00:00:00.000Z',
      wallMs: 300_000,
      cores: 2,
      cpuModel: 'Test CPU',
      platform: 'linux',
      osRelease: '6.0',
      nodeVersion: 'v20.0.0',
      coldStartNodeVersion: 'v24.22.3',
      loadBefore: [1, 1, 1],
      loadAfter: [2, 2, 2],
      versions: { 'aws-cdk-lib': '2.0.0', 'aws-cdk': '2.1.0' },
      protonFake: 'a fake',
    },
    settings: { synthRuns: 2, targetN: 100, targetSynthRuns: 2, synthCommand: 'cdk synth …', coldRuns: 2, decisions: 3 },
    synth: ns.map(synthRow),
    iam: {
      ours: { perGateChars: 0, maxN: Math.max(...ns), syntheses: 3 },
      awscr: { breakingN: 87, charsBelow: 10_234, charsAtBreak: 10_353, perGateChars: 119, maxN: Math.max(...ns), syntheses: 4 },
    },
    assets: { ours: { bytes: 300_000, gzip: 100_000 }, awscr: { bytes: 150_000, gzip: 80_000 } },
    cold: {
      ours: [{ loadMs: 40, firstCallMs: 40, totalMs: 80, processMs: 190 }],
      awscr: [{ loadMs: 10, firstCallMs: 150, totalMs: 160, processMs: 280 }],
      gitSync: [{ loadMs: 40, firstCallMs: 56, totalMs: 96, processMs: 200 }],
      crossAccount: [{ loadMs: 40, firstCallMs: 64, totalMs: 104, processMs: 210 }],
    },
    warm: { ms: { ours: [1, 2, 3], awscr: [3, 4, 5] }, callsPerDecision: { ours: 1, awscr: 1 } },
    deploymentCalls: { ours: 1, awscr: 1 },
    detection: {
      pollMs: 15_000,
      rows: [
        { label: 'early', detectionMs: 14_000, calls: 2, waiterAttempts: 2 },
        { label: 'late', detectionMs: 2_000, calls: 2, waiterAttempts: 2 },
      ],
      inSyncCreateCalls: 1,
      inSyncUpdateCalls: { proton: 1, describeStacks: 0 },
    },
    sources: sources(),
    load: {
      rate: { perSecond: 1, burst: 3 },
      pollMs: 15_000,
      timeoutMs: 600_000,
      invocationMs: 50,
      targets: [loadRun(180), loadRun(180, 0, { source: 'gitSync', made: 1_200 }), loadRun(75, 3, { source: 'gitSync', scenario: 'newSyncDue' })],
      searches: [
        { source: 'proton', runs: [loadRun(180), loadRun(360, 7), loadRun(270)], stoppedBecause: 'the bound of 4 runs' },
        { source: 'gitSync', runs: [loadRun(180, 0, { source: 'gitSync', made: 1_200 })], stoppedBecause: 'the real-time budget' },
      ],
      bound: { maxRuns: 4, maxN: 400, budgetMs: 1_200_000 },
      precision: 5,
      realMs: 290_000,
    },
    loadWorlds: {
      seed: 1,
      realMs: 1_500_000,
      worlds: [
        { world: 'fixed', runs: [worldRun(180, 0, { world: 'fixed' }), worldRun(30, 2, { world: 'fixed', small: true })] },
        { world: 'lambda', model: LAMBDA_MODELS.lambda, runs: [worldRun(180, 0, { world: 'lambda' }), worldRun(30, 0, { world: 'lambda', small: true })] },
        { world: 'churn', model: LAMBDA_MODELS.churn, runs: [worldRun(180, 0, { world: 'churn', made: 1_200 }), worldRun(30, 0, { world: 'churn', small: true })] },
        { world: 'noMemory', model: LAMBDA_MODELS.noMemory, runs: [worldRun(180, 78, { world: 'noMemory', made: 5_400 })] },
      ],
    },
  };
}

/** A run of the worlds section: 180 gates at 1 request/s, burst 3, or the small world (30 at 0.2/s, burst 1). */
export const worldRun = (n: number, failed: number, o: { world: LoadWorld; made?: number; small?: boolean }): WorldRun => ({
  ...loadRun(n, failed, { world: o.world, made: o.made }),
  rate: o.small ? { perSecond: 0.2, burst: 1 } : { perSecond: 1, burst: 3 },
});

/** The cells of the row whose first cell starts with `label`, in the section under `heading`. */
export function rowOf(doc: string, heading: string, label: string): string[] {
  const section = doc.split('\n## ').find((s) => s.startsWith(heading));
  if (!section) throw new Error(`no section ${heading}`);
  const line = section.split('\n').find((l) => l.startsWith(`| ${label}`));
  if (!line) throw new Error(`no row ${label} under ${heading}`);
  return line.slice(1, -1).split('|').map((c) => c.trim());
}

/** The first cells of the table rows under `heading` (header and alignment rows left out). */
export function firstColumn(doc: string, heading: string): string[] {
  const section = doc.split('\n## ').find((s) => s.startsWith(heading))!;
  return section.split('\n').filter((l) => l.startsWith('|')).slice(2).map((l) => l.slice(1).split('|')[0].trim());
}

export const target = (doc: string, startsWith: string): string[] => rowOf(doc, 'Targets', startsWith);

