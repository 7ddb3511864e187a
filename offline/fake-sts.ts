/**
 * A fake AWS STS on 127.0.0.1 (awsQuery: form-encoded POST, XML answers) for `AWS_ENDPOINT_URL_STS`: AssumeRole and
 * GetCallerIdentity, checked against offline/models/sts/assume-role.smithy.json the way the JSON fakes are checked
 * against theirs. It issues temporary credentials for the roles of the world's simulated accounts ({@link FakeIam}),
 * which the fake sync services then accept as those accounts.
 *
 * - Every request is checked: method and path, content type, a SigV4 signature shape for `sts`, `Action` (one of the
 *   model's operations) and `Version` (the model's), and the input (members, lengths, patterns, ranges). A bad one is
 *   answered ValidationError and recorded in `requestViolations`.
 * - The caller is the identity of the access key that signed (FakeIam): an unknown key is answered
 *   InvalidClientTokenId, an expired one ExpiredToken, as STS answers them.
 * - AssumeRole issues credentials only when the role exists, its trust policy allows the caller (with the request's
 *   ExternalId and RoleSessionName as condition keys) and, for a caller of another account, the caller's own policies
 *   allow sts:AssumeRole on it (when FakeIam knows them); otherwise AccessDenied with STS's message. DurationSeconds
 *   (default 3600, or `sessionSeconds`) sets the expiry on the service clock; more than the role's
 *   MaxSessionDuration, or more than an hour for a caller that is itself a role session (role chaining), is refused.
 * - Scripted faults for the next AssumeRole calls (`script`): Throttling (400), InternalFailure (500),
 *   ServiceUnavailable (503) and the modelled RegionDisabledException (403), as STS sends them.
 * - Every body it serves is checked against the output or error shape; one outside the model is recorded in
 *   `scenarioViolations`, and {@link assertHonest} fails.
 */
import { randomUUID } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { FakeIam, Identity } from './fake-iam';
import { listenOnLoopback } from './loopback';
import { OperationInfo, SmithyModel, STS_MODEL_PATH } from './smithy-model';

/** Errors every query API answers that are not in the service's model (STS API Reference, Common Errors). */
export const STS_COMMON_ERRORS = {
  AccessDenied: { status: 403, type: 'Sender' },
  Throttling: { status: 400, type: 'Sender' },
  InternalFailure: { status: 500, type: 'Receiver' },
  ServiceUnavailable: { status: 503, type: 'Receiver' },
  InvalidClientTokenId: { status: 403, type: 'Sender' },
  ExpiredToken: { status: 403, type: 'Sender' },
  ValidationError: { status: 400, type: 'Sender' },
} as const;
export type StsCommonError = keyof typeof STS_COMMON_ERRORS;

/** Faults a test can script for the next AssumeRole calls. */
export type StsFault = 'Throttling' | 'InternalFailure' | 'ServiceUnavailable' | 'RegionDisabledException';

/** One step of the AssumeRole script: the next `times` calls (default 1) answer `fault`. */
export interface StsFaultStep {
  readonly fault: StsFault;
  readonly times?: number;
}

/** One request the fake received. */
export interface StsCall {
  readonly seq: number;
  /** AssumeRole or GetCallerIdentity (undefined when the Action was not one of them). */
  readonly action?: string;
  readonly roleArn?: string;
  readonly roleSessionName?: string;
  readonly externalId?: string;
  readonly durationSeconds?: number;
  /** The ARN the caller signs as, when its key is known. */
  caller?: string;
  /** Region from the SigV4 credential scope. */
  readonly region?: string;
  /** The service clock at arrival. */
  readonly serviceTimeAt: number;
  /** Which offline-world request made it (see FakeAwsJsonService.attribute). */
  readonly requestTag?: string;
  /** What the fake answered: credentials, an identity, an error (its code), or a rejection of a malformed request. */
  outcome: 'credentials' | 'identity' | 'error' | 'rejected';
  errorCode?: string;
  httpStatus?: number;
  /** The access key issued, for AssumeRole calls that got credentials. */
  issuedKey?: string;
  /** When those credentials expire, ms on the service clock. */
  expiresAt?: number;
}

