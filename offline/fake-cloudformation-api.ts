/**
 * CloudFormation's DescribeStacks on 127.0.0.1 (awsQuery protocol: form-encoded POST, XML answer), for
 * `AWS_ENDPOINT_URL_CLOUDFORMATION`: the gate's handler asks it whether its stack is rolling back an update.
 * The stack statuses are the ones the {@link OfflineWorld} sets while it runs a lifecycle request, or the ones a
 * {@link StackDeployment} sets as it goes through a deployment's phases; a nested stack also answers its ParentId
 * and RootId, as DescribeStacks does.
 *
 * It fails as CloudFormation's API does in a busy account (the CDK CLI and consoles poll DescribeStacks during
 * every deployment): scripted faults (`Throttling` with HTTP 400, `InternalFailure` 500, `ServiceUnavailable` 503,
 * in awsQuery's error shape) for the next calls, and an account-wide rate limit on the service clock.
 */
import { randomUUID } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import type { RateLimit } from './fake-service-types';
import { listenOnLoopback } from './loopback';
import { TokenBucket } from './token-bucket';

/** An error DescribeStacks answers, with the HTTP status and awsQuery error type CloudFormation gives it. */
export const DESCRIBE_STACKS_FAULTS = {
  Throttling: { status: 400, type: 'Sender', message: 'Rate exceeded' },
  InternalFailure: { status: 500, type: 'Receiver', message: 'The request processing has failed because of an unknown error, exception or failure.' },
  ServiceUnavailable: { status: 503, type: 'Receiver', message: 'The request has failed due to a temporary failure of the server.' },
} as const;
export type DescribeStacksFault = keyof typeof DESCRIBE_STACKS_FAULTS;

/** A step of a DescribeStacks script: the next `times` calls (default 1) answer this fault, or the stack when none. */
export interface DescribeStacksFaultStep {
  readonly fault?: DescribeStacksFault;
  /** How many calls; Infinity for every call from now on. */
  readonly times?: number;
}

/** Where a nested stack sits: the stack that holds its AWS::CloudFormation::Stack resource, and the root stack. */
export interface StackNesting {
  readonly parentId: string;
  readonly rootId: string;
}

/** One DescribeStacks call. */
export interface DescribeStacksCall {
  readonly stackName: string;
  /** The status answered, or undefined when the stack was unknown or a fault was answered. */
  readonly answered?: string;
  /** The fault answered instead (scripted, or Throttling beyond the rate limit). */
  readonly fault?: DescribeStacksFault;
  readonly httpStatus: number;
  /** The offline-world request that made the call (see {@link FakeCloudFormationApi.attribute}). */
  readonly requestTag?: string;
}

export class FakeCloudFormationApi {
  public static async start(): Promise<FakeCloudFormationApi> {
    const fake = new FakeCloudFormationApi();
    await listenOnLoopback(fake.server);
    return fake;
  }

