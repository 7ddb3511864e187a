import { MAX_REASON_JSON_BYTES } from './reasons';
import { cutMiddleToJsonBytes } from './text';

/**
 * A failure the user must act on. The message says what happened and what to do next; `cause` keeps the
 * original. The message becomes the CloudFormation reason, so it is bounded to the reason's byte budget
 * (error texts that an API sends are not bounded by it) by cutting its middle, where the API's text stands, so
 * that what happened and what to do next stay.
 */
export class SyncGateError extends Error {
  /**
   * True when the same call may well succeed on a later poll (throttling, server errors, timeouts, reset
   * connections); false when only a change on the user's side helps (not found, access denied, bad input, an
   * endpoint that refuses connections or does not resolve).
   */
  public readonly transient: boolean;

  constructor(message: string, options?: { cause?: unknown; transient?: boolean }) {
    super(cutMiddleToJsonBytes(message, MAX_REASON_JSON_BYTES), { cause: options?.cause });
    this.name = 'SyncGateError';
    this.transient = options?.transient ?? false;
    // The Provider framework appends every stack line after the first to the CloudFormation reason. A
    // one-line stack keeps the reason to the message (and within the response size limit).
    this.stack = `${this.name}: ${this.message.split('\n')[0]}`;
  }
}

/** The error for a resource property that is not valid: names the property, shows the value, says what is allowed. */
export function invalidProperty(prop: string, value: unknown, allowed: string): SyncGateError {
  return new SyncGateError(`Invalid ${prop} ${JSON.stringify(value)}: ${allowed}. Fix the gate's props and deploy again.`);
}
