/**
 * The Git sync source with a mocked CodeStar Connections client: the mapping of every field into the
 * source-independent shapes, and each modelled error's reason and transient flag.
 */
import {
  AccessDeniedException,
  CodeStarConnectionsClient,
  GetResourceSyncStatusCommand,
  GetSyncBlockerSummaryCommand,
  GetSyncConfigurationCommand,
  InternalServerException,
  InvalidInputException,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-codestar-connections';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { MAX_REASON_JSON_BYTES } from '../../../lambda/core/reasons';
import { jsonBytes } from '../../../lambda/core/text';
import {
  createGitSyncClient,
  explainGitSyncExpectedNotDesired,
  gitSyncSource,
  GitSyncSubject,
  readGitSyncBlockers,
  readGitSyncStatus,
} from '../../../lambda/sources/git-sync';
import { Prop } from '../../../lib/contract';
import { CallBudget } from '../../../lib/limits';
import { DESIRED, gitSyncBlocker, gitSyncOutput } from '../../fixtures';
import { EMPTY_ATTEMPT, emptyBlocker, expectExplained, fixtureStatus, regionMentions } from './expected';

const mock = mockClient(CodeStarConnectionsClient);
const client = new CodeStarConnectionsClient({ region: 'eu-west-1' });
const SUBJECT: GitSyncSubject = { source: 'git-sync', stackName: 'network', region: 'eu-west-1' };
const WHO = 'stack "network" in eu-west-1';
const STATUS_COMMAND = 'aws codestar-connections get-resource-sync-status --region eu-west-1 --sync-type CFN_STACK_SYNC --resource-name network';

beforeEach(() => mock.reset());

describe('GetResourceSyncStatus mapping', () => {
  it('maps every field, the repository as owner/name and the provider as Git sync reports it', async () => {
    mock.on(GetResourceSyncStatusCommand).resolves(gitSyncOutput('FAILED'));
    const status = await readGitSyncStatus(client, SUBJECT);
    expect(mock).toHaveReceivedCommandWith(GetResourceSyncStatusCommand, { ResourceName: 'network', SyncType: 'CFN_STACK_SYNC' });
    const rev = (sha: string) => ({ sha, branch: 'main', directory: 'stacks/network', repositoryName: 'acme/platform', repositoryProvider: 'GitHub' });
    expect(status).toEqual(fixtureStatus('FAILED', 'network', rev));
  });

  it('has no desired revision and no successful attempt when Git sync reports none', async () => {
    mock.on(GetResourceSyncStatusCommand).resolves({ ...gitSyncOutput('IN_PROGRESS'), DesiredState: undefined, LatestSuccessfulSync: undefined });
    const status = await readGitSyncStatus(client, SUBJECT);
    expect(status.desiredRevision).toBeUndefined();
    expect(status.latestSuccessfulAttempt).toBeUndefined();
    expect(status.latestAttempt?.status).toBe('IN_PROGRESS');
  });

  it('tolerates members the model requires but the wire left out', async () => {
    mock.on(GetResourceSyncStatusCommand).resolves({ LatestSync: { Status: 'INITIATED' } as never, DesiredState: { Sha: DESIRED, OwnerId: 'acme' } as never });
    const status = await readGitSyncStatus(client, SUBJECT);
    expect(status.desiredRevision).toEqual({ sha: DESIRED, branch: '', directory: '', repositoryName: 'acme', repositoryProvider: '' });
    expect(status.latestAttempt).toMatchObject({ status: 'INITIATED', target: '', events: [], targetRevision: { sha: '' } });
  });

  it('maps an attempt and its events with every member left out to empty strings and invalid dates', async () => {
    mock.on(GetResourceSyncStatusCommand).resolves({ LatestSync: { Events: [{}] } as never });
    expect(await readGitSyncStatus(client, SUBJECT)).toEqual({
      desiredRevision: undefined,
      latestAttempt: EMPTY_ATTEMPT,
      latestSuccessfulAttempt: undefined,
    });
  });

  it.each([
    ['owner and name', { OwnerId: 'acme', RepositoryName: 'platform' }, 'acme/platform'],
    ['the owner alone', { OwnerId: 'acme' }, 'acme'],
    ['the name alone', { RepositoryName: 'platform' }, 'platform'],
    ['neither', {}, ''],
  ])('names the repository from %s', async (_name, repository, repositoryName) => {
    mock.on(GetResourceSyncStatusCommand).resolves({ ...gitSyncOutput('SUCCEEDED'), DesiredState: { Sha: DESIRED, ...repository } as never });
    expect((await readGitSyncStatus(client, SUBJECT)).desiredRevision?.repositoryName).toBe(repositoryName);
  });
});

describe('GetSyncBlockerSummary mapping', () => {
  it('maps every blocker field and supplies the exact command that resolves it, in one call', async () => {
    mock.on(GetSyncBlockerSummaryCommand).resolves({
      SyncBlockerSummary: { ResourceName: 'network', LatestBlockers: [gitSyncBlocker('blk-1'), gitSyncBlocker('blk-0', 'RESOLVED', { Contexts: undefined })] },
    });
    const reading = await readGitSyncBlockers(client, SUBJECT);
    expect(mock).toHaveReceivedCommandTimes(GetSyncBlockerSummaryCommand, 1);
    expect(mock).toHaveReceivedCommandWith(GetSyncBlockerSummaryCommand, { ResourceName: 'network', SyncType: 'CFN_STACK_SYNC' });
    expect(reading).toEqual({
      errors: [],
      blockers: [
        {
          id: 'blk-1',
          type: 'AUTOMATED',
          status: 'ACTIVE',
          createdReason: 'Stack was updated outside of Git sync',
          createdAt: new Date('2026-11-26T09:00:00Z'),
          contexts: [{ key: 'StackName', value: 'network' }],
          level: 'stack "network"',
          resolveCommand:
            'aws codestar-connections update-sync-blocker --region eu-west-1 --id blk-1 --sync-type CFN_STACK_SYNC --resource-name network --resolved-reason "<what was fixed>"',
        },
        expect.objectContaining({ id: 'blk-0', status: 'RESOLVED', contexts: [] }),
      ],
    });
  });

  it('maps blocker members the wire left out to empty strings and an invalid date', async () => {
    mock.on(GetSyncBlockerSummaryCommand).resolves({ SyncBlockerSummary: { ResourceName: 'network', LatestBlockers: [{}, { Contexts: [{}] }] as never } });
    const empty = emptyBlocker(
      'stack "network"',
      'aws codestar-connections update-sync-blocker --region eu-west-1 --id  --sync-type CFN_STACK_SYNC --resource-name network --resolved-reason "<what was fixed>"',
    );
    expect(await readGitSyncBlockers(client, SUBJECT)).toEqual({ errors: [], blockers: [empty, { ...empty, contexts: [{ key: '', value: '' }] }] });
  });

  it.each([
    ['no answer at all', undefined],
    ['an answer without a summary', {}],
    ['a summary without blockers', { SyncBlockerSummary: { ResourceName: 'network' } }],
  ])('reads %s as no blockers', async (_name, answer) => {
    mock.on(GetSyncBlockerSummaryCommand).resolves(answer as never);
    expect(await readGitSyncBlockers(client, SUBJECT)).toEqual({ blockers: [], errors: [] });
  });

  it('reports a failed read in errors instead of throwing, naming the permission when access is denied', async () => {
    mock.on(GetSyncBlockerSummaryCommand).rejects(new AccessDeniedException({ message: 'no', $metadata: { httpStatusCode: 403 } }));
    const reading = await readGitSyncBlockers(client, SUBJECT);
    expect(reading.blockers).toEqual([]);
    expect(reading.errors).toEqual([
      'Git sync\'s GetSyncBlockerSummary for stack "network" in eu-west-1 failed (HTTP 403 AccessDeniedException: no). Allow codestar-connections:GetSyncBlockerSummary on Resource "*" to the handler role.',
    ]);
  });
});

describe('Git sync errors', () => {
  const meta = (code: number, attempts = 1) => ({ $metadata: { httpStatusCode: code, attempts } });
  it.each<[string, Error, string, boolean]>([
    [
      'ResourceNotFound names the stack and the region, and how to check the sync configuration',
      new ResourceNotFoundException({ message: 'No sync status', ...meta(404) }),
      `Git sync found no sync status for ${WHO} (ResourceNotFoundException: No sync status). ` +
        "Check the stackName prop and the gate's region, and that the stack is synced from Git: " +
        '`aws codestar-connections get-sync-configuration --region eu-west-1 --sync-type CFN_STACK_SYNC --resource-name network` ' +
        'shows its sync configuration (an error there means Git sync is not set up for this stack in that region).',
      false,
    ],
    [
      'AccessDenied names the exact IAM actions',
      new AccessDeniedException({ message: 'not authorized', ...meta(403) }),
      `Access denied reading the Git sync status of ${WHO} (AccessDeniedException: not authorized). ` +
        'The handler role needs codestar-connections:GetResourceSyncStatus, codestar-connections:GetSyncBlockerSummary and codestar-connections:GetSyncConfiguration on Resource "*" ' +
        '(they have no resource-level permissions); check that no SCP or permissions boundary denies them.',
      false,
    ],
    [
      'InvalidInput shows the input sent and what a stack name may be',
      new InvalidInputException({ message: 'bad', ...meta(400) }),
      `Git sync rejected the request for ${WHO} (InvalidInputException: bad). ` +
        'Input sent: {"ResourceName":"network","SyncType":"CFN_STACK_SYNC"}. Check the stackName prop (1-100 characters matching ^[0-9A-Za-z]+[0-9A-Za-z_\\-]*$).',
      false,
    ],
    [
      'Throttling says the rate limit is in use (no retry inside a poll) and how to look',
      new ThrottlingException({ message: 'Rate exceeded', ...meta(429, 1) }),
      `Git sync throttled the read of ${WHO} (ThrottlingException: Rate exceeded): the account's rate limit for the API is in use, ` +
        'and a throttled read waits for a later poll. Fewer gates or tools polling it at once, or a longer pollInterval, leave more room. ' +
        `Deploy again later; check AWS Health for CodeStar Connections in that region, and try \`${STATUS_COMMAND}\`.`,
      true,
    ],
    [
      'InternalServer (503) says how many attempts were made',
      new InternalServerException({ message: 'boom', ...meta(503, 5) }),
      `Git sync kept answering InternalServerException for ${WHO} after 5 attempts with backoff (boom). ` +
        `Deploy again later; check AWS Health for CodeStar Connections in that region, and try \`${STATUS_COMMAND}\`.`,
      true,
    ],
    [
      'an unmodelled HTTP 5xx is transient',
      Object.assign(new Error('Bad gateway'), { name: 'BadGateway', $metadata: { httpStatusCode: 502 } }),
      `Git sync answered HTTP 502 BadGateway for ${WHO} (Bad gateway). Try \`${STATUS_COMMAND}\`.`,
      true,
    ],
    [
      'a refused connection is not transient',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', $metadata: { attempts: 5 } }),
      `Could not reach CodeStar Connections (Git sync) to read the sync status of ${WHO} after 5 attempts ` +
        `(ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1). Check the region and the network, then deploy again; try \`${STATUS_COMMAND}\`.`,
      false,
    ],
    [
      'a reset connection is transient',
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      `Could not reach CodeStar Connections (Git sync) to read the sync status of ${WHO} ` +
        `(ECONNRESET: socket hang up). Check the region and the network, then deploy again; try \`${STATUS_COMMAND}\`.`,
      true,
    ],
    [
      'an error raised before Git sync answered is not mistaken for an unreachable endpoint',
      new TypeError('Cannot read properties of undefined'),
      `Reading the Git sync status of ${WHO} failed before CodeStar Connections answered (TypeError: Cannot read properties of undefined). ` +
        "Check the handler's credentials and region, then deploy again; the poll log has the details.",
      false,
    ],
  ])('%s', async (_name, error, message, transient) => {
    mock.on(GetResourceSyncStatusCommand).rejects(error);
    const failure = await readGitSyncStatus(client, SUBJECT).catch((e: unknown) => e);
    expectExplained(failure, error, message, transient);
    expect(regionMentions((failure as Error).message, SUBJECT.region)).toBe(1);
  });

  it('keeps an error message of any length within the reason budget', async () => {
    mock.on(GetResourceSyncStatusCommand).rejects(new InvalidInputException({ message: '"'.repeat(100_000), $metadata: { httpStatusCode: 400 } }));
    const failure = await readGitSyncStatus(client, SUBJECT).catch((e: Error) => e);
    expect(jsonBytes((failure as Error).message)).toBeLessThanOrEqual(MAX_REASON_JSON_BYTES);
  });
});

describe('GetSyncConfiguration: why an expected sha never became desired', () => {
  const SHA = 'e'.repeat(40);
  const config = (overrides: Record<string, unknown> = {}) => ({
    SyncConfiguration: {
      Branch: 'release',
      ConfigFile: 'deploy/network.yaml',
      OwnerId: 'acme',
      ProviderType: 'GitHub' as const,
      RepositoryLinkId: '3f0c5e7a-1b2c-4d5e-8f90-123456789abc',
      RepositoryName: 'platform',
      ResourceName: 'network',
      RoleArn: 'arn:aws:iam::123456789012:role/sync',
      SyncType: 'CFN_STACK_SYNC' as const,
      ...overrides,
    },
  });

  it('for a configuration that syncs only file changes: says so, names the branch, the repository and the deployment file, and the git log command', async () => {
    mock.on(GetSyncConfigurationCommand).resolves(config({ TriggerResourceUpdateOn: 'FILE_CHANGE' }));
    const note = await explainGitSyncExpectedNotDesired(client, SUBJECT, SHA);
    expect(mock).toHaveReceivedCommandWith(GetSyncConfigurationCommand, { ResourceName: 'network', SyncType: 'CFN_STACK_SYNC' });
    expect(mock.calls()).toHaveLength(1);
    expect(note).toBe(
      `Git sync's configuration for ${WHO} syncs branch release of acme/platform only on commits that change its deployment file ` +
        'deploy/network.yaml or the template and parameter files it names (TriggerResourceUpdateOn FILE_CHANGE): a commit that ' +
        `changed none of them, such as ${SHA} if it changed only application code, never becomes desired. Expect the newest ` +
        'commit that changed them: `git log -1 --format=%H origin/release -- deploy/network.yaml <the template and parameter files deploy/network.yaml names>`.',
    );
  });

  it.each([
    ['ANY_CHANGE', { TriggerResourceUpdateOn: 'ANY_CHANGE' }, 'TriggerResourceUpdateOn ANY_CHANGE'],
    ['no trigger (the default)', {}, 'TriggerResourceUpdateOn not set: ANY_CHANGE'],
  ])('for a configuration that syncs every commit (%s): says so, and the commands for the branch head and where the sha is', async (_name, overrides, trigger) => {
    mock.on(GetSyncConfigurationCommand).resolves(config(overrides));
    const note = await explainGitSyncExpectedNotDesired(client, SUBJECT, SHA);
    expect(note).toContain(`syncs every commit pushed to branch release of acme/platform (${trigger}): ${SHA} is not there yet`);
    expect(note).toContain('`git rev-parse origin/release`');
    expect(note).toContain(`\`git branch -r --contains ${SHA}\``);
    expect(note).not.toContain('FILE_CHANGE');
  });

  it.each([
    ['access denied, naming the action to allow', new AccessDeniedException({ message: 'not authorized', $metadata: { httpStatusCode: 403 } }), /\(AccessDeniedException: not authorized\)\. Allow codestar-connections:GetSyncConfiguration on Resource "\*" to read it\./],
    ['throttled', new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }), /\(ThrottlingException: Rate exceeded\)\. `aws codestar-connections get-sync-configuration/],
  ])('never throws when the configuration cannot be read (%s): says so and gives the command that shows it', async (_name, error, says) => {
    mock.on(GetSyncConfigurationCommand).rejects(error);
    const note = await explainGitSyncExpectedNotDesired(client, SUBJECT, SHA);
    expect(note).toMatch(new RegExp(`^The sync configuration of ${WHO} could not be read to say whether it syncs every commit or only changes to its files`));
    expect(note).toMatch(says);
    expect(note).toContain('--region eu-west-1 --sync-type CFN_STACK_SYNC --resource-name network`');
  });
});

