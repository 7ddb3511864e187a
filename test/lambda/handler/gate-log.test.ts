/**
 * What the gate writes to its log and remembers between polls. The log records are its operational contract:
 * users read the event line and the poll lines in CloudWatch to see what the gate saw and why it decided, so
 * these tests pin their exact fields, including which fields are absent.
 */
import {
  AccessDeniedException,
  GetServiceInstanceSyncStatusCommand,
  GetServiceSyncBlockerSummaryCommand,
  ThrottlingException,
} from '@aws-sdk/client-proton';
import 'aws-sdk-client-mock-jest';
import * as gate from '../../../lambda/handler/gate';
import { explainProtonError } from '../../../lambda/sources/proton';
import { Prop } from '../../../lib/contract';
import { createEvent, deleteEvent, DESIRED, GATE_PROPS, OLDER, PROTON_SUBJECT, protonBlocker, protonOutput, updateEvent } from '../../fixtures';
import { GateWorld } from './gate-world';

const world = new GateWorld();
const { protonMock, deps, lines } = world;
const THROTTLED = new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429, attempts: 5 } });
/** The error text a poll that was throttled records (and the poll log shows). */
const THROTTLED_REASON = explainProtonError(THROTTLED, PROTON_SUBJECT).message;

beforeEach(() => world.reset());

/** What the Provider framework hands isComplete (onEvent's own log line dropped, so a test sees only the polls). */
async function started(event = createEvent()): Promise<gate.IsCompleteEvent> {
  const answer = await world.started(event);
  lines.length = 0;
  return answer;
}

/** One poll; a failure is kept as the answer, so a test can poll on after it. */
async function poll(event: gate.IsCompleteEvent): Promise<gate.IsCompleteResponse | Error> {
  return gate.isComplete(event, deps).catch((e: Error) => e);
}

const pollLines = () => lines.filter((l) => l.message === 'poll');

/** The named fields of a log record, only those it has (so an absent field and one set to undefined differ). */
function pick(line: Record<string, unknown> | undefined, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(line ?? {}).filter(([k]) => keys.includes(k)));
}

describe('the event log', () => {
  it.each([
    ['Create', createEvent()],
    ['Update', updateEvent({ ...GATE_PROPS, [Prop.DeploymentNonce]: 'new' }, { ...GATE_PROPS, [Prop.DeploymentNonce]: 'old' })],
    ['Delete', deleteEvent()],
  ])('logs a %s request once, as received, with only the ResponseURL redacted', async (_type, event) => {
    await gate.onEvent(event, deps);
    expect(lines).toStrictEqual([{ message: 'event', event: { ...event, ResponseURL: '(redacted)' } }]);
  });
});

