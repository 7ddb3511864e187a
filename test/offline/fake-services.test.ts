/**
 * Both fake services keep themselves honest the same way, because they are the same code
 * (offline/fake-aws-json-service.ts) with different models: they refuse to serve what their model does not
 * allow, check every request against it, and speak the wire protocol the real AWS SDK expects. One table row
 * per fake; checked with the real SDK clients and with raw HTTP requests.
 */
import * as http from 'http';
import { CodeStarConnectionsClient, GetResourceSyncStatusCommand } from '@aws-sdk/client-codestar-connections';
import { GetServiceInstanceSyncStatusCommand, ProtonClient } from '@aws-sdk/client-proton';
import { FakeAwsJsonService } from '../../offline/fake-aws-json-service';
import { FakeCodeStarConnections, wireGitSyncAttempt, wireGitSyncEvent, wireGitSyncOutput } from '../../offline/fake-codestar-connections';
import { FakeProton, wireAttempt, wireEvent, wireSyncOutput } from '../../offline/fake-proton';
import type { Step, WireJson } from '../../offline/fake-service-types';
import { CODESTAR_CONNECTIONS_MODEL_PATH, SmithyModel } from '../../offline/smithy-model';


const SHA = 'f'.repeat(40);
const CREDENTIALS = { accessKeyId: 'AKIAFAKESERVICETEST0', secretAccessKey: 'fake' };

/** What the shared checks need to know about one fake. */
interface FakeCase {
  readonly label: string;
  readonly start: () => Promise<FakeAwsJsonService>;
  readonly model: SmithyModel;
  readonly operation: string;
  readonly outputShape: string;
  readonly shapePrefix: string;
  readonly signingName: string;
  /** Scripts the sync-status operation for resource `name`. */
  readonly script: (fake: FakeAwsJsonService, steps: readonly Step[], name?: string) => void;
  /** Reads the sync status of resource `name` through the real SDK client; returns [status, startedAt ISO]. */
  readonly read: (endpoint: string, name?: string, maxAttempts?: number, requestTimeout?: number) => Promise<[string | undefined, string | undefined]>;
  readonly fullOutput: () => WireJson;
  readonly minimalOutput: WireJson;
  readonly output: (status: string, startedAt?: number) => WireJson;
  /** Members checked (and how many required) when removing each member of fullOutput() in turn. */
  readonly memberCount: readonly [number, number];
  readonly badBodies: readonly [string, () => WireJson, RegExp][];
  readonly errors: readonly [string, number][];
  readonly validationError: string;
  readonly serverError: string;
  readonly nameMember: string;
  readonly validInput: Record<string, string>;
  readonly outsideModel: WireJson;
  readonly outsideModelProblem: RegExp;
}

function requestHandler(requestTimeout?: number): { requestHandler?: { requestTimeout: number; throwOnRequestTimeout: boolean } } {
  return requestTimeout ? { requestHandler: { requestTimeout, throwOnRequestTimeout: true } } : {};
}

const PROTON: FakeCase = {
  label: 'FakeProton',
  start: () => FakeProton.start(),
  model: SmithyModel.load(),
  operation: 'GetServiceInstanceSyncStatus',
  outputShape: 'com.amazonaws.proton#GetServiceInstanceSyncStatusOutput',
  shapePrefix: 'com.amazonaws.proton#',
  signingName: 'proton',
  script: (fake, steps, name = 'prod') => (fake as FakeProton).script('api', name, steps as never),
  read: async (endpoint, name = 'prod', maxAttempts = 1, requestTimeout) => {
    const c = new ProtonClient({ region: 'us-east-1', endpoint, credentials: CREDENTIALS, maxAttempts, ...requestHandler(requestTimeout) });
    const out = await c.send(new GetServiceInstanceSyncStatusCommand({ serviceName: 'api', serviceInstanceName: name }));
    return [out.latestSync?.status, out.latestSync?.startedAt?.toISOString()];
  },
  fullOutput: () => {
    const events = (): WireJson[] => [wireEvent('STARTED', 'started', Date.UTC(2026, 0, 1), 'ext-1')];
    return wireSyncOutput({ desired: SHA, latest: wireAttempt('SUCCEEDED', SHA, { events: events() }), latestSuccessful: wireAttempt('SUCCEEDED', SHA, { events: events() }) });
  },
  minimalOutput: {},
  output: (status, startedAt) => wireSyncOutput({ desired: SHA, latest: wireAttempt(status, SHA, { startedAt }) }),
  // 3 optional top-level members; 2 attempts x (6 members + 2 revisions x 5 + 1 event x 4); 1 revision x 5.
  memberCount: [3 + 2 * (6 + 2 * 5 + 4) + 5, 2 * (6 + 2 * 5 + 3) + 5],
  badBodies: [
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
  ],
  errors: [['AccessDeniedException', 403], ['ResourceNotFoundException', 404], ['ThrottlingException', 429], ['InternalServerException', 500], ['ValidationException', 400]],
  validationError: 'ValidationException',
  serverError: 'InternalServerException',
  nameMember: 'serviceInstanceName',
  validInput: { serviceName: 'api', serviceInstanceName: 'prod' },
  outsideModel: { desiredState: { sha: SHA } },
  outsideModelProblem: /desiredState\.repositoryName: required member/,
};

