/**
 * The pipeline recipe of docs/cli.md, run as written (bash, the built command installed at
 * node_modules/.bin/cdk-git-sync-gate) against the fake Git sync on 127.0.0.1, once for each way a pipeline can end:
 * synced, the sync failed, bad arguments, no decision, and the command not installed.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeCodeStarConnections, wireGitSyncAttempt, wireGitSyncOutput } from '../../offline/fake-codestar-connections';
import { DESIRED } from '../fixtures';

const ROOT = path.join(__dirname, '..', '..');
const BUNDLE = path.join(ROOT, 'assets', 'cli', 'index.js');

/** The shell block that follows the recipe marker in docs/cli.md. */
function recipe(): string {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'cli.md'), 'utf8');
  const match = /<!-- recipe:pipeline -->\n```sh\n([^]*?)```/.exec(doc);
  if (!match) throw new Error('docs/cli.md has no "<!-- recipe:pipeline -->" sh block');
  return match[1];
}

let gitSync: FakeCodeStarConnections;
let dir: string;

beforeAll(async () => {
  gitSync = await FakeCodeStarConnections.start();
});
afterAll(async () => {
  await gitSync?.close();
});
beforeEach(() => {
  gitSync.reset();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recipe-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Installs the built command where `npm ci` would put it. */
function install(): void {
  fs.mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  fs.symlinkSync(BUNDLE, path.join(dir, 'node_modules', '.bin', 'cdk-git-sync-gate'));
}

function runRecipe(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', recipe()], {
      cwd: dir,
      env: {
        PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIDFAKEFAKEFAKE',
        AWS_SECRET_ACCESS_KEY: 'fake-secret',
        AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS: gitSync.endpoint,
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        AWS_EC2_METADATA_DISABLED: 'true',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The reason in the sync.json the recipe had the check write. */
function writtenReason(): string {
  const reason = (JSON.parse(fs.readFileSync(path.join(dir, 'sync.json'), 'utf8')) as { reason?: unknown }).reason;
  expect(typeof reason).toBe('string');
  return reason as string;
}

describe('the pipeline recipe of docs/cli.md', () => {
  it('exits 0 and says so when the commit synced', async () => {
    install();
    gitSync.script('network', [{ respond: wireGitSyncOutput({ desired: DESIRED, latest: wireGitSyncAttempt('SUCCEEDED', DESIRED) }) }]);
    const run = await runRecipe({ STACK: 'network', COMMIT: DESIRED });
    expect(run).toMatchObject({ code: 0, stdout: `synced at ${DESIRED}\n` });
  });

  it('exits 1 with the reason in the check\'s words when the sync failed', async () => {
    install();
    gitSync.script('network', [{ respond: wireGitSyncOutput({ desired: DESIRED, latest: wireGitSyncAttempt('FAILED', DESIRED) }) }]);
    const run = await runRecipe({ STACK: 'network', COMMIT: DESIRED });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^the sync did not succeed:\nGit sync FAILED for stack "network" in eu-west-1 at desired sha /);
    expect(run.stdout).toContain('run the check again');
    // The whole reason the check wrote, each line ended, so that the pipeline's next line starts on its own.
    expect(run.stdout).toBe(`the sync did not succeed:\n${writtenReason()}\n`);
  });

  it('exits 2 naming the option when the commit is missing (an unset variable) or a branch name', async () => {
    install();
    const run = await runRecipe({ STACK: 'network', COMMIT: '' });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("the check was called wrongly: Option --expected-sha needs a value.\n");
    const branch = await runRecipe({ STACK: 'network', COMMIT: 'main' });
    expect(branch.code).toBe(2);
    expect(branch.stdout).toMatch(/^the check was called wrongly: Invalid --expected-sha "main": expected a Git commit sha/);
    expect(gitSync.calls).toHaveLength(0);
  });

  it('exits 3 when the status cannot be read (no sync configuration for the stack)', async () => {
    install();
    const run = await runRecipe({ STACK: 'unknown', COMMIT: DESIRED });
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/^could not tell whether the sync succeeded:\nGit sync found no sync status for stack "unknown"/);
    expect(run.stdout).toBe(`could not tell whether the sync succeeded:\n${writtenReason()}\n`);
  });

  it('exits 127 and says how to install it when the command is not installed', async () => {
    const run = await runRecipe({ STACK: 'network', COMMIT: DESIRED });
    expect(run.code).toBe(127);
    expect(run.stdout).toBe('cdk-git-sync-gate is not installed: add it to devDependencies and run npm ci\n');
  });
});
