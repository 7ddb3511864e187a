/**
 * A fake AWS Proton endpoint on 127.0.0.1: the generic model-checked {@link FakeAwsJsonService} bound to
 * Proton's GetServiceInstanceSyncStatus (offline/models/proton/get-service-instance-sync-status.smithy.json) and
 * GetServiceSyncBlockerSummary (offline/models/proton/sync-blockers.smithy.json). Point an SDK at it with
 * `AWS_ENDPOINT_URL_PROTON=<endpoint>`.
 *
 * ```ts
 * const proton = await FakeProton.start();
 * proton.script('api', 'prod', [
 *   { respond: wireSyncOutput({ desired: SHA, latest: wireAttempt('IN_PROGRESS', SHA) }), times: 3 },
 *   { error: 'ThrottlingException', times: 2 },
 *   { respond: wireSyncOutput({ desired: SHA, latest: wireAttempt('SUCCEEDED', SHA) }) },
 * ]);
 * proton.scriptBlockers('api', 'prod', [{ respond: wireBlockerSummary('api', 'prod', [wireBlocker({ id: 'b-1' })]) }]);
 * // ... run the code under test with AWS_ENDPOINT_URL_PROTON=proton.endpoint ...
 * expect(proton.callsFor('api', 'prod')).toHaveLength(6);
 * proton.assertHonest();
 * await proton.close();
 * ```
 *
 * An instance without a sync-status script is not found (ResourceNotFoundException), as in Proton; a service or
 * instance without a blocker script has no blockers (a summary without `latestBlockers`).
 */
import { FakeAwsJsonService } from './fake-aws-json-service';
import type {
  DropStep,
  DynamicStep as GenericDynamicStep,
  ErrorStep as GenericErrorStep,
  FakeServiceOptions,
  OperationBinding,
  RespondStep,
  ServiceCall,
  WireJson,
} from './fake-service-types';
import { PROTON_BLOCKERS_MODEL_PATH, SmithyModel } from './smithy-model';

export type { DropStep, RateLimit, RespondStep, WireJson } from './fake-service-types';

/** Names of the errors the model lets GetServiceInstanceSyncStatus (and GetServiceSyncBlockerSummary) return. */
export type ProtonErrorName =
  | 'AccessDeniedException'
  | 'InternalServerException'
  | 'ResourceNotFoundException'
  | 'ThrottlingException'
  | 'ValidationException';

/** One request the fake received. */
export interface ProtonCall extends ServiceCall {
  readonly serviceName?: string;
  readonly serviceInstanceName?: string;
}

/** Answer with a modelled error; its HTTP status code comes from the model. */
export type ErrorStep = GenericErrorStep<ProtonErrorName>;
/** Answer with a body computed per call, e.g. from the service clock; checked against the model when served. */
export type DynamicStep = GenericDynamicStep<ProtonCall>;
/** One step of a scripted Proton scenario. */
export type Step = RespondStep | ErrorStep | DropStep | DynamicStep;

/** Options of {@link FakeProton.start}. */
export interface FakeProtonOptions extends FakeServiceOptions<ProtonCall> {
  /** The model GetServiceInstanceSyncStatus is validated against; defaults to the copy in offline/models/proton. */
  readonly model?: SmithyModel;
  /** The model GetServiceSyncBlockerSummary is validated against; defaults to the copy in offline/models/proton. */
  readonly blockersModel?: SmithyModel;
}

export const SYNC_STATUS = 'GetServiceInstanceSyncStatus';
export const SYNC_BLOCKERS = 'GetServiceSyncBlockerSummary';

/** The fake Proton endpoint. Start with {@link FakeProton.start}; always {@link FakeProton.close} it. */
export class FakeProton extends FakeAwsJsonService<ProtonCall> {
  /** Starts the fake on 127.0.0.1 on a random free port. */
  public static async start(options: FakeProtonOptions = {}): Promise<FakeProton> {
    const fake = new FakeProton(options);
    await fake.listen();
    return fake;
  }

