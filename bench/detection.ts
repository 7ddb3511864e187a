/**
 * Detection, in the offline lifecycle world (offline/offline-world.ts: the synthesized Provider framework,
 * its Step Functions waiter and the gate's handler bundle, run offline with compressed time): the simulated time
 * from the sync turning SUCCEEDED to CloudFormation receiving the gate's SUCCESS. Also the Proton calls of one
 * Create and one Update when the instance is already in sync, through the same machinery. It measures; the
 * report (bench/report/) judges the result against the target and writes it out.
 */
import { Prop, PROTON_RESOURCE_TYPE } from '../lib/contract';
import { FakeProton, wireAttempt, wireSyncOutput } from '../offline/fake-proton';
import { OfflineWorld } from '../offline/offline-world';
import { readAssembly } from '../offline/synth';
import { IN_SYNC_SHA } from './proton-endpoint';

/** One Create in which the sync turns SUCCEEDED while the gate waits. */
export interface DetectionRow {
  /** When the sync turns SUCCEEDED, in words. */
  readonly label: string;
  /** Virtual time from the sync turning SUCCEEDED to CloudFormation receiving SUCCESS. */
  readonly detectionMs: number;
  readonly calls: number;
  readonly waiterAttempts: number;
}

export interface DetectionResult {
  /** The gate's poll interval, as synthesized (the default). */
  readonly pollMs: number;
  readonly rows: readonly DetectionRow[];
  /** Proton calls of one Create of an in-sync instance through the Provider framework. */
  readonly inSyncCreateCalls: number;
  /** Proton and DescribeStacks calls of one Update of an in-sync instance (every later deployment: the nonce changes). */
  readonly inSyncUpdateCalls: { readonly proton: number; readonly describeStacks: number };
}

/** When something changes during a request: a moment after the request started, or after its first poll's read. */
export interface Phase {
  readonly label: string;
  readonly afterStartMs?: number;
  readonly afterFirstCallMs?: number;
}

/**
 * The moments the offline measurements flip something at: the worst phase (1 ms after `firstRead`, the read the
 * gate has just judged), then phases spread over one poll interval after the request and one beyond it.
 */
export function phases(pollMs: number, firstRead: string): Phase[] {
  return [
    { label: `1 ms after ${firstRead}`, afterFirstCallMs: 1 },
    ...[0.25, 0.5, 0.75, 1, 1.5].map((f) => ({ label: `${f} × interval after the request`, afterStartMs: Math.round(f * pollMs) })),
  ];
}

/** @param assemblyDir a cloud assembly of the benchmark app with exactly one gate (ours, N = 1) */
export async function measureDetection(assemblyDir: string): Promise<DetectionResult> {
  const synthesized = readAssembly(assemblyDir);
  const [gateProps] = Object.values(synthesized.template.Resources)
    .filter((r) => r.Type === PROTON_RESOURCE_TYPE)
    .map((r) => r.Properties ?? {});
  if (!gateProps) throw new Error(`no ${PROTON_RESOURCE_TYPE} in ${assemblyDir}`);
  const service = String(gateProps[Prop.ServiceName]);
  const instance = String(gateProps[Prop.ServiceInstanceName]);
  const pollMs = 1000 * Number(gateProps[Prop.PollIntervalSeconds]);

  const startedAt = Date.UTC(2026, 0, 15, 10, 0, 0);
  const previous = wireAttempt('SUCCEEDED', 'f'.repeat(40), { startedAt: startedAt - 3_600_000 });
  const inProgress = wireSyncOutput({ desired: IN_SYNC_SHA, latest: wireAttempt('IN_PROGRESS', IN_SYNC_SHA, { startedAt }), latestSuccessful: previous });
  const succeeded = wireAttempt('SUCCEEDED', IN_SYNC_SHA, { startedAt });
  const done = wireSyncOutput({ desired: IN_SYNC_SHA, latest: succeeded, latestSuccessful: succeeded });

  // The sync turns SUCCEEDED at virtual time `switchAt`: every call answered from then on sees SUCCEEDED.
  let switchAt = Number.POSITIVE_INFINITY;
  /** When set, the switch happens this many virtual ms after the request's first call (the worst phase). */
  let switchAfterFirstCall: number | undefined;
  let callsThisRequest = 0;
  const proton = await FakeProton.start();
  proton.script(service, instance, [
    {
      respondWith: (_call, now) => {
        callsThisRequest++;
        if (callsThisRequest === 1 && switchAfterFirstCall !== undefined) switchAt = now + switchAfterFirstCall;
        return now >= switchAt ? done : inProgress;
      },
    },
  ]);
  const world = await OfflineWorld.start({ proton });
  try {
    const stack = world.install(synthesized);
    const begin = (phase: Omit<Phase, 'label'>): number => {
      callsThisRequest = 0;
      const start = world.clock.now();
      switchAfterFirstCall = phase.afterFirstCallMs;
      switchAt = phase.afterStartMs !== undefined ? start + phase.afterStartMs : Number.POSITIVE_INFINITY;
      return start;
    };

    // 1. In sync from the start: the Proton calls of one Create, and of one Update (a later deployment).
    begin({ afterStartMs: Number.NEGATIVE_INFINITY });
    const create = await world.create(stack);
    if (create.status !== 'SUCCESS') throw new Error(`in-sync Create answered ${create.status}: ${create.reason}`);
    begin({ afterStartMs: Number.NEGATIVE_INFINITY });
    const update = await world.update(stack, stack, create.physicalResourceId);
    if (update.status !== 'SUCCESS') throw new Error(`in-sync Update answered ${update.status}: ${update.reason}`);

    // 2. The sync turns SUCCEEDED while the gate waits, at phases spread over one poll interval after the first
    //    poll, plus the worst phase: 1 ms after the first poll read IN_PROGRESS.
    const rows: DetectionRow[] = [];
    for (const phase of phases(pollMs, 'the first poll')) {
      const start = begin(phase);
      const outcome = await world.create(stack);
      if (outcome.status !== 'SUCCESS') throw new Error(`Create (${phase.label}) answered ${outcome.status}: ${outcome.reason}`);
      rows.push({
        label: phase.label,
        detectionMs: start + outcome.virtualElapsedMs - switchAt,
        calls: outcome.protonCalls.length,
        waiterAttempts: outcome.waiterAttempts,
      });
    }
    proton.assertHonest();

    return {
      pollMs,
      rows,
      inSyncCreateCalls: create.protonCalls.length,
      inSyncUpdateCalls: { proton: update.protonCalls.length, describeStacks: update.describeStacksCalls.length },
    };
  } finally {
    await world.close();
    await proton.close();
  }
}
