/**
 * The check's polling loop in virtual time: the clock and the sleep are the test's, so nothing waits and a
 * loaded machine changes nothing. What it decides and the reasons it gives are the gate's own.
 */
import { CheckOutcome, exitCodeOf, PollReport, runCheck } from '../../cli/check';
import { Decision } from '../../lambda/core/decide';
import { SyncGateError } from '../../lambda/core/errors';
import { failureReason } from '../../lambda/core/reasons';
import { BlockerReading } from '../../lambda/core/sync-status';
import * as gate from '../../lambda/handler/gate';
import { PollHistory } from '../../lambda/handler/poll-history';
import { ApiPace } from '../../lambda/polite/api-pace';
import { SOURCES } from '../../lambda/sources';
import { attempt, blocker, createEvent, DESIRED, GATE_PROPS, OLDER, syncStatus } from '../fixtures';
import { permanent, protonSettings, ReadStep, ScriptedReader, transient, VirtualTime } from './cli-fixtures';

const RUNNING = syncStatus(DESIRED, attempt('IN_PROGRESS', DESIRED));
const SUCCEEDED = syncStatus(DESIRED, attempt('SUCCEEDED', DESIRED));
const FAILED = syncStatus(DESIRED, attempt('FAILED', DESIRED));

async function check(steps: readonly ReadStep[], waitSeconds: number, pollSeconds = 15, expectedSha?: string, blockers?: BlockerReading | Error) {
  const time = new VirtualTime();
  const reader = new ScriptedReader(steps, time, blockers);
  const reports: PollReport[] = [];
  const settings = protonSettings(waitSeconds, pollSeconds, expectedSha);
  const outcome: CheckOutcome = await runCheck(settings, { reader, now: time.now, sleep: time.sleep, onPoll: (r) => reports.push(r) });
  return { outcome, time, reader, reports, settings };
}

