/**
 * Reading through a reader role (lambda/sources/reader-role.ts), with the real SDK against the offline world's fake
 * STS and fake Git sync on 127.0.0.1: the credentials are kept and renewed by the SDK's own cache; a reader through a
 * role reads the role's account; and every way AssumeRole can fail becomes a reason that names the role, the read,
 * what STS said and what to do, transient only where a later poll may succeed.
 */
import { STSServiceException } from '@aws-sdk/client-sts';
import { standardRetry } from '../../../lambda/client-config';
import { SyncGateError } from '../../../lambda/core/errors';
import { readerSessionName } from '../../../lambda/poll/settings';
import { gitSyncSource, GitSyncSubject } from '../../../lambda/sources/git-sync';
import {
  callerOf,
  connectSubject,
  createStsClient,
  explainAssumeRoleFailure,
  principalOf,
  readerKey,
  readThroughRole,
  roleCredentials,
  trustStatement,
} from '../../../lambda/sources/reader-role';
import { ReaderRole, SourceReader } from '../../../lambda/sources/source';
import { CallBudget } from '../../../lib/limits';
import { FakeCodeStarConnections, wireGitSyncAttempt, wireGitSyncOutput } from '../../../offline/fake-codestar-connections';
import { FakeIam, roleArn } from '../../../offline/fake-iam';
import { FakeSts } from '../../../offline/fake-sts';

const A = '111111111111';
const B = '222222222222';
const ROLE: ReaderRole = { roleArn: roleArn('aws', B, 'reader'), partition: 'aws', account: B, sessionName: readerSessionName('arn:aws:cloudformation:us-east-1:111111111111:stack/GateStack/x') };
const SUBJECT: GitSyncSubject = { source: 'git-sync', stackName: 'network', region: 'us-east-1', readerRole: ROLE };
const SHA = 'd'.repeat(40);
const BUDGET = { ...CallBudget, connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000 };

let iam: FakeIam;
let sts: FakeSts;
let gitSync: FakeCodeStarConnections;
const saved = { ...process.env };

beforeEach(async () => {
  iam = new FakeIam();
  sts = await FakeSts.start({ iam });
  gitSync = await FakeCodeStarConnections.start();
  gitSync.iam = iam;
  gitSync.homeAccount = A;
  const handler = roleArn('aws', A, 'GateStack-IsCompleteRole-X');
  // The handler's role, as the provider grants it: its source's reads and sts:AssumeRole on the reader role.
  iam.putRole({
    arn: handler,
    trust: { Statement: [] },
    inline: {
      policy: {
        Statement: [
          { Effect: 'Allow', Action: ['codestar-connections:GetResourceSyncStatus', 'codestar-connections:GetSyncBlockerSummary'], Resource: '*' },
          { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE.roleArn },
        ],
      },
    },
  });
  iam.putRole({
    arn: ROLE.roleArn,
    trust: { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: 'sts:AssumeRole' }] },
    inline: { read: { Statement: [{ Effect: 'Allow', Action: ['codestar-connections:GetResourceSyncStatus', 'codestar-connections:GetSyncBlockerSummary'], Resource: '*' }] } },
  });
  const keys = iam.startSession(handler, 'GateStack-IsComplete-Y');
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    AWS_SESSION_TOKEN: keys.sessionToken,
    AWS_ENDPOINT_URL_STS: sts.endpoint,
    AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS: gitSync.endpoint,
  });
  gitSync.script('network', [{ respond: wireGitSyncOutput({ desired: SHA, latest: wireGitSyncAttempt('SUCCEEDED', SHA) }) }], B);
});

afterEach(async () => {
  process.env = { ...saved };
  sts.assertHonest();
  gitSync.assertHonest();
  await sts.close();
  await gitSync.close();
});

