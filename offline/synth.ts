/**
 * Synthesizes a CDK app (the example app bin/app.ts, or another entry such as the test-only
 * test/lifecycle/apps/gate-app.ts; context from cdk.json plus overrides) into cloud assemblies under
 * `.tmp/offline-world/` and reads them back: template, handler code assets, nested stack templates, stack name.
 * Assemblies are cached by a hash of everything that goes into them (the entry, sources, handler bundle, cdk.json,
 * lock file, overrides), so the test files that need the same variants synthesize them once; concurrent jest
 * workers take turns through a lock.
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const CACHE_DIR = path.join(ROOT, '.tmp', 'offline-world');
const RUNNER = path.join(__dirname, 'synth-app.js');
/** The example app's entry. */
export const EXAMPLE_APP = path.join(ROOT, 'bin', 'app.ts');
const LOCK_STALE_MS = 180_000;
/** Cached assemblies unused for this long are removed when a new one is made. */
const CACHE_MAX_AGE_MS = 24 * 3_600_000;

/** A synthesized stack: its template and where its assets are. */
export interface SynthesizedStack {
  readonly stackName: string;
  /** Cloud assembly directory (like cdk.out). */
  readonly outdir: string;
  readonly template: Template;
  /** Asset hash -> absolute directory of the asset (for Lambda code). */
  readonly assetDirs: ReadonlyMap<string, string>;
  /** S3 object key of a file asset (e.g. `<hash>.json`, a nested stack's template) -> absolute path of the file. */
  readonly fileAssets: ReadonlyMap<string, string>;
  /** The context the app ran with. */
  readonly context: Readonly<Record<string, unknown>>;
}

/** The parts of a CloudFormation template the offline world reads. */
export interface Template {
  readonly Resources: Record<string, TemplateResource>;
  readonly Parameters?: Record<string, { Type: string; Default?: unknown }>;
  readonly Outputs?: Record<string, { Value: unknown }>;
}

/** One resource of a template. */
export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
}

/** Context overrides for one synthesis of the example app, as with `cdk synth -c key=value`. */
export type ContextOverrides = Readonly<Record<string, string>>;

/**
 * Synthesizes the example app once per entry of `variants` (cached) and returns the stacks in the same order.
 * Builds the handler bundle first when stale, as cdk.json's app command does.
 */
export function synthExampleApp(variants: readonly ContextOverrides[]): SynthesizedStack[] {
  return synthApp(EXAMPLE_APP, variants);
}

/**
 * Synthesizes the app whose entry file is `entry` (a TypeScript file that builds an App with one stack) once per
 * entry of `variants` (cached), with cdk.json's context plus each variant's overrides, and returns the stacks in
 * the same order.
 */
export function synthApp(entry: string, variants: readonly ContextOverrides[]): SynthesizedStack[] {
  const app = path.resolve(ROOT, entry);
  const baseContext = (JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
  // The handler bundle is an input of the assembly: make sure it is current before hashing.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-handler.js'), '--quiet'], { stdio: 'inherit' });
  const inputs = inputsHash(app);
  const jobs = variants.map((overrides) => {
    const context = { ...baseContext, ...overrides };
    const key = crypto.createHash('sha256').update(inputs).update(path.relative(ROOT, app)).update(JSON.stringify(context)).digest('hex').slice(0, 24);
    return { context, outdir: path.join(CACHE_DIR, key) };
  });
  // Variants that give the same context (e.g. an override equal to cdk.json's default) share one assembly.
  const missing = [...new Map(jobs.map((j) => [j.outdir, j])).values()].filter((j) => !fs.existsSync(path.join(j.outdir, 'manifest.json')));
  if (missing.length > 0) withLock(() => synthesize(app, missing.filter((j) => !fs.existsSync(path.join(j.outdir, 'manifest.json')))));
  const now = new Date();
  for (const j of jobs) fs.utimesSync(j.outdir, now, now);
  return jobs.map((j) => readAssembly(j.outdir, j.context));
}

function synthesize(app: string, jobs: { context: Record<string, unknown>; outdir: string }[]): void {
  if (jobs.length === 0) return;
  const staged = jobs.map((j) => ({ ...j, outdir: `${j.outdir}.partial-${process.pid}` }));
  for (const j of staged) fs.rmSync(j.outdir, { recursive: true, force: true });
  execFileSync(process.execPath, [RUNNER, app, JSON.stringify(staged)], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
    timeout: 180_000,
  });
  jobs.forEach((j, i) => {
    fs.rmSync(j.outdir, { recursive: true, force: true });
    fs.renameSync(staged[i].outdir, j.outdir);
  });
  prune(new Set(jobs.map((j) => j.outdir)));
}

/** Removes cached assemblies (and leftovers of interrupted runs) not touched for a day. */
function prune(keep: Set<string>): void {
  for (const name of fs.readdirSync(CACHE_DIR)) {
    const dir = path.join(CACHE_DIR, name);
    if (keep.has(dir) || name === 'synth.lock') continue;
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    if (stat && Date.now() - stat.mtimeMs > CACHE_MAX_AGE_MS) fs.rmSync(dir, { recursive: true, force: true });
  }
}

function withLock(fn: () => void): void {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const lock = path.join(CACHE_DIR, 'synth.lock');
  const start = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > LOCK_STALE_MS) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() - start > LOCK_STALE_MS) throw new Error(`timed out waiting for ${lock}`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function inputsHash(app: string): string {
  const hash = crypto.createHash('sha256');
  const files = new Set<string>();
  // The library, the example app and the entry's own folder (an app may import its neighbours).
  for (const dir of [path.join(ROOT, 'bin'), path.join(ROOT, 'lib'), path.dirname(app)]) {
    for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
      if (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)) files.add(path.join(dir, f));
    }
  }
  for (const f of [
    path.join(ROOT, 'cdk.json'),
    path.join(ROOT, 'package-lock.json'),
    path.join(ROOT, 'assets', 'handler', 'index.js'),
    RUNNER,
    __filename,
  ]) {
    files.add(f);
  }
  for (const f of [...files].sort()) hash.update(path.relative(ROOT, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  return hash.digest('hex');
}

/** Reads the (single) stack of a cloud assembly directory. */
export function readAssembly(outdir: string, context: Record<string, unknown> = {}): SynthesizedStack {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  if (stacks.length !== 1) throw new Error(`expected one stack in ${outdir}, found ${stacks.length}`);
  const [stackName, artifact] = stacks[0];
  const template = JSON.parse(fs.readFileSync(path.join(outdir, artifact.properties!.templateFile!), 'utf8')) as Template;
  const assetDirs = new Map<string, string>();
  const fileAssets = new Map<string, string>();
  for (const f of fs.readdirSync(outdir).filter((n) => n.endsWith('.assets.json'))) {
    const assets = JSON.parse(fs.readFileSync(path.join(outdir, f), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging?: string }; destinations?: Record<string, { objectKey?: string }> }>;
    };
    for (const [hash, asset] of Object.entries(assets.files)) {
      if (asset.source.packaging === 'zip') assetDirs.set(hash, path.join(outdir, asset.source.path));
      else for (const d of Object.values(asset.destinations ?? {})) if (d.objectKey) fileAssets.set(d.objectKey, path.join(outdir, asset.source.path));
    }
  }
  return { stackName, outdir, template, assetDirs, fileAssets, context };
}
