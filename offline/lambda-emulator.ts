/**
 * An offline stand-in for AWS Lambda: runs function code from a CDK asset directory and serves the Lambda
 * Invoke API on 127.0.0.1, so that code calling `@aws-sdk/client-lambda` (aws-cdk-lib's Provider framework)
 * reaches it through `AWS_ENDPOINT_URL_LAMBDA`.
 *
 * Each function gets its own execution environment: its modules are loaded fresh from the asset (they share no
 * module state with the test or with other functions), with the function's environment variables (template
 * Environment plus what Lambda sets: AWS_REGION, AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_LOG_GROUP_NAME...) as its
 * `process.env`, a `console` whose lines go to the function's log group (kept in memory), and a `Date` that reads
 * the world's {@link VirtualClock} (and a `timers/promises` whose sleeps run on it, see invocation-timers.ts). As in Lambda, an environment runs one invocation at a time: concurrent
 * invocations of a function each get their own (a cold start when no idle one is left), and an idle one is
 * reused by later invocations (warm) until {@link FakeLambda.coldStart}, or never, or at random
 * ({@link EnvironmentReuse}). Every invocation holds the virtual clock
 * (no jump while code runs) and runs in the async context of its lifecycle request ({@link RequestAttribution}),
 * so that its log lines and the HTTP calls it makes are attributed to that request. Errors are reported the way the Node.js runtime does (`errorType` = error.name,
 * `errorMessage`, `trace` = stack lines; HTTP 200 with `X-Amz-Function-Error: Unhandled`).
 *
 * What it does not emulate: the Node.js version of the runtime (code runs on the test's Node.js), memory limits,
 * concurrency limits and throttling of invocations, cold-start latency, IAM (no role is evaluated), log-level filtering of JSON logs.
 */
import { randomUUID } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as util from 'util';
import { EnvironmentPool, LambdaModel, poolSeed, Pooled, seededRandom } from './execution-environments';
import { InvocationHold, virtualTimersPromises } from './invocation-timers';
import { listenOnLoopback } from './loopback';
import { ModuleLoader, realProcess, Sandbox } from './module-loader';
import { RequestAttribution } from './request-attribution';
import { VirtualClock } from './virtual-clock';

export { realProcess } from './module-loader';
export { seededRandom } from './execution-environments';


/**
 * How the emulator hands invocations to execution environments. Lambda promises no environment twice: module
 * memory may survive to the next invocation or not, and the gate must give the same verdicts either way.
 * - `warm`: an idle environment is reused, the most recently used first, as Lambda usually does for calls seconds
 *   apart (every lifecycle request still starts cold).
 * - `fresh`: every invocation runs in a new environment: nothing a module keeps survives to the next invocation.
 * - `mixed`: each invocation takes one of the idle environments at random, or a new one, with equal chances
 *   (seeded: the same world gives the same sequence).
 */
export type EnvironmentReuse = 'warm' | 'fresh' | 'mixed';

export const ENVIRONMENT_REUSES: readonly EnvironmentReuse[] = ['warm', 'fresh', 'mixed'];

/** A function as the template defines it, with its names resolved. */
export interface FunctionSpec {
  readonly name: string;
  readonly arn: string;
  /** Directory of the unpacked code asset. */
  readonly codeDir: string;
  /** `file.export`, as in the template's Handler. */
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly runtime: string;
  readonly logGroupName: string;
  /** Environment variables from the template. */
  readonly environment: Readonly<Record<string, string>>;
  /** The execution role's ARN (the template's Role), whose credentials Lambda puts in the function's environment. */
  readonly role?: string;
  /**
   * Called once per execution environment after its modules are loaded, with a loader of the asset's modules
   * (the same instances the function uses). The world uses it to route the framework's ResponseURL PUT.
   */
  readonly onLoad?: (load: (file: string) => Record<string, unknown>) => void;
}

/** What one invocation returned. */
export interface InvokeResult {
  /** The JSON the function returned (undefined when it failed). */
  readonly payload?: unknown;
  /** Set when the function failed: the runtime's error payload. */
  readonly error?: { readonly errorType: string; readonly errorMessage: string; readonly trace: string[] };
}