describe('the check loop', () => {
  it('passes at once, with one read and no sleep, when the latest sync SUCCEEDED at the desired sha', async () => {
    const { outcome, time, reader } = await check([SUCCEEDED], 600);
    expect(outcome).toMatchObject({ exitCode: 0, polls: 1, failedPolls: 0, elapsedMs: 0, reason: undefined });
    expect(outcome.decision).toMatchObject({ verdict: 'PASS', situation: 'IN_SYNC' });
    expect(outcome.attributes).toMatchObject({ Sha: DESIRED, Status: 'SUCCEEDED', InSync: 'true' });
    expect(time.sleeps).toEqual([]);
    expect(reader.subjects).toEqual([{ source: 'proton', serviceName: 'api', serviceInstanceName: 'prod', region: 'eu-west-1' }]);
  });

  it('passes after three polls one interval apart when a running sync succeeds', async () => {
    const { outcome, time, reader, reports } = await check([RUNNING, RUNNING, SUCCEEDED], 600, 15);
    expect(outcome).toMatchObject({ exitCode: 0, polls: 3, elapsedMs: 30_000 });
    expect(reader.reads).toEqual([0, 15_000, 30_000]);
    expect(time.sleeps).toEqual([15_000, 15_000]);
    expect(reports.map((r) => [r.poll, r.decision.situation, r.elapsedMs, r.remainingMs])).toEqual([
      [1, 'SYNC_RUNNING', 0, 600_000],
      [2, 'SYNC_RUNNING', 15_000, 585_000],
      [3, 'IN_SYNC', 30_000, 570_000],
    ]);
  });

  it('times out with the gate TIMED_OUT reason when the sync is still running at the end of the wait', async () => {
    const { outcome, reader, settings } = await check([RUNNING], 60, 15);
    expect(reader.reads).toEqual([0, 15_000, 30_000, 45_000, 60_000]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.decision).toEqual({
      verdict: 'FAIL',
      situation: 'TIMED_OUT',
      waitingOn: 'SYNC_RUNNING',
      why: `the gate waited 1m 0s of its 1m 0s timeout and the sync of the desired sha ${DESIRED} is IN_PROGRESS.`,
    });
    expect(outcome.reason).toBe(failureReason(settings.source.reasonSubject(settings.subject), outcome.decision, RUNNING));
    expect(outcome.reason).toMatch(/^Gave up waiting for the Proton sync of service instance "prod" of service "api" in eu-west-1: the gate waited 1m 0s/);
  });

  it('makes its last poll on the deadline when the interval does not divide the wait', async () => {
    const { outcome, time, reader } = await check([RUNNING], 20, 15);
    expect(reader.reads).toEqual([0, 15_000, 20_000]);
    expect(time.sleeps).toEqual([15_000, 5_000]);
    expect(outcome.decision.situation).toBe('TIMED_OUT');
  });

  it('checks once without waiting by default (a wait of 0), as a gate with waitTimeout 0 does', async () => {
    const { outcome, time } = await check([RUNNING, SUCCEEDED], 0);
    expect(time.sleeps).toEqual([]);
    expect(outcome).toMatchObject({ exitCode: 1, polls: 1 });
    expect(outcome.decision.why).toMatch(/^the gate checks once without waiting \(waitTimeout is 0\) and the sync of the desired sha/);
  });

  it('fails at once with the gate SYNC_FAILED reason when the latest sync FAILED, even with time left', async () => {
    const { outcome, time } = await check([FAILED], 600);
    expect(time.sleeps).toEqual([]);
    expect(outcome).toMatchObject({ exitCode: 1, polls: 1 });
    expect(outcome.decision.situation).toBe('SYNC_FAILED');
    expect(outcome.reason).toMatch(/^Proton sync FAILED for service instance "prod" of service "api" in eu-west-1 at desired sha a{40}/);
    expect(outcome.reason).toMatch(/Next: read the sync's events with `aws proton get-service-instance-sync-status --region eu-west-1 /);
  });

  it('waits for the expected sha as the gate does, abbreviations included', async () => {
    const other = syncStatus(OLDER, attempt('SUCCEEDED', OLDER));
    const { outcome, reports } = await check([other, SUCCEEDED], 600, 15, DESIRED.slice(0, 7));
    expect(reports.map((r) => r.decision.situation)).toEqual(['EXPECTED_SHA_NOT_DESIRED', 'IN_SYNC']);
    expect(outcome.exitCode).toBe(0);
  });

  it('counts a transient read error as "not yet" while time is left, then passes', async () => {
    const { outcome, reports } = await check([transient(), SUCCEEDED], 600);
    expect(outcome).toMatchObject({ exitCode: 0, polls: 2, failedPolls: 1 });
    expect(reports[0]).toMatchObject({ decision: { verdict: 'WAIT', situation: 'SOURCE_UNAVAILABLE' }, error: 'Proton kept answering ThrottlingException' });
  });

  it('gives no decision (exit 3) when transient errors last until the deadline, naming the polls that failed and the last error', async () => {
    const { outcome } = await check([RUNNING, transient('Proton answered HTTP 503')], 30, 15);
    expect(outcome).toMatchObject({ exitCode: 3, polls: 3, failedPolls: 2 });
    expect(outcome.decision).toMatchObject({ situation: 'TIMED_OUT', waitingOn: 'SOURCE_UNAVAILABLE' });
    // The last status read is still reported, as the gate's reason does.
    expect(outcome.attributes.Status).toBe('IN_PROGRESS');
    expect(outcome.reason).toContain('2 of the 3 polls could not read the sync status');
    expect(outcome.reason).toContain('the last such error: Proton answered HTTP 503');
  });

  it('gives no decision (exit 3) at once on an error that waiting does not fix, with the error as the reason', async () => {
    const error = permanent();
    const { outcome, time } = await check([error, SUCCEEDED], 600);
    expect(time.sleeps).toEqual([]);
    expect(outcome).toMatchObject({ exitCode: 3, polls: 1, failedPolls: 1, reason: error.message, status: undefined });
    expect(outcome.decision).toEqual({ verdict: 'FAIL', situation: 'SOURCE_ERROR', why: error.message });
    expect(outcome.attributes).toMatchObject({ Sha: '', Status: 'NONE' });
  });

  it('lets an error that is not a SyncGateError through: it is a bug, not a read failure', async () => {
    const reader = { readStatus: () => Promise.reject(new TypeError('boom')), readBlockers: () => Promise.resolve({ blockers: [], errors: [] }) };
    const time = new VirtualTime();
    await expect(runCheck(protonSettings(600), { reader, now: time.now, sleep: time.sleep })).rejects.toThrow('boom');
  });

  it.each([
    ['a FAILED sync', [FAILED], undefined],
    ['a FAILED sync whose blockers could not be read', [FAILED], new Error('socket hang up')],
    ['a FAILED sync stopped by an active blocker', [FAILED], { blockers: [blocker('b-1')], errors: [] }],
    ['a sync that never ran, with a blocker', [syncStatus(DESIRED)], { blockers: [blocker('b-2')], errors: [] }],
  ] as [string, ReadStep[], BlockerReading | Error | undefined][])('fails with the same reason text as the gate for %s', async (_name, steps, blockers) => {
    // GIVEN the gate, polled once on that status and those blockers
    const reader = new ScriptedReader(steps, undefined, blockers);
    const deps: gate.GateDeps = {
      sources: SOURCES,
      readStatus: (_source, subject) => reader.readStatus(subject),
      readBlockers: (_source, subject) => reader.readBlockers(subject),
      explainExpectedNotDesired: async () => undefined,
      describeStack: async () => ({ rollingBack: false }),
      now: () => 0,
      abortAfter: () => new AbortController().signal,
      log: () => undefined,
      defaultRegion: 'eu-west-1',
      history: new PollHistory(),
      pace: () => new ApiPace(() => 0),
      sleep: async () => undefined,
    };
    const event = { ...createEvent({ ...GATE_PROPS, Region: 'eu-west-1' }), [gate.GATE_STARTED_AT]: 0 };
    const gateReason = await gate.isComplete(event, deps).then(
      () => 'passed',
      (e: SyncGateError) => e.message,
    );
    // WHEN the check reads the same THEN it gives the gate's reason, word for word
    const { outcome } = await check(steps, 600, 15, undefined, blockers);
    expect(outcome.reason).toBe(gateReason);
    expect(outcome.exitCode).toBe(1);
  });
});

describe('sync blockers', () => {
  it('fails at once (exit 1, BLOCKED) when an active blocker stops the sync the gate waits for', async () => {
    const { outcome, reader, time } = await check([syncStatus(DESIRED, attempt('SUCCEEDED', OLDER))], 600, 15, undefined, {
      blockers: [blocker('b-1'), blocker('b-0', 'RESOLVED')],
      errors: [],
    });
    expect(time.sleeps).toEqual([]);
    expect(reader.blockerReads).toHaveLength(1);
    expect(outcome).toMatchObject({ exitCode: 1, polls: 1 });
    expect(outcome.decision).toMatchObject({ verdict: 'FAIL', situation: 'BLOCKED', blockedFrom: 'NEW_SYNC_DUE' });
    expect(outcome.reason).toContain('b-1');
  });

  it('reads no blockers when the sync is in sync or running', async () => {
    const { reader } = await check([RUNNING, SUCCEEDED], 600, 15, undefined, { blockers: [blocker('b-1')], errors: [] });
    expect(reader.blockerReads).toEqual([]);
  });

  it('keeps waiting when the blockers cannot be read, as the gate does', async () => {
    const neverSynced = syncStatus(DESIRED);
    const { outcome, reader } = await check([neverSynced, neverSynced, SUCCEEDED], 600, 15, undefined, new Error('socket hang up'));
    expect(reader.blockerReads).toHaveLength(2);
    expect(outcome).toMatchObject({ exitCode: 0, polls: 3 });
  });
});

describe('exit codes', () => {
  const cases: [string, number, Decision][] = [
    ['PASS in sync', 0, { verdict: 'PASS', situation: 'IN_SYNC', why: '' }],
    ['PASS read only', 0, { verdict: 'PASS', situation: 'READ_ONLY', why: '' }],
    ['FAIL sync failed', 1, { verdict: 'FAIL', situation: 'SYNC_FAILED', why: '' }],
    ['FAIL timed out on a running sync', 1, { verdict: 'FAIL', situation: 'TIMED_OUT', waitingOn: 'SYNC_RUNNING', why: '' }],
    ['FAIL timed out on an expected sha', 1, { verdict: 'FAIL', situation: 'TIMED_OUT', waitingOn: 'EXPECTED_SHA_NOT_DESIRED', why: '' }],
    ['FAIL timed out on unreadable status', 3, { verdict: 'FAIL', situation: 'TIMED_OUT', waitingOn: 'SOURCE_UNAVAILABLE', why: '' }],
    ['FAIL source error', 3, { verdict: 'FAIL', situation: 'SOURCE_ERROR', why: '' }],
  ];
  it.each(cases)('%s exits %d', (_name, code, decision) => {
    expect(exitCodeOf(decision)).toBe(code);
  });
});
