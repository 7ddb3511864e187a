/**
 * The polite retry strategy inside a real Proton client (the SDK's own retry middleware), against a loopback
 * server: throttling is not retried, every answer reaches the environment's pace, other errors are retried with
 * the SDK's backoff slept through the injected sleep.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { GetServiceInstanceSyncStatusCommand, ProtonClient } from '@aws-sdk/client-proton';
import { Retry } from '@smithy/util-retry';
import { ApiPace, DEFAULT_PACE } from '../../../lambda/polite/api-pace';
import { PoliteRetryStrategy } from '../../../lambda/polite/polite-retry';
import { listenOnLoopback } from '../../../offline/loopback';

let server: http.Server;
let answers: number[];
let requests: number;
let now: number;
let slept: number[];
let client: ProtonClient;
let strategy: PoliteRetryStrategy;

beforeEach(async () => {
  requests = 0;
  answers = [];
  now = 1_000_000;
  slept = [];
  server = http.createServer((req, res) => {
    req.resume();
    requests++;
    const status = answers.shift() ?? 200;
    const type = status === 429 ? 'ThrottlingException' : 'InternalServerException';
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(status === 200 ? '{}' : JSON.stringify({ __type: type, message: type }));
  });
  await listenOnLoopback(server);
  strategy = new PoliteRetryStrategy({
    maxAttempts: 5,
    pace: new ApiPace(() => now, DEFAULT_PACE),
    sleep: async (ms) => void slept.push(ms),
    random: () => 0.5,
  });
  client = new ProtonClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    retryStrategy: strategy,
  });
});

afterEach(() => {
  client.destroy();
  server.closeAllConnections();
  server.close();
});

const read = (): Promise<unknown> => client.send(new GetServiceInstanceSyncStatusCommand({ serviceName: 'api', serviceInstanceName: 'prod' })).catch((e: unknown) => e);

it('gives up on a throttled call after one attempt, without sleeping, and tells the pace', async () => {
  answers = [429];
  const e = await read();
  expect(e).toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429, attempts: 1 } });
  expect(requests).toBe(1);
  expect(slept).toEqual([]);
  expect(strategy.pace.counts).toMatchObject({ throttled: 1, served: 0 });
  expect(strategy.pace.rate).toBe(DEFAULT_PACE.startPerSecond);
});

it('a throttled retry of a 5xx is not retried either, and a served call after it is told to the pace', async () => {
  answers = [500, 429];
  expect(await read()).toMatchObject({ name: 'ThrottlingException', $metadata: { attempts: 2 } });
  expect(requests).toBe(2);
  expect(await read()).toMatchObject({ $metadata: { httpStatusCode: 200, attempts: 1 } });
  expect(strategy.pace.counts).toMatchObject({ throttled: 1, served: 1 });
});

it("retries a 5xx with the SDK's backoff (full jitter of its base delay x 2^retry), slept through the injected sleep", async () => {
  answers = [500, 500, 500];
  expect(await read()).toMatchObject({ $metadata: { httpStatusCode: 200, attempts: 4 } });
  expect(requests).toBe(4);
  // random() = 0.5: half of Retry.delay() x 2^i for the three retries.
  expect(slept).toEqual([0, 1, 2].map((i) => Math.floor(0.5 * Retry.delay() * 2 ** i)));
  expect(slept[0]).toBeGreaterThan(0);
  expect(strategy.pace.counts).toMatchObject({ throttled: 0, served: 1 });
});

it('gives up on a 5xx that never clears after maxAttempts', async () => {
  answers = [500, 500, 500, 500, 500, 500];
  expect(await read()).toMatchObject({ name: 'InternalServerException', $metadata: { attempts: 5 } });
  expect(requests).toBe(5);
});

it('rejects a maxAttempts that is not a whole number >= 1', () => {
  expect(() => new PoliteRetryStrategy({ maxAttempts: 0, pace: new ApiPace(() => 0), sleep: async () => undefined })).toThrow(
    'maxAttempts must be a whole number >= 1, got 0',
  );
});
