/**
 * A generic validator for values on the wire, driven by a Smithy JSON AST model (the copy of Proton's model in
 * offline/models/proton). It walks shapes and their traits (required, length, pattern, enum, range) instead of
 * checking fields by hand, so a fake service that uses it can only send what the real model allows.
 *
 * Scope: the shape types and traits an awsJson1_0 or awsQuery operation needs (structure, list, map, string, enum,
 * numbers, boolean, timestamp as epoch seconds for awsJson and as an ISO 8601 date-time for awsQuery's XML, blob
 * as base64, document). A trait it does not know is ignored only when it does not constrain values (documentation,
 * sensitive, error, httpError, retryable, deprecated, XML names...).
 */
import * as fs from 'fs';
import * as path from 'path';

/** Where the tests' copy of the Proton model lives (tests must not read ../shared). */
export const PROTON_MODEL_PATH = path.join(__dirname, 'models', 'proton', 'get-service-instance-sync-status.smithy.json');
/** Proton's sync-blocker operations (GetServiceSyncBlockerSummary, ...). */
export const PROTON_BLOCKERS_MODEL_PATH = path.join(__dirname, 'models', 'proton', 'sync-blockers.smithy.json');
/** CodeStar Connections' resource-sync operations (CloudFormation Git sync: GetResourceSyncStatus, GetSyncBlockerSummary, ...). */
export const CODESTAR_CONNECTIONS_MODEL_PATH = path.join(__dirname, 'models', 'codestar-connections', 'resource-sync.smithy.json');
/** STS's AssumeRole and GetCallerIdentity (awsQuery), written from the STS API Reference (see the file's metadata). */
export const STS_MODEL_PATH = path.join(__dirname, 'models', 'sts', 'assume-role.smithy.json');

interface MemberRef {
  readonly target: string;
  readonly traits?: Record<string, unknown>;
}

interface Shape {
  readonly type: string;
  readonly members?: Record<string, MemberRef>;
  readonly member?: MemberRef;
  readonly key?: MemberRef;
  readonly value?: MemberRef;
  readonly traits?: Record<string, unknown>;
  readonly input?: { target: string };
  readonly output?: { target: string };
  readonly errors?: { target: string }[];
  readonly operations?: { target: string }[];
  readonly version?: string;
}

const CONTENT_TYPES = {
  awsJson1_0: 'application/x-amz-json-1.0',
  awsJson1_1: 'application/x-amz-json-1.1',
  awsQuery: 'application/x-www-form-urlencoded',
} as const;

/** The protocol a service's traits name, if it is one the fakes speak. */
function protocolOf(traits: Record<string, unknown>): OperationInfo['protocol'] | undefined {
  if ('aws.protocols#awsJson1_0' in traits) return 'awsJson1_0';
  if ('aws.protocols#awsJson1_1' in traits) return 'awsJson1_1';
  if ('aws.protocols#awsQuery' in traits) return 'awsQuery';
  return undefined;
}

interface ModelJson {
  readonly smithy: string;
  readonly shapes: Record<string, Shape>;
}

/** Traits that do not constrain a value; every other trait on a shape the validator walks must be understood. */
const NON_CONSTRAINING_TRAITS = new Set([
  'smithy.api#documentation',
  'smithy.api#sensitive',
  'smithy.api#error',
  'smithy.api#httpError',
  'smithy.api#retryable',
  'smithy.api#deprecated',
  'smithy.api#title',
  'smithy.api#input',
  'smithy.api#output',
  'smithy.api#box',
  'smithy.api#default',
  'smithy.api#clientOptional',
  'smithy.api#addedDefault',
  'smithy.api#timestampFormat',
  'smithy.api#jsonName',
  'smithy.api#xmlNamespace',
  'smithy.api#xmlName',
  'smithy.api#xmlFlattened',
]);
const CONSTRAINING_TRAITS = new Set(['smithy.api#required', 'smithy.api#length', 'smithy.api#pattern', 'smithy.api#enum', 'smithy.api#range']);

