/**
 * End-to-end: the example app as synthesized with its Proton gate alone (bin/app.ts, cdk.json context with the
 * Proton keys and no Git-synced stack: PROTON_ONLY_CONTEXT), deployed into the offline world.
 * CloudFormation requests go to the template's ServiceToken; aws-cdk-lib's Provider framework runtime and the
 * gate's handler bundle run from the cloud assembly, with the real AWS SDK, against a model-checked fake Proton.
 * See test/README.md for what the world emulates and what it does not.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ATTRIBUTE_NAMES } from '../../lib/contract';
import { wireEvent } from '../../offline/fake-proton';
import { LifecycleOutcome, InstalledStack, OfflineWorld } from '../../offline/offline-world';
import { synthExampleApp } from '../../offline/synth';
import { ScenarioReport } from '../support/scenario-report';
import {
  answer,
  blockerCalls,
  expectReadIntervals,
  expectReadsUntilTimeout,
  expectTicksForPolls,
  functionName,
  gateProps,
  INSTANCE,
  logGroupOf,
  PROTON_ONLY_CONTEXT,
  SERVICE,
  sha,
  status,
  statusCalls,
  SYNC_STARTED,
  waiterRetry,
} from '../support/scenarios';

const EXPECTED = sha('expected commit');
/** What a pipeline often has: Git's 7-digit abbreviation, here in upper case. */
const ABBREVIATED = EXPECTED.slice(0, 7).toUpperCase();
const RENAMED = 'sample-instance-v2';
const GATE_ID = `proton:us-east-1:${SERVICE}/${INSTANCE}`;
const MAX_BYTES = 4096;

let world: OfflineWorld;
let base: InstalledStack;
let withExpectedSha: InstalledStack;
let withAbbreviatedSha: InstalledStack;
let renamed: InstalledStack;
const report = new ScenarioReport();

beforeAll(async () => {
  const [b, e, r, a] = synthExampleApp([
    PROTON_ONLY_CONTEXT,
    { ...PROTON_ONLY_CONTEXT, expectedSha: EXPECTED },
    { ...PROTON_ONLY_CONTEXT, serviceInstanceName: RENAMED },
    { ...PROTON_ONLY_CONTEXT, expectedSha: ABBREVIATED },
  ]);
  world = await OfflineWorld.start();
  // Each install stands for the deployment that put that template's functions in place.
  withAbbreviatedSha = world.install(a);
  withExpectedSha = world.install(e);
  renamed = world.install(r);
  base = world.install(b);
}, 180_000);

afterEach(() => {
  world.proton.assertHonest();
  world.setProtonEndpoint();
  world.proton.reset();
});

afterAll(async () => {
  report.print('Lifecycle scenarios (example app, offline world)');
  await world?.close();
});

/** What every answer must satisfy, whatever the scenario. */
function expectWellFormed(o: LifecycleOutcome): void {
  expect(o.responseBytes).toBeLessThanOrEqual(MAX_BYTES);
  expect(o.reason).not.toContain('Operation timed out');
  if (o.status === 'FAILED') expect(o.reason.length).toBeGreaterThan(0);
}

/** Every attribute of the contract, each a string, and nothing else. */
function expectAllAttributes(o: LifecycleOutcome): void {
  expect(Object.keys(o.data).sort()).toEqual([...ATTRIBUTE_NAMES].sort());
  for (const key of ATTRIBUTE_NAMES) expect(typeof o.data[key]).toBe('string');
}

