/**
 * The handler's Proton client, for real: the SDK over HTTP to servers on 127.0.0.1. These check the client
 * configuration that unit tests with a mocked client cannot see: attempts, backoff and timeouts.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { MAXIMUM_RETRY_DELAY, Retry } from '@smithy/util-retry';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createProtonClient, readProtonSyncStatus } from '../../../lambda/sources/proton';
import { ServiceInstanceSyncGate } from '../../../lib';
import { CallBudget } from '../../../lib/limits';
import { listenOnLoopback } from '../../../offline/loopback';
import { PROTON_SUBJECT } from '../../fixtures';


/** Serves `handler` on a random loopback port and points the Proton SDK at it for the test's duration. */
async function withServer(handler: http.RequestListener, run: () => Promise<void>): Promise<void> {
  const server = http.createServer(handler);
  await listenOnLoopback(server);
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_PROTON: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
  try {
    await run();
  } finally {
    process.env = saved;
    server.closeAllConnections();
    server.close();
  }
}

/** The Lambda timeout the construct gives the isComplete handler, read from a synthesized stack. */
function isCompleteTimeoutSeconds(): number {
  const stack = new Stack(new App(), 'Budget');
  new ServiceInstanceSyncGate(stack, 'Gate', { serviceName: 'api', serviceInstanceName: 'prod' });
  const fns = Template.fromStack(stack).findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.isComplete' } });
  const [timeoutSeconds] = Object.values(fns).map((f) => f.Properties.Timeout as number);
  return timeoutSeconds;
}

function error(res: http.ServerResponse, status: number, type: string): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ __type: type, message: type }));
}

describe('the Proton client', () => {
  it('retries more than the SDK default of three attempts', async () => {
    const c = createProtonClient('us-east-1');
    expect(CallBudget.maxAttempts).toBeGreaterThan(3);
    expect(await c.config.maxAttempts()).toBe(CallBudget.maxAttempts);
  });

  it('does not retry a throttled call: the poll gives up after one attempt (test/lambda/polite has the pace)', async () => {
    let calls = 0;
    await withServer(
      (req, res) => {
        req.resume();
        calls++;
        if (calls < 2) return error(res, 429, 'ThrottlingException');
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
      },
      async () => {
        const c = createProtonClient('us-east-1');
        // The poll gives up at once ("not yet"), after one attempt: no retry inside the poll.
        const first = await readProtonSyncStatus(c, PROTON_SUBJECT).catch((e: unknown) => e);
        expect(first).toMatchObject({ transient: true });
        expect(String((first as Error).message)).toContain('ThrottlingException');
        expect(String((first as Error).message)).toContain('Proton throttled the read of');
        expect(calls).toBe(1);
        c.destroy();
      },
    );
  });

  it('gives up on an internal error that never clears after every attempt, saying how many', async () => {
    let calls = 0;
    await withServer(
      (req, res) => {
        req.resume();
        calls++;
        error(res, 500, 'InternalServerException');
      },
      async () => {
        const c = createProtonClient('us-east-1');
        await expect(readProtonSyncStatus(c, PROTON_SUBJECT)).rejects.toThrow(
          `kept answering InternalServerException for service instance "prod" of service "api" in us-east-1 after ${CallBudget.maxAttempts} attempts`,
        );
        expect(calls).toBe(CallBudget.maxAttempts);
        c.destroy();
      },
    );
  });

  it('aborts a call to an endpoint that never answers instead of waiting for it', async () => {
    const hung: http.ServerResponse[] = [];
    await withServer(
      (_req, res) => void hung.push(res),
      async () => {
        const c = createProtonClient('us-east-1', { maxAttempts: 2, connectionTimeoutMs: 200, requestTimeoutMs: 300 });
        const t0 = Date.now();
        await expect(readProtonSyncStatus(c, PROTON_SUBJECT)).rejects.toThrow(/Could not reach AWS Proton[^]*after 2 attempts \((TimeoutError|ETIMEDOUT): [^]*requestTimeout[^]*2026-10-07/);
        expect(hung.length).toBe(2);
        // Two attempts of 300 ms plus one backoff, where a warning-only timeout would hang until the test's limit.
        expect(Date.now() - t0).toBeLessThan(10_000);
        c.destroy();
      },
    );
  });

  it('fits every attempt, with its timeout and the longest backoff, in half of the Lambda timeout', () => {
    const timeoutSeconds = isCompleteTimeoutSeconds();

    const attempts = CallBudget.maxAttempts;
    const perAttempt = Math.max(CallBudget.requestTimeoutMs, CallBudget.connectionTimeoutMs);
    // Throttling backs off the longest: base * 2^i capped at MAXIMUM_RETRY_DELAY, plus at most 5 s for a
    // Retry-After hint (smithy's StandardRetryStrategy).
    let backoff = 0;
    for (let i = 0; i < attempts - 1; i++) backoff += Math.min(Retry.throttlingDelay() * 2 ** i, MAXIMUM_RETRY_DELAY) + 5_000;
    expect(attempts * perAttempt + backoff).toBeLessThanOrEqual((timeoutSeconds * 1000) / 2);
  });

  it('aborts a call in flight when the poll\'s budget signal fires, without another attempt', async () => {
    const hung: http.ServerResponse[] = [];
    await withServer(
      (_req, res) => void hung.push(res),
      async () => {
        // Timeouts far longer than the test: only the signal can end this call.
        const c = createProtonClient('us-east-1', { maxAttempts: 5, connectionTimeoutMs: 600_000, requestTimeoutMs: 600_000 });
        const controller = new AbortController();
        const call = readProtonSyncStatus(c, PROTON_SUBJECT, controller.signal);
        while (hung.length === 0) await new Promise((r) => setImmediate(r));
        controller.abort();
        const error = await call.catch((e: Error) => e);
        expect(error).toBeInstanceOf(Error);
        expect((error as Error & { cause?: { name?: string } }).cause?.name).toBe('AbortError');
        expect(hung).toHaveLength(1);
        c.destroy();
      },
    );
  });

  it('fits the worst poll in the Lambda timeout: the sources\' budget, one DescribeStacks, and the backoff each may be sleeping when aborted', () => {
    const timeoutSeconds = isCompleteTimeoutSeconds();
    // An abort is noticed at the next attempt: after the backoff being slept, at most the longest one (the last
    // throttling delay, capped, plus a Retry-After hint of up to 5 s).
    const longestBackoff = Math.min(Retry.throttlingDelay() * 2 ** (CallBudget.maxAttempts - 2), MAXIMUM_RETRY_DELAY) + 5_000;
    // The status and blocker reads share the sources' budget from the poll's start; a poll makes at most one
    // DescribeStacks (on an Update's first tick, or before failing), with its own budget.
    const worstPoll = CallBudget.sourceCallsBudgetMs + longestBackoff + CallBudget.stackCallBudgetMs + longestBackoff;
    // 10 s left for deciding, logging and answering, on a cold start.
    expect(worstPoll + 10_000).toBeLessThanOrEqual(timeoutSeconds * 1000);
    // Without the budget, three calls in a row at their own worst would not fit.
    const perCall = CallBudget.maxAttempts * Math.max(CallBudget.requestTimeoutMs, CallBudget.connectionTimeoutMs) + (CallBudget.maxAttempts - 1) * longestBackoff;
    expect(3 * perCall).toBeGreaterThan(timeoutSeconds * 1000);
  });
});
