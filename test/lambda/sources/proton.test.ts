/**
 * The Proton source with a mocked Proton client: the mapping of every field into the source-independent shapes
 * (members the wire left out included), both blocker levels, and each error's reason and transient flag.
 */
import {
  AccessDeniedException,
  GetServiceInstanceSyncStatusCommand,
  GetServiceSyncBlockerSummaryCommand,
  InternalServerException,
  ProtonClient,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-proton';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { protonSource, readProtonBlockers, readProtonSyncStatus } from '../../../lambda/sources/proton';
import { Prop } from '../../../lib/contract';
import { PROTON_SUBJECT, protonBlocker, protonOutput } from '../../fixtures';
import { EMPTY_ATTEMPT, EMPTY_REVISION, emptyBlocker, expectExplained, fixtureStatus, regionMentions } from './expected';

const mock = mockClient(ProtonClient);
const client = new ProtonClient({ region: 'us-east-1' });
const WHO = 'service instance "prod" of service "api" in us-east-1';
const STATUS_COMMAND = 'aws proton get-service-instance-sync-status --region us-east-1 --service-name api --service-instance-name prod';
const END_OF_SUPPORT =
  'AWS ended support for AWS Proton on 2026-10-07; after that date the Proton API may no longer answer. ' +
  'If Proton is gone for your account, remove this gate (or move the sync to CloudFormation Git sync) and deploy again.';

beforeEach(() => mock.reset());

describe('GetServiceInstanceSyncStatus mapping', () => {
  it('maps every field of the desired state, the latest sync and the latest successful sync', async () => {
    mock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('FAILED'));
    const status = await readProtonSyncStatus(client, PROTON_SUBJECT);
    expect(mock).toHaveReceivedCommandTimes(GetServiceInstanceSyncStatusCommand, 1);
    expect(mock).toHaveReceivedCommandWith(GetServiceInstanceSyncStatusCommand, { serviceName: 'api', serviceInstanceName: 'prod' });
    const rev = (sha: string) => ({ sha, branch: 'main', directory: 'proton/instances/prod', repositoryName: 'acme/platform', repositoryProvider: 'GITHUB' });
    expect(status).toEqual(fixtureStatus('FAILED', 'prod', rev));
  });

  it('maps members the wire left out to empty strings and invalid dates', async () => {
    mock.on(GetServiceInstanceSyncStatusCommand).resolves({ desiredState: {}, latestSync: { events: [{}] } } as never);
    expect(await readProtonSyncStatus(client, PROTON_SUBJECT)).toEqual({
      desiredRevision: EMPTY_REVISION,
      latestAttempt: EMPTY_ATTEMPT,
      latestSuccessfulAttempt: undefined,
    });
  });
});

