/**
 * What every source's reader must give, in the source-independent shapes (lambda/core/sync-status): the mapping
 * of the shared fixtures (test/fixtures.ts), members the wire left out, and a failure explained as a SyncGateError.
 * Shared by the tests of each source, so the sources are held to one contract.
 */
import { SyncGateError } from '../../../lambda/core/errors';
import { DESIRED, OLDER } from '../../fixtures';

/** Matches the Date that stands for a time the wire left out (`new Date(NaN)`, which toEqual never equates). */
export const INVALID_DATE = {
  asymmetricMatch: (d: unknown) => d instanceof Date && Number.isNaN(d.getTime()),
  toAsymmetricMatcher: () => 'Invalid Date',
};

/** A revision whose every member the wire left out. */
export const EMPTY_REVISION = { sha: '', branch: '', directory: '', repositoryName: '', repositoryProvider: '' };

/** A revision of the fixtures' repository as a source names it. */
export type Revision = (sha: string) => typeof EMPTY_REVISION;

/** The status a source reads from its fixture output (`protonOutput` / `gitSyncOutput`) for `target`, in every field. */
export function fixtureStatus(status: string, target: string, rev: Revision) {
  return {
    desiredRevision: rev(DESIRED),
    latestAttempt: {
      status,
      startedAt: new Date('2026-11-26T10:00:00Z'),
      target,
      initialRevision: rev(OLDER),
      targetRevision: rev(DESIRED),
      events: [
        { type: 'STARTED', time: new Date('2026-11-26T10:00:00Z'), text: 'Sync started' },
        { type: 'FAILED', time: new Date('2026-11-26T10:03:00Z'), text: 'Sync failed' },
      ],
    },
    latestSuccessfulAttempt: expect.objectContaining({ status: 'SUCCEEDED', targetRevision: rev(OLDER) }),
  };
}

/** An attempt with one event, whose every member the wire left out. */
export const EMPTY_ATTEMPT = {
  status: '',
  startedAt: INVALID_DATE,
  target: '',
  initialRevision: EMPTY_REVISION,
  targetRevision: EMPTY_REVISION,
  events: [{ type: '', time: INVALID_DATE, text: '' }],
};

/** A blocker whose every member the wire left out, at `level`, with the command the source gives to resolve it. */
export function emptyBlocker(level: string, resolveCommand: string) {
  return { id: '', type: '', status: '', createdReason: '', createdAt: INVALID_DATE, contexts: [], level, resolveCommand };
}

/** A reader's failure: a SyncGateError with exactly this message and transient flag, keeping the SDK error as its cause. */
/**
 * How many times a reason names `region` in its prose: the commands it quotes in backticks need `--region` and are
 * left out. Once is enough; the subject ("stack "network" in eu-west-1") already says it.
 */
export function regionMentions(reason: string, region: string): number {
  return reason.replace(/`[^`]*`/g, '').split(region).length - 1;
}

export function expectExplained(failure: unknown, cause: Error, message: string, transient: boolean): void {
  expect(failure).toBeInstanceOf(SyncGateError);
  expect((failure as SyncGateError).message).toBe(message);
  expect(failure).toMatchObject({ transient, cause });
}
