/**
 * The fake STS and the accounts it issues credentials in: its model (written from the STS API Reference) agrees
 * with the schemas of the installed @aws-sdk/client-sts; it speaks awsQuery as the real SDK expects; it issues a
 * role's credentials only when the role's trust policy (and, across accounts, the caller's own policy) allows; and
 * the fake Git sync takes those credentials as the role's account, refusing unknown and expired keys as AWS does.
 */
import { CodeStarConnectionsClient, GetResourceSyncStatusCommand } from '@aws-sdk/client-codestar-connections';
import * as sts from '@aws-sdk/client-sts';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { FakeCodeStarConnections, wireGitSyncAttempt, wireGitSyncOutput } from '../../offline/fake-codestar-connections';
import { FakeIam, roleArn } from '../../offline/fake-iam';
import { FakeSts } from '../../offline/fake-sts';
import type { PolicyDocument } from '../../offline/iam-policy';
import { SmithyModel, STS_MODEL_PATH } from '../../offline/smithy-model';

const A = '111111111111';
const B = '222222222222';
const READER = roleArn('aws', B, 'reader');
const GATE_ROLE = roleArn('aws', A, 'gate-handler');
const SHA = 'c'.repeat(40);

const trusting = (principal: string, condition?: Record<string, Record<string, string>>): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }],
});
const allow = (action: string, resource = '*'): PolicyDocument => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] });

let iam: FakeIam;
let fake: FakeSts;
let gitSync: FakeCodeStarConnections;
let clock: number;
let handlerKeys: { accessKeyId: string; secretAccessKey: string; sessionToken: string };

beforeEach(async () => {
  clock = Date.UTC(2026, 5, 1, 12, 0);
  iam = new FakeIam();
  iam.now = () => clock;
  fake = await FakeSts.start({ iam });
  fake.now = () => clock;
  gitSync = await FakeCodeStarConnections.start();
  gitSync.now = () => clock;
  gitSync.iam = iam;
  gitSync.homeAccount = A;
  iam.putRole({ arn: GATE_ROLE, trust: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, inline: { assume: allow('sts:AssumeRole', READER), read: allow('codestar-connections:GetResourceSyncStatus') } });
  iam.putRole({ arn: READER, trust: trusting(`arn:aws:iam::${A}:root`), inline: { read: allow('codestar-connections:GetResourceSyncStatus') } });
  handlerKeys = iam.startSession(GATE_ROLE, 'gate-function');
});

afterEach(async () => {
  fake.assertHonest();
  gitSync.assertHonest();
  await fake.close();
  await gitSync.close();
});

function stsClient(keys: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = handlerKeys): STSClient {
  return new STSClient({ region: 'us-east-1', endpoint: fake.endpoint, credentials: keys, maxAttempts: 1 });
}

function gitSyncRead(keys: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): Promise<string | undefined> {
  const client = new CodeStarConnectionsClient({ region: 'us-east-1', endpoint: gitSync.endpoint, credentials: keys, maxAttempts: 1 });
  return client
    .send(new GetResourceSyncStatusCommand({ ResourceName: 'network', SyncType: 'CFN_STACK_SYNC' }))
    .then((o) => o.DesiredState?.Sha, (e: Error) => `${e.name}: ${e.message}`);
}

describe("the STS model agrees with the installed SDK's schemas", () => {
  const model = SmithyModel.load(STS_MODEL_PATH);
  type Schema = unknown;
  /** A schema's kind: the SDK writes strings 0, numbers 1, timestamps 4, lists with the 64 bit, structures as [3, ...]. */
  const kind = (s: Schema): string => {
    if (typeof s === 'function') return kind((s as () => Schema)());
    if (typeof s === 'number') return s === 0 ? 'string' : s === 1 ? 'integer' : s === 4 ? 'timestamp' : (s & 64) !== 0 ? 'list' : `number ${s}`;
    const a = s as unknown[];
    if (typeof a[0] === 'function') return kind(a[0]);
    return a[0] === 3 ? 'structure' : a[0] === 1 ? 'list' : a[0] === 0 ? kind(a[4]) : `schema ${String(a[0])}`;
  };
  const modelKind = (target: string): string => model.shape(target).type;

  it.each(['AssumeRoleRequest', 'AssumeRoleResponse', 'Credentials', 'AssumedRoleUser', 'GetCallerIdentityRequest', 'GetCallerIdentityResponse', 'PolicyDescriptorType', 'Tag', 'ProvidedContext'])(
    '%s: the same members, in the same order, of the same kinds, the same ones required',
    (name) => {
      const schema = (sts as unknown as Record<string, unknown[]>)[`${name}$`];
      const [, , , , names, types, required] = schema as [number, string, string, unknown, string[], Schema[], number | undefined];
      const members = model.shape(`com.amazonaws.sts#${name}`).members ?? {};
      expect(Object.keys(members)).toEqual(names);
      expect(Object.values(members).map((m) => modelKind(m.target))).toEqual(types.map(kind));
      const modelRequired = Object.values(members).filter((m) => m.traits && 'smithy.api#required' in m.traits).length;
      expect(modelRequired).toBe(required ?? 0);
      // The SDK lists required members first; so does the model.
      expect(Object.values(members).slice(0, modelRequired).every((m) => m.traits && 'smithy.api#required' in m.traits)).toBe(true);
    },
  );

  it("declares AssumeRole's errors with the SDK's awsQuery codes and HTTP statuses", () => {
    const errors = model.operation('AssumeRole').errors;
    expect([...errors.keys()].sort()).toEqual(['ExpiredTokenException', 'MalformedPolicyDocumentException', 'PackedPolicyTooLargeException', 'RegionDisabledException']);
    for (const [name, e] of errors) {
      const schema = (sts as unknown as Record<string, [number, string, string, { awsQueryError: [string, number] }]>)[`${name}$`];
      expect([e.code, e.httpStatus]).toEqual(schema[3].awsQueryError);
    }
  });
});