describe('GetServiceSyncBlockerSummary, at the instance and the service level', () => {
  const INSTANCE_LEVEL = { serviceName: 'api', serviceInstanceName: 'prod' };
  const SERVICE_LEVEL = { serviceName: 'api' };
  const summary = (...latestBlockers: unknown[]) => ({ serviceSyncBlockerSummary: { serviceName: 'api', latestBlockers } }) as never;
  const resolve = (id: string) => `aws proton update-service-sync-blocker --region us-east-1 --id ${id} --resolved-reason "<what was fixed>"`;

  it('maps every blocker field of both levels, naming the level, with the exact command that resolves it', async () => {
    mock
      .on(GetServiceSyncBlockerSummaryCommand, INSTANCE_LEVEL)
      .resolves(summary(protonBlocker('inst-1')))
      .on(GetServiceSyncBlockerSummaryCommand, SERVICE_LEVEL, true)
      .resolves(summary(protonBlocker('svc-1', 'RESOLVED', { type: 'MANUAL' as never, contexts: undefined })));
    const reading = await readProtonBlockers(client, PROTON_SUBJECT);
    expect(mock).toHaveReceivedCommandTimes(GetServiceSyncBlockerSummaryCommand, 2);
    expect(reading).toEqual({
      errors: [],
      blockers: [
        {
          id: 'inst-1',
          type: 'AUTOMATED',
          status: 'ACTIVE',
          createdReason: 'Service instance was modified outside of the sync',
          createdAt: new Date('2026-11-26T09:00:00Z'),
          contexts: [{ key: 'ResourceName', value: 'prod' }],
          level: 'service instance "prod"',
          resolveCommand: resolve('inst-1'),
        },
        {
          id: 'svc-1',
          type: 'MANUAL',
          status: 'RESOLVED',
          createdReason: 'Service instance was modified outside of the sync',
          createdAt: new Date('2026-11-26T09:00:00Z'),
          contexts: [],
          level: 'service "api"',
          resolveCommand: resolve('svc-1'),
        },
      ],
    });
  });

  it('maps blocker members the wire left out to empty strings and an invalid date', async () => {
    mock.on(GetServiceSyncBlockerSummaryCommand, SERVICE_LEVEL, true).resolves(summary({}, { contexts: [{}] }));
    const empty = emptyBlocker('service "api"', resolve(''));
    expect(await readProtonBlockers(client, PROTON_SUBJECT)).toEqual({
      errors: [],
      blockers: [empty, { ...empty, contexts: [{ key: '', value: '' }] }],
    });
  });

  it.each([
    ['no answer at all', undefined],
    ['an answer without a summary', {}],
    ['a summary without blockers', { serviceSyncBlockerSummary: { serviceName: 'api' } }],
  ])('reads %s as no blockers', async (_name, answer) => {
    mock.on(GetServiceSyncBlockerSummaryCommand).resolves(answer as never);
    expect(await readProtonBlockers(client, PROTON_SUBJECT)).toEqual({ blockers: [], errors: [] });
  });

  it('reports a level that cannot be read in errors, naming the call, the level and the permission, and still reads the other', async () => {
    mock
      .on(GetServiceSyncBlockerSummaryCommand, INSTANCE_LEVEL)
      .rejects(new AccessDeniedException({ message: 'not authorized', $metadata: { httpStatusCode: 403 } }))
      .on(GetServiceSyncBlockerSummaryCommand, SERVICE_LEVEL, true)
      .resolves(summary(protonBlocker('svc-1')));
    const reading = await readProtonBlockers(client, PROTON_SUBJECT);
    expect(reading.blockers.map((b) => [b.id, b.level])).toEqual([['svc-1', 'service "api"']]);
    expect(reading.errors).toEqual([
      'Proton\'s GetServiceSyncBlockerSummary for service instance "prod" in us-east-1 failed (HTTP 403 AccessDeniedException: not authorized). ' +
        'Allow proton:GetServiceSyncBlockerSummary on Resource "*" to the handler role.',
    ]);
  });

  it('reports both levels when neither can be read', async () => {
    mock.on(GetServiceSyncBlockerSummaryCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429, attempts: 5 } }));
    expect(await readProtonBlockers(client, PROTON_SUBJECT)).toEqual({
      blockers: [],
      errors: [
        'Proton\'s GetServiceSyncBlockerSummary for service instance "prod" in us-east-1 failed after 5 attempts (HTTP 429 ThrottlingException: Rate exceeded).',
        'Proton\'s GetServiceSyncBlockerSummary for service "api" in us-east-1 failed after 5 attempts (HTTP 429 ThrottlingException: Rate exceeded).',
      ],
    });
  });
});

