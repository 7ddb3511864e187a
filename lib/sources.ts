/**
 * The sources a sync gate can read, written once: their names (the construct's enum, the handler's source kinds,
 * the physical id's prefix, the CLI's commands) and the read-only IAM actions each needs. No imports, so the
 * handler bundle can import it.
 */

/** The sources a sync gate can read. */
export enum SyncGateSource {
  /** AWS Proton: a service instance's GetServiceInstanceSyncStatus (ServiceInstanceSyncGate). */
  PROTON = 'proton',
  /** CloudFormation Git sync: a stack's GetResourceSyncStatus in the CodeStar Connections API (GitSyncGate). */
  GIT_SYNC = 'git-sync',
}

/**
 * The read-only actions each source's handler needs: the status, then the blockers, then (Git sync) the sync
 * configuration, read only to explain an expected sha that never became desired. All on Resource '*' (none supports
 * resource-level permissions or condition keys). The construct grants them; the handler names them when access is
 * denied.
 */
export const SourceActions: { readonly [S in SyncGateSource]: readonly [status: string, blockers: string, configuration?: string] } = {
  [SyncGateSource.PROTON]: ['proton:GetServiceInstanceSyncStatus', 'proton:GetServiceSyncBlockerSummary'],
  [SyncGateSource.GIT_SYNC]: ['codestar-connections:GetResourceSyncStatus', 'codestar-connections:GetSyncBlockerSummary', 'codestar-connections:GetSyncConfiguration'],
};

/** Every read action of `source`, as a provider's role or a reader role grants them. */
export function readActionsOf(source: SyncGateSource): readonly string[] {
  return SourceActions[source].filter((a): a is string => a !== undefined);
}

/** The statement id (`Sid`) of each source's read actions, the same in the provider's role and in a reader role. */
export const SourceStatementIds: { readonly [S in SyncGateSource]: string } = {
  [SyncGateSource.PROTON]: 'ReadProtonSyncStatusAndBlockers',
  [SyncGateSource.GIT_SYNC]: 'ReadGitSyncStatusAndBlockers',
};
