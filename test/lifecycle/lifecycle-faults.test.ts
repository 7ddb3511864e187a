/**
 * End-to-end, when the network and Proton misbehave: throttling, internal errors, a slow endpoint, dropped
 * connections, Proton unreachable. Same offline world as lifecycle.test.ts (the example app's synthesized
 * template, handler bundle and Provider framework, the real AWS SDK with its retries and timeouts).
 * A separate file so that jest runs it beside the other lifecycle file: the slow-endpoint scenario waits out
 * the SDK's real request timeout.
 */
import { PROTON_END_OF_SUPPORT } from '../../lambda/sources/proton';
import { CallBudget } from '../../lib/limits';
import { InstalledStack, LifecycleOutcome, OfflineWorld } from '../../offline/offline-world';
import { SynthesizedStack, synthExampleApp } from '../../offline/synth';
import { ScenarioReport } from '../support/scenario-report';
import {
  answer,
  expectReadsUntilTimeout,
  gateProps,
  INSTANCE,
  pollsUntilTimeout,
  PROTON_ONLY_CONTEXT,
  remembers,
  SERVICE,
  sha,
  status,
  ticksForPolls,
  waiterRetry,
} from '../support/scenarios';

let world: OfflineWorld;
let synthesized: SynthesizedStack;
let base: InstalledStack;
const report = new ScenarioReport();

beforeAll(async () => {
  [synthesized] = synthExampleApp([PROTON_ONLY_CONTEXT]);
  world = await OfflineWorld.start();
  base = world.install(synthesized);
}, 180_000);

afterEach(() => {
  world.proton.assertHonest();
  world.setProtonEndpoint();
  world.install(base);
  world.proton.reset();
});

afterAll(async () => {
  report.print('Lifecycle fault scenarios (example app, offline world)');
  await world?.close();
});

function expectWithinLimit(o: LifecycleOutcome): void {
  expect(o.responseBytes).toBeLessThanOrEqual(4096);
}

test('rides out throttling bursts: a throttled poll gives up at once instead of retrying, the next poll asks again, then passes', async () => {
  const s = sha('throttled');
  world.proton.script(SERVICE, INSTANCE, [
    answer(status('IN_PROGRESS', s)),
    { error: 'ThrottlingException', times: 2 },
    answer(status('IN_PROGRESS', s)),
    { error: 'ThrottlingException' },
    answer(status('SUCCEEDED', s, { lastGood: s })),
  ]);
  const o = report.add('throttling bursts', await world.create(base));
  expectWithinLimit(o);
  expect(o.status).toBe('SUCCESS');
  expect(o.data).toMatchObject({ Sha: s, InSync: 'true' });
  // One call per poll: a throttled call is not retried inside the poll (lambda/polite/polite-retry.ts), and the
  // client's pace, slowed by the throttling, still lets one call through a poll interval later.
  expect(o.protonCalls.map((c) => c.httpStatus)).toEqual([200, 429, 429, 200, 429, 200]);
  expect(o.polls).toHaveLength(6);
  expect(o.waiterAttempts).toBeGreaterThanOrEqual(6);
  expect(o.waiterAttempts).toBeLessThanOrEqual((remembers(world) ? 1 : 2) * ticksForPolls(base, 6));
});

test('rides out an outage longer than one poll\'s retries: failed polls are "not yet" while time is left', async () => {
  // InternalServerException rather than throttling only to keep the SDK's real backoff short (100 ms base
  // instead of 500 ms); the gate treats both alike.
  const s = sha('long outage');
  world.proton.script(SERVICE, INSTANCE, [
    { error: 'InternalServerException', times: 2 * CallBudget.maxAttempts },
    answer(status('SUCCEEDED', s, { lastGood: s })),
  ]);
  const o = report.add('5xx for several polls', await world.create(base));
  expectWithinLimit(o);
  expect(o.status).toBe('SUCCESS');
  expect(o.data).toMatchObject({ Sha: s, InSync: 'true' });
  expect(o.polls.map((p) => p.situation)).toEqual([...o.polls.slice(0, -1).map(() => 'SOURCE_UNAVAILABLE'), 'IN_SYNC']);
  expect(o.polls.length).toBeGreaterThanOrEqual(3);
  // The count is the execution environment's: all the failed polls with memory, at least the last without.
  expect(o.polls.at(-2)).toMatchObject({ verdict: 'WAIT' });
  expect(o.polls.at(-2)!.failedPolls).toBe(remembers(world) ? o.polls.length - 1 : 1);
  expect(String(o.polls[0].error)).toContain('kept answering InternalServerException');
});

