/**
 * The action's bundle is committed (the runner runs it from the repository, with no install), so it must be what
 * its sources build today: a fresh build of action/ (npm run build:action, to a temporary file) must equal the
 * committed action/dist/index.js byte for byte, or CI fails with the command that fixes it. The default build, the
 * one `npm test` and `cdk synth` run, must leave it alone, or this test could never see a forgotten rebuild.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeCodeStarConnections, wireGitSyncAttempt, wireGitSyncOutput } from '../../offline/fake-codestar-connections';
import { DESIRED } from '../fixtures';
import { actionMetadata, ROOT, runStep } from './action-fixtures';

const COMMITTED = path.join(ROOT, actionMetadata().runs.main);
const BUILD = path.join(ROOT, 'scripts', 'build-handler.js');
let work: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'build-action-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the committed action bundle', () => {
  it('is what npm run build:action builds from the sources now', () => {
    const fresh = path.join(work, 'fresh', 'index.js');
    const build = spawnSync(process.execPath, [BUILD, '--action', `--outfile=${fresh}`], { cwd: ROOT, encoding: 'utf8' });
    expect(build.status).toBe(0);
    expect(build.stderr).toMatch(/^built .*index\.js \(\d+\.\d KiB, \d+ inputs\)\n$/);
    // As a boolean with the fix in the message: a diff of two minified bundles would be unreadable.
    const same = fs.readFileSync(fresh).equals(fs.readFileSync(COMMITTED));
    expect(same ? 'up to date' : `${path.relative(ROOT, COMMITTED)} is stale: run npm run build:action and commit it`).toBe('up to date');
  });

  it('is left alone by the default build that npm test and cdk synth run', () => {
    const before = fs.statSync(COMMITTED).mtimeMs;
    const build = spawnSync(process.execPath, [BUILD], { cwd: ROOT, encoding: 'utf8' });
    expect(build.status).toBe(0);
    expect(build.stderr).not.toMatch(/action/);
    expect(fs.statSync(COMMITTED).mtimeMs).toBe(before);
  });

  it('holds the AWS SDK and runs with no node_modules anywhere above it, within half a MiB', async () => {
    const alone = path.join(work, 'alone', 'index.js');
    fs.mkdirSync(path.dirname(alone), { recursive: true });
    fs.copyFileSync(COMMITTED, alone);
    const gitSync = await FakeCodeStarConnections.start();
    try {
      gitSync.script('network', [{ respond: wireGitSyncOutput({ desired: DESIRED, latest: wireGitSyncAttempt('SUCCEEDED', DESIRED) }) }]);
      const run = await runStep({
        main: alone,
        with: { 'stack-name': 'network' },
        endpoints: { AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS: gitSync.endpoint },
        env: { AWS_REGION: 'eu-west-1' },
      });
      expect(run).toMatchObject({ code: 0, stderr: '', outputs: { verdict: 'PASS' } });
    } finally {
      await gitSync.close();
    }
    // Committed on every rebuild: kept about the size of the command's bundle (both hold the SDK's two clients).
    expect(fs.statSync(COMMITTED).size).toBeLessThan(512 * 1024);
  });
});
