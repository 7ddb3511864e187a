/**
 * The SDK's standard retry strategy (its retry decisions, retry quota and exponential backoff with full jitter,
 * throttling included, with throttling's longer base delay), whose backoff is slept through an injected `sleep`
 * (Node's timers/promises in Lambda) instead of inside the SDK, so that the offline world runs it on its virtual
 * clock. The retry policy of callers that someone is waiting for: the gate's DescribeStacks, which tells a rollback
 * from an update, and the `check` command's reads.
 */
import type { RetryErrorInfo, RetryStrategyV2, StandardRetryBackoffStrategy, StandardRetryToken } from '@smithy/types';
import { MAXIMUM_RETRY_DELAY, Retry, StandardRetryStrategy } from '@smithy/util-retry';

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

export interface SleepingRetryOptions {
  readonly maxAttempts: number;
  readonly sleep: Sleep;
  /** For tests; Math.random otherwise. */
  readonly random?: () => number;
}

export class SleepingStandardRetryStrategy implements RetryStrategyV2 {
  public readonly mode = 'standard';
  private readonly backoff: DeferredBackoff;
  private readonly standard: StandardRetryStrategy;

  constructor(protected readonly options: SleepingRetryOptions) {
    if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) {
      throw new Error(`${new.target.name}: maxAttempts must be a whole number >= 1, got ${options.maxAttempts}`);
    }
    this.backoff = new DeferredBackoff(options.random ?? Math.random);
    this.standard = new StandardRetryStrategy({ maxAttempts: options.maxAttempts, backoff: this.backoff });
  }

  public get maxAttempts(): number {
    return this.options.maxAttempts;
  }

  public async acquireInitialRetryToken(scope: string): Promise<StandardRetryToken> {
    return this.standard.acquireInitialRetryToken(scope);
  }

  public async refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo): Promise<StandardRetryToken> {
    const next = await this.standard.refreshRetryTokenForRetry(token, errorInfo);
    const delay = this.backoff.pendingMs;
    this.backoff.pendingMs = 0;
    if (delay > 0) await this.options.sleep(delay);
    return next;
  }

  public recordSuccess(token: StandardRetryToken): void {
    this.standard.recordSuccess(token);
  }
}
