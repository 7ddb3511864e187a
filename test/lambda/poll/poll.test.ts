/**
 * The one poll the gate and the check command share: what it records between polls, how an aborted read counts,
 * and what a failure reason adds about unreadable polls.
 */
import { SyncGateError } from '../../../lambda/core/errors';
import { SyncStatus } from '../../../lambda/core/sync-status';
import { failureOf, poll, PollRecord, pollsSince, readFailureNotes } from '../../../lambda/poll/poll';
import { parseSettings } from '../../../lambda/poll/settings';
import { SOURCES } from '../../../lambda/sources';
import { SourceReader } from '../../../lambda/sources/source';
import { Prop } from '../../../lib/contract';
import { attempt, DESIRED, GATE_PROPS, OLDER, syncStatus } from '../../fixtures';

const A = 'c'.repeat(40);
const settings = parseSettings({ ...GATE_PROPS, [Prop.ExpectedSha]: A }, 'us-east-1', SOURCES);

/** A reader that answers the given statuses in turn, and no blockers. */
function readerOf(...answers: (SyncStatus | Error)[]): SourceReader {
  return {
    readStatus: async () => {
      const next = answers.shift()!;
      if (next instanceof Error) throw next;
      return next;
    },
    readBlockers: async () => ({ blockers: [], errors: [] }),
  };
}

describe('poll', () => {
  it.each([
    ['whole (the check)', true, { verdict: 'FAIL', situation: 'SUPERSEDED' }],
    ['a cache (the gate)', false, { verdict: 'WAIT', situation: 'EXPECTED_SHA_NOT_DESIRED' }],
  ])('remembers that the expected sha was desired; a later poll counts it as evidence only when the record is %s', async (_name, recordIsWhole, second) => {
    const record: PollRecord = { polls: 0, failedPolls: 0 };
    const reader = readerOf(syncStatus(A, attempt('IN_PROGRESS', OLDER)), syncStatus(DESIRED, attempt('IN_PROGRESS', OLDER)));
    expect((await poll(settings, reader, record, 0, { recordIsWhole })).decision.situation).toBe('NEW_SYNC_DUE');
    expect(record.expectedWasDesired).toBe(true);
    expect((await poll(settings, reader, record, 15_000, { recordIsWhole })).decision).toMatchObject(second);
    expect(record.polls).toBe(2);
  });

  it('counts a read aborted by its budget as "not yet", whatever error the source made of the abort, and keeps the last status', async () => {
    const record: PollRecord = { polls: 0, failedPolls: 0 };
    const first = syncStatus(A, attempt('IN_PROGRESS', A));
    await poll(settings, readerOf(first), record, 0);
    const controller = new AbortController();
    controller.abort();
    const aborted = await poll(settings, readerOf(new SyncGateError('Could not reach the source (AbortError)')), record, 15_000, { signal: controller.signal });
    expect(aborted.decision).toMatchObject({ verdict: 'WAIT', situation: 'SOURCE_UNAVAILABLE' });
    expect(aborted.error?.transient).toBe(true);
    expect(aborted.error?.message).toBe(
      "The Proton API did not answer within the poll's time budget (attempts and backoff included); the next poll asks again.",
    );
    expect(aborted.status).toBe(first);
    expect(record).toMatchObject({ polls: 2, failedPolls: 1 });
  });

  it('fails at once on an error waiting does not fix, and rethrows what is no SyncGateError', async () => {
    const record: PollRecord = { polls: 0, failedPolls: 0 };
    const denied = await poll(settings, readerOf(new SyncGateError('Access denied')), record, 0);
    expect(denied.decision).toMatchObject({ verdict: 'FAIL', situation: 'SOURCE_ERROR' });
    await expect(poll(settings, readerOf(new TypeError('a bug')), record, 0)).rejects.toThrow(TypeError);
  });
});