describe('the example app synthesizes what the world runs', () => {
  test('the gate functions run the handler bundle as built, from the cloud assembly', () => {
    const built = fs.readFileSync(path.join(__dirname, '..', '..', 'assets', 'handler', 'index.js'));
    for (const handler of ['index.onEvent', 'index.isComplete']) {
      const [id] = Object.entries(base.synthesized.template.Resources).find(([, r]) => r.Properties?.Handler === handler)!;
      const code = base.synthesized.template.Resources[id].Properties!.Code as { S3Key: string };
      const dir = base.synthesized.assetDirs.get(code.S3Key.replace(/\.zip$/, ''))!;
      expect(path.relative(base.synthesized.outdir, dir)).toMatch(/^asset\./);
      expect(fs.readFileSync(path.join(dir, 'index.js')).equals(built)).toBe(true);
    }
  });

  test('the provider functions run aws-cdk-lib\'s own framework runtime, from the cloud assembly', () => {
    const runtime = path.join(path.dirname(require.resolve('aws-cdk-lib/package.json')), 'custom-resources', 'lib', 'provider-framework', 'runtime');
    const framework = Object.values(base.synthesized.template.Resources).filter((r) => String(r.Properties?.Handler).startsWith('framework.'));
    expect(framework.map((r) => r.Properties!.Handler).sort()).toEqual(['framework.isComplete', 'framework.onEvent', 'framework.onTimeout']);
    for (const r of framework) {
      const dir = base.synthesized.assetDirs.get((r.Properties!.Code as { S3Key: string }).S3Key.replace(/\.zip$/, ''))!;
      for (const file of ['framework.js', 'cfn-response.js', 'outbound.js', 'util.js', 'consts.js']) {
        expect(fs.readFileSync(path.join(dir, file)).equals(fs.readFileSync(path.join(runtime, file)))).toBe(true);
      }
    }
  });

  test('the waiter ticks every 5 s, more often than the gate reads, and the provider gives up only after the gate timeout', () => {
    const props = gateProps(base);
    const retry = waiterRetry(base);
    expect(retry.IntervalSeconds).toBe(5);
    expect(Number(props.PollIntervalSeconds) % retry.IntervalSeconds).toBe(0);
    expect(retry.BackoffRate).toBe(1);
    // The gate's own timeout must come first, or CloudFormation would read the framework's "Operation timed out".
    expect(retry.IntervalSeconds * retry.MaxAttempts).toBeGreaterThan(Number(props.WaitTimeoutSeconds) + Number(props.PollIntervalSeconds));
  });
});

