/**
 * The standard retry strategy of callers someone waits for (DescribeStacks, the check), inside a real Proton client
 * (the SDK's own retry middleware) against a loopback server: throttling is retried like a 5xx, with the SDK's
 * longer throttling base delay, slept through the injected sleep; it gives up after maxAttempts.
 */
import { Retry } from '@smithy/util-retry';
import { SleepingStandardRetryStrategy } from '../../../lambda/polite/standard-retry';
import { ScriptedProton, scriptedProton } from './scripted-proton';

let proton: ScriptedProton;
let slept: number[];

beforeEach(async () => {
  slept = [];
  proton = await scriptedProton(new SleepingStandardRetryStrategy({ maxAttempts: 3, sleep: async (ms) => void slept.push(ms), random: () => 0.5 }));
});

afterEach(() => {
  proton.close();
});

it("retries a throttled call with the SDK's throttling backoff, slept through the injected sleep, until it is served", async () => {
  proton.answers = [429, 429];
  expect(await proton.read()).toMatchObject({ $metadata: { httpStatusCode: 200, attempts: 3 } });
  expect(proton.requests).toBe(3);
  expect(slept).toEqual([0, 1].map((i) => Math.floor(0.5 * Retry.throttlingDelay() * 2 ** i)));
  expect(Retry.throttlingDelay()).toBeGreaterThan(Retry.delay());
});

it('retries a 5xx with the base delay', async () => {
  proton.answers = [500];
  expect(await proton.read()).toMatchObject({ $metadata: { attempts: 2 } });
  expect(slept).toEqual([Math.floor(0.5 * Retry.delay())]);
});

it('gives up after maxAttempts, throwing what the last attempt got', async () => {
  proton.answers = [429, 500, 429, 429];
  expect(await proton.read()).toMatchObject({ name: 'ThrottlingException', $metadata: { attempts: 3 } });
  expect(proton.requests).toBe(3);
});

it.each([0, 1.5, Number.NaN])('rejects maxAttempts %s', (maxAttempts) => {
  expect(() => new SleepingStandardRetryStrategy({ maxAttempts, sleep: async () => undefined })).toThrow(
    `SleepingStandardRetryStrategy: maxAttempts must be a whole number >= 1, got ${maxAttempts}`,
  );
});
