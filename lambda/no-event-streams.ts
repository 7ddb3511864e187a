/**
 * What the handler bundle has in place of `@smithy/core/event-streams` (scripts/build-handler.js aliases it here):
 * the SDK's protocols `import()` it for operations that stream events, and none of the gate's operations does
 * (GetResourceSyncStatus, GetSyncBlockerSummary, GetServiceInstanceSyncStatus, GetServiceSyncBlockerSummary,
 * DescribeStacks, AssumeRole are plain request and response). Left in, that `import()` made esbuild wrap every module
 * it reaches, most of the SDK's core, in lazily evaluated functions whose code V8 parses twice, and carried the event
 * stream codec (and `node:zlib` for its CRC32) into every cold start. Should an operation ever need it, it says so.
 */
const NOT_BUNDLED =
  'The sync gate handler bundle leaves out the AWS SDK event-stream support (no operation it calls streams events): ' +
  'an operation that does needs it back in scripts/build-handler.js.';

export class EventStreamSerde {
  constructor() {
    throw new Error(NOT_BUNDLED);
  }
}

export const eventStreamSerdeProvider = (): never => {
  throw new Error(NOT_BUNDLED);
};
