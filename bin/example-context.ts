/**
 * The example app's context keys (defaults in cdk.json, overridden with `-c key=value`) and the stack props they
 * give. An absent or empty value is unset, so `-c gitSyncStackName=` leaves the default Git sync gate out.
 */
import type { ExampleStackProps } from './example-stack';

/** Every context key the example app reads (docs/deployment.md's context table lists them). */
export const CONTEXT_KEYS = ['gitSyncStackName', 'serviceName', 'serviceInstanceName', 'expectedSha', 'region', 'readerRoleArn', 'externalId'] as const;
export type ContextKey = (typeof CONTEXT_KEYS)[number];

/** The example stack's props from the context values that `read` returns (e.g. `app.node.tryGetContext`). */
export function exampleStackProps(read: (key: ContextKey) => unknown): ExampleStackProps {
  const value = (key: ContextKey): string | undefined => {
    const v = read(key);
    return v === undefined || v === null || v === '' ? undefined : String(v);
  };
  return {
    gitSyncStackName: value('gitSyncStackName'),
    serviceName: value('serviceName'),
    serviceInstanceName: value('serviceInstanceName'),
    expectedSha: value('expectedSha'),
    region: value('region'),
    readerRoleArn: value('readerRoleArn'),
    externalId: value('externalId'),
  };
}
