/**
 * Detection, in the offline lifecycle world (test/support/offline-world.ts: the synthesized Provider framework,
 * its Step Functions waiter and the gate's handler bundle, run offline with compressed time): the simulated time
 * from the sync turning SUCCEEDED to CloudFormation receiving the gate's SUCCESS. Also the Proton calls of one
 * Create when the instance is already in sync, through the same machinery.
 *
 * The world is loaded at run time when present (it is test support, not a dependency of the benchmark); without
 * it the result says "not measured" and gives no number.
 */
import * as fs from 'fs';
import * as path from 'path';
import { IN_SYNC_SHA } from './loopback-proton';
import { median } from './stats';

export interface DetectionResult {
  /** One cell of the report. */
  readonly summary: string;
  /** undefined when not measured. */
  readonly met?: boolean;
  readonly note?: string;
  /** A paragraph for the report, when there is more to say. */
  readonly details?: string;
  /** Proton calls of one Create of an in-sync instance through the Provider framework, when measured. */
  readonly inSyncDeploymentCalls?: number;
}

type Wire = Record<string, unknown>;

/** The parts of the test-support modules used here (loaded at run time). */
interface ProtonCallLike {
  readonly receivedAt: number;
}
interface FakeProtonLike {
  readonly endpoint: string;
  readonly calls: readonly ProtonCallLike[];
  script(service: string, instance: string, steps: readonly { respond: Wire }[]): void;
  assertHonest(): void;
  close(): Promise<void>;
}
interface FakeProtonModule {
  FakeProton: { start(options?: { onCall?: (call: ProtonCallLike) => void }): Promise<FakeProtonLike> };
  wireAttempt(status: string, sha: string, o?: { startedAt?: number }): Wire;
  wireSyncOutput(parts: { desired?: string; latest?: Wire; latestSuccessful?: Wire }): Wire;
}
interface OutcomeLike {
  readonly status: string;
  readonly reason: string;
  readonly virtualElapsedMs: number;
  readonly protonCalls: readonly unknown[];
  readonly waiterAttempts: number;
}
interface WorldLike {
  readonly clock: { now(): number };
  install(stack: unknown): unknown;
  create(stack: unknown): Promise<OutcomeLike>;
  close(): Promise<void>;
}
interface WorldModule {
  OfflineWorld: { start(options?: { proton?: FakeProtonLike; timeScale?: number }): Promise<WorldLike> };
}
interface SynthModule {
  readAssembly(outdir: string): { template: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> } };
}

const RESOURCE_TYPE = 'Custom::ProtonServiceInstanceSync';

function notMeasured(why: string): DetectionResult {
  return { summary: `not measured: ${why}`, note: why };
}

/**
 * @param root the project root
 * @param assemblyDir a cloud assembly of the benchmark app with exactly one gate (ours, N = 1)
 */
