/**
 * The gate's two Provider-framework handlers as plain functions that take their dependencies, so tests call
 * them directly. onEvent validates and names the resource; isComplete reads the sync status when the gate's
 * pollInterval says so (pacing.ts) and the environment's pace lets it (lambda/polite/api-pace.ts), gathers the facts
 * (the status, the blockers, for an Update the stack's phase) and lets the core judge (lambda/core/decide.ts). The
 * Step Functions waiter of aws-cdk-lib's Provider framework calls isComplete again every waiter tick: isComplete
 * never sleeps. onEvent sleeps once, less than a tick (see tickShareMs).
 *
 * Nothing a verdict rests on comes from the execution environment's memory (deps.history, deps.pace): Lambda may
 * serve every tick from a new environment. Memory only saves calls (a remembered DescribeStacks answer, a held-back
 * read) and makes counts in reasons more complete; docs/design.md says what holds with it and without.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { CallBudget, Limits } from '../../lib/limits';
import { Attributes, boundAttributes, rollbackAttributes, toAttributes } from '../core/attributes';
import { judge, needsStackPhase, StackPhase } from '../core/decide';
import { SyncGateError } from '../core/errors';
import { activeBlockers, BlockerReading, SyncStatus } from '../core/sync-status';
import { formatDuration } from '../core/text';
import type { ApiPace } from '../polite/api-pace';
import { effectiveTimeoutMs, failureOf, poll, pollsSince } from '../poll/poll';
import { parseSettings } from '../poll/settings';
import { SourceReader, Subject, SyncSource } from '../sources/source';
import { isDeadlineRead, isReadDue, PacingInput } from './pacing';
import { GateRecord, PollHistory } from './poll-history';
import { continueRollbackCommand, StackState } from './stack-state';

/** Top-level key onEvent adds to the event; the framework hands it to every isComplete call. */
export const GATE_STARTED_AT = 'GateStartedAtEpochMs';

export interface GateDeps {
  /** The sources a gate can watch; its properties pick one. */
  readonly sources: readonly SyncSource[];
  /** Reads the sync status (one API call, retries inside). Throws SyncGateError on failure; `signal` aborts it. */
  readonly readStatus: (source: SyncSource, subject: Subject, signal?: AbortSignal) => Promise<SyncStatus>;
  /**
   * Reads the subject's sync blockers (one call per level the source has). Asked only when the sync status
   * alone would not pass the gate for a reason a blocker may cause (see needsBlockerCheck); never throws.
   */
  readonly readBlockers: (source: SyncSource, subject: Subject, signal?: AbortSignal) => Promise<BlockerReading>;
  /**
   * What the source's configuration says of an expected sha that never became desired (Git sync: every commit or
   * only file changes); asked once, on the read that fails a gate at its deadline for it. Never throws; undefined
   * when the source has nothing to say.
   */
  readonly explainExpectedNotDesired: (source: SyncSource, subject: Subject, expectedSha: string, signal?: AbortSignal) => Promise<string | undefined>;
  readonly now: () => number;
  /** A signal that aborts after `ms` (AbortSignal.timeout in Lambda; tests give one on their own clock). */
  readonly abortAfter: (ms: number) => AbortSignal;
  /** Writes one structured log line. */
  readonly log: (line: Record<string, unknown>) => void;
  /**
   * DescribeStacks of the gate's own stack: is it rolling back an update, and is it nested. Asked for an Update on
   * every read whose verdict would not pass, unless this environment remembers a definite answer for the request;
   * the client retries as the SDK's standard mode does. A rejection is UNKNOWN: a failure then waits (decide.ts).
   */
  readonly describeStack: (stackId: string, signal?: AbortSignal) => Promise<StackState>;
  /** The handler's own region, used when the gate names none. */
  readonly defaultRegion: string;
  /** Where the poll lines go, named in failure reasons. */
  readonly logGroupName?: string;
  /** What the polls of each request saw so far (failed reads, the last status). */
  readonly history: PollHistory;
  /**
   * The pace of calls to `source` in `region` from this execution environment, learnt from the API's answers to
   * the same reader that readStatus uses: asked before each read.
   */
  readonly pace: (source: SyncSource, region: string) => ApiPace;
  /** Sleeps `ms` (timers/promises in Lambda): only onEvent sleeps, once. */
  readonly sleep: (ms: number) => Promise<unknown>;
}

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly [GATE_STARTED_AT]?: number;
}

export type IsCompleteEvent = CloudFormationCustomResourceEvent & {
  readonly PhysicalResourceId?: string;
  readonly [GATE_STARTED_AT]?: number;
};

export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  readonly Data?: Attributes;
}

function redacted(event: object): object {
  return { ...event, ResponseURL: '(redacted)' };
}

const TICK_MS = Limits.waiterTickSeconds * 1000;

