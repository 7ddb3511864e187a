/**
 * The offline world: deploys a synthesized stack's custom resources the way CloudFormation would, through the
 * code that would really run, with everything AWS hosts emulated on 127.0.0.1.
 *
 * - CloudFormation: lifecycle requests (Create, Update, Delete) built as CloudFormation builds them (string
 *   properties from the template, ServiceToken, OldResourceProperties, PhysicalResourceId, a ResponseURL), sent
 *   to the ServiceToken function as an asynchronous invocation; the answer is the PUT on the ResponseURL
 *   ({@link CfnResponseServer}, HTTPS), checked against the 4,096-byte limit.
 * - Lambda ({@link FakeLambda}): the template's functions, code from the cloud assembly's assets; the Invoke API.
 * - Step Functions ({@link FakeStepFunctions}): the synthesized waiter state machine with its Retry/Catch.
 * - Proton ({@link FakeProton}) and CodeStar Connections for CloudFormation Git sync
 *   ({@link FakeCodeStarConnections}): scripted, model-checked, optionally rate limited.
 * - CloudFormation's DescribeStacks ({@link FakeCloudFormationApi}): the stack status during the request.
 * - IAM ({@link FakeIam}) and STS ({@link FakeSts}): simulated accounts, the roles of the stacks installed in them,
 *   each function's execution role credentials, and AssumeRole into another account's role.
 * - Time ({@link VirtualClock}): waits jump when the world is quiet; the functions' Date follows.
 *
 * Requests may run concurrently, as CloudFormation creates independent resources at once:
 * `await Promise.all(ids.map((id) => world.create(stack, { logicalResourceId: id })))`. Each outcome holds only
 * its own calls, waiter attempts and log lines (attributed by the request's RequestId, see RequestAttribution).
 *
 * The Provider framework's runtime runs unchanged from the assembly; one seam is routed: its ResponseURL PUT
 * (cfn-response drops the URL's port, as real ResponseURLs use 443) goes to the loopback server's port, with its
 * certificate trusted. The real request code (`https.request`, headers, body) is what sends it.
 *
 * ```ts
 * const world = await OfflineWorld.start();
 * const [stack] = synthExampleApp([{ serviceName: 'sample-service', serviceInstanceName: 'sample-instance', gitSyncStackName: '' }]);
 * const deployed = world.install(stack);
 * world.proton.script('sample-service', 'sample-instance', [{ respond: ... }]);
 * const outcome = await world.create(deployed);
 * expect(outcome.status).toBe('SUCCESS');
 * await world.close();
 * ```
 */
import { randomUUID } from 'crypto';
import { CfnResponseServer, MAX_RESPONSE_BYTES, ReceivedResponse } from './cfn-response-server';
import { LambdaModel } from './execution-environments';
import { FakeCloudFormationApi } from './fake-cloudformation-api';
import { FakeCodeStarConnections } from './fake-codestar-connections';
import { FakeIam } from './fake-iam';
import { FakeProton } from './fake-proton';
import { FakeSts } from './fake-sts';
import { InstalledStack, installStack, InstallTarget } from './install-stack';
import { asCloudFormationSends } from './intrinsics';
import { ENVIRONMENT_REUSES, EnvironmentReuse, FakeLambda } from './lambda-emulator';
import { checkResponse, LifecycleOutcome, pollsOf, RequestOptions } from './lifecycle-outcome';
import { FakeStepFunctions } from './step-functions';
import { SynthesizedStack } from './synth';
import { VirtualClock } from './virtual-clock';
import { applyEnvironment, endpointVariable, setVariable, worldEnvironment } from './world-environment';

export type { InstalledStack } from './install-stack';
export type { LifecycleOutcome, RequestOptions } from './lifecycle-outcome';

/** A custom-resource request before the world adds the ResponseURL, the RequestId and the ServiceToken field. */
export interface CustomResourceRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly LogicalResourceId: string;
  readonly StackId: string;
  readonly ResourceType: string;
  readonly PhysicalResourceId?: string;
  /** As CloudFormation sends them: resolved, every scalar a string; ServiceToken included. */
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
}

