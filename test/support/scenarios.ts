/**
 * Shared pieces of the lifecycle test files: the example app's names, realistic shas, sync-status bodies, and
 * lookups into an installed stack (the handler's function and log group names, the gate's template values).
 */
import { createHash } from 'crypto';
import { GIT_SYNC_RESOURCE_TYPE, PROTON_RESOURCE_TYPE } from '../../lib/contract';
import { GIT_SYNC_BLOCKERS, GIT_SYNC_STATUS, wireGitSyncAttempt, wireGitSyncOutput } from '../../offline/fake-codestar-connections';
import { ProtonCall, RespondStep, wireAttempt, WireJson, wireSyncOutput } from '../../offline/fake-proton';
import type { ServiceCall } from '../../offline/fake-service-types';
import { LifecycleOutcome } from '../../offline/lifecycle-outcome';
import { InstalledStack, OfflineWorld } from '../../offline/offline-world';

/** The Proton service instance the example app's Proton gate watches in these tests. */
export const SERVICE = 'sample-service';
export const INSTANCE = 'sample-instance';
export const GATE_TYPE = PROTON_RESOURCE_TYPE;
/** The stack the example app's Git sync gate watches in these tests (context key `gitSyncStackName`). */
export const GIT_SYNC_STACK = 'network';

/** The context keys of the example app's Proton gate (cdk.json sets none: the app's default is the Git sync gate). */
export const PROTON_CONTEXT = { serviceName: SERVICE, serviceInstanceName: INSTANCE };
/** The example app with the Proton gate alone: `-c gitSyncStackName=` leaves out cdk.json's default Git sync gate. */
export const PROTON_ONLY_CONTEXT = { ...PROTON_CONTEXT, gitSyncStackName: '' };
/** The example app with both gates on one provider. */
export const BOTH_GATES_CONTEXT = { ...PROTON_CONTEXT, gitSyncStackName: GIT_SYNC_STACK };

/** A 40-hex-digit Git sha derived from a label (stable across runs). */
export function sha(label: string): string {
  return createHash('sha1').update(label).digest('hex');
}

/** When the scripted syncs started (epoch ms). */
export const SYNC_STARTED = Date.UTC(2026, 0, 15, 10, 0, 0);

/** A sync status whose latest sync of `target` has `status`; desired is `desired` (default: the target). */
export function status(latestStatus: string, target: string, o: { desired?: string; lastGood?: string; events?: WireJson[] } = {}): WireJson {
  return wireSyncOutput({
    desired: o.desired ?? target,
    latest: wireAttempt(latestStatus, target, { startedAt: SYNC_STARTED, events: o.events }),
    latestSuccessful: o.lastGood ? wireAttempt('SUCCEEDED', o.lastGood, { startedAt: SYNC_STARTED - 3_600_000 }) : undefined,
  });
}

/**
 * A Git sync status (GetResourceSyncStatus) whose latest sync of `target` has `status`; desired is `desired`
 * (default: the target; `null` for none, which the model allows, unlike an absent LatestSync).
 */
export function gitSyncStatus(latestStatus: string, target: string, o: { desired?: string | null; lastGood?: string; events?: WireJson[] } = {}): WireJson {
  return wireGitSyncOutput({
    desired: o.desired === null ? undefined : (o.desired ?? target),
    latest: wireGitSyncAttempt(latestStatus, target, { startedAt: SYNC_STARTED, events: o.events }),
    latestSuccessful: o.lastGood ? wireGitSyncAttempt('SUCCEEDED', o.lastGood, { startedAt: SYNC_STARTED - 3_600_000 }) : undefined,
  });
}

/** A script step answering `body` for `times` calls. */
export function answer(body: WireJson, times = 1): RespondStep {
  return { respond: body, times };
}

