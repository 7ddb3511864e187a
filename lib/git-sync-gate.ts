import { Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { GIT_SYNC_RESOURCE_TYPE, Prop } from './contract';
import { isResourceName, parseRoleArn } from './limits';
import { SyncGateSource } from './sources';
import { SyncGateBase, SyncGateOptions } from './sync-gate-base';
import { validateResourceName } from './validation';

/** Properties of a `GitSyncGate`. */
export interface GitSyncGateProps extends SyncGateOptions {
  /**
   * Name of the stack that CloudFormation Git sync keeps in sync (the ResourceName of its sync
   * configuration). 1-100 characters matching `^[0-9A-Za-z]+[0-9A-Za-z_\-]*$`. Changing it replaces the gate.
   */
  readonly stackName: string;
}

/**
 * Holds a CloudFormation deployment until a stack synced by CloudFormation Git sync has synced successfully
 * from Git, and exposes the synced sha and status as attributes (the same as `ServiceInstanceSyncGate`'s).
 * Resources that depend on the gate are created or updated only after it passes. An active sync blocker on the
 * stack fails the gate at once, with the command that resolves it.
 *
 * ```ts
 * const gate = new GitSyncGate(this, 'NetworkSynced', { stackName: 'network' });
 * myResource.node.addDependency(gate);
 * ```
 */
export class GitSyncGate extends SyncGateBase {
  constructor(scope: Construct, id: string, props: GitSyncGateProps) {
    validateResourceName('stackName', props.stackName, isResourceName);
    rejectOwnStack(scope, props);
    super(scope, id, props, {
      source: SyncGateSource.GIT_SYNC,
      resourceType: GIT_SYNC_RESOURCE_TYPE,
      properties: { [Prop.StackName]: props.stackName },
    });
  }
}

/**
 * A gate on the stack it is deployed in would wait for that stack's own Git sync deployment, which waits for the
 * gate: it could only time out. Rejected here when both names are known at synth (the handler rejects it at
 * deploy time when one is a token). Only a gate in another region, or reading another account through its reader
 * role, may watch a stack of the same name.
 */
function rejectOwnStack(scope: Construct, props: GitSyncGateProps): void {
  const stack = Stack.of(scope);
  if (Token.isUnresolved(props.stackName) || Token.isUnresolved(stack.stackName)) return;
  if (props.region !== undefined && (Token.isUnresolved(props.region) || Token.isUnresolved(stack.region) || props.region !== stack.region)) return;
  if (props.readerRole !== undefined) {
    const account = Token.isUnresolved(props.readerRole.roleArn) ? undefined : parseRoleArn(props.readerRole.roleArn)?.account;
    if (account === undefined || Token.isUnresolved(stack.account) || account !== stack.account) return;
  }
  if (props.stackName === stack.stackName) {
    throw new Error(
      `Invalid stackName ${JSON.stringify(props.stackName)}: it is the stack this GitSyncGate is in (${stack.node.path}), so the gate ` +
        'would wait for its own deployment until it timed out. Name the stack whose Git sync this one depends on, or move the gate ' +
        'into a stack that deploys after it.',
    );
  }
}
