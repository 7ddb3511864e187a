import {
  GetResourceSyncStatusCommand,
  GetSyncBlockerSummaryCommand,
  ThrottlingException as GitSyncThrottlingException,
} from '@aws-sdk/client-codestar-connections';
import {
  AccessDeniedException,
  GetServiceInstanceSyncStatusCommand,
  GetServiceSyncBlockerSummaryCommand,
  InternalServerException,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-proton';
import 'aws-sdk-client-mock-jest';
import { MAX_DATA_JSON_BYTES } from '../../../lambda/core/attributes';
import { SyncGateError } from '../../../lambda/core/errors';
import { MAX_REASON_JSON_BYTES } from '../../../lambda/core/reasons';
import { jsonBytes } from '../../../lambda/core/text';
import * as gate from '../../../lambda/handler/gate';
import { explainProtonError } from '../../../lambda/sources/proton';
import { ATTRIBUTE_NAMES, Prop } from '../../../lib/contract';
import { Limits } from '../../../lib/limits';
import {
  createEvent,
  deleteEvent,
  DESIRED,
  GATE_PROPS,
  GIT_SYNC_PROPS,
  gitSyncBlocker,
  gitSyncOutput,
  OLDER,
  PROTON_SUBJECT,
  protonBlocker,
  protonOutput,
  updateEvent,
} from '../../fixtures';
import { GateWorld } from './gate-world';

const world = new GateWorld();
const { protonMock, gitSyncMock, deps, lines, rollbackQueries } = world;
const started = world.started.bind(world);

beforeEach(() => world.reset());

describe('onEvent', () => {
  it('names the resource after region, service and instance, and records when the wait started, without calling Proton', async () => {
    const answer = await gate.onEvent(createEvent(), deps);
    expect(answer).toEqual({ PhysicalResourceId: 'proton:us-east-1:api/prod', [gate.GATE_STARTED_AT]: world.clock });
    expect(protonMock).not.toHaveReceivedAnyCommand();
  });

  it('keeps the physical id on an Update that changes only the nonce or the timeout, so no Delete follows', async () => {
    const answer = await gate.onEvent(
      updateEvent({ ...GATE_PROPS, [Prop.DeploymentNonce]: 'new', [Prop.WaitTimeoutSeconds]: '60' }, { ...GATE_PROPS, [Prop.DeploymentNonce]: 'old' }),
      deps,
    );
    expect(answer.PhysicalResourceId).toBe('proton:us-east-1:api/prod');
  });

  it('returns a new physical id when the instance or the region changes, so CloudFormation replaces the resource', async () => {
    const renamed = await gate.onEvent(updateEvent({ ...GATE_PROPS, [Prop.ServiceInstanceName]: 'staging' }), deps);
    const moved = await gate.onEvent(updateEvent({ ...GATE_PROPS, [Prop.Region]: 'eu-west-1' }), deps);
    expect(renamed.PhysicalResourceId).toBe('proton:us-east-1:api/staging');
    expect(moved.PhysicalResourceId).toBe('proton:eu-west-1:api/prod');
  });

  it('succeeds on Delete without calling Proton, even with properties it cannot read', async () => {
    const answer = await gate.onEvent(deleteEvent({ [Prop.ServiceName]: '!!' } as never, 'proton:us-east-1:old/gone'), deps);
    expect(answer).toEqual({ PhysicalResourceId: 'proton:us-east-1:old/gone' });
    expect(protonMock).not.toHaveReceivedAnyCommand();
  });

  it('logs the event once with the ResponseURL redacted', async () => {
    await gate.onEvent(createEvent(), deps);
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines[0])).not.toContain('secret-presigned');
  });

  it.each([
    [Prop.ServiceName, 'bad name', /Invalid ServiceName "bad name": expected 1-100 characters matching/],
    [Prop.ServiceInstanceName, 'x'.repeat(101), /Invalid ServiceInstanceName "x{101}"/],
    [Prop.ServiceInstanceName, '', /Invalid ServiceInstanceName ""/],
    [Prop.RequireSuccess, 'yes', /Invalid RequireSuccess "yes": expected "true" or "false"/],
    [Prop.WaitTimeoutSeconds, '3601', /Invalid WaitTimeoutSeconds "3601": expected a whole number of seconds from 0 to 3600/],
    [Prop.WaitTimeoutSeconds, '1.5', /Invalid WaitTimeoutSeconds "1.5"/],
    [Prop.PollIntervalSeconds, '1', /Invalid PollIntervalSeconds "1": expected a whole number of seconds from 5 to 300/],
    [Prop.Region, 'moon', /Invalid Region "moon": expected an AWS region name/],
    [Prop.ExpectedSha, 'f'.repeat(65), /Invalid ExpectedSha "f{65}": expected a Git commit sha of 7-64 hex digits/],
    [Prop.ExpectedSha, 'main', /Invalid ExpectedSha "main": expected a Git commit sha of 7-64 hex digits/],
  ])('rejects %s %j with a message naming the property, the value and the rule', async (prop, value, message) => {
    await expect(gate.onEvent(createEvent({ ...GATE_PROPS, [prop]: value }), deps)).rejects.toThrow(message);
  });
});