/**
 * A share of the waiter's tick, the same for every call with `requestId` and spread evenly over the requests
 * (FNV-1a of the id). CloudFormation creates a stack's independent resources at the same moment, so without it
 * every gate of a stack would read at the same instants, every tick: more at once than an API's burst serves, and
 * as many execution environments as gates, each learning the API's rate alone. onEvent sleeps this long before it
 * answers, which moves the gate's waiter ticks by as much.
 */
export function tickShareMs(requestId: string, tickMs: number = TICK_MS): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < requestId.length; i++) {
    hash ^= requestId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return Math.floor((hash / 2 ** 32) * tickMs);
}

export async function onEvent(event: CloudFormationCustomResourceEvent, deps: GateDeps): Promise<OnEventResponse> {
  deps.log({ message: 'event', event: redacted(event) });
  if (event.RequestType === 'Delete') {
    // Never calls a sync source and never fails: stack deletion must not be blocked by a sync's state or existence.
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const settings = parseSettings(event.ResourceProperties, deps.defaultRegion, deps.sources, event.StackId);
  const ownStack = settings.source.ownStackProblem?.(settings.subject, event.StackId);
  if (ownStack) throw new SyncGateError(ownStack);
  await deps.sleep(tickShareMs(event.RequestId));
  return { PhysicalResourceId: settings.source.physicalResourceId(settings.subject), [GATE_STARTED_AT]: deps.now() };
}

/**
 * What CloudFormation says of the gate's stack: from this environment's cache when it has a definite answer for the
 * request (the stack's phase does not change while it waits for this resource), else one DescribeStacks call, with
 * the SDK's standard retries inside its budget. A call that fails is UNKNOWN: never taken for "not rolling back".
 */
async function stackPhase(event: IsCompleteEvent, deps: GateDeps, record: GateRecord): Promise<StackPhase> {
  if (record.stack) return record.stack.rollingBack ? 'ROLLING_BACK' : 'NOT_ROLLING_BACK';
  record.stackCalls += 1;
  try {
    const state = await deps.describeStack(event.StackId, deps.abortAfter(CallBudget.stackCallBudgetMs));
    record.stack = state;
    return state.rollingBack ? 'ROLLING_BACK' : 'NOT_ROLLING_BACK';
  } catch (e) {
    record.stackError = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    deps.log({ message: 'could not tell whether the stack is rolling back an update; a failure waits for the next read', error: record.stackError });
    return 'UNKNOWN';
  }
}

export async function isComplete(event: IsCompleteEvent, deps: GateDeps): Promise<IsCompleteResponse> {
  if (event.RequestType === 'Delete') {
    return { IsComplete: true };
  }
  const settings = parseSettings(event.ResourceProperties, deps.defaultRegion, deps.sources, event.StackId);
  const { source, subject } = settings;
  const now = deps.now();
  const startedAt = event[GATE_STARTED_AT];
  if (typeof startedAt !== 'number') {
    // Without it the gate could not tell how long it has waited and would wait out the provider's hour.
    throw new SyncGateError(
      `The waiter's input has no ${GATE_STARTED_AT} (the time the gate started), which the gate's onEvent handler adds: ` +
        'the provider is not the one this gate deploys, or its onEvent handler is from another version. Deploy again; ' +
        'if it persists, report it with the poll log.',
    );
  }
  const elapsedMs = Math.max(0, now - startedAt);
  const timeoutMs = effectiveTimeoutMs(settings);
  // The provider asks every tick; this gate reads only at its own pollInterval (see pacing.ts). What this environment
  // remembers of the request's reads counts only if it saw the request's previous tick: Lambda may have handed the
  // ticks in between to other environments, which may have read. Then it starts again from this tick.
  const pace = deps.pace(source, subject.region);
  const followed = pace.follows(event.RequestId, TICK_MS);
  if (!followed && deps.history.peek(event.RequestId)) Object.assign(deps.history.recordOf(event.RequestId), { lastReadElapsedMs: undefined, readHeldBack: false });
  const remembered = followed ? deps.history.peek(event.RequestId) : undefined;
  const pacing: PacingInput = {
    elapsedMs,
    pollIntervalMs: settings.pollIntervalMs,
    tickMs: TICK_MS,
    timeoutMs,
    lastReadElapsedMs: remembered?.lastReadElapsedMs,
    // While the API throttles, a gate this environment has not seen may owe a read that another held back.
    heldBack: remembered ? remembered.readHeldBack : pace.rate !== undefined,
  };
  if (!isReadDue(pacing)) {
    return { IsComplete: false };
  }
  const record = deps.history.recordOf(event.RequestId);
  // The API is throttling and this environment's pace has no room for the read yet: no call, the read stays owed.
  // The read at the deadline always goes.
  if (!isDeadlineRead(pacing) && !pace.mayRead()) {
    if (!record.readHeldBack) {
      deps.log({
        message: 'read held back: the API is throttling, and this execution environment spaces its reads',
        ...source.logFields(subject),
        callsPerSecond: pace.rate,
        nextReadInSeconds: Math.max(0, Math.round((pace.nextReadAt - now) / 1000)),
      });
    }
    record.readHeldBack = true;
    record.heldBackTicks += 1;
    return { IsComplete: false };
  }
  record.readHeldBack = false;
  record.lastReadElapsedMs = elapsedMs;
  const sourceBudget = deps.abortAfter(CallBudget.sourceCallsBudgetMs);

  const reader: SourceReader = {
    readStatus: (subj, signal) => deps.readStatus(source, subj, signal),
    readBlockers: (subj, signal) => deps.readBlockers(source, subj, signal),
    explainExpectedNotDesired: (subj, sha, signal) => deps.explainExpectedNotDesired(source, subj, sha, signal),
  };
  const result = await poll(settings, reader, record, elapsedMs, { signal: sourceBudget });
  const { status, blockerReading, error: readError } = result;
  // An Update that would not pass asks CloudFormation whether the stack is rolling back: on every such read, since
  // nothing of an earlier tick may be remembered (a cached definite answer saves the call). decide's judge makes the
  // verdict with the answer.
  const stack = event.RequestType === 'Update' && needsStackPhase(result.decision) ? await stackPhase(event, deps, record) : undefined;
  const facts = { ...result.facts, stack };
  const decision = stack === undefined ? result.decision : judge(facts);

  if (decision.situation === 'SOURCE_ERROR') {
    deps.history.end(event.RequestId);
    throw stack === 'UNKNOWN' ? new SyncGateError(`${readError!.message}\n${unknownStackNote(event, record)}`, { cause: readError }) : readError!;
  }
  const attributes =
    decision.situation === 'ROLLBACK'
      ? rollbackAttributes(decision.statusRead ? status : undefined, settings.expectedSha, settings.location)
      : toAttributes(status ?? {}, settings.location);

  deps.log({
    message: 'poll',
    ...source.logFields(subject),
    status: attributes.Status,
    desiredSha: attributes.Sha,
    latestSyncSha: attributes.LatestSyncSha,
    latestSuccessfulSyncSha: attributes.LatestSuccessfulSyncSha,
    expectedSha: settings.expectedSha,
    verdict: decision.verdict,
    situation: decision.situation,
    ...(decision.blockedFrom && { blockedFrom: decision.blockedFrom }),
    ...(decision.heldFrom && { heldFrom: decision.heldFrom }),
    ...(stack && { stack }),
    why: decision.why,
    poll: record.polls,
    failedPolls: record.failedPolls,
    ...(decision.situation === 'SOURCE_UNAVAILABLE' || decision.waitingOn === 'SOURCE_UNAVAILABLE' ? { error: record.lastError } : {}),
    ...(blockerReading && {
      activeBlockers: activeBlockers(blockerReading.blockers).length,
      blockerReadErrors: blockerReading.errors.length,
      ...(blockerReading.errors.length > 0 && { blockerReadError: blockerReading.errors.join(' ') }),
    }),
    ...(pace.rate !== undefined && { callsPerSecond: Number(pace.rate.toPrecision(3)) }),
    elapsedSeconds: Math.round(elapsedMs / 1000),
    remainingSeconds: Math.max(0, Math.round((timeoutMs - elapsedMs) / 1000)),
    elapsed: formatDuration(elapsedMs),
  });

  if (decision.verdict !== 'WAIT') deps.history.end(event.RequestId);
  switch (decision.verdict) {
    case 'PASS':
      return { IsComplete: true, Data: boundAttributes(attributes) };
    case 'WAIT':
      return { IsComplete: false };
    case 'FAIL':
      throw new SyncGateError(
        failureOf(settings, { ...result, decision }, record, {
          logGroupName: deps.logGroupName,
          notes: stack === 'UNKNOWN' ? [unknownStackNote(event, record)] : [],
          pollsSinceStart: pollsSince(elapsedMs, settings.pollIntervalMs, timeoutMs),
        }),
      );
  }
}

/**
 * What a failure says when CloudFormation could not tell, up to the deadline, whether the stack is rolling back: if it
 * is, the command that finishes the rollback without the gate.
 */
function unknownStackNote(event: IsCompleteEvent, record: GateRecord): string {
  return (
    `CloudFormation could not say whether the stack is rolling back an update (DescribeStacks: ${record.stackError ?? 'failed'}). ` +
    `If it is, finish the rollback without the gate: ${continueRollbackCommand(event.StackId, event.LogicalResourceId, record.stack)}.`
  );
}
