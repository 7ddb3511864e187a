/**
 * A generic fake AWS service on 127.0.0.1 speaking awsJson1_0/1_1 for the operations of one or more Smithy
 * models, and keeping itself honest: every request is checked against the model (X-Amz-Target, content type,
 * SigV4 shape and signing name, input shape) and every body it would serve against the output or error shape.
 * The fake Proton and the fake CodeStar Connections are this class with different operation bindings.
 *
 * - Scripts per (operation, resource): steps (respond, error, drop, delay, respondWith; `times`; the last step
 *   repeats). A script serving what the model does not allow is refused when scripted (script() throws); a
 *   dynamic body outside the model is answered with the operation's server error and recorded in
 *   {@link scenarioViolations}, and {@link assertHonest} fails.
 * - Errors as awsJson sends them: `{"__type": "<shape id>", "<message member>": ...}` with the model's HTTP status.
 * - A Date header on the service clock ({@link now}), which the offline world sets to its virtual clock.
 * - An optional account-wide rate limit (token bucket on {@link now}, one per account) answering ThrottlingException.
 * - Accounts: with {@link iam} set (the world sets its FakeIam), the access key of the SigV4 signature says who
 *   calls: an unknown key is answered UnrecognizedClientException and an expired one ExpiredTokenException (common
 *   errors of every JSON API, not in the models), a session whose role's policies do not allow the operation
 *   AccessDeniedException, and scripts answer only for resources of the caller's account. Without it, every caller
 *   is of {@link homeAccount}.
 */
import { randomUUID } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import type { FakeIam, Identity } from './fake-iam';
import type { FakeServiceOptions, OperationBinding, RateLimit, ServiceCall, Step, WireJson } from './fake-service-types';
import { listenOnLoopback } from './loopback';
import type { OperationInfo } from './smithy-model';
import { TokenBucket } from './token-bucket';

interface Served {
  readonly binding: OperationBinding;
  readonly info: OperationInfo;
}

interface Script<C extends ServiceCall> {
  readonly steps: readonly Step<string, C>[];
  /** Index of the step serving the next call and how many calls that step has served. */
  index: number;
  served: number;
}

const SIGV4 = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/;

/** The account a fake serves every caller as when it knows no IAM (the offline world's own). */
export const DEFAULT_ACCOUNT = '123456789012';

