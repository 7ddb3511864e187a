/**
 * The built command (assets/cli/index.js, the file the package's bin points at) as a child process against the
 * fake Proton on 127.0.0.1, through the bundled AWS SDK: serialisation, signing and retries are real. Any other
 * AWS endpoint is a dead loopback port, and the credentials are fake: nothing can reach AWS.
 *
 * Checks once, except one short wait whose fake flips on the number of calls (not on time), so that a loaded
 * machine changes how long it takes, never what it shows.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ATTRIBUTE_NAMES } from '../../lib/contract';
import { CallBudget } from '../../lib/limits';
import {
  FakeCodeStarConnections,
  GIT_SYNC_CONFIGURATION,
  wireGitSyncAttempt,
  wireGitSyncBlocker,
  wireGitSyncBlockerSummary,
  wireGitSyncConfiguration,
  wireGitSyncOutput,
} from '../../offline/fake-codestar-connections';
import { FakeIam, roleArn } from '../../offline/fake-iam';
import { FakeProton, wireAttempt, wireSyncOutput } from '../../offline/fake-proton';
import { FakeSts } from '../../offline/fake-sts';
import { DESIRED } from '../fixtures';
import { Run, runBundle } from './cli-fixtures';

const BUNDLE = path.join(__dirname, '..', '..', 'assets', 'cli', 'index.js');
const CHECK = ['check', 'proton', '--region', 'eu-west-1', '--service', 'api'];

let proton: FakeProton;

beforeAll(async () => {
  proton = await FakeProton.start();
});

afterAll(async () => {
  await proton?.close();
});

beforeEach(() => proton.reset());

afterEach(() => proton.assertHonest());

const run = (...args: string[]): Promise<Run> => runBundle(BUNDLE, [...CHECK, ...args], { AWS_ENDPOINT_URL_PROTON: proton.endpoint });

describe('the built cdk-git-sync-gate command', () => {
  it('is an executable script with a shebang line', () => {
    expect(fs.readFileSync(BUNDLE, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(fs.statSync(BUNDLE).mode & 0o111).toBe(0o111);
  });

  it('exits 0 with a summary on stdout, and nothing on stderr, when the instance is in sync', async () => {
    proton.script('api', 'prod', [{ respond: wireSyncOutput({ desired: DESIRED, latest: wireAttempt('SUCCEEDED', DESIRED) }) }]);
    const result = await run('--instance', 'prod');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^PASS: the gate would pass \(IN_SYNC\)\.\n/);
    expect(result.stdout).toContain(`  Sha                      ${DESIRED}\n`);
    // One call, signed for the region given.
    expect(proton.callsFor('api', 'prod').map((c) => [c.outcome, c.region])).toEqual([['response', 'eu-west-1']]);
  });

  it("retries a throttled or 5xx read as the SDK's standard mode does before it answers, where the gate would give up the poll", async () => {
    proton.script('api', 'prod', [
      { error: 'ThrottlingException', times: 2 },
      { error: 'InternalServerException' },
      { respond: wireSyncOutput({ desired: DESIRED, latest: wireAttempt('SUCCEEDED', DESIRED) }) },
    ]);
    const result = await run('--instance', 'prod');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(proton.callsFor('api', 'prod').map((c) => c.httpStatus)).toEqual([429, 429, 500, 200]);
  });

  it('says "could not read" and that the gate would wait, exit 3, when every attempt of a single check is throttled', async () => {
    proton.script('api', 'prod', [{ error: 'ThrottlingException' }]);
    const result = await run('--instance', 'prod');
    expect(result.code).toBe(3);
    expect(result.stdout.split('\n')[0]).toBe('NO DECISION: could not read the sync status; the gate would wait and read again (give the check a --wait to do the same).');
    expect(result.stdout).not.toContain('would fail');
    // Every attempt of the call budget, then the answer.
    expect(proton.callsFor('api', 'prod')).toHaveLength(CallBudget.maxAttempts);
  });

  it('exits 1 with the gate reason when the sync FAILED', async () => {
    proton.script('api', 'prod', [{ respond: wireSyncOutput({ desired: DESIRED, latest: wireAttempt('FAILED', DESIRED) }) }]);
    const result = await run('--instance', 'prod');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL: the gate would fail \(SYNC_FAILED\)\.\n/);
    expect(result.stdout).toContain('Proton sync FAILED for service instance "prod" of service "api" in eu-west-1 at desired sha');
    expect(result.stdout).toContain('[FAILED] Deployment failed: template validation error');
  });

  it('exits 3 (no decision) at once when Proton knows no such instance', async () => {
    const result = await run('--instance', 'missing', '--wait', '10m');
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('Proton found no service instance "missing" of service "api" in eu-west-1 (ResourceNotFoundException');
    expect(proton.callsFor('api', 'missing')).toHaveLength(1);
  });

  it('exits 3 (no decision) when access is denied', async () => {
    proton.script('api', 'prod', [{ error: 'AccessDeniedException', message: 'not authorized' }]);
    const result = await run('--instance', 'prod');
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('Access denied reading the sync status of service instance "prod"');
  });

  it('prints one JSON object with --json', async () => {
    proton.script('api', 'prod', [{ respond: wireSyncOutput({ desired: DESIRED, latest: wireAttempt('SUCCEEDED', DESIRED) }) }]);
    const result = await run('--instance', 'prod', '--json', '--expected-sha', DESIRED.slice(0, 7).toUpperCase());
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { attributes: Record<string, string> };
    expect(json).toMatchObject({
      verdict: 'PASS',
      situation: 'IN_SYNC',
      source: 'proton',
      subject: { serviceName: 'api', serviceInstanceName: 'prod', region: 'eu-west-1' },
      polls: 1,
    });
    expect(Object.keys(json.attributes)).toEqual([...ATTRIBUTE_NAMES]);
    expect(json.attributes).toMatchObject({ Sha: DESIRED, Status: 'SUCCEEDED', InSync: 'true' });
  });

  it('exits 2 on a bad option without calling anything', async () => {
    const result = await run('--instance', 'prod', '--poll', '1s');
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^cdk-git-sync-gate: Invalid --poll "1s" \(PollIntervalSeconds "1"\): expected a whole number of seconds from 5 to 300\./);
    expect(proton.calls).toHaveLength(0);
  });

  it('waits for a running sync, with one progress line per poll on stderr, and passes when it succeeds', async () => {
    // The fake answers IN_PROGRESS once, then SUCCEEDED: one real poll interval (5 s, the shortest the gate allows).
    proton.script('api', 'prod', [
      { respond: wireSyncOutput({ desired: DESIRED, latest: wireAttempt('IN_PROGRESS', DESIRED) }), times: 1 },
      { respond: wireSyncOutput({ desired: DESIRED, latest: wireAttempt('SUCCEEDED', DESIRED) }) },
    ]);
    const result = await run('--instance', 'prod', '--wait', '10m', '--poll', '5s');
    expect(result.code).toBe(0);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^poll 1 \(0s elapsed, 10m 0s left\): SYNC_RUNNING, status IN_PROGRESS, /);
    expect(lines[1]).toMatch(/^poll 2 \(\d+s elapsed, \d+m \d+s left\): IN_SYNC, status SUCCEEDED, /);
    expect(result.stdout).toMatch(/^PASS: /);
    expect(proton.callsFor('api', 'prod')).toHaveLength(2);
  });
});

describe('the built command for CloudFormation Git sync', () => {
  let gitSync: FakeCodeStarConnections;
  beforeAll(async () => {
    gitSync = await FakeCodeStarConnections.start();
  });
  afterAll(async () => {
    await gitSync?.close();
  });
  const checkStack = (stack: string, ...args: string[]) =>
    runBundle(BUNDLE, ['check', 'git-sync', '--stack', stack, '--region', 'eu-west-1', ...args], { AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS: gitSync.endpoint });

  it('exits 0 when the stack is in sync', async () => {
    gitSync.script('app-stack', [{ respond: wireGitSyncOutput({ desired: DESIRED, latest: wireGitSyncAttempt('SUCCEEDED', DESIRED) }) }]);
    const result = await checkStack('app-stack', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      verdict: 'PASS',
      situation: 'IN_SYNC',
      source: 'git-sync',
      subject: { source: 'git-sync', stackName: 'app-stack', region: 'eu-west-1' },
    });
    gitSync.assertHonest();
  });

  it('exits 1 (BLOCKED) when an active sync blocker stops the sync of a failed stack', async () => {
    gitSync.script('blocked-stack', [{ respond: wireGitSyncOutput({ desired: DESIRED, latest: wireGitSyncAttempt('FAILED', DESIRED) }) }]);
    gitSync.scriptBlockers('blocked-stack', [{ respond: wireGitSyncBlockerSummary('blocked-stack', [wireGitSyncBlocker({ id: 'blocker-7' })]) }]);
    const result = await checkStack('blocked-stack');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL: the gate would fail \(BLOCKED\)\.\n/);
    expect(result.stdout).toContain('blocker-7');
    gitSync.assertHonest();
  });

  it('says why an expected sha is not desired from the sync configuration: only file changes, the deployment file, the command', async () => {
    const other = 'b'.repeat(40);
    gitSync.script('file-stack', [{ respond: wireGitSyncOutput({ desired: other, latest: wireGitSyncAttempt('SUCCEEDED', other) }) }]);
    gitSync.scriptConfiguration('file-stack', [
      { respond: { SyncConfiguration: wireGitSyncConfiguration({ stackName: 'file-stack', trigger: 'FILE_CHANGE', configFile: 'deploy/file-stack.yaml' }) } },
    ]);
    const result = await checkStack('file-stack', '--expected-sha', DESIRED.slice(0, 7));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL: the gate would fail \(TIMED_OUT\)\.\n/);
    expect(result.stdout).toContain('only on commits that change its deployment file deploy/file-stack.yaml');
    expect(result.stdout).toContain('`git log -1 --format=%H origin/main -- deploy/file-stack.yaml');
    expect(gitSync.callsFor('file-stack', GIT_SYNC_CONFIGURATION)).toHaveLength(1);
  });

  it('exits 3 (no decision) when Git sync has no sync configuration for the stack', async () => {
    const result = await checkStack('unknown-stack');
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^NO DECISION: /);
  });

  it.each([
    ['git-sync', ['--stack', 'network'], 'AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS'],
    ['proton', ['--service', 'api', '--instance', 'prod'], 'AWS_ENDPOINT_URL_PROTON'],
  ])('check %s names the region once in its reason when the endpoint refuses connections (commands aside)', async (source, names, endpoint) => {
    const result = await runBundle(BUNDLE, ['check', source, ...names, '--region', 'eu-west-1', '--json'], { [endpoint]: 'http://127.0.0.1:9' });
    const json = JSON.parse(result.stdout) as { exitCode: number; situation: string; reason: string; gateReason: string };
    expect([result.code, json.situation]).toEqual([3, 'SOURCE_ERROR']);
    expect(json.reason).toMatch(/^Could not reach .+ in eu-west-1 after \d+ attempts \(ECONNREFUSED/);
    for (const reason of [json.reason, json.gateReason]) expect(reason.replace(/`[^`]*`/g, '').split('eu-west-1')).toHaveLength(2);
  });
});

describe('the built command reading through a role in another account (--role-arn)', () => {
  const A = '111111111111';
  const B = '222222222222';
  const READER = roleArn('aws', B, 'sync-gate-reader');
  let iam: FakeIam;
  let sts: FakeSts;
  let gitSync: FakeCodeStarConnections;
  beforeAll(async () => {
    iam = new FakeIam();
    // runBundle's credentials sign as a user of A; the role in B trusts A.
    iam.addKey('AKIDFAKEFAKEFAKE', { account: A, arn: `arn:aws:iam::${A}:user/ci`, principalArn: `arn:aws:iam::${A}:user/ci` });
    iam.putRole({
      arn: READER,
      trust: { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'ext-1' } } }] },
      inline: { read: { Statement: [{ Effect: 'Allow', Action: ['codestar-connections:GetResourceSyncStatus', 'codestar-connections:GetSyncBlockerSummary'], Resource: '*' }] } },
    });
    sts = await FakeSts.start({ iam });
    gitSync = await FakeCodeStarConnections.start();
    gitSync.iam = iam;
    gitSync.homeAccount = A;
    gitSync.script('network', [{ respond: wireGitSyncOutput({ desired: DESIRED, latest: wireGitSyncAttempt('SUCCEEDED', DESIRED) }) }], B);
  });
  afterAll(async () => {
    await sts?.close();
    await gitSync?.close();
  });
  afterEach(() => {
    sts.assertHonest();
    gitSync.assertHonest();
  });
  const check = (...args: string[]) =>
    runBundle(BUNDLE, ['check', 'git-sync', '--stack', 'network', '--region', 'eu-west-1', '--role-arn', READER, ...args], {
      AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS: gitSync.endpoint,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
    });

  it("reads the stack of the role's account through a session named for the check, and says which account it read", async () => {
    const result = await check('--external-id', 'ext-1', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ verdict: 'PASS', attributes: { Sha: DESIRED, SyncAccount: B, SyncRegion: 'eu-west-1' } });
    expect(sts.assumeRoleCalls.at(-1)).toMatchObject({ roleArn: READER, roleSessionName: 'cdk-git-sync-gate-check', externalId: 'ext-1', region: 'eu-west-1', outcome: 'credentials' });
    expect(gitSync.calls.at(-1)).toMatchObject({ account: B, caller: `arn:aws:sts::${B}:assumed-role/sync-gate-reader/cdk-git-sync-gate-check` });
  });

  it("exits 3 at once, in the check's words, when the role cannot be assumed (here: the owner's external id is missing)", async () => {
    const before = gitSync.calls.length;
    const result = await check('--wait', '10m');
    expect(result.code).toBe(3);
    expect(result.stdout).toContain(`Could not assume the reader role ${READER} to read the Git sync status of stack "network" in eu-west-1 of account ${B} (HTTP 403 AccessDenied: User: arn:aws:iam::${A}:user/ci is not authorized`);
    expect(result.stdout).toContain('pass it with --external-id');
    expect(gitSync.calls.length).toBe(before);
  });
});

