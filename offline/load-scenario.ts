/**
 * Load: N gates of one stack created at the same moment, as CloudFormation creates independent resources, through
 * the real Provider framework runtime and handler bundle, against a fake sync source whose account-wide rate limit
 * (on the virtual clock) is far below what N gates polling together ask for. Shared by the load tests
 * (test/lifecycle/lifecycle-load*.test.ts) and the bench's load search (bench/load.ts).
 *
 * Scenarios (each read the API serves advances the gate's script by one answer):
 * - `reads`: each sync answers IN_PROGRESS `inProgressReads` times, then SUCCEEDED (1 + inProgressReads served
 *   status reads per gate).
 * - `newSyncDue` (Git sync only): the latest sync is for an older sha for the first two status reads (a new sync is
 *   due, so the gate reads the blockers too: none), then IN_PROGRESS twice, then SUCCEEDED: 7 served reads per gate.
 *
 * Virtual time throughout: the gates' waits are the waiter's ticks, and the SDK's retry backoff sleeps through
 * timers/promises, which the Lambda emulator runs on the clock (invocation-timers.ts).
 */
import { GIT_SYNC_RESOURCE_TYPE, Prop, PROTON_RESOURCE_TYPE } from '../lib/contract';
import { LAMBDA_MODELS, LambdaModelName } from './execution-environments';
import { wireGitSyncAttempt, wireGitSyncOutput } from './fake-codestar-connections';
import { wireAttempt, wireSyncOutput } from './fake-proton';
import type { RateLimit, ServiceCall } from './fake-service-types';
import type { InvocationRecord } from './lambda-emulator';
import { LifecycleOutcome } from './lifecycle-outcome';
import { OfflineWorld } from './offline-world';
import { SynthesizedStack } from './synth';

export type LoadSource = 'proton' | 'gitSync';
export type LoadScenario = 'reads' | 'newSyncDue';

/**
 * What a waiter tick's invocation of the gate's handler takes in Lambda, about: a warm Node.js invocation that
 * reads the sync status once (an AWS API call in the same region, tens of milliseconds).
 */
export const LOAD_INVOCATION_MS = 50;

/**
 * The worlds a load runs in: `fixed`, the load world before Lambda-like environments (each invocation keeps its
 * environment busy LOAD_INVOCATION_MS, takes no virtual time, and the most recently used idle environment is reused),
 * or one of the Lambda-like models of execution-environments.ts (`lambda`, `churn`, `noMemory`).
 */
export type LoadWorld = 'fixed' | LambdaModelName;

export const LOAD_WORLDS: readonly LoadWorld[] = ['fixed', ...(Object.keys(LAMBDA_MODELS) as LambdaModelName[])];

/** The seed of the Lambda-like worlds' draws when a spec names none. */
export const LOAD_SEED = 1;

export interface LoadSpec {
  readonly source: LoadSource;
  readonly n: number;
  readonly rate: RateLimit;
  readonly scenario: LoadScenario;
  /** Default `fixed`. */
  readonly world?: LoadWorld;
  /** Seed of a Lambda-like world's draws. Default LOAD_SEED. */
  readonly seed?: number;
  /** In the `fixed` world: virtual time each Lambda invocation keeps its environment busy (OfflineWorldOptions.invocationMs). */
  readonly invocationMs?: number;
  /** For `reads`: IN_PROGRESS answers before SUCCEEDED. Default 2. */
  readonly inProgressReads?: number;
}

/** One run: N gates created at once. */
export interface LoadRun {
  readonly world: LoadWorld;
  readonly source: LoadSource;
  readonly scenario: LoadScenario;
  readonly n: number;
  readonly success: number;
  readonly failed: number;
  /** Calls the gates made to the source, and of those the ones the API served (the rest were throttled, HTTP 429). */
  readonly made: number;
  readonly served: number;
  readonly throttled: number;
  /** Served reads each gate needs by its script (status reads, plus blocker reads for newSyncDue). */
  readonly readsPerGate: number;
  /** Execution environments the gate's isComplete function ran in (cold starts). */
  readonly environments: number;
  /** Virtual time from the N Creates to the last answer. */
  readonly virtualMs: number;
  readonly realMs: number;
  /** The distinct failure reasons, first lines shortened. */
  readonly failureReasons: readonly string[];
  readonly outcomes: readonly LifecycleOutcome[];
  readonly calls: readonly ServiceCall[];
  /** The invocations of the gate's isComplete function (which environment, cold or warm, when). */
  readonly gateInvocations: readonly InvocationRecord[];
}

const SHA = 'c'.repeat(40);
const OLD_SHA = 'b'.repeat(40);

/** Served reads a gate needs in `spec`'s scenario. */
export function readsPerGate(spec: Pick<LoadSpec, 'scenario' | 'inProgressReads'>): number {
  return spec.scenario === 'newSyncDue' ? 7 : 1 + (spec.inProgressReads ?? 2);
}

function validate(spec: LoadSpec): void {
  if (spec.world !== undefined && !LOAD_WORLDS.includes(spec.world)) throw new Error(`load: world must be one of ${LOAD_WORLDS.join(', ')}, got ${String(spec.world)}`);
  if (!Number.isInteger(spec.n) || spec.n < 1) throw new Error(`load: n must be a whole number >= 1, got ${spec.n}`);
  if (spec.scenario === 'newSyncDue' && spec.source !== 'gitSync') throw new Error(`load: scenario newSyncDue is for source gitSync, got ${spec.source}`);
  const ip = spec.inProgressReads ?? 2;
  if (!Number.isInteger(ip) || ip < 0) throw new Error(`load: inProgressReads must be a whole number >= 0, got ${ip}`);
}

