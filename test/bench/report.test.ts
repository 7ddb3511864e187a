/**
 * The benchmark's report (bench/report/): verdicts against targets, ratios, limits and tables, on made-up results.
 * Each test states the numbers it depends on; the rest come from a fixture shaped like a default run.
 */
import { breakingN, largestDeployableN, linear } from '../../bench/report/analysis';
import { fmtPaired, table } from '../../bench/report/format';
import { BenchResults, renderReport } from '../../bench/report/index';
import type { SynthCell, SynthRow } from '../../bench/synth';
import type { TemplateStats } from '../../bench/template-stats';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function stats(resources: number, bytes: number, roleChars: number, policies: number, violations: string[] = []): TemplateStats {
  const largestRole = { role: 'Role', policies, chars: roleChars };
  return { resources, resourcesByType: {}, parameters: 0, outputs: 0, bytes, largestRole, roles: [largestRole], violations };
}

const cell = (s: TemplateStats, ms = [1000, 1000], cpuMs = [2000, 2000]): SynthCell => ({ ms, cpuMs, stats: s });

/** Ours: 18 fixed + 1 resource per gate; theirs: 2 fixed + 2 per gate and 119 policy characters per gate on one role. */
function synthRow(n: number): SynthRow {
  return { n, ours: cell(stats(18 + n, 20_322 + 610 * n, 2_384, 1)), awscr: cell(stats(2 + 2 * n, 2_386 + 1_615 * n, 119 * n, n)) };
}

