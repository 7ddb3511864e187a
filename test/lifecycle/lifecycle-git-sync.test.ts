/**
 * End-to-end for the GitSyncGate: the example app synthesized with `gitSyncStackName` and the Proton keys (so the
 * stack has two gates on one provider, the Proton gate and a GitSyncGate), deployed into the offline world.
 * Each request addresses the GitSyncGate by its logical id; the Provider framework runtime and the handler
 * bundle run from the cloud assembly, with the real AWS SDK, against the model-checked FakeCodeStarConnections.
 * Blockers of both sources are in lifecycle-blockers.test.ts.
 */
import { ATTRIBUTE_NAMES, GIT_SYNC_RESOURCE_TYPE, PROTON_RESOURCE_TYPE } from '../../lib/contract';
import { SourceActions, SyncGateSource } from '../../lib/sources';
import { wireGitSyncEvent } from '../../offline/fake-codestar-connections';
import { InstalledStack, LifecycleOutcome, OfflineWorld } from '../../offline/offline-world';
import { SynthesizedStack, synthExampleApp } from '../../offline/synth';
import { ScenarioReport } from '../support/scenario-report';
import {
  answer,
  BOTH_GATES_CONTEXT,
  functionName,
  gateProps,
  gitSyncBlockerCalls,
  gitSyncGateId,
  gitSyncStatus,
  gitSyncStatusCalls,
  GIT_SYNC_STACK,
  INSTANCE,
  expectReadIntervals,
  expectReadsUntilTimeout,
  expectTicksForPolls,
  logGroupOf,
  PROTON_ONLY_CONTEXT,
  remembers,
  SERVICE,
  sha,
  status,
  SYNC_STARTED,
  ticksForPolls,
  waiterRetry,
} from '../support/scenarios';

const MAX_BYTES = 4096;
const GATE_ID = `git-sync:us-east-1:${GIT_SYNC_STACK}`;
const STATUS_COMMAND = `aws codestar-connections get-resource-sync-status --region us-east-1 --sync-type CFN_STACK_SYNC --resource-name ${GIT_SYNC_STACK}`;

let world: OfflineWorld;
let plain: SynthesizedStack;
let synthesized: SynthesizedStack;
let stack: InstalledStack;
let gitGate: string;
const report = new ScenarioReport();

beforeAll(async () => {
  [plain, synthesized] = synthExampleApp([PROTON_ONLY_CONTEXT, BOTH_GATES_CONTEXT]);
  world = await OfflineWorld.start();
  stack = world.install(synthesized);
  gitGate = gitSyncGateId(stack);
}, 180_000);

afterEach(() => {
  world.gitSync.assertHonest();
  world.proton.assertHonest();
  world.gitSync.reset();
  world.proton.reset();
});

afterAll(async () => {
  report.print('Lifecycle Git sync scenarios (example app with gitSyncStackName, offline world)');
  await world?.close();
});

/** Creates the GitSyncGate of the example stack. */
async function createGitGate(scenario: string): Promise<LifecycleOutcome> {
  return report.add(scenario, await world.create(stack, { logicalResourceId: gitGate }));
}

/** What every answer must satisfy, whatever the scenario: within CloudFormation's limit, and Proton untouched. */
function expectWellFormed(o: LifecycleOutcome): void {
  expect(o.responseBytes).toBeLessThanOrEqual(MAX_BYTES);
  expect(o.reason).not.toContain('Operation timed out');
  if (o.status === 'FAILED') expect(o.reason.length).toBeGreaterThan(0);
  expect(o.protonCalls).toHaveLength(0);
  expect(o.apiCalls).toHaveLength(o.gitSyncCalls.length);
  expect(o.gitSyncCalls.every((c) => c.resourceKey === GIT_SYNC_STACK && c.input?.SyncType === 'CFN_STACK_SYNC')).toBe(true);
}

/** The isComplete role's statements that allow a proton: or codestar-connections: action. */
function sourceStatements(s: SynthesizedStack): { Sid?: string; Action: string | string[]; Resource: unknown }[] {
  const [policy] = Object.values(s.template.Resources).filter(
    (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles).includes('IsCompleteRole'),
  );
  const statements = (policy.Properties!.PolicyDocument as { Statement: { Sid?: string; Action: string | string[]; Resource: unknown }[] }).Statement;
  return statements.filter((st) => [st.Action].flat().some((a) => /^(proton|codestar-connections):/.test(a)));
}

