/**
 * The fake CodeStar Connections (CloudFormation Git sync) speaks what the real @aws-sdk/client-codestar-connections
 * expects: GetResourceSyncStatus and GetSyncBlockerSummary with PascalCase members, epoch-second dates, the
 * model's enums. The honesty checks it shares with the fake Proton are in fake-services.test.ts.
 */
import { CodeStarConnectionsClient, GetResourceSyncStatusCommand, GetSyncBlockerSummaryCommand, GetSyncConfigurationCommand } from '@aws-sdk/client-codestar-connections';
import {
  FakeCodeStarConnections,
  GIT_SYNC_CONFIGURATION,
  wireGitSyncAttempt,
  wireGitSyncBlocker,
  wireGitSyncBlockerSummary,
  wireGitSyncConfiguration,
  wireGitSyncEvent,
  wireGitSyncOutput,
} from '../../offline/fake-codestar-connections';


const SHA = 'b'.repeat(40);
const OLD = 'c'.repeat(40);
let gitSync: FakeCodeStarConnections;
let client: CodeStarConnectionsClient;

beforeAll(async () => {
  gitSync = await FakeCodeStarConnections.start();
  client = new CodeStarConnectionsClient({ region: 'eu-west-1', endpoint: gitSync.endpoint, credentials: { accessKeyId: 'AKIAFAKEGITSYNCTEST0', secretAccessKey: 'fake' }, maxAttempts: 1 });
});
afterEach(() => {
  gitSync.assertHonest();
  gitSync.reset();
});
afterAll(async () => gitSync.close());

test('GetResourceSyncStatus: the SDK reads every member, dates and enums, with owner and repository apart', async () => {
  const started = Date.UTC(2026, 1, 3, 4, 5, 6, 750);
  gitSync.script('app-stack', [
    {
      respond: wireGitSyncOutput({
        desired: { sha: SHA, providerType: 'GitLab', ownerId: 'acme', repositoryName: 'platform', branch: 'release' },
        latest: wireGitSyncAttempt('IN_PROGRESS', SHA, { startedAt: started, initialSha: OLD, target: 'app-stack', events: [wireGitSyncEvent('STARTED', 'Sync started', started, 'ext-9')] }),
        latestSuccessful: wireGitSyncAttempt('SUCCEEDED', OLD, { startedAt: started - 3_600_000 }),
      }),
    },
  ]);
  const out = await client.send(new GetResourceSyncStatusCommand({ ResourceName: 'app-stack', SyncType: 'CFN_STACK_SYNC' }));
  expect(out.DesiredState).toEqual({ Branch: 'release', Directory: 'deployments/app-stack.yaml', OwnerId: 'acme', RepositoryName: 'platform', ProviderType: 'GitLab', Sha: SHA });
  expect(out.LatestSync).toMatchObject({ Status: 'IN_PROGRESS', Target: 'app-stack', InitialRevision: { Sha: OLD }, TargetRevision: { Sha: SHA } });
  expect(out.LatestSync?.StartedAt?.toISOString()).toBe('2026-02-03T04:05:06.750Z');
  expect(out.LatestSync?.Events?.[0]).toEqual({ Event: 'Sync started', ExternalId: 'ext-9', Time: new Date(started), Type: 'STARTED' });
  expect(out.LatestSuccessfulSync?.Status).toBe('SUCCEEDED');
  expect(out.LatestSuccessfulSync?.Events?.map((e) => e.Type)).toEqual(['STARTED', 'SUCCEEDED']);
  expect(gitSync.callsFor('app-stack')).toMatchObject([{ operation: 'GetResourceSyncStatus', resourceKey: 'app-stack', region: 'eu-west-1', httpStatus: 200 }]);
});

test('GetResourceSyncStatus: a stack without a script is not found, with the model status 404', async () => {
  await expect(client.send(new GetResourceSyncStatusCommand({ ResourceName: 'unknown-stack', SyncType: 'CFN_STACK_SYNC' }))).rejects.toMatchObject({
    name: 'ResourceNotFoundException',
    message: expect.stringContaining('unknown-stack'),
    $metadata: { httpStatusCode: 404 },
  });
});