/** One invocation, as a log of what Lambda ran. */
export interface InvocationRecord {
  readonly functionName: string;
  readonly requestId: string;
  readonly startedAt: number;
  readonly virtualStartedAt: number;
  readonly coldStart: boolean;
  /** The execution environment that ran it: 1, 2, ... per function, in the order they were made. */
  environment?: number;
  /** The lifecycle request (CloudFormation RequestId) the invocation served, when known. */
  readonly requestTag?: string;
  durationMs?: number;
  /** Under a LambdaModel: the cold start's Init time and the invocation's own time, virtual ms. */
  initMs?: number;
  ownMs?: number;
  errorType?: string;
}

interface Environment {
  readonly handler: (event: unknown, context: unknown) => unknown;
  /** The {@link FakeLambda.coldStart} generation it was made in; older ones are dropped when they fall idle. */
  readonly generation: number;
  readonly id: number;
  /** When it is free again on the virtual clock (see invocationMs). */
  busyUntil: number;
}

/** One log line, with the invocation that wrote it. */
export interface LogEntry {
  readonly logGroupName: string;
  readonly line: string;
  readonly invocationId?: string;
  readonly requestTag?: string;
}

/** The Lambda emulator. Start with {@link FakeLambda.start}; always {@link FakeLambda.close} it. */
export class FakeLambda {
  public static async start(options: {
    clock: VirtualClock;
    region: string;
    invocationMs?: number;
    environments?: EnvironmentReuse;
    /** Seed of the `mixed` choices and of the model's draws. */
    seed?: number;
    /**
     * Lambda-like environments and invocation times (execution-environments.ts): replaces `environments` and
     * `invocationMs`. For a clock that stands still while the world is busy.
     */
    model?: LambdaModel;
  }): Promise<FakeLambda> {
    const fake = new FakeLambda(options.clock, options.region, options.invocationMs ?? 0, options.environments ?? 'warm', options.seed ?? 1, options.model);
    await listenOnLoopback(fake.server);
    fake.attribution.start();
    return fake;
  }

  /** Every invocation, in order. */
  public readonly invocations: InvocationRecord[] = [];
  /** Log lines per log group name, as CloudWatch Logs would keep them. */
  public readonly logs = new Map<string, string[]>();
  /** Every log line in the order written, with its invocation and lifecycle request. */
  public readonly logEntries: LogEntry[] = [];
  /** Which lifecycle request the running code and the HTTP requests it makes belong to. */
  public readonly attribution = new RequestAttribution();
  /** Set to true to also print every function log line (debugging). */
  public echoLogs = process.env.OFFLINE_WORLD_ECHO_LOGS === '1';
  /**
   * Credentials of a session of the execution role `roleArn` named after the function, as Lambda puts them in each
   * execution environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); the world sets it from its
   * IAM. Without it (or for a function without a role), functions sign with the world's environment credentials.
   */
  public credentials?: (roleArn: string, functionName: string) => { accessKeyId: string; secretAccessKey: string; sessionToken: string };

  private readonly functions = new Map<string, FunctionSpec>();
  /** How many execution environments each function has had. */
  private readonly environmentsMade = new Map<string, number>();
  /** Idle execution environments per function name. */
  private readonly environments = new Map<string, Environment[]>();
  /** Under a model: the environments of each function. */
  private readonly pools = new Map<string, EnvironmentPool<Environment>>();
  private generation = 0;
  private readonly random: () => number;
  private readonly server: http.Server;
  /** The clock hold of each running invocation, by its id (its sleeps release it: invocation-timers.ts). */
  private readonly holds = new Map<string, InvocationHold>();
  /** Running invocations, with their lifecycle request's tag. */
  private readonly running = new Map<Promise<unknown>, string | undefined>();

  private constructor(
    private readonly clock: VirtualClock,
    private readonly region: string,
    /**
     * Virtual time an invocation keeps its execution environment busy, at least. With a clock that stands still
     * while the world is busy (VirtualClockOptions), invocations take no virtual time; this is what each takes
     * instead, so that invocations close together still need more than one environment, as in Lambda.
     */
    private readonly invocationMs = 0,
    /** How invocations find their execution environment (see EnvironmentReuse). */
    public readonly reuse: EnvironmentReuse = 'warm',
    private readonly seed = 1,
    /** Lambda-like environments (execution-environments.ts), when set: `reuse` and `invocationMs` do not apply. */
    public readonly model?: LambdaModel,
  ) {
    this.random = seededRandom(seed);
    this.server = http.createServer((req, res) => void this.handleHttp(req, res));
  }

