/**
 * A test-only CDK app for the account that owns a sync: one stack, `ReaderApp`, with a SyncStatusReaderRole that a
 * gate in another account reads through. Synthesize it with `synthApp(READER_APP, [{ trustedAccount: '...' }])` and
 * install it in its simulated account (`world.install(stack, { accountId })`).
 *
 * Context keys (strings; absent or '' = the construct's default): `trustedAccount` (required), `trustedRoleArn`,
 * `externalId`, `roleName` (default `sync-gate-reader`), `sources` (comma-separated SyncGateSource values).
 */
import { App, Stack } from 'aws-cdk-lib';
import { SyncGateSource, SyncStatusReaderRole } from '../../../lib';

const app = new App();
const context = (key: string): string | undefined => {
  const value = app.node.tryGetContext(key);
  return value === undefined || value === '' ? undefined : String(value);
};
const trustedAccount = context('trustedAccount');
if (trustedAccount === undefined) throw new Error('context trustedAccount is required');

new SyncStatusReaderRole(new Stack(app, 'ReaderApp'), 'GateReader', {
  trustedAccount,
  trustedRoleArn: context('trustedRoleArn'),
  externalId: context('externalId'),
  roleName: context('roleName') ?? 'sync-gate-reader',
  sources: context('sources')?.split(',').map((s) => s as SyncGateSource),
});
