/**
 * The Git sync source with a mocked CodeStar Connections client: the mapping of every field into the
 * source-independent shapes, and each modelled error's reason and transient flag.
 */
import {
  AccessDeniedException,
  CodeStarConnectionsClient,
  GetResourceSyncStatusCommand,
  GetSyncBlockerSummaryCommand,
  InternalServerException,
  InvalidInputException,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-codestar-connections';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { SyncGateError } from '../../../lambda/core/errors';
import { MAX_REASON_JSON_BYTES } from '../../../lambda/core/reasons';
import { jsonBytes } from '../../../lambda/core/text';
import { createGitSyncClient, gitSyncSource, GitSyncSubject, readGitSyncBlockers, readGitSyncStatus } from '../../../lambda/sources/git-sync';
import { CallBudget, Prop } from '../../../lib/contract';
import { DESIRED, gitSyncBlocker, gitSyncOutput, OLDER } from '../../fixtures';

const mock = mockClient(CodeStarConnectionsClient);
const client = new CodeStarConnectionsClient({ region: 'eu-west-1' });
const SUBJECT: GitSyncSubject = { source: 'git-sync', stackName: 'network', region: 'eu-west-1' };

beforeEach(() => mock.reset());

describe('GetResourceSyncStatus mapping', () => {
  it('maps every field, the repository as owner/name and the provider as Git sync reports it', async () => {
    mock.on(GetResourceSyncStatusCommand).resolves(gitSyncOutput('FAILED'));
    const status = await readGitSyncStatus(client, SUBJECT);
    expect(mock).toHaveReceivedCommandWith(GetResourceSyncStatusCommand, { ResourceName: 'network', SyncType: 'CFN_STACK_SYNC' });
    const rev = (sha: string) => ({ sha, branch: 'main', directory: 'stacks/network', repositoryName: 'acme/platform', repositoryProvider: 'GitHub' });
    expect(status).toEqual({
      desiredRevision: rev(DESIRED),
      latestAttempt: {
        status: 'FAILED',
        startedAt: new Date('2026-11-26T10:00:00Z'),
        target: 'network',
        initialRevision: rev(OLDER),
        targetRevision: rev(DESIRED),
        events: [
          { type: 'STARTED', time: new Date('2026-11-26T10:00:00Z'), text: 'Sync started', externalId: undefined },
          { type: 'FAILED', time: new Date('2026-11-26T10:03:00Z'), text: 'Sync failed', externalId: 'ext-1' },
        ],
      },
      latestSuccessfulAttempt: expect.objectContaining({ status: 'SUCCEEDED', targetRevision: rev(OLDER) }),
    });
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

  it('reads a summary without blockers as none', async () => {
    mock.on(GetSyncBlockerSummaryCommand).resolves({ SyncBlockerSummary: { ResourceName: 'network' } });
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
  it.each([
    [
      'ResourceNotFound names the stack and the region, and how to check the sync configuration',
      new ResourceNotFoundException({ message: 'No sync status', ...meta(404) }),
      /^Git sync found no sync status for stack "network" in eu-west-1 \(ResourceNotFoundException: No sync status\)[^]*`aws codestar-connections get-sync-configuration --region eu-west-1 --sync-type CFN_STACK_SYNC --resource-name network`/,
      false,
    ],
    [
      'AccessDenied names the exact IAM actions',
      new AccessDeniedException({ message: 'not authorized', ...meta(403) }),
      /Access denied reading the Git sync status of stack "network" in eu-west-1[^]*codestar-connections:GetResourceSyncStatus and codestar-connections:GetSyncBlockerSummary on Resource "\*"/,
      false,
    ],
    [
      'InvalidInput shows the input sent',
      new InvalidInputException({ message: 'bad', ...meta(400) }),
      /InvalidInputException: bad\)[^]*\{"ResourceName":"network","SyncType":"CFN_STACK_SYNC"\}/,
      false,
    ],
    [
      'Throttling says how many attempts were made and how to look',
      new ThrottlingException({ message: 'Rate exceeded', ...meta(429, 5) }),
      /Git sync kept answering ThrottlingException for stack "network" in eu-west-1 after 5 attempts[^]*`aws codestar-connections get-resource-sync-status --region eu-west-1 --sync-type CFN_STACK_SYNC --resource-name network`/,
      true,
    ],
    [
      'InternalServer (503) says how many attempts were made',
      new InternalServerException({ message: 'boom', ...meta(503, 5) }),
      /Git sync kept answering InternalServerException[^]*after 5 attempts/,
      true,
    ],
    [
      'an unmodelled HTTP 5xx is transient',
      Object.assign(new Error('Bad gateway'), { name: 'BadGateway', $metadata: { httpStatusCode: 502 } }),
      /Git sync answered HTTP 502 BadGateway/,
      true,
    ],
    [
      'a refused connection is not transient',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', $metadata: { attempts: 5 } }),
      /Could not reach CodeStar Connections \(Git sync\) in eu-west-1[^]*ECONNREFUSED/,
      false,
    ],
    [
      'a reset connection is transient',
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      /Could not reach CodeStar Connections/,
      true,
    ],
    [
      'an error raised before Git sync answered is not mistaken for an unreachable endpoint',
      new TypeError('Cannot read properties of undefined'),
      /failed before CodeStar Connections answered \(TypeError: Cannot read properties of undefined\)/,
      false,
    ],
  ])('%s', async (_name, error, message, transient) => {
    mock.on(GetResourceSyncStatusCommand).rejects(error);
    const failure = await readGitSyncStatus(client, SUBJECT).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SyncGateError);
    expect((failure as SyncGateError).message).toMatch(message);
    expect(failure).toMatchObject({ transient, cause: error });
  });

  it('keeps an error message of any length within the reason budget', async () => {
    mock.on(GetResourceSyncStatusCommand).rejects(new InvalidInputException({ message: '"'.repeat(100_000), $metadata: { httpStatusCode: 400 } }));
    const failure = await readGitSyncStatus(client, SUBJECT).catch((e: Error) => e);
    expect(jsonBytes((failure as Error).message)).toBeLessThanOrEqual(MAX_REASON_JSON_BYTES);
  });
});

describe('the Git sync source', () => {
  it('is picked by the StackName property and names the gate git-sync:<region>:<stack>', () => {
    const subject = gitSyncSource.parseSubject({ [Prop.StackName]: 'network' }, 'us-east-2');
    expect(gitSyncSource.identifyingProp).toBe('StackName');
    expect(gitSyncSource.physicalResourceId(subject)).toBe('git-sync:us-east-2:network');
    expect(gitSyncSource.reasonSubject(subject)).toMatchObject({ source: 'Git sync', description: 'stack "network" in us-east-2' });
  });

  it('uses the same bounded client settings as Proton', async () => {
    const c = createGitSyncClient('us-east-1');
    expect(await c.config.maxAttempts()).toBe(CallBudget.maxAttempts);
    c.destroy();
  });
});
