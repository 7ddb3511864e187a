/**
 * The CloudFormation contract of the sync gate, written once: the resource types, the property names the construct
 * writes and the handler reads, and the attribute names the handler returns. Nothing else: limits and validators
 * are in limits.ts, the sources and their IAM actions in sources.ts.
 *
 * Both the construct (lib/) and the handler (lambda/) import this module, so a name cannot drift between the
 * template and the code that reads it. It has no imports, so the handler bundle stays small.
 */

/** The CloudFormation resource type of a ServiceInstanceSyncGate (AWS Proton). */
export const PROTON_RESOURCE_TYPE = 'Custom::ProtonServiceInstanceSync';

/** The CloudFormation resource type of a GitSyncGate (CloudFormation Git sync). */
export const GIT_SYNC_RESOURCE_TYPE = 'Custom::CloudFormationGitSync';

/** Resource properties the construct writes and the handler reads (PascalCase, as CloudFormation's own). */
export const Prop = {
  ServiceName: 'ServiceName',
  ServiceInstanceName: 'ServiceInstanceName',
  /** The stack that CloudFormation Git sync keeps in sync (the API's ResourceName); says the gate is a GitSyncGate. */
  StackName: 'StackName',
  Region: 'Region',
  ExpectedSha: 'ExpectedSha',
  RequireSuccess: 'RequireSuccess',
  WaitTimeoutSeconds: 'WaitTimeoutSeconds',
  PollIntervalSeconds: 'PollIntervalSeconds',
  /** Changes on every synth when re-checking on every deployment is on; the handler ignores its value. */
  DeploymentNonce: 'DeploymentNonce',
  /** The role in the account that owns the sync, which the handler assumes to read it (the gate's `readerRole`). */
  ReaderRoleArn: 'ReaderRoleArn',
  /** The external id the owner of that role asks for (`sts:ExternalId`; the gate's `externalId`). */
  ReaderRoleExternalId: 'ReaderRoleExternalId',
} as const;

/** Attributes the handler returns on SUCCESS; every key is always present, as a string. */
export const Attr = {
  Sha: 'Sha',
  Status: 'Status',
  InSync: 'InSync',
  Branch: 'Branch',
  Directory: 'Directory',
  RepositoryName: 'RepositoryName',
  RepositoryProvider: 'RepositoryProvider',
  LatestSyncSha: 'LatestSyncSha',
  LatestSyncStartedAt: 'LatestSyncStartedAt',
  LatestSuccessfulSyncSha: 'LatestSuccessfulSyncSha',
  LatestSuccessfulSyncStartedAt: 'LatestSuccessfulSyncStartedAt',
  LatestSyncEvent: 'LatestSyncEvent',
  /** The account whose sync status was read: the reader role's, else the gate's own stack's. */
  SyncAccount: 'SyncAccount',
  /** The region whose sync status was read. */
  SyncRegion: 'SyncRegion',
} as const;

export type AttrName = (typeof Attr)[keyof typeof Attr];

/** All attribute names, in the order they are documented. */
export const ATTRIBUTE_NAMES: readonly AttrName[] = Object.values(Attr);

/** Value of the Status attribute when no sync has ever run. */
export const STATUS_NONE = 'NONE';

/**
 * Value of every attribute of a gate that passed during an update rollback without reading the sync status
 * (`Sha` excepted when the gate has an expectedSha: see reference.md, Rollbacks).
 */
export const VALUE_UNKNOWN = 'UNKNOWN';
