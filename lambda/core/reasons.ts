/**
 * The reasons CloudFormation shows when a gate fails on sync state: what, where, the status and shas seen, the
 * newest events, and what to do next. Bounded so that the response stays within 4,096 bytes.
 */
import { statusAttributes } from './attributes';
import { Decision } from './decide';
import { newestFirst, SyncBlocker, SyncStatus } from './sync-status';
import { cutMiddleToJsonBytes, iso, jsonBytes, truncateChars } from './text';

/** Budget of the Reason, in bytes of JSON as sent (see MAX_DATA_JSON_BYTES for the whole response). */
export const MAX_REASON_JSON_BYTES = 2_600;
/** How many recent events a failure reason lists at most. */
export const MAX_REASON_EVENTS = 5;
const MAX_EVENT_TEXT_CHARS = 400;
/** A blocker's created reason, and its contexts, are cut to this many characters each in a reason. */
const MAX_BLOCKER_TEXT_CHARS = 300;
/** Each blocker read error is cut to this many characters in a reason. */
const MAX_BLOCKER_ERROR_CHARS = 300;

/** How a reason names what the gate watches; each source writes its own (see lambda/sources). */
export interface ReasonSubject {
  /** The source, as users know it: "Proton", "Git sync". */
  readonly source: string;
  /** What is synced and where: `service instance "prod" of service "api" in us-east-1`. */
  readonly description: string;
  /** The CLI command that shows the same sync status. */
  readonly statusCommand: string;
  /** The CLI command that lists the sync blockers, for when a reason cannot list them all. */
  readonly blockersCommand?: string;
}

/** "Proton sync", "Git sync": the source's sync, without saying "sync" twice. */
function syncName(subject: ReasonSubject): string {
  return /\bsync$/i.test(subject.source) ? subject.source : `${subject.source} sync`;
}

function lastSeen(status: SyncStatus | undefined): string {
  if (!status) return 'No poll could read the sync status.';
  const a = statusAttributes(status);
  return `Last seen: status ${a.Status}, desired sha ${a.Sha || '(none)'}, latest sync sha ${a.LatestSyncSha || '(none)'}, latest successful sync sha ${a.LatestSuccessfulSyncSha || '(none)'}.`;
}

/**
 * The reason CloudFormation shows when the gate fails on sync state: which resource, which sha, which status,
 * the most recent events (type, time, text) and what to do next. `status` is the last one read (none when no
 * poll could read it); `notes` are sentences to add after the head. Bounded to MAX_REASON_JSON_BYTES by cutting
 * the middle, so that the head (what and where) and the tail (what to do next) always stay.
 */
export function failureReason(
  subject: ReasonSubject,
  decision: Decision,
  status: SyncStatus | undefined,
  logGroupName?: string,
  notes: readonly string[] = [],
): string {
  if (decision.situation === 'BLOCKED') return blockedReason(subject, decision, logGroupName);
  const latest = status?.latestAttempt;
  const head =
    (decision.situation === 'SYNC_FAILED'
      ? `${syncName(subject)} FAILED for ${subject.description} at desired sha ${status?.desiredRevision?.sha}` +
        (latest ? ` (sync started ${iso(latest.startedAt)}, target "${latest.target}").` : '.')
      : decision.situation === 'SUPERSEDED'
        ? `Stopped waiting for the ${syncName(subject)} of ${subject.description}: ${decision.why} ${lastSeen(status)}`
        : `Gave up waiting for the ${syncName(subject)} of ${subject.description}: ${decision.why} ${lastSeen(status)}`) +
    notes.map((n) => `\n${n}`).join('');
  const next =
    decision.situation === 'SYNC_FAILED'
      ? `Next: read the sync's events with \`${subject.statusCommand}\`, fix the cause in the repository, push, and deploy again.`
      : decision.situation === 'SUPERSEDED'
        ? 'Next: nothing to fix here; the deployment for the newer commit gates on it (or deploy again with that commit as expectedSha).'
        : `Next: check the sync with \`${subject.statusCommand}\`; if it is healthy but slow, raise the gate's waitTimeout.`;
  const logs = logGroupName ? ` Poll log: ${logGroupName}.` : '';
  const tail = `\n${next}${logs}`;

  const events = newestFirst(latest?.events ?? []).slice(0, MAX_REASON_EVENTS);
  let body = head;
  if (events.length > 0) {
    body += `\nMost recent events of that sync, newest first (${latest!.events.length} in all):`;
    for (const e of events) {
      const line = `\n- ${iso(e.time)} [${e.type}] ${truncateChars(e.text, MAX_EVENT_TEXT_CHARS)}`;
      if (jsonBytes(body + line + tail) > MAX_REASON_JSON_BYTES) break;
      body += line;
    }
  }
  const reason = body + tail;
  return cutMiddleToJsonBytes(reason, MAX_REASON_JSON_BYTES);
}

