/**
 * A source-independent view of a Git sync: what the decision core works on.
 *
 * Proton's GetServiceInstanceSyncStatus and CodeConnections' GetResourceSyncStatus (CloudFormation Git sync)
 * both return a desired revision, a latest attempt, a latest successful attempt and per-attempt events; each
 * source maps its own output into these types, so the decision core never sees an SDK type.
 */

/** A commit in a repository, as a sync source reports it. */
export interface Revision {
  readonly sha: string;
  readonly branch: string;
  readonly directory: string;
  readonly repositoryName: string;
  readonly repositoryProvider: string;
}

/** One event of a sync attempt. */
export interface SyncEvent {
  readonly type: string;
  readonly time: Date;
  readonly text: string;
  readonly externalId?: string;
}

/** Sync statuses the sources document. Any other value is kept as-is and never counts as success. */
export const KNOWN_SYNC_STATUSES = ['INITIATED', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED'] as const;

/** One sync attempt. */
export interface SyncAttempt {
  /** As reported; not narrowed to the known values so that a new value is seen, not hidden. */
  readonly status: string;
  readonly startedAt: Date;
  readonly target: string;
  readonly initialRevision: Revision;
  readonly targetRevision: Revision;
  readonly events: readonly SyncEvent[];
}

/** The sync state of one synced resource. Every member may be absent, as in the Proton API. */
export interface SyncStatus {
  readonly desiredRevision?: Revision;
  readonly latestAttempt?: SyncAttempt;
  readonly latestSuccessfulAttempt?: SyncAttempt;
}

/** The events of an attempt, newest first (sources do not promise an order). */
export function newestFirst(events: readonly SyncEvent[]): SyncEvent[] {
  return [...events].sort((a, b) => b.time.getTime() - a.time.getTime());
}

/** Git shas are hex and case-insensitive: `ABC123…` and `abc123…` name the same commit. */
export function sameSha(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
