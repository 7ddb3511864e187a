/**
 * Memory is a cache: the same scenarios, through the offline world, in three worlds that differ only in how Lambda
 * hands the waiter's ticks to execution environments: one that remembers every tick (`warm`), one that runs every
 * invocation in a new environment (`fresh`), and one that mixes them at random (`mixed`, seeded). Every scenario must
 * end the same way in all three (status, attributes, reason up to the counts that say whose they are); memory may only
 * save calls (DescribeStacks, here).
 */
import { EnvironmentReuse } from '../../offline/lambda-emulator';
import { InstalledStack, LifecycleOutcome, OfflineWorld } from '../../offline/offline-world';
import { synthApp, SynthesizedStack } from '../../offline/synth';
import { answer, INSTANCE, SERVICE, sha, status } from '../support/scenarios';
import { GATE_APP } from '../support/sequences';

const A = sha('memory: pipeline commit');
const B = sha('memory: newer push');
const OLD = sha('memory: synced before');

interface Scenario {
  readonly name: string;
  readonly run: (world: OfflineWorld, stacks: { plain: InstalledStack; expectingA: InstalledStack }) => Promise<LifecycleOutcome>;
}

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'a running sync that succeeds on the third read',
    run: (world, { plain }) => {
      world.proton.script(SERVICE, INSTANCE, [answer(status('IN_PROGRESS', A), 2), answer(status('SUCCEEDED', A, { lastGood: A }))]);
      return world.create(plain);
    },
  },
  {
    name: 'a sync that never finishes, until the deadline',
    run: (world, { plain }) => {
      world.proton.script(SERVICE, INSTANCE, [answer(status('IN_PROGRESS', A))]);
      return world.create(plain);
    },
  },
  {
    name: 'the expected commit superseded while its sync ran',
    run: (world, { expectingA }) => {
      world.proton.script(SERVICE, INSTANCE, [answer(status('IN_PROGRESS', A, { desired: A, lastGood: OLD })), answer(status('IN_PROGRESS', A, { desired: B, lastGood: OLD }))]);
      return world.create(expectingA);
    },
  },
  {
    name: 'the expected commit desired, then superseded before any sync of it',
    run: (world, { expectingA }) => {
      world.proton.script(SERVICE, INSTANCE, [answer(status('IN_PROGRESS', OLD, { desired: A, lastGood: OLD })), answer(status('IN_PROGRESS', OLD, { desired: B, lastGood: OLD }))]);
      return world.create(expectingA);
    },
  },
  {
    name: 'an update waiting on a running sync that succeeds on the third read',
    run: (world, { plain }) => {
      world.proton.script(SERVICE, INSTANCE, [answer(status('IN_PROGRESS', A), 2), answer(status('SUCCEEDED', A, { lastGood: A }))]);
      return world.update(plain, plain, `proton:us-east-1:${SERVICE}/${INSTANCE}`);
    },
  },
  {
    name: 'an update rollback whose reads are all throttled',
    run: (world, { plain }) => {
      world.proton.script(SERVICE, INSTANCE, [{ error: 'ThrottlingException' }]);
      return world.update(plain, plain, `proton:us-east-1:${SERVICE}/${INSTANCE}`, { stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });
    },
  },
  {
    name: 'an update rollback of a FAILED sync whose first DescribeStacks is throttled',
    run: (world, { plain }) => {
      world.proton.script(SERVICE, INSTANCE, [answer(status('FAILED', A))]);
      world.cloudFormation.script([{ fault: 'Throttling', times: 3 }]);
      return world.update(plain, plain, `proton:us-east-1:${SERVICE}/${INSTANCE}`, { stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS' });
    },
  },
  {
    name: 'an update on a FAILED sync while DescribeStacks throttles',
    run: (world, { plain }) => {
      world.proton.script(SERVICE, INSTANCE, [answer(status('FAILED', A))]);
      world.cloudFormation.script([{ fault: 'Throttling', times: 3 }]);
      return world.update(plain, plain, `proton:us-east-1:${SERVICE}/${INSTANCE}`);
    },
  },
];

/** What must not depend on memory: the outcome, the attributes, and the reason without its counts. */
function verdictOf(o: LifecycleOutcome): { status: string; data: unknown; reason: string } {
  const reason = o.reason
    .replace(/\n\d+ of the \d+ polls[^\n]*/g, '')
    .replace(/waited \d+m \d+s/g, 'waited …');
  return { status: o.status, data: o.data, reason };
}

const WORLDS: readonly EnvironmentReuse[] = ['warm', 'fresh', 'mixed'];
const outcomes = new Map<EnvironmentReuse, Map<string, LifecycleOutcome>>();
let plainStack: SynthesizedStack;
let expectingAStack: SynthesizedStack;

beforeAll(() => {
  [plainStack, expectingAStack] = synthApp(GATE_APP, [{ waitTimeout: '60' }, { waitTimeout: '60', expectedSha: A }]);
}, 180_000);

describe.each(WORLDS)('in a world whose environments are %s', (reuse) => {
  let world: OfflineWorld;
  let stacks: { plain: InstalledStack; expectingA: InstalledStack };

  beforeAll(async () => {
    world = await OfflineWorld.start({ environments: reuse, seed: 23 });
    stacks = { plain: world.install(plainStack), expectingA: world.install(expectingAStack) };
    outcomes.set(reuse, new Map());
  });

  afterEach(() => {
    world.proton.assertHonest();
    world.proton.reset();
    world.cloudFormation.reset();
  });

  afterAll(async () => {
    await world?.close();
  });

  test.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const o = await scenario.run(world, stacks);
    outcomes.get(reuse)!.set(scenario.name, o);
    expect(o.responseBytes).toBeLessThanOrEqual(4096);
  });
});