describe('the role\'s credentials', () => {
  it('come from one AssumeRole, with the session name and external id, and are kept while more than 5 minutes are left', async () => {
    const credentials = roleCredentials({ ...ROLE, externalId: 'ext-1' }, createStsClient('us-east-1', BUDGET));
    iam.putRole({ arn: ROLE.roleArn, trust: { Statement: [{ Effect: 'Allow', Principal: { AWS: A }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'ext-1' } } }] } });
    const first = await credentials.resolve();
    const second = await credentials.resolve();
    expect(second).toBe(first);
    expect(first).toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/), accountId: B, expiration: new Date(sts.calls[0].expiresAt!) });
    expect(sts.calls.map((c) => [c.action, c.roleSessionName, c.externalId])).toEqual([['AssumeRole', 'cdk-git-sync-gate-GateStack', 'ext-1']]);
    // What a client signs with is the same cache, marked so that the client uses it as it is.
    expect(await credentials.provider()).toBe(first);
    expect((credentials.provider as unknown as { memoized?: boolean }).memoized).toBe(true);
    expect(sts.calls).toHaveLength(1);
  });

  it('are renewed when less than 5 minutes are left (the SDK\'s own expiry window), before they expire', async () => {
    // Sessions of 15 minutes, issued on a service clock 11 minutes behind: each expires 4 minutes from now.
    sts.defaultSessionSeconds = 900;
    iam.now = () => Date.now() - 11 * 60_000;
    const credentials = roleCredentials(ROLE, createStsClient('us-east-1', BUDGET));
    // The first resolve finds its new credentials within the window at once and asks again; so does every later one.
    const first = await credentials.resolve();
    const callsForFirst = sts.assumeRoleCalls.length;
    const second = await credentials.resolve();
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(sts.assumeRoleCalls.length).toBeGreaterThan(callsForFirst);
    const before = sts.assumeRoleCalls.length;
    // With the clocks together, 15 minutes are left: kept.
    iam.now = () => Date.now();
    const fresh = roleCredentials(ROLE, createStsClient('us-east-1', BUDGET));
    await fresh.resolve();
    await fresh.resolve();
    expect(sts.assumeRoleCalls).toHaveLength(before + 1);
  });

  it('are not kept when AssumeRole fails: the next read asks again', async () => {
    sts.script([{ fault: 'InternalFailure', times: 3 }]);
    const credentials = roleCredentials(ROLE, createStsClient('us-east-1', BUDGET, standardRetry(3)));
    await expect(credentials.resolve()).rejects.toMatchObject({ name: 'InternalFailure' });
    await expect(credentials.resolve()).resolves.toMatchObject({ accountId: B });
    expect(sts.calls.map((c) => c.errorCode ?? c.outcome)).toEqual(['InternalFailure', 'InternalFailure', 'InternalFailure', 'credentials']);
  });
});