describe('AssumeRole', () => {
  it('issues credentials the SDK reads, expiring on the service clock, which the fake Git sync takes as the role\'s account', async () => {
    gitSync.script('network', [{ respond: wireGitSyncOutput({ desired: SHA, latest: wireGitSyncAttempt('SUCCEEDED', SHA) }) }], B);
    const out = await stsClient().send(new AssumeRoleCommand({ RoleArn: READER, RoleSessionName: 'cdk-git-sync-gate-app' }));
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${B}:assumed-role/reader/cdk-git-sync-gate-app`);
    expect(out.Credentials?.Expiration?.getTime()).toBe(clock + 3_600_000);
    const keys = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
    expect(await gitSyncRead(keys)).toBe(SHA);
    expect(gitSync.calls.map((c) => [c.account, c.caller])).toEqual([[B, out.AssumedRoleUser?.Arn]]);
    // The same stack name in the handler's own account is another stack, not synced there.
    expect(await gitSyncRead(handlerKeys)).toMatch(/^ResourceNotFoundException/);
    expect(fake.calls[0]).toMatchObject({ action: 'AssumeRole', roleArn: READER, caller: `arn:aws:sts::${A}:assumed-role/gate-handler/gate-function`, outcome: 'credentials' });
  });

  it('answers AccessDenied with the caller and the role when the trust policy does not name the caller\'s account', async () => {
    iam.putRole({ arn: READER, trust: trusting('arn:aws:iam::333333333333:root') });
    const error = await stsClient().send(new AssumeRoleCommand({ RoleArn: READER, RoleSessionName: 's1' })).catch((e: Error) => e);
    expect(error).toMatchObject({
      name: 'AccessDenied',
      message: `User: arn:aws:sts::${A}:assumed-role/gate-handler/gate-function is not authorized to perform: sts:AssumeRole on resource: ${READER}`,
      $metadata: { httpStatusCode: 403 },
    });
  });

  it.each([
    ['a role that does not exist', () => ({ RoleArn: roleArn('aws', B, 'missing'), RoleSessionName: 's1' })],
    ['a trust policy that asks for an external id not sent', () => (iam.putRole({ arn: READER, trust: trusting(`arn:aws:iam::${A}:root`, { StringEquals: { 'sts:ExternalId': 'x-1' } }) }), { RoleArn: READER, RoleSessionName: 's1' })],
    ['a trust policy that asks for another external id', () => (iam.putRole({ arn: READER, trust: trusting(`arn:aws:iam::${A}:root`, { StringEquals: { 'sts:ExternalId': 'x-1' } }) }), { RoleArn: READER, RoleSessionName: 's1', ExternalId: 'x-2' })],
    ['a trust narrowed to another role of the account', () => (iam.putRole({ arn: READER, trust: trusting(`arn:aws:iam::${A}:root`, { ArnLike: { 'aws:PrincipalArn': roleArn('aws', A, 'other-*') } }) }), { RoleArn: READER, RoleSessionName: 's1' })],
    ['a caller whose own policy does not allow sts:AssumeRole on it', () => (iam.putRole({ arn: GATE_ROLE, trust: trusting('*'), inline: {} }), { RoleArn: READER, RoleSessionName: 's1' })],
  ])('answers AccessDenied for %s, as STS does, without saying which', async (_case, input) => {
    const error = await stsClient().send(new AssumeRoleCommand(input())).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
  });

  it('issues credentials when the external id and the narrowed principal match', async () => {
    iam.putRole({ arn: READER, trust: trusting(`arn:aws:iam::${A}:root`, { StringEquals: { 'sts:ExternalId': 'x-1' }, ArnLike: { 'aws:PrincipalArn': roleArn('aws', A, 'gate-*') } }) });
    const out = await stsClient().send(new AssumeRoleCommand({ RoleArn: READER, RoleSessionName: 's1', ExternalId: 'x-1' }));
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });

  it('honours DurationSeconds, and refuses more than an hour to a caller that is itself a role session (role chaining)', async () => {
    iam.putRole({ arn: READER, trust: trusting(`arn:aws:iam::${A}:root`), maxSessionSeconds: 43_200 });
    const out = await stsClient().send(new AssumeRoleCommand({ RoleArn: READER, RoleSessionName: 's1', DurationSeconds: 900 }));
    expect(out.Credentials?.Expiration?.getTime()).toBe(clock + 900_000);
    const error = await stsClient().send(new AssumeRoleCommand({ RoleArn: READER, RoleSessionName: 's1', DurationSeconds: 7200 })).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'ValidationError', message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.' });
  });

  it('refuses a request outside the model, answering ValidationError and recording it', async () => {
    const error = await stsClient().send(new AssumeRoleCommand({ RoleArn: READER, RoleSessionName: 'has space' })).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
    expect(fake.requestViolations).toEqual([expect.stringMatching(/call 1: \$\.RoleSessionName: "has space" does not match the model's pattern/)]);
    const short = await stsClient().send(new AssumeRoleCommand({ RoleArn: READER, RoleSessionName: 'x' })).catch((e: Error) => e);
    expect(short).toMatchObject({ name: 'ValidationError' });
    expect(fake.requestViolations.at(-1)).toMatch(/RoleSessionName: 1 characters, fewer than the model's minimum 2/);
  });

  it('answers scripted faults with their codes and statuses, modelled or common', async () => {
    fake.script([{ fault: 'Throttling' }, { fault: 'InternalFailure' }, { fault: 'ServiceUnavailable' }, { fault: 'RegionDisabledException' }]);
    const answers = [];
    for (let i = 0; i < 5; i++) {
      answers.push(await stsClient().send(new AssumeRoleCommand({ RoleArn: READER, RoleSessionName: 's1' })).then(() => 'credentials', (e: sts.STSServiceException) => `${e.name} ${e.$metadata.httpStatusCode}`));
    }
    expect(answers).toEqual(['Throttling 400', 'InternalFailure 500', 'ServiceUnavailable 503', 'RegionDisabledException 403', 'credentials']);
    expect(() => fake.script([{ fault: 'Teapot' as never }])).toThrow('unknown fault');
  });
});

describe('keys', () => {
  it('an unknown key is InvalidClientTokenId at STS and UnrecognizedClientException at Git sync', async () => {
    const stranger = { accessKeyId: 'AKIANOBODYKNOWSTHIS0', secretAccessKey: 'x' };
    expect(await stsClient(stranger).send(new GetCallerIdentityCommand({})).catch((e: Error) => `${e.name}: ${e.message}`)).toBe(
      'InvalidClientTokenId: The security token included in the request is invalid.',
    );
    expect(await gitSyncRead(stranger)).toBe('UnrecognizedClientException: The security token included in the request is invalid.');
  });

  it('a session that expired on the service clock is refused, with ExpiredToken at STS and ExpiredTokenException at Git sync', async () => {
    gitSync.script('network', [{ respond: wireGitSyncOutput({ desired: SHA, latest: wireGitSyncAttempt('SUCCEEDED', SHA) }) }], B);
    const out = await stsClient().send(new AssumeRoleCommand({ RoleArn: READER, RoleSessionName: 's1', DurationSeconds: 900 }));
    const keys = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
    clock += 899_000;
    expect(await gitSyncRead(keys)).toBe(SHA);
    clock += 1_000;
    expect(await gitSyncRead(keys)).toBe('ExpiredTokenException: The security token included in the request is expired');
    expect(await stsClient(keys).send(new GetCallerIdentityCommand({})).catch((e: Error) => e.name)).toBe('ExpiredToken');
  });

  it("a session's permissions are its role's: an operation the role's policy does not allow is AccessDeniedException", async () => {
    iam.putRole({ arn: READER, trust: trusting(`arn:aws:iam::${A}:root`), inline: { read: allow('proton:GetServiceInstanceSyncStatus') } });
    const out = await stsClient().send(new AssumeRoleCommand({ RoleArn: READER, RoleSessionName: 's1' }));
    const keys = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
    expect(await gitSyncRead(keys)).toBe(
      `AccessDeniedException: User: arn:aws:sts::${B}:assumed-role/reader/s1 is not authorized to perform: codestar-connections:GetResourceSyncStatus ` +
        'because no identity-based policy allows the codestar-connections:GetResourceSyncStatus action',
    );
  });

  it('GetCallerIdentity says who a key signs as', async () => {
    const out = await stsClient().send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({ Account: A, Arn: `arn:aws:sts::${A}:assumed-role/gate-handler/gate-function`, UserId: expect.stringMatching(/^AROA\w+:gate-function$/) });
  });
});
