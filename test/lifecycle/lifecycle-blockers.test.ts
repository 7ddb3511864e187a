/**
 * End-to-end, sync blockers of both sources: the example app synthesized with both sources' context keys (a Proton
 * gate and a GitSyncGate on one provider), deployed into the offline world through the real Provider framework
 * runtime and the built handler bundle. An ACTIVE blocker, read when a sync is due, never ran, has nothing
 * desired or FAILED, fails the gate in ONE poll with everything needed to resolve it; a RESOLVED blocker, or a
 * blocker read that fails, leaves the verdict to the sync status.
 */
import { GIT_SYNC_RESOURCE_TYPE, PROTON_RESOURCE_TYPE } from '../../lib/contract';
import { wireGitSyncBlocker, wireGitSyncBlockerSummary } from '../../offline/fake-codestar-connections';
import { wireBlocker, wireBlockerSummary } from '../../offline/fake-proton';
import { InstalledStack, LifecycleOutcome, OfflineWorld } from '../../offline/offline-world';
import { synthExampleApp } from '../../offline/synth';
import { ScenarioReport } from '../support/scenario-report';
import {
  answer,
  blockerCalls,
  BOTH_GATES_CONTEXT,
  gateId,
  gitSyncBlockerCalls,
  gitSyncStatus,
  gitSyncStatusCalls,
  GIT_SYNC_STACK,
  INSTANCE,
  logGroupOf,
  SERVICE,
  sha,
  status,
  statusCalls,
} from '../support/scenarios';

const MAX_BYTES = 4096;
const CREATED_AT = Date.UTC(2026, 0, 15, 9, 30, 0);
const OLD = sha('last good');
const NEXT = sha('newly desired');

let world: OfflineWorld;
let stack: InstalledStack;
let protonGate: string;
let gitGate: string;
const report = new ScenarioReport();

beforeAll(async () => {
  const [synthesized] = synthExampleApp([BOTH_GATES_CONTEXT]);
  world = await OfflineWorld.start();
  stack = world.install(synthesized);
  protonGate = gateId(stack, PROTON_RESOURCE_TYPE);
  gitGate = gateId(stack, GIT_SYNC_RESOURCE_TYPE);
}, 180_000);

afterEach(() => {
  world.proton.assertHonest();
  world.gitSync.assertHonest();
  world.proton.reset();
  world.gitSync.reset();
});

afterAll(async () => {
  report.print('Lifecycle blocker scenarios (example app with gitSyncStackName, offline world)');
  await world?.close();
});

async function create(scenario: string, logicalResourceId: string): Promise<LifecycleOutcome> {
  const o = report.add(scenario, await world.create(stack, { logicalResourceId }));
  expect(o.responseBytes).toBeLessThanOrEqual(MAX_BYTES);
  expect(o.reason).not.toContain('Operation timed out');
  // A gate calls only its own source.
  expect(logicalResourceId === protonGate ? o.gitSyncCalls : o.protonCalls).toHaveLength(0);
  return o;
}

/** The command that resolves a Proton blocker, exactly as the reason must give it. */
function protonResolve(id: string): string {
  return `\`aws proton update-service-sync-blocker --region us-east-1 --id ${id} --resolved-reason "<what was fixed>"\``;
}

/** The command that resolves a Git sync blocker, exactly as the reason must give it. */
function gitSyncResolve(id: string): string {
  return (
    `\`aws codestar-connections update-sync-blocker --region us-east-1 --id ${id} --sync-type CFN_STACK_SYNC ` +
    `--resource-name ${GIT_SYNC_STACK} --resolved-reason "<what was fixed>"\``
  );
}

