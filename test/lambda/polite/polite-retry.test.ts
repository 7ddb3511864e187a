/**
 * The polite retry strategy inside a real Proton client (the SDK's own retry middleware), against a loopback
 * server: throttling is not retried, every answer reaches the environment's pace, other errors are retried with
 * the SDK's backoff slept through the injected sleep.
 */
import { Retry } from '@smithy/util-retry';
import { ApiPace, DEFAULT_PACE } from '../../../lambda/polite/api-pace';
import { PoliteRetryStrategy } from '../../../lambda/polite/polite-retry';
import { ScriptedProton, scriptedProton } from './scripted-proton';

let proton: ScriptedProton;
let now: number;
let slept: number[];
let strategy: PoliteRetryStrategy;

beforeEach(async () => {
  now = 1_000_000;
  slept = [];
  strategy = new PoliteRetryStrategy({
    maxAttempts: 5,
    pace: new ApiPace(() => now, DEFAULT_PACE),
    sleep: async (ms) => void slept.push(ms),
    random: () => 0.5,
  });
  proton = await scriptedProton(strategy);
});

afterEach(() => {
  proton.close();
});

it('gives up on a throttled call after one attempt, without sleeping, and tells the pace', async () => {
  proton.answers = [429];
  const e = await proton.read();
  expect(e).toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429, attempts: 1 } });
  expect(proton.requests).toBe(1);
  expect(slept).toEqual([]);
  expect(strategy.pace.counts).toMatchObject({ throttled: 1, served: 0 });
  expect(strategy.pace.rate).toBe(DEFAULT_PACE.startPerSecond);
});

it('a throttled retry of a 5xx is not retried either, and a served call after it is told to the pace', async () => {
  proton.answers = [500, 429];
  expect(await proton.read()).toMatchObject({ name: 'ThrottlingException', $metadata: { attempts: 2 } });
  expect(proton.requests).toBe(2);
  expect(await proton.read()).toMatchObject({ $metadata: { httpStatusCode: 200, attempts: 1 } });
  expect(strategy.pace.counts).toMatchObject({ throttled: 1, served: 1 });
});

it("retries a 5xx with the SDK's backoff (full jitter of its base delay x 2^retry), slept through the injected sleep", async () => {
  proton.answers = [500, 500, 500];
  expect(await proton.read()).toMatchObject({ $metadata: { httpStatusCode: 200, attempts: 4 } });
  expect(proton.requests).toBe(4);
  // random() = 0.5: half of Retry.delay() x 2^i for the three retries.
  expect(slept).toEqual([0, 1, 2].map((i) => Math.floor(0.5 * Retry.delay() * 2 ** i)));
  expect(slept[0]).toBeGreaterThan(0);
  expect(strategy.pace.counts).toMatchObject({ throttled: 0, served: 1 });
});

it('gives up on a 5xx that never clears after maxAttempts', async () => {
  proton.answers = [500, 500, 500, 500, 500, 500];
  expect(await proton.read()).toMatchObject({ name: 'InternalServerException', $metadata: { attempts: 5 } });
  expect(proton.requests).toBe(5);
});

it('rejects a maxAttempts that is not a whole number >= 1', () => {
  expect(() => new PoliteRetryStrategy({ maxAttempts: 0, pace: new ApiPace(() => 0), sleep: async () => undefined })).toThrow(
    'maxAttempts must be a whole number >= 1, got 0',
  );
});
