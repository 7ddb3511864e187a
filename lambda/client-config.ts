/** Settings shared by every AWS client the handler creates. */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { CallBudget } from '../lib/limits';

export interface ClientBudget {
  readonly maxAttempts: number;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/**
 * Client settings under which every call, with all its attempts, fits inside the handler's Lambda timeout: the
 * SDK's standard retry strategy (exponential backoff with jitter; throttling and 5xx are retried), bounded
 * connection and request timeouts. `budget` is for tests; the handler uses CallBudget.
 */
export function boundedClientConfig(region: string, budget: ClientBudget = CallBudget) {
  return {
    region,
    maxAttempts: budget.maxAttempts,
    retryMode: 'standard',
    requestHandler: new NodeHttpHandler({
      connectionTimeout: budget.connectionTimeoutMs,
      requestTimeout: budget.requestTimeoutMs,
      // Without this, requestTimeout only logs a warning and a hung endpoint eats the Lambda's time.
      throwOnRequestTimeout: true,
    }),
  };
}
