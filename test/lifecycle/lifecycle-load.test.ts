/**
 * Load: 30 gates of one stack created at the same moment, as CloudFormation creates independent resources,
 * through the real Provider framework runtime and handler bundle, against a fake Proton whose account-wide rate
 * limit (1 call per second, burst 3, on the virtual clock) is far below what 30 gates polling together ask for.
 * Each instance's sync is IN_PROGRESS on its first successful read and SUCCEEDED from the second. In the heavy-churn
 * Lambda-like world (offline/execution-environments.ts): cold starts, invocation times that vary, environments
 * recycled and retired, the clock standing still while the world is busy.
 *
 * The world's part: each request gets its own calls and polls, the rate limit holds on the virtual clock, the
 * clock moves by the longest wait rather than the sum. The gate's part: all 30 pass, because the handler treats
 * throttling while waiting as "not yet" until the gate's deadline (before it did, 16-17 of 30 failed as soon as
 * the SDK's retries of a ThrottlingException ran out).
 *
 * Real time: a few seconds on a loaded 2-core machine. A throttled poll gives up without a retry, and the sleeps the
 * handler does make (onEvent's share of the tick, backoff) run on the virtual clock (offline/README.md, Time).
 */
import { LAMBDA_MODELS } from '../../offline/execution-environments';
import { LifecycleOutcome, OfflineWorld } from '../../offline/offline-world';
import { SynthesizedStack, synthExampleApp } from '../../offline/synth';
import { answer, GATE_TYPE, PROTON_ONLY_CONTEXT, SERVICE, sha, status } from '../support/scenarios';

const GATES = 30;
const RATE = { perSecond: 1, burst: 3 };
const S = sha('load');

let world: OfflineWorld;
let outcomes: LifecycleOutcome[];
let virtualMs: number;
let realMs: number;
const ids = Array.from({ length: GATES }, (_, i) => `LoadGate${String(i).padStart(2, '0')}`);
const instanceOf = (i: number): string => `load-instance-${i}`;

beforeAll(async () => {
  const [synthesized] = synthExampleApp([PROTON_ONLY_CONTEXT]);
  world = await OfflineWorld.start({ responseTimeoutMs: 240_000, lambda: LAMBDA_MODELS.churn, seed: 1 });
  const stack = world.install(withGates(synthesized));
  world.proton.setRateLimit(RATE);
  ids.forEach((_, i) => world.proton.script(SERVICE, instanceOf(i), [answer(status('IN_PROGRESS', S)), answer(status('SUCCEEDED', S, { lastGood: S }))]));
  const virtualStart = world.clock.now();
  const realStart = Date.now();
  outcomes = await Promise.all(ids.map((id) => world.create(stack, { logicalResourceId: id })));
  virtualMs = world.clock.now() - virtualStart;
  realMs = Date.now() - realStart;
  const calls = world.proton.calls;
  const throttled = calls.filter((c) => c.throttled).length;
  // Printed only on request, like the scenario tables: a passing run prints nothing but jest's summary.
  if (process.env.SCENARIO_REPORT === '1') console.log(
    `${GATES} concurrent gates, rate limit ${RATE.perSecond}/s burst ${RATE.burst}: ` +
      `${outcomes.filter((o) => o.status === 'SUCCESS').length} SUCCESS, ${outcomes.filter((o) => o.status === 'FAILED').length} FAILED; ` +
      `${calls.length} Proton calls (${throttled} throttled, ${calls.length - throttled} served); ` +
      `virtual ${(virtualMs / 1000).toFixed(1)} s, real ${realMs} ms\n` +
      [...new Set(outcomes.filter((o) => o.status === 'FAILED').map((o) => o.reason.slice(0, 160)))].join('\n'),
  );
}, 300_000);

afterAll(async () => {
  world?.proton.assertHonest();
  await world?.close();
});

describe('the world under 30 concurrent requests', () => {
  test('each request gets exactly its own calls, polls and log lines', () => {
    const all = world.proton.calls;
    expect(outcomes.reduce((n, o) => n + o.protonCalls.length, 0)).toBe(all.length);
    outcomes.forEach((o, i) => {
      expect(o.logicalResourceId).toBe(ids[i]);
      expect(o.protonCalls.length).toBeGreaterThan(0);
      expect(o.protonCalls.every((c) => c.serviceInstanceName === instanceOf(i))).toBe(true);
      // At most one poll line per waiter tick (the ticks between the gate's reads log nothing).
      expect(o.polls.length).toBeGreaterThan(0);
      expect(o.polls.length).toBeLessThanOrEqual(o.waiterAttempts);
      // Every line of this request that names an instance names its own.
      const named = o.logs.filter((line) => /load-instance-\d+/.test(line));
      expect(named.length).toBeGreaterThan(0);
      expect(named.every((line) => (line.match(/load-instance-\d+/g) ?? []).every((m) => m === instanceOf(i)))).toBe(true);
    });
    expect(world.proton.requestViolations).toEqual([]);
  });

  test('the rate limit holds on the virtual clock: served calls never outrun burst + rate x time', () => {
    const served = world.proton.calls.filter((c) => !c.throttled);
    const first = world.proton.calls[0].serviceTimeAt;
    served.forEach((c, k) => {
      // The (k+1)-th served call needs k+1 tokens: the burst plus one per second since the first call.
      expect(k + 1).toBeLessThanOrEqual(RATE.burst + Math.floor(((c.serviceTimeAt - first) * RATE.perSecond) / 1000));
    });
    expect(world.proton.calls.filter((c) => c.throttled).every((c) => c.httpStatus === 429)).toBe(true);
  });

  test('concurrent waits move the clock by the longest, not their sum', () => {
    const waits = outcomes.reduce((n, o) => n + o.virtualElapsedMs, 0);
    expect(virtualMs).toBeGreaterThanOrEqual(Math.max(...outcomes.map((o) => o.virtualElapsedMs)));
    expect(virtualMs).toBeLessThan(waits);
  });
});

test('all 30 gates pass under the account-wide rate limit, two served reads each', () => {
  const calls = world.proton.calls;
  const throttled = calls.filter((c) => c.throttled);
  expect(outcomes.map((o) => o.status)).toEqual(ids.map(() => 'SUCCESS'));
  // Exactly the reads the scripts need: IN_PROGRESS, then SUCCEEDED, per gate; everything else was throttled.
  expect(calls.length - throttled.length).toBe(2 * GATES);
  expect(throttled.length).toBeGreaterThan(0);
  // 60 served reads at 1/s after a burst of 3 take at least 57 virtual seconds.
  expect(virtualMs).toBeGreaterThanOrEqual(((2 * GATES - RATE.burst) / RATE.perSecond) * 1000);
});

/** A copy of the example app's template whose single gate is replaced by GATES gates, one per instance. */
function withGates(stack: SynthesizedStack): SynthesizedStack {
  const template = JSON.parse(JSON.stringify(stack.template)) as SynthesizedStack['template'];
  const gates = Object.entries(template.Resources).filter(([, r]) => r.Type === GATE_TYPE);
  if (gates.length !== 1) throw new Error(`expected one gate in the example app, found ${gates.length}`);
  const [[gateId, gate]] = gates;
  delete template.Resources[gateId];
  ids.forEach((id, i) => {
    template.Resources[id] = { ...gate, Properties: { ...gate.Properties, ServiceInstanceName: instanceOf(i) } };
  });
  return { ...stack, template };
}
