/**
 * What the gate returns to CloudFormation: attributes and failure reasons, each bounded so that the whole
 * response body stays within CloudFormation's 4,096-byte limit whatever the API returns.
 */
import { Attr, AttrName, STATUS_NONE } from '../lib/contract';
import { Decision } from './decide';
import { newestFirst, SyncAttempt, SyncStatus } from './sync-status';

/**
 * Budgets, in bytes of JSON as sent. The rest of the response (Status, StackId, RequestId, LogicalResourceId,
 * PhysicalResourceId, keys and the Provider framework's log hint) takes at most ~1,100 bytes at the limits of
 * each field; test/response.test.ts checks the sum against 4,096 for generated worst cases.
 */
export const MAX_DATA_JSON_BYTES = 2_900;
export const MAX_REASON_JSON_BYTES = 2_600;
/** The LatestSyncEvent attribute is a short summary, not the whole event. */
export const MAX_EVENT_SUMMARY_CHARS = 300;
/** How many recent events a failure reason lists at most. */
export const MAX_REASON_EVENTS = 5;
const MAX_EVENT_TEXT_CHARS = 400;

const ELLIPSIS = '…';

/** Bytes that `value` takes in a JSON body. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** Cuts `text` to at most `maxChars` code points, marking the cut with an ellipsis. */
export function truncateChars(text: string, maxChars: number): string {
  const points = Array.from(text);
  if (points.length <= maxChars) return text;
  return maxChars <= 0 ? '' : points.slice(0, maxChars - 1).join('') + ELLIPSIS;
}

/** Cuts `text` so that it takes at most `maxJsonBytes` as a JSON string (quotes and escapes included). */
export function truncateToJsonBytes(text: string, maxJsonBytes: number): string {
  if (jsonBytes(text) <= maxJsonBytes) return text;
  const points = Array.from(text);
  let lo = 0;
  let hi = points.length;
  // Largest prefix whose JSON (with the ellipsis) fits.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (jsonBytes(points.slice(0, mid).join('') + ELLIPSIS) <= maxJsonBytes) lo = mid;
    else hi = mid - 1;
  }
  const cut = points.slice(0, lo).join('') + ELLIPSIS;
  return jsonBytes(cut) <= maxJsonBytes ? cut : '';
}

function iso(date: Date | undefined): string {
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : '';
}

/** "2026-11-26T10:00:00.000Z FAILED_DEPLOYMENT: text" for the newest event of an attempt, or ''. */
export function summarizeLatestEvent(attempt: SyncAttempt | undefined): string {
  const [latest] = newestFirst(attempt?.events ?? []);
  if (!latest) return '';
  return truncateChars(`${iso(latest.time)} ${latest.type}: ${latest.text}`, MAX_EVENT_SUMMARY_CHARS);
}

export type Attributes = Record<AttrName, string>;

/** Every attribute, as a string; absent fields give ''. */
export function toAttributes(status: SyncStatus): Attributes {
  const desired = status.desiredRevision;
  const latest = status.latestAttempt;
  const good = status.latestSuccessfulAttempt;
  const inSync = !!desired && !!latest && latest.status === 'SUCCEEDED' && latest.targetRevision.sha === desired.sha;
  return {
    [Attr.Sha]: desired?.sha ?? '',
    [Attr.Status]: latest?.status ?? STATUS_NONE,
    [Attr.InSync]: inSync ? 'true' : 'false',
    [Attr.Branch]: desired?.branch ?? '',
    [Attr.Directory]: desired?.directory ?? '',
    [Attr.RepositoryName]: desired?.repositoryName ?? '',
    [Attr.RepositoryProvider]: desired?.repositoryProvider ?? '',
    [Attr.LatestSyncSha]: latest?.targetRevision.sha ?? '',
    [Attr.LatestSyncStartedAt]: iso(latest?.startedAt),
    [Attr.LatestSuccessfulSyncSha]: good?.targetRevision.sha ?? '',
    [Attr.LatestSuccessfulSyncStartedAt]: iso(good?.startedAt),
    [Attr.LatestSyncEvent]: summarizeLatestEvent(latest),
  };
}

/**
 * Order in which attributes give up bytes when the response would be too large: free text first, the shas
 * that later resources read last (real Git shas are 40 or 64 hex characters and are never cut).
 */
const TRUNCATION_ORDER: readonly AttrName[] = [
  Attr.LatestSyncEvent,
  Attr.Directory,
  Attr.Branch,
  Attr.RepositoryName,
  Attr.LatestSuccessfulSyncSha,
  Attr.LatestSyncSha,
  Attr.Sha,
];

/** Shrinks free-text attributes, in a fixed order, until the JSON of all of them fits `maxJsonBytes`. */
export function boundAttributes(attributes: Attributes, maxJsonBytes = MAX_DATA_JSON_BYTES): Attributes {
  const out: Attributes = { ...attributes };
  for (const key of TRUNCATION_ORDER) {
    const excess = jsonBytes(out) - maxJsonBytes;
    if (excess <= 0) break;
    out[key] = truncateToJsonBytes(out[key], Math.max(2, jsonBytes(out[key]) - excess));
  }
  return out;
}

/** Identifies the service instance in messages. */
export interface Subject {
  readonly serviceName: string;
  readonly serviceInstanceName: string;
  readonly region: string;
}

export function describeSubject(s: Subject): string {
  return `service instance "${s.serviceInstanceName}" of service "${s.serviceName}" in ${s.region}`;
}

export function statusCommand(s: Subject): string {
  return `aws proton get-service-instance-sync-status --region ${s.region} --service-name ${s.serviceName} --service-instance-name ${s.serviceInstanceName}`;
}

function lastSeen(status: SyncStatus): string {
  const a = toAttributes(status);
  return `Last seen: status ${a.Status}, desired sha ${a.Sha || '(none)'}, latest sync sha ${a.LatestSyncSha || '(none)'}, latest successful sync sha ${a.LatestSuccessfulSyncSha || '(none)'}.`;
}

/**
 * The reason CloudFormation shows when the gate fails on sync state: which instance, which sha, which status,
 * the most recent events (type, time, text) and what to do next. Bounded to MAX_REASON_JSON_BYTES.
 */
export function failureReason(subject: Subject, decision: Decision, status: SyncStatus, logGroupName?: string): string {
  const latest = status.latestAttempt;
  const head =
    decision.situation === 'SYNC_FAILED'
      ? `Proton sync FAILED for ${describeSubject(subject)} at desired sha ${status.desiredRevision?.sha}` +
        (latest ? ` (sync started ${iso(latest.startedAt)}, target "${latest.target}").` : '.')
      : `Gave up waiting for the Proton sync of ${describeSubject(subject)}: ${decision.why} ${lastSeen(status)}`;
  const next =
    decision.situation === 'SYNC_FAILED'
      ? `Next: read the sync's events with \`${statusCommand(subject)}\`, fix the cause in the repository, push, and deploy again.`
      : `Next: check the sync with \`${statusCommand(subject)}\`; if it is healthy but slow, raise the gate's waitTimeout.`;
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
  return jsonBytes(reason) <= MAX_REASON_JSON_BYTES ? reason : truncateToJsonBytes(reason, MAX_REASON_JSON_BYTES);
}