describe('across the worlds', () => {
  test.each(SCENARIOS.map((s) => [s.name] as const))('%s ends the same in each, whatever the environments remembered', (name) => {
    const [warm, ...others] = WORLDS.map((w) => verdictOf(outcomes.get(w)!.get(name)!));
    for (const other of others) expect(other).toEqual(warm);
  });

  test('the expected outcomes: memory changes none of them', () => {
    const fresh = outcomes.get('fresh')!;
    const status = (name: string) => fresh.get(name)!.status;
    expect(SCENARIOS.map((s) => [s.name, status(s.name)])).toEqual([
      ['a running sync that succeeds on the third read', 'SUCCESS'],
      ['a sync that never finishes, until the deadline', 'FAILED'],
      ['the expected commit superseded while its sync ran', 'FAILED'],
      ['the expected commit desired, then superseded before any sync of it', 'FAILED'],
      ['an update waiting on a running sync that succeeds on the third read', 'SUCCESS'],
      ['an update rollback whose reads are all throttled', 'SUCCESS'],
      ['an update rollback of a FAILED sync whose first DescribeStacks is throttled', 'SUCCESS'],
      ['an update on a FAILED sync while DescribeStacks throttles', 'FAILED'],
    ]);
    expect(fresh.get('the expected commit superseded while its sync ran')!.reason).toMatch(/^Stopped waiting/);
    expect(fresh.get('the expected commit desired, then superseded before any sync of it')!.reason).toContain('is not desired yet');
  });

  test('memory only saves DescribeStacks calls: a remembering environment never makes more than a forgetting one', () => {
    const calls = (w: EnvironmentReuse) => [...outcomes.get(w)!.values()].reduce((n, o) => n + o.describeStacksCalls.length, 0);
    expect(calls('warm')).toBeLessThanOrEqual(calls('mixed'));
    expect(calls('mixed')).toBeLessThanOrEqual(calls('fresh'));
    // A waiting Update asks on every read that would not pass that it has no answer for: a remembering environment
    // once per request, a forgetting one on each of the two reads that waited.
    const waiting = (w: EnvironmentReuse) => outcomes.get(w)!.get('an update waiting on a running sync that succeeds on the third read')!;
    expect(waiting('warm').describeStacksCalls).toHaveLength(1);
    expect(waiting('fresh').describeStacksCalls).toHaveLength(2);
    // A Create never asks.
    expect(outcomes.get('fresh')!.get('a sync that never finishes, until the deadline')!.describeStacksCalls).toHaveLength(0);
  });
});
