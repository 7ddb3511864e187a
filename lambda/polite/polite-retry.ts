/**
 * The retry strategy of every client the handler makes: the SDK's standard strategy (its retry decisions, retry
 * quota and exponential backoff with full jitter) with three changes for a client that polls a rate-limited API
 * among many:
 *
 * - A throttled call is not retried: the poll gives up and is "not yet", as any poll the API throttles is. Retrying
 *   inside the poll would only add calls the API cannot serve.
 * - Every answer, served or throttled, is told to the environment's {@link ApiPace}, which the handler asks before
 *   a gate reads (lambda/handler/gate.ts).
 * - The backoff before a retry (5xx, timeouts, resets) is slept through `sleep` (Node's timers/promises), not
 *   inside the SDK, so that the offline world can run it on its virtual clock.
 */
import type { RetryErrorInfo, RetryStrategyV2, StandardRetryBackoffStrategy, StandardRetryToken } from '@smithy/types';
import { MAXIMUM_RETRY_DELAY, Retry, StandardRetryStrategy } from '@smithy/util-retry';
import { ApiPace } from './api-pace';

export type Sleep = (ms: number) => Promise<unknown>;

/**
 * The SDK's full-jitter exponential backoff (@smithy/core's DefaultRetryBackoffStrategy: a random share of
 * base × 2^attempt, at most MAXIMUM_RETRY_DELAY), computed here and remembered instead of slept by the SDK.
 */
class DeferredBackoff implements StandardRetryBackoffStrategy {
  public pendingMs = 0;
  private base = Retry.delay();
  constructor(private readonly random: () => number) {}
  public computeNextBackoffDelay(retryAttempt: number): number {
    this.pendingMs = Math.floor(this.random() * Math.min(this.base * 2 ** retryAttempt, MAXIMUM_RETRY_DELAY));
    return 0;
  }
  public setDelayBase(delayBase: number): void {
    this.base = delayBase;
  }
}

export interface PoliteRetryOptions {
  readonly maxAttempts: number;
  readonly pace: ApiPace;
  readonly sleep: Sleep;
  /** For tests; Math.random otherwise. */
  readonly random?: () => number;
}

export class PoliteRetryStrategy implements RetryStrategyV2 {
  public readonly mode = 'standard';
  private readonly backoff: DeferredBackoff;
  private readonly standard: StandardRetryStrategy;
  private readonly random: () => number;

  constructor(private readonly options: PoliteRetryOptions) {
    if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) {
      throw new Error(`PoliteRetryStrategy: maxAttempts must be a whole number >= 1, got ${options.maxAttempts}`);
    }
    this.random = options.random ?? Math.random;
    this.backoff = new DeferredBackoff(this.random);
    this.standard = new StandardRetryStrategy({ maxAttempts: options.maxAttempts, backoff: this.backoff });
  }

  public get pace(): ApiPace {
    return this.options.pace;
  }

  public async acquireInitialRetryToken(scope: string): Promise<StandardRetryToken> {
    return this.standard.acquireInitialRetryToken(scope);
  }

  public async refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo): Promise<StandardRetryToken> {
    if (errorInfo.errorType === 'THROTTLING') {
      this.options.pace.throttled();
      // No retry: the SDK throws the throttling error it got, and the poll is "not yet".
      throw new Error('throttled: no retry inside the poll');
    }
    // Any other answer (a 5xx, an error the SDK does not retry) or no answer at all still came from the API or the
    // network, not from its rate limit: the pace is unchanged.
    const next = await this.standard.refreshRetryTokenForRetry(token, errorInfo);
    const delay = this.backoff.pendingMs;
    this.backoff.pendingMs = 0;
    if (delay > 0) await this.options.sleep(delay);
    return next;
  }

  public recordSuccess(token: StandardRetryToken): void {
    this.options.pace.served();
    this.standard.recordSuccess(token);
  }
}