/** The stack's template with its gates replaced by `n` gates of `source`, one per subject. */
export function withGates(stack: SynthesizedStack, source: LoadSource, n: number): { stack: SynthesizedStack; ids: string[]; subjects: string[] } {
  const type = source === 'proton' ? PROTON_RESOURCE_TYPE : GIT_SYNC_RESOURCE_TYPE;
  const template = JSON.parse(JSON.stringify(stack.template)) as SynthesizedStack['template'];
  const gates = Object.entries(template.Resources).filter(([, r]) => r.Type === type);
  if (gates.length !== 1) throw new Error(`expected one ${type} gate in the app, found ${gates.length}`);
  const [[, gate]] = gates;
  for (const [id, r] of Object.entries(template.Resources)) if (r.Type === PROTON_RESOURCE_TYPE || r.Type === GIT_SYNC_RESOURCE_TYPE) delete template.Resources[id];
  const ids = Array.from({ length: n }, (_, i) => `LoadGate${i}`);
  const subjects = ids.map((_, i) => `load-${source === 'proton' ? 'instance' : 'stack'}-${i}`);
  const prop = source === 'proton' ? Prop.ServiceInstanceName : Prop.StackName;
  ids.forEach((id, i) => {
    template.Resources[id] = { ...gate, Properties: { ...gate.Properties, [prop]: subjects[i] } };
  });
  return { stack: { ...stack, template }, ids, subjects };
}

function script(world: OfflineWorld, spec: LoadSpec, service: string, subjects: readonly string[]): void {
  const ip = spec.inProgressReads ?? 2;
  if (spec.source === 'proton') {
    const inProgress = wireSyncOutput({ desired: SHA, latest: wireAttempt('IN_PROGRESS', SHA) });
    const done = wireAttempt('SUCCEEDED', SHA);
    const succeeded = wireSyncOutput({ desired: SHA, latest: done, latestSuccessful: done });
    for (const s of subjects) world.proton.script(service, s, [...(ip > 0 ? [{ respond: inProgress, times: ip }] : []), { respond: succeeded }]);
    return;
  }
  const old = wireGitSyncAttempt('SUCCEEDED', OLD_SHA);
  const due = wireGitSyncOutput({ desired: SHA, latest: old, latestSuccessful: old });
  const inProgress = wireGitSyncOutput({ desired: SHA, latest: wireGitSyncAttempt('IN_PROGRESS', SHA), latestSuccessful: old });
  const done = wireGitSyncAttempt('SUCCEEDED', SHA);
  const succeeded = wireGitSyncOutput({ desired: SHA, latest: done, latestSuccessful: done });
  const inProgressReads = spec.scenario === 'newSyncDue' ? 2 : ip;
  for (const s of subjects) {
    world.gitSync.script(s, [
      ...(spec.scenario === 'newSyncDue' ? [{ respond: due, times: 2 }] : []),
      ...(inProgressReads > 0 ? [{ respond: inProgress, times: inProgressReads }] : []),
      { respond: succeeded },
    ]);
  }
}

/** Runs `spec` in a world of its own and returns what happened. `base` is the app with one gate of the source. */
export async function runLoad(base: SynthesizedStack, spec: LoadSpec): Promise<LoadRun> {
  validate(spec);
  const { stack, ids, subjects } = withGates(base, spec.source, spec.n);
  const service = String(Object.values(base.template.Resources).find((r) => r.Type === PROTON_RESOURCE_TYPE)?.Properties?.[Prop.ServiceName] ?? 'sample-service');
  const name = spec.world ?? 'fixed';
  const world = await OfflineWorld.start({
    responseTimeoutMs: 30 * 60_000,
    ...(name === 'fixed' ? { invocationMs: spec.invocationMs ?? LOAD_INVOCATION_MS, environments: 'warm' } : { lambda: LAMBDA_MODELS[name], seed: spec.seed ?? LOAD_SEED }),
  });
  try {
    const installed = world.install(stack);
    const fake = spec.source === 'proton' ? world.proton : world.gitSync;
    fake.setRateLimit(spec.rate);
    script(world, spec, service, subjects);
    const virtualStart = world.clock.now();
    const realStart = performance.now();
    const outcomes = await Promise.all(ids.map((id) => world.create(installed, { logicalResourceId: id })));
    const realMs = performance.now() - realStart;
    const calls: ServiceCall[] = [...fake.calls];
    fake.assertHonest();
    const throttled = calls.filter((c) => c.throttled).length;
    const failed = outcomes.filter((o) => o.status === 'FAILED');
    const isCompleteIds = Object.entries(stack.template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Handler === 'index.isComplete')
      .map(([id]) => installed.functionNames.get(id));
    const gateInvocations = world.lambda.invocations.filter((i) => isCompleteIds.includes(i.functionName));
    return {
      world: name,
      source: spec.source,
      scenario: spec.scenario,
      n: spec.n,
      success: spec.n - failed.length,
      failed: failed.length,
      made: calls.length,
      served: calls.length - throttled,
      throttled,
      readsPerGate: readsPerGate(spec),
      environments: gateInvocations.filter((i) => i.coldStart).length,
      virtualMs: world.clock.now() - virtualStart,
      realMs,
      failureReasons: [...new Set(failed.map((o) => o.reason.split('\n')[0].slice(0, 200)))],
      outcomes,
      calls,
      gateInvocations,
    };
  } finally {
    await world.close();
  }
}
