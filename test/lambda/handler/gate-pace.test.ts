/**
 * The gate and the execution environment's pace (lambda/polite/api-pace.ts): gates created together are spread
 * over the waiter's tick, a read the pace holds back makes no call and stays owed, the read at the deadline always
 * goes, and while the API throttles an environment reads for a gate it has not seen. The pace here learns from the
 * reads as the client's retry strategy tells it in Lambda (served, or throttled).
 */
import { GetServiceInstanceSyncStatusCommand } from '@aws-sdk/client-proton';
import 'aws-sdk-client-mock-jest';
import { SyncGateError } from '../../../lambda/core/errors';
import * as gate from '../../../lambda/handler/gate';
import { ApiPace, DEFAULT_PACE, PaceSettings } from '../../../lambda/polite/api-pace';
import { Prop } from '../../../lib/contract';
import { Limits } from '../../../lib/limits';
import { createEvent, deleteEvent, GATE_PROPS, protonOutput, updateEvent } from '../../fixtures';
import { GateWorld } from './gate-world';

const world = new GateWorld();
const { protonMock, lines } = world;
const TICK = Limits.waiterTickSeconds * 1000;

beforeEach(() => world.reset());

/** The world's deps with a pace of `settings` on the world's clock, told of every read as the retry strategy would. */
function withPace(settings: Partial<PaceSettings> = {}): { deps: gate.GateDeps; pace: ApiPace } {
  // No jitter: calls exactly 1 / rate apart.
  const pace = new ApiPace(() => world.clock, { ...DEFAULT_PACE, increasePerServed: 1e-9, ...settings }, () => 0.5);
  const deps: gate.GateDeps = {
    ...world.deps,
    history: world.deps.history,
    pace: () => pace,
    readStatus: async (source, subject, signal) => {
      const status = await world.deps.readStatus(source, subject, signal);
      pace.served();
      return status;
    },
  };
  return { deps, pace };
}

const reads = (): number => protonMock.commandCalls(GetServiceInstanceSyncStatusCommand).length;

describe('onEvent spreads gates over the waiter tick', () => {
  it('sleeps a share of the tick hashed from the RequestId before it answers a Create or an Update, never a Delete', async () => {
    const create = createEvent();
    await gate.onEvent(create, world.deps);
    await gate.onEvent(updateEvent(), world.deps);
    await gate.onEvent(deleteEvent(), world.deps);
    expect(world.sleeps).toHaveLength(2);
    expect(world.sleeps[0]).toBe(gate.tickShareMs(create.RequestId));
  });

  it('gives the same request the same share, and 2,000 requests shares spread evenly over the tick', () => {
    const ids = Array.from({ length: 2_000 }, (_, i) => `${i.toString(16).padStart(8, '0')}-8e2f-4c1a-9b1e-${String(i * 7919).padStart(12, '0')}`);
    const shares = ids.map((id) => gate.tickShareMs(id));
    expect(shares.map((_, i) => gate.tickShareMs(ids[i]))).toEqual(shares);
    expect(shares.every((ms) => Number.isInteger(ms) && ms >= 0 && ms < TICK)).toBe(true);
    const bins = new Array(10).fill(0);
    shares.forEach((ms) => bins[Math.floor(ms / (TICK / 10))]++);
    // 200 expected per tenth of the tick; a hash that clumps (or a constant) leaves some far off.
    bins.forEach((n) => expect(n).toBeGreaterThan(140));
    bins.forEach((n) => expect(n).toBeLessThan(260));
  });
});

