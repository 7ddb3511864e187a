/**
 * An offline stand-in for AWS Step Functions, enough for aws-cdk-lib's Provider-framework waiter: it serves
 * StartExecution (awsJson1_0, `AWSStepFunctions.StartExecution`) on 127.0.0.1 for `AWS_ENDPOINT_URL_SFN`, and
 * runs the state machine's definition as synthesized: Task states whose Resource is a Lambda function ARN, with
 * their Retry (ErrorEquals, IntervalSeconds, MaxAttempts, BackoffRate, MaxDelaySeconds) and Catch rules. Retry
 * waits are sleepers of the world's {@link VirtualClock}: any number of executions wait at once, each waking at
 * its own virtual deadline.
 *
 * Not emulated: other state types (Wait, Choice, Parallel, Map, Pass), InputPath/ResultPath/OutputPath other
 * than the defaults, task heartbeats and timeouts, execution history limits, JitterStrategy (treated as NONE).
 */
import { randomUUID } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { FakeLambda } from './lambda-emulator';
import { listenOnLoopback } from './loopback';
import { VirtualClock } from './virtual-clock';

interface Retrier {
  readonly ErrorEquals: string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
}

interface Catcher {
  readonly ErrorEquals: string[];
  readonly Next: string;
}

interface TaskState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Retry?: Retrier[];
  readonly Catch?: Catcher[];
}

/** A state machine definition (Amazon States Language), as parsed from the template. */
export interface StateMachineDefinition {
  readonly StartAt: string;
  readonly States: Record<string, TaskState>;
}

/** One task attempt of an execution. */
export interface TaskAttempt {
  readonly state: string;
  /** Virtual time at which the task started. */
  readonly virtualAt: number;
  readonly error?: string;
}

/** One execution, as the history would show it. */
export interface Execution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly input: unknown;
  /** The lifecycle request (CloudFormation RequestId in the input, as the Provider framework passes it). */
  readonly requestTag?: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  readonly attempts: TaskAttempt[];
  error?: string;
  cause?: string;
}

/** The Step Functions emulator. Start with {@link FakeStepFunctions.start}; always close it. */
export class FakeStepFunctions {
  public static async start(options: { lambda: FakeLambda; clock: VirtualClock }): Promise<FakeStepFunctions> {
    const fake = new FakeStepFunctions(options.lambda, options.clock);
    await listenOnLoopback(fake.server);
    return fake;
  }

  /** Every execution started, in order. */
  public readonly executions: Execution[] = [];

  private readonly machines = new Map<string, StateMachineDefinition>();
  private readonly running = new Map<Promise<void>, string | undefined>();
  private readonly server: http.Server;
  private closed = false;

  private constructor(
    private readonly lambda: FakeLambda,
    private readonly clock: VirtualClock,
  ) {
    this.server = http.createServer((req, res) => void this.handleHttp(req, res));
  }

  /** `http://127.0.0.1:<port>`: the value for AWS_ENDPOINT_URL_SFN. */
  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Registers a state machine under its ARN; its definition is checked for what this emulator supports. */
  public register(stateMachineArn: string, definition: StateMachineDefinition): void {
    for (const [name, state] of Object.entries(definition.States)) {
      if (state.Type !== 'Task' || !state.Resource?.startsWith('arn:aws:lambda:')) {
        throw new Error(`FakeStepFunctions supports only Lambda Task states; ${name} is ${state.Type} ${state.Resource ?? ''}`);
      }
    }
    this.machines.set(stateMachineArn, definition);
  }

  /** Waits until every execution (of the lifecycle request `requestTag` only, when given) has ended. */
  public async idle(requestTag?: string): Promise<void> {
    for (;;) {
      const runs = [...this.running].filter(([, tag]) => requestTag === undefined || tag === requestTag).map(([run]) => run);
      if (runs.length === 0) return;
      await Promise.allSettled(runs);
    }
  }

