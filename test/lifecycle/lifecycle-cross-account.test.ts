/**
 * End-to-end for a gate whose sync lives in another account: the owning account (B) deploys a SyncStatusReaderRole
 * (test/lifecycle/apps/reader-app.ts, installed in B), the gate's account (the world's, A) a GitSyncGate whose
 * readerRole is that role (test/lifecycle/apps/gate-app.ts). The handler bundle assumes it through the fake STS,
 * which evaluates the role's trust policy as synthesized (and, across accounts, the handler role's own policy), and
 * reads B's Git sync with the session's credentials: the fake Git sync answers each caller for its own account only,
 * and checks the session's permissions against the role's policy. The same stack name in A is not found there, so a
 * gate that read its own account would fail.
 */
import { SESSION_NAME_PREFIX } from '../../lambda/poll/settings';
import { Attr } from '../../lib/contract';
import { InstalledStack, LifecycleOutcome, OfflineWorld } from '../../offline/offline-world';
import { synthApp } from '../../offline/synth';
import { ScenarioReport } from '../support/scenario-report';
import { answer, gitSyncGateId, gitSyncStatus, GIT_SYNC_STACK, sha } from '../support/scenarios';

const GATE_APP = 'test/lifecycle/apps/gate-app.ts';
const READER_APP = 'test/lifecycle/apps/reader-app.ts';
/** The account that owns the sync (B); the world's own (A) is the gate's. */
const OWNER = '222222222222';
const READER_ROLE = `arn:aws:iam::${OWNER}:role/sync-gate-reader`;
const SESSION = `${SESSION_NAME_PREFIX}GateApp`;
const EXTERNAL_ID = 'platform-team-7f3a';

const report = new ScenarioReport();

function gateContext(extra: Record<string, string> = {}): Record<string, string> {
  return { gate: 'git-sync', stackName: GIT_SYNC_STACK, readerRoleArn: READER_ROLE, ...extra };
}

/** Every read went to B's Git sync, through the role's session; nothing to Proton. */
function expectReadInOwnerAccount(o: LifecycleOutcome): void {
  expect(o.gitSyncCalls.every((c) => c.account === OWNER)).toBe(true);
  expect(o.gitSyncCalls.every((c) => c.caller === `arn:aws:sts::${OWNER}:assumed-role/sync-gate-reader/${SESSION}`)).toBe(true);
  expect(o.protonCalls).toHaveLength(0);
}

