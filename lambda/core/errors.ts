import { MAX_REASON_JSON_BYTES } from './reasons';
import { truncateToJsonBytes } from './text';

/**
 * A failure the user must act on. The message says what happened and what to do next; `cause` keeps the
 * original. The message becomes the CloudFormation reason, so it is bounded to the reason's byte budget
 * (error texts that an API sends are not bounded by it).
 */
export class SyncGateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(truncateToJsonBytes(message, MAX_REASON_JSON_BYTES), options);
    this.name = 'SyncGateError';
    // The Provider framework appends every stack line after the first to the CloudFormation reason. A
    // one-line stack keeps the reason to the message (and within the response size limit).
    this.stack = `${this.name}: ${this.message.split('\n')[0]}`;
  }
}

/** The error for a resource property that is not valid: names the property, shows the value, says what is allowed. */
export function invalidProperty(prop: string, value: unknown, allowed: string): SyncGateError {
  return new SyncGateError(`Invalid ${prop} ${JSON.stringify(value)}: ${allowed}. Fix the gate's props and deploy again.`);
}
