/**
 * The reasons CloudFormation shows when a gate fails on sync state: what, where, the status and shas seen, the
 * newest events, and what to do next. Bounded so that the response stays within 4,096 bytes.
 */
import { toAttributes } from './attributes';
import { Decision } from './decide';
import { newestFirst, SyncStatus } from './sync-status';
import { cutMiddleToJsonBytes, iso, jsonBytes, truncateChars } from './text';

/** Budget of the Reason, in bytes of JSON as sent (see MAX_DATA_JSON_BYTES for the whole response). */
export const MAX_REASON_JSON_BYTES = 2_600;
/** How many recent events a failure reason lists at most. */
export const MAX_REASON_EVENTS = 5;
const MAX_EVENT_TEXT_CHARS = 400;

/** How a reason names what the gate watches; each source writes its own (see lambda/sources). */
export interface ReasonSubject {
  /** The source, as users know it: "Proton", "Git sync". */
  readonly source: string;
  /** What is synced and where: `service instance "prod" of service "api" in us-east-1`. */
  readonly description: string;
  /** The CLI command that shows the same sync status. */
  readonly statusCommand: string;
}

function lastSeen(status: SyncStatus | undefined): string {
  if (!status) return 'No poll could read the sync status.';
  const a = toAttributes(status);
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
  const latest = status?.latestAttempt;
  const head =
    (decision.situation === 'SYNC_FAILED'
      ? `${subject.source} sync FAILED for ${subject.description} at desired sha ${status?.desiredRevision?.sha}` +
        (latest ? ` (sync started ${iso(latest.startedAt)}, target "${latest.target}").` : '.')
      : `Gave up waiting for the ${subject.source} sync of ${subject.description}: ${decision.why} ${lastSeen(status)}`) +
    notes.map((n) => `\n${n}`).join('');
  const next =
    decision.situation === 'SYNC_FAILED'
      ? `Next: read the sync's events with \`${subject.statusCommand}\`, fix the cause in the repository, push, and deploy again.`
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