/** Options of {@link OfflineWorld.start}. */
export interface OfflineWorldOptions {
  /** No longer used: waits cost no real time when the world is quiet (see VirtualClock). Accepted for old callers. */
  readonly timeScale?: number;
  readonly region?: string;
  readonly accountId?: string;
  /** Give up on a request when no answer arrived after this much real time (default 45 s, under jest's 60 s test timeout). */
  readonly responseTimeoutMs?: number;
  /**
   * For load runs: virtual time moves only by jumps (VirtualClockOptions.standsStillWhileBusy), and each Lambda
   * invocation keeps its execution environment busy this long on the virtual clock. Unset: the clock moves with
   * real time while the world is busy, as in every other world.
   */
  readonly invocationMs?: number;
  /**
   * How Lambda hands invocations to execution environments (see EnvironmentReuse). Default: `fresh`, a new
   * environment for every invocation, the strictest world (Lambda promises no environment twice), unless
   * OFFLINE_WORLD_ENVIRONMENTS names another.
   */
  readonly environments?: EnvironmentReuse;
  /** Seed of the `mixed` environments' choices and of the Lambda model's draws. */
  readonly seed?: number;
  /**
   * Lambda-like execution environments (offline/execution-environments.ts: cold starts with an Init time, varying
   * invocation times, a new environment only when all are busy, idle ones recycled); replaces `environments` and
   * `invocationMs`. As with `invocationMs`, the clock stands still while the world is busy: a load world.
   */
  readonly lambda?: LambdaModel;
  /** Use this fake Proton instead of starting one (it is not closed with the world). */
  readonly proton?: FakeProton;
  /** Use this fake CodeStar Connections instead of starting one (it is not closed with the world). */
  readonly gitSync?: FakeCodeStarConnections;
}

/** The access key of the world's environment credentials, which sign as the world's deployer. */
export const WORLD_ACCESS_KEY_ID = 'AKIAOFFLINEWORLD0000';

/** Options of {@link OfflineWorld.install}. */
export interface InstallOptions {
  /** The simulated account the stack is installed in (default: the world's own), e.g. a sync owner's reader role. */
  readonly accountId?: string;
}

/** The world's environment reuse when a caller names none: OFFLINE_WORLD_ENVIRONMENTS, or `fresh`. */
export function defaultEnvironments(env: NodeJS.ProcessEnv = process.env): EnvironmentReuse {
  const named = env.OFFLINE_WORLD_ENVIRONMENTS;
  if (named === undefined || named === '') return 'fresh';
  if (!(ENVIRONMENT_REUSES as readonly string[]).includes(named)) {
    throw new Error(`OFFLINE_WORLD_ENVIRONMENTS must be one of ${ENVIRONMENT_REUSES.join(', ')}, got ${JSON.stringify(named)}`);
  }
  return named as EnvironmentReuse;
}

