/**
 * A fake AWS Proton endpoint on 127.0.0.1 that speaks the awsJson1_0 protocol of GetServiceInstanceSyncStatus and
 * keeps itself honest: every request it receives and every body it serves is checked against the Proton model
 * (offline/models/proton, via {@link SmithyModel}). Point an SDK at it with `AWS_ENDPOINT_URL_PROTON=<endpoint>`.
 *
 * ```ts
 * const proton = await FakeProton.start();
 * proton.script('api', 'prod', [
 *   { respond: syncOutput({ desired: SHA, latest: attempt('IN_PROGRESS', SHA) }), times: 3 },
 *   { error: 'ThrottlingException', times: 2 },
 *   { respond: syncOutput({ desired: SHA, latest: attempt('SUCCEEDED', SHA) }) },
 * ]);
 * // ... run the code under test with AWS_ENDPOINT_URL_PROTON=proton.endpoint ...
 * expect(proton.callsFor('api', 'prod')).toHaveLength(6);
 * proton.assertHonest();
 * await proton.close();
 * ```
 *
 * A scenario that would serve something the real service cannot send is refused when scripted (script() throws)
 * and, should it get through anyway, recorded in {@link FakeProton.scenarioViolations} and answered with a 500,
 * so that {@link FakeProton.assertHonest} fails the test.
 */
import { randomUUID } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { listenOnLoopback } from './loopback';
import { OperationInfo, SmithyModel } from './smithy-model';

/** Names of the errors the model lets GetServiceInstanceSyncStatus return. */
export type ProtonErrorName =
  | 'AccessDeniedException'
  | 'InternalServerException'
  | 'ResourceNotFoundException'
  | 'ThrottlingException'
  | 'ValidationException';

/** A JSON body exactly as it goes on the wire (timestamps are epoch seconds). */
export type WireJson = Record<string, unknown>;

interface StepTiming {
  /** How many consecutive calls this step serves (default 1). The last step of a script repeats forever. */
  readonly times?: number;
  /** Wait this long before answering (or dropping). Longer than the SDK's requestTimeout makes the client give up. */
  readonly delayMs?: number;
}

/** Answer with this GetServiceInstanceSyncStatus output. */
export interface RespondStep extends StepTiming {
  readonly respond: WireJson;
}

/** Answer with a modelled error; its HTTP status code comes from the model. */
export interface ErrorStep extends StepTiming {
  readonly error: ProtonErrorName;
  readonly message?: string;
}

/** Close the connection without answering (the client sees a reset socket). */
export interface DropStep extends StepTiming {
  readonly drop: true;
}

/**
 * Answer with a body computed per call, e.g. from the service's clock (`now`, see {@link FakeProton.now}) to flip
 * a sync to SUCCEEDED at a given (virtual) time. Checked against the model when served: a body outside the
 * model is answered 500 and recorded in {@link FakeProton.scenarioViolations}.
 */
export interface DynamicStep extends StepTiming {
  readonly respondWith: (call: ProtonCall, now: number) => WireJson;
}

/** One step of a scripted scenario. */
export type Step = RespondStep | ErrorStep | DropStep | DynamicStep;

/** One request the fake received. */
export interface ProtonCall {
  /** 1-based, over all instances. */
  readonly seq: number;
  /** Real wall-clock time (ms since epoch) at which the request arrived. */
  readonly receivedAt: number;
  readonly serviceName?: string;
  readonly serviceInstanceName?: string;
  /** Region from the SigV4 credential scope. */
  readonly region?: string;
  /** What the fake did. `rejected`: the request broke the model (answered ValidationException). */
  outcome: 'response' | 'error' | 'dropped' | 'rejected' | 'pending';
  httpStatus?: number;
  errorType?: string;
  /** Index of the script step that served the call. */
  stepIndex?: number;
  /** Bytes of the body served. */
  responseBytes?: number;
  /** True when the client closed the connection before the fake answered (e.g. its request timeout fired). */
  clientGaveUp: boolean;
  /** Real wall-clock time at which the fake finished with the call. */
  finishedAt?: number;
}