function results(ns: number[] = [1, 10, 100, 400]): Mutable<BenchResults> {
  return {
    run: {
      startedAt: '2026-01-01T00:00:00.000Z',
      wallMs: 300_000,
      cores: 2,
      cpuModel: 'Test CPU',
      platform: 'linux',
      osRelease: '6.0',
      nodeVersion: 'v20.0.0',
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
  };
}

/** The cells of the row whose first cell starts with `label`, in the section under `heading`. */
function rowOf(doc: string, heading: string, label: string): string[] {
  const section = doc.split('\n## ').find((s) => s.startsWith(heading));
  if (!section) throw new Error(`no section ${heading}`);
  const line = section.split('\n').find((l) => l.startsWith(`| ${label}`));
  if (!line) throw new Error(`no row ${label} under ${heading}`);
  return line.slice(1, -1).split('|').map((c) => c.trim());
}

/** The first cells of the table rows under `heading` (header and alignment rows left out). */
function firstColumn(doc: string, heading: string): string[] {
  const section = doc.split('\n## ').find((s) => s.startsWith(heading))!;
  return section.split('\n').filter((l) => l.startsWith('|')).slice(2).map((l) => l.slice(1).split('|')[0].trim());
}

const target = (doc: string, startsWith: string): string[] => rowOf(doc, 'Targets', startsWith);

describe('bench report', () => {
  it('renders the sections in order, each table under its heading', () => {
    const headings = renderReport(results()).split('\n').filter((l) => l.startsWith('#'));
    expect(headings).toEqual([
      '# Benchmarks: ServiceInstanceSyncGate vs AwsCustomResource',
      '## What is compared',
      '## `cdk synth` time, by number of gates N',
      '## Template, by number of gates N',
      '## Fixed part and growth per gate',
      '## Handler',
      '## Targets',
    ]);
  });

  it('is a function of its input alone: the same results give the same document', () => {
    expect(renderReport(results())).toBe(renderReport(results()));
  });

  it('writes one synth row and one template row for each N given, in the order given', () => {
    const doc = renderReport(results([1, 10, 100, 400]));
    expect(firstColumn(doc, '`cdk synth` time')).toEqual(['1', '10', '100', '400']);
    expect(firstColumn(doc, 'Template, by number')).toEqual(['1', '10', '100', '400']);
    const fewer = renderReport(results([1, 10]));
    expect(firstColumn(fewer, 'Template, by number')).toEqual(['1', '10']);
  });

  it('marks a template that breaks a limit as not deployable and says which limit', () => {
    const r = results([1, 10]);
    r.synth = [synthRow(1), { ...synthRow(10), awscr: cell(stats(22, 1, 1, 1, ['22 resources > 20'])) }];
    const row = rowOf(renderReport(r), 'Template, by number', '10');
    expect(row.slice(-2)).toEqual(['yes', '**no**: 22 resources > 20']);
  });

  describe('growth and the largest deployable N', () => {
    it('reads fixed + per gate from the synthesized counts', () => {
      expect(linear(results().synth, 'ours', (s) => s.resources)).toEqual({ fixed: 18, perGate: 1, n1: 10, n2: 100 });
    });

    it('extrapolates the fixed part from the smaller N when N = 1 was not measured', () => {
      const rows = [10, 100].map(synthRow);
      expect(linear(rows, 'awscr', (s) => s.resources)).toMatchObject({ fixed: 2, perGate: 2 });
    });

    it('finds the first N over a limit from fixed + per gate, and the largest deployable one below it', () => {
      expect(breakingN(18, 1, 500)).toBe(483);
      expect(breakingN(2, 2, 500)).toBe(250);
      expect(breakingN(600, 0, 500)).toBe(1);
      expect(breakingN(18, 0, 500)).toBeUndefined();
      expect(largestDeployableN([483, undefined, 1607])).toBe(482);
      expect(largestDeployableN([250, 618, 87])).toBe(86);
      expect(largestDeployableN([undefined, undefined])).toBeUndefined();
    });

    it('reports the largest deployable N as the tightest of the resource, template and IAM limits', () => {
      const doc = renderReport(results());
      expect(rowOf(doc, 'Fixed part', 'first N over 500 resources')).toEqual(['first N over 500 resources (from the growth above)', '483', '250']);
      expect(rowOf(doc, 'Fixed part', 'largest deployable N')).toEqual(['largest deployable N', '**482**', '**86**']);
    });

    it('says unbounded when no limit ever breaks', () => {
      const r = results([1, 10]);
      r.synth = [1, 10].map((n) => ({ ...synthRow(n), awscr: cell(stats(4, 100, 0, 0)) }));
      r.iam = { ...r.iam, awscr: { perGateChars: 0, maxN: 10, syntheses: 3 } };
      expect(rowOf(renderReport(r), 'Fixed part', 'largest deployable N')[2]).toBe('unbounded');
      expect(rowOf(renderReport(r), 'Fixed part', 'first N over 10,240')[2]).toBe('none up to 10');
    });

    it('adds the per-gate row beyond the window only when a larger N was measured', () => {
      expect(rowOf(renderReport(results()), 'Fixed part', 'resources added per gate (N = 100 → 400)')).toEqual([
        'resources added per gate (N = 100 → 400)',
        '1',
        '2',
      ]);
      expect(firstColumn(renderReport(results([1, 10, 100])), 'Fixed part')).not.toContain('resources added per gate (N = 100 → 400)');
    });
  });

  describe('ratios', () => {
    it('writes a paired ratio with the spread of its pairs, alone when there is one pair, n/a when unmeasured', () => {
      expect(fmtPaired(0.9166, [0.712, 0.9166, 1.02])).toBe('0.92 (pairs 0.71–1.02)');
      expect(fmtPaired(1.4, [1.4])).toBe('1.40');
      expect(fmtPaired(undefined, [])).toBe('n/a');
    });

    it('writes ours/theirs in the handler table', () => {
      const row = rowOf(renderReport(results()), 'Handler', 'cold start');
      expect(row.slice(1)).toEqual(['80.0 ms', '160 ms', '0.50']);
    });
  });

  describe('targets', () => {
    it('meets the cold-start target at a ratio of at most 1 and misses it above, saying by how much', () => {
      expect(target(renderReport(results()), 'cold start').slice(2)).toEqual(['met', '']);
      const even = results();
      even.cold = { ...even.cold, ours: [{ loadMs: 60, firstCallMs: 100, totalMs: 160, processMs: 280 }] };
      expect(target(renderReport(even), 'cold start').slice(1, 3)).toEqual(['ratio 1.00', 'met']);
      const slow = results();
      slow.cold = { ...slow.cold, ours: [{ loadMs: 40, firstCallMs: 136, totalMs: 176, processMs: 300 }] };
      expect(target(renderReport(slow), 'cold start').slice(1)).toEqual(['ratio 1.10', '**missed**', 'missed by 10%']);
    });

    it('judges synth time on wall and CPU together: both faster met, both slower missed, split inconclusive', () => {
      const at100 = (ours: SynthCell): Mutable<BenchResults> => {
        const r = results();
        r.synth = r.synth.map((row) => (row.n === 100 ? { ...row, ours } : row));
        return r;
      };
      const synth = (r: BenchResults): string[] => target(renderReport(r), '`cdk synth` with 100 gates');
      expect(synth(at100(cell(stats(118, 1, 1, 1), [900, 900], [1800, 1800])))[2]).toBe('met');
      const slower = synth(at100(cell(stats(118, 1, 1, 1), [1200, 1200], [2400, 2400])));
      expect(slower[2]).toBe('**missed**');
      expect(slower[3]).toMatch(/^wall time slower by 20%; CPU time slower by 20%: ours has the larger fixed part \(18 resources/);
      expect(synth(at100(cell(stats(118, 1, 1, 1), [1200, 1200], [1800, 1800])))[2]).toBe('**inconclusive**');
    });

    it('says not measured when the target N was not among the Ns', () => {
      const doc = renderReport(results([1, 10]));
      expect(target(doc, '`cdk synth` with 100 gates').slice(1, 3)).toEqual(['N = 100 not measured', 'not measured']);
      expect(target(doc, '400 gates').slice(1, 3)).toEqual(['N = 400 not measured', 'not measured']);
    });

    it('misses the 400-gate target when that template breaks a limit, naming it', () => {
      const r = results();
      r.synth = r.synth.map((row) => (row.n === 400 ? { ...row, ours: cell(stats(501, 1, 1, 1, ['501 resources > 500'])) } : row));
      expect(target(renderReport(r), '400 gates').slice(2)).toEqual(['**missed**', '501 resources > 500']);
    });

    it('misses one call per in-sync decision when any path makes a second call', () => {
      expect(target(renderReport(results()), 'one Proton call')[2]).toBe('met');
      const r = results();
      r.detection = { ...r.detection, inSyncUpdateCalls: { proton: 2, describeStacks: 1 } };
      expect(target(renderReport(r), 'one Proton call')[2]).toBe('**missed**');
    });

    it('meets detection within one poll interval, and misses it by the worst row\'s excess', () => {
      expect(target(renderReport(results()), 'detection').slice(1, 3)).toEqual([
        'worst 14.000 s, median 8.000 s (poll interval 15.000 s)',
        'met',
      ]);
      const r = results();
      r.detection = { ...r.detection, rows: [...r.detection.rows, { label: 'worst', detectionMs: 15_022, calls: 2, waiterAttempts: 2 }] };
      const row = target(renderReport(r), 'detection');
      expect(row[2]).toBe('**missed**');
      expect(row[3]).toMatch(/^missed by 0\.022 s: /);
    });
  });

  describe('tables', () => {
    it('writes an empty cell as one space and refuses a row of the wrong width', () => {
      expect(table(['', 'a'], ['l', 'r'], [['x', '']])).toEqual(['| | a |', '|---|---:|', '| x | |']);
      expect(() => table(['a', 'b'], ['l', 'l'], [['only one']])).toThrow(/1 cells under 2 columns/);
    });
  });
});