describe('isComplete', () => {
  it('passes with every attribute when the latest sync SUCCEEDED at the desired sha, in one call', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('SUCCEEDED'));
    const answer = await gate.isComplete(await started(), deps);
    expect(answer.IsComplete).toBe(true);
    expect(Object.keys(answer.Data!).sort()).toEqual([...ATTRIBUTE_NAMES].sort());
    expect(answer.Data).toMatchObject({ Sha: DESIRED, Status: 'SUCCEEDED', InSync: 'true', LatestSuccessfulSyncSha: OLDER });
    expect(protonMock).toHaveReceivedCommandTimes(GetServiceInstanceSyncStatusCommand, 1);
    expect(protonMock).toHaveReceivedCommandWith(GetServiceInstanceSyncStatusCommand, { serviceName: 'api', serviceInstanceName: 'prod' });
  });

  it('keeps waiting, without Data, while the sync is IN_PROGRESS, and logs one structured line per poll', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('IN_PROGRESS'));
    const event = await started();
    lines.length = 0;
    world.clock += 45_000;
    expect(await gate.isComplete(event, deps)).toEqual({ IsComplete: false });
    expect(lines).toEqual([
      expect.objectContaining({
        message: 'poll',
        instance: 'prod',
        service: 'api',
        status: 'IN_PROGRESS',
        desiredSha: DESIRED,
        latestSyncSha: DESIRED,
        elapsedSeconds: 45,
        remainingSeconds: 555,
        verdict: 'WAIT',
      }),
    ]);
  });

  it('fails with the events and the next step when the sync of the desired sha FAILED', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('FAILED'));
    const failure = gate.isComplete(await started(), deps);
    await expect(failure).rejects.toThrow(SyncGateError);
    await expect(failure).rejects.toThrow(
      new RegExp(`Proton sync FAILED for service instance "prod" of service "api" in us-east-1 at desired sha ${DESIRED}[^]*\\[FAILED\\] Sync failed[^]*Next: read the sync's events`),
    );
  });

  it("fails with the gate's own reason, the last status and shas, once its timeout has passed", async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('IN_PROGRESS'));
    const event = await started(createEvent({ ...GATE_PROPS, [Prop.WaitTimeoutSeconds]: '60' }));
    world.clock += 59_000;
    expect((await gate.isComplete(event, deps)).IsComplete).toBe(false);
    world.clock += 2_000;
    await expect(gate.isComplete(event, deps)).rejects.toThrow(
      /Gave up waiting[^]*waited 1m 1s of its 1m 0s timeout[^]*Last seen: status IN_PROGRESS, desired sha a{40}, latest sync sha a{40}/,
    );
  });

  it('checks once and fails at once when the timeout is zero and the sync is not done', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('IN_PROGRESS'));
    await expect(gate.isComplete(await started(createEvent({ ...GATE_PROPS, [Prop.WaitTimeoutSeconds]: '0' })), deps)).rejects.toThrow(
      /waitTimeout is 0/,
    );
    expect(protonMock).toHaveReceivedCommandTimes(GetServiceInstanceSyncStatusCommand, 1);
  });

  it.each([5, 15, 300])(
    'answers before CloudFormation gives up when configured for the whole hour: on the first tick at 56m 55s, whatever the interval (%i s)',
    async (poll) => {
      protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('IN_PROGRESS'));
      const event = await started(createEvent({ ...GATE_PROPS, [Prop.WaitTimeoutSeconds]: '3600', [Prop.PollIntervalSeconds]: String(poll) }));
      const deadlineMs = (3600 - Limits.cloudFormationReserveSeconds - Limits.waiterTickSeconds) * 1000;
      world.clock += deadlineMs - 1;
      world.forgetPolls();
      expect(await gate.isComplete(event, deps)).toEqual({ IsComplete: false });
      world.clock += 1;
      world.forgetPolls();
      await expect(gate.isComplete(event, deps)).rejects.toThrow(/Gave up waiting[^]*waited 56m 55s of its 56m 55s timeout/);
    },
  );

  it('reports without judging when requireSuccess is false, even on a FAILED sync', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('FAILED'));
    const answer = await gate.isComplete(await started(createEvent({ ...GATE_PROPS, [Prop.RequireSuccess]: 'false' })), deps);
    expect(answer).toMatchObject({ IsComplete: true, Data: { Status: 'FAILED', InSync: 'false' } });
  });

  it('waits for the expected sha to become desired, then passes once it synced', async () => {
    const event = await started(createEvent({ ...GATE_PROPS, [Prop.ExpectedSha]: DESIRED }));
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolvesOnce(protonOutput('SUCCEEDED', OLDER, OLDER)).resolves(protonOutput('SUCCEEDED'));
    expect((await gate.isComplete(event, deps)).IsComplete).toBe(false);
    world.clock += 15_000;
    expect((await gate.isComplete(event, deps)).IsComplete).toBe(true);
  });

  it('passes with Status NONE and empty attributes for a reader of an instance that never synced', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves({});
    const answer = await gate.isComplete(await started(createEvent({ ...GATE_PROPS, [Prop.RequireSuccess]: 'false' })), deps);
    expect(answer.Data).toMatchObject({ Status: 'NONE', Sha: '', InSync: 'false', LatestSyncStartedAt: '' });
  });

  it('reads the instance in the gate\'s region when one is given', async () => {
    const seen: string[] = [];
    const regional: gate.GateDeps = { ...deps, readStatus: async (_source, s) => (seen.push(s.region), {}) };
    await gate.isComplete(await started(createEvent({ ...GATE_PROPS, [Prop.Region]: 'eu-west-1', [Prop.RequireSuccess]: 'false' })), regional);
    expect(seen).toEqual(['eu-west-1']);
  });

  it('keeps the response within its byte budget for thousands of long events', async () => {
    const output = protonOutput('SUCCEEDED');
    output.latestSync!.events = Array.from({ length: 5000 }, (_, i) => ({ type: 'E', time: new Date(i * 1000), event: 'x'.repeat(2000) }));
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(output);
    const answer = await gate.isComplete(await started(), deps);
    expect(jsonBytes(answer.Data)).toBeLessThanOrEqual(MAX_DATA_JSON_BYTES);
    expect(answer.Data!.LatestSyncEvent).toMatch(/^1970-01-01T01:23:19.000Z E: x+…$/);
  });

  it('succeeds on Delete without calling Proton', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).rejects(new Error('must not be called'));
    expect(await gate.isComplete({ ...deleteEvent() } as gate.IsCompleteEvent, deps)).toEqual({ IsComplete: true });
    expect(protonMock).not.toHaveReceivedAnyCommand();
  });
});

