/**
 * The gate across one request's life, with mocked SDK clients and a virtual clock: reads at its own pollInterval on
 * the waiter's 5 s ticks, rollbacks that never stick on something that passes, DescribeStacks at most twice, the
 * poll's call budget, superseded commits and a Git sync gate on its own stack.
 */
import { GetResourceSyncStatusCommand } from '@aws-sdk/client-codestar-connections';
import { GetServiceInstanceSyncStatusCommand, GetServiceSyncBlockerSummaryCommand, ThrottlingException } from '@aws-sdk/client-proton';
import 'aws-sdk-client-mock-jest';
import { SyncGateError } from '../../../lambda/core/errors';
import * as gate from '../../../lambda/handler/gate';
import { Prop } from '../../../lib/contract';
import { CallBudget, Limits } from '../../../lib/limits';
import { createEvent, DESIRED, GATE_PROPS, GIT_SYNC_PROPS, gitSyncOutput, OLDER, protonOutput, updateEvent } from '../../fixtures';
import { GateWorld } from './gate-world';

const world = new GateWorld();
const { protonMock, gitSyncMock, deps, lines } = world;
const TICK = Limits.waiterTickSeconds * 1000;
const throttled = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400, attempts: 5 } });

beforeEach(() => world.reset());

/** Runs the waiter: one isComplete per tick until it answers, moving the clock a tick (and `workMs`) each time. */
async function runWaiter(event: gate.IsCompleteEvent, maxTicks = 200, workMs = 0): Promise<{ ticks: number; answer?: gate.IsCompleteResponse; error?: Error }> {
  for (let tick = 1; tick <= maxTicks; tick++) {
    try {
      const answer = await gate.isComplete(event, deps);
      if (answer.IsComplete) return { ticks: tick, answer };
    } catch (e) {
      return { ticks: tick, error: e as Error };
    }
    world.clock += TICK + workMs;
  }
  throw new Error(`no answer in ${maxTicks} ticks`);
}

describe('reading at the gate pollInterval on the waiter ticks', () => {
  it.each([5, 15, 30, 300])('reads every %i s: the ticks between answer "not yet" without a call', async (seconds) => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('IN_PROGRESS'));
    const event = await world.started(createEvent({ ...GATE_PROPS, [Prop.PollIntervalSeconds]: String(seconds), [Prop.WaitTimeoutSeconds]: '600' }));
    const { ticks, error } = await runWaiter(event, 200);
    expect(error?.message).toContain('Gave up waiting');
    const reads = protonMock.commandCalls(GetServiceInstanceSyncStatusCommand).length;
    // One read at once, one per interval, the last at the deadline.
    expect(reads).toBe(600 / seconds + 1);
    expect(ticks).toBe(600 / 5 + 1);
    expect(lines.filter((l) => l.message === 'poll')).toHaveLength(reads);
  });

  it('reads on the tick after each multiple when the interval is no multiple of the tick (7 s: on average every 7 s)', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('IN_PROGRESS'));
    const event = await world.started(createEvent({ ...GATE_PROPS, [Prop.PollIntervalSeconds]: '7', [Prop.WaitTimeoutSeconds]: '70' }));
    await runWaiter(event);
    const elapsed = lines.filter((l) => l.message === 'poll').map((l) => Number(l.elapsedSeconds));
    // Multiples 0, 7, ..., 70 each get the first tick at or after them: 0, 10, 15, 25, 30, 35, 45, 50, 60, 65, 70.
    expect(elapsed).toEqual([0, 10, 15, 25, 30, 35, 45, 50, 60, 65, 70]);
  });
});

describe('the poll budget', () => {
  it('aborts the calls still in flight when the source budget runs out, and the poll counts as "not yet"', async () => {
    // A source that never answers until its call is aborted.
    const hanging: gate.GateDeps = {
      ...deps,
      readStatus: (_s, _subject, signal) =>
        new Promise((_, reject) => signal!.addEventListener('abort', () => reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })))),
    };
    const event = await world.started(createEvent());
    const pending = gate.isComplete(event, hanging);
    world.clock += CallBudget.sourceCallsBudgetMs;
    world.expireBudgets();
    await expect(pending).resolves.toEqual({ IsComplete: false });
    const poll = lines.find((l) => l.message === 'poll')!;
    expect(poll).toMatchObject({ verdict: 'WAIT', situation: 'SOURCE_UNAVAILABLE', failedPolls: 1 });
    expect(String(poll.error)).toBe(
      "The Proton API did not answer within the poll's time budget (attempts and backoff included); the next poll asks again.",
    );
  });

  it('gives the blockers what is left of the source budget, and DescribeStacks a budget of its own', async () => {
    const budgets: number[] = [];
    const seen: gate.GateDeps = { ...deps, abortAfter: (ms) => (budgets.push(ms), deps.abortAfter(ms)) };
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('FAILED'));
    protonMock.on(GetServiceSyncBlockerSummaryCommand).resolves({});
    await expect(gate.isComplete(await world.started(updateEvent()), seen)).rejects.toThrow(/FAILED/);
    expect(budgets).toEqual([CallBudget.sourceCallsBudgetMs, CallBudget.stackCallBudgetMs]);
  });
});