describe('the poll log', () => {
  it('logs a poll that read the status with what it saw, the verdict, the counts and the times, and no error fields', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('IN_PROGRESS'));
    const event = await started();
    world.clock += 45_000;
    expect(await gate.isComplete(event, deps)).toEqual({ IsComplete: false });
    expect(lines).toStrictEqual([
      {
        message: 'poll',
        service: 'api',
        instance: 'prod',
        region: 'us-east-1',
        status: 'IN_PROGRESS',
        desiredSha: DESIRED,
        latestSyncSha: DESIRED,
        latestSuccessfulSyncSha: OLDER,
        expectedSha: undefined,
        verdict: 'WAIT',
        situation: 'SYNC_RUNNING',
        why: `the sync of the desired sha ${DESIRED} is IN_PROGRESS.`,
        poll: 1,
        failedPolls: 0,
        elapsedSeconds: 45,
        remainingSeconds: 555,
        elapsed: '45s',
      },
    ]);
  });

  it('counts the polls that could not read the status, and shows the error only on those polls and on a timeout waiting for the source', async () => {
    const event = await started();
    const outcomes = [THROTTLED, THROTTLED, protonOutput('IN_PROGRESS'), THROTTLED];
    for (const outcome of outcomes) {
      if (outcome instanceof Error) protonMock.on(GetServiceInstanceSyncStatusCommand).rejects(outcome);
      else protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(outcome);
      expect(await poll(event)).toEqual({ IsComplete: false });
      world.clock += 15_000;
    }
    world.clock += Number(GATE_PROPS[Prop.WaitTimeoutSeconds]) * 1000;
    expect(await poll(event)).toBeInstanceOf(Error);

    const keys = ['poll', 'failedPolls', 'verdict', 'situation', 'error'];
    expect(pollLines().map((l) => pick(l, keys))).toStrictEqual([
      { poll: 1, failedPolls: 1, verdict: 'WAIT', situation: 'SOURCE_UNAVAILABLE', error: THROTTLED_REASON },
      { poll: 2, failedPolls: 2, verdict: 'WAIT', situation: 'SOURCE_UNAVAILABLE', error: THROTTLED_REASON },
      { poll: 3, failedPolls: 2, verdict: 'WAIT', situation: 'SYNC_RUNNING' },
      { poll: 4, failedPolls: 3, verdict: 'WAIT', situation: 'SOURCE_UNAVAILABLE', error: THROTTLED_REASON },
      { poll: 5, failedPolls: 4, verdict: 'FAIL', situation: 'TIMED_OUT', error: THROTTLED_REASON },
    ]);
  });

  it('shows no error on a timeout while a sync runs, even after earlier polls could not read the status', async () => {
    const event = await started();
    protonMock.on(GetServiceInstanceSyncStatusCommand).rejects(THROTTLED);
    expect(await poll(event)).toEqual({ IsComplete: false });
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('IN_PROGRESS'));
    world.clock += Number(GATE_PROPS[Prop.WaitTimeoutSeconds]) * 1000;
    expect(await poll(event)).toBeInstanceOf(Error);
    expect(pick(pollLines().at(-1), ['poll', 'failedPolls', 'verdict', 'situation', 'error'])).toStrictEqual({
      poll: 2,
      failedPolls: 1,
      verdict: 'FAIL',
      situation: 'TIMED_OUT',
    });
  });

  const blockerKeys = ['situation', 'activeBlockers', 'blockerReadErrors', 'blockerReadError'];
  const levelDenied = (level: string) =>
    `Proton's GetServiceSyncBlockerSummary for ${level} in us-east-1 failed (HTTP 403 AccessDeniedException: not authorized). ` +
    'Allow proton:GetServiceSyncBlockerSummary on Resource "*" to the handler role.';
  it.each([
    ['a running sync, for which no blocker is read', protonOutput('IN_PROGRESS'), undefined, { situation: 'SYNC_RUNNING' }],
    [
      'a due sync whose blockers were read, none active',
      protonOutput('SUCCEEDED', OLDER),
      { serviceSyncBlockerSummary: { serviceName: 'api', latestBlockers: [protonBlocker('old', 'RESOLVED')] } },
      { situation: 'NEW_SYNC_DUE', activeBlockers: 0, blockerReadErrors: 0 },
    ],
    [
      'a due sync whose blockers could not be read at either level, with both errors',
      protonOutput('SUCCEEDED', OLDER),
      new AccessDeniedException({ message: 'not authorized', $metadata: { httpStatusCode: 403 } }),
      {
        situation: 'NEW_SYNC_DUE',
        activeBlockers: 0,
        blockerReadErrors: 2,
        blockerReadError: `${levelDenied('service instance "prod"')} ${levelDenied('service "api"')}`,
      },
    ],
  ])('logs the blocker fields of %s', async (_name, status, blockers, expected) => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(status);
    if (blockers instanceof Error) protonMock.on(GetServiceSyncBlockerSummaryCommand).rejects(blockers);
    else if (blockers) protonMock.on(GetServiceSyncBlockerSummaryCommand).resolves(blockers);
    expect(await poll(await started())).toEqual({ IsComplete: false });
    expect(pollLines().map((l) => pick(l, blockerKeys))).toStrictEqual([expected]);
  });

  it('logs that it could not tell whether the stack rolls back, before the poll line of the failure it holds', async () => {
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('FAILED'));
    protonMock.on(GetServiceSyncBlockerSummaryCommand).resolves({ serviceSyncBlockerSummary: { serviceName: 'api', latestBlockers: [] } });
    world.rollingBack = new Error('AccessDenied: not authorized to perform cloudformation:DescribeStacks');
    expect(await poll(await started(updateEvent()))).toEqual({ IsComplete: false });
    expect(lines).toEqual([
      {
        message: 'could not tell whether the stack is rolling back an update; a failure waits for the next read',
        error: 'Error: AccessDenied: not authorized to perform cloudformation:DescribeStacks',
      },
      expect.objectContaining({ message: 'poll', verdict: 'WAIT', situation: 'STACK_STATE_UNKNOWN', heldFrom: 'SYNC_FAILED', stack: 'UNKNOWN' }),
    ]);
  });
});

describe('the poll history', () => {
  const nonTransient = new AccessDeniedException({ message: 'not authorized', $metadata: { httpStatusCode: 403 } });
  it.each([
    ['passes', protonOutput('SUCCEEDED'), { poll: 1, failedPolls: 0 }],
    ['fails on the sync status', protonOutput('FAILED'), { poll: 1, failedPolls: 0 }],
    ['fails on an error that waiting does not fix', nonTransient, { poll: 1, failedPolls: 0 }],
    ['waits', protonOutput('IN_PROGRESS'), { poll: 3, failedPolls: 1 }],
  ])('after a request that %s, the next poll of its id counts as shown (forgotten once it ends, kept while it waits)', async (_name, outcome, next) => {
    protonMock.on(GetServiceSyncBlockerSummaryCommand).resolves({ serviceSyncBlockerSummary: { serviceName: 'api', latestBlockers: [] } });
    const event = await started();
    protonMock.on(GetServiceInstanceSyncStatusCommand).rejects(THROTTLED);
    expect(await poll(event)).toEqual({ IsComplete: false });
    world.clock += 15_000;
    if (outcome instanceof Error) protonMock.on(GetServiceInstanceSyncStatusCommand).rejects(outcome);
    else protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(outcome);
    await poll(event);
    world.clock += 15_000;
    protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('IN_PROGRESS'));
    expect(await poll(event)).toEqual({ IsComplete: false });
    expect(pick(lines.at(-1), ['poll', 'failedPolls'])).toStrictEqual(next);
  });
});
