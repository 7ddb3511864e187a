/**
 * Builders for the test inputs: normalised sync statuses, Proton API outputs and CloudFormation events.
 * Every builder returns a valid value by default; tests override only what they are about.
 */
import type { GetResourceSyncStatusOutput, SyncBlocker as GitSyncBlocker } from '@aws-sdk/client-codestar-connections';
import type { GetServiceInstanceSyncStatusOutput, SyncBlocker as ProtonSyncBlocker } from '@aws-sdk/client-proton';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { Revision, SyncAttempt, SyncBlocker, SyncEvent, SyncStatus } from '../lambda/core/sync-status';
import type { ProtonSubject } from '../lambda/sources/proton';
import { Prop, PROTON_RESOURCE_TYPE } from '../lib/contract';

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

/** A Git sync API output (GetResourceSyncStatus, as the SDK returns it) for the given latest status and shas. */
export function gitSyncOutput(latestStatus: string, latestSha = DESIRED, desiredSha: string | null = DESIRED): GetResourceSyncStatusOutput {
  const rev = (sha: string) => ({
    Sha: sha,
    Branch: 'main',
    Directory: 'stacks/network',
    OwnerId: 'acme',
    RepositoryName: 'platform',
    ProviderType: 'GitHub' as const,
  });
  const sync = (status: string, sha: string) => ({
    Status: status as 'SUCCEEDED',
    StartedAt: new Date('2026-11-26T10:00:00Z'),
    Target: 'network',
    InitialRevision: rev(OLDER),
    TargetRevision: rev(sha),
    Events: [
      { Type: 'STARTED', Time: new Date('2026-11-26T10:00:00Z'), Event: 'Sync started' },
      { Type: status, Time: new Date('2026-11-26T10:03:00Z'), Event: `Sync ${status.toLowerCase()}`, ExternalId: 'ext-1' },
    ],
  });
  return {
    DesiredState: desiredSha === null ? undefined : rev(desiredSha),
    LatestSync: sync(latestStatus, latestSha),
    LatestSuccessfulSync: sync('SUCCEEDED', OLDER),
  };
}

/** A Proton sync blocker as the SDK returns it. */
export function protonBlocker(id: string, status = 'ACTIVE', overrides: Partial<ProtonSyncBlocker> = {}): ProtonSyncBlocker {
  return {
    id,
    type: 'AUTOMATED',
    status: status as 'ACTIVE',
    createdReason: 'Service instance was modified outside of the sync',
    createdAt: new Date('2026-11-26T09:00:00Z'),
    contexts: [{ key: 'ResourceName', value: 'prod' }],
    ...overrides,
  };
}

/** A Git sync blocker as the SDK returns it. */
export function gitSyncBlocker(id: string, status = 'ACTIVE', overrides: Partial<GitSyncBlocker> = {}): GitSyncBlocker {
  return {
    Id: id,
    Type: 'AUTOMATED',
    Status: status as 'ACTIVE',
    CreatedReason: 'Stack was updated outside of Git sync',
    CreatedAt: new Date('2026-11-26T09:00:00Z'),
    Contexts: [{ Key: 'StackName', Value: 'network' }],
    ...overrides,
  };
}

/** A source-independent blocker. */
export function blocker(id: string, status = 'ACTIVE', overrides: Partial<SyncBlocker> = {}): SyncBlocker {
  return {
    id,
    type: 'AUTOMATED',
    status,
    createdReason: 'changed by hand',
    createdAt: new Date(Date.UTC(2026, 10, 26, 9, 0)),
    contexts: [],
    level: 'stack "network"',
    resolveCommand: `resolve ${id}`,
    ...overrides,
  };
}

export const GIT_SYNC_PROPS = {
  [Prop.StackName]: 'network',
  [Prop.RequireSuccess]: 'true',
  [Prop.WaitTimeoutSeconds]: '600',
  [Prop.PollIntervalSeconds]: '15',
};

/** The Proton instance GATE_PROPS name, as the Proton source parses it in the handler's region (us-east-1). */
export const PROTON_SUBJECT: ProtonSubject = { source: 'proton', serviceName: 'api', serviceInstanceName: 'prod', region: 'us-east-1' };

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
  ResourceType: PROTON_RESOURCE_TYPE,
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