describe('a reader through the role', () => {
  const connect = (subject: GitSyncSubject): SourceReader<GitSyncSubject> =>
    connectSubject(gitSyncSource, subject, standardRetry(), () => createStsClient('us-east-1', BUDGET), 'us-east-1');

  it("reads the role's account with the role's session, and its blockers too", async () => {
    const reader = connect(SUBJECT);
    expect((await reader.readStatus(SUBJECT)).desiredRevision?.sha).toBe(SHA);
    expect(await reader.readBlockers(SUBJECT)).toEqual({ blockers: [], errors: [] });
    expect(gitSync.calls.map((c) => [c.operation, c.account, c.caller])).toEqual([
      ['GetResourceSyncStatus', B, `arn:aws:sts::${B}:assumed-role/reader/cdk-git-sync-gate-GateStack`],
      ['GetSyncBlockerSummary', B, `arn:aws:sts::${B}:assumed-role/reader/cdk-git-sync-gate-GateStack`],
    ]);
    expect(sts.assumeRoleCalls).toHaveLength(1);
  });

  it('without a role, reads its own account with the default credentials, and STS is not asked', async () => {
    const subject: GitSyncSubject = { source: 'git-sync', stackName: 'network', region: 'us-east-1' };
    gitSync.script('network', [{ respond: wireGitSyncOutput({ desired: 'e'.repeat(40), latest: wireGitSyncAttempt('SUCCEEDED', 'e'.repeat(40)) }) }], A);
    expect((await connect(subject).readStatus(subject)).desiredRevision?.sha).toBe('e'.repeat(40));
    expect(gitSync.calls.map((c) => c.account)).toEqual([A]);
    expect(sts.calls).toEqual([]);
  });

  it('that cannot assume the role throws the explained failure and makes no read; its blocker read reports it', async () => {
    iam.putRole({ arn: ROLE.roleArn, trust: { Statement: [] } });
    const reader = connect(SUBJECT);
    const error = await reader.readStatus(SUBJECT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncGateError);
    expect((error as SyncGateError).transient).toBe(false);
    expect((error as Error).message).toMatch(/^Could not assume the reader role arn:aws:iam::222222222222:role\/reader to read the Git sync status of stack "network"/);
    const blockers = await reader.readBlockers(SUBJECT);
    expect(blockers.blockers).toEqual([]);
    expect(blockers.errors).toEqual([expect.stringMatching(/^Reading the sync blockers needs the reader role's credentials: Could not assume the reader role/)]);
    expect(gitSync.calls).toEqual([]);
  });

  it('aborts AssumeRole with the poll\'s signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const credentials = roleCredentials(ROLE, createStsClient('us-east-1', BUDGET));
    const reader = readThroughRole<GitSyncSubject>({ readStatus: () => Promise.reject(new Error('not reached')), readBlockers: () => Promise.reject(new Error('not reached')) }, credentials, (s) => gitSyncSource.reasonSubject(s), 'us-east-1');
    const error = (await reader.readStatus(SUBJECT, controller.signal).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/^Could not assume the reader role [^]*before STS answered \(AbortError/);
  });

  it('is kept per source, region, role and external id', () => {
    const key = (s: GitSyncSubject) => readerKey(gitSyncSource, s);
    expect(key(SUBJECT)).toBe(key({ ...SUBJECT }));
    expect(new Set([key(SUBJECT), key({ ...SUBJECT, region: 'eu-west-1' }), key({ ...SUBJECT, readerRole: { ...ROLE, externalId: 'x1' } }), key({ ...SUBJECT, readerRole: undefined })]).size).toBe(4);
  });
});

describe('a failed AssumeRole, explained', () => {
  const SUBJECT_WORDS = gitSyncSource.reasonSubject(SUBJECT);
  const CALLER = `arn:aws:sts::${A}:assumed-role/GateStack-IsCompleteRole-X/GateStack-IsComplete-Y`;
  const sdkError = (name: string, status: number | undefined, message: string, extra: object = {}) =>
    Object.assign(new STSServiceException({ name, $fault: (status ?? 400) >= 500 ? 'server' : 'client', message, $metadata: { httpStatusCode: status, attempts: 3 } }), extra);
  const explain = (error: unknown, role: ReaderRole = ROLE) => explainAssumeRoleFailure(error, role, SUBJECT_WORDS, 'us-east-1');

  it('access denied: fails at once, naming the role, the read, the caller and the statement to add to the trust policy', () => {
    const e = explain(sdkError('AccessDenied', 403, `User: ${CALLER} is not authorized to perform: sts:AssumeRole on resource: ${ROLE.roleArn}`));
    expect(e.transient).toBe(false);
    expect(e.message).toBe(
      `Could not assume the reader role ${ROLE.roleArn} to read the Git sync status of stack "network" in us-east-1 of account ${B} ` +
        `(HTTP 403 AccessDenied: User: ${CALLER} is not authorized to perform: sts:AssumeRole on resource: ${ROLE.roleArn}). ` +
        `The role's trust policy does not let the caller arn:aws:iam::${A}:role/GateStack-IsCompleteRole-X assume it, or the role does not exist. ` +
        `In account ${B}, add this statement to the role's trust policy (or deploy SyncStatusReaderRole there with trustedAccount ${A}): ` +
        `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${A}:root"},"Action":"sts:AssumeRole","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::${A}:role/GateStack-IsCompleteRole-X"}}}. ` +
        "If the role's owner requires an external id (a condition on sts:ExternalId), set the gate's externalId to it. " +
        `Also check that no SCP or permissions boundary denies that role sts:AssumeRole on ${ROLE.roleArn}.`,
    );
  });

  it('access denied with an external id: the statement requires it, and the gate\'s is to be checked', () => {
    const e = explain(sdkError('AccessDenied', 403, `User: ${CALLER} is not authorized`), { ...ROLE, externalId: 'ext-1' });
    expect(e.message).toContain('assume it with the external id the gate sends, or the role does not exist');
    expect(e.message).toContain(`"Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::${A}:role/GateStack-IsCompleteRole-X"},"StringEquals":{"sts:ExternalId":"ext-1"}}`);
    expect(e.message).toContain("Check that the gate's externalId is the one the trust policy requires.");
  });

  it('access denied without a caller in the message: the handler role, and the account left to fill in', () => {
    const e = explain(sdkError('AccessDenied', 403, 'Access denied'));
    expect(e.message).toContain("does not let the handler role (the gate's isComplete function's role) assume it");
    expect(e.message).toContain(`with trustedAccount the gate's account): {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::<your account>:root"},"Action":"sts:AssumeRole"}.`);
  });

  it.each([
    ['throttling', sdkError('Throttling', 400, 'Rate exceeded'), true, /STS kept answering Throttling after 3 attempts \(HTTP 400 Throttling: Rate exceeded\)\. STS in us-east-1 is busy or throttling AssumeRole for the account; a later poll asks again/],
    ['a 5xx', sdkError('InternalFailure', 500, 'oops'), true, /STS kept answering InternalFailure after 3 attempts/],
    ['a 503', sdkError('ServiceUnavailable', 503, 'busy'), true, /STS kept answering ServiceUnavailable/],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true, /STS kept answering Error/],
    ['expired credentials', sdkError('ExpiredToken', 403, 'The security token included in the request is expired'), false, /: the credentials the handler signed with have expired\. Lambda gives every invocation fresh ones of the execution role: deploy again\.$/],
    ['STS disabled in the region', sdkError('RegionDisabledException', 403, 'STS is not activated'), false, /STS is not activated in us-east-1 for the caller's account\. Activate it in that account's IAM account settings/],
    ['invalid credentials', sdkError('InvalidClientTokenId', 403, 'The security token included in the request is invalid.'), false, /STS answered after 3 attempts \(HTTP 403 InvalidClientTokenId: [^]*Check the handler's credentials and the role's ARN, then deploy again\.$/],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }), false, /could not reach STS in us-east-1 \(Error: connect ECONNREFUSED/],
    ['a failure before any answer', Object.assign(new Error('no credentials'), { name: 'CredentialsProviderError' }), false, /before STS answered \(CredentialsProviderError: no credentials\)\. Check the handler's credentials and region/],
  ])('%s: explained, transient only when a later poll may succeed', (_case, error, transient, message) => {
    const e = explain(error);
    expect(e).toBeInstanceOf(SyncGateError);
    expect(e.transient).toBe(transient);
    expect(e.message).toMatch(/^Could not assume the reader role arn:aws:iam::222222222222:role\/reader to read the Git sync status of stack "network" in us-east-1 of account 222222222222/);
    expect(e.message).toMatch(message);
    expect(e.cause).toBe(error);
  });
});

describe('names in the reasons', () => {
  it.each([
    ['User: arn:aws:sts::111111111111:assumed-role/R/s is not authorized to perform: sts:AssumeRole', 'arn:aws:sts::111111111111:assumed-role/R/s'],
    ['User: arn:aws:iam::111111111111:user/alice is not authorized to perform: x', 'arn:aws:iam::111111111111:user/alice'],
    ['Access denied', undefined],
  ])('callerOf(%j) is %s', (message, caller) => {
    expect(callerOf(message)).toBe(caller);
  });

  it.each([
    ['arn:aws:sts::111111111111:assumed-role/R/s', { arn: 'arn:aws:iam::111111111111:role/R', account: '111111111111' }],
    ['arn:aws-cn:sts::111111111111:assumed-role/R/s@x', { arn: 'arn:aws-cn:iam::111111111111:role/R', account: '111111111111' }],
    ['arn:aws:iam::111111111111:user/alice', { arn: 'arn:aws:iam::111111111111:user/alice', account: '111111111111' }],
  ])('principalOf(%s)', (caller, principal) => {
    expect(principalOf(caller)).toEqual(principal);
  });

  it('trustStatement is a statement IAM accepts, with only the conditions it is given', () => {
    expect(JSON.parse(trustStatement('111111111111', 'aws', undefined))).toEqual({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' });
    expect(JSON.parse(trustStatement('111111111111', 'aws-us-gov', undefined, 'x'))).toEqual({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws-us-gov:iam::111111111111:root' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'x' } },
    });
  });
});
