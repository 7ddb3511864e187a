/**
 * What the gate remembers between the polls of one request: how many polls it made, how many could not read the
 * sync status, the last such error and the last status it did read.
 *
 * The Provider framework gives isComplete the same input on every poll and keeps nothing of its answers, so this
 * lives in the execution environment's memory, keyed by the CloudFormation RequestId. Lambda usually keeps an
 * environment warm across polls seconds apart; when it does not, the counts restart, so reasons present them as
 * counted by the handler ("at least"). Bounded: the oldest requests are forgotten first, beyond 1,000 (more than the
 * gates one stack can hold, so an environment that serves them all keeps what each is owed).
 */
import { PollRecord } from '../poll/poll';
import type { StackState } from './stack-state';

/** What a gate's handler remembers of one request: what its polls saw, and what is CloudFormation's alone. */
export interface GateRecord extends PollRecord {
  /** When the last poll read, in ms since the gate started (pacing.ts). */
  lastReadElapsedMs?: number;
  /** A read is owed: it was due and the environment's pace held it back (pacing.ts). */
  readHeldBack?: boolean;
  heldBackTicks: number;
  /** DescribeStacks calls made for this request, the last answer, and the last call's error. */
  stackCalls: number;
  stack?: StackState;
  stackError?: string;
}

export class PollHistory {
  private readonly requests = new Map<string, GateRecord>();

  constructor(private readonly maxRequests = 1_000) {}

  /**
   * The record of `requestId`, made on its first poll, for the poll to update (lambda/poll/poll.ts counts the polls),
   * and now the most recently used.
   */
  public recordOf(requestId: string): GateRecord {
    let record = this.requests.get(requestId);
    if (record) {
      // Re-insert so that the map's order stays oldest-first.
      this.requests.delete(requestId);
    } else {
      record = { polls: 0, failedPolls: 0, stackCalls: 0, heldBackTicks: 0 };
    }
    this.requests.set(requestId, record);
    while (this.requests.size > this.maxRequests) {
      const oldest = this.requests.keys().next().value as string;
      this.requests.delete(oldest);
    }
    return record;
  }

  /** The record of `requestId`, if this environment has one, without counting a poll. */
  public peek(requestId: string): Readonly<GateRecord> | undefined {
    return this.requests.get(requestId);
  }

  /** Forgets a request that has ended (passed or failed). */
  public end(requestId: string): void {
    this.requests.delete(requestId);
  }
}
