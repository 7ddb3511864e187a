/**
 * Sequences of deployments beyond a prop change, through the offline world's stack deployer
 * (offline/stack-deployment.ts) and the test-only gate app (test/lifecycle/apps/gate-app.ts):
 * - the migration docs/migration.md tells users to make: swap ServiceInstanceSyncGate for GitSyncGate under the same
 *   construct id and deploy; the old Proton gate is deleted in cleanup without calling Proton (even unreachable);
 * - an upgrade of this library: the same app with a newer handler bundle; the functions are updated before the gate,
 *   which the new code checks;
 * - rollbacks in a world that forgets and throttles like AWS (every tick in a new execution environment; the
 *   source and CloudFormation's own DescribeStacks throttle; the source vanishes mid-life): a rollback Update ends
 *   SUCCESS within two reads of its start, never at the gate's deadline, and its attributes are never empty;
 * - a nested stack's rollback: the gate in a NestedStack rolls back with its root, seeing its own stack rolling back.
 */
import { ATTRIBUTE_NAMES, GIT_SYNC_RESOURCE_TYPE, Prop, PROTON_RESOURCE_TYPE, VALUE_UNKNOWN } from '../../lib/contract';
import { CallBudget } from '../../lib/limits';
import { eventsOf, firstFailure, requestsOf, statusesOf } from '../../offline/deployment-outcome';
import type { GitSyncErrorName } from '../../offline/fake-codestar-connections';
import { OfflineWorld } from '../../offline/offline-world';
import { StackDeployment } from '../../offline/stack-deployment';
import { SynthesizedStack, synthApp } from '../../offline/synth';
import { answer, GIT_SYNC_STACK, gitSyncStatus, INSTANCE, SERVICE, sha, status } from '../support/scenarios';
import { GATE_APP, gateLogicalId, idsOfType, nestedTemplateOf, syncedShaId, withUpgradedHandler } from '../support/sequences';

const SYNCED = sha('rollback synced');
const EXPECTED = sha('rollback expected');
const GIT_SYNCED = sha('git synced');
const UPGRADE_MARK = 'upgraded handler bundle loaded';

let world: OfflineWorld;
let base: SynthesizedStack;
let gitSync: SynthesizedStack;
let rebuilt: SynthesizedStack;
let failing: SynthesizedStack;
let nested: SynthesizedStack;
let nestedFailing: SynthesizedStack;
let gated: SynthesizedStack;
let gitGated: SynthesizedStack;

beforeAll(async () => {
  [base, gitSync, rebuilt, failing, nested, nestedFailing, gated, gitGated] = synthApp(GATE_APP, [
    {},
    { gate: 'git-sync', stackName: GIT_SYNC_STACK },
    { build: 'next release' },
    { expectedSha: EXPECTED, fail: 'true' },
    { nested: 'true' },
    { nested: 'true', expectedSha: EXPECTED, fail: 'true' },
    { expectedSha: EXPECTED },
    { gate: 'git-sync', stackName: GIT_SYNC_STACK, expectedSha: EXPECTED },
  ]);
  world = await OfflineWorld.start();
}, 180_000);

afterEach(() => {
  world.proton.assertHonest();
  world.gitSync.assertHonest();
  world.proton.reset();
  world.gitSync.reset();
  world.cloudFormation.reset();
  world.setProtonEndpoint();
});

/** Every attribute of a gate's answer is a non-empty string (a resource such as an SSM parameter may reject ''). */
function expectNoEmptyAttribute(data: Readonly<Record<string, unknown>>): void {
  for (const name of ATTRIBUTE_NAMES) expect(String(data[name] ?? '')).not.toBe('');
}

afterAll(async () => {
  await world?.close();
});