/** Smithy prelude shapes the model refers to without defining them. */
const PRELUDE: Record<string, Shape> = {
  'smithy.api#String': { type: 'string' },
  'smithy.api#Boolean': { type: 'boolean' },
  'smithy.api#PrimitiveBoolean': { type: 'boolean' },
  'smithy.api#Integer': { type: 'integer' },
  'smithy.api#PrimitiveInteger': { type: 'integer' },
  'smithy.api#Long': { type: 'long' },
  'smithy.api#PrimitiveLong': { type: 'long' },
  'smithy.api#Float': { type: 'float' },
  'smithy.api#Double': { type: 'double' },
  'smithy.api#Timestamp': { type: 'timestamp' },
  'smithy.api#Blob': { type: 'blob' },
  'smithy.api#Document': { type: 'document' },
};

/** One operation of the model, with what a JSON-protocol server needs to serve it. */
export interface OperationInfo {
  /** Shape id of the operation, e.g. com.amazonaws.proton#GetServiceInstanceSyncStatus. */
  readonly id: string;
  /** Short name, e.g. GetServiceInstanceSyncStatus. */
  readonly name: string;
  /** Value of the X-Amz-Target header: `<service shape name>.<operation name>`. */
  readonly target: string;
  readonly inputShape: string;
  readonly outputShape: string;
  /**
   * Error shape ids the operation may return, each with its HTTP status code from the model and the code it goes
   * on the wire with (awsQuery: the `awsQueryError` trait's, e.g. `MalformedPolicyDocument`; else the shape's name).
   */
  readonly errors: ReadonlyMap<string, { readonly id: string; readonly httpStatus: number; readonly fault: string; readonly code: string }>;
  /** The service's protocol. */
  readonly protocol: 'awsJson1_0' | 'awsJson1_1' | 'awsQuery';
  /** Content type of the requests: awsJson1_0 or 1_1, or a form for awsQuery. */
  readonly contentType: string;
  /** SigV4 signing name of the service. */
  readonly signingName?: string;
  /** awsQuery: the API version a request's `Version` parameter names, and the XML namespace of the answers. */
  readonly version?: string;
  readonly xmlNamespace?: string;
}

/** A Smithy model loaded from a JSON AST file, able to validate wire values against its shapes. */
export class SmithyModel {
  /** Loads the model from a Smithy JSON AST file. */
  public static load(file: string = PROTON_MODEL_PATH): SmithyModel {
    return new SmithyModel(JSON.parse(fs.readFileSync(file, 'utf8')) as ModelJson);
  }

  private readonly shapes: Record<string, Shape>;
  /**
   * How timestamps go on the wire: epoch seconds (a JSON number) in awsJson, an ISO 8601 date-time (text in the XML)
   * in awsQuery, the protocol of the model's services.
   */
  private readonly timestamps: 'epoch-seconds' | 'date-time';

  constructor(json: ModelJson) {
    if (!json.smithy?.startsWith('2.')) throw new Error(`unsupported Smithy model version ${json.smithy}`);
    this.shapes = json.shapes;
    const protocols = new Set(Object.values(json.shapes).filter((s) => s.type === 'service').map((s) => protocolOf(s.traits ?? {})));
    if (protocols.size > 1 && protocols.has('awsQuery')) throw new Error('a model with awsQuery and awsJson services: timestamps would be ambiguous');
    this.timestamps = protocols.has('awsQuery') ? 'date-time' : 'epoch-seconds';
  }

  /** The shape with this id (model or prelude); throws for an unknown id. */
  public shape(id: string): Shape {
    const shape = this.shapes[id] ?? PRELUDE[id];
    if (!shape) throw new Error(`shape ${id} is neither in the model nor in the Smithy prelude`);
    return shape;
  }

