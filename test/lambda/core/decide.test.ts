import {
  applyBlockers,
  applyDeadline,
  decide,
  Decision,
  GateCriteria,
  GateFacts,
  isExpectedSha,
  judge,
  needsBlockerCheck,
  needsStackPhase,
  StackPhase,
  Situation,
  Verdict,
} from '../../../lambda/core/decide';
import { KNOWN_SYNC_STATUSES, SyncStatus } from '../../../lambda/core/sync-status';
import { attempt, blocker, DESIRED, OLDER, revision, syncStatus } from '../../fixtures';

const GATE: GateCriteria = { requireSuccess: true };
const READER: GateCriteria = { requireSuccess: false };
const EXPECT_DESIRED: GateCriteria = { requireSuccess: true, expectedSha: DESIRED };
const EXPECT_DESIRED_UPPER: GateCriteria = { requireSuccess: true, expectedSha: DESIRED.toUpperCase() };
const EXPECT_OTHER: GateCriteria = { requireSuccess: true, expectedSha: 'c'.repeat(40) };

type Row = [string, SyncStatus, GateCriteria, Verdict, Situation];

// Every status the model lists, plus an unlisted one, for each sha relation and expected-sha case.
const rows: Row[] = [];
for (const status of [...KNOWN_SYNC_STATUSES, 'CANCELLED', '']) {
  const atDesired: Record<string, [Verdict, Situation]> = {
    INITIATED: ['WAIT', 'SYNC_RUNNING'],
    IN_PROGRESS: ['WAIT', 'SYNC_RUNNING'],
    SUCCEEDED: ['PASS', 'IN_SYNC'],
    FAILED: ['FAIL', 'SYNC_FAILED'],
    CANCELLED: ['WAIT', 'UNKNOWN_STATUS'],
    '': ['WAIT', 'UNKNOWN_STATUS'],
  };
  const [verdict, situation] = atDesired[status];
  rows.push([`${status || '(empty)'} at the desired sha`, syncStatus(DESIRED, attempt(status, DESIRED)), GATE, verdict, situation]);
  rows.push([`${status || '(empty)'} at the desired sha, expected sha equal`, syncStatus(DESIRED, attempt(status, DESIRED)), EXPECT_DESIRED, verdict, situation]);
  rows.push([`${status || '(empty)'} at the desired sha, expected sha differs only in case`, syncStatus(DESIRED, attempt(status, DESIRED)), EXPECT_DESIRED_UPPER, verdict, situation]);
  rows.push([`${status || '(empty)'} at the desired sha, expected sha not desired yet`, syncStatus(DESIRED, attempt(status, DESIRED)), EXPECT_OTHER, 'WAIT', 'EXPECTED_SHA_NOT_DESIRED']);
  rows.push([`${status || '(empty)'} for an older sha than the desired one`, syncStatus(DESIRED, attempt(status, OLDER)), GATE, 'WAIT', 'NEW_SYNC_DUE']);
  rows.push([`${status || '(empty)'} for an older sha, expected sha desired`, syncStatus(DESIRED, attempt(status, OLDER)), EXPECT_DESIRED, 'WAIT', 'NEW_SYNC_DUE']);
  rows.push([`${status || '(empty)'} with no desired state`, syncStatus(undefined, attempt(status, DESIRED)), GATE, 'WAIT', 'NO_DESIRED_STATE']);
  rows.push([`${status || '(empty)'} read by a gate that does not require success`, syncStatus(DESIRED, attempt(status, DESIRED)), READER, 'PASS', 'READ_ONLY']);
}
rows.push(
  ['no sync ever ran', syncStatus(DESIRED), GATE, 'WAIT', 'NEVER_SYNCED'],
  ['no sync ever ran and nothing desired', syncStatus(undefined), GATE, 'WAIT', 'NEVER_SYNCED'],
  ['no sync ever ran, expected sha desired', syncStatus(DESIRED), EXPECT_DESIRED, 'WAIT', 'NEVER_SYNCED'],
  ['no sync ever ran, expected sha not desired', syncStatus(DESIRED), EXPECT_OTHER, 'WAIT', 'EXPECTED_SHA_NOT_DESIRED'],
  ['an empty answer read by a reader', syncStatus(undefined), READER, 'PASS', 'READ_ONLY'],
  // Git shas are case-insensitive: the same commit, written in upper case, is in sync.
  ['a latest sync whose sha differs from the desired one only in case', syncStatus(DESIRED, attempt('SUCCEEDED', DESIRED.toUpperCase())), GATE, 'PASS', 'IN_SYNC'],
  [
    'latest sync FAILED at the desired sha though an older sync succeeded',
    syncStatus(DESIRED, attempt('FAILED', DESIRED), attempt('SUCCEEDED', OLDER)),
    GATE,
    'FAIL',
    'SYNC_FAILED',
  ],
  [
    'latest successful sync at the desired sha but a newer attempt is in progress for it',
    syncStatus(DESIRED, attempt('IN_PROGRESS', DESIRED), attempt('SUCCEEDED', DESIRED)),
    GATE,
    'WAIT',
    'SYNC_RUNNING',
  ],
);

