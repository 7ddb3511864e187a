/**
 * Both sync sources in the offline lifecycle world (offline/offline-world.ts), on the example app with a
 * ServiceInstanceSyncGate (AWS Proton) and a GitSyncGate (CloudFormation Git sync via CodeStar Connections):
 *
 * - the API calls of one Create and one Update when the subject is already in sync, per service;
 * - blocker detection: a new sync is due (the latest sync ran for an older sha), so the gate waits and reads the
 *   sync blockers on every poll; an ACTIVE blocker appears at a chosen virtual time (a dynamic step on the
 *   blocker operation, reading the fake's clock); measured from that moment to CloudFormation receiving FAILED.
 *
 * It measures; the report (bench/report/) judges the result against the targets and writes it out.
 */
import { GIT_SYNC_RESOURCE_TYPE, Prop, PROTON_RESOURCE_TYPE } from '../lib/contract';
import { wireGitSyncAttempt, wireGitSyncBlocker, wireGitSyncBlockerSummary, wireGitSyncOutput } from '../offline/fake-codestar-connections';
import { wireAttempt, wireBlocker, wireBlockerSummary, wireSyncOutput } from '../offline/fake-proton';
import type { WireJson } from '../offline/fake-service-types';
import { InstalledStack, LifecycleOutcome, OfflineWorld } from '../offline/offline-world';
import { synthExampleApp, SynthesizedStack } from '../offline/synth';
import { phases } from './detection';
import { exampleBothGates } from './example-context';

export const SOURCES = ['proton', 'gitSync'] as const;
export type SourceName = (typeof SOURCES)[number];

/** The stack the example app's GitSyncGate waits for. */
const GIT_SYNC_STACK = 'app-stack';
const OLD_SHA = 'a'.repeat(40);
const NEW_SHA = 'b'.repeat(40);

/** API calls of one lifecycle request, per service. */
export interface CallCount {
  readonly proton: number;
  readonly gitSync: number;
  readonly describeStacks: number;
}

/** One Create in which an ACTIVE sync blocker appears while the gate waits for a due sync. */
export interface BlockerRow {
  /** When the blocker appears, in words. */
  readonly label: string;
  /** Virtual time from the blocker turning ACTIVE to CloudFormation receiving FAILED. */
  readonly blockerToFailedMs: number;
  /**
   * One poll, the longest of the request (see pollsOf): virtual time from its status read to its last call; for the
   * last poll, up to CloudFormation receiving FAILED.
   */
  readonly longestPollMs: number;
  /**
   * Polls (waiter ticks that read the source) that started after the blocker appeared: 1 when the first poll after
   * it failed the gate, 0 when the poll already running read it.
   */
  readonly pollsAfterBlocker: number;
  /** API calls of the request, both services. */
  readonly calls: number;
  readonly waiterAttempts: number;
}

export interface SourcesResult {
  /** The gates' poll interval, as synthesized (the default). */
  readonly pollMs: number;
  /** One Create and one Update of a subject already in sync. */
  readonly inSync: Readonly<Record<SourceName, { readonly create: CallCount; readonly update: CallCount }>>;
  readonly blocker: Readonly<Record<SourceName, readonly BlockerRow[]>>;
}

/** The example app with both gates (cached under .tmp/offline-world, like the lifecycle tests'). */
export function synthBothSources(): SynthesizedStack {
  return synthExampleApp([exampleBothGates(GIT_SYNC_STACK)])[0];
}

/** The GitSyncGate's properties, as synthesized in the example app. */
export function gitSyncProps(synthesized: SynthesizedStack): Record<string, unknown> {
  const gate = Object.values(synthesized.template.Resources).find((r) => r.Type === GIT_SYNC_RESOURCE_TYPE);
  if (!gate) throw new Error(`no ${GIT_SYNC_RESOURCE_TYPE} in ${synthesized.outdir}`);
  return gate.Properties ?? {};
}

