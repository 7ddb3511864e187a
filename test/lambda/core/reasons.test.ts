import { applyDeadline, decide, Decision } from '../../../lambda/core/decide';
import { blockedReason, blockerReadNotes, failureReason, MAX_REASON_JSON_BYTES, ReasonSubject } from '../../../lambda/core/reasons';
import { SyncBlocker, SyncEvent, SyncStatus } from '../../../lambda/core/sync-status';
import { jsonBytes } from '../../../lambda/core/text';
import { fromGitSyncBlocker, gitSyncSource } from '../../../lambda/sources/git-sync';
import { attempt, blocker, DESIRED, event, gitSyncBlocker, OLDER, syncStatus } from '../../fixtures';

const STACK = { source: 'git-sync' as const, stackName: 'network', region: 'eu-west-1' };
const SUBJECT: ReasonSubject = gitSyncSource.reasonSubject(STACK);
const NO_LIST_COMMAND: ReasonSubject = { ...SUBJECT, blockersCommand: undefined };
const STATUS_CMD = 'aws codestar-connections get-resource-sync-status --region eu-west-1 --sync-type CFN_STACK_SYNC --resource-name network';
const BLOCKERS_CMD = 'aws codestar-connections get-sync-blocker-summary --region eu-west-1 --sync-type CFN_STACK_SYNC --resource-name network';
const LOG_GROUP = '/aws/lambda/gate-logs';
const GATE = { requireSuccess: true };

const SYNC_FAILED_NEXT = `\nNext: read the sync's events with \`${STATUS_CMD}\`, fix the cause in the repository, push, and deploy again.`;
const TIMED_OUT_NEXT = `\nNext: check the sync with \`${STATUS_CMD}\`; if it is healthy but slow, raise the gate's waitTimeout.`;
const BLOCKED_NEXT =
  '\nNext: find out why each blocker was created (usually a change made outside Git, or syncs that kept failing), ' +
  `fix that, resolve the blocker with its command, and deploy again; \`${STATUS_CMD}\` shows the sync.`;

/** A Git sync blocker as the source maps it, created `minute` minutes after 09:00. */
function gitBlocker(id: string, minute: number): SyncBlocker {
  return fromGitSyncBlocker(gitSyncBlocker(id, 'ACTIVE', { CreatedAt: new Date(Date.UTC(2026, 10, 26, 9, minute)) }), STACK);
}

/** The line a reason gives a blocker from gitBlocker (the format the exact-text tests below pin). */
function gitBlockerLine(b: SyncBlocker): string {
  return (
    `\n- Blocker ${b.id} (AUTOMATED, on stack "network"), created ${b.createdAt.toISOString()}: Stack was updated outside of Git sync.` +
    ` Contexts: StackName=network. Resolve it, once its cause is fixed: \`${b.resolveCommand}\``
  );
}

function blocked(blockers: readonly SyncBlocker[], why = 'an active sync blocker stops new syncs, so waiting cannot help.'): Decision {
  return { verdict: 'FAIL', situation: 'BLOCKED', blockedFrom: 'NEW_SYNC_DUE', blockers, why };
}

const shownBlockers = (reason: string) => [...reason.matchAll(/^- Blocker (\S+) /gm)].map((m) => m[1]);
const shownEvents = (reason: string) => [...reason.matchAll(/^- \S+ \[\S+\] (.*)$/gm)].map((m) => m[1]);

