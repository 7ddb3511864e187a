/**
 * The module system of an emulated execution environment (offline/module-loader.ts): each environment evaluates
 * the asset afresh (module state of its own), its code sees the environment's globals, dynamic import() of a
 * built-in works as under Node's own loader, and a changed file is compiled again.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ModuleLoader, realProcess, Sandbox } from '../../offline/module-loader';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'module-loader-'));
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function sandbox(now: number): Sandbox {
  const lines: string[] = [];
  const write = (...args: unknown[]): void => void lines.push(args.join(' '));
  const FixedDate = new Proxy(Date, { get: (t, p, r) => (p === 'now' ? () => now : Reflect.get(t, p, r)) });
  return { Date: FixedDate, console: { log: write, info: write, warn: write, error: write, debug: write, trace: write }, process: realProcess };
}

it('gives every environment module state of its own, and its own Date', () => {
  fs.writeFileSync(path.join(dir, 'index.js'), 'let n = 0;\nexports.count = () => ++n;\nexports.now = () => Date.now();\n');
  const a = new ModuleLoader(dir, sandbox(1_000)).load('./index') as { count: () => number; now: () => number };
  const b = new ModuleLoader(dir, sandbox(2_000)).load('./index') as { count: () => number; now: () => number };
  expect([a.count(), a.count(), b.count()]).toEqual([1, 2, 1]);
  expect([a.now(), b.now()]).toEqual([1_000, 2_000]);
});

it('runs dynamic import() of a built-in, as the SDK imports node:http', async () => {
  fs.writeFileSync(path.join(dir, 'index.js'), 'exports.request = async () => typeof (await import("node:http")).request;\n');
  const m = new ModuleLoader(dir, sandbox(0)).load('./index') as { request: () => Promise<string> };
  await expect(m.request()).resolves.toBe('function');
});

it('compiles a file again when it changed on disk', () => {
  const file = path.join(dir, 'index.js');
  fs.writeFileSync(file, 'exports.v = 1;\n');
  expect(new ModuleLoader(dir, sandbox(0)).load('./index')).toEqual({ v: 1 });
  fs.writeFileSync(file, 'exports.v = 2;\n');
  expect(new ModuleLoader(dir, sandbox(0)).load('./index')).toEqual({ v: 2 });
});

it('keeps the asset line numbers in stack traces', () => {
  fs.writeFileSync(path.join(dir, 'index.js'), '\n\nexports.fail = () => { throw new Error("boom"); };\n');
  const m = new ModuleLoader(dir, sandbox(0)).load('./index') as { fail: () => void };
  let stack = '';
  try {
    m.fail();
  } catch (e) {
    stack = String((e as Error).stack);
  }
  expect(stack).toContain(`${path.join(dir, 'index.js')}:3:`);
});
