/**
 * The fake Proton keeps itself honest: it refuses to serve what the model does not allow, checks every request
 * against the model, and speaks the wire protocol the real AWS SDK expects. Checked with the real
 * @aws-sdk/client-proton and with raw HTTP requests.
 */
import * as http from 'http';
import { GetServiceInstanceSyncStatusCommand, ProtonClient } from '@aws-sdk/client-proton';
import { FakeProton, Step, wireAttempt, wireEvent, WireJson, wireSyncOutput } from '../../offline/fake-proton';
import { SmithyModel } from '../../offline/smithy-model';

// The SDK warns once about Node.js < 22; irrelevant to these tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const SHA = 'f'.repeat(40);
const OUTPUT_SHAPE = 'com.amazonaws.proton#GetServiceInstanceSyncStatusOutput';
const model = SmithyModel.load();
let proton: FakeProton;

beforeAll(async () => {
  proton = await FakeProton.start();
});
afterEach(() => proton.reset());
afterAll(async () => proton.close());

function client(maxAttempts = 1, requestTimeout?: number): ProtonClient {
  return new ProtonClient({
    region: 'us-east-1',
    endpoint: proton.endpoint,
    credentials: { accessKeyId: 'AKIAFAKEPROTONTEST00', secretAccessKey: 'fake' },
    maxAttempts,
    ...(requestTimeout ? { requestHandler: { requestTimeout, throwOnRequestTimeout: true } } : {}),
  });
}

function read(c: ProtonClient, serviceInstanceName = 'prod', serviceName = 'api') {
  return c.send(new GetServiceInstanceSyncStatusCommand({ serviceName, serviceInstanceName }));
}

/** A body with every member the model has, optional ones included. */
function fullOutput(): WireJson {
  const events = (): WireJson[] => [wireEvent('STARTED', 'started', Date.UTC(2026, 0, 1), 'ext-1')];
  return wireSyncOutput({
    desired: SHA,
    latest: wireAttempt('SUCCEEDED', SHA, { events: events() }),
    latestSuccessful: wireAttempt('SUCCEEDED', SHA, { events: events() }),
  });
}

/** Raw awsJson1_0 POST to the fake, with overridable headers and body. */
function rawPost(body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL(proton.endpoint);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'AwsProton20200720.GetServiceInstanceSyncStatus',
          authorization: `AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/proton/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`,
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('the model validator', () => {
  test('accepts a body with every member of the model', () => {
    expect(model.validate(OUTPUT_SHAPE, fullOutput())).toEqual([]);
    expect(model.validate(OUTPUT_SHAPE, {})).toEqual([]);
  });

  test('flags the removal of exactly the members the model marks required, wherever they are nested', () => {
    // Walk the body and the model together: every key whose member carries smithy.api#required must be flagged
    // when removed, every other key must not.
    const checked: string[] = [];
    const visit = (shapeId: string, value: unknown, path: (string | number)[]): void => {
      const shape = model.shape(shapeId);
      if (shape.type === 'list' && Array.isArray(value)) value.forEach((v, i) => visit(shape.member!.target, v, [...path, i]));
      if (shape.type !== 'structure') return;
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        const body = fullOutput();
        const parent = path.reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, body as Record<string, unknown>);
        delete parent[name];
        const required = 'smithy.api#required' in (member.traits ?? {});
        const problems = model.validate(OUTPUT_SHAPE, body);
        const where = `$${path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('')}.${name}`;
        if (required) expect(problems).toEqual([`${where}: required member of ${shapeId} is missing`]);
        else expect(problems).toEqual([]);
        checked.push(`${where}${required ? ' (required)' : ''}`);
        visit(member.target, (value as Record<string, unknown>)[name], [...path, name]);
      }
    };
    visit(OUTPUT_SHAPE, fullOutput(), []);
    // 3 optional top-level members; 2 attempts x (6 members + 2 revisions x 5 + 1 event x 4); 1 revision x 5.
    expect(checked).toHaveLength(3 + 2 * (6 + 2 * 5 + 4) + 5);
    expect(checked.filter((c) => c.endsWith('(required)'))).toHaveLength(2 * (6 + 2 * 5 + 3) + 5);
  });
});