  private constructor(options: FakeProtonOptions) {
    const names = (input: Readonly<Record<string, unknown>>): { serviceName?: string; serviceInstanceName?: string } => ({
      serviceName: typeof input.serviceName === 'string' ? input.serviceName : undefined,
      serviceInstanceName: typeof input.serviceInstanceName === 'string' ? input.serviceInstanceName : undefined,
    });
    const syncStatus: OperationBinding = {
      name: SYNC_STATUS,
      model: options.model ?? SmithyModel.load(),
      resourceKey: (input) => instanceKey(String(input.serviceName), String(input.serviceInstanceName)),
      unscripted: (input) => ({
        error: 'ResourceNotFoundException',
        message: `The service instance ${String(input.serviceInstanceName)} of service ${String(input.serviceName)} was not found.`,
      }),
      callFields: names,
    };
    const blockers: OperationBinding = {
      name: SYNC_BLOCKERS,
      model: options.blockersModel ?? SmithyModel.load(PROTON_BLOCKERS_MODEL_PATH),
      resourceKey: (input) => blockerKey(String(input.serviceName), typeof input.serviceInstanceName === 'string' ? input.serviceInstanceName : undefined),
      // Proton answers a summary without blockers for a service (instance) that has none.
      unscripted: (input) => ({
        respond: wireBlockerSummary(String(input.serviceName), typeof input.serviceInstanceName === 'string' ? input.serviceInstanceName : undefined),
      }),
      callFields: names,
    };
    super('Proton', [syncStatus, blockers], options);
  }

  /**
   * Scripts the GetServiceInstanceSyncStatus answers for one service instance, replacing any earlier script for
   * it. Steps run in order, each for `times` calls; the last step repeats forever. An instance without a script
   * is answered ResourceNotFoundException, as Proton does for an unknown instance. `account`: the simulated account
   * the instance is in (default: the world's own).
   *
   * @throws when a step would serve a body the model does not allow (the scenario cannot exist).
   */
  public script(serviceName: string, serviceInstanceName: string, steps: readonly Step[], account?: string): void {
    this.scriptOperation(SYNC_STATUS, instanceKey(serviceName, serviceInstanceName), steps, account);
  }

  /**
   * Scripts the GetServiceSyncBlockerSummary answers for a service (`serviceInstanceName` undefined: requests
   * without an instance name) or one service instance. Unscripted, the summary has no blockers.
   */
  public scriptBlockers(serviceName: string, serviceInstanceName: string | undefined, steps: readonly Step[], account?: string): void {
    this.scriptOperation(SYNC_BLOCKERS, blockerKey(serviceName, serviceInstanceName), steps, account);
  }

  /** The GetServiceInstanceSyncStatus calls (or those of `operation`) for one service instance (of `account`), in order. */
  public callsFor(serviceName: string, serviceInstanceName: string, operation: string = SYNC_STATUS, account?: string): ProtonCall[] {
    const key = operation === SYNC_STATUS ? instanceKey(serviceName, serviceInstanceName) : blockerKey(serviceName, serviceInstanceName);
    return this.callsOf(operation, key, account);
  }
}

function instanceKey(serviceName: string, serviceInstanceName: string): string {
  return `${serviceName}/${serviceInstanceName}`;
}

function blockerKey(serviceName: string, serviceInstanceName: string | undefined): string {
  return serviceInstanceName === undefined ? serviceName : `${serviceName}/${serviceInstanceName}`;
}

// ---------------------------------------------------------------------------------------------------------
// Builders of wire bodies. They produce what Proton sends (epoch-second timestamps, all required members);
// script() validates the result against the model anyway.
// ---------------------------------------------------------------------------------------------------------

/** A Revision on the wire. */
export interface WireRevisionInput {
  readonly sha: string;
  readonly branch?: string;
  readonly directory?: string;
  readonly repositoryName?: string;
  readonly repositoryProvider?: string;
}

/** `{ sha, branch: 'main', directory, repositoryName: 'acme/platform', repositoryProvider: 'GITHUB' }`. */
export function wireRevision(r: WireRevisionInput): WireJson {
  return {
    repositoryName: r.repositoryName ?? 'acme/platform',
    repositoryProvider: r.repositoryProvider ?? 'GITHUB',
    sha: r.sha,
    directory: r.directory ?? 'proton/instances',
    branch: r.branch ?? 'main',
  };
}

/** A ResourceSyncEvent on the wire; `time` as a Date or epoch milliseconds. */
export function wireEvent(type: string, text: string, time: Date | number, externalId?: string): WireJson {
  return { type, time: epochSeconds(time), event: text, ...(externalId === undefined ? {} : { externalId }) };
}

/** Options of {@link wireAttempt}. */
export interface WireAttemptOptions {
  readonly startedAt?: Date | number;
  readonly initialSha?: string;
  readonly target?: string;
  /** Defaults to one STARTED event at startedAt (plus a terminal event for SUCCEEDED/FAILED). */
  readonly events?: readonly WireJson[];
  readonly revision?: Omit<WireRevisionInput, 'sha'>;
}