describe('an ACTIVE blocker fails the gate within one poll', () => {
  test('Proton, instance level, while a new sync is due: id, reason, time, contexts and the resolve command', async () => {
    const id = 'a1b2c3d4-0000-4000-8000-000000000001';
    world.proton.script(SERVICE, INSTANCE, [answer(status('SUCCEEDED', OLD, { desired: NEXT, lastGood: OLD }))]);
    world.proton.scriptBlockers(SERVICE, INSTANCE, [
      answer(wireBlockerSummary(SERVICE, INSTANCE, [
        wireBlocker({ id, createdReason: 'Instance spec was changed outside Git', createdAt: CREATED_AT, contexts: { serviceInstanceName: INSTANCE, deploymentId: 'dep-42' } }),
      ])),
    ]);
    const o = await create('Proton blocker (instance level), new sync due', protonGate);
    expect(o.status).toBe('FAILED');
    expect(o.waiterAttempts).toBe(1);
    expect(statusCalls(o)).toHaveLength(1);
    // Both levels are read, once each, in the one poll.
    expect(blockerCalls(o).map((c) => c.serviceInstanceName ?? '(service)').sort()).toEqual(['(service)', INSTANCE]);
    expect(o.apiCalls).toHaveLength(3);
    expect(o.polls).toEqual([expect.objectContaining({ verdict: 'FAIL', situation: 'BLOCKED', blockedFrom: 'NEW_SYNC_DUE', activeBlockers: 1, blockerReadErrors: 0 })]);
    expect(o.reason).toContain(`Proton sync of service instance "${INSTANCE}" of service "${SERVICE}" in us-east-1 is blocked: an active sync blocker stops new syncs, so waiting cannot help`);
    expect(o.reason).toContain(`not the desired sha ${NEXT}: a new sync is due`);
    expect(o.reason).toContain(`Blocker ${id} (AUTOMATED, on service instance "${INSTANCE}"), created ${new Date(CREATED_AT).toISOString()}: Instance spec was changed outside Git.`);
    expect(o.reason).toContain(`Contexts: serviceInstanceName=${INSTANCE}; deploymentId=dep-42.`);
    expect(o.reason).toContain(protonResolve(id));
    expect(o.reason).toContain(`Poll log: ${logGroupOf(stack, 'index.isComplete')}`);
  });

  test('Proton, service level, for an instance that never synced (which would otherwise wait out the timeout)', async () => {
    const id = 'b2c3d4e5-0000-4000-8000-000000000002';
    world.proton.script(SERVICE, INSTANCE, [answer({})]);
    world.proton.scriptBlockers(SERVICE, undefined, [
      answer(wireBlockerSummary(SERVICE, undefined, [wireBlocker({ id, createdReason: 'Service pipeline was changed outside Git', createdAt: CREATED_AT, contexts: { serviceName: SERVICE } })])),
    ]);
    const o = await create('Proton blocker (service level), never synced', protonGate);
    expect(o.status).toBe('FAILED');
    expect(o.waiterAttempts).toBe(1);
    expect(statusCalls(o)).toHaveLength(1);
    expect(blockerCalls(o)).toHaveLength(2);
    expect(o.polls).toEqual([expect.objectContaining({ situation: 'BLOCKED', blockedFrom: 'NEVER_SYNCED', activeBlockers: 1 })]);
    expect(o.reason).toContain('is blocked: an active sync blocker stops new syncs');
    expect(o.reason).toContain(`Blocker ${id} (AUTOMATED, on service "${SERVICE}"), created ${new Date(CREATED_AT).toISOString()}: Service pipeline was changed outside Git.`);
    expect(o.reason).toContain(`Contexts: serviceName=${SERVICE}.`);
    expect(o.reason).toContain(protonResolve(id));
  });

  test('Git sync, stack level, while a new sync is due: one status and one blocker call', async () => {
    const id = 'blocker-7f3e';
    world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('SUCCEEDED', OLD, { desired: NEXT, lastGood: OLD }))]);
    world.gitSync.scriptBlockers(GIT_SYNC_STACK, [
      answer(wireGitSyncBlockerSummary(GIT_SYNC_STACK, [
        wireGitSyncBlocker({ id, createdReason: 'Stack was updated outside Git sync', createdAt: CREATED_AT, contexts: { StackName: GIT_SYNC_STACK } }),
      ])),
    ]);
    const o = await create('Git sync blocker, new sync due', gitGate);
    expect(o.status).toBe('FAILED');
    expect(o.waiterAttempts).toBe(1);
    expect(o.apiCalls.map((c) => c.operation)).toEqual(['GetResourceSyncStatus', 'GetSyncBlockerSummary']);
    expect(o.gitSyncCalls[1].input).toEqual({ ResourceName: GIT_SYNC_STACK, SyncType: 'CFN_STACK_SYNC' });
    expect(o.polls).toEqual([expect.objectContaining({ situation: 'BLOCKED', blockedFrom: 'NEW_SYNC_DUE', activeBlockers: 1 })]);
    expect(o.reason).toContain(`Git sync of stack "${GIT_SYNC_STACK}" in us-east-1 is blocked: an active sync blocker stops new syncs`);
    expect(o.reason).toContain(`Blocker ${id} (AUTOMATED, on stack "${GIT_SYNC_STACK}"), created ${new Date(CREATED_AT).toISOString()}: Stack was updated outside Git sync.`);
    expect(o.reason).toContain(`Contexts: StackName=${GIT_SYNC_STACK}.`);
    expect(o.reason).toContain(gitSyncResolve(id));
    expect(o.reason).toContain('`aws codestar-connections get-resource-sync-status --region us-east-1 --sync-type CFN_STACK_SYNC --resource-name network`');
  });

  test('a blocker that appears while the gate waits fails the next poll', async () => {
    const id = 'blocker-late';
    world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('SUCCEEDED', OLD, { desired: NEXT, lastGood: OLD }))]);
    world.gitSync.scriptBlockers(GIT_SYNC_STACK, [
      answer(wireGitSyncBlockerSummary(GIT_SYNC_STACK), 2),
      answer(wireGitSyncBlockerSummary(GIT_SYNC_STACK, [wireGitSyncBlocker({ id, createdAt: CREATED_AT })])),
    ]);
    const o = await create('Git sync blocker appears on poll 3', gitGate);
    expect(o.status).toBe('FAILED');
    expect(gitSyncStatusCalls(o)).toHaveLength(3);
    expect(gitSyncBlockerCalls(o)).toHaveLength(3);
    expect(o.polls.map((p) => p.situation)).toEqual(['NEW_SYNC_DUE', 'NEW_SYNC_DUE', 'BLOCKED']);
    expect(o.reason).toContain(gitSyncResolve(id));
  });
});

