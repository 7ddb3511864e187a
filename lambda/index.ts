/**
 * Lambda entry points: wire the real clients and hand over to the logic in handler/gate.ts.
 * One reader (SDK client) per source, region and reader role (with its credentials, sources/reader-role.ts), and one
 * pace per source and region, created on first use and kept for the life of the execution environment, which serves
 * many gates in turn: the pace learns from every gate's calls. One STS client, made when a gate first names a role.
 */
import { setTimeout as sleep } from 'timers/promises';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { STSClient } from '@aws-sdk/client-sts';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { politeRetry } from './client-config';
import * as gate from './handler/gate';
import { PollHistory } from './handler/poll-history';
import { createCloudFormationClient, describeOwnStack, stackRegion } from './handler/stack-state';
import { ApiPace } from './polite/api-pace';
import { SOURCES } from './sources';
import { connectSubject, createStsClient, readerKey } from './sources/reader-role';
import { SourceReader, Subject, SyncSource } from './sources/source';

const paces = new Map<string, ApiPace>();

/** The pace of `source` in `region`, whichever account its readers read. */
function paceOf(source: SyncSource, region: string): ApiPace {
  const key = `${source.kind}:${region}`;
  let pace = paces.get(key);
  if (!pace) {
    pace = new ApiPace(() => Date.now());
    paces.set(key, pace);
  }
  return pace;
}

const readers = new Map<string, SourceReader>();
let sts: STSClient | undefined;

function readerFor(source: SyncSource, subject: Subject): SourceReader {
  const key = readerKey(source, subject);
  let reader = readers.get(key);
  if (!reader) {
    reader = connectSubject(source, subject, politeRetry(paceOf(source, subject.region)), () => (sts ??= createStsClient(deps.defaultRegion)), deps.defaultRegion);
    readers.set(key, reader);
  }
  return reader;
}

let cloudFormation: CloudFormationClient | undefined;

const deps: gate.GateDeps = {
  sources: SOURCES,
  readStatus: (source, subject, signal) => readerFor(source, subject).readStatus(subject, signal),
  readBlockers: (source, subject, signal) => readerFor(source, subject).readBlockers(subject, signal),
  explainExpectedNotDesired: async (source, subject, expectedSha, signal) => readerFor(source, subject).explainExpectedNotDesired?.(subject, expectedSha, signal),
  pace: (source, region) => paceOf(source, region),
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