/** Options of {@link FakeProton.start}. */
export interface FakeProtonOptions {
  /** The model to validate against; defaults to the Proton model copied into offline/models. */
  readonly model?: SmithyModel;
  /** Called for every request once it is recorded, before it is answered (benchmarks timestamp here). */
  readonly onCall?: (call: ProtonCall) => void;
  /**
   * The service's clock (ms since epoch) for the Date header of its answers. SDKs compare it with their own and
   * retry after correcting a skew of more than 5 minutes, so it must follow the client's (virtual) clock.
   * Default: real time. Settable later through {@link FakeProton.now}.
   */
  readonly now?: () => number;
}

interface Script {
  readonly steps: readonly Step[];
  /** Index of the step serving the next call and how many calls that step has served. */
  index: number;
  served: number;
}

const OPERATION = 'GetServiceInstanceSyncStatus';

/** The fake Proton endpoint. Start with {@link FakeProton.start}; always {@link FakeProton.close} it. */
export class FakeProton {
  /** Starts the fake on 127.0.0.1 on a random free port. */
  public static async start(options: FakeProtonOptions = {}): Promise<FakeProton> {
    const fake = new FakeProton(options.model ?? SmithyModel.load(), options.onCall);
    if (options.now) fake.now = options.now;
    await listenOnLoopback(fake.server);
    return fake;
  }

  /** Every request received, in order of arrival. */
  public readonly calls: ProtonCall[] = [];
  /** Served bodies (or scripts) that the real service could not send. Non-empty means the test is wrong. */
  public readonly scenarioViolations: string[] = [];
  /** Requests that broke the model; each was answered with ValidationException (or a protocol error). */
  public readonly requestViolations: string[] = [];
  /** The service's clock, for the Date header of answers (see {@link FakeProtonOptions.now}). */
  public now: () => number = () => Date.now();

