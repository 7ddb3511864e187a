/**
 * The account-wide rate limit of the fake services: a token bucket on the service's clock, counted over every
 * operation and resource, answering ThrottlingException with the model's status; a throttled call takes no token.
 * The clock here is a number the test moves, so nothing depends on real time.
 */
import { CodeStarConnectionsClient, GetResourceSyncStatusCommand, GetSyncBlockerSummaryCommand } from '@aws-sdk/client-codestar-connections';
import { GetServiceInstanceSyncStatusCommand, GetServiceSyncBlockerSummaryCommand, ProtonClient } from '@aws-sdk/client-proton';
import { FakeCodeStarConnections, wireGitSyncAttempt, wireGitSyncOutput } from '../../offline/fake-codestar-connections';
import { FakeProton, wireSyncOutput } from '../../offline/fake-proton';
import { TokenBucket } from '../../offline/token-bucket';


const CREDENTIALS = { accessKeyId: 'AKIAFAKERATELIMIT000', secretAccessKey: 'fake' };

describe('TokenBucket', () => {
  test('serves the burst at once, then one per second of the clock; a refused take costs nothing', () => {
    const bucket = new TokenBucket({ perSecond: 1, burst: 3 }, 0);
    expect([0, 0, 0, 0, 0].map(() => bucket.take(0))).toEqual([true, true, true, false, false]);
    expect(bucket.take(999)).toBe(false);
    expect(bucket.take(1_000)).toBe(true);
    expect(bucket.take(1_000)).toBe(false);
    // Refused takes at 1,000 and 999 took nothing: a whole token is there again at 2,000.
    expect(bucket.take(2_000)).toBe(true);
    // A long quiet spell refills to the burst, not beyond.
    expect(bucket.available(60_000)).toBe(3);
  });

  test('rejects limits that mean nothing', () => {
    expect(() => new TokenBucket({ perSecond: 0, burst: 3 }, 0)).toThrow(/perSecond must be a positive number/);
    expect(() => new TokenBucket({ perSecond: 1, burst: 0.5 }, 0)).toThrow(/burst must be a whole number >= 1/);
  });
});

describe('a rate-limited fake service', () => {
  let now = Date.UTC(2026, 0, 15, 12, 0, 0);
  let proton: FakeProton;
  let client: ProtonClient;

  beforeAll(async () => {
    proton = await FakeProton.start({ now: () => now, rateLimit: { perSecond: 1, burst: 3 } });
    client = new ProtonClient({ region: 'us-east-1', endpoint: proton.endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
  });
  afterAll(async () => proton.close());

  const status = (instance: string) => client.send(new GetServiceInstanceSyncStatusCommand({ serviceName: 'api', serviceInstanceName: instance }));
  const blockers = () => client.send(new GetServiceSyncBlockerSummaryCommand({ serviceName: 'api' }));
  const outcome = (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: Error) => e.name);

  test('counts every operation and resource of the account; answers ThrottlingException 429 beyond it; a throttled call takes no token', async () => {
    proton.script('api', 'a', [{ respond: wireSyncOutput({}) }]);
    proton.script('api', 'b', [{ respond: wireSyncOutput({}) }]);
    // Burst of 3 over two instances and the blocker operation, then throttled.
    expect(await outcome(status('a'))).toBe('ok');
    expect(await outcome(status('b'))).toBe('ok');
    expect(await outcome(blockers())).toBe('ok');
    expect(await outcome(status('a'))).toBe('ThrottlingException');
    expect(await outcome(status('b'))).toBe('ThrottlingException');
    now += 999;
    expect(await outcome(blockers())).toBe('ThrottlingException');
    // One second after the burst: exactly one token, whatever was throttled meanwhile.
    now += 1;
    expect(await outcome(status('a'))).toBe('ok');
    expect(await outcome(status('b'))).toBe('ThrottlingException');
    now += 1_000;
    expect(await outcome(status('b'))).toBe('ok');

    expect(proton.calls.map((c) => (c.throttled ? 429 : c.httpStatus))).toEqual([200, 200, 200, 429, 429, 429, 200, 429, 200]);
    const throttled = proton.calls.filter((c) => c.throttled);
    expect(throttled.every((c) => c.httpStatus === 429 && c.errorType === 'ThrottlingException' && c.stepIndex === undefined)).toBe(true);
    // Throttled calls did not advance the scripts: instance a served its step 0 twice, both answered.
    expect(proton.callsFor('api', 'a').filter((c) => !c.throttled).map((c) => c.stepIndex)).toEqual([0, 0]);
    proton.assertHonest();
  });

  test('is set, changed and lifted at run time; reset() refills the bucket', async () => {
    proton.reset();
    proton.script('api', 'a', [{ respond: wireSyncOutput({}) }]);
    expect(proton.rateLimit).toEqual({ perSecond: 1, burst: 3 });
    proton.setRateLimit({ perSecond: 2, burst: 1 });
    expect(await outcome(status('a'))).toBe('ok');
    expect(await outcome(status('a'))).toBe('ThrottlingException');
    now += 500;
    expect(await outcome(status('a'))).toBe('ok');
    proton.setRateLimit();
    expect(await Promise.all([0, 1, 2, 3, 4].map(() => outcome(status('a'))))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    proton.setRateLimit({ perSecond: 1, burst: 1 });
    expect(await outcome(status('a'))).toBe('ok');
    proton.reset();
    proton.script('api', 'a', [{ respond: wireSyncOutput({}) }]);
    expect(await outcome(status('a'))).toBe('ok');
  });
});

test('the fake CodeStar Connections is limited the same way, with its model status (429)', async () => {
  let now = 0;
  const gitSync = await FakeCodeStarConnections.start({ now: () => now, rateLimit: { perSecond: 1, burst: 1 } });
  try {
    const client = new CodeStarConnectionsClient({ region: 'us-east-1', endpoint: gitSync.endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
    gitSync.script('app-stack', [{ respond: wireGitSyncOutput({ latest: wireGitSyncAttempt('SUCCEEDED', 'd'.repeat(40)) }) }]);
    await client.send(new GetResourceSyncStatusCommand({ ResourceName: 'app-stack', SyncType: 'CFN_STACK_SYNC' }));
    await expect(client.send(new GetSyncBlockerSummaryCommand({ ResourceName: 'app-stack', SyncType: 'CFN_STACK_SYNC' }))).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 429 },
    });
    now += 1_000;
    await client.send(new GetSyncBlockerSummaryCommand({ ResourceName: 'app-stack', SyncType: 'CFN_STACK_SYNC' }));
    expect(gitSync.calls.map((c) => [c.operation, c.httpStatus])).toEqual([
      ['GetResourceSyncStatus', 200],
      ['GetSyncBlockerSummary', 429],
      ['GetSyncBlockerSummary', 200],
    ]);
    gitSync.assertHonest();
  } finally {
    await gitSync.close();
  }
});