  /** Everything a server needs to serve operation `name` (short name or full id). */
  public operation(name: string): OperationInfo {
    const id = name.includes('#') ? name : Object.keys(this.shapes).find((k) => k.endsWith(`#${name}`) && this.shapes[k].type === 'operation');
    if (!id) throw new Error(`operation ${name} is not in the model`);
    const op = this.shape(id);
    if (op.type !== 'operation' || !op.input || !op.output) throw new Error(`${id} is not an operation with input and output`);
    const services = Object.entries(this.shapes).filter(([, s]) => s.type === 'service' && s.operations?.some((o) => o.target === id));
    if (services.length !== 1) throw new Error(`expected exactly one service binding ${id}, found ${services.length}`);
    const [serviceId, service] = services[0];
    const traits = service.traits ?? {};
    const protocol = protocolOf(traits);
    if (!protocol) throw new Error(`service ${serviceId} uses a protocol other than awsJson1_0/1_1 or awsQuery`);
    const errors = new Map<string, { id: string; httpStatus: number; fault: string; code: string }>();
    for (const ref of op.errors ?? []) {
      const shape = this.shape(ref.target);
      const fault = String(shape.traits?.['smithy.api#error'] ?? '');
      const status = shape.traits?.['smithy.api#httpError'];
      const query = shape.traits?.['aws.protocols#awsQueryError'] as { code?: string; httpResponseCode?: number } | undefined;
      errors.set(shortName(ref.target), {
        id: ref.target,
        fault,
        httpStatus: query?.httpResponseCode ?? (typeof status === 'number' ? status : fault === 'server' ? 500 : 400),
        code: protocol === 'awsQuery' ? (query?.code ?? shortName(ref.target)) : shortName(ref.target),
      });
    }
    const sigv4 = traits['aws.auth#sigv4'] as { name?: string } | undefined;
    const xml = traits['smithy.api#xmlNamespace'] as { uri?: string } | undefined;
    return {
      id,
      name: shortName(id),
      target: `${shortName(serviceId)}.${shortName(id)}`,
      inputShape: op.input.target,
      outputShape: op.output.target,
      errors,
      protocol,
      contentType: CONTENT_TYPES[protocol],
      signingName: sigv4?.name,
      ...(protocol === 'awsQuery' ? { version: service.version, xmlNamespace: xml?.uri } : {}),
    };
  }

  /**
   * Checks a parsed JSON value against a shape as the awsJson protocols put it on the wire. Returns one
   * message per violation, each naming the path (e.g. `$.latestSync.events[3].time`); empty when valid.
   */
  public validate(shapeId: string, value: unknown, at = '$'): string[] {
    const problems: string[] = [];
    this.walk(shapeId, value, at, problems, undefined);
    return problems;
  }

  private walk(shapeId: string, value: unknown, at: string, problems: string[], memberTraits: Record<string, unknown> | undefined): void {
    const shape = this.shape(shapeId);
    // Member traits (e.g. a length on a member) constrain in addition to the target's own traits.
    const traits: Record<string, unknown> = { ...(shape.traits ?? {}), ...(memberTraits ?? {}) };
    for (const trait of Object.keys(traits)) {
      if (!NON_CONSTRAINING_TRAITS.has(trait) && !CONSTRAINING_TRAITS.has(trait) && !trait.startsWith('aws.') && !trait.startsWith('smithy.rules#')) {
        problems.push(`${at}: the validator does not understand trait ${trait} on ${shapeId}; extend offline/smithy-model.ts`);
      }
    }
    if (value === null) {
      problems.push(`${at}: null is not a valid ${shape.type} (absent members are omitted, not null)`);
      return;
    }
    switch (shape.type) {
      case 'structure':
        this.walkStructure(shapeId, shape, value, at, problems);
        return;
      case 'list':
      case 'set':
        if (!Array.isArray(value)) {
          problems.push(`${at}: expected a JSON array (${shapeId}), got ${describe(value)}`);
          return;
        }
        checkLength(traits, value.length, at, problems, 'items');
        value.forEach((item, i) => this.walk(shape.member!.target, item, `${at}[${i}]`, problems, shape.member!.traits));
        return;
      case 'map':
        if (!isObject(value)) {
          problems.push(`${at}: expected a JSON object (${shapeId}), got ${describe(value)}`);
          return;
        }
        checkLength(traits, Object.keys(value).length, at, problems, 'entries');
        for (const [k, v] of Object.entries(value)) {
          this.walk(shape.key!.target, k, `${at}{key ${JSON.stringify(k)}}`, problems, shape.key!.traits);
          this.walk(shape.value!.target, v, `${at}[${JSON.stringify(k)}]`, problems, shape.value!.traits);
        }
        return;
      case 'string':
      case 'enum':
        if (typeof value !== 'string') {
          problems.push(`${at}: expected a string (${shapeId}), got ${describe(value)}`);
          return;
        }
        checkLength(traits, Array.from(value).length, at, problems, 'characters');
        checkPattern(traits, value, at, problems);
        checkEnum(shape, traits, value, at, problems);
        return;
      case 'timestamp':
        if (this.timestamps === 'date-time') {
          // awsQuery: an ISO 8601 date-time (RFC 3339), as XML text.
          if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
            problems.push(`${at}: expected a timestamp as an ISO 8601 date-time, got ${describe(value)}`);
          }
          return;
        }
        // awsJson protocols default to epoch-seconds: a JSON number, fractional seconds allowed.
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          problems.push(`${at}: expected a timestamp as epoch seconds (JSON number), got ${describe(value)}`);
        }
        return;
      case 'boolean':
        if (typeof value !== 'boolean') problems.push(`${at}: expected a boolean, got ${describe(value)}`);
        return;
      case 'byte':
      case 'short':
      case 'integer':
      case 'long':
      case 'intEnum':
        if (typeof value !== 'number' || !Number.isInteger(value)) problems.push(`${at}: expected an integer, got ${describe(value)}`);
        else checkRange(traits, value, at, problems);
        return;
      case 'float':
      case 'double':
        if (typeof value !== 'number') problems.push(`${at}: expected a number, got ${describe(value)}`);
        else checkRange(traits, value, at, problems);
        return;
      case 'blob':
        if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) problems.push(`${at}: expected base64 text, got ${describe(value)}`);
        return;
      case 'document':
        return;
      default:
        problems.push(`${at}: shape ${shapeId} has type ${shape.type}, which the validator does not handle`);
    }
  }

  private walkStructure(shapeId: string, shape: Shape, value: unknown, at: string, problems: string[]): void {
    if (!isObject(value)) {
      problems.push(`${at}: expected a JSON object (${shapeId}), got ${describe(value)}`);
      return;
    }
    const members = shape.members ?? {};
    for (const [name, ref] of Object.entries(members)) {
      if (value[name] === undefined) {
        if (ref.traits && 'smithy.api#required' in ref.traits) problems.push(`${at}.${name}: required member of ${shapeId} is missing`);
        continue;
      }
      this.walk(ref.target, value[name], `${at}.${name}`, problems, ref.traits);
    }
    for (const name of Object.keys(value)) {
      if (!(name in members)) problems.push(`${at}.${name}: ${shapeId} has no member ${JSON.stringify(name)}`);
    }
  }
}

