/**
 * The world the gate's unit tests run it in: the real source readers over mocked SDK clients, a virtual clock, a
 * stack that can be made to roll back, a log that keeps every record, and a fresh poll memory per test (a new
 * execution environment). Shared by gate.test.ts and gate-log.test.ts, so both judge the gate by the same setup.
 */
import { CodeStarConnectionsClient } from '@aws-sdk/client-codestar-connections';
import { ProtonClient } from '@aws-sdk/client-proton';
import { mockClient } from 'aws-sdk-client-mock';
import * as gate from '../../../lambda/handler/gate';
import { PollHistory } from '../../../lambda/handler/poll-history';
import { ApiPace } from '../../../lambda/polite/api-pace';
import { SOURCES } from '../../../lambda/sources';
import { explainGitSyncExpectedNotDesired, GitSyncSubject, readGitSyncBlockers, readGitSyncStatus } from '../../../lambda/sources/git-sync';
import { ProtonSubject, readProtonBlockers, readProtonSyncStatus } from '../../../lambda/sources/proton';
import { Limits } from '../../../lib/limits';
import { createEvent } from '../../fixtures';

/** When every test's clock starts. */
export const START = Date.UTC(2026, 10, 26, 10, 0);

export class GateWorld {
  readonly protonMock = mockClient(ProtonClient);
  readonly gitSyncMock = mockClient(CodeStarConnectionsClient);
  /** The virtual clock, in epoch milliseconds: a test moves it forward by hand. */
  clock = START;
  /** What DescribeStacks would say: rolling back, not, or an error it throws. */
  rollingBack: boolean | Error = false;
  /** Answers DescribeStacks gives first, one per call, before `rollingBack`. */
  readonly stackAnswers: (boolean | Error)[] = [];
  /** Every tick runs on a new execution environment (runWaiter forgets the poll memory before each). */
  forgetful = false;
  /** For a nested stack: what DescribeStacks says of its root and parent. */
  nested?: { rootId: string; parentId: string };
  /** Budgets handed out (abortAfter), on the virtual clock: expireBudgets() aborts the ones that ran out. */
  private readonly budgets: { at: number; controller: AbortController }[] = [];
  /** The stack ids the gate asked about. */
  readonly rollbackQueries: string[] = [];
  /** Every record the gate logged. */
  readonly lines: Record<string, unknown>[] = [];
  private history = new PollHistory();
  /** What the gate slept (onEvent's share of a tick); the clock does not move. */
  readonly sleeps: number[] = [];
  readonly deps: gate.GateDeps;

  constructor() {
    const protonClient = new ProtonClient({ region: 'us-east-1' });
    const gitSyncClient = new CodeStarConnectionsClient({ region: 'us-east-1' });
    const currentHistory = () => this.history;
    const pace = new ApiPace(() => this.clock);
    this.deps = {
      sources: SOURCES,
      readStatus: (_source, subject) =>
        subject.source === 'git-sync'
          ? readGitSyncStatus(gitSyncClient, subject as GitSyncSubject)
          : readProtonSyncStatus(protonClient, subject as ProtonSubject),
      readBlockers: (_source, subject) =>
        subject.source === 'git-sync'
          ? readGitSyncBlockers(gitSyncClient, subject as GitSyncSubject)
          : readProtonBlockers(protonClient, subject as ProtonSubject),
      explainExpectedNotDesired: async (_source, subject, expectedSha) =>
        subject.source === 'git-sync' ? explainGitSyncExpectedNotDesired(gitSyncClient, subject as GitSyncSubject, expectedSha) : undefined,
      describeStack: async (stackId) => {
        this.rollbackQueries.push(stackId);
        const answer = this.stackAnswers.length > 0 ? this.stackAnswers.shift()! : this.rollingBack;
        if (answer instanceof Error) throw answer;
        return { rollingBack: answer, ...this.nested };
      },
      now: () => this.clock,
      abortAfter: (ms) => {
        const controller = new AbortController();
        this.budgets.push({ at: this.clock + ms, controller });
        return controller.signal;
      },
      log: (line) => this.lines.push(line),
      defaultRegion: 'us-east-1',
      logGroupName: '/aws/lambda/gate-handler-logs',
      get history() {
        return currentHistory();
      },
      // One pace per world, on its clock; the mocked clients never tell it an answer, so it never holds a read back.
      pace: () => pace,
      sleep: async (ms) => {
        this.sleeps.push(ms);
      },
    };
  }

  /** Back to the start: no mocked answers, clock at START, not rolling back, nothing logged, an empty poll memory. */
  reset(): void {
    this.protonMock.reset();
    this.gitSyncMock.reset();
    this.history = new PollHistory();
    this.lines.length = 0;
    this.clock = START;
    this.rollingBack = false;
    this.stackAnswers.length = 0;
    this.forgetful = false;
    this.nested = undefined;
    this.rollbackQueries.length = 0;
    this.sleeps.length = 0;
    this.budgets.length = 0;
  }

  /** As if the next tick ran on another execution environment: the poll memory is empty. */
  forgetPolls(): void {
    this.history = new PollHistory();
  }

  /** Aborts every budget that has run out on the virtual clock. */
  expireBudgets(): void {
    for (const b of this.budgets) if (b.at <= this.clock) b.controller.abort(new DOMException('budget', 'TimeoutError'));
  }

  /**
   * Runs the waiter: one isComplete per tick until it answers, moving the clock a tick (and `workMs`) each time; a
   * forgetful world runs each tick on a new execution environment.
   */
  async runWaiter(event: gate.IsCompleteEvent, maxTicks = 200, workMs = 0): Promise<{ ticks: number; answer?: gate.IsCompleteResponse; error?: Error }> {
    for (let tick = 1; tick <= maxTicks; tick++) {
      if (this.forgetful) this.forgetPolls();
      try {
        const answer = await gate.isComplete(event, this.deps);
        if (answer.IsComplete) return { ticks: tick, answer };
      } catch (e) {
        return { ticks: tick, error: e as Error };
      }
      this.clock += Limits.waiterTickSeconds * 1000 + workMs;
    }
    throw new Error(`no answer in ${maxTicks} ticks`);
  }

  /** What the Provider framework hands isComplete: the request merged with onEvent's answer. */
  async started(event = createEvent()): Promise<gate.IsCompleteEvent> {
    const answer = await gate.onEvent(event, this.deps);
    return { ...event, ...answer } as gate.IsCompleteEvent;
  }
}
