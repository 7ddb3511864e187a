/**
 * The bench's blocker rows count polls from the source calls of a request (bench/sync-sources.ts pollsOf): the
 * waiter ticks every 5 s and the gate reads only on the first tick after each multiple of its poll interval, so a
 * tick that reads nothing is not a poll.
 */
import { CallAt, pollsOf } from '../../bench/sync-sources';

const status = (at: number): CallAt => ({ operation: 'GetServiceInstanceSyncStatus', at });
const blockers = (at: number): CallAt => ({ operation: 'GetServiceSyncBlockerSummary', at });

describe('pollsOf', () => {
  it('counts a poll per status read, its blocker reads belonging to it, and the polls that started after the blocker', () => {
    // Polls at 0 s, 15 s and 30 s (status, then two blocker reads); the blocker appears at 20 s; FAILED at 30.2 s.
    const calls = [0, 15_000, 30_000].flatMap((t) => [status(t), blockers(t + 5), blockers(t + 12)]);
    expect(pollsOf(calls, 30_200, 20_000)).toEqual({ longestPollMs: 200, pollsAfterBlocker: 1 });
    // Appearing between a poll's status read and its blocker reads: that poll reads it, none starts after it.
    expect(pollsOf(calls, 30_200, 30_001).pollsAfterBlocker).toBe(0);
    // Before every poll: all three started after it.
    expect(pollsOf(calls, 30_200, -1).pollsAfterBlocker).toBe(3);
  });

  it('measures a poll from its status read to its last call, the last poll to the verdict, in any call order', () => {
    const calls = [blockers(15_040), status(15_000), blockers(60), status(0), { operation: 'GetResourceSyncStatus', at: 30_000 }];
    expect(pollsOf(calls, 30_010, Infinity)).toEqual({ longestPollMs: 60, pollsAfterBlocker: 0 });
  });

  it('refuses a request without a status read', () => {
    expect(() => pollsOf([blockers(5)], 10, 0)).toThrow('no status read among the calls of the request');
  });
});
