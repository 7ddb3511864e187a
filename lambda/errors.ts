/** A failure the user must act on. The message says what happened and what to do next; `cause` keeps the original. */
export class SyncGateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SyncGateError';
    // The Provider framework appends every stack line after the first to the CloudFormation reason. A
    // one-line stack keeps the reason to the message (and within the response size limit).
    this.stack = `${this.name}: ${message.split('\n')[0]}`;
  }
}