describe('the configuration note of an expected sha that never became desired', () => {
  const gitSettings = parseSettings({ [Prop.StackName]: 'network', [Prop.ExpectedSha]: A, [Prop.WaitTimeoutSeconds]: '60' }, 'us-east-1', SOURCES);
  const notDesired = syncStatus(DESIRED, attempt('SUCCEEDED', DESIRED));

  function explaining(answers: (SyncStatus | Error)[]): SourceReader & { explained: number } {
    const reader = {
      ...readerOf(...answers),
      explained: 0,
      explainExpectedNotDesired: async () => {
        reader.explained += 1;
        return 'The configuration syncs only file changes.';
      },
    };
    return reader;
  }

  it('is asked once, on the read that fails the gate at its deadline waiting for the expected sha, and goes into the reason', async () => {
    const reader = explaining([notDesired, notDesired]);
    const record: PollRecord = { polls: 0, failedPolls: 0 };
    const waiting = await poll(gitSettings, reader, record, 0);
    expect(waiting.decision.situation).toBe('EXPECTED_SHA_NOT_DESIRED');
    expect(reader.explained).toBe(0);
    const last = await poll(gitSettings, reader, record, 60_000);
    expect(last.decision).toMatchObject({ verdict: 'FAIL', situation: 'TIMED_OUT', waitingOn: 'EXPECTED_SHA_NOT_DESIRED' });
    expect(reader.explained).toBe(1);
    expect(failureOf(gitSettings, last, record)).toMatch(/is not desired yet[^]*\nThe configuration syncs only file changes\./);
  });

  it.each([
    ['a sync that times out running', syncStatus(A, attempt('IN_PROGRESS', A))],
    ['a FAILED sync of the expected sha', syncStatus(A, attempt('FAILED', A))],
  ])('is not asked for %s: the configuration explains nothing there', async (_name, status) => {
    const reader = explaining([status]);
    const result = await poll(gitSettings, reader, { polls: 0, failedPolls: 0 }, 60_000);
    expect(result.decision.verdict).toBe('FAIL');
    expect(reader.explained).toBe(0);
    expect(result.configurationNote).toBeUndefined();
  });
});

describe('readFailureNotes', () => {
  it.each([
    ['every poll read the status', { polls: 3, failedPolls: 0 }, []],
    [
      'some polls could not',
      { polls: 5, failedPolls: 4, lastError: 'Rate exceeded.' },
      ['4 of the 5 polls could not read the sync status (as counted by the handler); the last such error: Rate exceeded.'],
    ],
  ])('says nothing when %s, and otherwise how many of the polls failed and the last error', (_name, record, notes) => {
    expect(readFailureNotes(record)).toEqual(notes);
  });
});

describe('readFailureNotes of a record that may hold only some polls (the gate\'s: one execution environment\'s)', () => {
  it('says whose counts they are when the gate made more polls than the record holds', () => {
    expect(readFailureNotes({ polls: 1, failedPolls: 1, lastError: 'Rate exceeded.' }, 41)).toEqual([
      '1 of the 1 polls this execution environment made (of about 41 since the gate started) could not read the sync status; the last such error: Rate exceeded.',
    ]);
  });

  it('keeps the plain counts when the record holds every poll', () => {
    expect(readFailureNotes({ polls: 41, failedPolls: 2, lastError: 'x' }, 41)[0]).toMatch(/^2 of the 41 polls could not read the sync status \(as counted by the handler\)/);
  });
});

describe('pollsSince', () => {
  it.each([
    [0, 15_000, 600_000, 1],
    [14_999, 15_000, 600_000, 1],
    [15_000, 15_000, 600_000, 2],
    [600_000, 15_000, 600_000, 41],
    [603_000, 15_000, 600_000, 41],
    // A deadline between multiples adds its own read.
    [70_000, 15_000, 70_000, 6],
    [0, 15_000, 0, 1],
  ])('at %i ms, every %i ms, deadline %i ms: %i polls', (elapsed, interval, timeout, polls) => {
    expect(pollsSince(elapsed, interval, timeout)).toBe(polls);
  });
});
