/**
 * Pipelines move on: a gate whose expected commit the source has moved past fails within one poll, naming the
 * newer sha, when the source shows that it picked the commit up; one it never showed waits; and a Git sync gate that
 * watches its own stack fails at once. Through the offline world: the example
 * app's template, aws-cdk-lib's framework runtime and the built handler bundle, against the model-checked fakes.
 */
import { GIT_SYNC_RESOURCE_TYPE } from '../../lib/contract';
import { GIT_SYNC_CONFIGURATION, wireGitSyncConfiguration } from '../../offline/fake-codestar-connections';
import { InstalledStack, OfflineWorld } from '../../offline/offline-world';
import { synthApp, SynthesizedStack } from '../../offline/synth';
import { ScenarioReport } from '../support/scenario-report';
import { answer, gitSyncStatus, gitSyncStatusCalls, GIT_SYNC_STACK, INSTANCE, SERVICE, sha, status, statusCalls } from '../support/scenarios';
import { GATE_APP } from '../support/sequences';

const A = sha('pipeline run A');
const B = sha('newer push B');
const OLD = sha('synced before A');

let world: OfflineWorld;
let protonExpectingA: InstalledStack;
let gitExpectingA: InstalledStack;
let gitOnItself: InstalledStack;
const report = new ScenarioReport();

// The three are syntheses of one stack (GateApp): each test installs the one it deploys, its functions and its
// roles (whose policies the fakes check), as a deployment would replace the others.
beforeAll(async () => {
  const [p, g] = synthApp(GATE_APP, [{ expectedSha: A }, { expectedSha: A, gate: 'git-sync', stackName: GIT_SYNC_STACK }]);
  world = await OfflineWorld.start();
  gitOnItself = world.install(watchingItself(g));
  gitExpectingA = world.install(g);
  protonExpectingA = world.install(p);
}, 180_000);

afterEach(() => {
  world.proton.assertHonest();
  world.gitSync.assertHonest();
  world.proton.reset();
  world.gitSync.reset();
});

afterAll(async () => {
  report.print('Pipelines move on (offline world)');
  await world?.close();
});

describe('a superseded expected commit', () => {
  test('Proton: the sync of A was running when B was pushed: fails in the poll that sees B, naming it', async () => {
    world.proton.script(SERVICE, INSTANCE, [
      answer(status('IN_PROGRESS', A, { desired: A, lastGood: OLD }), 2),
      answer(status('IN_PROGRESS', A, { desired: B, lastGood: OLD })),
    ]);
    const o = report.add('expected sha superseded while its sync ran', await world.create(world.install(protonExpectingA)));
    expect(o.status).toBe('FAILED');
    // Three reads, the third sees B: no wait for the timeout, in an environment that remembers nothing.
    expect(statusCalls(o)).toHaveLength(3);
    expect(o.polls.map((p) => p.situation)).toEqual(['SYNC_RUNNING', 'SYNC_RUNNING', 'SUPERSEDED']);
    expect(o.reason).toContain(`the expected sha ${A} was superseded by sha ${B}, which is desired now (the latest sync, IN_PROGRESS, was for it)`);
    expect(o.reason).toMatch(/^Stopped waiting for the Proton sync/);
  });

  test('Proton: A was desired, never attempted, then B: the source shows no trace of A, so the gate waits until its timeout', async () => {
    world.proton.script(SERVICE, INSTANCE, [
      answer(status('IN_PROGRESS', OLD, { desired: A, lastGood: OLD }), 2),
      answer(status('IN_PROGRESS', OLD, { desired: B, lastGood: OLD })),
    ]);
    const o = report.add('expected sha desired, then superseded unseen', await world.create(world.install(protonExpectingA)));
    // An execution environment's memory that A was desired is no evidence: it may be gone on any tick, and a verdict
    // must not depend on it (docs/design.md, What holds without memory).
    expect(o.status).toBe('FAILED');
    expect(o.polls.slice(0, 2).map((p) => p.situation)).toEqual(['NEW_SYNC_DUE', 'NEW_SYNC_DUE']);
    expect(o.polls.at(-1)?.situation).toBe('TIMED_OUT');
    expect(o.reason).toContain(`the expected sha ${A} is not desired yet (desired sha is ${B})`);
  });

  test('Git sync: A synced and B is desired before the gate starts: fails in the first poll', async () => {
    world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('IN_PROGRESS', B, { lastGood: A }))]);
    const o = report.add('expected sha superseded before the gate', await world.create(world.install(gitExpectingA)));
    expect(o.status).toBe('FAILED');
    expect(gitSyncStatusCalls(o)).toHaveLength(1);
    expect(o.waiterAttempts).toBe(1);
    expect(o.reason).toContain(`the expected sha ${A} was superseded by sha ${B}, which is desired now (it synced successfully`);
  });

  test('Git sync: A was never picked up and B is desired: waits, since the source may not have seen A yet', async () => {
    world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('SUCCEEDED', B, { lastGood: B }), 2), answer(gitSyncStatus('SUCCEEDED', A, { lastGood: A }))]);
    const o = report.add('expected sha not seen yet, then desired', await world.create(world.install(gitExpectingA)));
    expect(o.status).toBe('SUCCESS');
    expect(o.polls.map((p) => p.situation)).toEqual(['EXPECTED_SHA_NOT_DESIRED', 'EXPECTED_SHA_NOT_DESIRED', 'IN_SYNC']);
    expect(o.data).toMatchObject({ Sha: A, InSync: 'true' });
  });
});

