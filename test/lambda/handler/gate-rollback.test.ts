/**
 * Updates and update rollbacks through the gate's handler, with mocked SDK clients and a virtual clock, each case
 * twice: with an execution environment that remembers every tick, and with a new one on every tick. The verdicts,
 * the ticks they take and the attributes must be the same in both; memory may only save DescribeStacks calls.
 */
import { GetServiceInstanceSyncStatusCommand, GetServiceSyncBlockerSummaryCommand, ThrottlingException } from '@aws-sdk/client-proton';
import 'aws-sdk-client-mock-jest';
import { ATTRIBUTE_NAMES, Prop, VALUE_UNKNOWN } from '../../../lib/contract';
import { createEvent, DESIRED, GATE_PROPS, protonOutput, updateEvent } from '../../fixtures';
import { GateWorld } from './gate-world';

const world = new GateWorld();
const { protonMock, lines, rollbackQueries } = world;
const POLL = 15_000;
const EXPECTED = 'e'.repeat(40);
const throttled = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429, attempts: 1 } });
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
const cfnThrottled = () => Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });

beforeEach(() => {
  world.reset();
  protonMock.on(GetServiceSyncBlockerSummaryCommand).resolves({});
});

/** The ticks at which the gate read its source (its poll lines), in seconds since it started. */
const readsAt = () => lines.filter((l) => l.message === 'poll').map((l) => Number(l.elapsedSeconds));

