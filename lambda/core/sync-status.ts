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
}

/** Sync statuses the sources document. Any other value is kept as-is and never counts as success. */
export const KNOWN_SYNC_STATUSES = ['INITIATED', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED'] as const;

/** One of the sync statuses the sources document. */
export type KnownSyncStatus = (typeof KNOWN_SYNC_STATUSES)[number];

/** The statuses of a sync that has not finished. */
export const RUNNING_SYNC_STATUSES: ReadonlySet<string> = new Set<KnownSyncStatus>(['INITIATED', 'IN_PROGRESS']);

/** Whether `status` is `expected`, one of the documented statuses (a typo in `expected` does not compile). */
export function isStatus(status: string, expected: KnownSyncStatus): boolean {
  return status === expected;
}

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

/**
 * Git shas are hex and case-insensitive: `ABC123…` and `abc123…` name the same commit. An absent sha (a source
 * maps a missing one to '') is unknown: it names no commit, so it is never the same as another sha, not even
 * another absent one.
 */
export function sameSha(a: string, b: string): boolean {
  return a !== '' && b !== '' && a.toLowerCase() === b.toLowerCase();
}

/**
 * A sync blocker, as Proton and Git sync both report it: while one is ACTIVE, the source starts no new sync
 * (Proton creates one when an instance was changed by hand; Git sync when a stack was changed outside Git or a
 * sync keeps failing). Each source maps its own shape into this one and supplies the command that resolves it.
 */
export interface SyncBlocker {
  readonly id: string;
  /** As reported (`AUTOMATED`); not narrowed, like statuses. */
  readonly type: string;
  /** `ACTIVE` or `RESOLVED` as documented; any other value is kept and never counts as active. */
  readonly status: string;
  readonly createdReason: string;
  readonly createdAt: Date;
  readonly contexts: readonly { readonly key: string; readonly value: string }[];
  /** Where the source reported it: `service instance "prod"`, `service "api"`, `stack "network"`. */
  readonly level: string;
  /** The CLI command that resolves it (after its cause is fixed). */
  readonly resolveCommand: string;
}

/**
 * What one poll learnt of the blockers: every blocker read, and one line per level that could not be read. A
 * failed read never changes the verdict the sync status gave; it is logged and, if the gate fails, mentioned.
 */
export interface BlockerReading {
  readonly blockers: readonly SyncBlocker[];
  readonly errors: readonly string[];
}

/** The blockers that stop syncs now. */
export function activeBlockers(blockers: readonly SyncBlocker[]): SyncBlocker[] {
  return blockers.filter((b) => b.status === 'ACTIVE');
}