/** A ResourceSyncAttempt on the wire with `status` for target sha `sha`. */
export function wireAttempt(status: string, sha: string, o: WireAttemptOptions = {}): WireJson {
  const start = toMs(o.startedAt ?? Date.UTC(2026, 0, 15, 10, 0, 0));
  const events = o.events ?? defaultEvents(status, sha, start).map(([type, text, time]) => wireEvent(type, text, time));
  return {
    initialRevision: wireRevision({ ...o.revision, sha: o.initialSha ?? sha }),
    targetRevision: wireRevision({ ...o.revision, sha }),
    target: o.target ?? 'service-instance',
    startedAt: epochSeconds(start),
    status,
    events: [...events],
  };
}

/** A GetServiceInstanceSyncStatus output on the wire; omitted members are absent, as Proton omits them. */
export function wireSyncOutput(parts: { desired?: string | WireRevisionInput; latest?: WireJson; latestSuccessful?: WireJson }): WireJson {
  return {
    ...(parts.latest ? { latestSync: parts.latest } : {}),
    ...(parts.latestSuccessful ? { latestSuccessfulSync: parts.latestSuccessful } : {}),
    ...(parts.desired === undefined ? {} : { desiredState: wireRevision(typeof parts.desired === 'string' ? { sha: parts.desired } : parts.desired) }),
  };
}

/** A SyncBlocker as either service sends it (Proton in camelCase, CodeStar Connections in PascalCase). */
export interface WireBlockerInput {
  readonly id?: string;
  /** Default ACTIVE. */
  readonly status?: 'ACTIVE' | 'RESOLVED';
  readonly createdReason?: string;
  readonly createdAt?: Date | number;
  readonly contexts?: Readonly<Record<string, string>>;
  /** Set for a RESOLVED blocker (defaults to a reason and an hour after createdAt then). */
  readonly resolvedReason?: string;
  readonly resolvedAt?: Date | number;
}

/** A Proton SyncBlocker on the wire (type AUTOMATED, the only one). */
export function wireBlocker(b: WireBlockerInput = {}): WireJson {
  const createdAt = toMs(b.createdAt ?? Date.UTC(2026, 0, 15, 9, 0, 0));
  const resolved = b.status === 'RESOLVED';
  return {
    id: b.id ?? 'c5a0e0e2-5f4c-4c3e-9a43-8f7a1e2b3c4d',
    type: 'AUTOMATED',
    status: b.status ?? 'ACTIVE',
    createdReason: b.createdReason ?? 'Deployment failed: the automated rollback left the instance blocked',
    createdAt: epochSeconds(createdAt),
    ...(b.contexts ? { contexts: Object.entries(b.contexts).map(([key, value]) => ({ key, value })) } : {}),
    ...(b.resolvedReason || resolved ? { resolvedReason: b.resolvedReason ?? 'Resolved by the operator' } : {}),
    ...(b.resolvedAt !== undefined || resolved ? { resolvedAt: epochSeconds(toMs(b.resolvedAt ?? createdAt + 3_600_000)) } : {}),
  };
}

/** A GetServiceSyncBlockerSummary output; without blockers, what Proton answers for a resource that has none. */
export function wireBlockerSummary(serviceName: string, serviceInstanceName?: string, blockers?: readonly WireJson[]): WireJson {
  return {
    serviceSyncBlockerSummary: {
      serviceName,
      ...(serviceInstanceName === undefined ? {} : { serviceInstanceName }),
      ...(blockers === undefined ? {} : { latestBlockers: [...blockers] }),
    },
  };
}

/** The events of an attempt by default: STARTED, plus a terminal event for SUCCEEDED/FAILED. */
export function defaultEvents(status: string, sha: string, start: number): [string, string, number][] {
  return [
    ['STARTED', `Sync of ${sha} started`, start],
    ...(status === 'SUCCEEDED' ? [['SUCCEEDED', 'Deployment succeeded', start + 60_000] as [string, string, number]] : []),
    ...(status === 'FAILED' ? [['FAILED', 'Deployment failed: template validation error', start + 60_000] as [string, string, number]] : []),
  ];
}

export function toMs(time: Date | number): number {
  return typeof time === 'number' ? time : time.getTime();
}

export function epochSeconds(time: Date | number): number {
  return toMs(time) / 1000;
}