const GIT_SYNC: FakeCase = {
  label: 'FakeCodeStarConnections',
  start: () => FakeCodeStarConnections.start(),
  model: SmithyModel.load(CODESTAR_CONNECTIONS_MODEL_PATH),
  operation: 'GetResourceSyncStatus',
  outputShape: 'com.amazonaws.codestarconnections#GetResourceSyncStatusOutput',
  shapePrefix: 'com.amazonaws.codestarconnections#',
  signingName: 'codestar-connections',
  script: (fake, steps, name = 'prod') => (fake as FakeCodeStarConnections).script(name, steps as never),
  read: async (endpoint, name = 'prod', maxAttempts = 1, requestTimeout) => {
    const c = new CodeStarConnectionsClient({ region: 'us-east-1', endpoint, credentials: CREDENTIALS, maxAttempts, ...requestHandler(requestTimeout) });
    const out = await c.send(new GetResourceSyncStatusCommand({ ResourceName: name, SyncType: 'CFN_STACK_SYNC' }));
    return [out.LatestSync?.Status, out.LatestSync?.StartedAt?.toISOString()];
  },
  fullOutput: () => {
    const events = (): WireJson[] => [wireGitSyncEvent('STARTED', 'started', Date.UTC(2026, 0, 1), 'ext-1')];
    return wireGitSyncOutput({ desired: SHA, latest: wireGitSyncAttempt('SUCCEEDED', SHA, { events: events() }), latestSuccessful: wireGitSyncAttempt('SUCCEEDED', SHA, { events: events() }) });
  },
  minimalOutput: { LatestSync: wireGitSyncAttempt('INITIATED', SHA) },
  output: (status, startedAt) => wireGitSyncOutput({ desired: SHA, latest: wireGitSyncAttempt(status, SHA, { startedAt }) }),
  // 3 top-level members (LatestSync required); 2 attempts x (6 members + 2 revisions x 6 + 1 event x 4); 1 revision x 6.
  memberCount: [3 + 2 * (6 + 2 * 6 + 4) + 6, 1 + 2 * (6 + 2 * 6 + 3) + 6],
  badBodies: [
    ['a status outside the enum', () => wireGitSyncOutput({ latest: wireGitSyncAttempt('DONE', SHA) }), /LatestSync\.Status: "DONE" is not one of the model's values FAILED\|INITIATED\|IN_PROGRESS\|SUCCEEDED/],
    ['a timestamp as an ISO string', () => ({ LatestSync: { ...wireGitSyncAttempt('SUCCEEDED', SHA), StartedAt: '2026-01-01T00:00:00Z' } }), /LatestSync\.StartedAt: expected a timestamp as epoch seconds/],
    ["Proton's provider spelling", () => wireGitSyncOutput({ latest: wireGitSyncAttempt('SUCCEEDED', SHA), desired: { sha: SHA, providerType: 'GITHUB' as never } }), /DesiredState\.ProviderType: "GITHUB" is not one of the model's values Bitbucket\|GitHub\|/],
    ['no LatestSync', () => wireSyncOutput({ desired: SHA }), /\$\.LatestSync: required member/],
    ['an empty sha', () => wireGitSyncOutput({ latest: wireGitSyncAttempt('SUCCEEDED', '') }), /LatestSync\.TargetRevision\.Sha: 0 characters, fewer than the model's minimum 1/],
    ['a revision without its owner', () => ({ LatestSync: { ...wireGitSyncAttempt('SUCCEEDED', SHA), InitialRevision: { Sha: SHA } } }), /InitialRevision\.OwnerId: required member/],
    ['a repository name longer than 128', () => wireGitSyncOutput({ latest: wireGitSyncAttempt('SUCCEEDED', SHA, { revision: { repositoryName: 'r'.repeat(129) } }) }), /RepositoryName: 129 characters/],
    ['camelCase members', () => ({ latestSync: wireGitSyncAttempt('SUCCEEDED', SHA) }), /\$\.latestSync: .* has no member "latestSync"/],
    ['null for an absent member', () => ({ ...wireGitSyncOutput({ latest: wireGitSyncAttempt('SUCCEEDED', SHA) }), DesiredState: null }), /\$\.DesiredState: null is not a valid structure/],
    ['an event without its text', () => wireGitSyncOutput({ latest: wireGitSyncAttempt('FAILED', SHA, { events: [{ Type: 'X', Time: 1 }] }) }), /LatestSync\.Events\[0\]\.Event: required member/],
  ],
  errors: [['AccessDeniedException', 403], ['ResourceNotFoundException', 404], ['ThrottlingException', 429], ['InternalServerException', 503], ['InvalidInputException', 400]],
  validationError: 'InvalidInputException',
  serverError: 'InternalServerException',
  nameMember: 'ResourceName',
  validInput: { ResourceName: 'prod', SyncType: 'CFN_STACK_SYNC' },
  outsideModel: { LatestSync: { Status: 'SUCCEEDED' } },
  outsideModelProblem: /LatestSync\.Events: required member/,
};

describe.each([PROTON, GIT_SYNC])('$label keeps itself honest', (c) => {
  let fake: FakeAwsJsonService;
  beforeAll(async () => {
    fake = await c.start();
  });
  afterEach(() => fake.reset());
  afterAll(async () => fake.close());

  /** Raw awsJson1_0 POST to the fake, with overridable headers and body. */
  function rawPost(body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    const url = new URL(fake.endpoint);
    const target = c.model.operation(c.operation).target;
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/',
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-target': target,
            authorization: `AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/${c.signingName}/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`,
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (x: Buffer) => chunks.push(x));
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  describe('the model validator', () => {
    test('accepts a body with every member of the model, and the smallest body the model allows', () => {
      expect(c.model.validate(c.outputShape, c.fullOutput())).toEqual([]);
      expect(c.model.validate(c.outputShape, c.minimalOutput)).toEqual([]);
    });

    test('flags the removal of exactly the members the model marks required, wherever they are nested', () => {
      const checked: string[] = [];
      const visit = (shapeId: string, value: unknown, path: (string | number)[]): void => {
        const shape = c.model.shape(shapeId);
        if (shape.type === 'list' && Array.isArray(value)) value.forEach((v, i) => visit(shape.member!.target, v, [...path, i]));
        if (shape.type !== 'structure') return;
        for (const [name, member] of Object.entries(shape.members ?? {})) {
          const body = c.fullOutput();
          const parent = path.reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, body as Record<string, unknown>);
          delete parent[name];
          const required = 'smithy.api#required' in (member.traits ?? {});
          const where = `$${path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('')}.${name}`;
          expect(c.model.validate(c.outputShape, body)).toEqual(required ? [`${where}: required member of ${shapeId} is missing`] : []);
          checked.push(`${where}${required ? ' (required)' : ''}`);
          visit(member.target, (value as Record<string, unknown>)[name], [...path, name]);
        }
      };
      visit(c.outputShape, c.fullOutput(), []);
      expect(checked).toHaveLength(c.memberCount[0]);
      expect(checked.filter((x) => x.endsWith('(required)'))).toHaveLength(c.memberCount[1]);
    });
  });

  describe('scripts are refused when the service could not send them', () => {
    test.each(c.badBodies)('refuses %s', (_, body, message) => {
      expect(() => c.script(fake, [{ respond: body() }])).toThrow(message);
    });

    test('refuses an error the operation does not declare', () => {
      expect(() => c.script(fake, [{ error: 'ConflictException' }])).toThrow(new RegExp(`not an error of ${c.operation}`));
    });
  });

  describe('the real AWS SDK reads what the fake serves', () => {
    test('steps are served in order, the last one repeats, dates arrive as the same instant, every call is recorded', async () => {
      c.script(fake, [{ respond: c.output('IN_PROGRESS'), times: 2 }, { respond: c.output('SUCCEEDED', Date.UTC(2026, 0, 2, 3, 4, 5, 500)) }]);
      const statuses: (string | undefined)[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await c.read(fake.endpoint))[0]);
      expect(statuses).toEqual(['IN_PROGRESS', 'IN_PROGRESS', 'SUCCEEDED', 'SUCCEEDED']);
      expect((await c.read(fake.endpoint))[1]).toBe('2026-01-02T03:04:05.500Z');
      expect(fake.callsOf(c.operation, fake.calls[0].resourceKey!).map((x) => x.stepIndex)).toEqual([0, 0, 1, 1, 1]);
      expect(fake.calls.every((x) => x.region === 'us-east-1' && x.outcome === 'response' && x.operation === c.operation)).toBe(true);
      expect(fake.requestViolations).toEqual([]);
    });

    test.each(c.errors)('%s reaches the SDK as that exception, with the model HTTP status %i', async (name, httpStatus) => {
      c.script(fake, [{ error: name, message: `scripted ${name}` }]);
      await expect(c.read(fake.endpoint)).rejects.toMatchObject({ name, message: `scripted ${name}`, $metadata: { httpStatusCode: httpStatus } });
      expect(fake.calls[0]).toMatchObject({ outcome: 'error', errorType: name, httpStatus });
    });

    test('a resource without a script is not found, as in the real service', async () => {
      await expect(c.read(fake.endpoint, 'unknown')).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
    });

    test('the SDK retries throttling and a dropped connection on its own', async () => {
      c.script(fake, [{ error: 'ThrottlingException' }, { drop: true }, { respond: c.output('SUCCEEDED') }]);
      expect((await c.read(fake.endpoint, 'prod', 3))[0]).toBe('SUCCEEDED');
      expect(fake.calls.map((x) => x.outcome)).toEqual(['error', 'dropped', 'response']);
    });

    test('a delay longer than the client request timeout is recorded as abandoned by the client', async () => {
      c.script(fake, [{ respond: c.output('SUCCEEDED'), delayMs: 600 }]);
      await expect(c.read(fake.endpoint, 'prod', 1, 150)).rejects.toMatchObject({ name: 'TimeoutError' });
      await new Promise((r) => setTimeout(r, 650));
      expect(fake.calls[0]).toMatchObject({ clientGaveUp: true, outcome: 'dropped' });
    });

    test('a dynamic step answers per call from the service clock, and is checked against the model when served', async () => {
      let now = 1_000;
      fake.now = () => now;
      try {
        c.script(fake, [{ respondWith: (_, t) => c.output(t < 2_000 ? 'IN_PROGRESS' : 'SUCCEEDED') }]);
        expect((await c.read(fake.endpoint))[0]).toBe('IN_PROGRESS');
        now = 2_000;
        expect((await c.read(fake.endpoint))[0]).toBe('SUCCEEDED');
        expect(fake.calls.map((x) => x.serviceTimeAt)).toEqual([1_000, 2_000]);
        fake.assertHonest();

        c.script(fake, [{ respondWith: () => c.outsideModel }]);
        await expect(c.read(fake.endpoint)).rejects.toMatchObject({ name: c.serverError });
        expect(() => fake.assertHonest()).toThrow(c.outsideModelProblem);
      } finally {
        fake.now = () => Date.now();
      }
    });

    test('a request that breaks the model is answered with the validation error and recorded', async () => {
      c.script(fake, [{ respond: c.minimalOutput }]);
      await expect(c.read(fake.endpoint, 'bad name!')).rejects.toMatchObject({ name: c.validationError, $metadata: { httpStatusCode: 400 } });
      expect(fake.calls[0].outcome).toBe('rejected');
      expect(fake.requestViolations.join('\n')).toMatch(new RegExp(`\\$\\.${c.nameMember}: "bad name!" does not match the model's pattern`));
    });
  });

  describe('requests are checked against the model and the protocol', () => {
    const valid = JSON.stringify(c.validInput);
    const [first] = Object.keys(c.validInput);
    const cases: [string, string, Record<string, string>, RegExp][] = [
      ['a missing required member', JSON.stringify({ ...c.validInput, [c.nameMember]: undefined }), {}, new RegExp(`${c.nameMember}: required member`)],
      ['a name longer than 100', JSON.stringify({ ...c.validInput, [first]: 'a'.repeat(101) }), {}, new RegExp(`${first}: 101 characters`)],
      ['a member the input does not have', JSON.stringify({ ...c.validInput, nextToken: 'x' }), {}, /has no member "nextToken"/],
      ['an operation the fake does not serve', valid, { 'x-amz-target': `${c.model.operation(c.operation).target}Nope` }, /X-Amz-Target ".*Nope"/],
      ['the awsJson1_1 content type', valid, { 'content-type': 'application/x-amz-json-1.1' }, /content-type "application\/x-amz-json-1.1"/],
      ['an unsigned request', valid, { authorization: '' }, /not a SigV4 signature/],
      ['a request signed for another service', valid, { authorization: `AWS4-HMAC-SHA256 Credential=A/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}` }, /signed for service lambda/],
      ['a body that is not JSON', 'name=api', {}, /body is not JSON/],
    ];
    test.each(cases)('rejects %s with the validation error', async (_, body, headers, problem) => {
      c.script(fake, [{ respond: c.minimalOutput }]);
      const res = await rawPost(body, headers);
      expect(res.status).toBe(400);
      expect(res.body.__type).toBe(`${c.shapePrefix}${c.validationError}`);
      expect(fake.requestViolations.join('\n')).toMatch(problem);
      expect(fake.calls[0].outcome).toBe('rejected');
    });

    test('a valid raw request is served', async () => {
      c.script(fake, [{ respond: c.fullOutput() }]);
      const res = await rawPost(valid);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(c.fullOutput());
    });
  });
});
