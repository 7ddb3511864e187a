/**
 * Lambda entry points: wire the real clients and hand over to the logic in handler/gate.ts.
 * One reader (SDK client) per source and region, created on first use and kept for the life of the execution
 * environment.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import * as gate from './handler/gate';
import { PollHistory } from './handler/poll-history';
import { createCloudFormationClient, describeOwnStack, stackRegion } from './handler/stack-state';
import { SOURCES } from './sources';
import { SourceReader, SyncSource } from './sources/source';

const readers = new Map<string, SourceReader>();

function readerFor(source: SyncSource, region: string): SourceReader {
  const key = `${source.kind}:${region}`;
  let reader = readers.get(key);
  if (!reader) {
    reader = source.connect(region);
    readers.set(key, reader);
  }
  return reader;
}

let cloudFormation: CloudFormationClient | undefined;

const deps: gate.GateDeps = {
  sources: SOURCES,
  readStatus: (source, subject, signal) => readerFor(source, subject.region).readStatus(subject, signal),
  readBlockers: (source, subject, signal) => readerFor(source, subject.region).readBlockers(subject, signal),
  describeStack: (stackId, signal) => {
    cloudFormation ??= createCloudFormationClient(stackRegion(stackId) ?? deps.defaultRegion);
    return describeOwnStack(cloudFormation, stackId, signal);
  },
  now: () => Date.now(),
  abortAfter: (ms) => AbortSignal.timeout(ms),
  log: (line) => console.log(JSON.stringify({ level: 'INFO', ...line })),
  defaultRegion: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
  history: new PollHistory(),
};

export const onEvent = (event: CloudFormationCustomResourceEvent): Promise<gate.OnEventResponse> => gate.onEvent(event, deps);

export const isComplete = (event: gate.IsCompleteEvent): Promise<gate.IsCompleteResponse> => gate.isComplete(event, deps);