  private readonly op: OperationInfo;
  private readonly scripts = new Map<string, Script>();
  private readonly server: http.Server;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly model: SmithyModel,
    private readonly onCall?: (call: ProtonCall) => void,
  ) {
    this.op = model.operation(OPERATION);
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  /** `http://127.0.0.1:<port>`: the value for AWS_ENDPOINT_URL_PROTON. */
  public get endpoint(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /**
   * Scripts the answers for one service instance, replacing any earlier script for it (calls already served
   * stay recorded). Steps run in order, each for `times` calls; the last step repeats forever. An instance
   * without a script is answered ResourceNotFoundException, as Proton does for an unknown instance.
   *
   * @throws when a step would serve a body the model does not allow (the scenario cannot exist).
   */
  public script(serviceName: string, serviceInstanceName: string, steps: readonly Step[]): void {
    if (steps.length === 0) throw new Error('a script needs at least one step');
    const problems: string[] = [];
    steps.forEach((step, i) => {
      const times = step.times ?? 1;
      if (!(times >= 1)) problems.push(`step ${i}: times must be at least 1, got ${times}`);
      if (step.delayMs !== undefined && !(step.delayMs >= 0)) problems.push(`step ${i}: delayMs must be >= 0`);
      const body = this.bodyOf(step);
      if (body) problems.push(...this.model.validate(body.shape, body.json).map((p) => `step ${i}: ${p}`));
    });
    if (problems.length > 0) {
      throw new Error(`FakeProton: the script for ${serviceName}/${serviceInstanceName} serves what Proton cannot send:\n${problems.join('\n')}`);
    }
    this.scripts.set(key(serviceName, serviceInstanceName), { steps, index: 0, served: 0 });
  }

  /** The calls for one service instance, in order. */
  public callsFor(serviceName: string, serviceInstanceName: string): ProtonCall[] {
    return this.calls.filter((c) => c.serviceName === serviceName && c.serviceInstanceName === serviceInstanceName);
  }

  /** Throws when the fake served (or was scripted to serve) anything outside the model. */
  public assertHonest(): void {
    if (this.scenarioViolations.length > 0) {
      throw new Error(`FakeProton served bodies the real Proton cannot send:\n${this.scenarioViolations.join('\n')}`);
    }
  }

  /** Forgets scripts and recorded calls (the server keeps running). */
  public reset(): void {
    this.scripts.clear();
    this.calls.length = 0;
    this.requestViolations.length = 0;
    this.scenarioViolations.length = 0;
  }

  /** Stops the server, cutting open connections and pending delays. */
  public async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private bodyOf(step: Step): { shape: string; json: WireJson } | undefined {
    if ('respond' in step) return { shape: this.op.outputShape, json: step.respond };
    if ('error' in step) {
      const error = this.op.errors.get(step.error);
      if (!error) throw new Error(`${step.error} is not an error of ${OPERATION} in the model`);
      return { shape: error.id, json: { message: step.message ?? defaultMessage(step.error) } };
    }
    return undefined;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let call: ProtonCall | undefined;
      try {
        const raw = Buffer.concat(chunks).toString('utf8');
        const { input, problems, region } = this.checkRequest(req, raw);
        call = {
          seq: this.calls.length + 1,
          receivedAt: Date.now(),
          serviceName: typeof input?.serviceName === 'string' ? input.serviceName : undefined,
          serviceInstanceName: typeof input?.serviceInstanceName === 'string' ? input.serviceInstanceName : undefined,
          region,
          outcome: 'pending',
          clientGaveUp: false,
        };
        this.calls.push(call);
        const recorded = call;
        res.on('close', () => {
          if (!res.writableFinished) recorded.clientGaveUp = true;
        });
        this.onCall?.(call);
        if (problems.length > 0) {
          this.requestViolations.push(...problems.map((p) => `call ${call!.seq}: ${p}`));
          this.sendError(res, call, 'ValidationException', problems.join('; '), 'rejected');
          return;
        }
        this.serve(req, res, call);
      } catch (e) {
        this.scenarioViolations.push(`internal error in FakeProton: ${(e as Error).stack}`);
        if (call) call.outcome = 'error';
        res.writeHead(500).end();
      }
    });
  }

  private checkRequest(req: http.IncomingMessage, raw: string): { input?: Record<string, unknown>; problems: string[]; region?: string } {
    const problems: string[] = [];
    if (req.method !== 'POST') problems.push(`method ${req.method}, expected POST`);
    if (req.url !== '/') problems.push(`path ${req.url}, expected /`);
    const contentType = req.headers['content-type'] ?? '';
    if (contentType.split(';')[0].trim() !== this.op.contentType) problems.push(`content-type ${JSON.stringify(contentType)}, expected ${this.op.contentType}`);
    const target = req.headers['x-amz-target'];
    if (target !== this.op.target) problems.push(`X-Amz-Target ${JSON.stringify(target)}, expected ${this.op.target}`);
    const auth = req.headers.authorization ?? '';
    const scope = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/.exec(auth);
    if (!scope) problems.push(`Authorization header is not a SigV4 signature: ${JSON.stringify(auth.slice(0, 80))}`);
    else if (this.op.signingName && scope[2] !== this.op.signingName) problems.push(`signed for service ${scope[2]}, expected ${this.op.signingName}`);
    let input: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) input = parsed as Record<string, unknown>;
      else problems.push('body is not a JSON object');
    } catch {
      problems.push(`body is not JSON: ${JSON.stringify(raw.slice(0, 80))}`);
    }
    if (input) problems.push(...this.model.validate(this.op.inputShape, input));
    return { input, problems, region: scope?.[1] };
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse, call: ProtonCall): void {
    const script = this.scripts.get(key(call.serviceName!, call.serviceInstanceName!));
    if (!script) {
      this.sendError(res, call, 'ResourceNotFoundException', `The service instance ${call.serviceInstanceName} of service ${call.serviceName} was not found.`);
      return;
    }
    const stepIndex = script.index;
    const step = script.steps[stepIndex];
    script.served += 1;
    if (script.served >= (step.times ?? 1) && script.index < script.steps.length - 1) {
      script.index += 1;
      script.served = 0;
    }
    call.stepIndex = stepIndex;
    const act = (): void => {
      if ('drop' in step) {
        call.outcome = 'dropped';
        call.finishedAt = Date.now();
        req.socket.destroy();
        return;
      }
      if ('error' in step) {
        this.sendError(res, call, step.error, step.message ?? defaultMessage(step.error));
        return;
      }
      const body = 'respondWith' in step ? step.respondWith(call, this.now()) : step.respond;
      const problems = this.model.validate(this.op.outputShape, body);
      if (problems.length > 0) {
        // Only a dynamic step (or a static body mutated after script()) can get here.
        this.scenarioViolations.push(...problems.map((p) => `call ${call.seq}: ${p}`));
        this.sendError(res, call, 'InternalServerException', 'FakeProton refused to serve a body outside the model');
        return;
      }
      this.send(res, call, 200, body);
      call.outcome = 'response';
    };
    if (step.delayMs) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (res.destroyed) {
          call.outcome = 'dropped';
          call.finishedAt = Date.now();
          return;
        }
        act();
      }, step.delayMs);
      this.timers.add(timer);
    } else {
      act();
    }
  }

  private sendError(res: http.ServerResponse, call: ProtonCall, name: ProtonErrorName, message: string, outcome: 'error' | 'rejected' = 'error'): void {
    const error = this.op.errors.get(name);
    if (!error) throw new Error(`${name} is not an error of ${OPERATION}`);
    const body = { message };
    const problems = this.model.validate(error.id, body);
    if (problems.length > 0) this.scenarioViolations.push(...problems.map((p) => `call ${call.seq}: ${p}`));
    call.outcome = outcome;
    call.errorType = name;
    // awsJson1_0 error body: __type carries the (namespace-qualified) shape id, then the error's members.
    this.send(res, call, error.httpStatus, { __type: error.id, ...body });
  }

  private send(res: http.ServerResponse, call: ProtonCall, status: number, body: WireJson): void {
    const text = JSON.stringify(body);
    call.httpStatus = status;
    call.responseBytes = Buffer.byteLength(text);
    call.finishedAt = Date.now();
    res.writeHead(status, {
      date: new Date(this.now()).toUTCString(),
      'content-type': this.op.contentType,
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
    });
    res.end(text);
  }
}

