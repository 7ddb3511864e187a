import { Construct } from 'constructs';
import { Prop, PROTON_RESOURCE_TYPE } from './contract';
import { isResourceName } from './limits';
import { SyncGateSource } from './sources';
import { SyncGateBase, SyncGateOptions } from './sync-gate-base';
import { validateResourceName } from './validation';

/** Properties of a `ServiceInstanceSyncGate`. */
export interface ServiceInstanceSyncGateProps extends SyncGateOptions {
  /**
   * Name of the Proton service. 1-100 characters matching `^[0-9A-Za-z]+[0-9A-Za-z_\-]*$`.
   * Changing it replaces the gate.
   */
  readonly serviceName: string;

  /**
   * Name of the service instance whose sync the gate checks. Same rule as `serviceName`.
   * Changing it replaces the gate.
   */
  readonly serviceInstanceName: string;
}

/**
 * Holds a CloudFormation deployment until an AWS Proton service instance has synced successfully from Git,
 * and exposes the synced sha and status as attributes. Resources that depend on the gate are created or
 * updated only after it passes. An active Proton sync blocker (on the instance or its service) fails the gate
 * at once, with the command that resolves it.
 *
 * AWS ended support for Proton on 2026-10-07: use this gate only while your account can still call Proton, and
 * `GitSyncGate` for stacks synced by CloudFormation Git sync.
 *
 * ```ts
 * const gate = new ServiceInstanceSyncGate(this, 'Gate', { serviceName: 'api', serviceInstanceName: 'prod' });
 * myResource.node.addDependency(gate);
 * ```
 */
export class ServiceInstanceSyncGate extends SyncGateBase {
  constructor(scope: Construct, id: string, props: ServiceInstanceSyncGateProps) {
    validateResourceName('serviceName', props.serviceName, isResourceName);
    validateResourceName('serviceInstanceName', props.serviceInstanceName, isResourceName);
    super(scope, id, props, {
      source: SyncGateSource.PROTON,
      resourceType: PROTON_RESOURCE_TYPE,
      properties: {
        [Prop.ServiceName]: props.serviceName,
        [Prop.ServiceInstanceName]: props.serviceInstanceName,
      },
    });
  }
}
