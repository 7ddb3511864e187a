#!/usr/bin/env node
/**
 * `npm run bench`: ServiceInstanceSyncGate side by side with aws-cdk-lib's AwsCustomResource calling
 * Proton.getServiceInstanceSyncStatus, on the same work, in the same run, interleaved. Prints a markdown report and
 * writes it to docs/benchmarks.md. Nothing here calls AWS: synth runs without credentials, and every Proton call
 * goes to a fake endpoint on 127.0.0.1.
 *
 * This file only orders the measurements (one module each in bench/) and hands their results to the pure report
 * (bench/report/).
 *
 * Knobs (environment): BENCH_NS (default "1,10,100,400"), BENCH_SYNTH_RUNS (5; BENCH_TARGET_SYNTH_RUNS, 7, for N = 100),
 * BENCH_COLD_RUNS (9), BENCH_NODE (the one node executable of the cold starts; default the Node 24 that npm ci pins in
 * tools/node24, which decides the Handler table and its targets, then again the bench's own, shown beside),
 * BENCH_DECISIONS (300), BENCH_OUT (docs/benchmarks.md; "-" prints only); load: the targets (bench/load.ts), then per source
 * the search, BENCH_LOAD_MAX_RUNS (4 per source), BENCH_LOAD_MAX_N (400), BENCH_LOAD_BUDGET_S (1200: the targets take
 * about 2 minutes of real time, a run near the API's limit of 202 gates about 1); the load targets in each modelled world
 * (bench/load-worlds.ts), BENCH_LOAD_WORLDS (default every world: fixed,lambda,churn,noMemory; noMemory takes about
 * 15 minutes); BENCH_SKIP=sources,load,worlds leaves those sections out. BENCH_ONLY=load runs only the load sections
 * (targets and search, then the worlds) and prints them, without writing BENCH_OUT: for iterating on the load.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Prop } from '../lib/contract';
import { LOAD_WORLDS, LoadWorld } from '../offline/load-scenario';
import { synthExampleApp } from '../offline/synth';
import { findIamBreak } from './breaking-n';
import { coldStartNodes, coldStarts } from './cold-start';
import { measureDetection } from './detection';
import { gitSyncIsCompleteEvent, handlerEvents } from './events';
import { exampleCrossAccountGitSync } from './example-context';
import { measureAssets } from './handler-assets';
import { LoadResult, measureLoad } from './load';
import { LoadWorldsResult, measureLoadWorlds } from './load-worlds';
import { READER_ROLE_ARN, startGitSync, startProton, SYNC_OWNER_ACCOUNT } from './proton-endpoint';
import { BenchResults, ColdUnderNode, RunInfo, renderLoadReport, renderReport } from './report';
import { fmtInt } from './report/format';
import { BENCH_ACCOUNT, log, ROOT } from './runner';
import { gitSyncProps, measureSources, SourcesResult, synthBothSources } from './sync-sources';
import { SYNTH_COMMAND, synthAll } from './synth';
import { LIMITS, Template } from './template-stats';
import { inSyncDeploymentCalls, loadHandlers, warmDecisions } from './warm';

/** The knobs set away from their defaults, for the report's header. */
const NON_DEFAULT: string[] = [];

function strEnv(name: string, dflt: string): string {
  const v = process.env[name];
  if (v === undefined || v === '' || v === dflt) return dflt;
  NON_DEFAULT.push(`${name}=${v} (default ${dflt || 'none'})`);
  return v;
}

