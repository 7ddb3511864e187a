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
 * - Proton ({@link FakeProton}): scripted, model-checked.
 * - CloudFormation's DescribeStacks ({@link FakeCloudFormationApi}): the stack status during the request.
 * - Time ({@link VirtualClock}): waits compressed by `timeScale`; the functions' Date follows.
 *
 * The Provider framework's runtime runs unchanged from the assembly; one seam is routed: its ResponseURL PUT
 * (cfn-response drops the URL's port, as real ResponseURLs use 443) goes to the loopback server's port, with its
 * certificate trusted. The real request code (`https.request`, headers, body) is what sends it.
 *
 * Usage (one world per test file; requests run one at a time):
 * ```ts
 * const world = await OfflineWorld.start();
 * const [stack] = synthExampleApp([{}]);
 * const deployed = world.install(stack);
 * world.proton.script('sample-service', 'sample-instance', [{ respond: ... }]);
 * const outcome = await world.create(deployed);
 * expect(outcome.status).toBe('SUCCESS');
 * await world.close();
 * ```
 */
import { createHash, randomUUID } from 'crypto';
import { CfnResponseServer, MAX_RESPONSE_BYTES, ReceivedResponse } from './cfn-response-server';
import { DescribeStacksCall, FakeCloudFormationApi } from './fake-cloudformation-api';
import { FakeProton, ProtonCall } from './fake-proton';
import { asCloudFormationSends, resolveIntrinsics } from './intrinsics';
import { FakeLambda, realProcess } from './lambda-emulator';
import { FakeStepFunctions, StateMachineDefinition } from './step-functions';
import { SynthesizedStack } from './synth';
import { VirtualClock } from './virtual-clock';

/** Options of {@link OfflineWorld.start}. */
export interface OfflineWorldOptions {
  /** Virtual ms per real ms during waits (default 1000: a 15 s poll interval takes 15 ms). */
  readonly timeScale?: number;
  readonly region?: string;
  readonly accountId?: string;
  /** Give up on a request when no answer arrived after this much real time (default 45 s, under jest's 60 s test timeout). */
  readonly responseTimeoutMs?: number;
  /** Use this fake Proton instead of starting one (it is not closed with the world). */
  readonly proton?: FakeProton;
}

/** A stack whose functions and state machines are installed in the world. */
export interface InstalledStack {
  readonly synthesized: SynthesizedStack;
  readonly stackName: string;
  readonly stackId: string;
  /** Logical id -> physical name or ARN, as Ref / Fn::GetAtt resolve. */
  readonly resolve: (value: unknown) => unknown;
  /** Logical ids of the stack's custom resources of type `resourceType` (default: all custom resources). */
  readonly customResources: (resourceType?: string) => string[];
  /** Function name by logical id. */
  readonly functionNames: ReadonlyMap<string, string>;
  /** The waiter state machine definitions by ARN, as synthesized (resolved). */
  readonly stateMachines: ReadonlyMap<string, StateMachineDefinition>;
}

/** What CloudFormation got back for one lifecycle request, and what it took. */
export interface LifecycleOutcome {
  readonly requestType: 'Create' | 'Update' | 'Delete';
  readonly logicalResourceId: string;
  /** The status CloudFormation records: the response's, or FAILED when the response broke a CloudFormation limit. */
  readonly status: 'SUCCESS' | 'FAILED';
  readonly reason: string;
  readonly physicalResourceId: string;
  /** Data attributes of a SUCCESS (empty object when none). */
  readonly data: Readonly<Record<string, unknown>>;
  /** Size of the PUT body in bytes (CloudFormation allows at most 4,096). */
  readonly responseBytes: number;
  /** The PUT body as received. */
  readonly body: Readonly<Record<string, unknown>>;
  /** The request CloudFormation sent (ResponseURL included). */
  readonly request: Readonly<Record<string, unknown>>;
  /** Proton calls made while the request ran. */
  readonly protonCalls: readonly ProtonCall[];
  /** CloudFormation DescribeStacks calls made while the request ran. */
  readonly describeStacksCalls: readonly DescribeStacksCall[];
  /** How many times the waiter ran the framework's isComplete task. */
  readonly waiterAttempts: number;
  /** Virtual time from sending the request to receiving the answer. */
  readonly virtualElapsedMs: number;
  /** Real time from sending the request to receiving the answer. */
  readonly realElapsedMs: number;
  /** Real wall-clock time (ms) at which the answer arrived. */
  readonly respondedAt: number;
  /** Log lines that the stack's functions wrote during the request (all log groups). */
  readonly logs: readonly string[];
  /** The gate's structured poll lines (`{"message":"poll",...}`) written during the request. */
  readonly polls: readonly Record<string, unknown>[];
}

/** Options of one lifecycle request. */
export interface RequestOptions {
  /** The custom resource to act on; defaults to the stack's only custom resource. */
  readonly logicalResourceId?: string;
  /**
   * The stack status DescribeStacks reports while the request runs. Defaults to what CloudFormation shows:
   * CREATE_IN_PROGRESS, UPDATE_IN_PROGRESS, DELETE_IN_PROGRESS; pass UPDATE_ROLLBACK_IN_PROGRESS for the Update
   * that rolls a failed update back, or UPDATE_COMPLETE_CLEANUP_IN_PROGRESS for the Delete after a replacement.
   */
  readonly stackStatus?: string;
}

const ENV_KEYS = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_PROTON',
  'AWS_ENDPOINT_URL_LAMBDA',
  'AWS_ENDPOINT_URL_SFN',
  'AWS_ENDPOINT_URL_CLOUDFORMATION',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
  'AWS_MAX_ATTEMPTS',
  'AWS_RETRY_MODE',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
] as const;

