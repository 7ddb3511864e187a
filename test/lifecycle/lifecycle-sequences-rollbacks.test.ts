/**
 * Sequences of deployments beyond a prop change, through the offline world's stack deployer
 * (offline/stack-deployment.ts) and the test-only gate app (test/lifecycle/apps/gate-app.ts):
 * - the migration docs/migration.md tells users to make: swap ServiceInstanceSyncGate for GitSyncGate under the same
 *   construct id and deploy; the old Proton gate is deleted in cleanup without calling Proton (even unreachable);
 * - an upgrade of this library: the same app with a newer handler bundle; the functions are updated before the gate,
 *   which the new code checks;
 * - a rollback under throttling: an update fails at a later resource, and during the gate's rollback Update the
 *   source throttles for one whole poll: the rollback must still complete;
 * - a nested stack's rollback: the gate in a NestedStack rolls back with its root, seeing its own stack rolling back.
 */
import { GIT_SYNC_RESOURCE_TYPE, Prop, PROTON_RESOURCE_TYPE } from '../../lib/contract';
import { CallBudget } from '../../lib/limits';
import { eventsOf, firstFailure, requestsOf, statusesOf } from '../../offline/deployment-outcome';
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

beforeAll(async () => {
  [base, gitSync, rebuilt, failing, nested, nestedFailing] = synthApp(GATE_APP, [
    {},
    { gate: 'git-sync', stackName: GIT_SYNC_STACK },
    { build: 'next release' },
    { expectedSha: EXPECTED, fail: 'true' },
    { nested: 'true' },
    { nested: 'true', expectedSha: EXPECTED, fail: 'true' },
  ]);
  world = await OfflineWorld.start();
}, 180_000);

afterEach(() => {
  world.proton.assertHonest();
  world.gitSync.assertHonest();
  world.proton.reset();
  world.gitSync.reset();
  world.setProtonEndpoint();
});

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

test('a rollback completes when the source throttles for a whole poll during the gate\'s rollback Update', async () => {
  world.proton.script(SERVICE, INSTANCE, [
    answer(status('SUCCEEDED', SYNCED, { lastGood: SYNCED })), // Create
    answer(status('SUCCEEDED', EXPECTED, { lastGood: EXPECTED })), // the update: the expected sha synced
    { error: 'ThrottlingException', times: CallBudget.maxAttempts }, // the rollback's first poll: every attempt throttled
    answer(status('SUCCEEDED', EXPECTED, { lastGood: EXPECTED })),
  ]);
  const deployment = new StackDeployment(world);
  await deployment.deploy(base);
  const gate = gateLogicalId(base);
  const synced = syncedShaId(base.template);

  const o = await deployment.deploy(failing);
  expect(firstFailure(o)).toMatchObject({ logicalId: 'Breaks', resourceStatus: 'CREATE_FAILED' });
  expect(statusesOf(o)).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE']);
  const [update, rollback, ...others] = requestsOf(o, gate);
  expect(others).toEqual([]);
  expect(update).toMatchObject({ requestType: 'Update', status: 'SUCCESS' });
  expect(rollback.request).toMatchObject({ RequestType: 'Update', PhysicalResourceId: update.physicalResourceId });
  // The rollback Update carries the old properties, and the failed new ones as OldResourceProperties.
  expect((rollback.request.ResourceProperties as Record<string, unknown>)[Prop.ExpectedSha]).toBeUndefined();
  expect((rollback.request.OldResourceProperties as Record<string, unknown>)[Prop.ExpectedSha]).toBe(EXPECTED);
  expect(rollback.status).toBe('SUCCESS');
  expect(rollback.protonCalls.map((c) => c.httpStatus)).toEqual([...Array<number>(CallBudget.maxAttempts).fill(429), 200]);
  expect(rollback.describeStacksCalls.every((c) => c.answered === 'UPDATE_ROLLBACK_IN_PROGRESS')).toBe(true);
  expect(o.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(deployment.resource(synced).properties.Value).toBe(SYNCED);
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