/** How one source's gate is scripted: its sync status and its blocker summary, each as a function of the moment. */
interface SourceScript {
  readonly resourceType: string;
  /** Scripts the status (in sync, or a sync due) and the blockers (an ACTIVE one from `blockedAt()` on). */
  install(world: OfflineWorld, props: Record<string, unknown>, inSync: () => boolean, onBlockerRead: (now: number) => boolean): void;
}

const BLOCKER_REASON = 'Deployment failed: the automated rollback left the subject blocked';

const SCRIPTS: Readonly<Record<SourceName, SourceScript>> = {
  proton: {
    resourceType: PROTON_RESOURCE_TYPE,
    install(world, props, inSync, blocked) {
      const service = String(props[Prop.ServiceName]);
      const instance = String(props[Prop.ServiceInstanceName]);
      const done = wireAttempt('SUCCEEDED', NEW_SHA);
      const old = wireAttempt('SUCCEEDED', OLD_SHA);
      const inSyncBody = wireSyncOutput({ desired: NEW_SHA, latest: done, latestSuccessful: done });
      const due = wireSyncOutput({ desired: NEW_SHA, latest: old, latestSuccessful: old });
      world.proton.script(service, instance, [{ respondWith: () => (inSync() ? inSyncBody : due) }]);
      world.proton.scriptBlockers(service, instance, [
        {
          respondWith: (_call, now): WireJson =>
            wireBlockerSummary(service, instance, blocked(now) ? [wireBlocker({ createdAt: now, createdReason: BLOCKER_REASON })] : undefined),
        },
      ]);
    },
  },
  gitSync: {
    resourceType: GIT_SYNC_RESOURCE_TYPE,
    install(world, props, inSync, blocked) {
      const stackName = String(props[Prop.StackName]);
      const done = wireGitSyncAttempt('SUCCEEDED', NEW_SHA, { target: stackName });
      const old = wireGitSyncAttempt('SUCCEEDED', OLD_SHA, { target: stackName });
      const inSyncBody = wireGitSyncOutput({ desired: NEW_SHA, latest: done, latestSuccessful: done });
      const due = wireGitSyncOutput({ desired: NEW_SHA, latest: old, latestSuccessful: old });
      world.gitSync.script(stackName, [{ respondWith: () => (inSync() ? inSyncBody : due) }]);
      world.gitSync.scriptBlockers(stackName, [
        {
          respondWith: (_call, now): WireJson =>
            wireGitSyncBlockerSummary(stackName, blocked(now) ? [wireGitSyncBlocker({ createdAt: now, createdReason: BLOCKER_REASON })] : undefined),
        },
      ]);
    },
  },
};

/** A source call of a request: its operation and the virtual time it reached the service. */
export interface CallAt {
  readonly operation?: string;
  readonly at: number;
}

/** A poll's first call: the status read (GetServiceInstanceSyncStatus, GetResourceSyncStatus); blocker reads follow it. */
const isStatusRead = (c: CallAt): boolean => /SyncStatus$/.test(c.operation ?? '');

/**
 * The polls of a request, from its source calls. The waiter ticks every few seconds and the gate reads only on the
 * first tick after each multiple of its poll interval, so a poll is a tick that read the source: one status read,
 * then the blocker reads. A poll lasts from its status read to its last call; the last poll, to `end` (CloudFormation
 * receiving the verdict). Also how many polls started after `blockAt`.
 */
export function pollsOf(calls: readonly CallAt[], end: number, blockAt: number): Pick<BlockerRow, 'longestPollMs' | 'pollsAfterBlocker'> {
  const sorted = [...calls].sort((a, b) => a.at - b.at);
  const starts = sorted.flatMap((c, i) => (isStatusRead(c) ? [i] : []));
  if (starts.length === 0) throw new Error('no status read among the calls of the request');
  const durations = starts.map((first, k) => (k + 1 < starts.length ? sorted[starts[k + 1] - 1].at : end) - sorted[first].at);
  return { longestPollMs: Math.max(...durations), pollsAfterBlocker: starts.filter((i) => sorted[i].at > blockAt).length };
}