/**
 * The note a failure reason carries when this poll could not read the sync blockers (the verdict stands on the
 * sync status alone), or none.
 */
export function blockerReadNotes(errors: readonly string[] | undefined): string[] {
  if (!errors || errors.length === 0) return [];
  return [
    `The sync blockers could not be read, so this reason cannot say whether one stops the sync: ${errors
      .map((e) => truncateChars(e, MAX_BLOCKER_ERROR_CHARS))
      .join(' ')}`,
  ];
}

function blockerLine(b: SyncBlocker): string {
  const contexts = b.contexts.length > 0 ? ` Contexts: ${truncateChars(b.contexts.map((c) => `${c.key}=${c.value}`).join('; '), MAX_BLOCKER_TEXT_CHARS)}.` : '';
  return (
    `\n- Blocker ${b.id} (${b.type || 'unknown type'}, on ${b.level}), created ${iso(b.createdAt) || '(unknown time)'}: ` +
    `${truncateChars(b.createdReason, MAX_BLOCKER_TEXT_CHARS) || '(no reason given)'}.${contexts}` +
    ` Resolve it, once its cause is fixed: \`${b.resolveCommand}\``
  );
}

/**
 * The reason for a gate that an ACTIVE sync blocker fails: each blocker's id, where it sits, when and why it
 * was created, its contexts and the exact command that resolves it, newest first, as many as the byte budget
 * holds (the rest are counted, with the command that lists them). Bounded to MAX_REASON_JSON_BYTES.
 */
export function blockedReason(subject: ReasonSubject, decision: Decision, logGroupName?: string): string {
  const blockers = [...(decision.blockers ?? [])].sort((a, b) => (b.createdAt.getTime() || 0) - (a.createdAt.getTime() || 0));
  const head = `${syncName(subject)} of ${subject.description} is blocked: ${decision.why}`;
  const logs = logGroupName ? ` Poll log: ${logGroupName}.` : '';
  const tail =
    '\nNext: find out why each blocker was created (usually a change made outside Git, or syncs that kept failing), ' +
    `fix that, resolve the blocker with its command, and deploy again; \`${subject.statusCommand}\` shows the sync.${logs}`;
  const more = (n: number) => `\n(${n} more active blocker${n === 1 ? '' : 's'} not shown${subject.blockersCommand ? `: \`${subject.blockersCommand}\`` : ''}.)`;

  let body = head;
  let shown = 0;
  for (const b of blockers) {
    const rest = blockers.length - shown - 1;
    const line = blockerLine(b);
    if (jsonBytes(body + line + (rest > 0 ? more(rest) : '') + tail) > MAX_REASON_JSON_BYTES) break;
    body += line;
    shown++;
  }
  if (shown < blockers.length) body += more(blockers.length - shown);
  return cutMiddleToJsonBytes(body + tail, MAX_REASON_JSON_BYTES);
}