describe('Create', () => {
  test('passes at once when the instance is already in sync, with every attribute, after one Proton call', async () => {
    const s = sha('in sync');
    world.proton.script(SERVICE, INSTANCE, [answer(status('SUCCEEDED', s, { lastGood: s }))]);
    const o = report.add('already in sync', await world.create(base));
    expectWellFormed(o);
    expect(o.status).toBe('SUCCESS');
    expect(o.physicalResourceId).toBe(GATE_ID);
    expect(o.protonCalls).toHaveLength(1);
    // Exactly one API call in all: no blocker read when the gate passes.
    expect(o.apiCalls).toHaveLength(1);
    expect(o.waiterAttempts).toBe(1);
    expectAllAttributes(o);
    expect(o.data).toMatchObject({
      Sha: s,
      Status: 'SUCCEEDED',
      InSync: 'true',
      Branch: 'main',
      RepositoryName: 'acme/platform',
      RepositoryProvider: 'GITHUB',
      LatestSyncSha: s,
      LatestSyncStartedAt: new Date(SYNC_STARTED).toISOString(),
      LatestSuccessfulSyncSha: s,
    });
    expect(o.data.LatestSyncEvent).toContain('SUCCEEDED');
    // The handler asks CloudFormation about rollbacks only for Updates.
    expect(o.describeStacksCalls).toHaveLength(0);
  });

  test('waits through a sync in progress, polling every interval, and passes when it succeeds', async () => {
    const s = sha('slow sync');
    world.proton.script(SERVICE, INSTANCE, [
      answer(status('INITIATED', s)),
      answer(status('IN_PROGRESS', s), 3),
      answer(status('SUCCEEDED', s)),
    ]);
    const o = report.add('in progress, then succeeds', await world.create(base));
    expectWellFormed(o);
    expect(o.status).toBe('SUCCESS');
    expect(o.protonCalls).toHaveLength(5);
    // The waiter asks every tick; the gate reads on the tick after each multiple of its interval, and only then.
    expectTicksForPolls(world, o, base, 5);
    expect(o.data).toMatchObject({ Sha: s, Status: 'SUCCEEDED', InSync: 'true' });
    expect(o.polls.map((p) => p.verdict)).toEqual(['WAIT', 'WAIT', 'WAIT', 'WAIT', 'PASS']);
    const interval = Number(gateProps(base).PollIntervalSeconds) * 1000;
    // Poll i comes i intervals after the first (with memory): virtual waits are exact (the clock jumps to each
    // deadline), and the real time the code takes only adds to them, so each poll falls in its own interval however
    // loaded the machine is (asserted as the interval's index, not as a window of seconds).
    expectReadIntervals(world, o, interval);
  });

  test('fails with the sync events and the poll log when the sync fails, and the rollback Delete succeeds', async () => {
    const s = sha('broken commit');
    const events = [
      wireEvent('STARTED', 'Sync started', SYNC_STARTED),
      wireEvent('FAILED', 'Template rendering failed: missing input "port" in instance spec', SYNC_STARTED + 90_000),
    ];
    world.proton.script(SERVICE, INSTANCE, [answer(status('IN_PROGRESS', s), 2), answer(status('FAILED', s, { events }))]);
    const o = report.add('sync fails', await world.create(base));
    expectWellFormed(o);
    expect(o.status).toBe('FAILED');
    expect(o.physicalResourceId).toBe(GATE_ID);
    expect(statusCalls(o)).toHaveLength(3);
    // The failed sync sends the gate to the blocker summary once, at both levels (instance and service).
    expect(blockerCalls(o).map((c) => c.serviceInstanceName ?? '(service)')).toEqual([INSTANCE, '(service)']);
    expect(o.reason).toContain(`Proton sync FAILED for service instance "${INSTANCE}" of service "${SERVICE}" in us-east-1 at desired sha ${s}`);
    expect(o.reason).toContain('Template rendering failed: missing input "port" in instance spec');
    expect(o.reason).toContain(`Poll log: ${logGroupOf(base, 'index.isComplete')}`);
    expect(o.reason).toContain(`Logs: /aws/lambda/${functionName(base, 'index.isComplete')}`);
    // The newest event comes first.
    expect(o.reason.indexOf('Template rendering failed')).toBeLessThan(o.reason.indexOf('Sync started'));

    const rollback = report.add('rollback Delete after failed Create', await world.delete(base, o.physicalResourceId));
    expect(rollback.status).toBe('SUCCESS');
    expect(rollback.physicalResourceId).toBe(GATE_ID);
    expect(rollback.protonCalls).toHaveLength(0);
  });

  test('waits for an instance that never synced and fails at the gate timeout, naming what it waited for', async () => {
    world.proton.script(SERVICE, INSTANCE, [answer({})]);
    const o = report.add('never synced', await world.create(base));
    expectWellFormed(o);
    expect(o.status).toBe('FAILED');
    expectReadsUntilTimeout(world, statusCalls(o).length, base);
    // Never synced: every poll also reads the blockers, at both levels, and finds none.
    expect(blockerCalls(o)).toHaveLength(2 * statusCalls(o).length);
    expect(o.reason).toContain('Gave up waiting for the Proton sync');
    expect(o.reason).toContain('no desired state is reported and no sync has run yet');
    expect(o.reason).toContain('Last seen: status NONE');
    expect(o.reason).toContain('10m 0s timeout');
    // The gate answers by itself well before CloudFormation's own bound on the request (its ServiceTimeout).
    const serviceTimeoutMs = Number(gateProps(base).ServiceTimeout) * 1000;
    expect(o.request.ResourceProperties).toMatchObject({ ServiceTimeout: gateProps(base).ServiceTimeout });
    expect(o.virtualElapsedMs).toBeLessThan(serviceTimeoutMs);
    expect(serviceTimeoutMs).toBeLessThan(3_600_000);
  });

  test('waits while the desired sha is newer than the last successful sync, and passes once it synced', async () => {
    const old = sha('last good');
    const next = sha('newly desired');
    world.proton.script(SERVICE, INSTANCE, [
      answer(status('SUCCEEDED', old, { desired: next, lastGood: old }), 2),
      answer(status('IN_PROGRESS', next, { lastGood: old })),
      answer(status('SUCCEEDED', next, { lastGood: next })),
    ]);
    const o = report.add('desired sha newer than last success', await world.create(base));
    expectWellFormed(o);
    expect(o.status).toBe('SUCCESS');
    expect(statusCalls(o)).toHaveLength(4);
    // Blockers are read on the two NEW_SYNC_DUE polls only.
    expect(blockerCalls(o)).toHaveLength(4);
    expect(o.polls.map((p) => p.situation)).toEqual(['NEW_SYNC_DUE', 'NEW_SYNC_DUE', 'SYNC_RUNNING', 'IN_SYNC']);
    expect(o.data).toMatchObject({ Sha: next, LatestSyncSha: next, LatestSuccessfulSyncSha: next, InSync: 'true' });
  });

  test('with an expected sha, waits until Proton desires it and its sync succeeded', async () => {
    const current = sha('currently desired');
    world.proton.script(SERVICE, INSTANCE, [
      answer(status('SUCCEEDED', current, { lastGood: current }), 2),
      answer(status('IN_PROGRESS', EXPECTED, { lastGood: current })),
      answer(status('SUCCEEDED', EXPECTED, { lastGood: EXPECTED })),
    ]);
    expect(gateProps(withExpectedSha).ExpectedSha).toBe(EXPECTED);
    const o = report.add('expected sha desired later', await world.create(withExpectedSha));
    expectWellFormed(o);
    expect(o.status).toBe('SUCCESS');
    expect(statusCalls(o)).toHaveLength(4);
    // While the expected sha is not desired, each poll also reads the blockers (an active one would stop it), at both levels.
    expect(blockerCalls(o)).toHaveLength(2 * 2);
    expect(o.polls.map((p) => p.situation)).toEqual(['EXPECTED_SHA_NOT_DESIRED', 'EXPECTED_SHA_NOT_DESIRED', 'SYNC_RUNNING', 'IN_SYNC']);
    expect(o.data).toMatchObject({ Sha: EXPECTED, InSync: 'true' });
  });

  test('with an abbreviated expected sha, matches the desired sha by prefix, case-insensitively, as Git does', async () => {
    const current = sha('currently desired');
    world.proton.script(SERVICE, INSTANCE, [
      answer(status('SUCCEEDED', current, { lastGood: current })),
      answer(status('SUCCEEDED', EXPECTED, { lastGood: EXPECTED })),
    ]);
    expect(gateProps(withAbbreviatedSha).ExpectedSha).toBe(ABBREVIATED);
    const o = report.add('abbreviated expected sha', await world.create(withAbbreviatedSha));
    expectWellFormed(o);
    expect(o.status).toBe('SUCCESS');
    expect(o.polls.map((p) => p.situation)).toEqual(['EXPECTED_SHA_NOT_DESIRED', 'IN_SYNC']);
    expect(o.data).toMatchObject({ Sha: EXPECTED, InSync: 'true' });
  });

  test('fails at once when Proton does not know the instance (404 is not retried)', async () => {
    // No script: the fake answers ResourceNotFoundException, as Proton does for an unknown instance.
    const o = report.add('not found', await world.create(base));
    expectWellFormed(o);
    expect(o.status).toBe('FAILED');
    expect(o.protonCalls).toHaveLength(1);
    expect(o.protonCalls[0].httpStatus).toBe(404);
    expect(o.reason).toContain(`Proton found no service instance "${INSTANCE}" of service "${SERVICE}"`);
    expect(o.reason).toContain(`aws proton list-service-instances --region us-east-1 --service-name ${SERVICE}`);
  });

  test('fails at once on access denied, naming the permission the handler role needs', async () => {
    world.proton.script(SERVICE, INSTANCE, [{ error: 'AccessDeniedException' }]);
    const o = report.add('access denied', await world.create(base));
    expectWellFormed(o);
    expect(o.status).toBe('FAILED');
    expect(o.protonCalls).toHaveLength(1);
    expect(o.protonCalls[0].httpStatus).toBe(403);
    expect(o.reason).toContain('Access denied reading the sync status');
    expect(o.reason).toContain('proton:GetServiceInstanceSyncStatus');
  });

  test('times out with its own reason, before the provider framework would, when a sync never finishes', async () => {
    const s = sha('stuck sync');
    world.proton.script(SERVICE, INSTANCE, [answer(status('IN_PROGRESS', s))]);
    const o = report.add('gate times out', await world.create(base));
    expectWellFormed(o);
    expect(o.status).toBe('FAILED');
    expectReadsUntilTimeout(world, o.protonCalls.length, base);
    expect(o.waiterAttempts).toBeLessThan(waiterRetry(base).MaxAttempts + 1);
    expect(o.reason).toContain('Gave up waiting for the Proton sync');
    // Real processing time adds a little to the virtual wait, so the waited time may round up by a few seconds.
    const minutes = Number(gateProps(base).WaitTimeoutSeconds) / 60;
    expect(o.reason).toMatch(new RegExp(`the gate waited ${minutes}m \\d{1,2}s of its ${minutes}m 0s timeout`));
    expect(o.reason).toContain(`the sync of the desired sha ${s} is IN_PROGRESS`);
    expect(o.reason).toContain('raise the gate\'s waitTimeout');
    const props = gateProps(base);
    expect(o.virtualElapsedMs).toBeGreaterThanOrEqual(Number(props.WaitTimeoutSeconds) * 1000);
  });

  test('keeps a failure within 4,096 bytes when the sync has very many long events', async () => {
    const s = sha('noisy failure');
    const long = 'Stack update failed: résumé → ünïcödé 🚀 '.repeat(60);
    const events = Array.from({ length: 400 }, (_, i) => wireEvent(`EVENT_${i % 7}`, `${i}: ${long}`, SYNC_STARTED + i * 1000, `ext-${i}`));
    world.proton.script(SERVICE, INSTANCE, [answer(status('FAILED', s, { events }))]);
    const o = report.add('failure with 400 long events', await world.create(base));
    expect(o.status).toBe('FAILED');
    expect(o.responseBytes).toBeLessThanOrEqual(MAX_BYTES);
    expect(o.reason).toContain(`at desired sha ${s}`);
    expect(o.reason).toContain('(400 in all)');
    // The newest event is listed; CloudFormation still gets the log pointer.
    expect(o.reason).toContain('399: Stack update failed');
    expect(o.reason).toContain(`Logs: /aws/lambda/${functionName(base, 'index.isComplete')}`);
  });

  test('keeps a success within 4,096 bytes when the sync has very many long events, shortening only free text', async () => {
    const s = sha('noisy success');
    const long = 'Deployed résumé-service ✓ '.repeat(80);
    const events = Array.from({ length: 400 }, (_, i) => wireEvent('DEPLOYED', `${i}: ${long}`, SYNC_STARTED + i * 1000));
    world.proton.script(SERVICE, INSTANCE, [
      answer(status('SUCCEEDED', s, { lastGood: s, events }), 1),
    ]);
    const o = report.add('success with 400 long events', await world.create(base));
    expect(o.status).toBe('SUCCESS');
    expect(o.responseBytes).toBeLessThanOrEqual(MAX_BYTES);
    expectAllAttributes(o);
    expect(o.data.Sha).toBe(s);
    expect(String(o.data.LatestSyncEvent)).toMatch(/^\S+ DEPLOYED: 399: Deployed/);
    expect(Array.from(String(o.data.LatestSyncEvent)).length).toBeLessThanOrEqual(300);
  });
});

