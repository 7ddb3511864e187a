/**
 * The benchmark's report (bench/report/): verdicts against targets, ratios, limits and tables, on made-up results.
 * Each test states the numbers it depends on; the rest come from a fixture shaped like a default run.
 */
import { coldStartNodes } from '../../bench/cold-start';
import { estimateRealMs, loadCeiling, nextN } from '../../bench/load';
import { blockerVerdict, breakingN, largestDeployableN, largestPassingN, linear } from '../../bench/report/analysis';
import { fmtPaired, table } from '../../bench/report/format';
import { BenchResults, renderLoadReport, renderReport } from '../../bench/report/index';
import { loadRunMeetsTarget } from '../../bench/report/load';
import { SynthCell, validationRefusal } from '../../bench/synth';
import { blockerRow, cell, firstColumn, loadRun, Mutable, results, rowOf, sources, stats, synthRow, target } from './report-fixture';

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
      '## Both sync sources: in-sync calls and sync blockers',
      '## Load: N gates created at once against 1 request/s (burst 3)',
      '### Per source',
      '### Targets',
      '### Largest N, Proton (3 reads (IN_PROGRESS ×2, SUCCEEDED))',
      '### Largest N, Git sync (3 reads (IN_PROGRESS ×2, SUCCEEDED))',
      '## Load in each modelled world',
      '## Targets',
    ]);
  });

  it('leaves out the sources and load sections when they were skipped, and says their targets were not measured', () => {
    const r = results();
    delete r.sources;
    delete r.load;
    delete r.loadWorlds;
    const doc = renderReport(r);
    expect(doc).not.toContain('## Both sync sources');
    expect(doc).not.toContain('## Load');
    expect(target(doc, 'exactly one API call')[2]).toBe('not measured');
    expect(target(doc, 'an ACTIVE sync blocker')[2]).toBe('not measured');
    expect(target(doc, '180 Proton gates')[2]).toBe('not measured');
    expect(target(doc, '75 Git sync gates')[2]).toBe('not measured');
  });

  it('says in the header which settings were reduced, and that a default run used the defaults', () => {
    expect(renderReport(results())).toContain('- Settings: the defaults of bench/run.ts.');
    const r = results();
    r.settings = { ...r.settings, nonDefault: ['BENCH_NS=1,10 (default 1,10,100,400)', 'BENCH_COLD_RUNS=2 (default 9)'] };
    expect(renderReport(r)).toContain('- **Reduced settings**: BENCH_NS=1,10 (default 1,10,100,400), BENCH_COLD_RUNS=2 (default 9); ');
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
      const row = rowOf(renderReport(results()), 'Handler', 'cold start, Proton gate');
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

  describe('both sync sources', () => {
    it('writes one in-sync row per source and request, with each service\'s calls', () => {
      const doc = renderReport(results());
      expect(rowOf(doc, 'Both sync sources', 'ServiceInstanceSyncGate (Proton), Create').slice(1)).toEqual(['1', '0', '0']);
      expect(rowOf(doc, 'Both sync sources', 'GitSyncGate (Git sync), Update').slice(1)).toEqual(['0', '1', '0']);
      expect(rowOf(doc, 'Both sync sources', '1 ms after').slice(1)).toEqual(['15.090 s', '1', '6', '15.030 s', '1', '6']);
    });

    it('meets one call per in-sync deployment only when each gate calls its own service once and the other never', () => {
      expect(target(renderReport(results()), 'exactly one API call').slice(1, 3)).toEqual([
        'ServiceInstanceSyncGate (Proton): Create 1, Update 1; GitSyncGate (Git sync): Create 1, Update 1',
        'met',
      ]);
      const twice = results();
      twice.sources = { ...sources(), inSync: { ...sources().inSync, gitSync: { ...sources().inSync.gitSync, update: { proton: 0, gitSync: 2, describeStacks: 0 } } } };
      expect(target(renderReport(twice), 'exactly one API call').slice(2)).toEqual(['**missed**', 'GitSyncGate (Git sync) Update: 0 Proton + 2 Git sync calls']);
      const crossed = results();
      crossed.sources = { ...sources(), inSync: { ...sources().inSync, proton: { ...sources().inSync.proton, create: { proton: 1, gitSync: 1, describeStacks: 0 } } } };
      expect(target(renderReport(crossed), 'exactly one API call')[2]).toBe('**missed**');
    });

    it('meets blocker detection when every row failed by the next poll, and misses it when one needed a second', () => {
      const met = target(renderReport(results()), 'an ACTIVE sync blocker');
      expect(met[2]).toBe('met');
      expect(met[1]).toContain('ServiceInstanceSyncGate (Proton): worst 15.090 s, median 7.695 s (poll interval 15.000 s, longest poll 0.120 s); failed by the next poll in 2 of 2');
      const r = results();
      r.sources = { ...sources(), blocker: { ...sources().blocker, gitSync: [blockerRow('1 ms after', 30_040, 2), blockerRow('1 × interval', 250)] } };
      const missed = target(renderReport(r), 'an ACTIVE sync blocker');
      expect(missed.slice(2)).toEqual(['**missed**', 'GitSyncGate (Git sync), 1 ms after: 2 polls after the blocker']);
      expect(blockerVerdict([{ blockerToFailedMs: 100, pollsAfterBlocker: 0 }])).toEqual({ worst: 100, median: 100, met: true });
      expect(blockerVerdict([]).met).toBe(false);
    });
  });

  describe('cold start with all clients', () => {
    const allClients = (r: BenchResults): string[] => target(renderReport(r), 'cold start of the handler with all its clients');

    it('meets 0.7× for every gate type and writes the Git sync rows against AwsCustomResource', () => {
      expect(allClients(results()).slice(1, 3)).toEqual([
        'Proton gate 0.50 (80.0 ms vs 160 ms); Git sync gate 0.60 (96.0 ms vs 160 ms); cross-account Git sync gate 0.65 (104 ms vs 160 ms); bundle 300,000 B (100,000 B gzip)',
        'met',
      ]);
      expect(rowOf(renderReport(results()), 'Handler', 'cold start, Git sync gate').slice(1)).toEqual(['96.0 ms', '160 ms', '0.60']);
      expect(rowOf(renderReport(results()), 'Handler', 'cold start, cross-account Git sync gate').slice(1)).toEqual(['104 ms', '160 ms', '0.65']);
    });

    it('misses when any gate type is above 0.7×, saying which and by how much', () => {
      const r = results();
      r.cold = { ...r.cold, gitSync: [{ loadMs: 40, firstCallMs: 80, totalMs: 120, processMs: 240 }] };
      expect(allClients(r).slice(2)).toEqual(['**missed**', 'Git sync gate over by 0.05']);
      r.cold = { ...r.cold, gitSync: results().cold.gitSync, crossAccount: [{ loadMs: 40, firstCallMs: 88, totalMs: 128, processMs: 250 }] };
      expect(allClients(r).slice(2)).toEqual(['**missed**', 'cross-account Git sync gate over by 0.10']);
    });

    it('is not measured without the Git sync runs, unless the Proton gate alone already misses', () => {
      const r = results();
      r.cold = { ours: r.cold.ours, awscr: r.cold.awscr };
      expect(allClients(r)[2]).toBe('not measured');
      expect(firstColumn(renderReport(r), 'Handler')).not.toContain('cold start, Git sync gate: same bundle, create CodeStar Connections client + first call (interleaved)');
      r.cold = { ...r.cold, ours: [{ loadMs: 40, firstCallMs: 80, totalMs: 120, processMs: 240 }] };
      expect(allClients(r)[2]).toBe('**missed**');
    });
  });

  describe('a template aws-cdk-lib refuses to synthesize', () => {
    it("finds the refusal line of aws-cdk-lib's built-in validation in the CLI's output, and nothing in other failures", () => {
      const out = 'some\n  ❌ Template has 803 resources, maximum is 500 (CloudFormation Validate)\nmore';
      expect(validationRefusal(out)).toBe('Template has 803 resources, maximum is 500 (CloudFormation Validate)');
      // As aws-cdk 2.1148 prints it with -q.
      const cli = 'bench/app.ts:16:10\nERROR Template has 803 resources, maximum is 500 (CloudFormation Validate)\n   SyncGateBench aws-cdk-lib.Stack\n';
      expect(validationRefusal(cli)).toBe('Template has 803 resources, maximum is 500 (CloudFormation Validate)');
      expect(validationRefusal('Error: Cannot find module ts-node')).toBeUndefined();
    });

    it('marks the refused cell, gives no ratio for its row and says why under the table', () => {
      const r = results();
      const row = r.synth.find((x) => x.n === 400)!;
      r.synth = r.synth.map((x) => (x.n === 400 ? { ...x, awscr: { ...row.awscr, refused: 'Template has 803 resources, maximum is 500 (CloudFormation Validate)' } } : x));
      const doc = renderReport(r);
      const cells = rowOf(doc, '`cdk synth` time', '400');
      expect(cells[3]).toContain('(**refused**¹)');
      expect([cells[4], cells[7]]).toEqual(['n/a¹', 'n/a¹']);
      expect(rowOf(doc, '`cdk synth` time', '100')[4]).not.toBe('n/a¹');
      expect(doc).toContain('refuses to synthesize AwsCustomResource at N = 400: "Template has 803 resources, maximum is 500 (CloudFormation Validate)"');
    });
  });

  it('says which Node ran the cold starts, and that the bench ran under another', () => {
    const doc = renderReport(results());
    expect(doc).toContain('- Cold starts ran under Node v24.22.3 (BENCH_NODE), the bench itself under Node v20.0.0');
    const r = results();
    r.run = { ...r.run, coldStartNodeVersion: 'v20.0.0' };
    expect(renderReport(r)).toContain("- Cold starts ran under Node v20.0.0 (the bench's own: no Node 24 in tools/node24 for this platform; BENCH_NODE=");
  });

  describe('cold starts under Node 24 and the bench\'s own Node', () => {
    const both = (): Mutable<BenchResults> => {
      const r = results();
      r.run = { ...r.run, coldStartNodeFrom: 'tools/node24' };
      r.coldOtherNodes = [
        {
          nodeVersion: 'v20.0.0',
          from: 'bench',
          cold: {
            ours: [{ loadMs: 50, firstCallMs: 50, totalMs: 100, processMs: 210 }],
            awscr: [{ loadMs: 10, firstCallMs: 190, totalMs: 200, processMs: 300 }],
            gitSync: [{ loadMs: 50, firstCallMs: 70, totalMs: 120, processMs: 220 }],
            crossAccount: [{ loadMs: 50, firstCallMs: 80, totalMs: 130, processMs: 230 }],
          },
        },
      ];
      return r;
    };

    it('says the Handler table uses the pinned Node 24 and that the cold starts ran again under the bench\'s own', () => {
      expect(renderReport(both())).toContain(
        "- Cold starts ran under Node v24.22.3 (tools/node24, the Node 24 the lock file pins: Lambda's nodejs24.x runs the handler on Node 24); " +
          "the Handler table and its targets use these runs; they ran again under Node v20.0.0 (the bench's own), shown beside them (Cold starts by Node.js). " +
          'The bench itself ran under Node v20.0.0.',
      );
    });

    it('shows one row per Node, the first the one the targets use, and decides the targets on the first only', () => {
      const r = both();
      const doc = renderReport(r);
      expect(rowOf(doc, 'Handler', 'v24.22.3')).toEqual([
        'v24.22.3 (tools/node24)', '80.0 ms', '96.0 ms', '104 ms', '160 ms', '0.50', '0.60', '0.65', '40.0 ms + 40.0 ms', '10.0 ms + 150 ms', '190 ms / 280 ms',
      ]);
      expect(rowOf(doc, 'Handler', 'v20.0.0')).toEqual([
        "v20.0.0 (the bench's own)", '100 ms', '120 ms', '130 ms', '200 ms', '0.50', '0.60', '0.65', '50.0 ms + 50.0 ms', '10.0 ms + 190 ms', '210 ms / 300 ms',
      ]);
      // The bench's own Node slower than AwsCustomResource does not change the verdict, which is Node 24's.
      r.coldOtherNodes = [{ ...r.coldOtherNodes![0], cold: { ...r.coldOtherNodes![0].cold, ours: [{ loadMs: 200, firstCallMs: 200, totalMs: 400, processMs: 500 }] } }];
      expect(target(renderReport(r), 'cold start no slower').slice(1, 3)).toEqual(['ratio 0.50', 'met']);
      expect(rowOf(renderReport(r), 'Handler', 'v20.0.0')[5]).toBe('2.00');
    });

    it('leaves the table out when the cold starts ran under one Node', () => {
      expect(renderReport(results())).not.toContain('Cold starts by Node.js');
    });

    it('runs them under tools/node24 first, then the bench\'s own; under BENCH_NODE alone; under the bench\'s own without a Node 24', () => {
      expect(coldStartNodes({}, () => '/pinned/node24/bin/node')).toEqual([
        { path: '/pinned/node24/bin/node', from: 'tools/node24' },
        { path: process.execPath, from: 'bench' },
      ]);
      expect(coldStartNodes({}, () => undefined)).toEqual([{ path: process.execPath, from: 'bench' }]);
      expect(coldStartNodes({}, () => process.execPath)).toEqual([{ path: process.execPath, from: 'bench' }]);
      expect(coldStartNodes({ BENCH_NODE: process.execPath }, () => '/pinned/node24/bin/node')).toEqual([{ path: process.execPath, from: 'BENCH_NODE' }]);
    });
  });

  it('refuses a BENCH_NODE that is not a file, naming it', () => {
    expect(() => coldStartNodes({ BENCH_NODE: '/no/such/node' })).toThrow('BENCH_NODE must be the path of a node executable, got /no/such/node (no such file)');
  });

  describe('load in each modelled world', () => {
    it('describes each world: where invocations go, the cold start, the invocation time, how long idle ones are kept and how long any lives', () => {
      const doc = renderReport(results());
      expect(rowOf(doc, 'Load in each modelled world', 'fixed | the fixed load world')).toEqual([
        'fixed',
        expect.stringContaining('the fixed load world'),
        'most recent idle',
        'none',
        '50 ms (fixed, busy only)',
        'for ever',
        'for ever',
      ]);
      expect(rowOf(doc, 'Load in each modelled world', 'churn | Lambda-like, heavy churn')).toEqual([
        'churn',
        'Lambda-like, heavy churn',
        'most recent idle 30%, else any idle',
        'median 400 ms, σ 0.6, ≤ 3,000 ms',
        'median 50 ms, σ 1, ≤ 2,000 ms',
        '2 s–10 s',
        '1 min–5 min',
      ]);
      expect(rowOf(doc, 'Load in each modelled world', 'noMemory | every invocation').slice(2)).toEqual([
        'never reused',
        'median 250 ms, σ 0.35, ≤ 2,000 ms',
        'median 30 ms, σ 0.5, ≤ 1,000 ms',
        'none',
        'one invocation',
      ]);
    });

    it('writes every run with its world, scenario and rate, passed, calls made and served, their ratio, environments and virtual time; a target only where the world is one', () => {
      const doc = renderReport(results());
      expect(rowOf(doc, 'Load in each modelled world', 'churn | Proton, 3 reads, N = 180, 1/s burst 3')).toEqual([
        'churn',
        'Proton, 3 reads, N = 180, 1/s burst 3',
        'yes, 180 of 180',
        '1,200',
        '540',
        '2.22',
        '4',
        '360 s of 600 s',
        '270.00 s',
        '**missed**: made/served above 2',
      ]);
      expect(rowOf(doc, 'Load in each modelled world', 'fixed | Proton, 3 reads, N = 30, 0.2/s burst 1').slice(2, 3)).toEqual(['**no**: 28 of 30']);
      expect(rowOf(doc, 'Load in each modelled world', 'fixed | Proton, 3 reads, N = 30').slice(-1)).toEqual(['**missed**: 2 FAILED']);
      expect(rowOf(doc, 'Load in each modelled world', 'lambda | Proton, 3 reads, N = 180').slice(-1)).toEqual(['met']);
      expect(rowOf(doc, 'Load in each modelled world', 'noMemory | Proton').slice(-1)).toEqual(['not a target (78 FAILED)']);
      expect(doc).toContain('Proton, 3 reads, N = 180, 1/s burst 3: 102 of 180 passed, made/served 17.65');
    });

    it('closes with one target row per world that is a target, naming the runs that missed', () => {
      const doc = renderReport(results());
      expect(rowOf(doc, 'Targets', 'the load targets and the small world all pass in the lambda world')).toEqual([
        'the load targets and the small world all pass in the lambda world, at most 2 calls made per call served',
        '2 of 2 runs met; 210 of 210 gates passed; worst made/served 1.67',
        'met',
        '',
      ]);
      expect(rowOf(doc, 'Targets', 'the load targets and the small world all pass in the churn world').slice(2)).toEqual(['**missed**', 'Proton, 3 reads, N = 180, 1/s burst 3: made/served 2.22']);
      expect(doc).not.toContain('all pass in the noMemory world');
    });

    it('leaves the section out, and says the targets were not measured, when the worlds were skipped', () => {
      const r = results();
      delete r.loadWorlds;
      const doc = renderReport(r);
      expect(doc).not.toContain('## Load in each modelled world');
      expect(rowOf(doc, 'Targets', 'the load targets and the small world all pass in the churn world').slice(1, 3)).toEqual(['not measured', 'not measured']);
    });

    it('renders the load sections alone for BENCH_ONLY=load', () => {
      const doc = renderLoadReport(results());
      expect(doc.startsWith('## Load: N gates created at once')).toBe(true);
      expect(doc).toContain('## Load in each modelled world');
      expect(doc).not.toMatch(/^## Targets$/m);
    });
  });

  describe('load', () => {
    it('writes the target runs and each source\'s search, one row per N in increasing N, with calls made, served, their ratio and the virtual time used of the timeout', () => {
      const doc = renderReport(results());
      expect(rowOf(doc, 'Load', 'Proton | 3 reads')).toEqual([
        'Proton',
        '3 reads (IN_PROGRESS ×2, SUCCEEDED)',
        '180',
        'yes, 180 of 180',
        '900',
        '540',
        '1.67',
        '4',
        '360 s of 600 s',
        '270.00 s',
        'met',
      ]);
      expect(doc).toContain('| Git sync | new sync due first, 7 reads | 75 | **no**: 72 of 75 |');
      expect(rowOf(doc, 'Load', 'Git sync | new sync due').slice(-1)).toEqual(['**missed**: 3 FAILED']);
      expect(rowOf(doc, 'Load', 'Git sync | 3 reads').slice(-1)).toEqual(['**missed**: made/served above 2']);
      expect(doc).toContain('| 360 | **no**: 353 of 360 | 1,765 | 1,059 | 1.67 |');
      expect(doc).toContain('Largest N at which all pass: **270**; the search stopped at the bound of 4 runs.');
      expect(doc).toContain('Largest N at which all pass: **at least 180** (no N failed); the search stopped at the real-time budget.');
    });

    it('says which world ran the load: a clock that stands still while busy and the modelled invocation time', () => {
      const r = results();
      r.load = { ...r.load!, invocationMs: 70 };
      const doc = renderReport(r);
      expect(doc).toContain('the clock stands still while the world is busy');
      expect(doc).toContain('each Lambda invocation keeps its execution environment busy 70 ms of virtual time');
    });

    it('sums up each source: the targets met, the largest N that all pass with its made/served, the smallest failing N and the ceiling', () => {
      const doc = renderReport(results());
      expect(rowOf(doc, 'Load', 'Proton | met')).toEqual(['Proton', 'met (1 of 1)', '**270**', '1.67', '360', '202', 'the bound of 4 runs']);
      expect(rowOf(doc, 'Load', 'Git sync | **missed**')).toEqual(['Git sync', '**missed** (0 of 2 met)', '**at least 180** (no N failed)', '2.22', 'none run', '202', 'the real-time budget']);
      const none = results();
      none.load = { ...none.load!, searches: [{ source: 'proton', runs: [loadRun(180, 4)], stoppedBecause: 'x' }] };
      expect(rowOf(renderReport(none), 'Load', 'Proton | met').slice(2, 5)).toEqual(['none', 'n/a', '180']);
    });

    it('puts the most gates that can ever pass at what the bucket serves before the last deadline (timeout plus the start spread)', () => {
      // 3 + 1/s × (600 s + 5 s) = 608 reads: 202 gates of 3, 86 of 7; a 2-minute timeout at 2/s, burst 10: 10 + 250 = 260 reads.
      expect(loadCeiling({ rate: { perSecond: 1, burst: 3 }, timeoutMs: 600_000 }, 3)).toBe(202);
      expect(loadCeiling({ rate: { perSecond: 1, burst: 3 }, timeoutMs: 600_000 }, 7)).toBe(86);
      expect(loadCeiling({ rate: { perSecond: 2, burst: 10 }, timeoutMs: 120_000 }, 3)).toBe(86);
    });

    it('finds the largest N that all pass below the smallest failing one', () => {
      expect(largestPassingN([loadRun(30), loadRun(60), loadRun(120, 7), loadRun(90)])).toEqual({ largest: 90, smallestFailing: 120 });
      expect(largestPassingN([loadRun(30), loadRun(60)])).toEqual({ largest: 60, smallestFailing: undefined });
      expect(largestPassingN([loadRun(30, 1)])).toEqual({ largest: undefined, smallestFailing: 30 });
    });

    it('picks the next N of a search: doubling until one fails, then bisection, then stops at the precision or the largest N', () => {
      const o = { maxN: 400, precision: 10 };
      expect(nextN([loadRun(180)], o)).toEqual({ n: 360 });
      expect(nextN([loadRun(180), loadRun(360)], o)).toEqual({ n: 400 });
      expect(nextN([loadRun(180), loadRun(360), loadRun(400)], o)).toEqual({ done: 'the largest N searched, 400, passed' });
      expect(nextN([loadRun(180), loadRun(360, 7)], o)).toEqual({ n: 270 });
      expect(nextN([loadRun(180, 2)], o)).toEqual({ n: 90 });
      expect(nextN([loadRun(270), loadRun(278, 1)], o)).toEqual({ done: 'the gap between passing and failing N reached 8 (precision 10)' });
    });

    it('never searches above the most gates that can ever pass, and stops when that many passed', () => {
      const o = { maxN: 400, precision: 5, ceiling: 202 };
      expect(nextN([loadRun(180)], o)).toEqual({ n: 202 });
      expect(nextN([loadRun(180), loadRun(202, 9)], o)).toEqual({ n: 191 });
      expect(nextN([loadRun(180), loadRun(202, 9), loadRun(191)], o)).toEqual({ n: 196 });
      expect(nextN([loadRun(180), loadRun(202, 9), loadRun(191), loadRun(196)], o)).toEqual({ n: 199 });
      expect(nextN([loadRun(180), loadRun(202, 9), loadRun(191), loadRun(196), loadRun(199, 1)], o)).toEqual({
        done: 'the gap between passing and failing N reached 3 (precision 5)',
      });
      expect(nextN([loadRun(180), loadRun(202)], o)).toEqual({ done: 'N = 202, the most gates that can ever pass, passed' });
      expect(nextN([loadRun(60)], { ...o, maxN: 100 })).toEqual({ n: 100 });
      expect(nextN([loadRun(60), loadRun(100)], { ...o, maxN: 100 })).toEqual({ done: 'the largest N searched, 100, passed' });
    });

    it('estimates a run\'s real time from the slowest real time per gate so far', () => {
      expect(estimateRealMs([], 200)).toBe(0);
      expect(estimateRealMs([{ n: 180, realMs: 45_000 }, { n: 100, realMs: 30_000 }], 200)).toBe(60_000);
    });

    it('meets a load target only when all pass and at most two calls are made per call served', () => {
      expect(loadRunMeetsTarget({ failed: 0, made: 1_080, served: 540 })).toBe(true);
      expect(loadRunMeetsTarget({ failed: 0, made: 1_081, served: 540 })).toBe(false);
      expect(loadRunMeetsTarget({ failed: 1, made: 540, served: 540 })).toBe(false);
      expect(loadRunMeetsTarget({ failed: 0, made: 0, served: 0 })).toBe(false);
      const doc = renderReport(results());
      expect(target(doc, '180 Proton gates').slice(1, 3)).toEqual(['180 of 180 SUCCESS; 900 made / 540 served = 1.67; virtual 360 s of 600 s', 'met']);
      expect(target(doc, '180 Git sync gates').slice(2)).toEqual(['**missed**', 'made/served above 2']);
      expect(target(doc, '75 Git sync gates').slice(2)).toEqual(['**missed**', 'Timed out after 10m']);
      const r = results();
      r.load = { ...r.load!, targets: [] };
      expect(target(renderReport(r), '180 Proton gates').slice(1, 3)).toEqual(['not measured', 'not measured']);
    });
  });

  describe('tables', () => {
    it('writes an empty cell as one space and refuses a row of the wrong width', () => {
      expect(table(['', 'a'], ['l', 'r'], [['x', '']])).toEqual(['| | a |', '|---|---:|', '| x | |']);
      expect(() => table(['a', 'b'], ['l', 'l'], [['only one']])).toThrow(/1 cells under 2 columns/);
    });
  });
});
