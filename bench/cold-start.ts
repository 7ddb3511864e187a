/**
 * Cold start: a fresh Node process (bench/cold-start-child.js) loads a handler and answers one event, which creates
 * the client of the gate's source and makes one call against the fake: Proton for ours and AwsCustomResource, and,
 * when given, CodeStar Connections for a GitSyncGate (the same handler bundle, another event) and for a GitSyncGate
 * that reads another account through a reader role (STS AssumeRole first, then the read). One discarded run each
 * first, then interleaved.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Event } from './events';
import { HANDLER_FILES } from './handler-assets';
import { log, protonEnv, run } from './runner';
import { Variant } from './variants';

export interface ColdRun {
  /** `require` of the handler. */
  readonly loadMs: number;
  /** The first invocation: SDK load if lazy, client, one call. */
  readonly firstCallMs: number;
  /** From the child's first line to the answer. */
  readonly totalMs: number;
  /** The whole process, spawn to exit, Node's own start included. */
  readonly processMs: number;
}

const RESULT_PREFIX = 'BENCH_RESULT ';

/** The pinned Node.js 24 that `npm ci` installs through tools/node24 (scripts/supported-node.js), if any for this platform. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { supportedNode } = require('../scripts/supported-node.js') as { supportedNode: () => string | undefined };

/** A Node.js executable the cold starts ran under, and where the bench found it. */
export interface ColdStartNode {
  readonly path: string;
  /**
   * `BENCH_NODE`: the one given; `tools/node24`: the Node.js 24 the lock file pins (Lambda's nodejs24.x runs the
   * handler on Node.js 24); `bench`: the Node.js running the bench.
   */
  readonly from: 'BENCH_NODE' | 'tools/node24' | 'bench';
}

/**
 * The Node.js executables that run the cold starts, the first deciding the Handler table and its targets: BENCH_NODE
 * alone when set; else the pinned Node.js 24 from tools/node24 (the runtime the handler runs on) when this platform
 * has one, then the bench's own Node.js; else the bench's own alone.
 */
export function coldStartNodes(env: NodeJS.ProcessEnv = process.env, findNode24: () => string | undefined = supportedNode): ColdStartNode[] {
  const node = env.BENCH_NODE;
  if (node !== undefined && node !== '') {
    if (!fs.existsSync(node) || !fs.statSync(node).isFile()) throw new Error(`BENCH_NODE must be the path of a node executable, got ${node} (no such file)`);
    return [{ path: node, from: 'BENCH_NODE' }];
  }
  const own: ColdStartNode = { path: process.execPath, from: 'bench' };
  const node24 = findNode24();
  return node24 !== undefined && path.resolve(node24) !== path.resolve(process.execPath) ? [{ path: node24, from: 'tools/node24' }, own] : [own];
}

/** What a cold start runs: which handler, the event file it answers, and the endpoints it may call. */
interface Subject {
  readonly variant: Variant;
  readonly eventFile: string;
}

async function coldStart(node: string, s: Subject, env: NodeJS.ProcessEnv): Promise<ColdRun> {
  const child = path.join(__dirname, 'cold-start-child.js');
  const r = await run(node, [child, s.variant, HANDLER_FILES[s.variant], s.eventFile], env);
  const line = r.stderr.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (r.code !== 0 || !line) throw new Error(`cold start ${s.variant} (${path.basename(s.eventFile)}) failed (${r.code}):\n${r.stderr}`);
  const res = JSON.parse(line.slice(RESULT_PREFIX.length)) as { outcome: string } & Omit<ColdRun, 'processMs'>;
  if (res.outcome !== 'SUCCESS') throw new Error(`cold start ${s.variant} (${path.basename(s.eventFile)}): expected SUCCESS, got ${res.outcome}; its log:\n${r.stdout.slice(-3000)}`);
  return { loadMs: res.loadMs, firstCallMs: res.firstCallMs, totalMs: res.totalMs, processMs: r.ms };
}

/**
 * Cold runs of ours (a Proton gate) and AwsCustomResource, and of ours as a GitSyncGate and as a cross-account
 * GitSyncGate when their events were given.
 */
export type ColdRuns = Record<Variant, ColdRun[]> & { gitSync?: ColdRun[]; crossAccount?: ColdRun[] };

/** The cold runs of every subject under `node` (a node executable's path). */
export async function coldStarts(
  node: string,
  events: Record<Variant, Event>,
  endpoint: string,
  runs: number,
  tmp: string,
  gitSync?: { readonly event: Event; readonly endpoint: string },
  crossAccount?: { readonly event: Event; readonly stsEndpoint: string },
): Promise<ColdRuns> {
  const write = (name: string, event: Event): string => {
    const file = path.join(tmp, `event-${name}.json`);
    fs.writeFileSync(file, JSON.stringify(event));
    return file;
  };
  const subjects: Record<string, Subject> = { ours: { variant: 'ours', eventFile: write('ours', events.ours) } };
  if (gitSync) subjects.gitSync = { variant: 'ours', eventFile: write('ours-git-sync', gitSync.event) };
  if (gitSync && crossAccount) subjects.crossAccount = { variant: 'ours', eventFile: write('ours-cross-account', crossAccount.event) };
  subjects.awscr = { variant: 'awscr', eventFile: write('awscr', events.awscr) };
  const names = Object.keys(subjects);
  const env = protonEnv(endpoint, gitSync?.endpoint, crossAccount?.stsEndpoint);
  // One discarded run each first, so all start with the files in the OS page cache.
  for (const name of names) await coldStart(node, subjects[name], env);
  const out: Record<string, ColdRun[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let i = 0; i < runs; i++) {
    // Interleaved, the order reversed every other run: ours, (Git sync,) theirs, theirs, (Git sync,) ours, ...
    const order = i % 2 === 0 ? names : [...names].reverse();
    for (const name of order) out[name].push(await coldStart(node, subjects[name], env));
  }
  log(`cold starts under ${node}: ${runs} each (${names.join(', ')})`);
  return out as ColdRuns;
}