test('waits through an internal error that never clears and fails at the deadline with the last error and the failed polls', async () => {
  // A long error text from the API: the reason loses its middle, never its head or its advice.
  world.proton.script(SERVICE, INSTANCE, [{ error: 'InternalServerException', message: `Internal failure: ${'stack frame; '.repeat(300)}end` }]);
  const o = report.add('internal error never clears', await world.create(base));
  expectWithinLimit(o);
  expect(o.status).toBe('FAILED');
  // Every poll spends all its SDK attempts and counts as "not yet" until the gate's own deadline.
  expectReadsUntilTimeout(world, o.polls.length, base);
  const polls = o.polls.length;
  expect(o.waiterAttempts).toBeLessThanOrEqual(ticksForPolls(base, pollsUntilTimeout(base)));
  // Each poll calls at least once and at most maxAttempts times: the SDK's retry quota (its token bucket shared
  // by the client's calls) stops retrying a service that keeps failing, which keeps the load down.
  expect(o.protonCalls.length).toBeGreaterThanOrEqual(polls);
  expect(o.protonCalls.length).toBeLessThanOrEqual(polls * CallBudget.maxAttempts);
  expect(o.protonCalls.every((c) => c.httpStatus === 500)).toBe(true);
  expect(o.reason).toContain(`Gave up waiting for the Proton sync of service instance "${INSTANCE}"`);
  expect(o.reason).toContain('No poll could read the sync status.');
  // With memory, every poll's failure is counted; without, the reason says the counts are one environment's.
  expect(o.reason).toMatch(
    remembers(world)
      ? new RegExp(`${polls} of the ${polls} polls could not read the sync status \\(as counted by the handler\\)`)
      : /1 of the 1 polls this execution environment made \(of about \d+ since the gate started\) could not read the sync status/,
  );
  expect(o.reason).toContain(`kept answering InternalServerException for service instance "${INSTANCE}"`);
  expect(o.reason).toMatch(/after \d attempts?/);
  expect(o.reason).toMatch(/Next: check the sync with `aws proton get-service-instance-sync-status[^`]*`; if it is healthy but slow, raise the gate's waitTimeout/);
  expect(o.reason).toContain('…');
  expect(o.reason.split('stack frame; ').length - 1).toBeLessThan(300);
});

test('gives up on an endpoint slower than the request timeout and passes on the retry', async () => {
  const s = sha('slow endpoint');
  world.proton.script(SERVICE, INSTANCE, [
    { respond: status('SUCCEEDED', s, { lastGood: s }), delayMs: CallBudget.requestTimeoutMs + 1_000 },
    answer(status('SUCCEEDED', s, { lastGood: s })),
  ]);
  const o = report.add('endpoint slower than request timeout', await world.create(base));
  expectWithinLimit(o);
  expect(o.status).toBe('SUCCESS');
  expect(o.protonCalls).toHaveLength(2);
  // The first attempt was abandoned by the client (it closed the connection before the slow answer was
  // written), and the retry in the same poll got the answer.
  expect(o.protonCalls[0].clientGaveUp).toBe(true);
  expect(o.protonCalls[1].httpStatus).toBe(200);
  expect(o.waiterAttempts).toBe(1);
  // ...at the request timeout, not earlier: the SDK starts its timer after the invocation starts, so the retry
  // arrives at least requestTimeoutMs after that start (1 ms for timer and clock rounding). Measured from the
  // invocation rather than from the fake's receipt of the first attempt, which comes an unknown time after the
  // timer started on a loaded machine (that made `>= timeout - 50 ms` fail once with 4948).
  const poll = world.lambda.invocations.filter((i) => i.requestTag === o.requestId && i.startedAt <= o.protonCalls[0].receivedAt).pop()!;
  expect(o.protonCalls[1].receivedAt - poll.startedAt).toBeGreaterThanOrEqual(CallBudget.requestTimeoutMs - 1);
}, 30_000);

test('retries a dropped connection and passes', async () => {
  const s = sha('dropped');
  world.proton.script(SERVICE, INSTANCE, [{ drop: true }, answer(status('SUCCEEDED', s, { lastGood: s }))]);
  const o = report.add('dropped connection', await world.create(base));
  expectWithinLimit(o);
  expect(o.status).toBe('SUCCESS');
  expect(o.protonCalls.map((c) => c.outcome)).toEqual(['dropped', 'response']);
  expect(o.waiterAttempts).toBe(1);
});

test('fails with the end-of-support note when Proton cannot be reached at all', async () => {
  world.setProtonEndpoint('http://127.0.0.1:9');
  const o = report.add('Proton unreachable on Create', await world.create(base));
  expectWithinLimit(o);
  expect(o.status).toBe('FAILED');
  expect(o.protonCalls).toHaveLength(0);
  expect(o.reason).toMatch(/Could not reach AWS Proton to read the sync status of [^]* in us-east-1 after/);
  expect(o.reason).toContain(`after ${CallBudget.maxAttempts} attempts`);
  expect(o.reason).toContain(PROTON_END_OF_SUPPORT);
});

test('a Delete succeeds while every connection to Proton is dropped', async () => {
  world.proton.script(SERVICE, INSTANCE, [{ drop: true }]);
  const o = report.add('delete, connections dropped', await world.delete(base, `proton:us-east-1:${SERVICE}/${INSTANCE}`));
  expect(o.status).toBe('SUCCESS');
  expect(o.protonCalls).toHaveLength(0);
});

test('the world is faithful: a waiter that runs out of attempts answers the framework\'s generic timeout', async () => {
  // Not the gate's behaviour (its own timeout comes first, see lifecycle.test.ts) but the emulated Step
  // Functions' Catch and the framework's onTimeout: a copy of the template whose waiter allows 6 retries (7 ticks,
  // 30 s: the gate reads at 0, 15 and 30 s).
  const short = withWaiterAttempts(synthesized, 6);
  const s = sha('stuck for the framework');
  world.proton.script(SERVICE, INSTANCE, [answer(status('IN_PROGRESS', s))]);
  const stack = world.install(short);
  expect(waiterRetry(stack).MaxAttempts).toBe(6);
  const o = report.add('provider waiter exhausted (world check)', await world.create(stack));
  expect(o.status).toBe('FAILED');
  expect(o.reason).toBe('Operation timed out');
  expect(o.protonCalls).toHaveLength(3);
  expect(o.physicalResourceId).toBe(`proton:us-east-1:${SERVICE}/${INSTANCE}`);
  expect(o.waiterAttempts).toBe(7);
  expect(Number(gateProps(stack).WaitTimeoutSeconds)).toBeGreaterThan(7 * waiterRetry(stack).IntervalSeconds);
});

/** A copy of a synthesized stack whose waiter state machine allows `attempts` retries. */
function withWaiterAttempts(stack: SynthesizedStack, attempts: number): SynthesizedStack {
  const template = JSON.parse(JSON.stringify(stack.template)) as SynthesizedStack['template'];
  let changed = 0;
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::StepFunctions::StateMachine') continue;
    const join = (resource.Properties!.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    join[1] = join[1].map((part) => {
      if (typeof part !== 'string' || !/"MaxAttempts":\d+/.test(part)) return part;
      changed += 1;
      return part.replace(/"MaxAttempts":\d+/, `"MaxAttempts":${attempts}`);
    });
  }
  if (changed !== 1) throw new Error(`expected one MaxAttempts in the waiter definition, found ${changed}`);
  return { ...stack, template };
}