describe('a superseded expected sha', () => {
  const A = 'c'.repeat(40);

  it.each([
    ['remembers', false],
    ['forgets', true],
  ])('waits until its deadline when A was desired and B is now, with no sync of A to show: the same whether the environment %s', async (_name, forgetful) => {
    world.forgetful = forgetful;
    protonMock
      .on(GetServiceInstanceSyncStatusCommand)
      .resolvesOnce(protonOutput('IN_PROGRESS', OLDER, A))
      .resolves(protonOutput('IN_PROGRESS', OLDER, DESIRED));
    protonMock.on(GetServiceSyncBlockerSummaryCommand).resolves({});
    const { error, ticks } = await world.runWaiter(
      await world.started(createEvent({ ...GATE_PROPS, [Prop.ExpectedSha]: A, [Prop.WaitTimeoutSeconds]: '60' })),
    );
    // An execution environment's memory of A desired is no evidence (it may be gone on any tick): the source shows none.
    expect(ticks).toBe(60_000 / TICK + 1);
    expect(error?.message).toContain(`the expected sha ${A} is not desired yet (desired sha is ${DESIRED})`);
  });

  it('fails at once when the latest sync was for A and B is desired now (superseded before the gate started)', async () => {
    gitSyncMock.on(GetResourceSyncStatusCommand).resolves(gitSyncOutput('SUCCEEDED', A, DESIRED));
    const { error, ticks } = await runWaiter(await world.started(createEvent({ ...GIT_SYNC_PROPS, [Prop.ExpectedSha]: A.slice(0, 7) })));
    expect(ticks).toBe(1);
    expect(error?.message).toContain(`the expected sha ${A.slice(0, 7)} was superseded by sha ${DESIRED}`);
    expect(error?.message).toContain('(the latest sync, SUCCEEDED, was for it)');
  });
});

describe('a Git sync gate on its own stack', () => {
  it('fails in onEvent, before any call, naming the stack', async () => {
    const own = { ...createEvent({ ...GIT_SYNC_PROPS, [Prop.StackName]: 'app' }) };
    await expect(gate.onEvent(own, deps)).rejects.toThrow(
      new SyncGateError(
        'The GitSyncGate watches stack "app" in us-east-1, the stack it is deployed in: it would wait for its own Git sync deployment, ' +
          'which waits for the gate, until it timed out. Set stackName to the stack whose Git sync this stack depends on, or move the ' +
          'gate into a stack that deploys after it, and deploy again.',
      ),
    );
    expect(gitSyncMock.calls()).toHaveLength(0);
  });

  it('may watch a stack of the same name in another region, or another stack', async () => {
    await expect(gate.onEvent(createEvent({ ...GIT_SYNC_PROPS, [Prop.StackName]: 'app', [Prop.Region]: 'eu-west-1' }), deps)).resolves.toMatchObject({
      PhysicalResourceId: 'git-sync:eu-west-1:app',
    });
    await expect(gate.onEvent(createEvent({ ...GIT_SYNC_PROPS, [Prop.StackName]: 'app2' }), deps)).resolves.toMatchObject({
      PhysicalResourceId: 'git-sync:us-east-1:app2',
    });
  });

  it('may watch a stack of the same name in another account, through a reader role there; not through a role of its own account', async () => {
    // createEvent's stack: arn:aws:cloudformation:us-east-1:123456789012:stack/app/...
    const through = (account: string) => createEvent({ ...GIT_SYNC_PROPS, [Prop.StackName]: 'app', [Prop.ReaderRoleArn]: `arn:aws:iam::${account}:role/reader` });
    await expect(gate.onEvent(through('222222222222'), deps)).resolves.toMatchObject({ PhysicalResourceId: 'git-sync:us-east-1:app' });
    await expect(gate.onEvent(through('123456789012'), deps)).rejects.toThrow('the stack it is deployed in');
    expect(gitSyncMock.calls()).toHaveLength(0);
  });
});

describe('a reader', () => {
  it('bounds its wait on an unreadable source by its waitTimeout', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).rejects(throttled());
    const { error, ticks } = await runWaiter(
      await world.started(createEvent({ ...GATE_PROPS, [Prop.RequireSuccess]: 'false', [Prop.WaitTimeoutSeconds]: '30' })),
    );
    expect(ticks).toBe(30_000 / TICK + 1);
    expect(error?.message).toContain('3 of the 3 polls could not read the sync status');
  });
});