describe('Proton errors', () => {
  const meta = (code: number, attempts = 1) => ({ $metadata: { httpStatusCode: code, attempts } });
  it.each<[string, Error, string, boolean]>([
    [
      'ResourceNotFound names the instance, the service and the region, and how to list the instances',
      new ResourceNotFoundException({ message: 'Service instance prod not found', ...meta(404) }),
      `Proton found no ${WHO} (ResourceNotFoundException: Service instance prod not found). ` +
        "Check the serviceName and serviceInstanceName props and the gate's region; list the instances with " +
        '`aws proton list-service-instances --region us-east-1 --service-name api`.',
      false,
    ],
    [
      'AccessDenied names the permission to add and what else may deny it',
      new AccessDeniedException({ message: 'not authorized', ...meta(403) }),
      `Access denied reading the sync status of ${WHO} (AccessDeniedException: not authorized). ` +
        'The handler role needs proton:GetServiceInstanceSyncStatus on Resource "*" (the action has no resource-level ' +
        'permissions); check that no SCP or permissions boundary denies it.',
      false,
    ],
    [
      'Validation shows the input sent',
      new ValidationException({ message: 'bad', ...meta(400) }),
      `Proton rejected the request for ${WHO} (ValidationException: bad). Input sent: {"serviceName":"api","serviceInstanceName":"prod"}.`,
      false,
    ],
    [
      'Throttling says the rate limit is in use (no retry inside a poll), what to do, and that Proton reached its end of support',
      new ThrottlingException({ message: 'Rate exceeded', ...meta(429, 1) }),
      `Proton throttled the read of ${WHO} (ThrottlingException: Rate exceeded): the account's rate limit for the API is in use, ` +
        'and a throttled read waits for a later poll. Fewer gates or tools polling it at once, or a longer pollInterval, leave more room. ' +
        `Deploy again later; check AWS Health for Proton in that region. ${END_OF_SUPPORT}`,
      true,
    ],
    [
      'InternalServer says the same',
      new InternalServerException({ message: 'boom', ...meta(500, 5) }),
      `Proton kept answering InternalServerException for ${WHO} after 5 attempts with backoff (boom). ` +
        `Deploy again later; check AWS Health for Proton in that region. ${END_OF_SUPPORT}`,
      true,
    ],
    [
      'an unmodelled HTTP 4xx mentions the end of support and is not transient',
      Object.assign(new Error('Unknown operation'), { name: 'UnknownOperationException', $metadata: { httpStatusCode: 404 } }),
      `Proton answered HTTP 404 UnknownOperationException for ${WHO} (Unknown operation). ${END_OF_SUPPORT}`,
      false,
    ],
    [
      'an unmodelled HTTP 5xx is transient',
      Object.assign(new Error('Bad gateway'), { name: 'BadGateway', $metadata: { httpStatusCode: 502, attempts: 5 } }),
      `Proton answered HTTP 502 BadGateway for ${WHO} after 5 attempts (Bad gateway). ${END_OF_SUPPORT}`,
      true,
    ],
    [
      'a refused connection mentions the end of support and the command to check, and is not transient',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', $metadata: { attempts: 5 } }),
      `Could not reach AWS Proton to read the sync status of ${WHO} after 5 attempts ` +
        `(ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1). ${END_OF_SUPPORT} Otherwise check the region and the network, then deploy again; ` +
        `try \`${STATUS_COMMAND}\`.`,
      false,
    ],
    [
      'a reset connection is transient',
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      `Could not reach AWS Proton to read the sync status of ${WHO} (ECONNRESET: socket hang up). ` +
        `${END_OF_SUPPORT} Otherwise check the region and the network, then deploy again; try \`${STATUS_COMMAND}\`.`,
      true,
    ],
    [
      'an error raised before Proton answered is not mistaken for an unreachable endpoint',
      new TypeError('Cannot read properties of undefined'),
      `Reading the sync status of ${WHO} failed before Proton answered (TypeError: Cannot read properties of undefined). ` +
        "Check the handler's credentials and region, then deploy again; the poll log has the details.",
      false,
    ],
  ])('%s', async (_name, error, message, transient) => {
    mock.on(GetServiceInstanceSyncStatusCommand).rejects(error);
    const failure = await readProtonSyncStatus(client, PROTON_SUBJECT).catch((e: unknown) => e);
    expectExplained(failure, error, message, transient);
    expect(regionMentions((failure as Error).message, PROTON_SUBJECT.region)).toBe(1);
  });
});

describe('the Proton source', () => {
  it('is picked by the ServiceName property, names the gate proton:<region>:<service>/<instance> and gives the commands to look', () => {
    const subject = protonSource.parseSubject({ [Prop.ServiceName]: 'api', [Prop.ServiceInstanceName]: 'prod' }, 'us-east-1');
    expect(subject).toEqual(PROTON_SUBJECT);
    expect(protonSource.identifyingProp).toBe('ServiceName');
    expect(protonSource.physicalResourceId(subject)).toBe('proton:us-east-1:api/prod');
    expect(protonSource.logFields(subject)).toEqual({ service: 'api', instance: 'prod', region: 'us-east-1' });
    expect(protonSource.reasonSubject(subject)).toEqual({
      source: 'Proton',
      description: WHO,
      statusCommand: STATUS_COMMAND,
      blockersCommand: 'aws proton get-service-sync-blocker-summary --region us-east-1 --service-name api --service-instance-name prod',
    });
  });
});