/** Errors every JSON API answers about the caller's credentials, outside the services' models (HTTP 400). */
const COMMON_CREDENTIAL_ERRORS = {
  unknown: { name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' },
  expired: { name: 'ExpiredTokenException', message: 'The security token included in the request is expired' },
} as const;

/** The generic fake. Subclasses bind operations and add typed script methods; always {@link close} it. */
export class FakeAwsJsonService<C extends ServiceCall = ServiceCall> {
  /** Every request received, in order of arrival. */
  public readonly calls: C[] = [];
  /** Served bodies (or scripts) that the real service could not send. Non-empty means the test is wrong. */
  public readonly scenarioViolations: string[] = [];
  /** Requests that broke the model; each was answered with the model's validation error (or a protocol error). */
  public readonly requestViolations: string[] = [];
  /** The service's clock (ms since epoch), for the Date header of answers and the rate limit. */
  public now: () => number = () => Date.now();
  /** Tells which offline-world request made an HTTP request (set by the world; see ServiceCall.requestTag). */
  public attribute?: (req: http.IncomingMessage) => string | undefined;
  /** Who signs with which key, and what they may do (set by the world); without it, every caller is of homeAccount. */
  public iam?: FakeIam;
  /** The account of callers when there is no IAM, and of scripts that name none. */
  public homeAccount = DEFAULT_ACCOUNT;

  private readonly operations = new Map<string, Served>();
  private readonly scripts = new Map<string, Script<C>>();
  private readonly server: http.Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly onCall?: (call: C) => void;
  private limit?: RateLimit;
  /** The rate limit's bucket of each account that called, filled when the account first calls. */
  private readonly buckets = new Map<string, TokenBucket>();

  protected constructor(
    /** The service's name in messages, e.g. `Proton`. */
    public readonly serviceLabel: string,
    bindings: readonly OperationBinding[],
    options: FakeServiceOptions<C> = {},
  ) {
    for (const binding of bindings) this.operations.set(binding.name, { binding, info: binding.model.operation(binding.name) });
    const infos = [...this.operations.values()].map((o) => o.info);
    if (new Set(infos.map((i) => `${i.contentType} ${i.signingName}`)).size !== 1) throw new Error(`${serviceLabel}: operations of more than one protocol or signing name`);
    this.onCall = options.onCall;
    if (options.now) this.now = options.now;
    this.setRateLimit(options.rateLimit);
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  /** `http://127.0.0.1:<port>`: the value for the service's AWS_ENDPOINT_URL_<SERVICE>. */
  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Sets (or, without an argument, lifts) the account-wide rate limit, each account's bucket starting full. */
  public setRateLimit(limit?: RateLimit): void {
    if (limit) {
      for (const { info } of this.operations.values()) {
        if (!info.errors.has('ThrottlingException')) throw new Error(`${info.name} has no ThrottlingException in the model: it cannot be rate limited`);
      }
      new TokenBucket(limit, this.now()); // checks the limit now rather than at the first call
    }
    this.limit = limit;
    this.buckets.clear();
  }

  /** The rate limit in force, if any. */
  public get rateLimit(): RateLimit | undefined {
    return this.limit;
  }

  private bucketOf(account: string): TokenBucket | undefined {
    if (!this.limit) return undefined;
    let bucket = this.buckets.get(account);
    if (!bucket) {
      bucket = new TokenBucket(this.limit, this.now());
      this.buckets.set(account, bucket);
    }
    return bucket;
  }

  /**
   * Scripts the answers of `operation` for one resource of `account` (default: homeAccount), replacing any earlier
   * script for it (calls already served stay recorded). Steps run in order, each for `times` calls; the last step
   * repeats forever.
   *
   * @throws when a step would serve a body the model does not allow (the scenario cannot exist).
   */
  public scriptOperation(operation: string, resourceKey: string, steps: readonly Step<string, C>[], account: string = this.homeAccount): void {
    const op = this.served(operation);
    if (steps.length === 0) throw new Error('a script needs at least one step');
    const problems: string[] = [];
    steps.forEach((step, i) => {
      const times = step.times ?? 1;
      if (!(times >= 1)) problems.push(`step ${i}: times must be at least 1, got ${times}`);
      if (step.delayMs !== undefined && !(step.delayMs >= 0)) problems.push(`step ${i}: delayMs must be >= 0`);
      if ('respond' in step) problems.push(...op.binding.model.validate(op.info.outputShape, step.respond).map((p) => `step ${i}: ${p}`));
      if ('error' in step) {
        const error = op.info.errors.get(step.error);
        if (!error) throw new Error(`${step.error} is not an error of ${operation} in the model`);
        problems.push(...op.binding.model.validate(error.id, this.errorBody(op, step.error, step.message)).map((p) => `step ${i}: ${p}`));
      }
    });
    if (problems.length > 0) {
      throw new Error(`Fake${this.serviceLabel}: the ${operation} script for ${resourceKey} serves what ${this.serviceLabel} cannot send:\n${problems.join('\n')}`);
    }
    this.scripts.set(scriptKey(operation, account, resourceKey), { steps, index: 0, served: 0 });
  }

  /** The calls of `operation` (every operation when undefined) about one resource (of `account`, when given), in order. */
  public callsOf(operation: string | undefined, resourceKey: string, account?: string): C[] {
    return this.calls.filter(
      (c) => c.resourceKey === resourceKey && (operation === undefined || c.operation === operation) && (account === undefined || c.account === account),
    );
  }

  /** Throws when the fake served (or was scripted to serve) anything outside the model. */
  public assertHonest(): void {
    if (this.scenarioViolations.length > 0) {
      throw new Error(`Fake${this.serviceLabel} served bodies the real ${this.serviceLabel} cannot send:\n${this.scenarioViolations.join('\n')}`);
    }
  }

  /** Forgets scripts and recorded calls and refills the rate limit's buckets (the server keeps running). */
  public reset(): void {
    this.scripts.clear();
    this.calls.length = 0;
    this.requestViolations.length = 0;
    this.scenarioViolations.length = 0;
    this.setRateLimit(this.limit);
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

  protected async listen(): Promise<void> {
    await listenOnLoopback(this.server);
  }

  /** A plausible message for an error the script names without one. */
  protected defaultMessage(error: string, operation: string): string {
    switch (error) {
      case 'ThrottlingException':
        return 'Rate exceeded';
      case 'AccessDeniedException':
        return `User: arn:aws:sts::123456789012:assumed-role/gate-role/fn is not authorized to perform: ${this.served(operation).info.signingName}:${operation}`;
      case 'InternalServerException':
        return 'An internal error occurred. Try again later.';
      case 'ResourceNotFoundException':
        return 'Resource not found';
      default:
        return 'Invalid input';
    }
  }

  private served(operation: string): Served {
    const op = this.operations.get(operation);
    if (!op) throw new Error(`Fake${this.serviceLabel} does not serve ${operation}`);
    return op;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let call: C | undefined;
      try {
        const { op, input, problems, region, accessKeyId } = this.checkRequest(req, Buffer.concat(chunks).toString('utf8'));
        const valid = problems.length === 0 && op && input;
        const key = this.iam && accessKeyId !== undefined ? this.iam.lookup(accessKeyId) : undefined;
        const caller: Identity | undefined = key && 'identity' in key ? key.identity : undefined;
        const account = this.iam ? caller?.account : this.homeAccount;
        // One reading of the service's clock for the call's time and its rate-limit decision, so that the two
        // agree (two readings can straddle the moment a token refills).
        const at = this.now();
        call = {
          ...(valid && op.binding.callFields ? op.binding.callFields(input) : {}),
          seq: this.calls.length + 1,
          operation: op?.info.name,
          resourceKey: valid ? op.binding.resourceKey(input) : undefined,
          input,
          receivedAt: Date.now(),
          serviceTimeAt: at,
          region,
          ...(account === undefined ? {} : { account }),
          ...(caller ? { caller: caller.arn } : {}),
          requestTag: this.attribute?.(req),
          outcome: 'pending',
          clientGaveUp: false,
        } as unknown as C;
        this.calls.push(call);
        const recorded = call;
        res.on('close', () => {
          if (!res.writableFinished) recorded.clientGaveUp = true;
        });
        this.onCall?.(call);
        const target = op ?? [...this.operations.values()][0];
        const action = `${target.info.signingName}:${target.info.name}`;
        if (!valid) {
          this.requestViolations.push(...problems.map((p) => `call ${recorded.seq}: ${p}`));
          this.sendError(res, recorded, target, validationError(target.info), problems.join('; '), 'rejected');
        } else if (key && 'problem' in key) {
          const { name, message } = COMMON_CREDENTIAL_ERRORS[key.problem];
          this.sendCommonError(res, recorded, op.info, name, 400, message);
        } else if (caller && this.iam?.identityAllows(caller, action, '*') === false) {
          this.sendError(res, recorded, op, 'AccessDeniedException', `User: ${caller.arn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`);
        } else if (account !== undefined && this.bucketOf(account)?.take(at) === false) {
          recorded.throttled = true;
          this.sendError(res, recorded, op, 'ThrottlingException', 'Rate exceeded');
        } else {
          this.serve(req, res, op, input, recorded);
        }
      } catch (e) {
        this.scenarioViolations.push(`internal error in Fake${this.serviceLabel}: ${(e as Error).stack}`);
        if (call) call.outcome = 'error';
        res.writeHead(500).end();
      }
    });
  }

  private checkRequest(
    req: http.IncomingMessage,
    raw: string,
  ): { op?: Served; input?: Record<string, unknown>; problems: string[]; region?: string; accessKeyId?: string } {
    const problems: string[] = [];
    const any = [...this.operations.values()][0].info;
    if (req.method !== 'POST') problems.push(`method ${req.method}, expected POST`);
    if (req.url !== '/') problems.push(`path ${req.url}, expected /`);
    const contentType = req.headers['content-type'] ?? '';
    if (contentType.split(';')[0].trim() !== any.contentType) problems.push(`content-type ${JSON.stringify(contentType)}, expected ${any.contentType}`);
    const target = req.headers['x-amz-target'];
    const op = [...this.operations.values()].find((o) => o.info.target === target);
    if (!op) problems.push(`X-Amz-Target ${JSON.stringify(target)}, expected one of ${[...this.operations.values()].map((o) => o.info.target).join(', ')}`);
    const auth = req.headers.authorization ?? '';
    const scope = SIGV4.exec(auth);
    if (!scope) problems.push(`Authorization header is not a SigV4 signature: ${JSON.stringify(auth.slice(0, 80))}`);
    else if (any.signingName && scope[3] !== any.signingName) problems.push(`signed for service ${scope[3]}, expected ${any.signingName}`);
    let input: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) input = parsed as Record<string, unknown>;
      else problems.push('body is not a JSON object');
    } catch {
      problems.push(`body is not JSON: ${JSON.stringify(raw.slice(0, 80))}`);
    }
    if (input && op) problems.push(...op.binding.model.validate(op.info.inputShape, input));
    return { op, input, problems, region: scope?.[2], accessKeyId: scope?.[1] };
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse, op: Served, input: Record<string, unknown>, call: C): void {
    const script = this.scripts.get(scriptKey(op.info.name, call.account ?? this.homeAccount, call.resourceKey ?? ''));
    let step: Step<string, C>;
    if (script) {
      call.stepIndex = script.index;
      step = script.steps[script.index];
      script.served += 1;
      if (script.served >= (step.times ?? 1) && script.index < script.steps.length - 1) {
        script.index += 1;
        script.served = 0;
      }
    } else {
      const answer = op.binding.unscripted(input);
      step = 'error' in answer ? answer : { respondWith: () => answer.respond };
    }
    const act = (): void => {
      if ('drop' in step) {
        call.outcome = 'dropped';
        call.finishedAt = Date.now();
        req.socket.destroy();
      } else if ('error' in step) {
        this.sendError(res, call, op, step.error, step.message);
      } else {
        const body = 'respondWith' in step ? step.respondWith(call, this.now()) : step.respond;
        const problems = op.binding.model.validate(op.info.outputShape, body);
        if (problems.length > 0) {
          // Only a dynamic step (or a static body mutated after script()) can get here.
          this.scenarioViolations.push(...problems.map((p) => `call ${call.seq}: ${p}`));
          this.sendError(res, call, op, serverError(op.info), `Fake${this.serviceLabel} refused to serve a body outside the model`);
          return;
        }
        this.send(res, call, op.info, 200, body);
        call.outcome = 'response';
      }
    };
    if (!step.delayMs) {
      act();
      return;
    }
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
  }

  private errorBody(op: Served, name: string, message: string | undefined): WireJson {
    const error = op.info.errors.get(name)!;
    // The error's message member: `message` in Proton's model, `Message` in CodeStar Connections'.
    const members = Object.keys(op.binding.model.shape(error.id).members ?? {});
    const member = members.find((m) => m.toLowerCase() === 'message') ?? 'message';
    return { [member]: message ?? this.defaultMessage(name, op.info.name) };
  }

  private sendError(res: http.ServerResponse, call: C, op: Served, name: string, message: string | undefined, outcome: 'error' | 'rejected' = 'error'): void {
    const error = op.info.errors.get(name);
    if (!error) throw new Error(`${name} is not an error of ${op.info.name}`);
    const body = this.errorBody(op, name, message);
    const problems = op.binding.model.validate(error.id, body);
    if (problems.length > 0) this.scenarioViolations.push(...problems.map((p) => `call ${call.seq}: ${p}`));
    call.outcome = outcome;
    call.errorType = name;
    // awsJson error body: __type carries the (namespace-qualified) shape id, then the error's members.
    this.send(res, call, op.info, error.httpStatus, { __type: error.id, ...body });
  }

  /** An error every JSON API answers that no service model lists (about the caller's credentials). */
  private sendCommonError(res: http.ServerResponse, call: C, info: OperationInfo, name: string, status: number, message: string): void {
    call.outcome = 'error';
    call.errorType = name;
    this.send(res, call, info, status, { __type: name, message });
  }

  private send(res: http.ServerResponse, call: C, info: OperationInfo, status: number, body: WireJson): void {
    const text = JSON.stringify(body);
    call.httpStatus = status;
    call.responseBytes = Buffer.byteLength(text);
    call.finishedAt = Date.now();
    res.writeHead(status, {
      date: new Date(this.now()).toUTCString(),
      'content-type': info.contentType,
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
      // One connection per call: a kept-alive socket can pass from one execution environment's poll to another
      // request's, and calls are attributed to their request by socket (see request-attribution.ts).
      connection: 'close',
    });
    res.end(text);
  }
}

/** Where a script is kept: per operation, account and resource. */
function scriptKey(operation: string, account: string, resourceKey: string): string {
  return `${operation} ${account} ${resourceKey}`;
}

/** The operation's client error for a malformed request: ValidationException (Proton), InvalidInputException (CodeStar). */
function validationError(info: OperationInfo): string {
  const found = [...info.errors].find(([name, e]) => e.httpStatus === 400 && /Validation|InvalidInput/.test(name));
  if (!found) throw new Error(`${info.name} declares no validation error`);
  return found[0];
}

/** The operation's server fault (InternalServerException). */
function serverError(info: OperationInfo): string {
  const found = [...info.errors].find(([, e]) => e.fault === 'server');
  if (!found) throw new Error(`${info.name} declares no server error`);
  return found[0];
}