describe('decide', () => {
  it.each(rows)('%s: %s', (_name, status, criteria, verdict, situation) => {
    const d = decide(status, criteria);
    expect([d.verdict, d.situation]).toEqual([verdict, situation]);
    expect(d.why.length).toBeGreaterThan(10);
  });

  it('never passes a status the model does not list', () => {
    for (const status of ['CANCELLED', 'SUCCEEDED ', 'succeeded', 'ROLLED_BACK', '']) {
      expect(decide(syncStatus(DESIRED, attempt(status, DESIRED)), GATE).verdict).not.toBe('PASS');
    }
  });

  it('names the desired and latest shas when a new sync is due', () => {
    const d = decide(syncStatus(DESIRED, attempt('SUCCEEDED', OLDER)), GATE);
    expect(d.why).toContain(DESIRED);
    expect(d.why).toContain(OLDER);
  });

  it('names the expected and the desired sha while the expected sha is not desired', () => {
    const d = decide(syncStatus(DESIRED, attempt('SUCCEEDED', DESIRED)), EXPECT_OTHER);
    expect(d.why).toContain('c'.repeat(40));
    expect(d.why).toContain(DESIRED);
  });
});

describe('expected sha, whole or abbreviated', () => {
  const SHA = '4f2c9e1b7a3d5f60c8e2b4a6d8f0e1c3b5a79d2e';
  const SHA256 = '4f2c9e1b7a3d5f60c8e2b4a6d8f0e1c3b5a79d2e4f2c9e1b7a3d5f60c8e2b4a6';
  it.each([
    ['the whole sha', SHA, SHA, true],
    ['the whole sha in upper case', SHA, SHA.toUpperCase(), true],
    ['a 7-digit abbreviation (the shortest Git prints)', SHA, SHA.slice(0, 7), true],
    ['a 7-digit abbreviation in upper case', SHA, SHA.slice(0, 7).toUpperCase(), true],
    ['a 39-digit abbreviation (the longest)', SHA, SHA.slice(0, 39), true],
    ['a 12-digit abbreviation of a 64-digit (SHA-256) sha', SHA256, SHA256.slice(0, 12), true],
    ['the whole 64-digit sha', SHA256, SHA256, true],
    ['a 40-digit prefix of a 64-digit (SHA-256) sha, as Git resolves it there', SHA256, SHA256.slice(0, 40), true],
    ['a 63-digit abbreviation of a 64-digit sha', SHA256, SHA256.slice(0, 63), true],
    ['a 6-digit prefix is too short to be an abbreviation', SHA, SHA.slice(0, 6), false],
    ['an abbreviation of another commit', SHA, 'deadbee', false],
    ['a sha that only contains the expected text later', SHA, SHA.slice(1, 9), false],
    ['a 7-character non-hex value names no commit', SHA, '4f2c9eg', false],
    ['a branch name names no commit', SHA, 'main', false],
    ['an empty value names no commit (the handler rejects it before)', SHA, '', false],
    ['a longer expected sha than the desired one', SHA, SHA + '0', false],
  ])('%s', (_name, desired, expected, matches) => {
    expect(isExpectedSha(desired, expected)).toBe(matches);
    const d = decide(syncStatus(desired, attempt('SUCCEEDED', desired)), { requireSuccess: true, expectedSha: expected });
    expect(d).toMatchObject(matches ? { verdict: 'PASS', situation: 'IN_SYNC' } : { verdict: 'WAIT', situation: 'EXPECTED_SHA_NOT_DESIRED' });
  });
});

