/**
 * Builders for the test inputs: normalised sync statuses, Proton API outputs and CloudFormation events.
 * Every builder returns a valid value by default; tests override only what they are about.
 */
import type { GetServiceInstanceSyncStatusOutput } from '@aws-sdk/client-proton';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { Revision, SyncAttempt, SyncEvent, SyncStatus } from '../lambda/core/sync-status';
import { Prop, RESOURCE_TYPE } from '../lib/contract';

export const DESIRED = 'a'.repeat(40);
export const OLDER = 'b'.repeat(40);

export function revision(sha: string, overrides: Partial<Revision> = {}): Revision {
  return {
    sha,
    branch: 'main',
    directory: 'proton/instances/prod',
    repositoryName: 'acme/platform',
    repositoryProvider: 'GITHUB',
    ...overrides,
  };
}

export function event(text: string, minute: number, type = 'SYNC_EVENT'): SyncEvent {
  return { type, time: new Date(Date.UTC(2026, 10, 26, 10, minute)), text };
}

export function attempt(status: string, sha: string, overrides: Partial<SyncAttempt> = {}): SyncAttempt {
  return {
    status,
    startedAt: new Date(Date.UTC(2026, 10, 26, 10, 0)),
    target: 'prod',
    initialRevision: revision(OLDER),
    targetRevision: revision(sha),
    events: [event('Sync started', 0, 'STARTED')],
    ...overrides,
  };
}

/** A sync status whose desired sha is `desired` and whose latest attempt is `latest` (omit for none). */
export function syncStatus(desired: string | undefined, latest?: SyncAttempt, latestSuccessful?: SyncAttempt): SyncStatus {
  return {
    desiredRevision: desired === undefined ? undefined : revision(desired),
    latestAttempt: latest,
    latestSuccessfulAttempt: latestSuccessful,
  };
}

/** A Proton API output (as the SDK returns it) for the given latest status and shas. */
export function protonOutput(
  latestStatus: string | undefined,
  latestSha = DESIRED,
  desiredSha = DESIRED,
): GetServiceInstanceSyncStatusOutput {
  const rev = (sha: string) => ({
    sha,
    branch: 'main',
    directory: 'proton/instances/prod',
    repositoryName: 'acme/platform',
    repositoryProvider: 'GITHUB' as const,
  });
  const sync = (status: string, sha: string) => ({
    status: status as 'SUCCEEDED',
    startedAt: new Date('2026-11-26T10:00:00Z'),
    target: 'prod',
    initialRevision: rev(OLDER),
    targetRevision: rev(sha),
    events: [
      { type: 'STARTED', time: new Date('2026-11-26T10:00:00Z'), event: 'Sync started' },
      { type: status, time: new Date('2026-11-26T10:03:00Z'), event: `Sync ${status.toLowerCase()}`, externalId: 'ext-1' },
    ],
  });
  return {
    desiredState: rev(desiredSha),
    latestSync: latestStatus ? sync(latestStatus, latestSha) : undefined,
    latestSuccessfulSync: sync('SUCCEEDED', OLDER),
  };
}

export const GATE_PROPS = {
  [Prop.ServiceName]: 'api',
  [Prop.ServiceInstanceName]: 'prod',
  [Prop.RequireSuccess]: 'true',
  [Prop.WaitTimeoutSeconds]: '600',
  [Prop.PollIntervalSeconds]: '15',
};

const BASE = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:framework-onEvent',
  ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/secret-presigned',
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/app/5b8f1f90-0000-11ef-0000-000000000000',
  RequestId: 'b2a5c1d0-1111-2222-3333-444455556666',
  LogicalResourceId: 'SyncGateA9EB8F84',
  ResourceType: RESOURCE_TYPE,
};

export function createEvent(props: Record<string, string> = GATE_PROPS): CloudFormationCustomResourceEvent {
  return { ...BASE, RequestType: 'Create', ResourceProperties: { ServiceToken: BASE.ServiceToken, ...props } };
}

export function updateEvent(
  props: Record<string, string> = GATE_PROPS,
  oldProps: Record<string, string> = GATE_PROPS,
  physicalId = 'proton:us-east-1:api/prod',
): CloudFormationCustomResourceEvent {
  return {
    ...BASE,
    RequestType: 'Update',
    PhysicalResourceId: physicalId,
    ResourceProperties: { ServiceToken: BASE.ServiceToken, ...props },
    OldResourceProperties: { ServiceToken: BASE.ServiceToken, ...oldProps },
  };
}

export function deleteEvent(props: Record<string, string> = GATE_PROPS, physicalId = 'proton:us-east-1:api/prod'): CloudFormationCustomResourceEvent {
  return { ...BASE, RequestType: 'Delete', PhysicalResourceId: physicalId, ResourceProperties: { ServiceToken: BASE.ServiceToken, ...props } };
}