describe('Update', () => {
  test('an Update that changes a property keeps the physical id and checks the sync again', async () => {
    world.proton.script(SERVICE, INSTANCE, [answer(status('SUCCEEDED', EXPECTED, { lastGood: EXPECTED }))]);
    world.install(withExpectedSha);
    const o = report.add('update (adds expectedSha)', await world.update(base, withExpectedSha, GATE_ID));
    expectWellFormed(o);
    expect(o.request.OldResourceProperties).not.toHaveProperty('ExpectedSha');
    expect((o.request.ResourceProperties as Record<string, unknown>).ExpectedSha).toBe(EXPECTED);
    expect(o.status).toBe('SUCCESS');
    expect(o.physicalResourceId).toBe(GATE_ID);
    expect(o.protonCalls).toHaveLength(1);
    expect(o.data).toMatchObject({ Sha: EXPECTED, InSync: 'true' });
    // Passing needs no rollback check.
    expect(o.describeStacksCalls).toHaveLength(0);
  });

  test('an Update that renames the instance replaces the gate, and the Delete of the old id calls nothing', async () => {
    const s = sha('renamed instance');
    world.proton.script(SERVICE, RENAMED, [answer(status('SUCCEEDED', s, { lastGood: s }))]);
    world.install(renamed);
    const o = report.add('replacement (rename instance)', await world.update(base, renamed, GATE_ID));
    expectWellFormed(o);
    expect(o.status).toBe('SUCCESS');
    expect(o.physicalResourceId).toBe(`proton:us-east-1:${SERVICE}/${RENAMED}`);
    expect(o.protonCalls.map((c) => c.serviceInstanceName)).toEqual([RENAMED]);

    // CloudFormation deletes the old resource in the cleanup phase, with the old template's properties.
    world.install(base);
    const cleanup = report.add('Delete of the replaced id', await world.delete(base, GATE_ID, { stackStatus: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' }));
    expect(cleanup.status).toBe('SUCCESS');
    expect(cleanup.physicalResourceId).toBe(GATE_ID);
    expect(cleanup.protonCalls).toHaveLength(0);
  });

  test('an Update that rolls back a failed update reports without judging, so the rollback completes', async () => {
    const s = sha('failed again');
    world.proton.script(SERVICE, INSTANCE, [answer(status('FAILED', s))]);
    world.install(base);
    const o = report.add('update rollback while sync FAILED', await world.update(withExpectedSha, base, GATE_ID, { stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' }));
    expectWellFormed(o);
    expect(o.status).toBe('SUCCESS');
    expect(statusCalls(o)).toHaveLength(1);
    expect(blockerCalls(o)).toHaveLength(2);
    expect(o.describeStacksCalls.map((c) => c.answered)).toEqual(['UPDATE_ROLLBACK_IN_PROGRESS']);
    expect(o.data).toMatchObject({ Sha: s, Status: 'FAILED', InSync: 'false' });
  });

  test('an ordinary Update still fails on a failed sync (the rollback check does not pass everything)', async () => {
    const s = sha('failed update');
    world.proton.script(SERVICE, INSTANCE, [answer(status('FAILED', s))]);
    world.install(base);
    const o = report.add('update while sync FAILED', await world.update(withExpectedSha, base, GATE_ID));
    expectWellFormed(o);
    expect(o.status).toBe('FAILED');
    expect(statusCalls(o)).toHaveLength(1);
    expect(blockerCalls(o)).toHaveLength(2);
    expect(o.describeStacksCalls.map((c) => c.answered)).toEqual(['UPDATE_IN_PROGRESS']);
    expect(o.reason).toContain(`Proton sync FAILED for service instance "${INSTANCE}"`);
  });
});

describe('Delete', () => {
  test('a Delete succeeds without calling Proton and keeps the physical id', async () => {
    world.proton.script(SERVICE, INSTANCE, [{ error: 'InternalServerException' }]);
    const o = report.add('delete', await world.delete(base, GATE_ID));
    expect(o.status).toBe('SUCCESS');
    expect(o.physicalResourceId).toBe(GATE_ID);
    expect(o.protonCalls).toHaveLength(0);
    expect(o.data).toEqual({});
  });

  test('a Delete succeeds when Proton is unreachable', async () => {
    world.setProtonEndpoint('http://127.0.0.1:9');
    const o = report.add('delete, Proton unreachable', await world.delete(base, GATE_ID));
    expect(o.status).toBe('SUCCESS');
    expect(o.physicalResourceId).toBe(GATE_ID);
    expect(o.protonCalls).toHaveLength(0);
  });
});