describe.each([
  ['an environment that remembers', false],
  ['a new environment on every tick', true],
])('in %s', (_name, forgetful) => {
  beforeEach(() => {
    world.forgetful = forgetful;
  });

  describe('an Update sent while the stack rolls back an update', () => {
    beforeEach(() => {
      world.rollingBack = true;
    });

    it('passes at its first read with the status it reads, a FAILED one included; no attribute is empty', async () => {
      protonMock.on(GetServiceInstanceSyncStatusCommand).resolves({ ...protonOutput('FAILED'), latestSuccessfulSync: undefined });
      const { answer, ticks } = await world.runWaiter(await world.started(updateEvent()));
      expect(ticks).toBe(1);
      expect(answer?.Data).toMatchObject({ Sha: DESIRED, Status: 'FAILED', InSync: 'false', LatestSuccessfulSyncSha: 'NONE', LatestSuccessfulSyncStartedAt: 'NONE' });
      for (const name of ATTRIBUTE_NAMES) expect(answer?.Data?.[name]).not.toBe('');
      expect(lines.at(-1)).toMatchObject({ verdict: 'PASS', situation: 'ROLLBACK', stack: 'ROLLING_BACK' });
    });

    it('reads once more after a throttled first read, and reports what it then reads', async () => {
      protonMock.on(GetServiceInstanceSyncStatusCommand).rejectsOnce(throttled()).resolves(protonOutput('IN_PROGRESS'));
      const { answer } = await world.runWaiter(await world.started(updateEvent()));
      expect(answer?.Data).toMatchObject({ Sha: DESIRED, Status: 'IN_PROGRESS' });
      expect(readsAt()).toEqual([0, POLL / 1000]);
    });

    it.each([
      ['the source throttles every read', throttled, 2],
      ['the endpoint refuses connections (as after Proton\'s end of support)', refused, 1],
    ])('passes without judging when %s: within two reads, never at the deadline, every attribute UNKNOWN but where it reads', async (_case, error, reads) => {
      protonMock.on(GetServiceInstanceSyncStatusCommand).rejects(error());
      const { answer } = await world.runWaiter(await world.started(updateEvent()));
      expect(protonMock.commandCalls(GetServiceInstanceSyncStatusCommand)).toHaveLength(reads);
      // Where the gate reads is known without a read: its own stack's account (no reader role) and the region.
      expect(answer?.Data).toEqual({
        ...Object.fromEntries(ATTRIBUTE_NAMES.map((n) => [n, VALUE_UNKNOWN])),
        InSync: 'false',
        SyncAccount: '123456789012',
        SyncRegion: 'us-east-1',
      });
      expect(lines.at(-1)).toMatchObject({ verdict: 'PASS', situation: 'ROLLBACK' });
    });

    it('reports the expected sha of the properties it rolls back to as Sha when nothing could be read, the commit that deployment gated on', async () => {
      protonMock.on(GetServiceInstanceSyncStatusCommand).rejects(refused());
      const props = { ...GATE_PROPS, [Prop.ExpectedSha]: EXPECTED };
      const { answer } = await world.runWaiter(await world.started(updateEvent(props, { ...GATE_PROPS, [Prop.ExpectedSha]: DESIRED })));
      expect(answer?.Data).toMatchObject({ Sha: EXPECTED, Status: VALUE_UNKNOWN });
    });

    it('passes at the read on which DescribeStacks first answers, when it was throttled before', async () => {
      protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('FAILED'));
      world.stackAnswers.push(cfnThrottled());
      const { answer } = await world.runWaiter(await world.started(updateEvent()));
      expect(answer?.Data).toMatchObject({ Status: 'FAILED' });
      expect(readsAt()).toEqual([0, POLL / 1000]);
      expect(lines.filter((l) => l.message === 'poll').map((l) => [l.verdict, l.situation])).toEqual([
        ['WAIT', 'STACK_STATE_UNKNOWN'],
        ['PASS', 'ROLLBACK'],
      ]);
    });
  });

  describe('an ordinary Update', () => {
    it('fails on a FAILED sync once CloudFormation says the stack is not rolling back', async () => {
      protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('FAILED'));
      const { error, ticks } = await world.runWaiter(await world.started(updateEvent()));
      expect(ticks).toBe(1);
      expect(error?.message).toMatch(/^Proton sync FAILED/);
    });

    it('holds a failure while DescribeStacks cannot answer, and fails on the read where it says "not rolling back"', async () => {
      protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('FAILED'));
      world.stackAnswers.push(cfnThrottled(), new Error('InternalFailure'));
      const { error } = await world.runWaiter(await world.started(updateEvent()));
      expect(error?.message).toMatch(/^Proton sync FAILED/);
      expect(readsAt()).toEqual([0, 15, 30]);
      expect(lines.filter((l) => l.message === 'poll').map((l) => l.heldFrom)).toEqual(['SYNC_FAILED', 'SYNC_FAILED', undefined]);
    });

    it('fails at its deadline, as it would have, when DescribeStacks never answers, saying how to finish a rollback without it', async () => {
      protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('FAILED'));
      world.rollingBack = cfnThrottled();
      const props = { ...GATE_PROPS, [Prop.WaitTimeoutSeconds]: '60' };
      const { error } = await world.runWaiter(await world.started(updateEvent(props, props)));
      expect(readsAt()).toEqual([0, 15, 30, 45, 60]);
      expect(error?.message).toMatch(/^Proton sync FAILED/);
      expect(error?.message).toContain('CloudFormation could not say whether the stack is rolling back an update (DescribeStacks: Throttling: Rate exceeded)');
      expect(error?.message).toContain(
        'If it is, finish the rollback without the gate: `aws cloudformation continue-update-rollback --stack-name arn:aws:cloudformation:us-east-1:123456789012:stack/app/',
      );
    });

    it('asks DescribeStacks on every read that would not pass that it has no answer for: once per request when it remembers, once per read when it does not', async () => {
      protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('IN_PROGRESS'));
      const props = { ...GATE_PROPS, [Prop.WaitTimeoutSeconds]: '60' };
      const { error } = await world.runWaiter(await world.started(updateEvent(props, props)));
      expect(error?.message).toContain('Gave up waiting');
      expect(rollbackQueries).toHaveLength(forgetful ? 5 : 1);
    });

    it('never asks when the gate passes, nor for a Create', async () => {
      protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('SUCCEEDED'));
      await world.runWaiter(await world.started(updateEvent()));
      protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(protonOutput('FAILED'));
      world.rollingBack = true;
      const { error } = await world.runWaiter(await world.started(createEvent()));
      expect(error?.message).toMatch(/^Proton sync FAILED/);
      expect(rollbackQueries).toEqual([]);
    });
  });
});
