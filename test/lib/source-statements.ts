/**
 * The policy statement the isComplete role gets for each source, written out as IAM will see it (the action names
 * literally, so a renamed action in lib/contract.ts fails the tests). Shared by construct.test.ts and provider.test.ts.
 */
export const PROTON_STATEMENT = {
  Sid: 'ReadProtonSyncStatusAndBlockers',
  Action: ['proton:GetServiceInstanceSyncStatus', 'proton:GetServiceSyncBlockerSummary'],
  Effect: 'Allow',
  Resource: '*',
};

export const GIT_SYNC_STATEMENT = {
  Sid: 'ReadGitSyncStatusAndBlockers',
  Action: ['codestar-connections:GetResourceSyncStatus', 'codestar-connections:GetSyncBlockerSummary', 'codestar-connections:GetSyncConfiguration'],
  Effect: 'Allow',
  Resource: '*',
};