test('GetSyncBlockerSummary: a stack without blockers answers a summary with only its name', async () => {
  const out = await client.send(new GetSyncBlockerSummaryCommand({ ResourceName: 'app-stack', SyncType: 'CFN_STACK_SYNC' }));
  expect(out.SyncBlockerSummary).toEqual({ ResourceName: 'app-stack' });
});

test('GetSyncBlockerSummary: scripted blockers reach the SDK with dates, enums and contexts', async () => {
  const created = Date.UTC(2026, 1, 3, 9, 0, 0, 125);
  gitSync.scriptBlockers('app-stack', [
    {
      respond: wireGitSyncBlockerSummary(
        'app-stack',
        [wireGitSyncBlocker({ id: 'blk-2', createdAt: created, contexts: { StackArn: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/app-stack/x' } }), wireGitSyncBlocker({ id: 'blk-1', status: 'RESOLVED' })],
        'parent-stack',
      ),
    },
  ]);
  const out = await client.send(new GetSyncBlockerSummaryCommand({ ResourceName: 'app-stack', SyncType: 'CFN_STACK_SYNC' }));
  const summary = out.SyncBlockerSummary!;
  expect(summary.ParentResourceName).toBe('parent-stack');
  expect(summary.LatestBlockers?.[0]).toMatchObject({ Id: 'blk-2', Type: 'AUTOMATED', Status: 'ACTIVE', Contexts: [{ Key: 'StackArn' }] });
  expect(summary.LatestBlockers?.[0].CreatedAt?.toISOString()).toBe('2026-02-03T09:00:00.125Z');
  expect(summary.LatestBlockers?.[1]).toMatchObject({ Id: 'blk-1', Status: 'RESOLVED', ResolvedReason: 'Resolved by the operator' });
  expect(summary.LatestBlockers?.[1].ResolvedAt).toBeInstanceOf(Date);
  expect(gitSync.callsFor('app-stack', 'GetSyncBlockerSummary')).toHaveLength(1);
});

test('refuses a blocker script outside the model, e.g. a blocker id longer than 50', () => {
  expect(() => gitSync.scriptBlockers('app-stack', [{ respond: wireGitSyncBlockerSummary('app-stack', [wireGitSyncBlocker({ id: 'x'.repeat(51) })]) }])).toThrow(
    /LatestBlockers\[0\]\.Id: 51 characters, more than the model's maximum 50/,
  );
});

test('GetSyncConfiguration: a default configuration that syncs every commit of main, or the one scripted, as the SDK reads it', async () => {
  const unscripted = await client.send(new GetSyncConfigurationCommand({ ResourceName: 'app-stack', SyncType: 'CFN_STACK_SYNC' }));
  expect(unscripted.SyncConfiguration).toMatchObject({ Branch: 'main', ConfigFile: 'deployments/app-stack.yaml', ResourceName: 'app-stack', SyncType: 'CFN_STACK_SYNC' });
  expect(unscripted.SyncConfiguration?.TriggerResourceUpdateOn).toBeUndefined();
  gitSync.scriptConfiguration('app-stack', [
    { respond: { SyncConfiguration: wireGitSyncConfiguration({ stackName: 'app-stack', branch: 'release', trigger: 'FILE_CHANGE', configFile: 'deploy/app.yaml' }) } },
  ]);
  const scripted = await client.send(new GetSyncConfigurationCommand({ ResourceName: 'app-stack', SyncType: 'CFN_STACK_SYNC' }));
  expect(scripted.SyncConfiguration).toMatchObject({ Branch: 'release', ConfigFile: 'deploy/app.yaml', TriggerResourceUpdateOn: 'FILE_CHANGE' });
  expect(gitSync.callsFor('app-stack', GIT_SYNC_CONFIGURATION).map((c) => c.httpStatus)).toEqual([200, 200]);
  // A configuration the real service cannot send is refused when scripted.
  expect(() => gitSync.scriptConfiguration('app-stack', [{ respond: { SyncConfiguration: { Branch: 'main' } } }])).toThrow();
});