describe('a read the pace holds back', () => {
  it('makes no call, logs once, and goes on the first tick 1 / rate after the last call', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('IN_PROGRESS'));
    const { deps, pace } = withPace({ startPerSecond: 0.1 }); // one read per 10 s
    const event = await world.started(createEvent({ ...GATE_PROPS, [Prop.PollIntervalSeconds]: '15' }));
    world.clock += 2_000;
    pace.throttled(); // another gate's call was throttled: the next may go 10 s later
    expect(await gate.isComplete(event, deps)).toEqual({ IsComplete: false });
    expect(reads()).toBe(0);
    world.clock += TICK; // 5 s later: still held, no second log line
    expect(await gate.isComplete(event, deps)).toEqual({ IsComplete: false });
    expect(reads()).toBe(0);
    expect(lines.filter((l) => String(l.message).startsWith('read held back'))).toHaveLength(1);
    expect(lines.find((l) => String(l.message).startsWith('read held back'))).toMatchObject({ callsPerSecond: 0.1, nextReadInSeconds: 10 });
    world.clock += TICK; // 10 s later: the owed read goes, though no multiple of 15 s fell since the tick before
    expect(await gate.isComplete(event, deps)).toEqual({ IsComplete: false });
    expect(reads()).toBe(1);
    expect(pace.counts).toMatchObject({ heldBack: 2, allowed: 1, served: 1 });
  });

  it('never keeps the read at the deadline back, and the failure counts the ticks held back', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('IN_PROGRESS'));
    const { deps, pace } = withPace({ startPerSecond: DEFAULT_PACE.minPerSecond }); // one read per minute
    const event = await world.started(createEvent({ ...GATE_PROPS, [Prop.PollIntervalSeconds]: '5', [Prop.WaitTimeoutSeconds]: '20' }));
    world.clock = Math.ceil(world.clock / 60_000) * 60_000 + 1_000;
    (event as { [gate.GATE_STARTED_AT]: number })[gate.GATE_STARTED_AT] = world.clock;
    pace.throttled();
    let error: Error | undefined;
    for (let tick = 0; tick < 10 && !error; tick++, world.clock += TICK) {
      await gate.isComplete(event, deps).catch((e: Error) => (error = e));
    }
    // Ticks at 0, 5, 10 and 15 s were held back; the one at 20 s read, and the gate timed out on what it read.
    expect(reads()).toBe(1);
    expect(error).toBeInstanceOf(SyncGateError);
    expect(error!.message).toContain('Gave up waiting');
    expect(error!.message).toContain('On 4 waiter ticks a due read was held back without a call');
  });
});

describe('an environment that did not see the gate\'s previous tick', () => {
  it('treats the gate as one it has not seen: it does not read again for an interval another environment read in', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('IN_PROGRESS'));
    const { deps } = withPace();
    const event = await world.started(createEvent({ ...GATE_PROPS, [Prop.PollIntervalSeconds]: '15' }));
    expect(await gate.isComplete(event, deps)).toEqual({ IsComplete: false }); // the first tick reads
    expect(reads()).toBe(1);
    // The ticks at 5, 10 and 15 s ran in other environments (the one at 15 s read for the second interval).
    world.clock += 4 * TICK; // 20 s in
    expect(await gate.isComplete(event, deps)).toEqual({ IsComplete: false });
    expect(reads()).toBe(1); // remembering its read at 0 s, it would have read the second interval again
    world.clock += TICK; // 25 s in: followed
    expect(await gate.isComplete(event, deps)).toEqual({ IsComplete: false });
    world.clock += TICK; // 30 s in: the third interval
    expect(await gate.isComplete(event, deps)).toEqual({ IsComplete: false });
    expect(reads()).toBe(2);
  });
});

describe('an environment that has not seen a gate', () => {
  it('reads on any tick while its pace is learning the API, and only after a multiple of pollInterval while it is not', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('IN_PROGRESS'));
    const event = await world.started(createEvent({ ...GATE_PROPS, [Prop.PollIntervalSeconds]: '15' }));
    world.clock += 10_000; // 10 s in: no multiple of 15 s between the ticks at 5 and 10 s
    const quiet = withPace();
    expect(await gate.isComplete(event, quiet.deps)).toEqual({ IsComplete: false });
    expect(reads()).toBe(0);
    world.forgetPolls();
    const learning = withPace({ startPerSecond: 1 });
    learning.pace.throttled();
    world.clock += 1_000; // 1 / rate after the throttled call
    expect(await gate.isComplete(event, learning.deps)).toEqual({ IsComplete: false });
    expect(reads()).toBe(1);
  });
});
