/**
 * Sequences of deployments of one stack: the test-only gate app (test/lifecycle/apps/gate-app.ts) created, then
 * updated to a template where one gate prop changed, through the offline world's stack deployer with CloudFormation's
 * update rules (offline/stack-deployment.ts). Each prop change must deploy as one stack update: an Update of the gate
 * (the same physical id) that checks the source again, or, where the subject changes, a replacement whose old gate
 * is deleted in the cleanup phase without a call to the source. Stack deletion never calls a source.
 * Migration, upgrade, rollbacks and nested stacks: lifecycle-sequences-rollbacks.test.ts.
 */
import { Prop } from '../../lib/contract';
import { DeploymentOutcome, eventsOf, firstFailure, requestsOf, statusesOf } from '../../offline/deployment-outcome';
import { OfflineWorld } from '../../offline/offline-world';
import { StackDeployment } from '../../offline/stack-deployment';
import { ContextOverrides, SynthesizedStack, synthApp } from '../../offline/synth';
import { answer, INSTANCE, SERVICE, sha, status } from '../support/scenarios';
import { GATE_APP, gateLogicalId, syncedShaId } from '../support/sequences';

const READER_APP = 'test/lifecycle/apps/reader-app.ts';

const SYNCED = sha('sequence synced');
const EXPECTED = sha('sequence expected');
const RENAMED = 'sample-instance-v2';
/** The account that owns the sync a gate with a reader role reads, and that role (test/lifecycle/apps/reader-app.ts). */
const OWNER = '222222222222';
const READER_ROLE = `arn:aws:iam::${OWNER}:role/sync-gate-reader`;

const VARIANTS = {
  base: {},
  poll30: { pollInterval: '30' },
  timeout300: { waitTimeout: '300' },
  expected: { expectedSha: EXPECTED },
  reader: { requireSuccess: 'false' },
  region: { region: 'eu-west-1' },
  rebuilt: { build: '2' },
  noRecheck: { recheckOnEveryDeployment: 'false' },
  noRecheckRebuilt: { recheckOnEveryDeployment: 'false', build: '2' },
  renamed: { serviceInstanceName: RENAMED },
  readerRole: { readerRoleArn: READER_ROLE },
  readerRoleExternalId: { readerRoleArn: READER_ROLE, externalId: 'platform-7f3a' },
} satisfies Record<string, ContextOverrides>;
type Variant = keyof typeof VARIANTS;

let world: OfflineWorld;
const synthesized = {} as Record<Variant, SynthesizedStack>;

beforeAll(async () => {
  const names = Object.keys(VARIANTS) as Variant[];
  const stacks = synthApp(GATE_APP, names.map((n) => VARIANTS[n]));
  names.forEach((n, i) => (synthesized[n] = stacks[i]));
  world = await OfflineWorld.start();
  // The owner's reader role, for Proton, trusting the gate's account (with or without the external id: both variants).
  world.install(synthApp(READER_APP, [{ trustedAccount: world.accountId, sources: 'proton' }])[0], { accountId: OWNER });
}, 180_000);

beforeEach(() => {
  for (const account of [world.accountId, OWNER]) {
    for (const instance of [INSTANCE, RENAMED]) world.proton.script(SERVICE, instance, [answer(status('SUCCEEDED', SYNCED, { lastGood: SYNCED }))], account);
  }
});

afterEach(() => {
  world.proton.assertHonest();
  world.proton.reset();
  world.setProtonEndpoint();
});

afterAll(async () => {
  await world?.close();
});

/** Creates the stack from `from`, then updates it to `to`. */
async function createThenUpdate(from: Variant, to: Variant): Promise<{ deployment: StackDeployment; created: DeploymentOutcome; updated: DeploymentOutcome; gate: string }> {
  const deployment = new StackDeployment(world);
  const created = await deployment.deploy(synthesized[from]);
  expect(created.status).toBe('CREATE_COMPLETE');
  const updated = await deployment.deploy(synthesized[to]);
  return { deployment, created, updated, gate: gateLogicalId(synthesized[to]) };
}