/** The offline world. Start with {@link OfflineWorld.start}; always {@link OfflineWorld.close} it. */
export class OfflineWorld {
  public static async start(options: OfflineWorldOptions = {}): Promise<OfflineWorld> {
    const region = options.region ?? 'us-east-1';
    const accountId = options.accountId ?? '123456789012';
    const clock = new VirtualClock(options.timeScale ?? 1000);
    const proton = options.proton ?? (await FakeProton.start());
    const lambda = await FakeLambda.start({ clock, region });
    const sfn = await FakeStepFunctions.start({ lambda, clock });
    const cfn = await CfnResponseServer.start();
    const cloudFormation = await FakeCloudFormationApi.start();
    // Services that the handler's SDK (which sees the virtual clock) talks to answer with virtual Date headers.
    proton.now = () => clock.now();
    cloudFormation.now = () => clock.now();
    return new OfflineWorld(clock, proton, !options.proton, lambda, sfn, cfn, cloudFormation, region, accountId, options.responseTimeoutMs ?? 45_000);
  }

  private readonly savedEnv = new Map<string, string | undefined>();

  private constructor(
    /** The virtual clock the functions see. */
    public readonly clock: VirtualClock,
    /** The fake Proton the gate's handler reaches. */
    public readonly proton: FakeProton,
    private readonly ownsProton: boolean,
    /** The Lambda emulator (invocations, logs). */
    public readonly lambda: FakeLambda,
    /** The Step Functions emulator (executions). */
    public readonly stepFunctions: FakeStepFunctions,
    private readonly cfn: CfnResponseServer,
    /** CloudFormation's DescribeStacks, reporting the status of the stack being deployed. */
    public readonly cloudFormation: FakeCloudFormationApi,
    public readonly region: string,
    public readonly accountId: string,
    private readonly responseTimeoutMs: number,
  ) {
    // Natively loaded SDK clients (the framework's Lambda and Step Functions clients) read the real process
    // environment; the handler's SDK sees the same through its function environment. Only loopback endpoints
    // and fake credentials: nothing can reach AWS (AWS_ENDPOINT_URL catches any other service, on a dead port).
    const env: Record<(typeof ENV_KEYS)[number], string | undefined> = {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: 'AKIAOFFLINEWORLD0000',
      AWS_SECRET_ACCESS_KEY: 'offline-world-fake-secret-key',
      AWS_SESSION_TOKEN: 'offline-world-fake-session-token',
      AWS_PROFILE: undefined,
      AWS_CONFIG_FILE: '/nonexistent/offline-world/config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/offline-world/credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ENDPOINT_URL_PROTON: proton.endpoint,
      AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
      AWS_ENDPOINT_URL_SFN: stepFunctions.endpoint,
      AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormation.endpoint,
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: undefined,
      AWS_MAX_ATTEMPTS: undefined,
      AWS_RETRY_MODE: undefined,
      // The functions' runtime is Node.js 24, where the SDK has nothing to warn about; the tests may run on 20.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    for (const key of ENV_KEYS) {
      this.savedEnv.set(key, realProcess.env[key]);
      if (env[key] === undefined) delete realProcess.env[key];
      else realProcess.env[key] = env[key];
    }
  }