test('the same-id migration from ServiceInstanceSyncGate to GitSyncGate deploys; the old gate is deleted without calling Proton', async () => {
  world.proton.script(SERVICE, INSTANCE, [answer(status('SUCCEEDED', SYNCED, { lastGood: SYNCED }))]);
  world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('SUCCEEDED', GIT_SYNCED, { lastGood: GIT_SYNCED }))]);
  const deployment = new StackDeployment(world);
  expect((await deployment.deploy(base)).status).toBe('CREATE_COMPLETE');
  const [protonGate] = idsOfType(base.template, PROTON_RESOURCE_TYPE);

  // After Proton's end of support its endpoint does not answer: the migration must not need it.
  world.setProtonEndpoint('http://127.0.0.1:9');
  const o = await deployment.deploy(gitSync);
  expect(o.error).toBeUndefined();
  expect(firstFailure(o)).toBeUndefined();
  expect(o.status).toBe('UPDATE_COMPLETE');
  const [gitGate] = idsOfType(gitSync.template, GIT_SYNC_RESOURCE_TYPE);
  expect(requestsOf(o, gitGate).map((r) => `${r.requestType} ${r.status}`)).toEqual(['Create SUCCESS']);
  expect(requestsOf(o, gitGate)[0].gitSyncCalls).toHaveLength(1);
  expect(requestsOf(o, protonGate).map((r) => `${r.requestType} ${r.status} ${r.physicalResourceId}`)).toEqual([
    `Delete SUCCESS proton:us-east-1:${SERVICE}/${INSTANCE}`,
  ]);
  expect(eventsOf(o, protonGate).map((e) => e.stackStatus)).toEqual(['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS']);
  expect(world.proton.calls).toHaveLength(1); // the Create's, before the endpoint closed
  expect(deployment.resource(syncedShaId(gitSync.template)).properties.Value).toBe(GIT_SYNCED);
});

test('an upgrade (the same app, a newer handler bundle) updates the functions, then the new code checks the gate', async () => {
  world.proton.script(SERVICE, INSTANCE, [answer(status('SUCCEEDED', SYNCED, { lastGood: SYNCED }))]);
  const deployment = new StackDeployment(world);
  await deployment.deploy(base);
  const upgraded = withUpgradedHandler(rebuilt, (code) => `${code}\nconsole.log(${JSON.stringify(UPGRADE_MARK)});\n`);
  const gate = gateLogicalId(upgraded);
  const handlers = Object.entries(upgraded.template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && String(r.Properties!.Handler).startsWith('index.'))
    .map(([id]) => id);
  expect(handlers).toHaveLength(2);

  const o = await deployment.deploy(upgraded);
  expect(firstFailure(o)).toBeUndefined();
  expect(o.status).toBe('UPDATE_COMPLETE');
  const order = o.events.map((e) => `${e.logicalId} ${e.resourceStatus}`);
  for (const id of handlers) expect(order.indexOf(`${id} UPDATE_COMPLETE`)).toBeLessThan(order.indexOf(`${gate} UPDATE_COMPLETE`));
  const [update] = requestsOf(o, gate);
  expect(update).toMatchObject({ requestType: 'Update', status: 'SUCCESS' });
  expect(update.logs).toContain(UPGRADE_MARK);
  expect(update.protonCalls).toHaveLength(1);
});

test('the environments forget: every invocation of this world runs in a new execution environment', () => {
  expect(world.lambda.reuse).toBe('fresh');
});

test("a rollback whose first read is throttled, then the sync runs long, ends SUCCESS at its second read, never at the gate's deadline", async () => {
  world.proton.script(SERVICE, INSTANCE, [
    answer(status('SUCCEEDED', SYNCED, { lastGood: SYNCED })), // Create
    answer(status('SUCCEEDED', EXPECTED, { lastGood: EXPECTED })), // the update: the expected sha synced
    { error: 'ThrottlingException' }, // the rollback's first read
    answer(status('IN_PROGRESS', sha('a long sync'), { desired: sha('a long sync'), lastGood: EXPECTED })), // then a sync that runs for long
  ]);
  const deployment = new StackDeployment(world);
  await deployment.deploy(base);
  const gate = gateLogicalId(base);

  const o = await deployment.deploy(failing);
  expect(firstFailure(o)).toMatchObject({ logicalId: 'Breaks', resourceStatus: 'CREATE_FAILED' });
  expect(statusesOf(o)).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE']);
  const [update, rollback, ...others] = requestsOf(o, gate);
  expect(others).toEqual([]);
  expect(update).toMatchObject({ requestType: 'Update', status: 'SUCCESS' });
  // The rollback Update carries the old properties, and the failed new ones as OldResourceProperties.
  expect((rollback.request.ResourceProperties as Record<string, unknown>)[Prop.ExpectedSha]).toBeUndefined();
  expect((rollback.request.OldResourceProperties as Record<string, unknown>)[Prop.ExpectedSha]).toBe(EXPECTED);
  expect(rollback.status).toBe('SUCCESS');
  // One call per read (no retry of a throttled read), two reads, a poll interval apart: not the 10-minute wait.
  expect(rollback.protonCalls.map((c) => c.httpStatus)).toEqual([429, 200]);
  expect(rollback.polls.map((p) => [p.verdict, p.situation])).toEqual([
    ['WAIT', 'SOURCE_UNAVAILABLE'],
    ['PASS', 'ROLLBACK'],
  ]);
  expect(rollback.virtualElapsedMs).toBeLessThan(2 * 15_000 + 10_000);
  expect(rollback.data).toMatchObject({ Status: 'IN_PROGRESS', InSync: 'false' });
  expectNoEmptyAttribute(rollback.data);
  // Asked on each read that would not pass, in an environment that remembered nothing of the one before.
  expect(rollback.describeStacksCalls.map((c) => c.answered)).toEqual(['UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS']);
});