const count = (o: LifecycleOutcome): CallCount => ({ proton: o.protonCalls.length, gitSync: o.gitSyncCalls.length, describeStacks: o.describeStacksCalls.length });

export async function measureSources(synthesized: SynthesizedStack = synthBothSources()): Promise<SourcesResult> {
  const world = await OfflineWorld.start();
  try {
    const stack = world.install(synthesized);
    const results = {} as Record<SourceName, { inSync: SourcesResult['inSync'][SourceName]; blocker: BlockerRow[]; pollMs: number }>;
    for (const source of SOURCES) results[source] = await measureSource(world, stack, SCRIPTS[source], source);
    world.proton.assertHonest();
    world.gitSync.assertHonest();
    const pollMs = results.proton.pollMs;
    if (results.gitSync.pollMs !== pollMs) throw new Error(`the two gates poll at different intervals: ${pollMs} and ${results.gitSync.pollMs} ms`);
    return {
      pollMs,
      inSync: { proton: results.proton.inSync, gitSync: results.gitSync.inSync },
      blocker: { proton: results.proton.blocker, gitSync: results.gitSync.blocker },
    };
  } finally {
    await world.close();
  }
}

async function measureSource(world: OfflineWorld, stack: InstalledStack, script: SourceScript, source: SourceName) {
  const ids = stack.customResources(script.resourceType);
  if (ids.length !== 1) throw new Error(`expected one ${script.resourceType} in the example app, found ${ids.length}`);
  const [logicalResourceId] = ids;
  const props = stack.synthesized.template.Resources[logicalResourceId].Properties ?? {};
  const pollMs = 1000 * Number(props[Prop.PollIntervalSeconds]);

  let inSync = true;
  let blockAt = Number.POSITIVE_INFINITY;
  /** When set, the blocker appears this many virtual ms after the request's first blocker read (the worst phase). */
  let afterFirstRead: number | undefined;
  let blockerReads = 0;
  script.install(world, props, () => inSync, (now) => {
    blockerReads++;
    if (blockerReads === 1 && afterFirstRead !== undefined) blockAt = now + afterFirstRead;
    return now >= blockAt;
  });

  // 1. In sync: one Create, then one Update (every later deployment: the nonce changes).
  const create = await world.create(stack, { logicalResourceId });
  if (create.status !== 'SUCCESS') throw new Error(`${source}: in-sync Create answered ${create.status}: ${create.reason}`);
  const update = await world.update(stack, stack, create.physicalResourceId, { logicalResourceId });
  if (update.status !== 'SUCCESS') throw new Error(`${source}: in-sync Update answered ${update.status}: ${update.reason}`);

  // 2. A sync is due and the gate waits; an ACTIVE blocker appears at each phase.
  inSync = false;
  const blocker: BlockerRow[] = [];
  for (const phase of phases(pollMs, "the first poll's blocker read")) {
    blockerReads = 0;
    afterFirstRead = phase.afterFirstCallMs;
    const start = world.clock.now();
    blockAt = phase.afterStartMs !== undefined ? start + phase.afterStartMs : Number.POSITIVE_INFINITY;
    const o = await world.create(stack, { logicalResourceId });
    if (o.status !== 'FAILED' || !/blocker/i.test(o.reason)) throw new Error(`${source} (${phase.label}): expected FAILED on the blocker, got ${o.status}: ${o.reason}`);
    const end = start + o.virtualElapsedMs;
    blocker.push({
      label: phase.label,
      blockerToFailedMs: end - blockAt,
      ...pollsOf(o.apiCalls.map((c) => ({ operation: c.operation, at: c.serviceTimeAt })), end, blockAt),
      calls: o.apiCalls.length,
      waiterAttempts: o.waiterAttempts,
    });
  }
  return { pollMs, inSync: { create: count(create), update: count(update) }, blocker };
}