describe('Proton errors', () => {
  const meta = (code: number, attempts = 1) => ({ $metadata: { httpStatusCode: code, attempts } });
  it.each([
    [
      'ResourceNotFound names the instance, the service and the region',
      new ResourceNotFoundException({ message: 'Service instance prod not found', ...meta(404) }),
      /Proton found no service instance "prod" of service "api" in us-east-1 \(ResourceNotFoundException: Service instance prod not found\)[^]*list-service-instances --region us-east-1 --service-name api/,
      false,
    ],
    [
      'AccessDenied names the permission to add',
      new AccessDeniedException({ message: 'not authorized', ...meta(403) }),
      /Access denied[^]*proton:GetServiceInstanceSyncStatus on Resource "\*"/,
      false,
    ],
    [
      'Validation shows the input sent',
      new ValidationException({ message: 'bad', ...meta(400) }),
      /ValidationException: bad\)[^]*\{"serviceName":"api","serviceInstanceName":"prod"\}/,
      false,
    ],
    [
      'Throttling says the API throttled the read',
      new ThrottlingException({ message: 'Rate exceeded', ...meta(429, 1) }),
      /Proton throttled the read of service instance "prod" of service "api" in us-east-1 \(ThrottlingException: Rate exceeded\)/,
      true,
    ],
    [
      'InternalServer says how many attempts were made',
      new InternalServerException({ message: 'boom', ...meta(500, 5) }),
      /kept answering InternalServerException[^]*after 5 attempts/,
      true,
    ],
    [
      'a refused connection mentions the end of support',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', $metadata: { attempts: 5 } }),
      /Could not reach AWS Proton to read the sync status of [^]* in us-east-1 after[^]*ECONNREFUSED[^]*AWS ended support for AWS Proton on 2026-10-07/,
      false,
    ],
    [
      'an unknown DNS name mentions the end of support',
      Object.assign(new Error('getaddrinfo ENOTFOUND proton.us-east-1.amazonaws.com'), { code: 'ENOTFOUND' }),
      /Could not reach AWS Proton[^]*ENOTFOUND[^]*2026-10-07/,
      false,
    ],
    [
      'an error raised before Proton answered is not mistaken for an unreachable endpoint',
      new TypeError('Cannot read properties of undefined'),
      /failed before Proton answered \(TypeError: Cannot read properties of undefined\)/,
      false,
    ],
    [
      'an unmodelled HTTP error mentions the end of support',
      Object.assign(new Error('Unknown operation'), { name: 'UnknownOperationException', $metadata: { httpStatusCode: 404 } }),
      /HTTP 404 UnknownOperationException[^]*2026-10-07/,
      false,
    ],
  ])('%s', async (_name, error, message, transient) => {
    const explained = explainProtonError(error, PROTON_SUBJECT);
    expect(explained.message).toMatch(message);
    expect(explained).toMatchObject({ name: 'SyncGateError', cause: error, transient });
    protonMock.on(GetServiceInstanceSyncStatusCommand).rejects(error);
    const poll = gate.isComplete(await started(), deps);
    if (transient) {
      // May pass on a later poll: not yet, until the deadline.
      await expect(poll).resolves.toEqual({ IsComplete: false });
    } else {
      // Waiting would not help: the first poll fails with the explained reason.
      await expect(poll).rejects.toThrow(message);
      await expect(poll).rejects.toMatchObject({ name: 'SyncGateError', cause: error });
    }
  });

  it('fails at the deadline with the last error and how many polls could not read the status', async () => {
    const event = await started();
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('IN_PROGRESS'));
    expect(await gate.isComplete(event, deps)).toEqual({ IsComplete: false });
    protonMock.on(GetServiceInstanceSyncStatusCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', ...meta(429, 5) }));
    for (let i = 1; i <= 3; i++) {
      world.clock += 15_000;
      expect(await gate.isComplete(event, deps)).toEqual({ IsComplete: false });
    }
    world.clock += Number(GATE_PROPS[Prop.WaitTimeoutSeconds]) * 1000;
    const failure = gate.isComplete(event, deps);
    await expect(failure).rejects.toThrow(/^Gave up waiting for the Proton sync of service instance "prod" of service "api" in us-east-1: the gate waited/);
    await expect(failure).rejects.toThrow(/the last poll could not read the sync status/);
    // The last status read is still reported, and the counts and the last error are named. This environment served
    // 5 of the gate's about 41 polls (the clock jumped past the others): the counts say whose they are.
    await expect(failure).rejects.toThrow(/Last seen: status IN_PROGRESS/);
    await expect(failure).rejects.toThrow(
      /4 of the 5 polls this execution environment made \(of about 41 since the gate started\) could not read the sync status[^]*throttled the read[^]*Rate exceeded/,
    );
    await expect(failure).rejects.toThrow(/\nNext: check the sync with `aws proton get-service-instance-sync-status/);
  });

  it('says no poll read the status when none could, and keeps the advice when the API\'s message is long', async () => {
    const event = await started();
    protonMock.on(GetServiceInstanceSyncStatusCommand).rejects(new InternalServerException({ message: 'x'.repeat(10_000), ...meta(500, 5) }));
    expect(await gate.isComplete(event, deps)).toEqual({ IsComplete: false });
    world.clock += Number(GATE_PROPS[Prop.WaitTimeoutSeconds]) * 1000;
    const failure = gate.isComplete(event, deps);
    await expect(failure).rejects.toThrow(/No poll could read the sync status\.[^]*2 of the 2 polls this execution environment made \(of about 41 since/);
    await expect(failure).rejects.toThrow(/raise the gate's waitTimeout\. Poll log: \/aws\/lambda\/gate-handler-logs\.$/);
  });

  it('fails at once on a transient error when waitTimeout is 0', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', ...meta(429, 5) }));
    const event = await started(createEvent({ ...GATE_PROPS, [Prop.WaitTimeoutSeconds]: '0' }));
    await expect(gate.isComplete(event, deps)).rejects.toThrow(/checks once without waiting[^]*1 of the 1 polls could not read/);
  });

  it('fails plainly when the waiter\'s input lacks the start marker, instead of waiting out the provider\'s hour', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('IN_PROGRESS'));
    const failure = await gate.isComplete(createEvent() as gate.IsCompleteEvent, deps).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(SyncGateError);
    expect((failure as Error).message).toBe(
      "The waiter's input has no GateStartedAtEpochMs (the time the gate started), which the gate's onEvent handler adds: " +
        'the provider is not the one this gate deploys, or its onEvent handler is from another version. Deploy again; ' +
        'if it persists, report it with the poll log.',
    );
    expect(protonMock).not.toHaveReceivedAnyCommand();
  });

  it('keeps the stack to one line, so the framework does not repeat the reason in CloudFormation', () => {
    const e = explainProtonError(new ThrottlingException({ message: 'x', $metadata: {} }), PROTON_SUBJECT);
    expect(e.stack).toBe(`SyncGateError: ${e.message.split('\n')[0]}`);
  });
});

describe('update rollbacks', () => {
  it('reports without judging while the stack rolls back an update, so the rollback cannot get stuck', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('FAILED'));
    world.rollingBack = true;
    const answer = await gate.isComplete(await started(updateEvent()), deps);
    expect(answer).toMatchObject({ IsComplete: true, Data: { Status: 'FAILED', InSync: 'false', Sha: DESIRED } });
    expect(rollbackQueries).toEqual([createEvent().StackId]);
    expect(lines.at(-1)).toMatchObject({ situation: 'ROLLBACK', verdict: 'PASS' });
  });

  it('still fails an ordinary update on a FAILED sync', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('FAILED'));
    await expect(gate.isComplete(await started(updateEvent()), deps)).rejects.toThrow(/Proton sync FAILED/);
  });

  it('asks only when it matters: never on Create, never when the gate passes', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('SUCCEEDED'));
    await gate.isComplete(await started(updateEvent()), deps);
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('FAILED'));
    await expect(gate.isComplete(await started(createEvent()), deps)).rejects.toThrow();
    expect(rollbackQueries).toEqual([]);
  });

  it.each([
    ['a transient error', new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429, attempts: 5 } }), { IsComplete: false }],
    ['an error that waiting does not fix', new AccessDeniedException({ message: 'not authorized', $metadata: { httpStatusCode: 403 } }), /^Access denied/],
  ])('never asks on a Create, even when the status cannot be read (%s)', async (_name, error, outcome) => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).rejects(error);
    world.rollingBack = true;
    const poll = gate.isComplete(await started(createEvent()), deps);
    if (outcome instanceof RegExp) await expect(poll).rejects.toThrow(outcome);
    else await expect(poll).resolves.toEqual(outcome);
    expect(rollbackQueries).toEqual([]);
  });

  it('keeps an error message from Proton of any length within the reason budget', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).rejects(new ValidationException({ message: '"'.repeat(100_000), $metadata: { httpStatusCode: 400 } }));
    const failure = await gate.isComplete(await started(), deps).catch((e: Error) => e);
    expect(jsonBytes((failure as Error).message)).toBeLessThanOrEqual(MAX_REASON_JSON_BYTES);
  });
});

describe('Git sync gates', () => {
  const gitCreate = (props: Record<string, string> = {}) => createEvent({ ...GIT_SYNC_PROPS, ...props });

  it('names the resource after region and stack, without calling Git sync', async () => {
    const answer = await gate.onEvent(gitCreate(), deps);
    expect(answer.PhysicalResourceId).toBe('git-sync:us-east-1:network');
    const moved = await gate.onEvent(gitCreate({ [Prop.Region]: 'eu-west-1' }), deps);
    expect(moved.PhysicalResourceId).toBe('git-sync:eu-west-1:network');
    expect(gitSyncMock).not.toHaveReceivedAnyCommand();
  });

  it.each([
    [{ [Prop.StackName]: 'bad name' }, /Invalid StackName "bad name": expected 1-100 characters matching/],
    [{ [Prop.StackName]: 's'.repeat(101) }, /Invalid StackName "s{101}"/],
    [{ [Prop.ServiceName]: 'api' }, /Invalid ServiceName or StackName[^]*\{"ServiceName":"api","StackName":"network"\}|Invalid ServiceName and StackName/],
  ])('rejects %j with a message naming the property, the value and the rule', async (props, message) => {
    await expect(gate.onEvent(gitCreate(props as Record<string, string>), deps)).rejects.toThrow(message);
  });

  it('passes in one GetResourceSyncStatus call with every attribute, the repository as owner/name', async () => {
    gitSyncMock.on(GetResourceSyncStatusCommand).resolves(gitSyncOutput('SUCCEEDED'));
    const answer = await gate.isComplete(await started(gitCreate()), deps);
    expect(answer).toMatchObject({
      IsComplete: true,
      Data: { Sha: DESIRED, Status: 'SUCCEEDED', InSync: 'true', RepositoryName: 'acme/platform', RepositoryProvider: 'GitHub', Directory: 'stacks/network' },
    });
    expect(gitSyncMock.calls()).toHaveLength(1);
    expect(gitSyncMock).toHaveReceivedCommandWith(GetResourceSyncStatusCommand, { ResourceName: 'network', SyncType: 'CFN_STACK_SYNC' });
    expect(protonMock).not.toHaveReceivedAnyCommand();
  });

  it('fails a FAILED sync with a reason that says Git sync and names the stack, the region and the status command', async () => {
    gitSyncMock.on(GetResourceSyncStatusCommand).resolves(gitSyncOutput('FAILED'));
    gitSyncMock.on(GetSyncBlockerSummaryCommand).resolves({ SyncBlockerSummary: { ResourceName: 'network', LatestBlockers: [] } });
    await expect(gate.isComplete(await started(gitCreate()), deps)).rejects.toThrow(
      /^Git sync FAILED for stack "network" in us-east-1 at desired sha a{40}[^]*aws codestar-connections get-resource-sync-status --region us-east-1 --sync-type CFN_STACK_SYNC --resource-name network/,
    );
  });

  it('logs the stack and the region on every poll', async () => {
    gitSyncMock.on(GetResourceSyncStatusCommand).resolves(gitSyncOutput('IN_PROGRESS'));
    await gate.isComplete(await started(gitCreate()), deps);
    expect(lines.at(-1)).toMatchObject({ message: 'poll', stack: 'network', region: 'us-east-1', verdict: 'WAIT' });
  });
});

describe('sync blockers', () => {
  const gitCreate = (props: Record<string, string> = {}) => createEvent({ ...GIT_SYNC_PROPS, ...props });
  const summary = (...blockers: ReturnType<typeof protonBlocker>[]) => ({ serviceSyncBlockerSummary: { serviceName: 'api', latestBlockers: blockers } });
  const gitSummary = (...blockers: ReturnType<typeof gitSyncBlocker>[]) => ({ SyncBlockerSummary: { ResourceName: 'network', LatestBlockers: blockers } });

  it('makes exactly one call, and reads no blocker, when the gate is already in sync (both sources)', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('SUCCEEDED'));
    gitSyncMock.on(GetResourceSyncStatusCommand).resolves(gitSyncOutput('SUCCEEDED'));
    await gate.isComplete(await started(), deps);
    await gate.isComplete(await started(gitCreate()), deps);
    expect(protonMock.calls()).toHaveLength(1);
    expect(gitSyncMock.calls()).toHaveLength(1);
    expect(lines.filter((l) => l.message === 'poll').every((l) => !('activeBlockers' in l))).toBe(true);
  });

  it('reads no blocker while a sync of the desired sha is running', async () => {
    gitSyncMock.on(GetResourceSyncStatusCommand).resolves(gitSyncOutput('IN_PROGRESS'));
    await gate.isComplete(await started(gitCreate()), deps);
    expect(gitSyncMock).not.toHaveReceivedCommand(GetSyncBlockerSummaryCommand);
  });

  it.each([
    ['a new sync is due', gitSyncOutput('SUCCEEDED', OLDER), 'NEW_SYNC_DUE'],
    ['no desired state is reported', gitSyncOutput('SUCCEEDED', DESIRED, null), 'NO_DESIRED_STATE'],
    ['the sync FAILED', gitSyncOutput('FAILED'), 'SYNC_FAILED'],
  ])('fails a Git sync gate in the same poll on an ACTIVE blocker when %s, with id, reason, time, contexts and the command', async (_name, output, from) => {
    gitSyncMock.on(GetResourceSyncStatusCommand).resolves(output);
    gitSyncMock.on(GetSyncBlockerSummaryCommand).resolves(gitSummary(gitSyncBlocker('blk-1'), gitSyncBlocker('blk-0', 'RESOLVED')));
    const failure = await gate.isComplete(await started(gitCreate()), deps).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(SyncGateError);
    const reason = (failure as Error).message;
    expect(reason).toMatch(/^Git sync of stack "network" in us-east-1 is blocked: an active sync blocker stops new syncs/);
    expect(reason).toContain('Blocker blk-1 (AUTOMATED, on stack "network"), created 2026-11-26T09:00:00.000Z: Stack was updated outside of Git sync.');
    expect(reason).toContain('Contexts: StackName=network.');
    expect(reason).toContain(
      '`aws codestar-connections update-sync-blocker --region us-east-1 --id blk-1 --sync-type CFN_STACK_SYNC --resource-name network --resolved-reason "<what was fixed>"`',
    );
    expect(reason).not.toContain('blk-0');
    expect(gitSyncMock).toHaveReceivedCommandTimes(GetSyncBlockerSummaryCommand, 1);
    expect(gitSyncMock).toHaveReceivedCommandWith(GetSyncBlockerSummaryCommand, { ResourceName: 'network', SyncType: 'CFN_STACK_SYNC' });
    expect(lines.at(-1)).toMatchObject({ situation: 'BLOCKED', verdict: 'FAIL', activeBlockers: 1, blockerReadErrors: 0, blockedFrom: from });
  });

  it('reads both Proton levels, the instance and its service, once each, and fails on a service-level blocker', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('SUCCEEDED', OLDER));
    protonMock
      .on(GetServiceSyncBlockerSummaryCommand, { serviceName: 'api', serviceInstanceName: 'prod' })
      .resolves(summary())
      .on(GetServiceSyncBlockerSummaryCommand, { serviceName: 'api' }, true)
      .resolves(summary(protonBlocker('svc-1', 'ACTIVE', { contexts: [] })));
    const failure = await gate.isComplete(await started(), deps).catch((e: Error) => e);
    expect((failure as Error).message).toMatch(
      /^Proton sync of service instance "prod" of service "api" in us-east-1 is blocked[^]*Blocker svc-1 \(AUTOMATED, on service "api"\)[^]*`aws proton update-service-sync-blocker --region us-east-1 --id svc-1 --resolved-reason "<what was fixed>"`/,
    );
    expect(protonMock).toHaveReceivedCommandTimes(GetServiceSyncBlockerSummaryCommand, 2);
    expect(protonMock).toHaveReceivedCommandWith(GetServiceSyncBlockerSummaryCommand, { serviceName: 'api', serviceInstanceName: 'prod' });
    expect(protonMock.commandCalls(GetServiceSyncBlockerSummaryCommand).map((c) => c.args[0].input)).toContainEqual({ serviceName: 'api' });
  });

  it('ignores RESOLVED blockers: the gate keeps waiting for the new sync', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('SUCCEEDED', OLDER));
    protonMock.on(GetServiceSyncBlockerSummaryCommand).resolves(summary(protonBlocker('old', 'RESOLVED')));
    expect(await gate.isComplete(await started(), deps)).toEqual({ IsComplete: false });
    expect(lines.at(-1)).toMatchObject({ situation: 'NEW_SYNC_DUE', activeBlockers: 0, blockerReadErrors: 0 });
  });

  it('keeps the verdict when the blockers cannot be read, and says so in the poll log', async () => {
    gitSyncMock.on(GetResourceSyncStatusCommand).resolves(gitSyncOutput('SUCCEEDED', OLDER));
    gitSyncMock.on(GetSyncBlockerSummaryCommand).rejects(new GitSyncThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429, attempts: 5 } }));
    expect(await gate.isComplete(await started(gitCreate()), deps)).toEqual({ IsComplete: false });
    expect(lines.at(-1)).toMatchObject({
      verdict: 'WAIT',
      situation: 'NEW_SYNC_DUE',
      blockerReadErrors: 1,
      blockerReadError: expect.stringMatching(/GetSyncBlockerSummary for stack "network" in us-east-1 failed after 5 attempts \(HTTP 429 ThrottlingException: Rate exceeded\)/),
    });
  });

  it('keeps SYNC_FAILED when the blockers cannot be read, and the reason says they could not be read and which permission to add', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('FAILED'));
    protonMock.on(GetServiceSyncBlockerSummaryCommand).rejects(new AccessDeniedException({ message: 'not authorized', $metadata: { httpStatusCode: 403 } }));
    const failure = await gate.isComplete(await started(), deps).catch((e: Error) => e);
    expect((failure as Error).message).toMatch(/^Proton sync FAILED for service instance "prod"/);
    expect((failure as Error).message).toMatch(/sync blockers could not be read[^]*AccessDeniedException: not authorized\)\. Allow proton:GetServiceSyncBlockerSummary on Resource "\*"/);
    expect(lines.at(-1)).toMatchObject({ situation: 'SYNC_FAILED', blockerReadErrors: 2 });
  });

  it('keeps a timed-out reason saying the blockers could not be read', async () => {
    gitSyncMock.on(GetResourceSyncStatusCommand).resolves(gitSyncOutput('SUCCEEDED', OLDER));
    gitSyncMock.on(GetSyncBlockerSummaryCommand).rejects(new Error('socket hang up'));
    await expect(gate.isComplete(await started(gitCreate({ [Prop.WaitTimeoutSeconds]: '0' })), deps)).rejects.toThrow(
      /Gave up waiting[^]*a new sync is due[^]*sync blockers could not be read/,
    );
  });

  it('does not let a blocker read that throws anyway fail the gate', async () => {
    gitSyncMock.on(GetResourceSyncStatusCommand).resolves(gitSyncOutput('SUCCEEDED', OLDER));
    const throwing: gate.GateDeps = { ...deps, readBlockers: () => Promise.reject(new TypeError('bug')) };
    expect(await gate.isComplete(await started(gitCreate()), throwing)).toEqual({ IsComplete: false });
    expect(lines.at(-1)).toMatchObject({ blockerReadErrors: 1, blockerReadError: expect.stringContaining('TypeError: bug') });
  });

  it('keeps the reason within its byte budget with many long blockers, counting those it cannot show', async () => {
    gitSyncMock.on(GetResourceSyncStatusCommand).resolves(gitSyncOutput('FAILED'));
    const many = Array.from({ length: 40 }, (_, i) =>
      gitSyncBlocker(`b${i}`.padEnd(50, 'x'), 'ACTIVE', {
        CreatedReason: '"é'.repeat(3000),
        CreatedAt: new Date(Date.UTC(2026, 10, 1, 0, i)),
        Contexts: Array.from({ length: 20 }, (__, j) => ({ Key: `k${j}`, Value: 'v'.repeat(500) })),
      }),
    );
    gitSyncMock.on(GetSyncBlockerSummaryCommand).resolves(gitSummary(...many));
    const failure = await gate.isComplete(await started(gitCreate()), deps).catch((e: Error) => e);
    const reason = (failure as Error).message;
    expect(jsonBytes(reason)).toBeLessThanOrEqual(MAX_REASON_JSON_BYTES);
    expect(reason).toMatch(/^Git sync of stack "network" in us-east-1 is blocked: 40 active sync blockers/);
    // Newest first, with its whole resolve command, and the rest counted with the command that lists them.
    expect(reason).toContain(`--id ${'b39'.padEnd(50, 'x')} --sync-type CFN_STACK_SYNC`);
    expect(reason).toMatch(/\(\d+ more active blockers not shown: `aws codestar-connections get-sync-blocker-summary --region us-east-1 --sync-type CFN_STACK_SYNC --resource-name network`\.\)/);
    expect(reason).toMatch(/\nNext: find out why each blocker was created/);
  });
});