describe('applyDeadline', () => {
  const waiting: Decision = decide(syncStatus(DESIRED, attempt('IN_PROGRESS', DESIRED)), GATE);
  const passing: Decision = decide(syncStatus(DESIRED, attempt('SUCCEEDED', DESIRED)), GATE);
  const failing: Decision = decide(syncStatus(DESIRED, attempt('FAILED', DESIRED)), GATE);

  it.each([
    ['keeps waiting before the timeout', waiting, 599_999, 600_000, 'WAIT', 'SYNC_RUNNING'],
    ['times out at the timeout', waiting, 600_000, 600_000, 'FAIL', 'TIMED_OUT'],
    ['times out after the timeout', waiting, 615_000, 600_000, 'FAIL', 'TIMED_OUT'],
    ['fails at once when the timeout is zero', waiting, 0, 0, 'FAIL', 'TIMED_OUT'],
    ['passes even after the timeout', passing, 900_000, 600_000, 'PASS', 'IN_SYNC'],
    ['fails on a failed sync before the timeout', failing, 0, 600_000, 'FAIL', 'SYNC_FAILED'],
  ] as const)('%s', (_name, decision, elapsed, timeout, verdict, situation) => {
    const d = applyDeadline(decision, elapsed, timeout);
    expect([d.verdict, d.situation]).toEqual([verdict, situation]);
  });

  it('says how long it waited and what it was waiting on', () => {
    const d = applyDeadline(waiting, 615_000, 600_000);
    expect(d.waitingOn).toBe('SYNC_RUNNING');
    expect(d.why).toContain('10m 15s');
    expect(d.why).toContain('10m 0s timeout');
    expect(d.why).toContain('IN_PROGRESS');
  });

  it('says the gate checks once when the timeout is zero', () => {
    expect(applyDeadline(waiting, 0, 0).why).toContain('waitTimeout is 0');
  });
});