describe('failureReason', () => {
  const failed = syncStatus(DESIRED, attempt('FAILED', DESIRED, { target: 'network', events: [event('Stack update failed', 4, 'FAILED')] }));
  const failedHead = `Git sync FAILED for stack "network" in eu-west-1 at desired sha ${DESIRED} (sync started 2026-11-26T10:00:00.000Z, target "network").`;
  const failedEvents = '\nMost recent events of that sync, newest first (1 in all):\n- 2026-11-26T10:04:00.000Z [FAILED] Stack update failed';
  const nothingSeen = applyDeadline(decide(syncStatus(undefined), GATE), 600_000, 600_000);
  const desiredOnly = syncStatus(DESIRED);
  const runningStatus = syncStatus(DESIRED, attempt('IN_PROGRESS', DESIRED, { events: [] }), attempt('SUCCEEDED', OLDER));
  const waitedFor = (status: SyncStatus) => applyDeadline(decide(status, GATE), 600_000, 600_000);

  it.each<[string, Decision, SyncStatus | undefined, string | undefined, string[] | undefined, string]>([
    [
      'a failed sync, with its start, target, events, next step and poll log',
      decide(failed, GATE),
      failed,
      LOG_GROUP,
      undefined,
      `${failedHead}${failedEvents}${SYNC_FAILED_NEXT} Poll log: ${LOG_GROUP}.`,
    ],
    ['a failed sync, without a poll log', decide(failed, GATE), failed, undefined, undefined, `${failedHead}${failedEvents}${SYNC_FAILED_NEXT}`],
    [
      'a failed sync with notes, each on its own line after the head',
      decide(failed, GATE),
      failed,
      undefined,
      ['First note.', 'Second note.'],
      `${failedHead}\nFirst note.\nSecond note.${failedEvents}${SYNC_FAILED_NEXT}`,
    ],
    [
      'a failed sync when no attempt is known: the head ends at the sha',
      decide(failed, GATE),
      desiredOnly,
      undefined,
      [],
      `Git sync FAILED for stack "network" in eu-west-1 at desired sha ${DESIRED}.${SYNC_FAILED_NEXT}`,
    ],
    [
      'a timeout with every sha seen',
      waitedFor(runningStatus),
      runningStatus,
      undefined,
      undefined,
      `Gave up waiting for the Git sync of stack "network" in eu-west-1: ${waitedFor(runningStatus).why} ` +
        `Last seen: status IN_PROGRESS, desired sha ${DESIRED}, latest sync sha ${DESIRED}, latest successful sync sha ${OLDER}.${TIMED_OUT_NEXT}`,
    ],
    [
      'a timeout with a desired sha but no sync yet',
      waitedFor(desiredOnly),
      desiredOnly,
      undefined,
      undefined,
      `Gave up waiting for the Git sync of stack "network" in eu-west-1: ${waitedFor(desiredOnly).why} ` +
        `Last seen: status NONE, desired sha ${DESIRED}, latest sync sha (none), latest successful sync sha (none).${TIMED_OUT_NEXT}`,
    ],
    [
      'a timeout with nothing desired and no sync: every sha is "(none)"',
      nothingSeen,
      syncStatus(undefined),
      undefined,
      undefined,
      `Gave up waiting for the Git sync of stack "network" in eu-west-1: ${nothingSeen.why} ` +
        `Last seen: status NONE, desired sha (none), latest sync sha (none), latest successful sync sha (none).${TIMED_OUT_NEXT}`,
    ],
    [
      'a timeout when no poll could read the status',
      nothingSeen,
      undefined,
      LOG_GROUP,
      undefined,
      `Gave up waiting for the Git sync of stack "network" in eu-west-1: ${nothingSeen.why} No poll could read the sync status.${TIMED_OUT_NEXT} Poll log: ${LOG_GROUP}.`,
    ],
  ])('says exactly what happened for %s', (_name, decision, status, logGroupName, notes, reason) => {
    expect(failureReason(SUBJECT, decision, status, logGroupName, notes)).toBe(reason);
  });

  it.each([
    ['Proton', 'Proton sync'],
    ['Git sync', 'Git sync'],
    ['GIT SYNC', 'GIT SYNC'],
    ['Async', 'Async sync'],
    ['Syncer', 'Syncer sync'],
    ['Sync gate', 'Sync gate sync'],
  ])('names the sync of source %j as %j, without saying "sync" twice', (source, name) => {
    const reason = failureReason({ ...SUBJECT, source }, nothingSeen, undefined);
    expect(reason).toMatch(new RegExp(`^Gave up waiting for the ${name} of stack "network" in eu-west-1: `));
  });

  it('passes a blocked decision to the blocked reason', () => {
    const d = blocked([gitBlocker('b1', 0)]);
    expect(failureReason(SUBJECT, d, failed, LOG_GROUP, ['A note.'])).toBe(blockedReason(SUBJECT, d, LOG_GROUP));
  });

  describe('lists as many newest events as the byte budget holds', () => {
    const events: SyncEvent[] = [event('Stack update failed', 4, 'FAILED'), event('Sync started', 0, 'STARTED')];
    const status = syncStatus(DESIRED, attempt('FAILED', DESIRED, { target: 'network', events }));
    const header = '\nMost recent events of that sync, newest first (2 in all):';
    const lines = events.map((e) => `\n- ${e.time.toISOString()} [${e.type}] ${e.text}`);
    /** A note that makes head, note, header, the given lines and tail take exactly MAX_REASON_JSON_BYTES + `over`. */
    const padding = (shown: readonly string[], over: number) => {
      const used = jsonBytes(`${failedHead}\n${header}${shown.join('')}${SYNC_FAILED_NEXT}`);
      return 'x'.repeat(MAX_REASON_JSON_BYTES - used + over);
    };

    it.each([
      ['both lines fit with 0 bytes to spare', lines, 0, ['Stack update failed', 'Sync started']],
      ['the second line is 1 byte over', lines, 1, ['Stack update failed']],
      ['the first line fits with 0 bytes to spare', lines.slice(0, 1), 0, ['Stack update failed']],
      ['the first line is 1 byte over', lines.slice(0, 1), 1, []],
    ])('%s', (_name, fitted, over, shown) => {
      const note = padding(fitted, over);
      const reason = failureReason(SUBJECT, decide(status, GATE), status, undefined, [note]);
      expect(shownEvents(reason)).toEqual(shown);
      expect(reason).toBe(`${failedHead}\n${note}${header}${lines.slice(0, shown.length).join('')}${SYNC_FAILED_NEXT}`);
      expect(jsonBytes(reason)).toBeLessThanOrEqual(MAX_REASON_JSON_BYTES);
    });
  });
});

