/** Settings shared by every AWS client the handler creates. */
import { setTimeout as sleep } from 'timers/promises';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { CallBudget, Limits } from '../lib/limits';
import { ApiPace } from './polite/api-pace';
import { PoliteRetryStrategy } from './polite/polite-retry';

export interface ClientBudget {
  readonly maxAttempts: number;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/**
 * Client settings under which every call, with all its attempts, fits inside the handler's Lambda timeout, and
 * under which many gates share a rate-limited API politely: the SDK's standard retry strategy wrapped by
 * PoliteRetryStrategy (5xx, timeouts and resets are retried with the SDK's backoff; a throttled call is not
 * retried, and the client's own pace, learnt from the API's answers, holds calls back after throttling), bounded
 * connection and request timeouts. Each client has its own pace: the handler keeps one client per source and
 * region for the life of the execution environment. `budget` is for tests; the handler uses CallBudget.
 */
export function boundedClientConfig(region: string, budget: ClientBudget = CallBudget) {
  return {
    region,
    maxAttempts: budget.maxAttempts,
    retryStrategy: new PoliteRetryStrategy({
      maxAttempts: budget.maxAttempts,
      pace: new ApiPace(() => Date.now()),
      sleep,
      spreadMs: Limits.waiterTickSeconds * 1000,
    }),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: budget.connectionTimeoutMs,
      requestTimeout: budget.requestTimeoutMs,
      // Without this, requestTimeout only logs a warning and a hung endpoint eats the Lambda's time.
      throwOnRequestTimeout: true,
    }),
  };
}