describe('the example app with gitSyncStackName synthesizes what the world runs', () => {
  test('two gates, one of each source, on one provider (one waiter state machine)', () => {
    const resources = synthesized.template.Resources;
    expect(stack.customResources(PROTON_RESOURCE_TYPE)).toHaveLength(1);
    expect(stack.customResources(GIT_SYNC_RESOURCE_TYPE)).toEqual([gitGate]);
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine')).toHaveLength(1);
    const tokens = stack.customResources().map((id) => JSON.stringify(resources[id].Properties!.ServiceToken));
    expect(new Set(tokens).size).toBe(1);
    expect(gateProps(stack, GIT_SYNC_RESOURCE_TYPE)).toMatchObject({ StackName: GIT_SYNC_STACK, RequireSuccess: 'true', WaitTimeoutSeconds: '600', PollIntervalSeconds: '15' });
    // The waiter it shares ticks every 5 s; the Git sync gate reads at its own interval, a whole number of ticks.
    expect(waiterRetry(stack).IntervalSeconds).toBe(5);
    expect(Number(gateProps(stack, GIT_SYNC_RESOURCE_TYPE).PollIntervalSeconds) % waiterRetry(stack).IntervalSeconds).toBe(0);
  });

  test('IAM: without gitSyncStackName no codestar-connections action; with it, each source\'s actions in one statement on Resource *', () => {
    expect(JSON.stringify(plain.template)).not.toContain('codestar-connections:');
    expect(sourceStatements(plain)).toEqual([
      { Sid: 'ReadProtonSyncStatusAndBlockers', Action: [...SourceActions[SyncGateSource.PROTON]], Effect: 'Allow', Resource: '*' },
    ]);
    // One statement per source, in the order the app adds the gates (which does not matter): compared by Sid.
    expect(sourceStatements(synthesized).sort((a, b) => String(a.Sid).localeCompare(String(b.Sid)))).toEqual([
      { Sid: 'ReadGitSyncStatusAndBlockers', Action: [...SourceActions[SyncGateSource.GIT_SYNC]], Effect: 'Allow', Resource: '*' },
      { Sid: 'ReadProtonSyncStatusAndBlockers', Action: [...SourceActions[SyncGateSource.PROTON]], Effect: 'Allow', Resource: '*' },
    ]);
    // Only the isComplete role reads a sync source: no other policy of the stack names either service.
    const others = Object.values(synthesized.template.Resources).filter(
      (r) => r.Type === 'AWS::IAM::Policy' && !JSON.stringify(r.Properties?.Roles).includes('IsCompleteRole'),
    );
    expect(JSON.stringify(others)).not.toMatch(/proton:|codestar-connections:/);
  });
});

