/**
 * The retry strategy of the gate's reads of its source: the SDK's standard strategy, its backoff slept through
 * `sleep` (standard-retry.ts), with two changes for a client that polls a rate-limited API among many:
 *
 * - A throttled call is not retried: the poll gives up and is "not yet", as any poll the API throttles is. Retrying
 *   inside the poll would only add calls the API cannot serve.
 * - Every answer, served or throttled, is told to the environment's {@link ApiPace}, which the handler asks before
 *   a gate reads (lambda/handler/gate.ts).
 *
 * Politeness is for these reads alone: a caller that someone is waiting for (DescribeStacks during a rollback, the
 * `check` command) retries throttling as the SDK's standard mode does (SleepingStandardRetryStrategy).
 */
import type { RetryErrorInfo, StandardRetryToken } from '@smithy/types';
import { ApiPace } from './api-pace';
import { SleepingRetryOptions, SleepingStandardRetryStrategy } from './standard-retry';

export type { Sleep } from './standard-retry';

export interface PoliteRetryOptions extends SleepingRetryOptions {
  readonly pace: ApiPace;
}

export class PoliteRetryStrategy extends SleepingStandardRetryStrategy {
  constructor(private readonly polite: PoliteRetryOptions) {
    super(polite);
  }

  public get pace(): ApiPace {
    return this.polite.pace;
  }

  public override async refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo): Promise<StandardRetryToken> {
    if (errorInfo.errorType === 'THROTTLING') {
      this.polite.pace.throttled();
      // No retry: the SDK throws the throttling error it got, and the poll is "not yet".
      throw new Error('throttled: no retry inside the poll');
    }
    // Any other answer (a 5xx, an error the SDK does not retry) or no answer at all still came from the API or the
    // network, not from its rate limit: the pace is unchanged.
    return super.refreshRetryTokenForRetry(token, errorInfo);
  }

  public override recordSuccess(token: StandardRetryToken): void {
    this.polite.pace.served();
    super.recordSuccess(token);
  }
}