describe('scripts are refused when Proton could not send them', () => {
  const bad: [string, () => WireJson, RegExp][] = [
    ['a status outside the enum', () => wireSyncOutput({ desired: SHA, latest: wireAttempt('DONE', SHA) }), /latestSync\.status: "DONE" is not one of the model's values INITIATED\|IN_PROGRESS\|SUCCEEDED\|FAILED/],
    ['a timestamp as an ISO string', () => ({ latestSync: { ...wireAttempt('SUCCEEDED', SHA), startedAt: '2026-01-01T00:00:00Z' } }), /latestSync\.startedAt: expected a timestamp as epoch seconds/],
    ['a repository provider outside the enum', () => wireSyncOutput({ desired: { sha: SHA, repositoryProvider: 'GITLAB' } }), /desiredState\.repositoryProvider: "GITLAB" is not one of/],
    ['a repository name without owner', () => wireSyncOutput({ desired: { sha: SHA, repositoryName: 'platform' } }), /desiredState\.repositoryName: "platform" does not match the model's pattern/],
    ['an empty sha', () => wireSyncOutput({ desired: '' }), /desiredState\.sha: 0 characters, fewer than the model's minimum 1/],
    ['a sha longer than 255', () => wireSyncOutput({ desired: 'a'.repeat(256) }), /desiredState\.sha: 256 characters, more than the model's maximum 255/],
    ['a branch longer than 200', () => wireSyncOutput({ desired: { sha: SHA, branch: 'b'.repeat(201) } }), /desiredState\.branch: 201 characters/],
    ['a member the model does not have', () => ({ ...wireSyncOutput({ desired: SHA }), syncedAt: 1 }), /\$\.syncedAt: .* has no member "syncedAt"/],
    ['null for an absent member', () => ({ desiredState: null }), /\$\.desiredState: null is not a valid structure/],
    ['an event without its text', () => ({ latestSync: wireAttempt('FAILED', SHA, { events: [{ type: 'X', time: 1 }] }) }), /latestSync\.events\[0\]\.event: required member/],
  ];
  test.each(bad)('refuses %s', (_, body, message) => {
    expect(() => proton.script('api', 'prod', [{ respond: body() }])).toThrow(message);
  });

  test('refuses an error the operation does not declare', () => {
    expect(() => proton.script('api', 'prod', [{ error: 'ConflictException' } as unknown as Step])).toThrow(/not an error of GetServiceInstanceSyncStatus/);
  });
});

describe('the real AWS SDK reads what the fake serves', () => {
  test('steps are served in order, the last one repeats, and every call is recorded', async () => {
    proton.script('api', 'prod', [
      { respond: wireSyncOutput({ desired: SHA, latest: wireAttempt('IN_PROGRESS', SHA) }), times: 2 },
      { respond: wireSyncOutput({ desired: SHA, latest: wireAttempt('SUCCEEDED', SHA, { startedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 500) }) }) },
    ]);
    const c = client();
    const statuses: (string | undefined)[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await read(c)).latestSync?.status);
    expect(statuses).toEqual(['IN_PROGRESS', 'IN_PROGRESS', 'SUCCEEDED', 'SUCCEEDED']);
    const out = await read(c);
    // Epoch seconds with a fraction arrive as the same instant.
    expect(out.latestSync?.startedAt?.toISOString()).toBe('2026-01-02T03:04:05.500Z');
    expect(proton.callsFor('api', 'prod').map((x) => x.stepIndex)).toEqual([0, 0, 1, 1, 1]);
    expect(proton.calls.every((x) => x.region === 'us-east-1' && x.outcome === 'response')).toBe(true);
    expect(proton.requestViolations).toEqual([]);
  });

  test.each([
    ['AccessDeniedException', 403],
    ['ResourceNotFoundException', 404],
    ['ThrottlingException', 429],
    ['InternalServerException', 500],
    ['ValidationException', 400],
  ] as const)('%s reaches the SDK as that exception, with the model HTTP status %i', async (name, httpStatus) => {
    proton.script('api', 'prod', [{ error: name, message: `scripted ${name}` }]);
    await expect(read(client())).rejects.toMatchObject({ name, message: `scripted ${name}`, $metadata: { httpStatusCode: httpStatus } });
    expect(proton.calls[0]).toMatchObject({ outcome: 'error', errorType: name, httpStatus });
  });

  test('an instance without a script is not found, as in Proton', async () => {
    await expect(read(client(), 'unknown')).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
  });

  test('the SDK retries throttling and a dropped connection on its own', async () => {
    proton.script('api', 'prod', [{ error: 'ThrottlingException' }, { drop: true }, { respond: wireSyncOutput({ desired: SHA }) }]);
    const out = await read(client(3));
    expect(out.desiredState?.sha).toBe(SHA);
    expect(proton.calls.map((x) => x.outcome)).toEqual(['error', 'dropped', 'response']);
  });

  test('a delay longer than the client request timeout is recorded as abandoned by the client', async () => {
    proton.script('api', 'prod', [{ respond: wireSyncOutput({ desired: SHA }), delayMs: 600 }]);
    await expect(read(client(1, 150))).rejects.toMatchObject({ name: 'TimeoutError' });
    await new Promise((r) => setTimeout(r, 650));
    expect(proton.calls[0]).toMatchObject({ clientGaveUp: true, outcome: 'dropped' });
  });

  test('a dynamic step answers per call from the service clock, and is checked against the model when served', async () => {
    let now = 1_000;
    proton.now = () => now;
    try {
      proton.script('api', 'prod', [
        { respondWith: (_, t) => wireSyncOutput({ desired: SHA, latest: wireAttempt(t < 2_000 ? 'IN_PROGRESS' : 'SUCCEEDED', SHA) }) },
      ]);
      expect((await read(client())).latestSync?.status).toBe('IN_PROGRESS');
      now = 2_000;
      expect((await read(client())).latestSync?.status).toBe('SUCCEEDED');
      proton.assertHonest();

      proton.script('api', 'prod', [{ respondWith: () => ({ desiredState: { sha: SHA } }) }]);
      await expect(read(client())).rejects.toMatchObject({ name: 'InternalServerException' });
      expect(() => proton.assertHonest()).toThrow(/desiredState\.repositoryName: required member/);
    } finally {
      proton.now = () => Date.now();
    }
  });

  test('a request that breaks the model is answered ValidationException and recorded', async () => {
    proton.script('api', 'prod', [{ respond: {} }]);
    await expect(read(client(), 'bad name!')).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect(proton.calls[0].outcome).toBe('rejected');
    expect(proton.requestViolations.join('\n')).toMatch(/\$\.serviceInstanceName: "bad name!" does not match the model's pattern/);
  });
});

describe('requests are checked against the model and the protocol', () => {
  const valid = JSON.stringify({ serviceName: 'api', serviceInstanceName: 'prod' });
  const cases: [string, string, Record<string, string>, RegExp][] = [
    ['a missing required member', JSON.stringify({ serviceName: 'api' }), {}, /serviceInstanceName: required member/],
    ['a name longer than 100', JSON.stringify({ serviceName: 'a'.repeat(101), serviceInstanceName: 'prod' }), {}, /serviceName: 101 characters/],
    ['a member the input does not have', JSON.stringify({ serviceName: 'api', serviceInstanceName: 'prod', nextToken: 'x' }), {}, /has no member "nextToken"/],
    ['another operation', valid, { 'x-amz-target': 'AwsProton20200720.GetServiceInstance' }, /X-Amz-Target "AwsProton20200720.GetServiceInstance"/],
    ['the awsJson1_1 content type', valid, { 'content-type': 'application/x-amz-json-1.1' }, /content-type "application\/x-amz-json-1.1"/],
    ['an unsigned request', valid, { authorization: '' }, /not a SigV4 signature/],
    ['a request signed for another service', valid, { authorization: `AWS4-HMAC-SHA256 Credential=A/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}` }, /signed for service lambda/],
    ['a body that is not JSON', 'serviceName=api', {}, /body is not JSON/],
  ];
  test.each(cases)('rejects %s with a ValidationException', async (_, body, headers, problem) => {
    proton.script('api', 'prod', [{ respond: {} }]);
    const res = await rawPost(body, headers);
    expect(res.status).toBe(400);
    expect(res.body.__type).toBe('com.amazonaws.proton#ValidationException');
    expect(proton.requestViolations.join('\n')).toMatch(problem);
    expect(proton.calls[0].outcome).toBe('rejected');
  });

  test('a valid raw request is served', async () => {
    proton.script('api', 'prod', [{ respond: fullOutput() }]);
    const res = await rawPost(valid);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(fullOutput());
  });
});