export async function measureDetection(root: string, assemblyDir: string | undefined): Promise<DetectionResult> {
  const support = path.join(root, 'test', 'support');
  const files = ['offline-world.ts', 'fake-proton.ts', 'synth.ts'].map((f) => path.join(support, f));
  if (!files.every((f) => fs.existsSync(f))) return notMeasured('harness not available (test/support/offline-world.ts)');
  if (!assemblyDir) return notMeasured('no one-gate cloud assembly (N = 1 was not synthesized)');
  /* eslint-disable @typescript-eslint/no-require-imports */
  const worldModule = require(files[0]) as WorldModule;
  const protonModule = require(files[1]) as FakeProtonModule;
  const synthModule = require(files[2]) as SynthModule;
  /* eslint-enable @typescript-eslint/no-require-imports */

  const synthesized = synthModule.readAssembly(assemblyDir);
  const [gateProps] = Object.values(synthesized.template.Resources)
    .filter((r) => r.Type === RESOURCE_TYPE)
    .map((r) => r.Properties ?? {});
  if (!gateProps) return notMeasured('the assembly has no gate');
  const service = String(gateProps.ServiceName);
  const instance = String(gateProps.ServiceInstanceName);
  const pollMs = 1000 * Number(gateProps.PollIntervalSeconds);

  const sha = IN_SYNC_SHA;
  const startedAt = Date.UTC(2026, 0, 15, 10, 0, 0);
  const previous = protonModule.wireAttempt('SUCCEEDED', 'f'.repeat(40), { startedAt: startedAt - 3_600_000 });
  const inProgress = protonModule.wireSyncOutput({
    desired: sha,
    latest: protonModule.wireAttempt('IN_PROGRESS', sha, { startedAt }),
    latestSuccessful: previous,
  });
  const succeeded = protonModule.wireAttempt('SUCCEEDED', sha, { startedAt });
  const done = protonModule.wireSyncOutput({ desired: sha, latest: succeeded, latestSuccessful: succeeded });

  // The sync turns SUCCEEDED at virtual time `switchAt`: every call made from then on sees SUCCEEDED. The fake
  // serves by script, so each call re-scripts the instance from the virtual clock before it is answered.
  let world: WorldLike | undefined;
  let switchAt = Number.POSITIVE_INFINITY;
  /** When set, the switch happens this many virtual ms after the first call (the adversarial phase). */
  let switchAfterFirstCall: number | undefined;
  let callsThisRequest = 0;
  const proton = await protonModule.FakeProton.start({
    onCall: () => {
      const now = world!.clock.now();
      callsThisRequest++;
      if (callsThisRequest === 1 && switchAfterFirstCall !== undefined) switchAt = now + switchAfterFirstCall;
      proton.script(service, instance, [{ respond: now >= switchAt ? done : inProgress }]);
    },
  });
  try {
    world = await worldModule.OfflineWorld.start({ proton });
    const stack = world.install(synthesized);

    // 1. In sync from the start: how many Proton calls does one Create make?
    switchAt = Number.NEGATIVE_INFINITY;
    switchAfterFirstCall = undefined;
    callsThisRequest = 0;
    const inSync = await world.create(stack);
    if (inSync.status !== 'SUCCESS') throw new Error(`in-sync Create answered ${inSync.status}: ${inSync.reason}`);
    const inSyncCalls = inSync.protonCalls.length;

    // 2. The sync turns SUCCEEDED while the gate waits, at phases spread over one poll interval after the first
    //    poll, plus the worst phase: 1 ms after the first poll read IN_PROGRESS.
    const phases: { label: string; afterStartMs?: number; afterFirstCallMs?: number }[] = [
      { label: '1 ms after the first poll', afterFirstCallMs: 1 },
      ...[0.25, 0.5, 0.75, 1, 1.5].map((f) => ({ label: `${f} × interval after the request`, afterStartMs: Math.round(f * pollMs) })),
    ];
    const rows: { label: string; detectionMs: number; calls: number; waiterAttempts: number }[] = [];
    for (const phase of phases) {
      callsThisRequest = 0;
      const start = world.clock.now();
      switchAfterFirstCall = phase.afterFirstCallMs;
      switchAt = phase.afterStartMs !== undefined ? start + phase.afterStartMs : Number.POSITIVE_INFINITY;
      const outcome = await world.create(stack);
      if (outcome.status !== 'SUCCESS') throw new Error(`Create (${phase.label}) answered ${outcome.status}: ${outcome.reason}`);
      const answeredAt = start + outcome.virtualElapsedMs;
      rows.push({
        label: phase.label,
        detectionMs: answeredAt - switchAt,
        calls: outcome.protonCalls.length,
        waiterAttempts: outcome.waiterAttempts,
      });
    }
    proton.assertHonest();

    const worst = Math.max(...rows.map((r) => r.detectionMs));
    const met = worst <= pollMs;
    const s = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;
    const summary = `worst ${s(worst)}, median ${s(median(rows.map((r) => r.detectionMs)))} (poll interval ${s(pollMs)})`;
    const over = worst - pollMs;
    const details = [
      '',
      `Detection, in the offline lifecycle world (test/support/offline-world.ts; time compressed, virtual times shown): one Create per row, ` +
        `the sync turns SUCCEEDED at the stated time; measured from that moment to CloudFormation receiving SUCCESS on the ResponseURL. ` +
        `Poll interval ${s(pollMs)} (the default). An in-sync Create made ${inSyncCalls} Proton call(s) through the same Provider framework.`,
      '',
      '| sync turns SUCCEEDED | SUCCEEDED → SUCCESS | Proton calls | waiter isComplete attempts |',
      '|---|---:|---:|---:|',
      ...rows.map((r) => `| ${r.label} | ${s(r.detectionMs)} | ${r.calls} | ${r.waiterAttempts} |`),
    ].join('\n');
    return {
      summary,
      met,
      note: met
        ? ''
        : `missed by ${s(over)}: the waiter waits one full interval after the poll that saw IN_PROGRESS, then the poll itself and the response take ${s(over)} more`,
      details,
      inSyncDeploymentCalls: inSyncCalls,
    };
  } finally {
    if (world) await world.close();
    await proton.close();
  }
}
