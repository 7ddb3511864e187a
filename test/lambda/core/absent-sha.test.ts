/**
 * An absent sha is unknown, never equal to another: the sources map a missing sha to '', and the core must not
 * read two missing shas as the same commit, nor a desired revision without a sha as something to pass on. A gate
 * that passed with Sha '' would hand '' to the resources that read it (an ssm.StringParameter rejects it).
 */
import * as fc from 'fast-check';
import { statusAttributes } from '../../../lambda/core/attributes';
import { decide, GateCriteria } from '../../../lambda/core/decide';
import { KNOWN_SYNC_STATUSES, sameSha, SyncAttempt, SyncStatus } from '../../../lambda/core/sync-status';
import { attempt, DESIRED, OLDER, revision, syncStatus } from '../../fixtures';

const GATE: GateCriteria = { requireSuccess: true };
const EXPECT_DESIRED: GateCriteria = { requireSuccess: true, expectedSha: DESIRED };

describe('sameSha', () => {
  it.each([
    ['two absent shas', '', '', false],
    ['an absent sha and a sha', '', DESIRED, false],
    ['a sha and an absent sha', DESIRED, '', false],
    ['a sha and the same sha in upper case', DESIRED, DESIRED.toUpperCase(), true],
    ['a sha and itself', OLDER, OLDER, true],
    ['two different shas', DESIRED, OLDER, false],
  ])('%s: %s', (_name, a, b, same) => {
    expect(sameSha(a, b)).toBe(same);
    expect(sameSha(b, a)).toBe(same);
  });
});

describe('a desired revision without a sha', () => {
  const withoutSha = (status: SyncStatus): SyncStatus => ({ ...status, desiredRevision: revision('') });
  const withoutDesired = (status: SyncStatus): SyncStatus => ({ ...status, desiredRevision: undefined });

  // Every status at an absent sha, at a real one, and no sync at all; with and without an expected sha.
  const latests: [string, SyncAttempt | undefined][] = [
    ['no sync ever ran', undefined],
    ...[...KNOWN_SYNC_STATUSES, 'CANCELLED'].flatMap((s): [string, SyncAttempt][] => [
      [`the latest sync ${s} at an absent sha`, attempt(s, '')],
      [`the latest sync ${s} at a sha`, attempt(s, DESIRED)],
    ]),
  ];
  const rows = latests.flatMap(([name, latest]) =>
    [GATE, EXPECT_DESIRED].map((criteria) => ({ name: `${name}${criteria.expectedSha ? ', with an expected sha' : ''}`, latest, criteria })),
  );

  it.each(rows)('decides as no desired state, and waits: $name', ({ latest, criteria }) => {
    const status = syncStatus(DESIRED, latest, attempt('SUCCEEDED', OLDER));
    const decision = decide(withoutSha(status), criteria);
    expect(decision).toEqual(decide(withoutDesired(status), criteria));
    expect(decision.verdict).toBe('WAIT');
  });
});

describe('a latest sync without a sha', () => {
  it.each([...KNOWN_SYNC_STATUSES])('is not a sync of the desired sha when it is %s: a new sync is due, InSync false', (status) => {
    const s = syncStatus(DESIRED, attempt(status, ''));
    expect(decide(s, GATE)).toMatchObject({ verdict: 'WAIT', situation: 'NEW_SYNC_DUE' });
    expect(statusAttributes(s).InSync).toBe('false');
  });
});

describe('a gate that passes', () => {
  // Shas drawn from a few values, the absent one included, so that equal, case-equal and absent shas meet often.
  const shaArb = fc.constantFrom('', DESIRED, DESIRED.toUpperCase(), OLDER);
  const attemptArb = fc
    .tuple(fc.constantFrom(...KNOWN_SYNC_STATUSES, 'CANCELLED', ''), shaArb)
    .map(([status, sha]) => attempt(status, sha));
  const statusArb: fc.Arbitrary<SyncStatus> = fc.record(
    { desiredRevision: shaArb.map((sha) => revision(sha)), latestAttempt: attemptArb, latestSuccessfulAttempt: attemptArb },
    { requiredKeys: [] },
  );

  it('always has a Sha, InSync true and the latest sync at that sha (generated)', () => {
    fc.assert(
      fc.property(statusArb, fc.constantFrom<GateCriteria>(GATE, EXPECT_DESIRED), (status, criteria) => {
        if (decide(status, criteria).verdict !== 'PASS') return;
        const attributes = statusAttributes(status);
        expect(attributes.Sha).not.toBe('');
        expect(attributes.InSync).toBe('true');
        expect(attributes.LatestSyncSha.toLowerCase()).toBe(attributes.Sha.toLowerCase());
      }),
      { numRuns: 1000, seed: 16 },
    );
  });

  it('never passes when every sha is absent, whatever the status', () => {
    for (const status of [...KNOWN_SYNC_STATUSES, 'CANCELLED', '']) {
      const s = syncStatus('', attempt(status, ''), attempt('SUCCEEDED', ''));
      expect(decide(s, GATE).verdict).not.toBe('PASS');
    }
  });
});