  /**
   * Installs a synthesized stack's Lambda functions and state machines (what CloudFormation would create before
   * the custom resources that depend on them). Installing another synthesis of the same stack replaces them;
   * installing an InstalledStack again puts its functions back.
   */
  public install(stack: SynthesizedStack | InstalledStack): InstalledStack {
    const synthesized = 'synthesized' in stack ? stack.synthesized : stack;
    const { template, stackName } = synthesized;
    const stackId = `arn:aws:cloudformation:${this.region}:${this.accountId}:stack/${stackName}/${stableUuid(stackName)}`;
    const names = new Map<string, { ref: string; arn?: string }>();
    for (const [id, resource] of Object.entries(template.Resources)) {
      const physical = `${stackName}-${id}`.slice(0, 64);
      switch (resource.Type) {
        case 'AWS::Lambda::Function':
          names.set(id, { ref: physical, arn: `arn:aws:lambda:${this.region}:${this.accountId}:function:${physical}` });
          break;
        case 'AWS::StepFunctions::StateMachine': {
          const arn = `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${id}`;
          names.set(id, { ref: arn, arn });
          break;
        }
        case 'AWS::IAM::Role':
          names.set(id, { ref: physical, arn: `arn:aws:iam::${this.accountId}:role/${physical}` });
          break;
        case 'AWS::Logs::LogGroup':
          names.set(id, { ref: physical, arn: `arn:aws:logs:${this.region}:${this.accountId}:log-group:${physical}:*` });
          break;
        default:
          names.set(id, { ref: physical });
      }
    }
    const pseudo: Record<string, string> = {
      'AWS::Region': this.region,
      'AWS::AccountId': this.accountId,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': stackName,
      'AWS::StackId': stackId,
    };
    const resolve = (value: unknown): unknown => resolveIntrinsics(value, names, pseudo);

    const functionNames = new Map<string, string>();
    const cfn = this.cfn;
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const p = resolve(resource.Properties) as Record<string, unknown>;
      const code = p.Code as { S3Key?: string; ZipFile?: string };
      const hash = code.S3Key?.replace(/\.zip$/, '');
      const codeDir = hash ? synthesized.assetDirs.get(hash) : undefined;
      if (!codeDir) throw new Error(`function ${id}: no unpacked code asset for ${JSON.stringify(code)}`);
      const name = names.get(id)!.ref;
      functionNames.set(id, name);
      const logging = p.LoggingConfig as { LogGroup?: string } | undefined;
      this.lambda.register({
        name,
        arn: names.get(id)!.arn!,
        codeDir,
        handler: String(p.Handler),
        timeoutSeconds: Number(p.Timeout ?? 3),
        memoryMb: Number(p.MemorySize ?? 128),
        runtime: String(p.Runtime),
        logGroupName: logging?.LogGroup ?? `/aws/lambda/${name}`,
        environment: ((p.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ?? {}) as Record<string, string>,
        onLoad: (load) => routeFrameworkResponses(codeDir, load, cfn),
      });
    }
    const stateMachines = new Map<string, StateMachineDefinition>();
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::StepFunctions::StateMachine') continue;
      const p = resolve(resource.Properties) as { DefinitionString?: string; Definition?: StateMachineDefinition };
      const definition = p.Definition ?? (JSON.parse(String(p.DefinitionString)) as StateMachineDefinition);
      const arn = names.get(id)!.arn!;
      this.stepFunctions.register(arn, definition);
      stateMachines.set(arn, definition);
    }
    const customResources = (resourceType?: string): string[] =>
      Object.entries(template.Resources)
        .filter(([, r]) => (resourceType ? r.Type === resourceType : r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource'))
        .map(([id]) => id);
    return { synthesized, stackName, stackId, resolve, customResources, functionNames, stateMachines };
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
   * Points the gate's Proton client somewhere else from the next request on (e.g. a closed port, to make Proton
   * unreachable); without an argument, back to {@link proton}. Functions load the environment at cold start.
   */
  public setProtonEndpoint(endpoint?: string): void {
    realProcess.env.AWS_ENDPOINT_URL_PROTON = endpoint ?? this.proton.endpoint;
  }

  /** Stops every server and restores the process environment. */
  public async close(): Promise<void> {
    await Promise.allSettled([this.lambda.idle(), this.stepFunctions.idle()]);
    await this.cfn.close();
    await this.stepFunctions.close();
    await this.lambda.close();
    await this.cloudFormation.close();
    if (this.ownsProton) await this.proton.close();
    for (const [key, value] of this.savedEnv) {
      if (value === undefined) delete realProcess.env[key];
      else realProcess.env[key] = value;
    }
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

  private async send(
    stack: InstalledStack,
    partial: Record<string, unknown> & { RequestType: 'Create' | 'Update' | 'Delete'; LogicalResourceId: string; ResourceProperties: Record<string, unknown> },
    options: RequestOptions,
  ): Promise<LifecycleOutcome> {
    const resource = stack.synthesized.template.Resources[partial.LogicalResourceId];
    const serviceToken = String(partial.ResourceProperties.ServiceToken);
    const requestId = randomUUID();
    const { url, response } = this.cfn.expectResponse(stack.stackId, partial.LogicalResourceId, requestId);
    const request = {
      ...partial,
      ServiceToken: serviceToken,
      ResponseURL: url,
      StackId: stack.stackId,
      RequestId: requestId,
      ResourceType: resource.Type,
    };
    // Each request starts on cold execution environments (no state carried over from an earlier scenario).
    this.lambda.coldStart();
    const status = options.stackStatus ?? `${partial.RequestType.toUpperCase()}_IN_PROGRESS`;
    this.cloudFormation.setStatus(stack.stackId, stack.stackName, status);
    const callsBefore = this.proton.calls.length;
    const describeBefore = this.cloudFormation.calls.length;
    const executionsBefore = this.stepFunctions.executions.length;
    const logsBefore = new Map([...this.lambda.logs].map(([group, lines]) => [group, lines.length]));
    const realStart = Date.now();
    const virtualStart = this.clock.now();

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
    // Let the invocations and the waiter execution that produced the answer finish before the next request.
    await this.lambda.idle();
    await this.stepFunctions.idle();

    const body = received.body;
    const tooLong = received.bytes > MAX_RESPONSE_BYTES;
    const logs: string[] = [];
    for (const [group, lines] of this.lambda.logs) logs.push(...lines.slice(logsBefore.get(group) ?? 0));
    const polls = logs.flatMap((line) => {
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        return parsed.message === 'poll' ? [parsed] : [];
      } catch {
        return [];
      }
    });
    const problems = checkResponse(body, request);
    if (problems.length > 0) throw new Error(`CloudFormation would reject the response: ${problems.join('; ')}\n${JSON.stringify(body)}`);
    return {
      requestType: partial.RequestType,
      logicalResourceId: partial.LogicalResourceId,
      status: tooLong ? 'FAILED' : (body.Status as 'SUCCESS' | 'FAILED'),
      reason: tooLong ? 'Response object is too long.' : String(body.Reason ?? ''),
      physicalResourceId: String(body.PhysicalResourceId),
      data: (body.Data as Record<string, unknown> | undefined) ?? {},
      responseBytes: received.bytes,
      body,
      request,
      protonCalls: this.proton.calls.slice(callsBefore),
      describeStacksCalls: this.cloudFormation.calls.slice(describeBefore),
      waiterAttempts: this.stepFunctions.executions.slice(executionsBefore).reduce((n, e) => n + e.attempts.filter((a) => a.state.includes('isComplete')).length, 0),
      virtualElapsedMs,
      realElapsedMs: received.receivedAt - realStart,
      respondedAt: received.receivedAt,
      logs,
      polls,
    };
  }
}

/** What CloudFormation checks in a custom resource's response. */
function checkResponse(body: Record<string, unknown>, request: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (body.Status !== 'SUCCESS' && body.Status !== 'FAILED') problems.push(`Status ${JSON.stringify(body.Status)}`);
  for (const key of ['StackId', 'RequestId', 'LogicalResourceId'] as const) {
    if (body[key] !== request[key]) problems.push(`${key} ${JSON.stringify(body[key])} does not match the request's ${JSON.stringify(request[key])}`);
  }
  if (typeof body.PhysicalResourceId !== 'string' || body.PhysicalResourceId.length === 0) problems.push('PhysicalResourceId missing');
  if (body.Status === 'FAILED' && !body.Reason) problems.push('a FAILED response needs a Reason');
  if (request.RequestType === 'Delete' && body.PhysicalResourceId !== request.PhysicalResourceId) problems.push('Delete changed the PhysicalResourceId');
  if (body.Data !== undefined && (typeof body.Data !== 'object' || body.Data === null || Array.isArray(body.Data))) problems.push('Data is not an object');
  return problems;
}

/**
 * The one seam: aws-cdk-lib's cfn-response PUTs to the ResponseURL's hostname and path on the default HTTPS
 * port. Route that request to the loopback server's port and trust its certificate; refuse any other host.
 */
function routeFrameworkResponses(codeDir: string, load: (file: string) => Record<string, unknown>, cfn: CfnResponseServer): void {
  let outbound: Record<string, unknown>;
  try {
    load('./cfn-response');
    outbound = load('./outbound');
  } catch {
    return; // not the Provider framework
  }
  const real = outbound.httpRequest as ((options: Record<string, unknown>, body: string) => Promise<void>) | undefined;
  if (typeof real !== 'function') throw new Error(`${codeDir}/outbound.js exports no httpRequest: has aws-cdk-lib's framework changed?`);
  outbound.httpRequest = (options: Record<string, unknown>, body: string) => {
    if (options.hostname !== '127.0.0.1') return Promise.reject(new Error(`offline world: refusing a ResponseURL PUT to ${String(options.hostname)}`));
    return real({ ...options, port: cfn.port, ca: cfn.ca }, body);
  };
}

function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