  /** Every DescribeStacks call, in order. */
  public readonly calls: DescribeStacksCall[] = [];
  /** The service's clock for the Date header (follows the world's virtual clock; see FakeProtonOptions.now). */
  public now: () => number = () => Date.now();
  /** Stack id -> { name, status, nesting }. */
  public readonly stacks = new Map<string, { name: string; status: string; nesting?: StackNesting }>();
  /** Tells which offline-world request made an HTTP request (set by the world). */
  public attribute?: (req: http.IncomingMessage) => string | undefined;
  private faults: { fault?: DescribeStacksFault; left: number }[] = [];
  private bucket?: TokenBucket;

  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => this.handle(req, res, new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
  });

  /** `http://127.0.0.1:<port>`: the value for AWS_ENDPOINT_URL_CLOUDFORMATION. */
  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Sets the status DescribeStacks reports for a stack (and, for a nested stack, its parent and root). */
  public setStatus(stackId: string, name: string, status: string, nesting?: StackNesting): void {
    this.stacks.set(stackId, { name, status, nesting: nesting ?? this.stacks.get(stackId)?.nesting });
  }

  /**
   * The next calls answer these faults (or the stack, for a step without one), in order, after any still scripted;
   * then the stacks' statuses again.
   */
  public script(steps: readonly DescribeStacksFaultStep[]): void {
    for (const step of steps) {
      const times = step.times ?? 1;
      if (!(times >= 1)) throw new Error(`DescribeStacks fault step: times must be >= 1, got ${times}`);
      if (step.fault !== undefined && !(step.fault in DESCRIBE_STACKS_FAULTS)) throw new Error(`DescribeStacks fault step: unknown fault ${JSON.stringify(step.fault)}`);
      this.faults.push({ fault: step.fault, left: times });
    }
  }

  /** An account-wide rate limit on the service clock (calls beyond it answer Throttling), or none. */
  public setRateLimit(limit?: RateLimit): void {
    this.bucket = limit ? new TokenBucket(limit, this.now()) : undefined;
  }

  /** No scripted fault and no rate limit left; the calls are kept. */
  public reset(): void {
    this.faults = [];
    this.bucket = undefined;
  }

  public async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** The scripted fault for this call, else Throttling when the rate limit has no token left, else none. */
  private nextFault(): DescribeStacksFault | undefined {
    const head = this.faults[0];
    if (head) {
      head.left -= 1;
      if (head.left <= 0) this.faults.shift();
      if (head.fault) return head.fault;
    }
    if (this.bucket && !this.bucket.take(this.now())) return 'Throttling';
    return undefined;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, form: URLSearchParams): void {
    const requestId = randomUUID();
    const error = (status: number, code: string, message: string, type = 'Sender'): void => {
      res
        .writeHead(status, { date: new Date(this.now()).toUTCString(), 'content-type': 'text/xml', 'x-amzn-requestid': requestId })
        .end(`<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
    };
    if (req.method !== 'POST' || form.get('Action') !== 'DescribeStacks' || form.get('Version') !== '2010-05-15') {
      error(400, 'InvalidAction', `FakeCloudFormationApi serves only DescribeStacks (2010-05-15), not ${form.get('Action')}`);
      return;
    }
    if (!/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/cloudformation\/aws4_request/.test(req.headers.authorization ?? '')) {
      error(403, 'MissingAuthenticationToken', 'Missing or malformed SigV4 signature for cloudformation');
      return;
    }
    const stackName = form.get('StackName') ?? '';
    const requestTag = this.attribute?.(req);
    const fault = this.nextFault();
    if (fault) {
      const f = DESCRIBE_STACKS_FAULTS[fault];
      this.calls.push({ stackName, fault, httpStatus: f.status, requestTag });
      error(f.status, fault, f.message, f.type);
      return;
    }
    const entry = [...this.stacks].find(([id, s]) => id === stackName || s.name === stackName);
    this.calls.push({ stackName, answered: entry?.[1].status, httpStatus: entry ? 200 : 400, requestTag });
    if (!entry) {
      error(400, 'ValidationError', `Stack with id ${stackName} does not exist`);
      return;
    }
    const [stackId, stack] = entry;
    res.writeHead(200, { date: new Date(this.now()).toUTCString(), 'content-type': 'text/xml', 'x-amzn-requestid': requestId }).end(
      `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>` +
        `<StackId>${xml(stackId)}</StackId><StackName>${xml(stack.name)}</StackName><CreationTime>2026-01-01T00:00:00.000Z</CreationTime>` +
        `<StackStatus>${xml(stack.status)}</StackStatus>` +
        (stack.nesting ? `<ParentId>${xml(stack.nesting.parentId)}</ParentId><RootId>${xml(stack.nesting.rootId)}</RootId>` : '') +
        `</member></Stacks></DescribeStacksResult>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></DescribeStacksResponse>`,
    );
  }
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