describe('an expected commit that never becomes desired: the sync configuration says why', () => {
  test('Git sync syncs only file changes: the timeout names the deployment file and the command that finds the commit to expect, after one GetSyncConfiguration', async () => {
    world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('SUCCEEDED', B, { lastGood: B }))]);
    world.gitSync.scriptConfiguration(GIT_SYNC_STACK, [
      { respond: { SyncConfiguration: wireGitSyncConfiguration({ stackName: GIT_SYNC_STACK, trigger: 'FILE_CHANGE', configFile: 'deployments/network.yaml' }) } },
    ]);
    const o = report.add('expected sha never desired (FILE_CHANGE)', await world.create(gitExpectingA));
    expect(o.status).toBe('FAILED');
    expect(o.polls.at(-1)).toMatchObject({ situation: 'TIMED_OUT' });
    expect(o.reason).toContain(`the expected sha ${A} is not desired yet (desired sha is ${B})`);
    expect(o.reason).toContain(
      'only on commits that change its deployment file deployments/network.yaml or the template and parameter files it names (TriggerResourceUpdateOn FILE_CHANGE)',
    );
    expect(o.reason).toContain('`git log -1 --format=%H origin/main -- deployments/network.yaml');
    expect(world.gitSync.callsFor(GIT_SYNC_STACK, GIT_SYNC_CONFIGURATION)).toHaveLength(1);
  });

  test('the configuration cannot be read (access denied): the same verdict, and the reason says what to allow', async () => {
    world.gitSync.script(GIT_SYNC_STACK, [answer(gitSyncStatus('SUCCEEDED', B, { lastGood: B }))]);
    world.gitSync.scriptConfiguration(GIT_SYNC_STACK, [{ error: 'AccessDeniedException' }]);
    const o = report.add('expected sha never desired, configuration denied', await world.create(gitExpectingA));
    expect(o.status).toBe('FAILED');
    expect(o.reason).toMatch(/^Gave up waiting for the Git sync/);
    expect(o.reason).toContain('could not be read to say whether it syncs every commit or only changes to its files (AccessDeniedException');
    expect(o.reason).toContain('Allow codestar-connections:GetSyncConfiguration on Resource "*"');
  });
});

describe('a Git sync gate on its own stack (a name only known at deploy time)', () => {
  test('fails at once, before any call, naming the stack', async () => {
    const o = report.add('git sync gate on its own stack', await world.create(world.install(gitOnItself)));
    expect(o.status).toBe('FAILED');
    expect(o.apiCalls).toHaveLength(0);
    expect(o.waiterAttempts).toBe(0);
    expect(o.reason).toContain(`The GitSyncGate watches stack "${gitOnItself.stackName}" in us-east-1, the stack it is deployed in`);
  });
});

/**
 * The example app's template with the GitSyncGate's StackName set to the stack's own name, as a parameter or an
 * import resolved at deploy time would give it (the construct rejects a literal own name at synth).
 */
function watchingItself(stack: SynthesizedStack): SynthesizedStack {
  const template = JSON.parse(JSON.stringify(stack.template)) as SynthesizedStack['template'];
  const gates = Object.values(template.Resources).filter((r) => r.Type === GIT_SYNC_RESOURCE_TYPE);
  if (gates.length !== 1) throw new Error(`expected one GitSyncGate, found ${gates.length}`);
  gates[0].Properties = { ...gates[0].Properties, StackName: { Ref: 'AWS::StackName' } };
  return { ...stack, template };
}
