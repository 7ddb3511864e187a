/**
 * scripts/build-handler.js also bundles the command: assets/cli/index.js, rebuilt when the CLI's sources or the
 * handler code it reuses change, executable, and self-contained (it runs where no node_modules exist).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
let work: string;

function build(): string {
  const result = spawnSync(process.execPath, [path.join(work, 'scripts', 'build-handler.js')], { cwd: work, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build-handler failed: ${result.stderr}`);
  return result.stderr;
}

const cliBundle = () => path.join(work, 'assets', 'cli', 'index.js');

beforeAll(() => {
  // A copy of what the script reads, with the project's node_modules (esbuild, the SDK) linked in.
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'build-cli-'));
  for (const dir of ['cli', 'lambda', 'scripts']) fs.cpSync(path.join(ROOT, dir), path.join(work, dir), { recursive: true });
  fs.mkdirSync(path.join(work, 'lib'));
  for (const file of ['contract.ts', 'limits.ts', 'sources.ts']) fs.copyFileSync(path.join(ROOT, 'lib', file), path.join(work, 'lib', file));
  for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(ROOT, file), path.join(work, file));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'), 'dir');
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the CLI build', () => {
  it('builds the command beside the handler, then leaves both alone while they are up to date', () => {
    const first = build();
    expect(first).toMatch(/^built assets\/handler\/index\.js/m);
    expect(first).toMatch(/^built assets\/cli\/index\.js \(\d+\.\d KiB/m);
    expect(build()).toBe('handler bundle is up to date\ncli bundle is up to date\n');
  });

  it('rebuilds the command, and only it, when a CLI source changes; both when the handler code they share changes', () => {
    fs.appendFileSync(path.join(work, 'cli', 'help.ts'), '\nexport const BUILD_PROBE = "probe-in-cli";\n');
    expect(build()).toMatch(/^handler bundle is up to date\nbuilt assets\/cli\/index\.js/);
    fs.appendFileSync(path.join(work, 'lambda', 'core', 'decide.ts'), '\n// a change to the decision core\n');
    const both = build();
    expect(both).toMatch(/^built assets\/handler\/index\.js/m);
    expect(both).toMatch(/^built assets\/cli\/index\.js/m);
  });

  it('makes an executable with a shebang line that runs with no node_modules anywhere above it', () => {
    expect(fs.readFileSync(cliBundle(), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(fs.statSync(cliBundle()).mode & 0o777).toBe(0o755);
    const alone = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-alone-'));
    try {
      fs.copyFileSync(cliBundle(), path.join(alone, 'cdk-git-sync-gate'));
      fs.chmodSync(path.join(alone, 'cdk-git-sync-gate'), 0o755);
      const run = spawnSync(path.join(alone, 'cdk-git-sync-gate'), ['check', 'proton', '--help'], {
        cwd: alone,
        encoding: 'utf8',
        env: { PATH: path.dirname(process.execPath) },
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^Usage: cdk-git-sync-gate check proton --service <service> --instance <instance> \[options\]/);
    } finally {
      fs.rmSync(alone, { recursive: true, force: true });
    }
    // The SDK client is inside (checked as a boolean: a failure message with the bundle in it would be unreadable).
    expect(fs.readFileSync(cliBundle(), 'utf8').includes('GetServiceInstanceSyncStatusCommand')).toBe(true);
  });
});
