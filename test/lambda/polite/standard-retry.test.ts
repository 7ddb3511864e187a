/**
 * The standard retry strategy of callers someone waits for (DescribeStacks, the check), inside a real Proton client
 * (the SDK's own retry middleware) against a loopback server: throttling is retried like a 5xx, with the SDK's
 * longer throttling base delay, slept through the injected sleep; it gives up after maxAttempts.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { GetServiceInstanceSyncStatusCommand, ProtonClient } from '@aws-sdk/client-proton';
import { Retry } from '@smithy/util-retry';
import { SleepingStandardRetryStrategy } from '../../../lambda/polite/standard-retry';
import { listenOnLoopback } from '../../../offline/loopback';

let server: http.Server;
let answers: number[];
let requests: number;
let slept: number[];
let client: ProtonClient;

beforeEach(async () => {
  requests = 0;
  answers = [];
  slept = [];
  server = http.createServer((req, res) => {
    req.resume();
    requests++;
    const status = answers.shift() ?? 200;
    const type = status === 429 ? 'ThrottlingException' : 'InternalServerException';
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(status === 200 ? '{}' : JSON.stringify({ __type: type, message: type }));
  });
  await listenOnLoopback(server);
  client = new ProtonClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    retryStrategy: new SleepingStandardRetryStrategy({ maxAttempts: 3, sleep: async (ms) => void slept.push(ms), random: () => 0.5 }),
  });
});

afterEach(() => {
  client.destroy();
  server.closeAllConnections();
  server.close();
});

const read = (): Promise<unknown> => client.send(new GetServiceInstanceSyncStatusCommand({ serviceName: 'api', serviceInstanceName: 'prod' })).catch((e: unknown) => e);

it("retries a throttled call with the SDK's throttling backoff, slept through the injected sleep, until it is served", async () => {
  answers = [429, 429];
  expect(await read()).toMatchObject({ $metadata: { httpStatusCode: 200, attempts: 3 } });
  expect(requests).toBe(3);
  expect(slept).toEqual([0, 1].map((i) => Math.floor(0.5 * Retry.throttlingDelay() * 2 ** i)));
  expect(Retry.throttlingDelay()).toBeGreaterThan(Retry.delay());
});

it('retries a 5xx with the base delay', async () => {
  answers = [500];
  expect(await read()).toMatchObject({ $metadata: { attempts: 2 } });
  expect(slept).toEqual([Math.floor(0.5 * Retry.delay())]);
});

it('gives up after maxAttempts, throwing what the last attempt got', async () => {
  answers = [429, 500, 429, 429];
  expect(await read()).toMatchObject({ name: 'ThrottlingException', $metadata: { attempts: 3 } });
  expect(requests).toBe(3);
});

it.each([0, 1.5, Number.NaN])('rejects maxAttempts %s', (maxAttempts) => {
  expect(() => new SleepingStandardRetryStrategy({ maxAttempts, sleep: async () => undefined })).toThrow(
    `SleepingStandardRetryStrategy: maxAttempts must be a whole number >= 1, got ${maxAttempts}`,
  );
});
