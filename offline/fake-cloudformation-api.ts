/**
 * CloudFormation's DescribeStacks on 127.0.0.1 (awsQuery protocol: form-encoded POST, XML answer), for
 * `AWS_ENDPOINT_URL_CLOUDFORMATION`: the gate's handler asks it whether its stack is rolling back an update.
 * The stack statuses are the ones the {@link OfflineWorld} sets while it runs a lifecycle request, or the ones a
 * {@link StackDeployment} sets as it goes through a deployment's phases; a nested stack also answers its ParentId
 * and RootId, as DescribeStacks does.
 */
import { randomUUID } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { listenOnLoopback } from './loopback';

/** Where a nested stack sits: the stack that holds its AWS::CloudFormation::Stack resource, and the root stack. */
export interface StackNesting {
  readonly parentId: string;
  readonly rootId: string;
}

/** One DescribeStacks call. */
export interface DescribeStacksCall {
  readonly stackName: string;
  /** The status answered, or undefined when the stack was unknown. */
  readonly answered?: string;
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

  public async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, form: URLSearchParams): void {
    const requestId = randomUUID();
    const error = (status: number, code: string, message: string): void => {
      res
        .writeHead(status, { date: new Date(this.now()).toUTCString(), 'content-type': 'text/xml', 'x-amzn-requestid': requestId })
        .end(`<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
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
    const entry = [...this.stacks].find(([id, s]) => id === stackName || s.name === stackName);
    this.calls.push({ stackName, answered: entry?.[1].status, requestTag: this.attribute?.(req) });
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