describe('needsBlockerCheck and applyBlockers', () => {
  const ACTIVE = [blocker('a1')];
  const RESOLVED = [blocker('r1', 'RESOLVED')];
  const UNKNOWN = [blocker('u1', 'PENDING')];
  const MIXED = [blocker('r1', 'RESOLVED'), blocker('a1'), blocker('a2')];
  const cases: [string, SyncStatus, GateCriteria, boolean][] = [
    ['a new sync is due', syncStatus(DESIRED, attempt('SUCCEEDED', OLDER)), GATE, true],
    ['no sync ever ran', syncStatus(DESIRED), GATE, true],
    ['nothing desired and nothing synced', syncStatus(undefined), GATE, true],
    ['no desired state', syncStatus(undefined, attempt('SUCCEEDED', DESIRED)), GATE, true],
    ['the sync FAILED', syncStatus(DESIRED, attempt('FAILED', DESIRED)), GATE, true],
    ['in sync', syncStatus(DESIRED, attempt('SUCCEEDED', DESIRED)), GATE, false],
    ['a sync is running', syncStatus(DESIRED, attempt('IN_PROGRESS', DESIRED)), GATE, false],
    ['an unknown status', syncStatus(DESIRED, attempt('CANCELLED', DESIRED)), GATE, false],
    ['the expected sha is not desired', syncStatus(DESIRED, attempt('SUCCEEDED', DESIRED)), EXPECT_OTHER, true],
    ['a reader', syncStatus(DESIRED, attempt('FAILED', DESIRED)), READER, false],
  ];

  it.each(cases)('%s: reads blockers = %s', (_name, status, criteria, reads) => {
    expect(needsBlockerCheck(decide(status, criteria))).toBe(reads);
  });

  const rows: [string, SyncStatus, GateCriteria, readonly ReturnType<typeof blocker>[], Verdict, Situation][] = [];
  for (const [name, status, criteria, reads] of cases) {
    const d = decide(status, criteria);
    rows.push([`${name}, no blockers`, status, criteria, [], d.verdict, d.situation]);
    rows.push([`${name}, only RESOLVED blockers`, status, criteria, RESOLVED, d.verdict, d.situation]);
    rows.push([`${name}, a blocker of an unknown status`, status, criteria, UNKNOWN, d.verdict, d.situation]);
    rows.push([`${name}, an ACTIVE blocker`, status, criteria, ACTIVE, reads ? 'FAIL' : d.verdict, reads ? 'BLOCKED' : d.situation]);
    rows.push([`${name}, ACTIVE and RESOLVED blockers`, status, criteria, MIXED, reads ? 'FAIL' : d.verdict, reads ? 'BLOCKED' : d.situation]);
  }

  it.each(rows)('%s: %s', (_name, status, criteria, blockers, verdict, situation) => {
    const d = applyBlockers(decide(status, criteria), blockers);
    expect([d.verdict, d.situation]).toEqual([verdict, situation]);
  });

  it('keeps only the active blockers, what the gate was waiting on and why', () => {
    const waiting = decide(syncStatus(DESIRED, attempt('SUCCEEDED', OLDER)), GATE);
    const d = applyBlockers(waiting, MIXED);
    expect(d.blockedFrom).toBe('NEW_SYNC_DUE');
    expect(d.blockers?.map((b) => b.id)).toEqual(['a1', 'a2']);
    expect(d.why).toMatch(/^2 active sync blockers stop new syncs, so waiting cannot help \(the latest sync \(SUCCEEDED\) was for sha b{40}/);
  });

  it.each<[string, string, readonly ReturnType<typeof blocker>[], string]>([
    [
      'one blocker, dropping only the final full stop of the why',
      'the latest sync was for release 1.2, not the desired sha.',
      ACTIVE,
      'an active sync blocker stops new syncs, so waiting cannot help (the latest sync was for release 1.2, not the desired sha).',
    ],
    [
      'two blockers, keeping a why without a final full stop whole',
      'no sync has run yet for release 1.2',
      MIXED,
      '2 active sync blockers stop new syncs, so waiting cannot help (no sync has run yet for release 1.2).',
    ],
  ])('says why waiting cannot help, with %s', (_name, why, blockers, blockedWhy) => {
    const waiting: Decision = { verdict: 'WAIT', situation: 'NEW_SYNC_DUE', why };
    expect(applyBlockers(waiting, blockers).why).toBe(blockedWhy);
  });

  it('is not undone by the deadline: a BLOCKED failure stays BLOCKED', () => {
    const d = applyDeadline(applyBlockers(decide(syncStatus(DESIRED), GATE), ACTIVE), 900_000, 600_000);
    expect(d.situation).toBe('BLOCKED');
  });
});

describe('judge: the stack phase of an Update, table-driven', () => {
  // Every kind of read and verdict, by what CloudFormation says of the stack, before and after the deadline, on the
  // first read and a later one. The same facts give the same verdict whatever executes them.
  const TIMEOUT = 600_000;
  const READS: Record<string, GateFacts['read']> = {
    'a FAILED sync': { status: syncStatus(DESIRED, attempt('FAILED', DESIRED)) },
    'a running sync': { status: syncStatus(DESIRED, attempt('IN_PROGRESS', DESIRED)) },
    'a sync in sync': { status: syncStatus(DESIRED, attempt('SUCCEEDED', DESIRED)) },
    'a throttled read': { error: { transient: true, message: 'Proton throttled the read.' } },
    'a refused connection': { error: { transient: false, message: 'Could not reach AWS Proton.\nMore.' } },
  };
  type Expect = [Verdict, Situation];
  // [read, stack, first read?, before the deadline?] -> verdict, situation
  const table: [string, StackPhase | undefined, boolean, boolean, Expect][] = [];
  for (const first of [true, false]) {
    for (const early of [true, false]) {
      const usual: Record<string, Expect> = {
        'a FAILED sync': ['FAIL', 'SYNC_FAILED'],
        'a running sync': early ? ['WAIT', 'SYNC_RUNNING'] : ['FAIL', 'TIMED_OUT'],
        'a sync in sync': ['PASS', 'IN_SYNC'],
        'a throttled read': early ? ['WAIT', 'SOURCE_UNAVAILABLE'] : ['FAIL', 'TIMED_OUT'],
        'a refused connection': ['FAIL', 'SOURCE_ERROR'],
      };
      for (const read of Object.keys(READS)) {
        // Not asked (a Create, the check) and not rolling back: the usual verdict.
        table.push([read, undefined, first, early, usual[read]]);
        table.push([read, 'NOT_ROLLING_BACK', first, early, usual[read]]);
        // Rolling back: never fails; waits only for one more read of a source that may answer.
        const rollback: Expect =
          usual[read][0] === 'PASS' ? usual[read] : read === 'a throttled read' && first && early ? ['WAIT', 'SOURCE_UNAVAILABLE'] : ['PASS', 'ROLLBACK'];
        table.push([read, 'ROLLING_BACK', first, early, rollback]);
        // Could not be told: a failure waits until the deadline, then stands.
        const unknown: Expect = usual[read][0] === 'FAIL' && early ? ['WAIT', 'STACK_STATE_UNKNOWN'] : usual[read];
        table.push([read, 'UNKNOWN', first, early, unknown]);
      }
    }
  }

  it.each(table)('%s, stack %s, first read %s, before the deadline %s', (read, stack, firstRead, early, [verdict, situation]) => {
    const facts: GateFacts = { criteria: GATE, read: READS[read], elapsedMs: early ? 0 : TIMEOUT, timeoutMs: TIMEOUT, firstRead, stack };
    const d = judge(facts);
    expect([d.verdict, d.situation]).toEqual([verdict, situation]);
    if (situation === 'ROLLBACK') expect(d.statusRead).toBe(READS[read].status !== undefined);
    if (situation === 'STACK_STATE_UNKNOWN') expect(d.heldFrom).toBe(judge({ ...facts, stack: undefined }).situation);
  });

  it('asks for the stack phase on every verdict but PASS', () => {
    expect((['PASS', 'WAIT', 'FAIL'] as Verdict[]).map((verdict) => needsStackPhase({ verdict, situation: 'IN_SYNC', why: '' }))).toEqual([false, true, true]);
  });

  it('says what it would have decided when it passes a rollback, and names the read error when it could not read', () => {
    const running = judge({ criteria: GATE, read: READS['a FAILED sync'], elapsedMs: 0, timeoutMs: TIMEOUT, firstRead: true, stack: 'ROLLING_BACK' });
    expect(running.why).toBe(`the stack is rolling back an update; the gate reports without judging (the latest sync of the desired sha ${DESIRED} FAILED.)`);
    const refused = judge({ criteria: GATE, read: READS['a refused connection'], elapsedMs: 0, timeoutMs: TIMEOUT, firstRead: true, stack: 'ROLLING_BACK' });
    expect(refused.why).toBe(
      'the stack is rolling back an update and the sync status could not be read (Could not reach AWS Proton.); the gate passes without judging and its attributes say UNKNOWN.',
    );
  });
});

describe('a superseded expected sha', () => {
  // The pipeline's commit A was picked up, then B was pushed: B is desired now and A never will be again.
  const A = 'c'.repeat(40);
  const B = DESIRED;
  const EXPECT_A: GateCriteria = { requireSuccess: true, expectedSha: A };
  const EXPECT_A_SHORT: GateCriteria = { requireSuccess: true, expectedSha: A.slice(0, 7).toUpperCase() };
  // Only the check gives this (its record of its own polls is whole); the gate never does.
  const EXPECT_A_SEEN: GateCriteria = { ...EXPECT_A, expectedWasDesired: true };
  const cases: [string, SyncStatus, GateCriteria, Verdict, Situation, string][] = [];
  for (const status of [...KNOWN_SYNC_STATUSES, 'CANCELLED']) {
    cases.push([`the latest sync (${status}) was for A`, syncStatus(B, attempt(status, A)), EXPECT_A, 'FAIL', 'SUPERSEDED', `the latest sync, ${status}, was for it`]);
    cases.push([`the latest sync (${status}) started from A and targets B`, syncStatus(B, attempt(status, B, { initialRevision: revision(A) })), EXPECT_A, 'FAIL', 'SUPERSEDED', `started from it and targets sha ${B}`]);
  }
  cases.push(
    ['A synced successfully before B', syncStatus(B, attempt('IN_PROGRESS', B), attempt('SUCCEEDED', A)), EXPECT_A, 'FAIL', 'SUPERSEDED', 'it synced successfully in the sync started 2026-11-26T10:00:00.000Z'],
    ['A, abbreviated in upper case, was the latest sync', syncStatus(B, attempt('FAILED', A)), EXPECT_A_SHORT, 'FAIL', 'SUPERSEDED', 'was for it'],
    ['an earlier poll saw A desired', syncStatus(B, attempt('IN_PROGRESS', B)), EXPECT_A_SEEN, 'FAIL', 'SUPERSEDED', 'it was desired earlier in this deployment'],
    ['an earlier poll saw A desired, no sync ran since', syncStatus(B), EXPECT_A_SEEN, 'FAIL', 'SUPERSEDED', 'desired earlier'],
    // Never seen: the source may not have picked A up yet, so the gate waits.
    ['A was never seen', syncStatus(B, attempt('SUCCEEDED', B)), EXPECT_A, 'WAIT', 'EXPECTED_SHA_NOT_DESIRED', 'is not desired yet'],
    ['A was never seen, no sync ran', syncStatus(B), EXPECT_A, 'WAIT', 'EXPECTED_SHA_NOT_DESIRED', 'is not desired yet'],
    // A is desired: the usual rules, whatever the memory says.
    ['A is desired and the sync of it runs', syncStatus(A, attempt('IN_PROGRESS', A)), EXPECT_A_SEEN, 'WAIT', 'SYNC_RUNNING', 'IN_PROGRESS'],
    ['A is desired and synced', syncStatus(A, attempt('SUCCEEDED', A)), EXPECT_A_SEEN, 'PASS', 'IN_SYNC', 'SUCCEEDED'],
    // Nothing desired: not superseded by anything.
    ['nothing is desired', syncStatus(undefined, attempt('SUCCEEDED', A)), EXPECT_A_SEEN, 'WAIT', 'NO_DESIRED_STATE', 'no desired state'],
  );

  it.each(cases)('%s: %s %s', (_name, status, criteria, verdict, situation, says) => {
    const d = decide(status, criteria);
    expect([d.verdict, d.situation]).toEqual([verdict, situation]);
    expect(d.why).toContain(says);
    if (situation === 'SUPERSEDED') {
      expect(d.why).toContain(`the expected sha ${criteria.expectedSha} was superseded by sha ${B}, which is desired now`);
      // Superseded is a verdict of its own: no blocker read, no waiting for the deadline.
      expect(needsBlockerCheck(d)).toBe(false);
      expect(applyDeadline(d, 0, 600_000)).toBe(d);
    }
  });

  it('is never a reader\'s concern', () => {
    expect(decide(syncStatus(B, attempt('FAILED', A)), { requireSuccess: false }).situation).toBe('READ_ONLY');
  });
});