describe('the Git sync source', () => {
  it('is picked by the StackName property and names the gate git-sync:<region>:<stack>', () => {
    const subject = gitSyncSource.parseSubject({ [Prop.StackName]: 'network' }, 'us-east-2');
    expect(gitSyncSource.identifyingProp).toBe('StackName');
    expect(gitSyncSource.physicalResourceId(subject)).toBe('git-sync:us-east-2:network');
    expect(gitSyncSource.reasonSubject(subject)).toMatchObject({ source: 'Git sync', description: 'stack "network" in us-east-2' });
  });

  it('names the account and the role a subject is read through in its reasons and its poll line', () => {
    const readerRole = { roleArn: 'arn:aws:iam::222222222222:role/reader', partition: 'aws', account: '222222222222', sessionName: 'cdk-git-sync-gate-app' };
    const subject = { ...gitSyncSource.parseSubject({ [Prop.StackName]: 'network' }, 'us-east-2'), readerRole };
    expect(gitSyncSource.physicalResourceId(subject)).toBe('git-sync:us-east-2:network');
    expect(gitSyncSource.reasonSubject(subject).description).toBe(
      'stack "network" in us-east-2 of account 222222222222',
    );
    expect(gitSyncSource.logFields(subject)).toEqual({ stack: 'network', region: 'us-east-2', account: '222222222222', readerRole: readerRole.roleArn });
  });

  it('uses the same bounded client settings as Proton', async () => {
    const c = createGitSyncClient('us-east-1');
    expect(await c.config.maxAttempts()).toBe(CallBudget.maxAttempts);
    c.destroy();
  });
});
