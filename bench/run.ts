#!/usr/bin/env node
/**
 * `npm run bench`: ServiceInstanceSyncGate side by side with aws-cdk-lib's AwsCustomResource calling
 * Proton.getServiceInstanceSyncStatus, on the same work, in the same run, interleaved. Prints a markdown report and
 * writes it to docs/benchmarks.md. Nothing here calls AWS: synth runs without credentials, and every Proton call
 * goes to a fake endpoint on 127.0.0.1.
 *
 * Knobs (environment): BENCH_NS (default "1,10,100,400"), BENCH_SYNTH_RUNS (5; BENCH_TARGET_SYNTH_RUNS, 7, for N = 100),
 * BENCH_COLD_RUNS (9),
 * BENCH_DECISIONS (300), BENCH_OUT (docs/benchmarks.md; "-" prints only).
 */
import { spawn, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { App, Stack } from 'aws-cdk-lib';
import { measureDetection, DetectionResult } from './detection';
import { startProton, ProtonEndpoint } from './proton-endpoint';
import { median, percentile } from './stats';
import { LIMITS, INTRINSIC_CHARS, templateStats, TemplateStats, roleInlinePolicySizes, Template } from './template-stats';
import { addGates, BENCH_STACK, Variant, VARIANTS } from './variants';

const ROOT = path.resolve(__dirname, '..');
const CDK_CLI = path.join(ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');
/** The same app runner for both variants (the project's own cdk.json also runs its app through ts-node). */
const APP_CMD = 'node -r ts-node/register/transpile-only bench/app.ts';
const OURS_HANDLER = path.join(ROOT, 'assets', 'handler', 'index.js');
/** aws-cdk-lib's AwsCustomResource handler, exactly the file its asset deploys (not an exported subpath). */
const AWSCR_HANDLER = path.join(
  path.dirname(require.resolve('aws-cdk-lib', { paths: [ROOT] })),
  'custom-resource-handlers/dist/custom-resources/aws-custom-resource-handler/index.js',
);

function intEnv(name: string, dflt: number): number {
  const v = process.env[name];
  const n = v === undefined || v === '' ? dflt : Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${String(v)}`);
  return n;
}

const NS = (process.env.BENCH_NS ?? '1,10,100,400').split(',').map((s) => Number(s.trim()));
const SYNTH_RUNS = intEnv('BENCH_SYNTH_RUNS', 5);
/** The N of the synth-time target gets more runs: it decides a target on a noisy machine. */
const TARGET_N = 100;
const TARGET_SYNTH_RUNS = Math.max(SYNTH_RUNS, intEnv('BENCH_TARGET_SYNTH_RUNS', 7));
const COLD_RUNS = intEnv('BENCH_COLD_RUNS', 9);
const DECISIONS = intEnv('BENCH_DECISIONS', 300);
const OUT = process.env.BENCH_OUT ?? path.join(ROOT, 'docs', 'benchmarks.md');

// ---------------------------------------------------------------------------------------------------------------
// small helpers

const fmtMs = (ms: number): string => (ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`);
const fmtS = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const fmtInt = (n: number): string => n.toLocaleString('en-US');
const fmtRatio = (r: number): string => r.toFixed(2);

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Linux clock ticks per second (USER_HZ), the unit of /proc/<pid>/stat times. */
const CLOCK_TICKS_PER_S = 100;

/**
 * CPU time (user + system, ms) of this process's reaped children and all their reaped descendants (cutime +
 * cstime of /proc/self/stat), or undefined off Linux. The difference across one child's run is that child's
 * whole process tree: for `cdk synth`, the CLI and the app it runs.
 */
function childrenCpuMs(): number | undefined {
  try {
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return undefined;
  }
}

/** Runs a command to completion without blocking the event loop (the fake Proton lives in this process). */
function run(
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number; cpuMs?: number }> {
  return new Promise((resolve, reject) => {
    const cpuStart = childrenCpuMs();
    const start = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      const cpuEnd = childrenCpuMs();
      resolve({ code, stdout, stderr, ms, cpuMs: cpuStart === undefined || cpuEnd === undefined ? undefined : cpuEnd - cpuStart });
    });
  });
}

/** The environment without anything that could reach AWS: no credentials, no profile, no instance metadata. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^AWS_/.test(k) && k !== 'AWS_CA_BUNDLE') continue;
    env[k] = v;
  }
  return { ...env, AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' };
}

/** Fake credentials and the loopback endpoint: the only way Proton is reached in this benchmark. */
function protonEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    ...offlineEnv(),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIABENCHMARKFAKE000',
    AWS_SECRET_ACCESS_KEY: 'bench-fake-secret',
    AWS_ENDPOINT_URL_PROTON: endpoint,
    // Any other service (e.g. the gate's DescribeStacks on an Update) goes to a dead loopback port, never to AWS.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  };
}

function lockVersion(pkg: string): string {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  return lock.packages[`node_modules/${pkg}`]?.version ?? '?';
}

// ---------------------------------------------------------------------------------------------------------------
// 1. synth: real `cdk synth` CLI runs, interleaved

interface SynthResult {
  /** Wall time of each run, in run order (run i of ours and run i of theirs ran back to back). */
  readonly ms: number[];
  /** CPU time (user + system) of each run's process tree; empty off Linux. */
  readonly cpuMs: number[];
  stats?: TemplateStats;
  /** The synthesized template of the last run (kept for N = 1 to build handler events). */
  template?: Template;
  /** The cloud assembly of the last run, kept for ours at N = 1 (the lifecycle world deploys it). */
  assemblyDir?: string;
}