describe('what does not fail the gate', () => {
  test('a RESOLVED Git sync blocker is ignored: the gate keeps waiting and passes when the sync succeeds', async () => {
    world.gitSync.script(GIT_SYNC_STACK, [
      answer(gitSyncStatus('SUCCEEDED', OLD, { desired: NEXT, lastGood: OLD }), 2),
      answer(gitSyncStatus('IN_PROGRESS', NEXT, { lastGood: OLD })),
      answer(gitSyncStatus('SUCCEEDED', NEXT, { lastGood: NEXT })),
    ]);
    world.gitSync.scriptBlockers(GIT_SYNC_STACK, [answer(wireGitSyncBlockerSummary(GIT_SYNC_STACK, [wireGitSyncBlocker({ id: 'blocker-old', status: 'RESOLVED' })]))]);
    const o = await create('RESOLVED Git sync blocker', gitGate);
    expect(o.status).toBe('SUCCESS');
    expect(o.data).toMatchObject({ Sha: NEXT, InSync: 'true' });
    expect(gitSyncStatusCalls(o)).toHaveLength(4);
    // Blockers are read on the two NEW_SYNC_DUE polls only.
    expect(gitSyncBlockerCalls(o)).toHaveLength(2);
    expect(o.polls.map((p) => p.situation)).toEqual(['NEW_SYNC_DUE', 'NEW_SYNC_DUE', 'SYNC_RUNNING', 'IN_SYNC']);
    expect(o.polls.slice(0, 2).map((p) => p.activeBlockers)).toEqual([0, 0]);
  });

  test('RESOLVED Proton blockers at both levels are ignored', async () => {
    world.proton.script(SERVICE, INSTANCE, [
      answer(status('SUCCEEDED', OLD, { desired: NEXT, lastGood: OLD })),
      answer(status('SUCCEEDED', NEXT, { lastGood: NEXT })),
    ]);
    world.proton.scriptBlockers(SERVICE, INSTANCE, [answer(wireBlockerSummary(SERVICE, INSTANCE, [wireBlocker({ id: 'resolved-instance', status: 'RESOLVED' })]))]);
    world.proton.scriptBlockers(SERVICE, undefined, [answer(wireBlockerSummary(SERVICE, undefined, [wireBlocker({ id: 'resolved-service', status: 'RESOLVED' })]))]);
    const o = await create('RESOLVED Proton blockers', protonGate);
    expect(o.status).toBe('SUCCESS');
    expect(statusCalls(o)).toHaveLength(2);
    expect(blockerCalls(o)).toHaveLength(2);
    expect(o.polls.map((p) => p.situation)).toEqual(['NEW_SYNC_DUE', 'IN_SYNC']);
  });

  test('an ACTIVE blocker is not even read while the sync of the desired sha runs, and the gate passes', async () => {
    world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('IN_PROGRESS', NEXT, { lastGood: OLD })), answer(gitSyncStatus('SUCCEEDED', NEXT, { lastGood: NEXT }))]);
    world.gitSync.scriptBlockers(GIT_SYNC_STACK, [answer(wireGitSyncBlockerSummary(GIT_SYNC_STACK, [wireGitSyncBlocker({ id: 'unread' })]))]);
    const o = await create('ACTIVE blocker while the sync runs', gitGate);
    expect(o.status).toBe('SUCCESS');
    expect(o.apiCalls.map((c) => c.operation)).toEqual(['GetResourceSyncStatus', 'GetResourceSyncStatus']);
  });

  test('Proton blocker reads denied at both levels: the gate waits as the status says, then passes', async () => {
    world.proton.script(SERVICE, INSTANCE, [
      answer(status('SUCCEEDED', OLD, { desired: NEXT, lastGood: OLD })),
      answer(status('SUCCEEDED', NEXT, { lastGood: NEXT })),
    ]);
    world.proton.scriptBlockers(SERVICE, INSTANCE, [{ error: 'AccessDeniedException' }]);
    world.proton.scriptBlockers(SERVICE, undefined, [{ error: 'AccessDeniedException' }]);
    const o = await create('Proton blocker reads denied', protonGate);
    expect(o.status).toBe('SUCCESS');
    expect(statusCalls(o)).toHaveLength(2);
    // 403 is not retried: one call per level.
    expect(blockerCalls(o).map((c) => c.httpStatus)).toEqual([403, 403]);
    expect(o.polls[0]).toMatchObject({ verdict: 'WAIT', situation: 'NEW_SYNC_DUE', blockerReadErrors: 2 });
    expect(String(o.polls[0].blockerReadError)).toContain('Allow proton:GetServiceSyncBlockerSummary on Resource "*" to the handler role.');
  });

  test('one Proton level denied, the other ACTIVE: the level that could be read still blocks', async () => {
    const id = 'c3d4e5f6-0000-4000-8000-000000000003';
    world.proton.script(SERVICE, INSTANCE, [answer(status('SUCCEEDED', OLD, { desired: NEXT, lastGood: OLD }))]);
    world.proton.scriptBlockers(SERVICE, INSTANCE, [{ error: 'AccessDeniedException' }]);
    world.proton.scriptBlockers(SERVICE, undefined, [answer(wireBlockerSummary(SERVICE, undefined, [wireBlocker({ id, createdAt: CREATED_AT })]))]);
    const o = await create('Proton instance level denied, service level ACTIVE', protonGate);
    expect(o.status).toBe('FAILED');
    expect(o.apiCalls).toHaveLength(3);
    expect(o.polls).toEqual([expect.objectContaining({ situation: 'BLOCKED', activeBlockers: 1, blockerReadErrors: 1 })]);
    expect(o.reason).toContain(protonResolve(id));
  });

  test('Git sync blocker read denied on a FAILED sync: still SYNC_FAILED (not BLOCKED), with a note on the unread blockers', async () => {
    const s = sha('git failed, blockers unreadable');
    world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('FAILED', s))]);
    world.gitSync.scriptBlockers(GIT_SYNC_STACK, [{ error: 'AccessDeniedException', message: 'not authorized to perform codestar-connections:GetSyncBlockerSummary' }]);
    const o = await create('Git sync FAILED, blocker read denied', gitGate);
    expect(o.status).toBe('FAILED');
    expect(o.apiCalls.map((c) => [c.operation, c.httpStatus])).toEqual([['GetResourceSyncStatus', 200], ['GetSyncBlockerSummary', 403]]);
    expect(o.polls).toEqual([expect.objectContaining({ situation: 'SYNC_FAILED', blockerReadErrors: 1 })]);
    expect(o.reason).toContain(`Git sync FAILED for stack "${GIT_SYNC_STACK}" in us-east-1 at desired sha ${s}`);
    expect(o.reason).toContain('The sync blockers could not be read, so this reason cannot say whether one stops the sync');
    expect(o.reason).toContain('Allow codestar-connections:GetSyncBlockerSummary on Resource "*" to the handler role.');
    expect(o.reason).not.toContain('is blocked');
  });
});