function key(serviceName: string, serviceInstanceName: string): string {
  return `${serviceName}/${serviceInstanceName}`;
}

function defaultMessage(name: ProtonErrorName): string {
  switch (name) {
    case 'ThrottlingException':
      return 'Rate exceeded';
    case 'AccessDeniedException':
      return 'User: arn:aws:sts::123456789012:assumed-role/gate-role/fn is not authorized to perform: proton:GetServiceInstanceSyncStatus';
    case 'InternalServerException':
      return 'An internal error occurred. Try again later.';
    case 'ResourceNotFoundException':
      return 'Resource not found';
    case 'ValidationException':
      return 'Invalid input';
  }
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
  const startedAt = o.startedAt ?? Date.UTC(2026, 0, 15, 10, 0, 0);
  const start = typeof startedAt === 'number' ? startedAt : startedAt.getTime();
  const events =
    o.events ??
    [
      wireEvent('STARTED', `Sync of ${sha} started`, start),
      ...(status === 'SUCCEEDED' ? [wireEvent('SUCCEEDED', 'Deployment succeeded', start + 60_000)] : []),
      ...(status === 'FAILED' ? [wireEvent('FAILED', 'Deployment failed: template validation error', start + 60_000)] : []),
    ];
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

function epochSeconds(time: Date | number): number {
  return (typeof time === 'number' ? time : time.getTime()) / 1000;
}