describe('Create of the GitSyncGate', () => {
  test('passes at once when the stack is already in sync, with all 14 attributes, after ONE API call in all', async () => {
    const s = sha('git in sync');
    world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('SUCCEEDED', s, { lastGood: s }))]);
    const o = await createGitGate('git sync: already in sync');
    expectWellFormed(o);
    expect(o.status).toBe('SUCCESS');
    expect(o.physicalResourceId).toBe(GATE_ID);
    expect(o.apiCalls).toHaveLength(1);
    expect(gitSyncStatusCalls(o)).toHaveLength(1);
    expect(o.waiterAttempts).toBe(1);
    expect(Object.keys(o.data).sort()).toEqual([...ATTRIBUTE_NAMES].sort());
    expect(Object.keys(o.data)).toHaveLength(14);
    for (const key of ATTRIBUTE_NAMES) expect(typeof o.data[key]).toBe('string');
    expect(o.data).toEqual({
      Sha: s,
      Status: 'SUCCEEDED',
      InSync: 'true',
      Branch: 'main',
      Directory: 'deployments/app-stack.yaml',
      // Git sync sends OwnerId and RepositoryName apart; the attribute is owner/name as for Proton.
      RepositoryName: 'acme/platform',
      // ProviderType as Git sync reports it, not Proton's GITHUB.
      RepositoryProvider: 'GitHub',
      LatestSyncSha: s,
      LatestSyncStartedAt: new Date(SYNC_STARTED).toISOString(),
      LatestSuccessfulSyncSha: s,
      LatestSuccessfulSyncStartedAt: new Date(SYNC_STARTED - 3_600_000).toISOString(),
      LatestSyncEvent: `${new Date(SYNC_STARTED + 60_000).toISOString()} SUCCEEDED: Deployment succeeded`,
      // Read in the gate's own account (no reader role), in its region.
      SyncAccount: world.accountId,
      SyncRegion: 'us-east-1',
    });
    expect(o.polls).toEqual([expect.objectContaining({ stack: GIT_SYNC_STACK, region: 'us-east-1', verdict: 'PASS', situation: 'IN_SYNC' })]);
    expect(o.describeStacksCalls).toHaveLength(0);
  });

  test('waits through a sync in progress, polling every interval, and passes when it succeeds', async () => {
    const s = sha('git slow sync');
    world.gitSync.script(GIT_SYNC_STACK, [
      answer(gitSyncStatus('INITIATED', s)),
      answer(gitSyncStatus('IN_PROGRESS', s), 2),
      answer(gitSyncStatus('SUCCEEDED', s, { lastGood: s })),
    ]);
    const o = await createGitGate('git sync: in progress, then succeeds');
    expectWellFormed(o);
    expect(o.status).toBe('SUCCESS');
    // A running sync reads no blockers: 4 status calls, nothing else.
    expect(gitSyncStatusCalls(o)).toHaveLength(4);
    expect(gitSyncBlockerCalls(o)).toHaveLength(0);
    expectTicksForPolls(world, o, stack, 4, GIT_SYNC_RESOURCE_TYPE);
    expect(o.polls.map((p) => p.situation)).toEqual(['SYNC_RUNNING', 'SYNC_RUNNING', 'SYNC_RUNNING', 'IN_SYNC']);
    expect(o.polls.map((p) => p.status)).toEqual(['INITIATED', 'IN_PROGRESS', 'IN_PROGRESS', 'SUCCEEDED']);
    expect(o.data).toMatchObject({ Sha: s, Status: 'SUCCEEDED', InSync: 'true', RepositoryProvider: 'GitHub' });
    // Each poll in its own interval (virtual waits are exact; asserted as the interval's index, not seconds).
    expectReadIntervals(world, o, Number(gateProps(stack, GIT_SYNC_RESOURCE_TYPE).PollIntervalSeconds) * 1000);
  });

  test('fails when the sync FAILED, with the newest events first and the status command; blockers read once', async () => {
    const s = sha('git broken commit');
    const events = [
      wireGitSyncEvent('SYNC_STARTED', 'Sync of the stack started', SYNC_STARTED),
      wireGitSyncEvent('CHANGESET_CREATED', 'Change set created', SYNC_STARTED + 30_000),
      wireGitSyncEvent('STACK_UPDATE_FAILED', 'Resource handler returned message: "Bucket name already exists"', SYNC_STARTED + 90_000),
    ];
    world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('IN_PROGRESS', s)), answer(gitSyncStatus('FAILED', s, { events }))]);
    const o = await createGitGate('git sync: sync FAILED');
    expectWellFormed(o);
    expect(o.status).toBe('FAILED');
    expect(o.physicalResourceId).toBe(GATE_ID);
    expect(gitSyncStatusCalls(o)).toHaveLength(2);
    // Only the FAILED poll reads the blockers, once (Git sync has one level: the stack).
    expect(gitSyncBlockerCalls(o)).toHaveLength(1);
    expect(o.apiCalls.map((c) => c.operation)).toEqual(['GetResourceSyncStatus', 'GetResourceSyncStatus', 'GetSyncBlockerSummary']);
    expect(o.polls.map((p) => p.situation)).toEqual(['SYNC_RUNNING', 'SYNC_FAILED']);
    expect(o.reason).toContain(`Git sync FAILED for stack "${GIT_SYNC_STACK}" in us-east-1 at desired sha ${s}`);
    expect(o.reason).toContain('(3 in all)');
    expect(o.reason).toContain(`${new Date(SYNC_STARTED + 90_000).toISOString()} [STACK_UPDATE_FAILED] Resource handler returned message: "Bucket name already exists"`);
    expect(o.reason.indexOf('STACK_UPDATE_FAILED')).toBeLessThan(o.reason.indexOf('CHANGESET_CREATED'));
    expect(o.reason.indexOf('CHANGESET_CREATED')).toBeLessThan(o.reason.indexOf('SYNC_STARTED'));
    expect(o.reason).toContain(`\`${STATUS_COMMAND}\``);
    expect(o.reason).toContain(`Poll log: ${logGroupOf(stack, 'index.isComplete')}`);
    expect(o.reason).toContain(`Logs: /aws/lambda/${functionName(stack, 'index.isComplete')}`);
    // No blocker, and the blocker read worked: the reason says nothing about blockers.
    expect(o.reason).not.toMatch(/blocker/i);

    const rollback = report.add('git sync: rollback Delete after failed Create', await world.delete(stack, o.physicalResourceId, { logicalResourceId: gitGate }));
    expect(rollback.status).toBe('SUCCESS');
    expect(rollback.physicalResourceId).toBe(GATE_ID);
    expect(rollback.apiCalls).toHaveLength(0);
  });

  test('never synced: the model cannot send "no LatestSync", so a sync with no desired state is waited on until the timeout', async () => {
    // GetResourceSyncStatusOutput requires LatestSync: the Proton-style "{}" (no sync, nothing desired) is a body
    // the real service cannot send, and the fake refuses to script it. What it can send for a stack that never
    // synced: the first attempt (INITIATED, no LatestSuccessfulSync) before any DesiredState is recorded.
    expect(() => world.gitSync.script(GIT_SYNC_STACK, [answer({})])).toThrow(/LatestSync/);
    const first = sha('git first commit');
    world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('INITIATED', first, { desired: null }))]);
    const o = await createGitGate('git sync: never synced (no desired state)');
    expectWellFormed(o);
    expect(o.status).toBe('FAILED');
    const polls = gitSyncStatusCalls(o).length;
    expectReadsUntilTimeout(world, polls, stack, GIT_SYNC_RESOURCE_TYPE);
    // A sync with nothing desired may be blocked: every poll reads the blockers once and finds none.
    expect(gitSyncBlockerCalls(o)).toHaveLength(polls);
    expect(o.polls.map((p) => p.situation)).toEqual([...Array.from({ length: polls - 1 }, () => 'NO_DESIRED_STATE'), 'TIMED_OUT']);
    expect(o.reason).toContain(`Gave up waiting for the Git sync of stack "${GIT_SYNC_STACK}" in us-east-1`);
    expect(o.reason).toContain(`no desired state is reported yet (the latest sync, INITIATED, was for sha ${first})`);
    expect(o.reason).toContain(`Last seen: status INITIATED, desired sha (none), latest sync sha ${first}, latest successful sync sha (none)`);
    expect(o.reason).toContain('10m 0s timeout');
    expect(o.reason).toContain(`\`${STATUS_COMMAND}\``);
    expect(o.virtualElapsedMs).toBeGreaterThanOrEqual(Number(gateProps(stack, GIT_SYNC_RESOURCE_TYPE).WaitTimeoutSeconds) * 1000);
  });

  test('fails in the first poll, after one call, when Git sync does not know the stack (404 is not retried)', async () => {
    // No script: the fake answers ResourceNotFoundException, as for a stack without a sync configuration.
    const o = await createGitGate('git sync: not found');
    expectWellFormed(o);
    expect(o.status).toBe('FAILED');
    expect(o.apiCalls).toHaveLength(1);
    expect(o.gitSyncCalls[0]).toMatchObject({ operation: 'GetResourceSyncStatus', httpStatus: 404, errorType: 'ResourceNotFoundException' });
    expect(o.waiterAttempts).toBe(1);
    expect(o.reason).toContain(`Git sync found no sync status for stack "${GIT_SYNC_STACK}" in us-east-1 (ResourceNotFoundException`);
    expect(o.reason).toContain(`aws codestar-connections get-sync-configuration --region us-east-1 --sync-type CFN_STACK_SYNC --resource-name ${GIT_SYNC_STACK}`);
  });

  test('fails in the first poll on access denied, naming both codestar-connections actions', async () => {
    world.gitSync.script(GIT_SYNC_STACK, [{ error: 'AccessDeniedException', message: 'User is not authorized to perform: codestar-connections:GetResourceSyncStatus' }]);
    const o = await createGitGate('git sync: access denied');
    expectWellFormed(o);
    expect(o.status).toBe('FAILED');
    expect(o.apiCalls).toHaveLength(1);
    expect(o.gitSyncCalls[0]).toMatchObject({ httpStatus: 403, errorType: 'AccessDeniedException' });
    expect(o.waiterAttempts).toBe(1);
    expect(o.reason).toContain(`Access denied reading the Git sync status of stack "${GIT_SYNC_STACK}" in us-east-1`);
    expect(o.reason).toContain('codestar-connections:GetResourceSyncStatus, codestar-connections:GetSyncBlockerSummary and codestar-connections:GetSyncConfiguration on Resource "*"');
  });

  test('throttling is transient: a throttled poll gives up without a retry and waits, and the gate passes when it clears', async () => {
    const s = sha('git throttled');
    world.gitSync.script(GIT_SYNC_STACK, [
      { error: 'ThrottlingException', times: 2 },
      answer(gitSyncStatus('SUCCEEDED', s, { lastGood: s })),
    ]);
    const o = await createGitGate('git sync: throttled for two polls, then clears');
    expectWellFormed(o);
    expect(o.status).toBe('SUCCESS');
    expect(o.data).toMatchObject({ Sha: s, InSync: 'true' });
    // One call per poll: a throttled call is not retried inside the poll (lambda/polite/polite-retry.ts); the next
    // poll, one interval later, asks again (the client's pace, slowed by the throttling, has a token by then).
    expect(o.gitSyncCalls.map((c) => c.httpStatus)).toEqual([429, 429, 200]);
    expect(o.polls).toHaveLength(3);
    expect(o.waiterAttempts).toBeGreaterThanOrEqual(3);
    expect(o.waiterAttempts).toBeLessThanOrEqual(ticksForPolls(stack, remembers(world) ? 3 : 5, GIT_SYNC_RESOURCE_TYPE));
    expect(o.polls.map((p) => p.situation)).toEqual(['SOURCE_UNAVAILABLE', 'SOURCE_UNAVAILABLE', 'IN_SYNC']);
    expect(o.polls[1]).toMatchObject({ verdict: 'WAIT', failedPolls: remembers(world) ? 2 : 1 });
    expect(String(o.polls[0].error)).toContain(`Git sync throttled the read of stack "${GIT_SYNC_STACK}" in us-east-1 (ThrottlingException`);
    expect(gitSyncBlockerCalls(o)).toHaveLength(0);
  }, 45_000);
});