  /** `http://127.0.0.1:<port>`: the value for AWS_ENDPOINT_URL_LAMBDA. */
  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Makes a function invokable by name and by ARN. Replaces a function of the same name (and drops its environment). */
  public register(spec: FunctionSpec): void {
    this.functions.set(spec.name, spec);
    this.functions.set(spec.arn, spec);
    this.environments.delete(spec.name);
    this.pools.delete(spec.name);
  }

  /**
   * Drops every idle execution environment (and those running now, once they finish): the next invocation of
   * each function is a cold start.
   */
  public coldStart(): void {
    this.generation += 1;
    this.environments.clear();
    for (const pool of this.pools.values()) pool.clear();
  }

  /** Under a model: what each function's pool did (environments made, reused, recycled, retired). */
  public poolCounts(functionName: string): EnvironmentPool<Environment>['counts'] | undefined {
    return this.pools.get(functionName)?.counts;
  }

  /** The log lines of one log group (empty when none). */
  public logLines(logGroupName: string): string[] {
    return this.logs.get(logGroupName) ?? [];
  }

  /**
   * Invokes a function synchronously (RequestResponse), in process: what AWS services do among themselves.
   * `requestTag` names the lifecycle request when the event does not carry its RequestId.
   */
  public async invoke(functionNameOrArn: string, event: unknown, requestTag?: string): Promise<InvokeResult> {
    const spec = this.lookup(functionNameOrArn);
    if (!spec) throw new Error(`Function not found: ${functionNameOrArn}`);
    return this.run(spec, event, requestTag);
  }

  /** Invokes a function asynchronously (InvocationType Event): returns at once, the run goes on. */
  public invokeAsync(functionNameOrArn: string, event: unknown): void {
    const spec = this.lookup(functionNameOrArn);
    if (!spec) throw new Error(`Function not found: ${functionNameOrArn}`);
    void this.run(spec, event);
  }

  /** Waits until no invocation is running (of the lifecycle request `requestTag` only, when given). */
  public async idle(requestTag?: string): Promise<void> {
    for (;;) {
      const runs = [...this.running].filter(([, tag]) => requestTag === undefined || tag === requestTag).map(([run]) => run);
      if (runs.length === 0) return;
      await Promise.allSettled(runs);
    }
  }

  /** The log lines that invocations of one lifecycle request wrote, in order, all log groups. */
  public logsOf(requestTag: string): string[] {
    return this.logEntries.filter((e) => e.requestTag === requestTag).map((e) => e.line);
  }

