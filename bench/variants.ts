/**
 * The two variants the benchmark compares, built on the same work: N gates in one stack, each reading
 * GetServiceInstanceSyncStatus for its own service instance.
 *
 * - `ours`: N ServiceInstanceSyncGate (defaults, so recheckOnEveryDeployment is on).
 * - `awscr`: N aws-cdk-lib AwsCustomResource calling Proton.getServiceInstanceSyncStatus with outputPaths for the
 *   desired sha and the latest sync status, and the policy AwsCustomResource generates from the SDK call
 *   (`fromSdkCalls`, one AWS::IAM::Policy per instance attached to the shared singleton role).
 *
 * Each variant loads only what it uses, as a user of it would.
 */
import type { Stack } from 'aws-cdk-lib';

export const VARIANTS = ['ours', 'awscr'] as const;
export type Variant = (typeof VARIANTS)[number];

export const BENCH_STACK = 'SyncGateBench';
export const SERVICE = 'bench-service';

export function instanceName(i: number): string {
  return `instance-${i}`;
}

export function isVariant(v: unknown): v is Variant {
  return (VARIANTS as readonly unknown[]).includes(v);
}

/** Adds N gates of the given variant to the stack. */
export function addGates(stack: Stack, variant: Variant, n: number): void {
  if (variant === 'ours') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ServiceInstanceSyncGate } = require('../lib') as typeof import('../lib');
    for (let i = 0; i < n; i++) {
      new ServiceInstanceSyncGate(stack, `Gate${i}`, { serviceName: SERVICE, serviceInstanceName: instanceName(i) });
    }
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cr = require('aws-cdk-lib/custom-resources') as typeof import('aws-cdk-lib/custom-resources');
  for (let i = 0; i < n; i++) {
    const call: import('aws-cdk-lib/custom-resources').AwsSdkCall = {
      service: 'Proton',
      action: 'getServiceInstanceSyncStatus',
      parameters: { serviceName: SERVICE, serviceInstanceName: instanceName(i) },
      physicalResourceId: cr.PhysicalResourceId.of(`${SERVICE}/${instanceName(i)}`),
      outputPaths: ['desiredState.sha', 'latestSync.status'],
    };
    new cr.AwsCustomResource(stack, `Gate${i}`, {
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
      // AWS's recommended setting (and cdk init's): the default, true, runs `npm install` of the SDK on every cold
      // start. false is the faster choice for AwsCustomResource, so the comparison is conservative.
      installLatestAwsSdk: false,
    });
  }
}