export interface FakeStsOptions {
  /** The accounts, roles and keys the fake answers with. */
  readonly iam: FakeIam;
  readonly model?: SmithyModel;
  /** DurationSeconds when a request names none (STS: 3600). */
  readonly defaultSessionSeconds?: number;
}

type Answer = { readonly status: number; readonly body: string };

export class FakeSts {
  public static async start(options: FakeStsOptions): Promise<FakeSts> {
    const fake = new FakeSts(options);
    await listenOnLoopback(fake.server);
    return fake;
  }

  public readonly calls: StsCall[] = [];
  public readonly requestViolations: string[] = [];
  public readonly scenarioViolations: string[] = [];
  /** The service clock (ms): the Date header, session expiry. The world sets its virtual clock. */
  public now: () => number = () => Date.now();
  public attribute?: (req: http.IncomingMessage) => string | undefined;
  /** DurationSeconds when a request names none. */
  public defaultSessionSeconds: number;
  private readonly iam: FakeIam;
  private readonly model: SmithyModel;
  private readonly operations: Map<string, OperationInfo>;
  private faults: { fault: StsFault; left: number }[] = [];
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let answer: Answer;
      try {
        answer = this.handle(req, Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        this.scenarioViolations.push(`internal error in FakeSts: ${(e as Error).stack}`);
        answer = { status: 500, body: '' };
      }
      res.writeHead(answer.status, { date: new Date(this.now()).toUTCString(), 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID(), connection: 'close' }).end(answer.body);
    });
  });

  private constructor(options: FakeStsOptions) {
    this.iam = options.iam;
    this.model = options.model ?? SmithyModel.load(STS_MODEL_PATH);
    this.operations = new Map(['AssumeRole', 'GetCallerIdentity'].map((name) => [name, this.model.operation(name)]));
    this.defaultSessionSeconds = options.defaultSessionSeconds ?? 3600;
    for (const info of this.operations.values()) {
      if (info.protocol !== 'awsQuery' || info.signingName !== 'sts') throw new Error(`FakeSts: ${info.name} is not an awsQuery operation of sts in the model`);
    }
  }

  /** `http://127.0.0.1:<port>`: the value for AWS_ENDPOINT_URL_STS. */
  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next AssumeRole calls answer these faults, in order, after any still scripted; then the roles again. */
  public script(steps: readonly StsFaultStep[]): void {
    for (const step of steps) {
      const times = step.times ?? 1;
      if (!(times >= 1)) throw new Error(`FakeSts script: times must be >= 1, got ${times}`);
      if (step.fault !== 'RegionDisabledException' && !(step.fault in STS_COMMON_ERRORS)) throw new Error(`FakeSts script: unknown fault ${String(step.fault)}`);
      this.faults.push({ fault: step.fault, left: times });
    }
  }

  /** The AssumeRole calls, in order. */
  public get assumeRoleCalls(): StsCall[] {
    return this.calls.filter((c) => c.action === 'AssumeRole');
  }

  /** Throws when the fake served anything outside the model. */
  public assertHonest(): void {
    if (this.scenarioViolations.length > 0) throw new Error(`FakeSts served bodies the real STS cannot send:\n${this.scenarioViolations.join('\n')}`);
  }

  /** Forgets calls and scripted faults. */
  public reset(): void {
    this.calls.length = 0;
    this.faults = [];
    this.requestViolations.length = 0;
    this.scenarioViolations.length = 0;
  }

  public async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: http.IncomingMessage, raw: string): Answer {
    const form = new URLSearchParams(raw);
    const at = this.now();
    const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/.exec(req.headers.authorization ?? '');
    const action = form.get('Action') ?? undefined;
    const info = action === undefined ? undefined : this.operations.get(action);
    const input = info ? this.input(info, form) : { value: {}, problems: [] };
    const call: StsCall = {
      seq: this.calls.length + 1,
      ...(info ? { action: info.name } : {}),
      ...pick(input.value, { RoleArn: 'roleArn', RoleSessionName: 'roleSessionName', ExternalId: 'externalId', DurationSeconds: 'durationSeconds' }),
      region: auth?.[2],
      serviceTimeAt: at,
      requestTag: this.attribute?.(req),
      outcome: 'rejected',
    };
    this.calls.push(call);

    const problems: string[] = [];
    if (req.method !== 'POST') problems.push(`method ${req.method}, expected POST`);
    if (req.url !== '/') problems.push(`path ${req.url}, expected /`);
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim();
    if (contentType !== 'application/x-www-form-urlencoded') problems.push(`content-type ${JSON.stringify(contentType)}, expected application/x-www-form-urlencoded`);
    if (!auth) problems.push(`Authorization header is not a SigV4 signature: ${JSON.stringify((req.headers.authorization ?? '').slice(0, 80))}`);
    else if (auth[3] !== 'sts') problems.push(`signed for service ${auth[3]}, expected sts`);
    if (!info) problems.push(`Action ${JSON.stringify(action)}, expected one of ${[...this.operations.keys()].join(', ')}`);
    else if (form.get('Version') !== info.version) problems.push(`Version ${JSON.stringify(form.get('Version'))}, expected ${info.version}`);
    problems.push(...input.problems);
    if (problems.length > 0 || !info || !auth) {
      this.requestViolations.push(...problems.map((p) => `call ${call.seq}: ${p}`));
      return this.common(call, 'ValidationError', problems.join('; '), 'rejected');
    }

    const key = this.iam.lookup(auth[1]);
    if ('problem' in key) {
      return key.problem === 'unknown'
        ? this.common(call, 'InvalidClientTokenId', 'The security token included in the request is invalid.')
        : this.common(call, 'ExpiredToken', 'The security token included in the request is expired');
    }
    call.caller = key.identity.arn;
    return info.name === 'GetCallerIdentity' ? this.callerIdentity(call, info, key.identity) : this.assumeRole(call, info, key.identity, input.value);
  }

  /** The request's parameters as the input shape's members (strings, integers); anything else is a problem. */
  private input(info: OperationInfo, form: URLSearchParams): { value: Record<string, unknown>; problems: string[] } {
    const members = this.model.shape(info.inputShape).members ?? {};
    const value: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const [name, text] of form) {
      if (name === 'Action' || name === 'Version') continue;
      const member = members[name];
      if (!member) {
        problems.push(/\.member\.\d+/.test(name) ? `${name}: FakeSts reads no list members` : `${name} is not a member of ${info.inputShape}`);
        continue;
      }
      const type = this.model.shape(member.target).type;
      value[name] = type === 'integer' ? (/^-?\d+$/.test(text) ? Number(text) : text) : text;
    }
    problems.push(...this.model.validate(info.inputShape, value));
    return { value, problems };
  }

  private callerIdentity(call: StsCall, info: OperationInfo, caller: Identity): Answer {
    const userId = caller.roleArn ? `AROA${idOf(caller.roleArn)}:${caller.arn.split('/').pop()}` : `AIDA${idOf(caller.arn)}`;
    call.outcome = 'identity';
    return this.result(call, info, { UserId: userId, Account: caller.account, Arn: caller.arn });
  }

  private assumeRole(call: StsCall, info: OperationInfo, caller: Identity, input: Record<string, unknown>): Answer {
    const fault = this.nextFault();
    if (fault === 'RegionDisabledException') {
      return this.modelled(call, info, fault, `STS is not activated in this region for account:${caller.account}. Your account administrator can activate STS in this region using the IAM Console.`);
    }
    if (fault) return this.common(call, fault, fault === 'Throttling' ? 'Rate exceeded' : 'An internal error occurred. Try again later.');

    const roleArn = String(input.RoleArn);
    const sessionName = String(input.RoleSessionName);
    const role = this.iam.role(roleArn);
    const context = { 'sts:ExternalId': input.ExternalId as string | undefined, 'sts:RoleSessionName': sessionName };
    const trusted = role !== undefined && this.iam.trustAllows(role, caller, context);
    // Across accounts, IAM also needs the caller's own policies to allow it (when the world knows them).
    const permitted = role !== undefined && (role.account === caller.account || this.iam.identityAllows(caller, 'sts:AssumeRole', roleArn) !== false);
    if (!role || !trusted || !permitted) {
      return this.common(call, 'AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    }
    const seconds = (input.DurationSeconds as number | undefined) ?? this.defaultSessionSeconds;
    if (seconds > role.maxSessionSeconds) {
      return this.common(call, 'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }
    if (caller.roleArn !== undefined && seconds > 3600) {
      return this.common(call, 'ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    }
    const session = this.iam.startSession(roleArn, sessionName, seconds);
    call.outcome = 'credentials';
    call.issuedKey = session.accessKeyId;
    call.expiresAt = session.expiresAt;
    const account = role.account;
    return this.result(call, info, {
      Credentials: {
        AccessKeyId: session.accessKeyId,
        SecretAccessKey: session.secretAccessKey,
        SessionToken: session.sessionToken,
        Expiration: new Date(session.expiresAt!).toISOString(),
      },
      AssumedRoleUser: {
        AssumedRoleId: `AROA${idOf(roleArn)}:${sessionName}`,
        Arn: `arn:${roleArn.split(':')[1]}:sts::${account}:assumed-role/${role.name}/${sessionName}`,
      },
    });
  }

  private nextFault(): StsFault | undefined {
    const head = this.faults[0];
    if (!head) return undefined;
    head.left -= 1;
    if (head.left <= 0) this.faults.shift();
    return head.fault;
  }

  /** A successful answer: `<Action>Response><Action>Result>...` with the output checked against the model. */
  private result(call: StsCall, info: OperationInfo, output: Record<string, unknown>): Answer {
    const problems = this.model.validate(info.outputShape, output);
    if (problems.length > 0) {
      this.scenarioViolations.push(...problems.map((p) => `call ${call.seq}: ${p}`));
      return this.common(call, 'InternalFailure', 'FakeSts refused to serve a body outside the model');
    }
    call.httpStatus = 200;
    const requestId = randomUUID();
    return {
      status: 200,
      body:
        `<${info.name}Response xmlns="${info.xmlNamespace}"><${info.name}Result>${toXml(output)}</${info.name}Result>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${info.name}Response>`,
    };
  }

  /** A modelled error of the operation, with its awsQuery code and status, its body checked against the model. */
  private modelled(call: StsCall, info: OperationInfo, name: string, message: string): Answer {
    const error = info.errors.get(name);
    if (!error) throw new Error(`${name} is not an error of ${info.name} in the model`);
    const problems = this.model.validate(error.id, { message });
    if (problems.length > 0) this.scenarioViolations.push(...problems.map((p) => `call ${call.seq}: ${p}`));
    return this.error(call, error.code, error.httpStatus, error.fault === 'server' ? 'Receiver' : 'Sender', message, 'error');
  }

  private common(call: StsCall, code: StsCommonError, message: string, outcome: 'error' | 'rejected' = 'error'): Answer {
    const { status, type } = STS_COMMON_ERRORS[code];
    return this.error(call, code, status, type, message, outcome);
  }

  private error(call: StsCall, code: string, status: number, type: string, message: string, outcome: 'error' | 'rejected'): Answer {
    call.outcome = outcome;
    call.errorCode = code;
    call.httpStatus = status;
    const requestId = randomUUID();
    return {
      status,
      body:
        `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>${type}</Type><Code>${code}</Code>` +
        `<Message>${xml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
}

/** A structure's members as XML elements, in order (the outputs here hold only structures and scalars). */
function toXml(value: Record<string, unknown>): string {
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<${k}>${typeof v === 'object' && v !== null ? toXml(v as Record<string, unknown>) : xml(String(v))}</${k}>`)
    .join('');
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A stable suffix for the unique id of the IAM entity behind `arn` (upper-case letters and digits, 17 of them). */
function idOf(arn: string): string {
  let h = 0;
  for (const c of arn) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return `${h.toString(36).toUpperCase()}OFFLINEWORLD00000`.slice(0, 17);
}

function pick(value: Record<string, unknown>, names: Readonly<Record<string, string>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(names).filter(([from]) => value[from] !== undefined).map(([from, to]) => [to, value[from]]));
}