/** The offline world. Start with {@link OfflineWorld.start}; always {@link OfflineWorld.close} it. */
export class OfflineWorld {
  public static async start(options: OfflineWorldOptions = {}): Promise<OfflineWorld> {
    const clock = new VirtualClock(options.timeScale ?? 1000, { standsStillWhileBusy: options.invocationMs !== undefined || options.lambda !== undefined });
    const region = options.region ?? 'us-east-1';
    const accountId = options.accountId ?? '123456789012';
    const iam = new FakeIam();
    iam.now = () => clock.now();
    iam.addKey(WORLD_ACCESS_KEY_ID, { account: accountId, arn: `arn:aws:iam::${accountId}:user/offline-world-deployer`, principalArn: `arn:aws:iam::${accountId}:user/offline-world-deployer` });
    const proton = options.proton ?? (await FakeProton.start());
    const gitSync = options.gitSync ?? (await FakeCodeStarConnections.start());
    const lambda = await FakeLambda.start({
      clock,
      region,
      invocationMs: options.invocationMs,
      environments: options.environments ?? defaultEnvironments(),
      seed: options.seed,
      model: options.lambda,
    });
    // Lambda gives each execution environment its execution role's credentials, a session named after the function.
    lambda.credentials = (roleArn, functionName) => iam.startSession(roleArn, functionName);
    const sfn = await FakeStepFunctions.start({ lambda, clock });
    const sts = await FakeSts.start({ iam });
    sts.now = () => clock.now();
    sts.attribute = (req) => lambda.attribution.tagOf(req);
    const cfn = await CfnResponseServer.start();
    const cloudFormation = await FakeCloudFormationApi.start();
    // Services that the handler's SDK (which sees the virtual clock) talks to answer with virtual Date headers,
    // keep their rate limits on that clock, and attribute calls to the lifecycle request that made them.
    for (const fake of [proton, gitSync]) {
      fake.now = () => clock.now();
      fake.setRateLimit(fake.rateLimit);
      fake.attribute = (req) => lambda.attribution.tagOf(req);
      // Callers are who their access keys say, in the world's accounts.
      fake.iam = iam;
      fake.homeAccount = accountId;
    }
    cloudFormation.now = () => clock.now();
    cloudFormation.attribute = (req) => lambda.attribution.tagOf(req);
    const owned = [...(options.proton ? [] : [proton]), ...(options.gitSync ? [] : [gitSync])];
    return new OfflineWorld(clock, proton, gitSync, owned, lambda, sfn, cfn, cloudFormation, iam, sts, region, accountId, options.responseTimeoutMs ?? 45_000);
  }

  private readonly restoreEnvironment: () => void;
  private readonly defaultEndpoints: Readonly<Record<string, string>>;

  private constructor(
    /** The virtual clock the functions see. */
    public readonly clock: VirtualClock,
    /** The fake Proton the gate's handler reaches. */
    public readonly proton: FakeProton,
    /** The fake CodeStar Connections (CloudFormation Git sync) the gate's handler reaches. */
    public readonly gitSync: FakeCodeStarConnections,
    private readonly owned: readonly (FakeProton | FakeCodeStarConnections)[],
    /** The Lambda emulator (invocations, logs). */
    public readonly lambda: FakeLambda,
    /** The Step Functions emulator (executions). */
    public readonly stepFunctions: FakeStepFunctions,
    private readonly cfn: CfnResponseServer,
    /** CloudFormation's DescribeStacks, reporting the status of the stack being deployed. */
    public readonly cloudFormation: FakeCloudFormationApi,
    /** The simulated accounts' roles and who signs with which key. */
    public readonly iam: FakeIam,
    /** STS, which the gate's handler assumes reader roles with. */
    public readonly sts: FakeSts,
    public readonly region: string,
    public readonly accountId: string,
    private readonly responseTimeoutMs: number,
  ) {
    this.defaultEndpoints = {
      proton: proton.endpoint,
      'codestar-connections': gitSync.endpoint,
      lambda: lambda.endpoint,
      sfn: stepFunctions.endpoint,
      cloudformation: cloudFormation.endpoint,
      sts: sts.endpoint,
    };
    this.restoreEnvironment = applyEnvironment(worldEnvironment(region, this.defaultEndpoints));
  }

  /**
   * Installs a synthesized stack's Lambda functions and state machines (what CloudFormation would create before
   * the custom resources that depend on them). Installing another synthesis of the same stack replaces them;
   * installing an InstalledStack again puts its functions back. Its roles and policies go to the world's IAM, in
   * `options.accountId` (default: the world's account): e.g. the reader role a sync's owner deploys.
   */
  public install(stack: SynthesizedStack | InstalledStack, options: InstallOptions = {}): InstalledStack {
    const synthesized = 'synthesized' in stack ? stack.synthesized : stack;
    return installStack(synthesized, { ...this.installTarget, accountId: options.accountId ?? this.accountId });
  }