describe('blockerReadNotes', () => {
  const lead = 'The sync blockers could not be read, so this reason cannot say whether one stops the sync: ';
  it.each<[string, readonly string[] | undefined, string[]]>([
    ['no errors reported', undefined, []],
    ['an empty list of errors', [], []],
    ['one error', ['Reading service instance "prod" failed (AccessDeniedException).'], [`${lead}Reading service instance "prod" failed (AccessDeniedException).`]],
    ['two errors, joined by a space', ['First failed.', 'Second failed.'], [`${lead}First failed. Second failed.`]],
    ['an error cut to 300 characters', ['e'.repeat(400)], [`${lead}${'e'.repeat(299)}…`]],
  ])('%s', (_name, errors, notes) => {
    expect(blockerReadNotes(errors)).toEqual(notes);
  });
});

describe('blockedReason', () => {
  const head = (why: string) => `Git sync of stack "network" in eu-west-1 is blocked: ${why}`;
  const WHY = 'an active sync blocker stops new syncs, so waiting cannot help.';

  it.each<[string, string | undefined, string]>([
    ['with a poll log', LOG_GROUP, ` Poll log: ${LOG_GROUP}.`],
    ['without a poll log', undefined, ''],
  ])('says what blocks the sync, how to resolve it and what to do next, %s', (_name, logGroupName, logs) => {
    const b = gitBlocker('blk-1', 0);
    expect(blockedReason(SUBJECT, blocked([b], WHY), logGroupName)).toBe(
      head(WHY) +
        '\n- Blocker blk-1 (AUTOMATED, on stack "network"), created 2026-11-26T09:00:00.000Z: Stack was updated outside of Git sync.' +
        ' Contexts: StackName=network. Resolve it, once its cause is fixed: ' +
        '`aws codestar-connections update-sync-blocker --region eu-west-1 --id blk-1 --sync-type CFN_STACK_SYNC --resource-name network --resolved-reason "<what was fixed>"`' +
        BLOCKED_NEXT +
        logs,
    );
  });

  it.each<[string, Partial<SyncBlocker>, string]>([
    ['no contexts', {}, '- Blocker b1 (AUTOMATED, on stack "network"), created 2026-11-26T09:00:00.000Z: changed by hand. Resolve it, once its cause is fixed: `resolve b1`'],
    [
      'two contexts, joined by "; "',
      { contexts: [{ key: 'StackName', value: 'network' }, { key: 'Reason', value: 'drift' }] },
      '- Blocker b1 (AUTOMATED, on stack "network"), created 2026-11-26T09:00:00.000Z: changed by hand. Contexts: StackName=network; Reason=drift. Resolve it, once its cause is fixed: `resolve b1`',
    ],
    ['no type', { type: '' }, '- Blocker b1 (unknown type, on stack "network"), created 2026-11-26T09:00:00.000Z: changed by hand. Resolve it, once its cause is fixed: `resolve b1`'],
    [
      'no creation time',
      { createdAt: new Date(Number.NaN) },
      '- Blocker b1 (AUTOMATED, on stack "network"), created (unknown time): changed by hand. Resolve it, once its cause is fixed: `resolve b1`',
    ],
    [
      'no created reason',
      { createdReason: '' },
      '- Blocker b1 (AUTOMATED, on stack "network"), created 2026-11-26T09:00:00.000Z: (no reason given). Resolve it, once its cause is fixed: `resolve b1`',
    ],
  ])('lists a blocker with %s', (_name, overrides, line) => {
    const reason = blockedReason(SUBJECT, blocked([blocker('b1', 'ACTIVE', overrides)]));
    expect(reason.split('\n').filter((l) => l.startsWith('- Blocker'))).toEqual([line]);
  });

  it('lists the blockers newest first, those of unknown time last', () => {
    const at = (id: string, time: number) => blocker(id, 'ACTIVE', { createdAt: new Date(time) });
    const blockers = [at('oldest', Date.UTC(2026, 0, 1)), at('unknown', Number.NaN), at('newest', Date.UTC(2026, 2, 1)), at('middle', Date.UTC(2026, 1, 1))];
    expect(shownBlockers(blockedReason(SUBJECT, blocked(blockers)))).toEqual(['newest', 'middle', 'oldest', 'unknown']);
  });

  it.each([
    ['with the command that lists them', SUBJECT, `\n(1 more active blocker not shown: \`${BLOCKERS_CMD}\`.)`],
    ['without a command when the source has none', NO_LIST_COMMAND, '\n(1 more active blocker not shown.)'],
  ])('counts a blocker too long to list, %s', (_name, subject, more) => {
    const huge = blocker('h'.repeat(3000));
    expect(blockedReason(subject, blocked([huge], WHY))).toBe(`${head(WHY)}${more}${BLOCKED_NEXT}`);
  });

  describe('lists as many newest blockers as the byte budget holds, keeping room to count the rest', () => {
    // Given oldest first; listed newest first. Each line is far longer than a "more" line.
    const given = [gitBlocker('b3', 1), gitBlocker('b1', 3), gitBlocker('b2', 2)];
    const [l1, l2, l3] = [gitBlocker('b1', 3), gitBlocker('b2', 2), gitBlocker('b3', 1)].map(gitBlockerLine);
    const more = (n: number) => `\n(${n} more active blocker${n === 1 ? '' : 's'} not shown: \`${BLOCKERS_CMD}\`.)`;
    /** A why that makes the head and the given parts, with the tail, take exactly MAX_REASON_JSON_BYTES + `over`. */
    const padding = (parts: readonly string[], over: number) => 'x'.repeat(MAX_REASON_JSON_BYTES - jsonBytes(head('') + parts.join('') + BLOCKED_NEXT) + over);

    it.each<[string, string[], number, string[], string]>([
      ['all three lines fit with 0 bytes to spare', [l1, l2, l3], 0, ['b1', 'b2', 'b3'], ''],
      ['the third line is 1 byte over', [l1, l2, l3], 1, ['b1', 'b2'], more(1)],
      ['two lines and the count of the third fit with 0 bytes to spare', [l1, l2, more(1)], 0, ['b1', 'b2'], more(1)],
      ['two lines and the count of the third are 1 byte over', [l1, l2, more(1)], 1, ['b1'], more(2)],
      ['the first line and the count of the others fit with 0 bytes to spare', [l1, more(2)], 0, ['b1'], more(2)],
      ['the first line and the count of the others are 1 byte over, though the line alone would fit', [l1, more(2)], 1, [], more(3)],
    ])('%s', (_name, parts, over, shown, counted) => {
      const why = padding(parts, over);
      const reason = blockedReason(SUBJECT, blocked(given, why));
      expect(shownBlockers(reason)).toEqual(shown);
      expect(reason).toBe(head(why) + [l1, l2, l3].slice(0, shown.length).join('') + counted + BLOCKED_NEXT);
      expect(jsonBytes(reason)).toBeLessThanOrEqual(MAX_REASON_JSON_BYTES);
    });
  });
});
