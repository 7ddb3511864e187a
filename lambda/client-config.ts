/** Settings shared by every AWS client the handler and the `check` command create. */
import { setTimeout as sleep } from 'timers/promises';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentityProvider, RetryStrategyV2 } from '@smithy/types';
import { CallBudget } from '../lib/limits';
import { ApiPace } from './polite/api-pace';
import { PoliteRetryStrategy } from './polite/polite-retry';
import { SleepingStandardRetryStrategy } from './polite/standard-retry';

export interface ClientBudget {
  readonly maxAttempts: number;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/**
 * The retry policy of the gate's source reads: polite toward a rate limit that many gates share (no retry on
 * throttling; every answer told to `pace`, which the handler asks before a gate reads).
 */
export function politeRetry(pace: ApiPace, maxAttempts: number = CallBudget.maxAttempts): RetryStrategyV2 {
  return new PoliteRetryStrategy({ maxAttempts, pace, sleep });
}

/**
 * The retry policy of a caller that someone is waiting for (the gate's DescribeStacks, the `check` command): the
 * SDK's standard mode, throttling retried with its backoff, `maxAttempts` attempts in all.
 */
export function standardRetry(maxAttempts: number = CallBudget.maxAttempts): RetryStrategyV2 {
  return new SleepingStandardRetryStrategy({ maxAttempts, sleep });
}

/**
 * Client settings under which every call, with all its attempts, fits inside the handler's Lambda timeout: the
 * caller's retry strategy (politeRetry or standardRetry, each the SDK's standard strategy underneath, with its
 * backoff slept through timers/promises), its attempts, and bounded connection and request timeouts. `budget` is
 * for tests; the handler uses CallBudget. `credentials`, when given, replace the client's default chain (a reader
 * role's, lambda/sources/reader-role.ts).
 */
export function boundedClientConfig(
  region: string,
  retryStrategy: RetryStrategyV2,
  budget: Omit<ClientBudget, 'maxAttempts'> = CallBudget,
  credentials?: AwsCredentialIdentityProvider,
) {
  const maxAttempts = retryStrategy instanceof SleepingStandardRetryStrategy ? retryStrategy.maxAttempts : CallBudget.maxAttempts;
  return {
    region,
    ...(credentials ? { credentials } : {}),
    maxAttempts,
    retryStrategy,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: budget.connectionTimeoutMs,
      requestTimeout: budget.requestTimeoutMs,
      // Without this, requestTimeout only logs a warning and a hung endpoint eats the Lambda's time.
      throwOnRequestTimeout: true,
    }),
  };
}