  /** Where a deployer installs a template's Lambda functions, state machines and roles (see StackDeployment). */
  public get installTarget(): InstallTarget {
    return { region: this.region, accountId: this.accountId, lambda: this.lambda, stepFunctions: this.stepFunctions, cfn: this.cfn, iam: this.iam };
  }

  /** Sends a Create for the resource as the stack's template defines it. */
  public create(stack: InstalledStack, options: RequestOptions = {}): Promise<LifecycleOutcome> {
    const id = this.logicalId(stack, options);
    return this.send(stack, { RequestType: 'Create', LogicalResourceId: id, ResourceProperties: this.properties(stack, id) }, options);
  }

  /**
   * Sends an Update from `previous`'s properties to `next`'s (both syntheses of the same stack; install `next`
   * first). When the handler answers another physical id, CloudFormation would later Delete the old one: call
   * {@link delete} with `previous` and the old id for that.
   */
  public update(previous: InstalledStack, next: InstalledStack, physicalResourceId: string, options: RequestOptions = {}): Promise<LifecycleOutcome> {
    const id = this.logicalId(next, options);
    return this.send(next, {
      RequestType: 'Update',
      LogicalResourceId: id,
      PhysicalResourceId: physicalResourceId,
      ResourceProperties: this.properties(next, id),
      OldResourceProperties: this.properties(previous, id),
    }, options);
  }

  /** Sends a Delete of `physicalResourceId` with the properties of `stack`'s template. */
  public delete(stack: InstalledStack, physicalResourceId: string, options: RequestOptions = {}): Promise<LifecycleOutcome> {
    const id = this.logicalId(stack, options);
    return this.send(stack, { RequestType: 'Delete', LogicalResourceId: id, PhysicalResourceId: physicalResourceId, ResourceProperties: this.properties(stack, id) }, options);
  }

  /**
   * Points the functions' client of `service` (as in `AWS_ENDPOINT_URL_<SERVICE>`: `proton`,
   * `codestar-connections`, `cloudformation`, ...) somewhere else from their next cold start on, e.g. a closed
   * port to make it unreachable; without a url, back to the world's fake (or, for a service the world does not
   * fake, to the dead port of `AWS_ENDPOINT_URL`).
   */
  public setEndpoint(service: string, url?: string): void {
    const key = endpointVariable(service);
    if (!(key in worldEnvironment(this.region, this.defaultEndpoints)) && url !== undefined) {
      throw new Error(`${key} is not one of the world's variables: add it to ENV_KEYS so that close() restores it`);
    }
    setVariable(key, url ?? this.defaultEndpoints[service.toLowerCase()]);
  }

  /** {@link setEndpoint} for `proton`. */
  public setProtonEndpoint(endpoint?: string): void {
    this.setEndpoint('proton', endpoint);
  }

  /** Stops every server and restores the process environment. */
  public async close(): Promise<void> {
    await Promise.allSettled([this.lambda.idle(), this.stepFunctions.idle()]);
    await this.cfn.close();
    await this.stepFunctions.close();
    await this.lambda.close();
    await this.cloudFormation.close();
    await this.sts.close();
    for (const fake of this.owned) await fake.close();
    this.restoreEnvironment();
  }

  private logicalId(stack: InstalledStack, options: RequestOptions): string {
    if (options.logicalResourceId) return options.logicalResourceId;
    const all = stack.customResources();
    if (all.length !== 1) throw new Error(`stack ${stack.stackName} has ${all.length} custom resources: name one with logicalResourceId`);
    return all[0];
  }

  /** The resource's properties as CloudFormation sends them: resolved, every scalar a string. */
  private properties(stack: InstalledStack, logicalId: string): Record<string, unknown> {
    const resource = stack.synthesized.template.Resources[logicalId];
    if (!resource) throw new Error(`no resource ${logicalId} in ${stack.stackName}`);
    return asCloudFormationSends(stack.resolve(resource.Properties ?? {})) as Record<string, unknown>;
  }

