/** Settings shared by every AWS client the handler creates. */
import { setTimeout as sleep } from 'timers/promises';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { CallBudget } from '../lib/limits';
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
 * retried, and every answer is told to `pace`, which the handler asks before a gate reads), bounded connection
 * and request timeouts. The handler keeps one client and one pace per source and region for the life of the
 * execution environment. `budget` is for tests; the handler uses CallBudget.
 */
export function boundedClientConfig(region: string, budget: ClientBudget = CallBudget, pace: ApiPace = new ApiPace(() => Date.now())) {
  return {
    region,
    maxAttempts: budget.maxAttempts,
    retryStrategy: new PoliteRetryStrategy({
      maxAttempts: budget.maxAttempts,
      pace,
      sleep,
    }),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: budget.connectionTimeoutMs,
      requestTimeout: budget.requestTimeoutMs,
      // Without this, requestTimeout only logs a warning and a hung endpoint eats the Lambda's time.
      throwOnRequestTimeout: true,
    }),
  };
}
