/**
 * What only the fake Proton does: its sync-blocker operation, read with the real @aws-sdk/client-proton. The
 * honesty checks it shares with the fake CodeStar Connections are in fake-services.test.ts.
 */
import { GetServiceInstanceSyncStatusCommand, GetServiceSyncBlockerSummaryCommand, ProtonClient } from '@aws-sdk/client-proton';
import { FakeProton, wireAttempt, wireBlocker, wireBlockerSummary, wireSyncOutput } from '../../offline/fake-proton';


const SHA = 'a'.repeat(40);
let proton: FakeProton;
let client: ProtonClient;

beforeAll(async () => {
  proton = await FakeProton.start();
  client = new ProtonClient({ region: 'us-east-1', endpoint: proton.endpoint, credentials: { accessKeyId: 'AKIAFAKEPROTONTEST00', secretAccessKey: 'fake' }, maxAttempts: 1 });
});
afterEach(() => {
  proton.assertHonest();
  proton.reset();
});
afterAll(async () => proton.close());

function blockers(serviceName: string, serviceInstanceName?: string) {
  return client.send(new GetServiceSyncBlockerSummaryCommand({ serviceName, serviceInstanceName }));
}

describe('GetServiceSyncBlockerSummary', () => {
  test('answers a summary without blockers for a service or instance nobody scripted, as Proton does', async () => {
    expect(await blockers('api', 'prod')).toMatchObject({ serviceSyncBlockerSummary: { serviceName: 'api', serviceInstanceName: 'prod' } });
    const service = await blockers('api');
    expect(service.serviceSyncBlockerSummary).toEqual({ serviceName: 'api' });
    expect(proton.calls.map((c) => [c.operation, c.resourceKey, c.httpStatus])).toEqual([
      ['GetServiceSyncBlockerSummary', 'api/prod', 200],
      ['GetServiceSyncBlockerSummary', 'api', 200],
    ]);
  });

  test('serves scripted blockers per instance and per service, parsed by the SDK with dates and enums', async () => {
    const active = wireBlocker({ id: 'b-1', createdAt: Date.UTC(2026, 0, 15, 9, 30, 0, 250), contexts: { commitId: SHA } });
    const resolved = wireBlocker({ id: 'b-0', status: 'RESOLVED', resolvedReason: 'rolled forward' });
    proton.scriptBlockers('api', 'prod', [{ respond: wireBlockerSummary('api', 'prod', [active, resolved]) }]);
    proton.scriptBlockers('api', undefined, [{ respond: wireBlockerSummary('api', undefined, []) }]);

    const out = await blockers('api', 'prod');
    const [b1, b0] = out.serviceSyncBlockerSummary!.latestBlockers!;
    expect(b1).toMatchObject({ id: 'b-1', type: 'AUTOMATED', status: 'ACTIVE', contexts: [{ key: 'commitId', value: SHA }] });
    expect(b1.createdAt?.toISOString()).toBe('2026-01-15T09:30:00.250Z');
    expect(b1.resolvedAt).toBeUndefined();
    expect(b0).toMatchObject({ id: 'b-0', status: 'RESOLVED', resolvedReason: 'rolled forward' });
    expect(b0.resolvedAt).toBeInstanceOf(Date);
    expect((await blockers('api')).serviceSyncBlockerSummary?.latestBlockers).toEqual([]);
    expect(proton.callsFor('api', 'prod', 'GetServiceSyncBlockerSummary')).toHaveLength(1);
  });

  test('refuses a blocker script the model does not allow', () => {
    expect(() => proton.scriptBlockers('api', 'prod', [{ respond: wireBlockerSummary('api', 'prod', [{ ...wireBlocker(), status: 'OPEN' }]) }])).toThrow(
      /latestBlockers\[0\]\.status: "OPEN" is not one of the model's values ACTIVE\|RESOLVED/,
    );
    expect(() => proton.scriptBlockers('api', undefined, [{ respond: { serviceSyncBlockerSummary: {} } }])).toThrow(/serviceName: required member/);
  });

  test('keeps blocker and sync-status scripts and calls apart for the same instance', async () => {
    proton.script('api', 'prod', [{ respond: wireSyncOutput({ desired: SHA, latest: wireAttempt('SUCCEEDED', SHA) }) }]);
    proton.scriptBlockers('api', 'prod', [{ error: 'ThrottlingException' }]);
    await expect(blockers('api', 'prod')).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
    const status = await client.send(new GetServiceInstanceSyncStatusCommand({ serviceName: 'api', serviceInstanceName: 'prod' }));
    expect(status.latestSync?.status).toBe('SUCCEEDED');
    expect(proton.callsFor('api', 'prod').map((c) => c.outcome)).toEqual(['response']);
    expect(proton.callsFor('api', 'prod', 'GetServiceSyncBlockerSummary').map((c) => c.errorType)).toEqual(['ThrottlingException']);
    expect(proton.calls.map((c) => c.serviceInstanceName)).toEqual(['prod', 'prod']);
  });
});
