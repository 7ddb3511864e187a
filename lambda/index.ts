/**
 * Lambda entry points: wire the real Proton client and hand over to the logic in gate.ts.
 * One client per region, created on first use and kept for the life of the execution environment.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ProtonClient } from '@aws-sdk/client-proton';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import * as gate from './gate';
import { createProtonClient, readProtonSyncStatus } from './proton-source';
import { createCloudFormationClient, isUpdateRollingBack, stackRegion } from './stack-state';

const clients = new Map<string, ProtonClient>();

function clientFor(region: string): ProtonClient {
  let client = clients.get(region);
  if (!client) {
    client = createProtonClient(region);
    clients.set(region, client);
  }
  return client;
}

let cloudFormation: CloudFormationClient | undefined;

const deps: gate.GateDeps = {
  readStatus: (subject) => readProtonSyncStatus(clientFor(subject.region), subject),
  isRollingBack: (stackId) => {
    cloudFormation ??= createCloudFormationClient(stackRegion(stackId) ?? deps.defaultRegion);
    return isUpdateRollingBack(cloudFormation, stackId);
  },
  now: () => Date.now(),
  log: (line) => console.log(JSON.stringify({ level: 'INFO', ...line })),
  defaultRegion: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
};

export const onEvent = (event: CloudFormationCustomResourceEvent): Promise<gate.OnEventResponse> => gate.onEvent(event, deps);

export const isComplete = (event: gate.IsCompleteEvent): Promise<gate.IsCompleteResponse> => gate.isComplete(event, deps);