/** An update that changed the gate in place: one Update, the same physical id, the source checked again, no Delete. */
function expectUpdatedInPlace(r: Awaited<ReturnType<typeof createThenUpdate>>, prop: string, before: string | undefined, after: string | undefined): void {
  const { created, updated, gate, deployment } = r;
  expect(updated.error).toBeUndefined();
  // Shows the failed resource and its reason when the update did not complete.
  expect(firstFailure(updated)).toBeUndefined();
  expect(updated.status).toBe('UPDATE_COMPLETE');
  const [update, ...others] = requestsOf(updated, gate);
  expect(others).toEqual([]);
  expect(update).toMatchObject({ requestType: 'Update', status: 'SUCCESS', physicalResourceId: requestsOf(created, gate)[0].physicalResourceId });
  expect(update.request.PhysicalResourceId).toBe(update.physicalResourceId);
  expect((update.request.ResourceProperties as Record<string, unknown>)[prop]).toBe(after);
  expect((update.request.OldResourceProperties as Record<string, unknown>)[prop]).toBe(before);
  expect(update.protonCalls.length).toBeGreaterThanOrEqual(1);
  expect(deployment.resource(syncedShaId(synthesized.base.template)).properties.Value).toBe(SYNCED);
}

/** An update that replaced the gate: the new physical id in the update, the old one deleted in cleanup with no call. */
function expectReplaced(r: Awaited<ReturnType<typeof createThenUpdate>>, newId: string): void {
  const { created, updated, gate } = r;
  expect(updated.status).toBe('UPDATE_COMPLETE');
  const oldId = requestsOf(created, gate)[0].physicalResourceId;
  expect(requestsOf(updated, gate).map((o) => `${o.requestType} ${o.status} ${o.physicalResourceId}`)).toEqual([`Update SUCCESS ${newId}`, `Delete SUCCESS ${oldId}`]);
  expect(eventsOf(updated, gate).map((e) => e.stackStatus)).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS']);
  const deleted = requestsOf(updated, gate)[1];
  expect(deleted.request.ResourceProperties).toEqual(requestsOf(created, gate)[0].request.ResourceProperties);
  expect(deleted.apiCalls).toEqual([]);
}