async function cliSynth(variant: Variant, n: number, outdir: string): Promise<{ ms: number; cpuMs?: number; body: string }> {
  const args = [
    CDK_CLI,
    'synth',
    '-a',
    APP_CMD,
    '-c',
    `variant=${variant}`,
    '-c',
    `n=${n}`,
    // aws-cdk-lib refuses to synthesize more than 500 resources; lift that for both variants so that an
    // over-limit template can still be measured (the deployability column reports the limit).
    '-c',
    '@aws-cdk/core:stackResourceLimit=0',
    '-o',
    outdir,
    '-q',
    // CDKMetadata is the same one resource for both; leaving it out keeps the counts to what each variant adds.
    '--no-version-reporting',
  ];
  const r = await run(process.execPath, args, offlineEnv());
  if (r.code !== 0) throw new Error(`cdk synth ${variant} n=${n} failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
  const body = fs.readFileSync(path.join(outdir, `${BENCH_STACK}.template.json`), 'utf8');
  return { ms: r.ms, cpuMs: r.cpuMs, body };
}

async function synthAll(tmp: string): Promise<Map<string, SynthResult>> {
  const results = new Map<string, SynthResult>();
  const key = (v: Variant, n: number): string => `${v}:${n}`;
  for (const n of NS) for (const v of VARIANTS) results.set(key(v, n), { ms: [], cpuMs: [] });
  let i = 0;
  for (const n of NS) {
    const runs = n === TARGET_N ? TARGET_SYNTH_RUNS : SYNTH_RUNS;
    for (let r = 0; r < runs; r++) {
      // Alternate which variant goes first, so neither always runs on a warmer (or busier) machine.
      const order: Variant[] = r % 2 === 0 ? ['ours', 'awscr'] : ['awscr', 'ours'];
      for (const v of order) {
        const outdir = path.join(tmp, `synth-${i++}`);
        const { ms, cpuMs, body } = await cliSynth(v, n, outdir);
        const res = results.get(key(v, n))!;
        res.ms.push(ms);
        if (cpuMs !== undefined) res.cpuMs.push(cpuMs);
        if (r === runs - 1) {
          res.stats = templateStats(body);
          res.template = JSON.parse(body) as Template;
        }
        if (r === runs - 1 && v === 'ours' && n === 1) res.assemblyDir = outdir;
        else fs.rmSync(outdir, { recursive: true, force: true });
        log(`synth ${v.padEnd(5)} n=${String(n).padEnd(3)} run ${r + 1}/${runs}: ${fmtS(ms)} wall, ${cpuMs === undefined ? '?' : fmtS(cpuMs)} CPU`);
      }
    }
  }
  return results;
}

// ---------------------------------------------------------------------------------------------------------------
// 2. the N at which a variant breaks a limit

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

interface IamBreak {
  /** Smallest N whose largest role exceeds the limit, or undefined when none up to maxN does. */
  readonly breakingN?: number;
  readonly charsAtBreak?: number;
  readonly charsBelow?: number;
  readonly perGateChars: number;
  readonly syntheses: number;
}

/**
 * Finds the smallest N at which a role's inline policies exceed IAM's limit: predicts it from N = 1 and 2 (the
 * growth is linear), then confirms by synthesizing N - 1 and N; falls back to a binary search if that fails.
 */
function findIamBreak(variant: Variant, maxN: number, tmp: string): IamBreak {
  let syntheses = 0;
  const chars = (n: number): number => {
    syntheses++;
    return largestRoleChars(inProcessTemplate(variant, n, tmp));
  };
  const c1 = chars(1);
  const c2 = chars(2);
  const per = c2 - c1;
  const over = (c: number): boolean => c > LIMITS.roleInlinePolicyChars;
  if (per <= 0) {
    const cMax = chars(maxN);
    return over(cMax) ? { breakingN: 1, charsAtBreak: c1, perGateChars: per, syntheses } : { perGateChars: per, syntheses };
  }
  const predicted = Math.max(1, Math.floor((LIMITS.roleInlinePolicyChars - (c1 - per)) / per) + 1);
  if (predicted <= maxN && predicted > 1) {
    const below = chars(predicted - 1);
    const at = chars(predicted);
    if (!over(below) && over(at)) return { breakingN: predicted, charsAtBreak: at, charsBelow: below, perGateChars: per, syntheses };
  }
  let lo = 1;
  let hi = maxN;
  if (!over(chars(hi))) return { perGateChars: per, syntheses };
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (over(chars(mid))) hi = mid;
    else lo = mid + 1;
  }
  return { breakingN: lo, charsAtBreak: chars(lo), charsBelow: lo > 1 ? chars(lo - 1) : undefined, perGateChars: per, syntheses };
}

// ---------------------------------------------------------------------------------------------------------------
// 3. handler events built from the synthesized templates (what CloudFormation would send)

const FAKE_ACCOUNT = '123456789012';
const FAKE_STACK_ID = `arn:aws:cloudformation:us-east-1:${FAKE_ACCOUNT}:stack/${BENCH_STACK}/00000000-0000-4000-8000-000000000000`;
/** `.invalid` never resolves; AwsCustomResource's response PUT is captured before it leaves the process anyway. */
const FAKE_RESPONSE_URL = 'https://cloudformation-custom-resource-response.invalid/bench';

type Event = Record<string, unknown> & { ResourceProperties: Record<string, unknown> };

function firstGate(template: Template, type: string): { id: string; props: Record<string, unknown> } {
  const entry = Object.entries(template.Resources ?? {}).find(([, r]) => r.Type === type);
  if (!entry) throw new Error(`no ${type} in the template`);
  return { id: entry[0], props: (entry[1].Properties ?? {}) as Record<string, unknown> };
}

function createEvent(template: Template, type: string, requestId: string): Event {
  const { id, props } = firstGate(template, type);
  const serviceToken = `arn:aws:lambda:us-east-1:${FAKE_ACCOUNT}:function:bench-provider`;
  const resourceProperties: Record<string, unknown> = { ...props, ServiceToken: serviceToken };
  // CloudFormation hands every scalar property to the handler as a string.
  for (const [k, v] of Object.entries(resourceProperties)) if (typeof v === 'boolean' || typeof v === 'number') resourceProperties[k] = String(v);
  return {
    RequestType: 'Create',
    ServiceToken: serviceToken,
    ResponseURL: FAKE_RESPONSE_URL,
    StackId: FAKE_STACK_ID,
    RequestId: requestId,
    LogicalResourceId: id,
    ResourceType: type,
    ResourceProperties: resourceProperties,
  };
}

/** Our isComplete event: the Create event as the Provider framework passes it on after onEvent named the resource. */
function oursIsCompleteEvent(template: Template): Event {
  const e = createEvent(template, 'Custom::ProtonServiceInstanceSync', 'bench-ours');
  const props = e.ResourceProperties;
  return {
    ...e,
    PhysicalResourceId: `proton:us-east-1:${String(props.ServiceName)}/${String(props.ServiceInstanceName)}`,
    GateStartedAtEpochMs: Date.now(),
  };
}

function awscrEvent(template: Template): Event {
  return createEvent(template, 'Custom::AWS', 'bench-awscr');
}

// ---------------------------------------------------------------------------------------------------------------
// 4. cold start: a fresh Node process loads the handler and answers one event (client created, one Proton call)

interface ColdRun {
  readonly loadMs: number;
  readonly firstCallMs: number;
  readonly totalMs: number;
  readonly processMs: number;
}

async function coldStart(variant: Variant, eventFile: string, endpoint: string): Promise<ColdRun> {
  const r = await run(process.execPath, [path.join(__dirname, 'cold-start-child.js'), variant, eventFile], protonEnv(endpoint));
  const line = r.stderr.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (r.code !== 0 || !line) throw new Error(`cold start ${variant} failed (${r.code}):\n${r.stderr}`);
  const res = JSON.parse(line.slice('BENCH_RESULT '.length)) as { outcome: string } & Omit<ColdRun, 'processMs'>;
  if (res.outcome !== 'SUCCESS') throw new Error(`cold start ${variant}: expected SUCCESS, got ${res.outcome}`);
  return { loadMs: res.loadMs, firstCallMs: res.firstCallMs, totalMs: res.totalMs, processMs: r.ms };
}

async function coldStarts(events: Record<Variant, Event>, endpoint: string, tmp: string): Promise<Record<Variant, ColdRun[]>> {
  const files = {} as Record<Variant, string>;
  for (const v of VARIANTS) {
    files[v] = path.join(tmp, `event-${v}.json`);
    fs.writeFileSync(files[v], JSON.stringify(events[v]));
  }
  // One discarded run each first, so both start with the files in the OS page cache.
  for (const v of VARIANTS) await coldStart(v, files[v], endpoint);
  const out: Record<Variant, ColdRun[]> = { ours: [], awscr: [] };
  for (let i = 0; i < COLD_RUNS; i++) {
    const order: Variant[] = i % 2 === 0 ? ['ours', 'awscr'] : ['awscr', 'ours'];
    for (const v of order) out[v].push(await coldStart(v, files[v], endpoint));
  }
  log(`cold starts: ${COLD_RUNS} each`);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// 5. warm decisions in this process, against the same fake, interleaved

interface WarmResult {
  readonly ms: Record<Variant, number[]>;
  readonly callsPerDecision: Record<Variant, number>;
}

type OursModule = {
  onEvent: (e: unknown) => Promise<{ PhysicalResourceId: string; GateStartedAtEpochMs?: number }>;
  isComplete: (e: unknown) => Promise<{ IsComplete: boolean; Data?: Record<string, string> }>;
};
type AwscrModule = { handler: (e: unknown, ctx: { logStreamName: string }) => Promise<void> };

interface Handlers {
  /** One decision; returns the outcome (SUCCESS when the gate passes or the custom resource answers SUCCESS). */
  decide(variant: Variant): Promise<string>;
  ours: OursModule;
  restore(): void;
}

/** Loads both handlers into this process with the fake's endpoint, capturing AwsCustomResource's response PUT. */
function loadHandlers(events: Record<Variant, Event>, endpoint: string): Handlers {
  Object.assign(process.env, protonEnv(endpoint));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ours = require(OURS_HANDLER) as OursModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const awscr = require(AWSCR_HANDLER) as AwscrModule;
  let lastResponse = '';
  // The module object itself (an ES namespace import would be a read-only copy): the handler calls require('https').request.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const https = require('https') as { request: unknown };
  const realRequest = https.request;
  const fakeRequest = (_o: unknown, cb: (res: { statusCode: number }) => void): unknown => ({
    on() {},
    write(chunk: string) {
      lastResponse += chunk;
    },
    end() {
      setImmediate(() => cb({ statusCode: 200 }));
    },
  });
  https.request = fakeRequest;
  const realLog = console.log;
  // Both handlers log to stdout (CloudWatch in Lambda); keep the benchmark's output readable.
  console.log = () => undefined;
  return {
    ours,
    async decide(variant) {
      if (variant === 'ours') {
        const r = await ours.isComplete(structuredClone(events.ours));
        return r.IsComplete ? 'SUCCESS' : 'WAIT';
      }
      lastResponse = '';
      await awscr.handler(structuredClone(events.awscr), { logStreamName: 'bench' });
      return (JSON.parse(lastResponse) as { Status: string }).Status;
    },
    restore() {
      https.request = realRequest;
      console.log = realLog;
    },
  };
}

async function warmDecisions(h: Handlers, proton: ProtonEndpoint): Promise<WarmResult> {
  for (let i = 0; i < 20; i++) for (const v of VARIANTS) await h.decide(v);
  const ms: Record<Variant, number[]> = { ours: [], awscr: [] };
  const calls: Record<Variant, number> = { ours: 0, awscr: 0 };
  for (let i = 0; i < DECISIONS; i++) {
    const order: Variant[] = i % 2 === 0 ? ['ours', 'awscr'] : ['awscr', 'ours'];
    for (const v of order) {
      const before = proton.totalCalls();
      const start = performance.now();
      const outcome = await h.decide(v);
      ms[v].push(performance.now() - start);
      calls[v] += proton.totalCalls() - before;
      if (outcome !== 'SUCCESS') throw new Error(`${v} decision ${i}: expected SUCCESS, got ${outcome}`);
    }
  }
  log(`warm decisions: ${DECISIONS} each`);
  return { ms, callsPerDecision: { ours: calls.ours / DECISIONS, awscr: calls.awscr / DECISIONS } };
}

/**
 * Proton calls of one Create deployment when the instance is already in sync, through the handlers as the
 * frameworks drive them: ours = onEvent, then isComplete until it completes (the Provider's waiter); theirs = one
 * handler invocation.
 */
async function inSyncDeploymentCalls(h: Handlers, events: Record<Variant, Event>, proton: ProtonEndpoint): Promise<Record<Variant, number>> {
  const before = proton.totalCalls();
  const { PhysicalResourceId, GateStartedAtEpochMs } = await h.ours.onEvent(structuredClone(events.ours));
  const afterOnEvent = proton.totalCalls();
  let polls = 0;
  for (;;) {
    polls++;
    const r = await h.ours.isComplete({ ...structuredClone(events.ours), PhysicalResourceId, GateStartedAtEpochMs });
    if (r.IsComplete || polls >= 10) break;
  }
  const ours = proton.totalCalls() - before;
  if (afterOnEvent !== before) throw new Error('onEvent called Proton');
  const b2 = proton.totalCalls();
  await h.decide('awscr');
  return { ours, awscr: proton.totalCalls() - b2 };
}

// ---------------------------------------------------------------------------------------------------------------
// report

interface Report {
  synth: Map<string, SynthResult>;
  iam: Record<Variant, IamBreak>;
  cold: Record<Variant, ColdRun[]>;
  warm: WarmResult;
  deploymentCalls: Record<Variant, number>;
  detection: DetectionResult;
  protonSource: string;
  assets: Record<Variant, { bytes: number; gzip: number; note: string }>;
  startedAt: Date;
  wallMs: number;
  loadBefore: number[];
  loadAfter: number[];
}

function linear(synth: Map<string, SynthResult>, v: Variant, metric: (s: TemplateStats) => number): { fixed: number; perGate: number; n1: number; n2: number } {
  const ns = NS.filter((n) => synth.get(`${v}:${n}`)?.stats);
  // Per-gate increment from the two largest N measured at most 100 apart (10 -> 100 with the default Ns).
  const big = ns.filter((n) => n <= 100);
  const [n1, n2] = big.length >= 2 ? big.slice(-2) : ns.slice(0, 2);
  const a = metric(synth.get(`${v}:${n1}`)!.stats!);
  const b = metric(synth.get(`${v}:${n2}`)!.stats!);
  const perGate = (b - a) / (n2 - n1);
  const atOne = synth.get(`${v}:1`)?.stats;
  const fixed = (atOne ? metric(atOne) : a - perGate * n1) - perGate * 1;
  return { fixed, perGate, n1, n2 };
}

/** Smallest N at which fixed + perGate * N exceeds the limit (extrapolated). */
function breakingN(fixed: number, perGate: number, limit: number): number | undefined {
  if (perGate <= 0) return fixed > limit ? 1 : undefined;
  return Math.floor((limit - fixed) / perGate) + 1;
}

interface SynthRatio {
  /** Median of the per-pair wall-time ratios. */
  readonly wall: number;
  readonly wallPairs: readonly number[];
  /** Median of the per-pair CPU-time ratios, when CPU time was measured. */
  readonly cpu?: number;
  readonly cpuPairs: readonly number[];
}

/** Ratios ours/theirs of back-to-back pairs of runs, then their median: robust to load that drifts during the run. */
function ratios(ours: SynthResult, theirs: SynthResult): SynthRatio {
  const paired = (a: number[], b: number[]): number[] => a.slice(0, b.length).map((x, i) => x / b[i]);
  const wallPairs = paired(ours.ms, theirs.ms);
  const cpuPairs = paired(ours.cpuMs, theirs.cpuMs);
  return { wall: median(wallPairs), wallPairs, cpu: cpuPairs.length ? median(cpuPairs) : undefined, cpuPairs };
}

/** "0.97 (pairs 0.62–1.31)". */
function fmtPaired(ratio: number | undefined, pairs: readonly number[]): string {
  if (ratio === undefined) return 'n/a';
  return pairs.length > 1 ? `${fmtRatio(ratio)} (pairs ${fmtRatio(Math.min(...pairs))}–${fmtRatio(Math.max(...pairs))})` : fmtRatio(ratio);
}

/** met / missed, inconclusive when the measures disagree, undefined when not measured. */
type Verdict = boolean | 'inconclusive' | undefined;

function verdictText(v: Verdict): string {
  if (v === undefined) return 'not measured';
  if (v === 'inconclusive') return '**inconclusive**';
  return v ? 'met' : '**missed**';
}

/** Met when wall and CPU time both say ours is no slower; missed when both say slower; otherwise inconclusive. */
function synthVerdict(q: SynthRatio): Verdict {
  const wallOk = q.wall <= 1;
  if (q.cpu === undefined) return wallOk;
  const cpuOk = q.cpu <= 1;
  return wallOk === cpuOk ? wallOk : 'inconclusive';
}

/** Why ours is slower, when it is: `why` states the sizes measured in this run. */
function synthNote(q: SynthRatio, why: string): string {
  const by = (r: number): string => `${((r - 1) * 100).toFixed(0)}%`;
  const parts: string[] = [];
  if (q.wall > 1) parts.push(`wall time slower by ${by(q.wall)}`);
  if (q.cpu !== undefined && q.cpu > 1) parts.push(`CPU time slower by ${by(q.cpu)}`);
  return parts.length === 0 ? '' : `${parts.join('; ')}: ${why}`;
}

function render(r: Report): string {
  const s = (v: Variant, n: number): SynthResult => r.synth.get(`${v}:${n}`)!;
  const lines: string[] = [];
  const cpus = os.cpus();
  lines.push('# Benchmarks: ServiceInstanceSyncGate vs AwsCustomResource');
  lines.push('');
  lines.push('Generated by `npm run bench` (bench/run.ts). Do not edit by hand; run it again.');
  lines.push('');
  lines.push(`- Date: ${r.startedAt.toISOString()} (benchmark wall time ${fmtS(r.wallMs)})`);
  lines.push(`- Machine: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), ${os.platform()} ${os.release()}, Node ${process.version}`);
  lines.push(
    `- Load average (1/5/15 min) before: ${r.loadBefore.map((x) => x.toFixed(2)).join(' / ')}, after: ${r.loadAfter.map((x) => x.toFixed(2)).join(' / ')}` +
      ' — a shared machine: absolute times are noisy, the ratios come from interleaved runs.',
  );
  lines.push(
    `- Versions: aws-cdk-lib ${lockVersion('aws-cdk-lib')}, aws-cdk (CLI) ${lockVersion('aws-cdk')}, ` +
      `@aws-sdk/client-proton ${lockVersion('@aws-sdk/client-proton')}, esbuild ${lockVersion('esbuild')}, constructs ${lockVersion('constructs')}, ts-node ${lockVersion('ts-node')}`,
  );
  lines.push(`- Fake Proton: ${r.protonSource}`);
  lines.push('');
  lines.push('## What is compared');
  lines.push('');
  lines.push(
    '- **ours**: N `ServiceInstanceSyncGate` (defaults: `requireSuccess`, `recheckOnEveryDeployment`), one per service instance.',
  );
  lines.push(
    '- **AwsCustomResource** (aws-cdk-lib): N `AwsCustomResource` with `onCreate`/`onUpdate` = `Proton.getServiceInstanceSyncStatus` ' +
      "(`outputPaths: ['desiredState.sha', 'latestSync.status']`), `policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: ANY_RESOURCE })`, " +
      '`installLatestAwsSdk: false` (the recommended setting; the default `true` runs `npm install` at every cold start, so this is the faster choice for it). ' +
      'It reads the status once and never waits for a sync; ours waits and fails on a failed sync.',
  );
  lines.push(
    `- Synth: the real CLI, \`cdk synth -a "${APP_CMD}" -c variant=… -c n=… -o <tmp> -q --no-version-reporting -c @aws-cdk/core:stackResourceLimit=0\`, ` +
      `same runner for both, ${SYNTH_RUNS} runs per cell (${TARGET_SYNTH_RUNS} at N = ${TARGET_N}, the target), variants interleaved (ours, theirs, theirs, ours, …). ` +
      'Version reporting is off for both (CDKMetadata would add the same one resource to each); the resource limit is lifted for both only so that ' +
      'an over-limit template can still be measured (aws-cdk-lib otherwise refuses to synthesize more than 500 resources).',
  );
  lines.push('');

  // ---- synth time
  const synthRatio = (n: number): SynthRatio => ratios(s('ours', n), s('awscr', n));
  lines.push('## `cdk synth` time, by number of gates N');
  lines.push('');
  lines.push(
    '| N | runs | wall ours | wall AwsCustomResource | wall ratio ours/theirs | CPU ours | CPU AwsCustomResource | CPU ratio ours/theirs |',
  );
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const n of NS) {
    const o = s('ours', n);
    const t = s('awscr', n);
    const q = synthRatio(n);
    const range = (xs: number[]): string => (xs.length ? `${fmtS(median(xs))} (${fmtS(Math.min(...xs))}–${fmtS(Math.max(...xs))})` : 'n/a');
    lines.push(
      `| ${n} | ${o.ms.length} | ${range(o.ms)} | ${range(t.ms)} | ${fmtPaired(q.wall, q.wallPairs)} | ${range(o.cpuMs)} | ${range(t.cpuMs)} | ${fmtPaired(q.cpu, q.cpuPairs)} |`,
    );
  }
  lines.push('');
  lines.push(
    'Median (min–max). Wall: the whole CLI process, what a user waits for. CPU: user + system time of the CLI and the app it runs ' +
      '(from /proc, children reaped), which other load on a shared machine disturbs far less than wall time. ' +
      'Each ratio is the median of the per-pair ratios (run i of ours against run i of AwsCustomResource, which ran back to back). ' +
      "Most of a synth is fixed cost both pay (the CLI's and the app's start, ts-node, aws-cdk-lib's built-in template validation), so " +
      'the ratios are close to 1 and more runs narrow them more than anything else.',
  );
  lines.push('');

  // ---- template table
  lines.push('## Template, by number of gates N');
  lines.push('');
  lines.push('| N | resources ours | resources theirs | template ours | template theirs | largest role inline policies ours | … theirs | deployable ours | deployable theirs |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---|---|');
  for (const n of NS) {
    const o = s('ours', n).stats!;
    const t = s('awscr', n).stats!;
    const dep = (st: TemplateStats): string => (st.violations.length === 0 ? 'yes' : `**no**: ${st.violations.join('; ')}`);
    lines.push(
      `| ${n} | ${o.resources} | ${t.resources} | ${fmtInt(o.bytes)} B | ${fmtInt(t.bytes)} B | ${fmtInt(o.largestRole.chars)} chars | ` +
        `${fmtInt(t.largestRole.chars)} chars (${t.largestRole.policies} ${t.largestRole.policies === 1 ? 'policy' : 'policies'}) | ${dep(o)} | ${dep(t)} |`,
    );
  }
  lines.push('');
  lines.push(
    `Deployable means: at most ${LIMITS.resources} resources, ${LIMITS.parameters} parameters and ${LIMITS.outputs} outputs; template body at most ` +
      `${fmtInt(LIMITS.templateBodyS3Bytes)} bytes (the limit for a template uploaded to S3, which \`cdk deploy\` does for every template over 50 KiB; ` +
      `the ${fmtInt(LIMITS.templateBodyInlineBytes)}-byte limit of an inline body is not applied); every IAM role's inline policies together at most ` +
      `${fmtInt(LIMITS.roleInlinePolicyChars)} characters, counted as minified JSON with each intrinsic (Ref, Fn::GetAtt, …) counted as ${INTRINSIC_CHARS} characters (an upper bound for the ARNs involved).`,
  );
  lines.push('');

  // ---- growth
  lines.push('## Fixed part and growth per gate');
  lines.push('');
  lines.push('| | ours | AwsCustomResource |');
  lines.push('|---|---:|---:|');
  const res = { ours: linear(r.synth, 'ours', (x) => x.resources), awscr: linear(r.synth, 'awscr', (x) => x.resources) };
  const bytes = { ours: linear(r.synth, 'ours', (x) => x.bytes), awscr: linear(r.synth, 'awscr', (x) => x.bytes) };
  lines.push(`| resources added per gate (N = ${res.ours.n1} → ${res.ours.n2}) | ${res.ours.perGate} | ${res.awscr.perGate} |`);
  const nMax = Math.max(...NS);
  if (nMax > res.ours.n2) {
    const per = (v: Variant): number =>
      (s(v, nMax).stats!.resources - s(v, res.ours.n2).stats!.resources) / (nMax - res.ours.n2);
    lines.push(`| resources added per gate (N = ${res.ours.n2} → ${nMax}) | ${per('ours')} | ${per('awscr')} |`);
  }
  lines.push(`| fixed resources (at N = 1, minus one gate) | ${res.ours.fixed} | ${res.awscr.fixed} |`);
  lines.push(`| template bytes per gate (N = ${bytes.ours.n1} → ${bytes.ours.n2}) | ${fmtInt(Math.round(bytes.ours.perGate))} | ${fmtInt(Math.round(bytes.awscr.perGate))} |`);
  lines.push(`| inline-policy characters per gate, largest role | ${r.iam.ours.perGateChars} | ${r.iam.awscr.perGateChars} |`);
  const limitRow = (label: string, f: (v: Variant) => string): void => {
    lines.push(`| ${label} | ${f('ours')} | ${f('awscr')} |`);
  };
  limitRow('first N over 500 resources (from the growth above)', (v) => String(breakingN(res[v].fixed, res[v].perGate, LIMITS.resources) ?? 'never'));
  limitRow('first N over the 1 MB template body (extrapolated)', (v) => fmtInt(breakingN(bytes[v].fixed, bytes[v].perGate, LIMITS.templateBodyS3Bytes) ?? 0));
  limitRow('first N over 10,240 inline-policy characters on one role (synthesized)', (v) => {
    const b = r.iam[v];
    return b.breakingN === undefined
      ? `none up to ${Math.max(...NS)}`
      : `**${b.breakingN}** (${fmtInt(b.charsBelow ?? 0)} chars at ${b.breakingN - 1}, ${fmtInt(b.charsAtBreak ?? 0)} at ${b.breakingN})`;
  });
  limitRow('largest deployable N', (v) => {
    const candidates = [
      breakingN(res[v].fixed, res[v].perGate, LIMITS.resources),
      breakingN(bytes[v].fixed, bytes[v].perGate, LIMITS.templateBodyS3Bytes),
      r.iam[v].breakingN,
    ].filter((x): x is number => x !== undefined);
    return candidates.length ? `**${Math.min(...candidates) - 1}**` : 'unbounded';
  });
  lines.push('');
  lines.push(
    'AwsCustomResource creates one `AWS::IAM::Policy` per instance, attached to the one shared role of its singleton function ' +
      '(`fromSdkCalls` and `fromStatements` alike), so every instance adds an inline policy to that role. The breaking N was found by ' +
      `synthesizing in-process with cdk.json's context (prediction from N = 1 and 2, confirmed at N − 1 and N; ${r.iam.awscr.syntheses} syntheses).`,
  );
  lines.push('');

  // ---- handler
  const cold = (v: Variant, f: (c: ColdRun) => number): number => median(r.cold[v].map(f));
  const p = (v: Variant, q: number): number => percentile(r.warm.ms[v], q);
  lines.push('## Handler');
  lines.push('');
  lines.push('| | ours | AwsCustomResource | ratio ours/theirs |');
  lines.push('|---|---:|---:|---:|');
  lines.push(
    `| handler asset (raw / gzip) | ${fmtInt(r.assets.ours.bytes)} B / ${fmtInt(r.assets.ours.gzip)} B | ${fmtInt(r.assets.awscr.bytes)} B / ${fmtInt(r.assets.awscr.gzip)} B | ${fmtRatio(r.assets.ours.bytes / r.assets.awscr.bytes)} |`,
  );
  lines.push(
    `| cold start: load handler + create Proton client + first call (median of ${COLD_RUNS}) | ${fmtMs(cold('ours', (c) => c.totalMs))} | ${fmtMs(cold('awscr', (c) => c.totalMs))} | ${fmtRatio(cold('ours', (c) => c.totalMs) / cold('awscr', (c) => c.totalMs))} |`,
  );
  lines.push(
    `| … of which \`require\` of the handler | ${fmtMs(cold('ours', (c) => c.loadMs))} | ${fmtMs(cold('awscr', (c) => c.loadMs))} | ${fmtRatio(cold('ours', (c) => c.loadMs) / cold('awscr', (c) => c.loadMs))} |`,
  );
  lines.push(
    `| … of which first invocation (SDK load if lazy, client, one call) | ${fmtMs(cold('ours', (c) => c.firstCallMs))} | ${fmtMs(cold('awscr', (c) => c.firstCallMs))} | ${fmtRatio(cold('ours', (c) => c.firstCallMs) / cold('awscr', (c) => c.firstCallMs))} |`,
  );
  lines.push(
    `| whole process, spawn to exit (incl. Node's own start) | ${fmtMs(cold('ours', (c) => c.processMs))} | ${fmtMs(cold('awscr', (c) => c.processMs))} | ${fmtRatio(cold('ours', (c) => c.processMs) / cold('awscr', (c) => c.processMs))} |`,
  );
  lines.push(`| warm decision, p50 (${DECISIONS} each, interleaved) | ${fmtMs(p('ours', 50))} | ${fmtMs(p('awscr', 50))} | ${fmtRatio(p('ours', 50) / p('awscr', 50))} |`);
  lines.push(`| warm decision, p95 | ${fmtMs(p('ours', 95))} | ${fmtMs(p('awscr', 95))} | ${fmtRatio(p('ours', 95) / p('awscr', 95))} |`);
  lines.push(`| Proton calls per warm decision (in sync) | ${r.warm.callsPerDecision.ours.toFixed(2)} | ${r.warm.callsPerDecision.awscr.toFixed(2)} | |`);
  lines.push(
    `| Proton calls of one Create deployment, instance already in sync (handlers driven directly) | ${r.deploymentCalls.ours} | ${r.deploymentCalls.awscr} | |`,
  );
  lines.push(`| … Create through the Provider framework and its waiter (offline lifecycle world) | ${r.detection.inSyncCreateCalls} | | |`);
  lines.push(
    `| … Update, every later deployment (the nonce changes), offline lifecycle world | ${r.detection.inSyncUpdateCalls.proton} ` +
      `(+ ${r.detection.inSyncUpdateCalls.describeStacks} DescribeStacks) | | |`,
  );
  lines.push(`| simulated time from sync SUCCEEDED to SUCCESS | ${r.detection.summary} | n/a (never waits) | |`);
  lines.push('');
  lines.push(
    `Assets: ours is \`assets/handler/index.js\`, one esbuild bundle with the AWS SDK clients it uses inside; theirs is aws-cdk-lib's ` +
      `\`aws-custom-resource-handler/index.js\`, which \`require\`s \`@aws-sdk/client-proton\` at the first call from the Lambda runtime's ` +
      `preinstalled SDK (${r.assets.awscr.note}). In this benchmark it loads the same client version from the project's node_modules.`,
  );
  lines.push(
    'Cold start: a fresh `node` process per run (bench/cold-start-child.js) requires the handler and answers one Create/isComplete event ' +
      'built from the synthesized template against the fake Proton; times are measured inside the process from its first line. ' +
      "AwsCustomResource's response PUT to the ResponseURL is captured in-process instead of sent. One discarded run each first (page cache), then interleaved.",
  );
  lines.push(
    "Warm decisions: both handlers loaded in the benchmark's process, console.log silenced for both; ours = one `isComplete` call " +
      '(parse, one GetServiceInstanceSyncStatus, decide), theirs = one `handler` invocation (parse, new client, one call, response).',
  );
  lines.push(r.detection.details);
  lines.push('');

  // ---- targets
  const synthTarget = NS.includes(TARGET_N) ? synthRatio(TARGET_N) : undefined;
  const coldRatio = cold('ours', (c) => c.totalMs) / cold('awscr', (c) => c.totalMs);
  const o400 = NS.includes(400) ? s('ours', 400).stats : undefined;
  const targets: [string, string, Verdict, string][] = [
    [
      'each extra gate adds exactly one resource',
      `${res.ours.perGate} per gate`,
      res.ours.perGate === 1,
      res.ours.perGate === 1 ? '' : 'see the growth table',
    ],
    [
      '400 gates in one stack stay deployable by every limit above',
      o400 ? `${o400.resources} resources, ${fmtInt(o400.bytes)} B, largest role ${fmtInt(o400.largestRole.chars)} chars` : 'N = 400 not measured',
      o400 ? o400.violations.length === 0 : undefined,
      o400 && o400.violations.length ? o400.violations.join('; ') : '',
    ],
    [
      '`cdk synth` with 100 gates no slower than AwsCustomResource with 100 (ratio ≤ 1.0)',
      synthTarget
        ? `wall ratio ${fmtPaired(synthTarget.wall, synthTarget.wallPairs)}, CPU ratio ${fmtPaired(synthTarget.cpu, synthTarget.cpuPairs)}`
        : `N = ${TARGET_N} not measured`,
      synthTarget ? synthVerdict(synthTarget) : undefined,
      synthTarget
        ? synthNote(
            synthTarget,
            `ours has the larger fixed part (${res.ours.fixed} resources: two handler functions, the Provider framework with its state machine, ` +
              `two code assets to stage) against ${res.awscr.fixed}, and the smaller part per gate (${res.ours.perGate} resource, ` +
              `${fmtInt(Math.round(bytes.ours.perGate))} B against ${res.awscr.perGate}, ${fmtInt(Math.round(bytes.awscr.perGate))} B); ` +
              `at N = ${TARGET_N} the two nearly cancel out`,
          )
        : '',
    ],
    [
      "cold start no slower than AwsCustomResource's handler with the Proton client (ratio ≤ 1.0)",
      `ratio ${fmtRatio(coldRatio)}`,
      coldRatio <= 1,
      coldRatio > 1 ? `missed by ${((coldRatio - 1) * 100).toFixed(0)}%` : '',
    ],
    [
      'one Proton call per decision when already in sync',
      `${r.warm.callsPerDecision.ours.toFixed(2)} per decision; ${r.deploymentCalls.ours} per in-sync deployment` +
        ` (through the Provider framework: Create ${r.detection.inSyncCreateCalls}, Update ${r.detection.inSyncUpdateCalls.proton})`,
      r.warm.callsPerDecision.ours === 1 &&
        r.deploymentCalls.ours === 1 &&
        r.detection.inSyncCreateCalls === 1 &&
        r.detection.inSyncUpdateCalls.proton === 1,
      '',
    ],
    ['detection within one poll interval', r.detection.summary, r.detection.met, r.detection.note],
  ];
  lines.push('## Targets');
  lines.push('');
  lines.push('| target | measured | met | notes |');
  lines.push('|---|---|---|---|');
  for (const [t, m, met, note] of targets) {
    lines.push(`| ${t} | ${m} | ${verdictText(met)} | ${note} |`);
  }
  lines.push('');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const startedAt = new Date();
  const t0 = performance.now();
  const loadBefore = os.loadavg();
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-handler.js'), '--quiet'], { cwd: ROOT, stdio: 'inherit' });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sync-gate-bench-'));
  try {
    log(`synth: N = ${NS.join(', ')}, ${SYNTH_RUNS} runs each (${TARGET_SYNTH_RUNS} at N = ${TARGET_N}), both variants interleaved`);
    const synth = await synthAll(tmp);
    log('IAM: searching the N at which a role breaks 10,240 characters');
    const maxN = Math.max(...NS);
    const iam = { ours: findIamBreak('ours', maxN, tmp), awscr: findIamBreak('awscr', maxN, tmp) };

    const n1 = (v: Variant): Template => {
      const t = synth.get(`${v}:${NS[0]}`)?.template;
      if (!t) throw new Error('no template');
      return t;
    };
    const events: Record<Variant, Event> = { ours: oursIsCompleteEvent(n1('ours')), awscr: awscrEvent(n1('awscr')) };

    const proton = await startProton();
    let cold: Record<Variant, ColdRun[]>;
    let warm: WarmResult;
    let deploymentCalls: Record<Variant, number>;
    try {
      cold = await coldStarts(events, proton.endpoint, tmp);
      const handlers = loadHandlers(events, proton.endpoint);
      try {
        warm = await warmDecisions(handlers, proton);
        deploymentCalls = await inSyncDeploymentCalls(handlers, events, proton);
      } finally {
        handlers.restore();
      }
    } finally {
      await proton.close();
    }
    log('detection: offline lifecycle world');
    const assemblyDir = synth.get('ours:1')?.assemblyDir;
    if (!assemblyDir) throw new Error('N = 1 must be among BENCH_NS: the lifecycle world deploys its one-gate assembly');
    const detection = await measureDetection(assemblyDir);

    const gz = (file: string): number => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
    const assets = {
      ours: { bytes: fs.statSync(OURS_HANDLER).size, gzip: gz(OURS_HANDLER), note: '' },
      awscr: {
        bytes: fs.statSync(AWSCR_HANDLER).size,
        gzip: gz(AWSCR_HANDLER),
        note: 'not in its asset, not counted',
      },
    };
    const report = render({
      synth,
      iam,
      cold,
      warm,
      deploymentCalls,
      detection,
      protonSource: proton.description,
      assets,
      startedAt,
      wallMs: performance.now() - t0,
      loadBefore,
      loadAfter: os.loadavg(),
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