function checkLength(traits: Record<string, unknown>, length: number, at: string, problems: string[], unit: string): void {
  const t = traits['smithy.api#length'] as { min?: number; max?: number } | undefined;
  if (!t) return;
  if (t.min !== undefined && length < t.min) problems.push(`${at}: ${length} ${unit}, fewer than the model's minimum ${t.min}`);
  if (t.max !== undefined && length > t.max) problems.push(`${at}: ${length} ${unit}, more than the model's maximum ${t.max}`);
}

function checkPattern(traits: Record<string, unknown>, value: string, at: string, problems: string[]): void {
  const pattern = traits['smithy.api#pattern'];
  // Smithy patterns are ECMA-262 regular expressions and are not implicitly anchored.
  if (typeof pattern === 'string' && !new RegExp(pattern).test(value)) {
    problems.push(`${at}: ${JSON.stringify(truncate(value))} does not match the model's pattern ${pattern}`);
  }
}

function checkEnum(shape: Shape, traits: Record<string, unknown>, value: string, at: string, problems: string[]): void {
  let allowed: string[] | undefined;
  const legacy = traits['smithy.api#enum'] as { value: string }[] | undefined;
  if (legacy) allowed = legacy.map((e) => e.value);
  if (shape.type === 'enum') {
    allowed = Object.entries(shape.members ?? {}).map(([name, m]) => String(m.traits?.['smithy.api#enumValue'] ?? name));
  }
  if (allowed && !allowed.includes(value)) {
    problems.push(`${at}: ${JSON.stringify(truncate(value))} is not one of the model's values ${allowed.join('|')}`);
  }
}

function checkRange(traits: Record<string, unknown>, value: number, at: string, problems: string[]): void {
  const t = traits['smithy.api#range'] as { min?: number; max?: number } | undefined;
  if (!t) return;
  if (t.min !== undefined && value < t.min) problems.push(`${at}: ${value} is below the model's minimum ${t.min}`);
  if (t.max !== undefined && value > t.max) problems.push(`${at}: ${value} is above the model's maximum ${t.max}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `${typeof value} ${truncate(JSON.stringify(value) ?? String(value))}`;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** `com.amazonaws.proton#Foo` -> `Foo`. */
export function shortName(shapeId: string): string {
  return shapeId.slice(shapeId.indexOf('#') + 1);
}