describe('every prop change deploys as one stack update', () => {
  test('pollInterval 15 s to 30 s updates the gate on the same provider (its ServiceToken does not change)', async () => {
    const r = await createThenUpdate('base', 'poll30');
    expectUpdatedInPlace(r, Prop.PollIntervalSeconds, '15', '30');
    expect(requestsOf(r.updated, r.gate)[0].request.ServiceToken).toBe(requestsOf(r.created, r.gate)[0].request.ServiceToken);
  });

  test('waitTimeout updates the gate in place', async () => {
    expectUpdatedInPlace(await createThenUpdate('base', 'timeout300'), Prop.WaitTimeoutSeconds, '600', '300');
  });

  test('expectedSha updates the gate in place, which waits for that sha', async () => {
    world.proton.script(SERVICE, INSTANCE, [answer(status('SUCCEEDED', SYNCED, { lastGood: SYNCED }), 1), answer(status('SUCCEEDED', EXPECTED, { lastGood: EXPECTED }))]);
    const r = await createThenUpdate('base', 'expected');
    expect(r.updated.status).toBe('UPDATE_COMPLETE');
    const [update] = requestsOf(r.updated, r.gate);
    expect((update.request.ResourceProperties as Record<string, unknown>)[Prop.ExpectedSha]).toBe(EXPECTED);
    expect(update.data.Sha).toBe(EXPECTED);
    expect(r.deployment.resource(syncedShaId(synthesized.base.template)).properties.Value).toBe(EXPECTED);
  });

  test('readerRole added updates the gate in place: from then on it reads the account that owns the sync, through the role', async () => {
    const r = await createThenUpdate('base', 'readerRole');
    expectUpdatedInPlace(r, Prop.ReaderRoleArn, undefined, READER_ROLE);
    const [created] = requestsOf(r.created, r.gate);
    const [update] = requestsOf(r.updated, r.gate);
    expect(created.protonCalls.map((c) => c.account)).toEqual([world.accountId]);
    expect(update.protonCalls.map((c) => c.account)).toEqual([OWNER]);
    expect(update.data).toMatchObject({ SyncAccount: OWNER });
  });

  test('externalId, and the readerRole removed, update the gate in place', async () => {
    const added = await createThenUpdate('readerRole', 'readerRoleExternalId');
    expectUpdatedInPlace(added, Prop.ReaderRoleExternalId, undefined, 'platform-7f3a');
    const removed = await createThenUpdate('readerRole', 'base');
    expectUpdatedInPlace(removed, Prop.ReaderRoleArn, READER_ROLE, undefined);
    expect(requestsOf(removed.updated, removed.gate)[0].protonCalls.map((c) => c.account)).toEqual([world.accountId]);
  });

  test('requireSuccess false updates the gate in place into a reader', async () => {
    expectUpdatedInPlace(await createThenUpdate('base', 'reader'), Prop.RequireSuccess, 'true', 'false');
  });

  test('region replaces the gate (its physical id names the region); the old one is deleted in cleanup without a call', async () => {
    const r = await createThenUpdate('base', 'region');
    expectReplaced(r, `proton:eu-west-1:${SERVICE}/${INSTANCE}`);
  });

  test('the subject (another service instance) replaces the gate; the old one is deleted in cleanup without a call', async () => {
    const r = await createThenUpdate('base', 'renamed');
    expectReplaced(r, `proton:us-east-1:${SERVICE}/${RENAMED}`);
    expect(requestsOf(r.updated, r.gate)[0].protonCalls.map((c) => (c.input as { serviceInstanceName: string }).serviceInstanceName)).toEqual([RENAMED]);
  });

  test('recheckOnEveryDeployment (default): every new synthesis updates the gate, which checks the source again', async () => {
    const r = await createThenUpdate('base', 'rebuilt');
    const [before, after] = [r.created, r.updated].map((o) => (requestsOf(o, r.gate)[0].request.ResourceProperties as Record<string, string>)[Prop.DeploymentNonce]);
    expect(after).not.toBe(before);
    expectUpdatedInPlace(r, Prop.DeploymentNonce, before, after);
  });

  test('recheckOnEveryDeployment false: turning it off is one update, after which a new synthesis changes nothing', async () => {
    const r = await createThenUpdate('base', 'noRecheck');
    expectUpdatedInPlace(r, Prop.DeploymentNonce, (requestsOf(r.created, r.gate)[0].request.ResourceProperties as Record<string, string>)[Prop.DeploymentNonce], undefined);
    const again = await r.deployment.deploy(synthesized.noRecheckRebuilt);
    expect(again.error).toBe('No updates are to be performed.');
    expect(again.requests).toEqual([]);
  });
});

describe('stack deletion', () => {
  test('deletes the gate without calling the source, even with Proton unreachable, after its dependents', async () => {
    const deployment = new StackDeployment(world);
    await deployment.deploy(synthesized.base);
    const gate = gateLogicalId(synthesized.base);
    world.setProtonEndpoint('http://127.0.0.1:9');
    const o = await deployment.destroy();
    expect(o.status).toBe('DELETE_COMPLETE');
    expect(statusesOf(o)).toEqual(['DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
    expect(requestsOf(o, gate).map((r) => `${r.requestType} ${r.status}`)).toEqual(['Delete SUCCESS']);
    expect(o.requests.flatMap((r) => r.apiCalls)).toEqual([]);
    const order = o.events.map((e) => e.logicalId);
    // The parameter that reads the gate's sha goes first; the provider's functions after the gate.
    expect(order.indexOf(syncedShaId(synthesized.base.template))).toBeLessThan(order.indexOf(gate));
    for (const id of order.filter((i) => i.includes('framework'))) expect(order.indexOf(id)).toBeGreaterThan(order.indexOf(gate));
  });
});