/** The name of the function whose Handler is `handler` (e.g. index.isComplete). */
export function functionName(stack: InstalledStack, handler: string): string {
  const ids = Object.entries(stack.synthesized.template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Handler === handler)
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one function with handler ${handler}, found ${ids.length}`);
  return stack.functionNames.get(ids[0])!;
}

/** The log group a function writes to (LoggingConfig.LogGroup, resolved). */
export function logGroupOf(stack: InstalledStack, handler: string): string {
  const resource = Object.values(stack.synthesized.template.Resources).find(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Handler === handler,
  )!;
  return String(stack.resolve((resource.Properties!.LoggingConfig as { LogGroup: unknown }).LogGroup));
}

/** The logical id of the stack's only gate of `resourceType` (the Proton gate by default). */
export function gateId(stack: InstalledStack, resourceType: string = GATE_TYPE): string {
  const ids = stack.customResources(resourceType);
  if (ids.length !== 1) throw new Error(`expected one ${resourceType} in ${stack.stackName}, found ${ids.length}`);
  return ids[0];
}

/** The logical id of the stack's GitSyncGate. */
export function gitSyncGateId(stack: InstalledStack): string {
  return gateId(stack, GIT_SYNC_RESOURCE_TYPE);
}

/** The gate's properties as synthesized (the Proton gate's by default). */
export function gateProps(stack: InstalledStack, resourceType: string = GATE_TYPE): Record<string, string> {
  return stack.synthesized.template.Resources[gateId(stack, resourceType)].Properties as Record<string, string>;
}

/** The waiter's Retry rule (interval, attempts, backoff) of the stack's only state machine. */
export function waiterRetry(stack: InstalledStack): { IntervalSeconds: number; MaxAttempts: number; BackoffRate: number } {
  const machines = [...stack.stateMachines.values()];
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  const task = Object.values(machines[0].States).find((s) => s.Retry);
  return task!.Retry![0] as { IntervalSeconds: number; MaxAttempts: number; BackoffRate: number };
}

/**
 * How many polls a gate that never passes makes before its own timeout fails it: one at once, then one per poll
 * interval until the elapsed time reaches the timeout.
 */
export function pollsUntilTimeout(stack: InstalledStack, resourceType: string = GATE_TYPE): number {
  const props = gateProps(stack, resourceType);
  return Math.ceil(Number(props.WaitTimeoutSeconds) / Number(props.PollIntervalSeconds)) + 1;
}

/**
 * How many times the waiter asks (ticks) for a gate that reads `polls` times and then ends: the first tick reads, and
 * each later read comes on the first tick after the next multiple of the gate's pollInterval (a multiple of the
 * tick for every interval these tests use), so pollInterval / tick ticks apart.
 */
export function ticksForPolls(stack: InstalledStack, polls: number, resourceType: string = GATE_TYPE): number {
  const perPoll = Number(gateProps(stack, resourceType).PollIntervalSeconds) / waiterRetry(stack).IntervalSeconds;
  if (!Number.isInteger(perPoll)) throw new Error(`ticksForPolls: the poll interval is no multiple of the tick (${perPoll})`);
  return (polls - 1) * perPoll + 1;
}

/** The calls of a lifecycle request that read the sync status (not the blockers). */
export function statusCalls(o: LifecycleOutcome): ProtonCall[] {
  return o.protonCalls.filter((c) => c.operation === 'GetServiceInstanceSyncStatus');
}

/** The calls of a lifecycle request that read Proton's sync blockers (instance or service level). */
export function blockerCalls(o: LifecycleOutcome): ProtonCall[] {
  return o.protonCalls.filter((c) => c.operation === 'GetServiceSyncBlockerSummary');
}

/** The calls of a lifecycle request that read the Git sync status (GetResourceSyncStatus). */
export function gitSyncStatusCalls(o: LifecycleOutcome): ServiceCall[] {
  return o.gitSyncCalls.filter((c) => c.operation === GIT_SYNC_STATUS);
}

/** The calls of a lifecycle request that read the Git sync blockers (GetSyncBlockerSummary). */
export function gitSyncBlockerCalls(o: LifecycleOutcome): ServiceCall[] {
  return o.gitSyncCalls.filter((c) => c.operation === GIT_SYNC_BLOCKERS);
}

/**
 * Whether the world's execution environments remember earlier ticks (`warm`). With memory, a gate reads exactly once
 * per multiple of its interval; without, never twice for one, and a multiple that falls between two ticks' windows
 * (the waiter's ticks come 5 s plus the attempt's time apart) is read one interval late (lambda/handler/pacing.ts).
 */
export function remembers(world: OfflineWorld): boolean {
  return world.lambda.reuse === 'warm';
}

/** The waiter ticks of a gate that read `polls` times: exactly ticksForPolls with memory, else up to one interval more per read. */
export function expectTicksForPolls(world: OfflineWorld, o: LifecycleOutcome, stack: InstalledStack, polls: number, resourceType: string = GATE_TYPE): void {
  const exact = ticksForPolls(stack, polls, resourceType);
  if (remembers(world)) {
    expect(o.waiterAttempts).toBe(exact);
    return;
  }
  const perPoll = Number(gateProps(stack, resourceType).PollIntervalSeconds) / waiterRetry(stack).IntervalSeconds;
  expect(o.waiterAttempts).toBeGreaterThanOrEqual(exact);
  expect(o.waiterAttempts).toBeLessThanOrEqual(exact + (polls - 1) * perPoll);
}

/**
 * The intervals the reads fell in (as the index of the interval, never a window of seconds): one each, in order, with
 * memory; without, never two in one interval and never more than one interval skipped at a time.
 */
export function expectReadIntervals(world: OfflineWorld, o: LifecycleOutcome, intervalMs: number): void {
  const indices = o.polls.map((p) => Math.floor((Number(p.elapsedSeconds) * 1000) / intervalMs));
  if (remembers(world)) {
    expect(indices).toEqual(indices.map((_, i) => i));
    return;
  }
  expect(indices[0]).toBe(0);
  for (let i = 1; i < indices.length; i++) expect([1, 2]).toContain(indices[i] - indices[i - 1]);
}

/** The reads of a gate that waits out its timeout: pollsUntilTimeout with memory; without, no more and at least half, the last at the deadline. */
export function expectReadsUntilTimeout(world: OfflineWorld, reads: number, stack: InstalledStack, resourceType: string = GATE_TYPE): void {
  const polls = pollsUntilTimeout(stack, resourceType);
  if (remembers(world)) {
    expect(reads).toBe(polls);
    return;
  }
  expect(reads).toBeLessThanOrEqual(polls);
  expect(reads).toBeGreaterThanOrEqual(Math.ceil(polls / 2));
}