describe('two gates on one provider', () => {
  test('created together, each request makes only its own source\'s calls and both pass', async () => {
    const p = sha('proton side');
    const g = sha('git side');
    world.proton.script(SERVICE, INSTANCE, [answer(status('SUCCEEDED', p, { lastGood: p }))]);
    world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('IN_PROGRESS', g)), answer(gitSyncStatus('SUCCEEDED', g, { lastGood: g }))]);
    const [protonGate] = stack.customResources(PROTON_RESOURCE_TYPE);
    const [po, go] = await Promise.all([world.create(stack, { logicalResourceId: protonGate }), world.create(stack, { logicalResourceId: gitGate })]);
    report.add('both gates at once: Proton', po);
    report.add('both gates at once: Git sync', go);
    expect(po).toMatchObject({ status: 'SUCCESS', physicalResourceId: `proton:us-east-1:${SERVICE}/${INSTANCE}` });
    expect(go).toMatchObject({ status: 'SUCCESS', physicalResourceId: GATE_ID });
    expect(po.apiCalls.map((c) => c.operation)).toEqual(['GetServiceInstanceSyncStatus']);
    expect(po.gitSyncCalls).toHaveLength(0);
    expect(go.apiCalls.map((c) => c.operation)).toEqual(['GetResourceSyncStatus', 'GetResourceSyncStatus']);
    expect(go.protonCalls).toHaveLength(0);
    expect(po.data).toMatchObject({ Sha: p, RepositoryProvider: 'GITHUB' });
    expect(go.data).toMatchObject({ Sha: g, RepositoryProvider: 'GitHub' });
    for (const o of [po, go]) expect(o.responseBytes).toBeLessThanOrEqual(MAX_BYTES);
  });
});