  public async close(): Promise<void> {
    this.attribution.stop();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private lookup(nameOrArn: string): FunctionSpec | undefined {
    // Invoke accepts a name, a full ARN or a partial ARN, optionally with a qualifier.
    const bare = nameOrArn.replace(/:(\$LATEST|\d+)$/, '');
    return this.functions.get(bare) ?? this.functions.get(bare.split(':').pop()!);
  }

  /**
   * An idle environment of a function that is free on the virtual clock, taken from the pool: the most recently
   * used one (`warm`), none (`fresh`), or a random one or none (`mixed`).
   */
  private takeIdle(name: string): Environment | undefined {
    if (this.reuse === 'fresh') return undefined;
    const idle = this.environments.get(name) ?? [];
    const now = this.clock.now();
    const free = idle.map((env, i) => ({ env, i })).filter(({ env }) => env.busyUntil <= now);
    if (free.length === 0) return undefined;
    if (this.reuse === 'warm') return idle.splice(free[free.length - 1].i, 1)[0];
    // mixed: a new environment, or each free one, with equal chances.
    const pick = Math.floor(this.random() * (free.length + 1));
    return pick === free.length ? undefined : idle.splice(free[pick].i, 1)[0];
  }

  /** Runs one invocation: holds the clock, takes an idle environment or makes one, in the request's context. */
  private run(spec: FunctionSpec, event: unknown, requestTag?: string): Promise<InvokeResult> {
    const requestId = randomUUID();
    const hold = new InvocationHold(this.clock);
    this.holds.set(requestId, hold);
    const fromEvent = (event as { RequestId?: unknown } | null)?.RequestId;
    const tag = typeof fromEvent === 'string' ? fromEvent : (requestTag ?? this.attribution.current()?.requestTag);
    const run = this.attribution.run({ requestTag: tag, invocationId: requestId }, () => this.execute(spec, event, requestId, tag));
    this.running.set(run, tag);
    void run.finally(() => {
      this.running.delete(run);
      this.holds.delete(requestId);
      hold.end();
    });
    return run;
  }

  /** Under a model: the pool of the function's environments. */
  private poolOf(name: string): EnvironmentPool<Environment> | undefined {
    if (!this.model) return undefined;
    let pool = this.pools.get(name);
    if (!pool) {
      pool = new EnvironmentPool<Environment>(this.model, poolSeed(this.seed, name));
      this.pools.set(name, pool);
    }
    return pool;
  }

  private async execute(spec: FunctionSpec, event: unknown, requestId: string, tag: string | undefined): Promise<InvokeResult> {
    const pool = this.poolOf(spec.name);
    let pooled: Pooled<Environment> | undefined = pool?.take(this.clock.now());
    let env = pool ? pooled?.env : this.takeIdle(spec.name);
    const record: InvocationRecord = {
      functionName: spec.name,
      requestId,
      startedAt: Date.now(),
      virtualStartedAt: this.clock.now(),
      coldStart: !env,
      requestTag: tag,
    };
    this.invocations.push(record);
    let reusable = true;
    try {
      if (!env) {
        env = this.load(spec);
        if (pool) {
          // Under a model, the new environment's Init phase takes virtual time before the handler runs.
          const made = pool.add(env, this.clock.now());
          pooled = made.pooled;
          record.initMs = made.initMs;
          await this.holds.get(requestId)?.sleep(made.initMs);
        }
      }
      record.environment = env.id;
      const deadline = Date.now() + spec.timeoutSeconds * 1000;
      const context = {
        functionName: spec.name,
        functionVersion: '$LATEST',
        invokedFunctionArn: spec.arn,
        memoryLimitInMB: String(spec.memoryMb),
        awsRequestId: requestId,
        logGroupName: spec.logGroupName,
        logStreamName: `offline/[$LATEST]${spec.name}`,
        callbackWaitsForEmptyEventLoop: true,
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      };
      // The event crosses a JSON boundary, as it does in Lambda.
      const input: unknown = JSON.parse(JSON.stringify(event));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(Object.assign(new Error(`Task timed out after ${spec.timeoutSeconds.toFixed(2)} seconds`), { name: 'Sandbox.Timedout' })),
          spec.timeoutSeconds * 1000,
        );
      });
      try {
        const result = await Promise.race([Promise.resolve(env.handler(input, context)), timeout]);
        const text = JSON.stringify(result);
        return { payload: text === undefined ? null : JSON.parse(text) };
      } finally {
        clearTimeout(timer);
      }
    } catch (e) {
      const error = toRuntimeError(e);
      record.errorType = error.errorType;
      this.writeLog(spec, JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage, stack: error.trace }));
      // A timed-out environment is not reused (Lambda resets it).
      if (error.errorType === 'Sandbox.Timedout') reusable = false;
      return { error };
    } finally {
      const current = env !== undefined && reusable && env.generation === this.generation && this.functions.get(spec.name) === spec;
      if (pool && pooled) {
        // Under a model, the invocation's own time passes before the caller gets the answer; then it is idle again.
        record.ownMs = pool.invocationMs();
        await this.holds.get(requestId)?.sleep(record.ownMs);
        if (current) pool.release(pooled, this.clock.now());
      }
      record.durationMs = Date.now() - record.startedAt;
      if (env && current && !pool && this.reuse !== 'fresh') {
        const idle = this.environments.get(spec.name) ?? [];
        idle.push(env);
        this.environments.set(spec.name, idle);
        env.busyUntil = record.virtualStartedAt + this.invocationMs;
      }
    }
  }

  /** Appends a line to the function's log group, attributed to the invocation running now. */
  private writeLog(spec: FunctionSpec, line: string): void {
    const log = this.logLines(spec.logGroupName);
    this.logs.set(spec.logGroupName, log);
    log.push(line);
    const context = this.attribution.current();
    this.logEntries.push({ logGroupName: spec.logGroupName, line, invocationId: context?.invocationId, requestTag: context?.requestTag });
    if (this.echoLogs) realProcess.stdout.write(`[${spec.name}] ${line}\n`);
  }

  /** Loads the function's handler in a fresh execution environment. */
  private load(spec: FunctionSpec): Environment {
    const [file, exportName] = splitHandler(spec.handler);
    const environment: Record<string, string | undefined> = {
      ...realProcess.env,
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      AWS_LAMBDA_FUNCTION_NAME: spec.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: spec.logGroupName,
      AWS_LAMBDA_LOG_STREAM_NAME: `offline/[$LATEST]${spec.name}`,
      AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
      LAMBDA_TASK_ROOT: spec.codeDir,
      _HANDLER: spec.handler,
      TZ: ':UTC',
      ...executionRoleCredentials(spec, this.credentials),
      ...spec.environment,
    };
    const write = (...args: unknown[]): void => this.writeLog(spec, util.format(...args));
    const sandbox: Sandbox = {
      Date: this.clock.dateConstructor(),
      console: { log: write, info: write, warn: write, error: write, debug: write, trace: write },
      process: new Proxy(realProcess, {
        get: (target, prop) => (prop === 'env' ? environment : Reflect.get(target, prop, target)),
      }),
      builtins: { 'timers/promises': virtualTimersPromises(() => this.holds.get(this.attribution.current()?.invocationId ?? '')) },
    };
    const loader = new ModuleLoader(spec.codeDir, sandbox);
    const moduleExports = loader.load(file);
    spec.onLoad?.((f) => loader.load(f));
    const handler = moduleExports[exportName];
    if (typeof handler !== 'function') {
      throw Object.assign(new Error(`${spec.handler} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
    }
    const id = (this.environmentsMade.get(spec.name) ?? 0) + 1;
    this.environmentsMade.set(spec.name, id);
    return { handler: handler as Environment['handler'], generation: this.generation, id, busyUntil: -Infinity };
  }

  private async handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const match = /^\/2015-03-31\/functions\/([^/?]+)\/invocations(\?.*)?$/.exec(req.url ?? '');
    const sendError = (status: number, type: string, message: string): void => {
      const body = JSON.stringify({ Type: 'User', message });
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': randomUUID() }).end(body);
    };
    if (req.method !== 'POST' || !match) {
      sendError(404, 'UnknownOperationException', `FakeLambda serves only Invoke, not ${req.method} ${req.url}`);
      return;
    }
    if (!/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/lambda\/aws4_request/.test(req.headers.authorization ?? '')) {
      sendError(403, 'MissingAuthenticationTokenException', 'Missing or malformed SigV4 signature for lambda');
      return;
    }
    const name = decodeURIComponent(match[1]);
    const spec = this.lookup(name);
    if (!spec) {
      sendError(404, 'ResourceNotFoundException', `Function not found: ${name}`);
      return;
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    let event: unknown;
    try {
      event = raw === '' ? {} : JSON.parse(raw);
    } catch {
      sendError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
      return;
    }
    const type = req.headers['x-amz-invocation-type'] ?? 'RequestResponse';
    if (type === 'Event') {
      this.invokeAsync(spec.name, event);
      res.writeHead(202, { 'x-amzn-requestid': randomUUID() }).end();
      return;
    }
    // The caller (the Provider framework's function invoking the gate's handler) waits: while the callee runs it
    // holds the clock itself, and while the callee sleeps the clock may move.
    const caller = this.holds.get(this.attribution.invocationOf(req) ?? '');
    const run = this.run(spec, event);
    const result = caller ? await caller.waitFor(run) : await run;
    const body = JSON.stringify(result.error ?? result.payload);
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-amz-executed-version': '$LATEST',
      'x-amzn-requestid': randomUUID(),
      ...(result.error ? { 'x-amz-function-error': 'Unhandled' } : {}),
    });
    res.end(body);
  }
}

function splitHandler(handler: string): [string, string] {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new Error(`Bad handler ${handler}: expected file.export`);
  return [`./${handler.slice(0, dot)}`, handler.slice(dot + 1)];
}

/** The Node.js runtime's error payload: errorType from error.name, trace from the stack's lines. */
function toRuntimeError(e: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  if (e instanceof Error || (typeof e === 'object' && e !== null && 'message' in e)) {
    const err = e as Error;
    return { errorType: err.name ?? 'Error', errorMessage: err.message ?? '', trace: String(err.stack ?? '').split('\n') };
  }
  return { errorType: 'Error', errorMessage: String(e), trace: [] };
}

/** The environment variables of the execution role's credentials, when the function has a role and the world issues them. */
function executionRoleCredentials(spec: FunctionSpec, issue: FakeLambda['credentials']): Record<string, string> {
  if (!spec.role || !issue) return {};
  const c = issue(spec.role, spec.name);
  return { AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey, AWS_SESSION_TOKEN: c.sessionToken };
}
