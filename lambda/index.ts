/**
 * Lambda entry points: wire the real clients and hand over to the logic in handler/gate.ts.
 * One reader (SDK client) and one pace per source and region, created on first use and kept for the life of the
 * execution environment, which serves many gates in turn: the pace learns from every gate's calls.
 */
import { setTimeout as sleep } from 'timers/promises';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { politeRetry } from './client-config';
import * as gate from './handler/gate';
import { PollHistory } from './handler/poll-history';
import { createCloudFormationClient, describeOwnStack, stackRegion } from './handler/stack-state';
import { ApiPace } from './polite/api-pace';
import { SOURCES } from './sources';
import { SourceReader, SyncSource } from './sources/source';

const readers = new Map<string, { reader: SourceReader; pace: ApiPace }>();

function connection(source: SyncSource, region: string): { reader: SourceReader; pace: ApiPace } {
  const key = `${source.kind}:${region}`;
  let found = readers.get(key);
  if (!found) {
    const pace = new ApiPace(() => Date.now());
    found = { reader: source.connect(region, politeRetry(pace)), pace };
    readers.set(key, found);
  }
  return found;
}

let cloudFormation: CloudFormationClient | undefined;

const deps: gate.GateDeps = {
  sources: SOURCES,
  readStatus: (source, subject, signal) => connection(source, subject.region).reader.readStatus(subject, signal),
  readBlockers: (source, subject, signal) => connection(source, subject.region).reader.readBlockers(subject, signal),
  explainExpectedNotDesired: async (source, subject, expectedSha, signal) =>
    connection(source, subject.region).reader.explainExpectedNotDesired?.(subject, expectedSha, signal),
  pace: (source, region) => connection(source, region).pace,
  sleep: (ms) => sleep(ms),
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