  /**
   * Sends one custom-resource request as CloudFormation builds it (the properties already resolved, every scalar a
   * string) and leaves DescribeStacks as it is: for a caller that runs the stack's status itself (StackDeployment).
   */
  public request(request: CustomResourceRequest): Promise<LifecycleOutcome> {
    return this.dispatch(request);
  }

  private send(
    stack: InstalledStack,
    partial: Omit<CustomResourceRequest, 'StackId' | 'ResourceType'>,
    options: RequestOptions,
  ): Promise<LifecycleOutcome> {
    const status = options.stackStatus ?? `${partial.RequestType.toUpperCase()}_IN_PROGRESS`;
    this.cloudFormation.setStatus(stack.stackId, stack.stackName, status);
    const resource = stack.synthesized.template.Resources[partial.LogicalResourceId];
    return this.dispatch({ ...partial, StackId: stack.stackId, ResourceType: resource.Type });
  }

  private async dispatch(partial: CustomResourceRequest): Promise<LifecycleOutcome> {
    const serviceToken = String(partial.ResourceProperties.ServiceToken);
    const requestId = randomUUID();
    const { url, response } = this.cfn.expectResponse(partial.StackId, partial.LogicalResourceId, requestId);
    const request = {
      ...partial,
      ServiceToken: serviceToken,
      ResponseURL: url,
      RequestId: requestId,
    };
    // Each request starts on cold execution environments (no state carried over from an earlier scenario);
    // requests sent together each get their own environments anyway, as concurrent invocations do in Lambda.
    this.lambda.coldStart();
    const realStart = Date.now();
    const virtualStart = this.clock.now();

    // Every invocation, call and log line of this request is attributed to its RequestId.
    this.lambda.invokeAsync(serviceToken, request);
    let received: ReceivedResponse;
    const guard = setTimeout(
      () => this.cfn.abandon(url, new Error(`no response on the ResponseURL within ${this.responseTimeoutMs} ms (real): the custom resource hung`)),
      this.responseTimeoutMs,
    );
    try {
      received = await response;
    } finally {
      clearTimeout(guard);
    }
    const virtualElapsedMs = this.clock.now() - virtualStart;
    // Let the invocations and the waiter execution that produced the answer finish.
    await this.lambda.idle(requestId);
    await this.stepFunctions.idle(requestId);

    const body = received.body;
    const tooLong = received.bytes > MAX_RESPONSE_BYTES;
    const problems = checkResponse(body, request);
    if (problems.length > 0) throw new Error(`CloudFormation would reject the response: ${problems.join('; ')}\n${JSON.stringify(body)}`);
    const logs = this.lambda.logsOf(requestId);
    const protonCalls = this.proton.calls.filter((c) => c.requestTag === requestId);
    const gitSyncCalls = this.gitSync.calls.filter((c) => c.requestTag === requestId);
    return {
      requestType: partial.RequestType,
      logicalResourceId: partial.LogicalResourceId,
      requestId,
      status: tooLong ? 'FAILED' : (body.Status as 'SUCCESS' | 'FAILED'),
      reason: tooLong ? 'Response object is too long.' : String(body.Reason ?? ''),
      physicalResourceId: String(body.PhysicalResourceId),
      data: (body.Data as Record<string, unknown> | undefined) ?? {},
      responseBytes: received.bytes,
      body,
      request,
      protonCalls,
      gitSyncCalls,
      apiCalls: [...protonCalls, ...gitSyncCalls].sort((a, b) => a.receivedAt - b.receivedAt),
      describeStacksCalls: this.cloudFormation.calls.filter((c) => c.requestTag === requestId),
      stsCalls: this.sts.calls.filter((c) => c.requestTag === requestId),
      waiterAttempts: this.stepFunctions.executions
        .filter((e) => e.requestTag === requestId)
        .reduce((n, e) => n + e.attempts.filter((a) => a.state.includes('isComplete')).length, 0),
      virtualElapsedMs,
      realElapsedMs: received.receivedAt - realStart,
      respondedAt: received.receivedAt,
      logs,
      polls: pollsOf(logs),
    };
  }
}