describe.each([
  ['every invocation in a new execution environment (the default world)', 'fresh' as const],
  ['warm execution environments', 'warm' as const],
])('a GitSyncGate reading a Git sync of another account, %s', (_name, environments) => {
  let world: OfflineWorld;
  let gateStack: InstalledStack;
  let gate: string;

  /** Installs the owner's reader role (the reader app with these context values) in B, replacing the last one. */
  function installReader(context: Record<string, string> = {}): void {
    const [reader] = synthApp(READER_APP, [{ trustedAccount: world.accountId, ...context }]);
    world.install(reader, { accountId: OWNER });
  }

  /** Installs a gate stack (the gate app with these context values) and creates its gate. */
  async function createGate(scenario: string, context: Record<string, string> = {}): Promise<LifecycleOutcome> {
    const [synthesized] = synthApp(GATE_APP, [gateContext(context)]);
    gateStack = world.install(synthesized);
    gate = gitSyncGateId(gateStack);
    return report.add(`${scenario} (${environments})`, await world.create(gateStack, { logicalResourceId: gate }));
  }

  beforeAll(async () => {
    world = await OfflineWorld.start({ environments });
  }, 180_000);

  beforeEach(() => installReader());

  afterEach(() => {
    world.gitSync.assertHonest();
    world.sts.assertHonest();
    expect(world.sts.requestViolations).toEqual([]);
    expect(world.gitSync.requestViolations).toEqual([]);
    world.gitSync.reset();
    world.sts.reset();
    world.sts.defaultSessionSeconds = 3600;
  });

  afterAll(async () => {
    report.print(`Lifecycle cross-account scenarios (${environments} environments)`);
    await world?.close();
  });

  test('passes through the reader role, with the account and region it read in its attributes', async () => {
    const s = sha(`xacct in sync ${environments}`);
    world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('SUCCEEDED', s, { lastGood: s }))], OWNER);
    const o = await createGate('in sync');
    expect(o.status).toBe('SUCCESS');
    expect(o.data).toMatchObject({ [Attr.Sha]: s, [Attr.InSync]: 'true', [Attr.SyncAccount]: OWNER, [Attr.SyncRegion]: 'us-east-1' });
    expectReadInOwnerAccount(o);
    expect(o.gitSyncCalls).toHaveLength(1);
    expect(o.stsCalls.map((c) => [c.action, c.roleArn, c.roleSessionName, c.externalId, c.outcome])).toEqual([['AssumeRole', READER_ROLE, SESSION, undefined, 'credentials']]);
    // The handler assumed it with its own execution role's credentials, in its own account and region.
    expect(o.stsCalls[0].caller).toMatch(new RegExp(`^arn:aws:sts::${world.accountId}:assumed-role/GateApp-SyncGateProviderIsCompleteRole[^/]*/`));
    expect(o.stsCalls[0].region).toBe('us-east-1');
    expect(o.polls).toEqual([expect.objectContaining({ stack: GIT_SYNC_STACK, region: 'us-east-1', account: OWNER, readerRole: READER_ROLE, verdict: 'PASS' })]);
  });

  test('waits through a sync in progress, assuming the role once per execution environment, and passes', async () => {
    const s = sha(`xacct slow ${environments}`);
    world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('IN_PROGRESS', s), 3), answer(gitSyncStatus('SUCCEEDED', s, { lastGood: s }))], OWNER);
    const o = await createGate('in progress, then succeeded');
    expect(o.status).toBe('SUCCESS');
    expectReadInOwnerAccount(o);
    expect(o.gitSyncCalls).toHaveLength(4);
    // A new environment assumes the role again (one STS call, never another verdict); a warm one keeps the credentials.
    expect(o.stsCalls.map((c) => c.outcome)).toEqual(Array(environments === 'fresh' ? 4 : 1).fill('credentials'));
  });

  test('fails at once, naming the role, the caller and the trust statement to add, when the role does not trust the gate\'s account', async () => {
    installReader({ trustedAccount: '333333333333' });
    world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('SUCCEEDED', sha('never read')))], OWNER);
    const o = await createGate('trust missing');
    expect(o.status).toBe('FAILED');
    expect(o.gitSyncCalls).toHaveLength(0);
    expect(o.stsCalls.map((c) => c.errorCode)).toEqual(['AccessDenied']);
    const caller = /assumed-role\/([^/]+)\//.exec(o.stsCalls[0].caller!)![1];
    const callerRole = `arn:aws:iam::${world.accountId}:role/${caller}`;
    expect(o.reason).toContain(
      `Could not assume the reader role ${READER_ROLE} to read the Git sync status of stack "${GIT_SYNC_STACK}" in us-east-1 of account ${OWNER} ` +
        `(HTTP 403 AccessDenied: User: ${o.stsCalls[0].caller} is not authorized to perform: sts:AssumeRole on resource: ${READER_ROLE}). ` +
        `The role's trust policy does not let the caller ${callerRole} assume it, or the role does not exist. In account ${OWNER}, add this statement to the role's trust policy ` +
        `(or deploy SyncStatusReaderRole there with trustedAccount ${world.accountId}): ` +
        JSON.stringify({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${world.accountId}:root` }, Action: 'sts:AssumeRole', Condition: { ArnEquals: { 'aws:PrincipalArn': callerRole } } }),
    );
    expect(o.reason).toContain("If the role's owner requires an external id (a condition on sts:ExternalId), set the gate's externalId to it.");
    // At once: the first poll, no waiting for the timeout.
    expect(o.polls).toHaveLength(0);
    expect(o.virtualElapsedMs).toBeLessThan(15_000);
  });

  test('fails at once when the owner requires an external id the gate does not send, and passes with it', async () => {
    installReader({ externalId: EXTERNAL_ID });
    const s = sha(`xacct external id ${environments}`);
    world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('SUCCEEDED', s, { lastGood: s }))], OWNER);
    const without = await createGate('external id required, none sent');
    expect(without.status).toBe('FAILED');
    expect(without.reason).toMatch(/AccessDenied[^]*set the gate's externalId to it/);
    const wrong = await createGate('external id required, another sent', { externalId: 'someone-else' });
    expect(wrong.status).toBe('FAILED');
    expect(wrong.reason).toContain("with the external id the gate sends, or the role does not exist");
    expect(wrong.reason).toContain(`"StringEquals":{"sts:ExternalId":"someone-else"}`);
    const right = await createGate('external id required and sent', { externalId: EXTERNAL_ID });
    expect(right.status).toBe('SUCCESS');
    expect(right.stsCalls.at(-1)).toMatchObject({ externalId: EXTERNAL_ID, outcome: 'credentials' });
    expectReadInOwnerAccount(right);
  });

  test('trusts only the gate\'s provider role when the owner narrows the trust to it', async () => {
    const s = sha(`xacct narrow ${environments}`);
    world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('SUCCEEDED', s, { lastGood: s }))], OWNER);
    installReader({ trustedRoleArn: `arn:aws:iam::${world.accountId}:role/GateApp-SyncGateProviderIsComplete*` });
    expect((await createGate('trust narrowed to the provider role')).status).toBe('SUCCESS');
    installReader({ trustedRoleArn: `arn:aws:iam::${world.accountId}:role/SomeOtherStack-*` });
    const other = await createGate('trust narrowed to another role');
    expect(other.status).toBe('FAILED');
    expect(other.stsCalls.map((c) => c.errorCode)).toEqual(['AccessDenied']);
  });

  test('fails at once naming the reader role and the actions it needs when its policy does not allow reading Git sync', async () => {
    installReader({ sources: 'proton' });
    world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('SUCCEEDED', sha('denied')))], OWNER);
    const o = await createGate('reader role without Git sync reads');
    expect(o.status).toBe('FAILED');
    expect(o.gitSyncCalls.map((c) => c.errorType)).toEqual(['AccessDeniedException']);
    expect(o.reason).toContain(
      `The reader role ${READER_ROLE} in account ${OWNER} needs codestar-connections:GetResourceSyncStatus, codestar-connections:GetSyncBlockerSummary and codestar-connections:GetSyncConfiguration on Resource "*"`,
    );
  });

  test('waits while STS throttles or fails (as any read that may pass), then passes', async () => {
    const s = sha(`xacct sts busy ${environments}`);
    world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('SUCCEEDED', s, { lastGood: s }))], OWNER);
    // Each poll's AssumeRole makes up to 3 attempts (the SDK's standard mode): two polls' worth of faults.
    world.sts.script([{ fault: 'Throttling', times: 3 }, { fault: 'InternalFailure', times: 3 }]);
    const o = await createGate('STS throttling, then a 5xx, then credentials');
    expect(o.status).toBe('SUCCESS');
    expect(o.stsCalls.map((c) => c.errorCode ?? c.outcome)).toEqual([...Array(3).fill('Throttling'), ...Array(3).fill('InternalFailure'), 'credentials']);
    expect(o.polls.at(-1)).toMatchObject({ verdict: 'PASS', poll: environments === 'fresh' ? 1 : 3, failedPolls: environments === 'fresh' ? 0 : 2 });
    expectReadInOwnerAccount(o);
  });

  test('fails at once when STS is not activated in the handler\'s region for its account', async () => {
    world.sts.script([{ fault: 'RegionDisabledException' }]);
    const o = await createGate('STS region disabled');
    expect(o.status).toBe('FAILED');
    expect(o.reason).toContain(`(HTTP 403 RegionDisabledException: STS is not activated in this region for account:${world.accountId}.`);
    expect(o.reason).toContain('STS is not activated in us-east-1 for the caller\'s account. Activate it in that account\'s IAM account settings');
  });

  if (environments === 'warm') {
    test('keeps the credentials for the environment and assumes the role again before they expire', async () => {
      // Sessions of 15 minutes (STS's shortest) and a sync that takes 40: the SDK's cache renews 5 minutes before expiry.
      world.sts.defaultSessionSeconds = 900;
      const s = sha('xacct long sync');
      const doneAt = world.clock.now() + 40 * 60_000;
      world.gitSync.script(
        GIT_SYNC_STACK,
        [{ respondWith: (_call, now) => (now < doneAt ? gitSyncStatus('IN_PROGRESS', s) : gitSyncStatus('SUCCEEDED', s, { lastGood: s })) }],
        OWNER,
      );
      const o = await createGate('a 40-minute sync through 15-minute sessions', { waitTimeout: '3000', pollInterval: '60' });
      expect(o.status).toBe('SUCCESS');
      expect(o.gitSyncCalls.length).toBeGreaterThan(40);
      // Never an expired session at Git sync: each was renewed before it ran out, at most every 10 minutes.
      expect(o.gitSyncCalls.filter((c) => c.errorType !== undefined)).toEqual([]);
      const renewals = o.stsCalls.filter((c) => c.outcome === 'credentials');
      expect(renewals.length).toBeGreaterThanOrEqual(4);
      expect(renewals.length).toBeLessThanOrEqual(6);
      for (let i = 1; i < renewals.length; i++) {
        expect(renewals[i].serviceTimeAt).toBeLessThan(renewals[i - 1].expiresAt!);
        expect(renewals[i].serviceTimeAt).toBeGreaterThanOrEqual(renewals[i - 1].expiresAt! - 5 * 60_000 - 60_000);
      }
    });
  }
});