  public async close(): Promise<void> {
    this.closed = true;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Starts an execution (what StartExecution does) and returns it; the run goes on in the background. */
  public startExecution(stateMachineArn: string, input: unknown): Execution {
    const definition = this.machines.get(stateMachineArn);
    if (!definition) throw new Error(`State Machine Does Not Exist: '${stateMachineArn}'`);
    const name = randomUUID();
    const requestId = (input as { RequestId?: unknown } | null)?.RequestId;
    const execution: Execution = {
      executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
      stateMachineArn,
      input,
      requestTag: typeof requestId === 'string' ? requestId : undefined,
      status: 'RUNNING',
      attempts: [],
    };
    this.executions.push(execution);
    const run = this.run(definition, execution).catch((e: unknown) => {
      execution.status = 'FAILED';
      execution.error = 'States.Runtime';
      execution.cause = String((e as Error)?.stack ?? e);
    });
    this.running.set(run, execution.requestTag);
    void run.finally(() => this.running.delete(run));
    return execution;
  }

  private async run(definition: StateMachineDefinition, execution: Execution): Promise<void> {
    let stateName = definition.StartAt;
    let input: unknown = execution.input;
    for (;;) {
      const state = definition.States[stateName];
      if (!state) throw new Error(`no state ${stateName}`);
      const retryCounts = (state.Retry ?? []).map(() => 0);
      let outcome: { output: unknown } | { error: string; cause: string };
      for (;;) {
        if (this.closed) throw new Error('FakeStepFunctions closed during an execution');
        const result = await this.lambda.invoke(state.Resource!, input, execution.requestTag);
        if (!result.error) {
          outcome = { output: result.payload };
          execution.attempts.push({ state: stateName, virtualAt: this.clock.now() });
          break;
        }
        // A Lambda task's error is the function's errorType; its cause, the function's error payload as JSON.
        const error = result.error.errorType;
        const cause = JSON.stringify(result.error);
        execution.attempts.push({ state: stateName, virtualAt: this.clock.now(), error });
        const r = (state.Retry ?? []).findIndex((retrier) => matches(retrier.ErrorEquals, error));
        const retrier = r >= 0 ? state.Retry![r] : undefined;
        const maxAttempts = retrier?.MaxAttempts ?? 3;
        if (retrier && retryCounts[r] < maxAttempts) {
          const interval = (retrier.IntervalSeconds ?? 1) * Math.pow(retrier.BackoffRate ?? 2, retryCounts[r]);
          const wait = retrier.MaxDelaySeconds !== undefined ? Math.min(interval, retrier.MaxDelaySeconds) : interval;
          retryCounts[r] += 1;
          await this.clock.sleep(wait * 1000);
          continue;
        }
        outcome = { error, cause };
        break;
      }
      if ('error' in outcome) {
        const catcher = (state.Catch ?? []).find((c) => matches(c.ErrorEquals, (outcome as { error: string }).error));
        if (!catcher) {
          execution.status = 'FAILED';
          execution.error = outcome.error;
          execution.cause = outcome.cause;
          return;
        }
        // Default ResultPath "$": the error output replaces the state's input.
        input = { Error: outcome.error, Cause: outcome.cause };
        stateName = catcher.Next;
        continue;
      }
      if (state.End) {
        execution.status = 'SUCCEEDED';
        return;
      }
      input = outcome.output;
      stateName = state.Next!;
    }
  }

  private async handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (status: number, body: object): void => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() }).end(text);
    };
    const fail = (status: number, type: string, message: string): void => send(status, { __type: `com.amazonaws.swf.service.v2.model#${type}`, message });
    if (req.method !== 'POST' || req.url !== '/' || req.headers['x-amz-target'] !== 'AWSStepFunctions.StartExecution') {
      fail(400, 'UnknownOperationException', `FakeStepFunctions serves only StartExecution, not ${String(req.headers['x-amz-target'])}`);
      return;
    }
    if (!/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/states\/aws4_request/.test(req.headers.authorization ?? '')) {
      fail(403, 'MissingAuthenticationTokenException', 'Missing or malformed SigV4 signature for states');
      return;
    }
    let body: { stateMachineArn?: unknown; input?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      fail(400, 'SerializationException', 'body is not JSON');
      return;
    }
    if (typeof body.stateMachineArn !== 'string' || !this.machines.has(body.stateMachineArn)) {
      fail(400, 'StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(body.stateMachineArn)}'`);
      return;
    }
    const inputText = typeof body.input === 'string' ? body.input : '{}';
    if (Buffer.byteLength(inputText) > 256 * 1024) {
      fail(400, 'InvalidExecutionInput', 'input exceeds the 256 KiB limit');
      return;
    }
    let input: unknown;
    try {
      input = JSON.parse(inputText);
    } catch {
      fail(400, 'InvalidExecutionInput', 'input is not JSON');
      return;
    }
    const execution = this.startExecution(body.stateMachineArn, input);
    send(200, { executionArn: execution.executionArn, startDate: this.clock.now() / 1000 });
  }
}

function matches(errorEquals: readonly string[], error: string): boolean {
  return errorEquals.includes(error) || errorEquals.includes('States.ALL') || (errorEquals.includes('States.TaskFailed') && error !== 'States.Timeout');
}
