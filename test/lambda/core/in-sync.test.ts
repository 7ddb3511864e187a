/**
 * The InSync attribute, pinned for every status and every relation of the latest sync's sha to the desired one:
 * 'true' only when the latest sync SUCCEEDED at the desired sha. A looser rule ("anything but FAILED") would tell
 * the resources that read it that a running or unknown sync is done.
 */
import { statusAttributes } from '../../../lambda/core/attributes';
import { decide } from '../../../lambda/core/decide';
import { KNOWN_SYNC_STATUSES, SyncStatus } from '../../../lambda/core/sync-status';
import { attempt, DESIRED, OLDER, syncStatus } from '../../fixtures';

/** Every status the model lists, and values it does not. */
const STATUSES = [...KNOWN_SYNC_STATUSES, 'CANCELLED', ''];

/** How the latest sync relates to the desired state; `atDesired` when it is a sync of the desired commit. */
const RELATIONS: { relation: string; atDesired: boolean; status: (s: string) => SyncStatus }[] = [
  { relation: 'latest sync at the desired sha', atDesired: true, status: (s) => syncStatus(DESIRED, attempt(s, DESIRED)) },
  { relation: 'latest sync at the desired sha in upper case', atDesired: true, status: (s) => syncStatus(DESIRED, attempt(s, DESIRED.toUpperCase())) },
  { relation: 'latest sync at another sha', atDesired: false, status: (s) => syncStatus(DESIRED, attempt(s, OLDER)) },
  { relation: 'latest sync with an absent sha', atDesired: false, status: (s) => syncStatus(DESIRED, attempt(s, '')) },
  { relation: 'desired state with an absent sha', atDesired: false, status: (s) => syncStatus('', attempt(s, DESIRED)) },
  { relation: 'both shas absent', atDesired: false, status: (s) => syncStatus('', attempt(s, '')) },
  { relation: 'no desired state', atDesired: false, status: (s) => syncStatus(undefined, attempt(s, DESIRED)) },
  { relation: 'no latest sync (an older one SUCCEEDED at the desired sha)', atDesired: false, status: () => syncStatus(DESIRED, undefined, attempt('SUCCEEDED', DESIRED)) },
];

const ROWS = STATUSES.flatMap((status) =>
  RELATIONS.map((r) => ({ ...r, statusName: status || '(empty)', sync: r.status(status), inSync: status === 'SUCCEEDED' && r.atDesired })),
);

describe('InSync', () => {
  it.each(ROWS)('is $inSync for $statusName, $relation', ({ sync, inSync }) => {
    expect(statusAttributes(sync).InSync).toBe(inSync ? 'true' : 'false');
  });

  it.each(ROWS)('agrees with the gate passing IN_SYNC for $statusName, $relation', ({ sync }) => {
    const passes = decide(sync, { requireSuccess: true }).situation === 'IN_SYNC';
    expect(statusAttributes(sync).InSync).toBe(String(passes));
  });
});