function intEnv(name: string, dflt: number): number {
  const v = strEnv(name, String(dflt));
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${String(v)}`);
  return n;
}

const intList = (name: string, dflt: string): number[] => strEnv(name, dflt).split(',').map((s) => Number(s.trim()));

const NS = intList('BENCH_NS', '1,10,100,400');
const SYNTH_RUNS = intEnv('BENCH_SYNTH_RUNS', 5);
/** The N of the synth-time target gets more runs: it decides a target on a noisy machine. */
const TARGET_N = 100;
const TARGET_SYNTH_RUNS = Math.max(SYNTH_RUNS, intEnv('BENCH_TARGET_SYNTH_RUNS', 7));
const COLD_RUNS = intEnv('BENCH_COLD_RUNS', 9);
const DECISIONS = intEnv('BENCH_DECISIONS', 300);
/** Sections to skip while developing: `sources`, `load` (comma-separated). */
const SKIP = new Set(strEnv('BENCH_SKIP', '').split(',').map((s) => s.trim()).filter(Boolean));
/** Only these sections (`load`: the load targets, search and worlds), printed alone. */
const ONLY = strEnv('BENCH_ONLY', '');
const LOAD_WORLDS_RUN = strEnv('BENCH_LOAD_WORLDS', LOAD_WORLDS.join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean) as LoadWorld[];
const LOAD_BOUND = { maxRuns: intEnv('BENCH_LOAD_MAX_RUNS', 4), maxN: intEnv('BENCH_LOAD_MAX_N', 400), budgetMs: 1000 * intEnv('BENCH_LOAD_BUDGET_S', 1200) };
/** The search for the largest passing N stops when passing and failing N are this close. */
const LOAD_PRECISION = 5;
const OUT = process.env.BENCH_OUT ?? path.join(ROOT, 'docs', 'benchmarks.md');
/** The packages whose versions the numbers depend on, as the report lists them. */
const REPORTED_PACKAGES = ['aws-cdk-lib', 'aws-cdk', '@aws-sdk/client-proton', 'esbuild', 'constructs', 'ts-node'];

/** The Node.js executables of the cold starts: BENCH_NODE, or Node 24 from tools/node24 and the bench's own. */
const COLD_NODES = coldStartNodes();

const nodeVersion = (node: string): string => execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();

/**
 * Refuses settings the report cannot use before minutes of measuring: the lifecycle world deploys the one-gate
 * assembly (N = 1), and growth per gate needs a second N.
 */
function checkNs(ns: readonly number[]): void {
  if (ns.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`BENCH_NS must be positive integers, got ${ns.join(',')}`);
  if (!ns.includes(1) || new Set(ns).size < 2) throw new Error(`BENCH_NS must include 1 and at least one other N, got ${ns.join(',')}`);
}

function lockVersion(pkg: string): string {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  return lock.packages[`node_modules/${pkg}`]?.version ?? '?';
}

/** The load sections: the targets and the search in the fixed world, then the targets in each modelled world. */
async function measureLoadSections(): Promise<{ load?: LoadResult; loadWorlds?: LoadWorldsResult }> {
  let load: LoadResult | undefined;
  if (!SKIP.has('load')) {
    log(`load: the targets, then per source the largest N that all pass (≤ ${LOAD_BOUND.maxRuns} runs each, ≤ ${LOAD_BOUND.budgetMs / 1000} s)`);
    load = await measureLoad(LOAD_BOUND, LOAD_PRECISION);
  }
  let loadWorlds: LoadWorldsResult | undefined;
  if (!SKIP.has('worlds')) {
    log(`load worlds: the targets in ${LOAD_WORLDS_RUN.join(', ')}`);
    loadWorlds = await measureLoadWorlds(LOAD_WORLDS_RUN, load?.targets ?? []);
  }
  return { load, loadWorlds };
}

async function main(): Promise<void> {
  checkNs(NS);
  for (const section of SKIP) if (!['sources', 'load', 'worlds'].includes(section)) throw new Error(`BENCH_SKIP: unknown section ${section} (sources, load, worlds)`);
  for (const world of LOAD_WORLDS_RUN) if (!LOAD_WORLDS.includes(world)) throw new Error(`BENCH_LOAD_WORLDS: unknown world ${world} (${LOAD_WORLDS.join(', ')})`);
  if (ONLY !== '' && ONLY !== 'load') throw new Error(`BENCH_ONLY: unknown section ${ONLY} (load)`);
  if (ONLY === 'load') {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-handler.js'), '--quiet'], { cwd: ROOT, stdio: 'inherit' });
    process.stdout.write(renderLoadReport(await measureLoadSections()) + '\n');
    return;
  }
  const startedAt = new Date();
  const t0 = performance.now();
  const loadBefore = os.loadavg();
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-handler.js'), '--quiet'], { cwd: ROOT, stdio: 'inherit' });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sync-gate-bench-'));
  try {
    log(`synth: N = ${NS.join(', ')}, ${SYNTH_RUNS} runs each (${TARGET_SYNTH_RUNS} at N = ${TARGET_N}), both variants interleaved`);
    const synth = await synthAll({ ns: NS, runs: SYNTH_RUNS, targetN: TARGET_N, targetRuns: TARGET_SYNTH_RUNS }, tmp);
    log(`IAM: searching the N at which a role breaks ${fmtInt(LIMITS.roleInlinePolicyChars)} characters`);
    const maxN = Math.max(...NS);
    const iam = { ours: findIamBreak('ours', maxN, tmp), awscr: findIamBreak('awscr', maxN, tmp) };
    const events = handlerEvents(synth.firstTemplates, Date.now());

    // The example app with both gates: the GitSyncGate's cold-start event and the sources section; and with its Git
    // sync gate reading another account through a reader role: the cross-account cold-start event.
    const bothSources = synthBothSources();
    const gitSyncStack = String(gitSyncProps(bothSources)[Prop.StackName]);
    const [crossAccount] = synthExampleApp([exampleCrossAccountGitSync(gitSyncStack, READER_ROLE_ARN)]);
    const proton = await startProton();
    const gitSync = await startGitSync(gitSyncStack);
    let measured: Pick<BenchResults, 'cold' | 'coldOtherNodes' | 'warm' | 'deploymentCalls'>;
    try {
      const gitSyncEvent = gitSyncIsCompleteEvent(bothSources.template as Template, Date.now());
      const crossAccountEvent = gitSyncIsCompleteEvent(crossAccount.template as Template, Date.now());
      // Every Node in turn, the first deciding the Handler table (Node 24 from tools/node24 when there is one).
      const colds: ColdUnderNode[] = [];
      for (const node of COLD_NODES) {
        const cold = await coldStarts(node.path, events, proton.endpoint, COLD_RUNS, tmp, { event: gitSyncEvent, endpoint: gitSync.endpoint }, {
          event: crossAccountEvent,
          stsEndpoint: gitSync.stsEndpoint,
        });
        colds.push({ nodeVersion: nodeVersion(node.path), from: node.from, cold });
      }
      // Each cold start read once, in the account it was meant to: its own, or through one AssumeRole the owner's.
      const expected = COLD_NODES.length * (COLD_RUNS + 1);
      const made = { own: gitSync.callsIn(BENCH_ACCOUNT), owner: gitSync.callsIn(SYNC_OWNER_ACCOUNT), assumed: gitSync.assumedRoles() };
      if (made.own !== expected || made.owner !== expected || made.assumed !== expected) {
        throw new Error(`Git sync cold starts made ${JSON.stringify(made)} successful calls, expected ${expected} of each`);
      }
      const handlers = loadHandlers(events, proton.endpoint);
      try {
        const warm = await warmDecisions(handlers, proton, DECISIONS);
        measured = { cold: colds[0].cold, coldOtherNodes: colds.slice(1), warm, deploymentCalls: await inSyncDeploymentCalls(handlers, events, proton) };
      } finally {
        handlers.restore();
      }
    } finally {
      await proton.close();
      await gitSync.close();
    }
    log('detection: offline lifecycle world');
    if (!synth.oursAssemblyAtOne) throw new Error('N = 1 must be among BENCH_NS: the lifecycle world deploys its one-gate assembly');
    const detection = await measureDetection(synth.oursAssemblyAtOne);
    let sources: SourcesResult | undefined;
    if (!SKIP.has('sources')) {
      log('sources: in-sync calls and sync blockers, both gates, offline lifecycle world');
      sources = await measureSources(bothSources);
    }
    const { load, loadWorlds } = await measureLoadSections();

    const cpus = os.cpus();
    const run: RunInfo = {
      startedAt: startedAt.toISOString(),
      wallMs: performance.now() - t0,
      cores: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      platform: os.platform(),
      osRelease: os.release(),
      nodeVersion: process.version,
      coldStartNodeVersion: nodeVersion(COLD_NODES[0].path),
      coldStartNodeFrom: COLD_NODES[0].from,
      loadBefore,
      loadAfter: os.loadavg(),
      versions: Object.fromEntries(REPORTED_PACKAGES.map((p) => [p, lockVersion(p)])),
      protonFake: proton.description,
    };
    const report = renderReport({
      run,
      settings: {
        synthRuns: SYNTH_RUNS,
        targetN: TARGET_N,
        targetSynthRuns: TARGET_SYNTH_RUNS,
        synthCommand: SYNTH_COMMAND,
        coldRuns: COLD_RUNS,
        decisions: DECISIONS,
        nonDefault: NON_DEFAULT,
      },
      synth: synth.rows,
      iam,
      assets: measureAssets(),
      ...measured,
      detection,
      sources,
      load,
      loadWorlds,
    });
    process.stdout.write(report + '\n');
    if (OUT !== '-') {
      fs.mkdirSync(path.dirname(OUT), { recursive: true });
      fs.writeFileSync(OUT, report + '\n');
      log(`wrote ${path.relative(ROOT, OUT)}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