test('a rollback whose every read is throttled ends SUCCESS at its second read, every attribute UNKNOWN but where it reads', async () => {
  world.proton.script(SERVICE, INSTANCE, [
    answer(status('SUCCEEDED', SYNCED, { lastGood: SYNCED })),
    answer(status('SUCCEEDED', EXPECTED, { lastGood: EXPECTED })),
    { error: 'ThrottlingException' },
  ]);
  const deployment = new StackDeployment(world);
  await deployment.deploy(base);
  const o = await deployment.deploy(failing);
  expect(o.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  const [, rollback] = requestsOf(o, gateLogicalId(base));
  expect(rollback.status).toBe('SUCCESS');
  expect(rollback.protonCalls).toHaveLength(2);
  // The properties rolled back to have no expectedSha: nothing to report as Sha but UNKNOWN. Where the gate reads is
  // known without a read: the stack's own account (no reader role) and region.
  expect(rollback.data).toEqual({
    ...Object.fromEntries(ATTRIBUTE_NAMES.map((n) => [n, VALUE_UNKNOWN])),
    InSync: 'false',
    SyncAccount: world.accountId,
    SyncRegion: world.region,
  });
});

test("an update that fails on a FAILED sync while CloudFormation's DescribeStacks throttles fails, and its rollback completes", async () => {
  world.proton.script(SERVICE, INSTANCE, [
    answer(status('SUCCEEDED', SYNCED, { lastGood: SYNCED })), // Create
    answer(status('FAILED', EXPECTED, { lastGood: SYNCED })), // the update's reads, and the rollback's: the expected sha FAILED
  ]);
  const deployment = new StackDeployment(world);
  await deployment.deploy(base);
  // A busy account: every DescribeStacks attempt of the update's first read and of the rollback's first read is
  // throttled (the SDK's standard mode tries each call 3 times); the update's second read gets its answer.
  const throttled = { fault: 'Throttling', times: CallBudget.stackCallMaxAttempts } as const;
  world.cloudFormation.script([throttled, {}, throttled]);
  const gate = gateLogicalId(base);
  const o = await deployment.deploy(gated);
  const [update, rollback, ...others] = requestsOf(o, gate);
  expect(others).toEqual([]);
  expect(update.status).toBe('FAILED');
  expect(update.reason).toMatch(/^Proton sync FAILED for service instance/);
  // The failure waited one read for DescribeStacks to say "not rolling back" (a rollback must never fail).
  expect(update.polls.map((p) => p.situation)).toEqual(['STACK_STATE_UNKNOWN', 'SYNC_FAILED']);
  expect(rollback.request.RequestType).toBe('Update');
  expect(rollback.status).toBe('SUCCESS');
  expect(rollback.polls.map((p) => p.situation)).toEqual(['STACK_STATE_UNKNOWN', 'ROLLBACK']);
  expect(rollback.data).toMatchObject({ Status: 'FAILED', Sha: EXPECTED });
  expect(o.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(statusesOf(o)).not.toContain('UPDATE_ROLLBACK_FAILED');
});

describe('the source vanishes mid-life: the update fails at once, and its rollback Update succeeds', () => {
  test.each<[string, GitSyncErrorName, RegExp]>([
    ['Git sync: the sync configuration was deleted', 'ResourceNotFoundException', /no sync configuration|not found/i],
    ['Git sync: the handler role lost its access', 'AccessDeniedException', /^Access denied reading the Git sync status/],
  ])('%s (%s)', async (_name, error, reason) => {
    world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('SUCCEEDED', GIT_SYNCED, { lastGood: GIT_SYNCED })), { error }]);
    const deployment = new StackDeployment(world);
    expect((await deployment.deploy(gitSync)).status).toBe('CREATE_COMPLETE');
    const o = await deployment.deploy(gitGated);
    const gate = gateLogicalId(gitGated);
    const [update, rollback, ...others] = requestsOf(o, gate);
    expect(others).toEqual([]);
    expect(update.status).toBe('FAILED');
    expect(update.reason).toMatch(reason);
    expect(update.gitSyncCalls).toHaveLength(1);
    expect(rollback.status).toBe('SUCCESS');
    expect(rollback.gitSyncCalls).toHaveLength(1);
    // Nothing could be read; the properties rolled back to have no expectedSha.
    expect(rollback.data).toMatchObject({ Sha: VALUE_UNKNOWN, Status: VALUE_UNKNOWN, InSync: 'false' });
    expectNoEmptyAttribute(rollback.data);
    expect(o.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  });

  test("Proton's endpoint is gone (end of support): the rollback reports the expected sha of the properties it restores", async () => {
    world.proton.script(SERVICE, INSTANCE, [answer(status('SUCCEEDED', EXPECTED, { lastGood: EXPECTED }))]);
    const deployment = new StackDeployment(world);
    expect((await deployment.deploy(gated)).status).toBe('CREATE_COMPLETE');
    world.setProtonEndpoint('http://127.0.0.1:9');
    const o = await deployment.deploy(base);
    const [update, rollback] = requestsOf(o, gateLogicalId(base));
    expect(update.status).toBe('FAILED');
    expect(update.reason).toMatch(/^Could not reach AWS Proton/);
    expect(rollback.status).toBe('SUCCESS');
    // The deployment being restored gated on EXPECTED: a resource built from Sha is restored as it was.
    expect(rollback.data).toMatchObject({ Sha: EXPECTED, Status: VALUE_UNKNOWN });
    expectNoEmptyAttribute(rollback.data);
    expect(o.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  });
});

test('a nested stack\'s gate rolls back with its root, seeing its own stack UPDATE_ROLLBACK_IN_PROGRESS', async () => {
  world.proton.script(SERVICE, INSTANCE, [
    answer(status('SUCCEEDED', SYNCED, { lastGood: SYNCED })), // Create
    answer(status('SUCCEEDED', EXPECTED, { lastGood: EXPECTED })), // the update
    answer(status('FAILED', sha('a later push'), { lastGood: EXPECTED })), // the rollback: a newer push failed to sync
  ]);
  const deployment = new StackDeployment(world);
  expect((await deployment.deploy(nested)).status).toBe('CREATE_COMPLETE');
  const gate = gateLogicalId(nestedTemplateOf(nested));
  const child = deployment.stackOf(gate);
  expect(child.nesting).toEqual({ parentId: deployment.stack!.stackId, rootId: deployment.stack!.stackId });

  const o = await deployment.deploy(nestedFailing);
  expect(firstFailure(o)).toMatchObject({ logicalId: 'Breaks', stackName: deployment.stack!.stackName });
  expect(o.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(statusesOf(o, child.stackName)).toEqual([
    'UPDATE_IN_PROGRESS',
    'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
    'UPDATE_ROLLBACK_IN_PROGRESS',
    'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
    'UPDATE_ROLLBACK_COMPLETE',
  ]);
  const [update, rollback] = requestsOf(o, gate);
  expect(update).toMatchObject({ requestType: 'Update', status: 'SUCCESS' });
  expect(rollback.request.StackId).toBe(child.stackId);
  expect(rollback.status).toBe('SUCCESS');
  // The gate asked about its own (nested) stack, which DescribeStacks reports as rolling back.
  expect(rollback.describeStacksCalls.length).toBeGreaterThanOrEqual(1);
  for (const c of rollback.describeStacksCalls) expect(c).toMatchObject({ stackName: child.stackId, answered: 'UPDATE_ROLLBACK_IN_PROGRESS' });
});
