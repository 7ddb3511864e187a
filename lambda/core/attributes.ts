/**
 * The attributes the gate returns on SUCCESS: every name of the contract, always present, as a string, and
 * bounded so that the whole response body stays within CloudFormation's 4,096 bytes whatever the API returns.
 */
import { Attr, AttrName, STATUS_NONE, VALUE_UNKNOWN } from '../../lib/contract';
import { isStatus, newestFirst, sameSha, SyncAttempt, SyncStatus } from './sync-status';
import { iso, jsonBytes, truncateChars, truncateToJsonBytes } from './text';

/**
 * Budget of the Data object, in bytes of JSON as sent. The rest of the response (Status, StackId, RequestId,
 * LogicalResourceId, PhysicalResourceId, keys and the Provider framework's log hint) takes at most ~1,100 bytes
 * at the limits of each field; test/lambda/core/response.test.ts checks the sum against 4,096 for generated worst cases.
 */
export const MAX_DATA_JSON_BYTES = 2_900;
/** The LatestSyncEvent attribute is a short summary, not the whole event. */
export const MAX_EVENT_SUMMARY_CHARS = 300;
/**
 * Status and RepositoryProvider are enum values in the models (at most 24 characters today); an unexpected value
 * is kept so that it is seen, but cut to this many characters so that it cannot crowd out the other attributes.
 */
export const MAX_ENUM_VALUE_CHARS = 64;

/** "2026-11-26T10:00:00.000Z FAILED_DEPLOYMENT: text" for the newest event of an attempt, or ''. */
export function summarizeLatestEvent(attempt: SyncAttempt | undefined): string {
  const [latest] = newestFirst(attempt?.events ?? []);
  if (!latest) return '';
  return truncateChars(`${iso(latest.time)} ${latest.type}: ${latest.text}`, MAX_EVENT_SUMMARY_CHARS);
}

export type Attributes = Record<AttrName, string>;

/** The attributes that say where the status was read (known before any read), as opposed to what it says. */
type LocationAttrName = typeof Attr.SyncAccount | typeof Attr.SyncRegion;

/** The attributes a sync status gives. */
export type StatusAttributes = Omit<Attributes, LocationAttrName>;

/** Where a gate reads: the account and region that own the sync. */
export interface ReadLocation {
  /** 12 digits: the reader role's account, else the gate's own stack's; '' when not known (the check without --role-arn). */
  readonly account: string;
  readonly region: string;
}

/** The location attributes. */
function locationAttributes(where: ReadLocation): Pick<Attributes, LocationAttrName> {
  return { [Attr.SyncAccount]: where.account, [Attr.SyncRegion]: where.region };
}

/** Every attribute, as a string; absent fields give ''. */
export function toAttributes(status: SyncStatus, where: ReadLocation): Attributes {
  return { ...statusAttributes(status), ...locationAttributes(where) };
}

/** The attributes a sync status gives, as strings; absent fields give ''. */
export function statusAttributes(status: SyncStatus): StatusAttributes {
  const desired = status.desiredRevision;
  const latest = status.latestAttempt;
  const good = status.latestSuccessfulAttempt;
  const inSync = !!desired && !!latest && isStatus(latest.status, 'SUCCEEDED') && sameSha(latest.targetRevision.sha, desired.sha);
  return {
    [Attr.Sha]: desired?.sha ?? '',
    [Attr.Status]: latest ? truncateChars(latest.status, MAX_ENUM_VALUE_CHARS) : STATUS_NONE,
    [Attr.InSync]: inSync ? 'true' : 'false',
    [Attr.Branch]: desired?.branch ?? '',
    [Attr.Directory]: desired?.directory ?? '',
    [Attr.RepositoryName]: desired?.repositoryName ?? '',
    [Attr.RepositoryProvider]: truncateChars(desired?.repositoryProvider ?? '', MAX_ENUM_VALUE_CHARS),
    [Attr.LatestSyncSha]: latest?.targetRevision.sha ?? '',
    [Attr.LatestSyncStartedAt]: iso(latest?.startedAt),
    [Attr.LatestSuccessfulSyncSha]: good?.targetRevision.sha ?? '',
    [Attr.LatestSuccessfulSyncStartedAt]: iso(good?.startedAt),
    [Attr.LatestSyncEvent]: summarizeLatestEvent(latest),
  };
}

/**
 * The attributes of a gate that passes during an update rollback, none of them empty: CloudFormation rolls back the
 * resources that read them, and a resource may reject an empty string (an SSM parameter's Value, a tag). With a
 * status read, each is as usual and a field the source does not report says NONE. With none (the source could not be
 * read), each says UNKNOWN and InSync `false`, but Sha is the expected sha when the rollback's properties have one:
 * the commit the deployment being restored gated on, so that a resource built from it (an image tag) is restored
 * as it was. SyncAccount and SyncRegion say where the gate reads either way (known without a read).
 */
export function rollbackAttributes(status: SyncStatus | undefined, expectedSha: string | undefined, where: ReadLocation): Attributes {
  const location = locationAttributes({ account: where.account || VALUE_UNKNOWN, region: where.region || VALUE_UNKNOWN });
  if (!status) {
    const unknown = Object.fromEntries(Object.values(Attr).map((name) => [name, VALUE_UNKNOWN])) as Attributes;
    return { ...unknown, [Attr.InSync]: 'false', [Attr.Sha]: expectedSha ?? VALUE_UNKNOWN, ...location };
  }
  const read = statusAttributes(status);
  return { ...(Object.fromEntries(Object.entries(read).map(([name, value]) => [name, value === '' ? STATUS_NONE : value])) as StatusAttributes), ...location };
}

/**
 * Order in which attributes give up bytes when the response would be too large: free text first, then the enum
 * values (cut already to MAX_ENUM_VALUE_CHARS), the shas that later resources read last (real Git shas are 40 or
 * 64 hex characters and are never cut). Every attribute whose value the API chooses is in it, and SyncRegion, whose
 * pattern has no length limit (a real region name, at most about 20 characters, is never cut); the others are
 * bounded by their form (InSync is 'true' or 'false', the StartedAt attributes ISO 8601 times or '', SyncAccount 12
 * digits or '').
 */
export const TRUNCATION_ORDER: readonly AttrName[] = [
  Attr.LatestSyncEvent,
  Attr.Directory,
  Attr.Branch,
  Attr.RepositoryName,
  Attr.SyncRegion,
  Attr.RepositoryProvider,
  Attr.Status,
  Attr.LatestSuccessfulSyncSha,
  Attr.LatestSyncSha,
  Attr.Sha,
];

/** Shrinks attributes, in a fixed order (TRUNCATION_ORDER), until the JSON of all of them fits `maxJsonBytes`. */
export function boundAttributes(attributes: Attributes, maxJsonBytes = MAX_DATA_JSON_BYTES): Attributes {
  const out: Attributes = { ...attributes };
  for (const key of TRUNCATION_ORDER) {
    const excess = jsonBytes(out) - maxJsonBytes;
    if (excess <= 0) break;
    out[key] = truncateToJsonBytes(out[key], Math.max(2, jsonBytes(out[key]) - excess));
  }
  return out;
}
