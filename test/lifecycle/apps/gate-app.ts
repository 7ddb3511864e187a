/**
 * A test-only CDK app with every gate prop as context, so that each prop change is one synthesized template and a
 * sequence of templates is a sequence of deployments of one stack (see offline/stack-deployment.ts). Synthesize it
 * with `synthApp(GATE_APP, [{ pollInterval: '30' }, ...])` (offline/synth.ts); bin/ keeps the example app.
 *
 * Context keys (all strings, as `cdk synth -c key=value` gives them; absent or '' = the construct's default):
 * - `gate`: `proton` (ServiceInstanceSyncGate, default) or `git-sync` (GitSyncGate). Both get the construct id
 *   `Gate`, so swapping them is the migration docs/migration.md tells users to make.
 * - `serviceName`, `serviceInstanceName` (Proton; default `sample-service`, `sample-instance`) or `stackName` (Git sync, default `network`).
 * - `pollInterval`, `waitTimeout`: whole seconds. `expectedSha`, `region`.
 * - `readerRoleArn` (a role in another account, `readerRole` by `iam.Role.fromRoleArn`) and `externalId`.
 * - `requireSuccess`, `recheckOnEveryDeployment`: `true` or `false`.
 * - `fail`: `true` adds an SSM parameter with an empty value that is deployed after the gate (and its `sha`
 *   parameter), which SSM rejects: the stack update fails there and rolls back.
 * - `nested`: `true` puts the gate and its `sha` parameter in an aws-cdk-lib NestedStack (`Nested`); `fail` then
 *   stays in the root stack, deployed after the nested stack.
 * - `build`: any value; changes nothing but the synthesis (a new DeploymentNonce when recheckOnEveryDeployment).
 */
import { App, Duration, NestedStack, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { GitSyncGate, ServiceInstanceSyncGate } from '../../../lib';
import type { SyncGateOptions } from '../../../lib/sync-gate-base';

/** The construct id of the gate, whatever its class. */
const GATE_CONSTRUCT_ID = 'Gate';

const app = new App();
const context = (key: string): string | undefined => {
  const value = app.node.tryGetContext(key);
  return value === undefined || value === '' ? undefined : String(value);
};
const seconds = (key: string): Duration | undefined => {
  const value = context(key);
  return value === undefined ? undefined : Duration.seconds(Number(value));
};
const flag = (key: string): boolean | undefined => {
  const value = context(key);
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw new Error(`context ${key} must be true or false, not ${value}`);
  return value === 'true';
};

const stack = new Stack(app, 'GateApp');
const readerRoleArn = context('readerRoleArn');
const options: SyncGateOptions = {
  readerRole: readerRoleArn === undefined ? undefined : iam.Role.fromRoleArn(stack, 'ReaderRole', readerRoleArn),
  externalId: context('externalId'),
  pollInterval: seconds('pollInterval'),
  waitTimeout: seconds('waitTimeout'),
  expectedSha: context('expectedSha'),
  requireSuccess: flag('requireSuccess'),
  region: context('region'),
  recheckOnEveryDeployment: flag('recheckOnEveryDeployment'),
};

/** The gate and a parameter that records its sha (a GetAtt of the gate, so it is deployed after it). */
function addGate(scope: Construct): Construct {
  const gate =
    (context('gate') ?? 'proton') === 'git-sync'
      ? new GitSyncGate(scope, GATE_CONSTRUCT_ID, { ...options, stackName: context('stackName') ?? 'network' })
      : new ServiceInstanceSyncGate(scope, GATE_CONSTRUCT_ID, {
          ...options,
          serviceName: context('serviceName') ?? 'sample-service',
          serviceInstanceName: context('serviceInstanceName') ?? 'sample-instance',
        });
  return new ssm.StringParameter(scope, 'SyncedSha', { stringValue: gate.sha, description: 'The sha the gate passed with' });
}

const last = flag('nested') ? new NestedStack(stack, 'Nested') : stack;
const gated = addGate(last);
if (flag('fail')) {
  // SSM refuses an empty value: the update fails at this resource, after the gate.
  const breaks = new ssm.CfnParameter(stack, 'Breaks', { type: 'String', value: '' });
  breaks.node.addDependency(last === stack ? gated : last);
}
