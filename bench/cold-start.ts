/**
 * Cold start: a fresh Node process (bench/cold-start-child.js) loads a handler and answers one event, which creates
 * the Proton client and makes one call against the fake. One discarded run each first, then interleaved.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Event } from './events';
import { HANDLER_FILES } from './handler-assets';
import { log, protonEnv, run } from './runner';
import { Variant, VARIANTS } from './variants';

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

async function coldStart(variant: Variant, eventFile: string, endpoint: string): Promise<ColdRun> {
  const child = path.join(__dirname, 'cold-start-child.js');
  const r = await run(process.execPath, [child, variant, HANDLER_FILES[variant], eventFile], protonEnv(endpoint));
  const line = r.stderr.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (r.code !== 0 || !line) throw new Error(`cold start ${variant} failed (${r.code}):\n${r.stderr}`);
  const res = JSON.parse(line.slice(RESULT_PREFIX.length)) as { outcome: string } & Omit<ColdRun, 'processMs'>;
  if (res.outcome !== 'SUCCESS') throw new Error(`cold start ${variant}: expected SUCCESS, got ${res.outcome}`);
  return { loadMs: res.loadMs, firstCallMs: res.firstCallMs, totalMs: res.totalMs, processMs: r.ms };
}

export async function coldStarts(events: Record<Variant, Event>, endpoint: string, runs: number, tmp: string): Promise<Record<Variant, ColdRun[]>> {
  const files = {} as Record<Variant, string>;
  for (const v of VARIANTS) {
    files[v] = path.join(tmp, `event-${v}.json`);
    fs.writeFileSync(files[v], JSON.stringify(events[v]));
  }
  // One discarded run each first, so both start with the files in the OS page cache.
  for (const v of VARIANTS) await coldStart(v, files[v], endpoint);
  const out: Record<Variant, ColdRun[]> = { ours: [], awscr: [] };
  for (let i = 0; i < runs; i++) {
    const order: Variant[] = i % 2 === 0 ? ['ours', 'awscr'] : ['awscr', 'ours'];
    for (const v of order) out[v].push(await coldStart(v, files[v], endpoint));
  }
  log(`cold starts: ${runs} each`);
  return out;
}
