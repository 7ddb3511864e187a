/**
 * What one deployment of a stack (StackDeployment.deploy or destroy) did, as CloudFormation's console would show it:
 * the stack statuses it went through (root and nested stacks), one event per resource operation, and the
 * custom-resource requests with everything the offline world measured about each (LifecycleOutcome).
 */
import type { LifecycleOutcome } from './lifecycle-outcome';

export type RequestType = 'Create' | 'Update' | 'Delete';

/** One resource operation and how it ended, e.g. `Gate UPDATE_FAILED "Modifying service token is not allowed."`. */
export interface ResourceEvent {
  readonly stackName: string;
  readonly logicalId: string;
  readonly resourceType: string;
  readonly requestType: RequestType;
  /** `CREATE_COMPLETE`, `UPDATE_FAILED`, `DELETE_COMPLETE`, ... */
  readonly resourceStatus: string;
  readonly reason: string;
  /** The physical id acted on (the new one for a Create or a replacement). */
  readonly physicalId?: string;
  /** The status of the resource's stack while the operation ran (what DescribeStacks answered the handler). */
  readonly stackStatus: string;
  /** For a custom resource: the request CloudFormation sent and what came back. */
  readonly request?: LifecycleOutcome;
}

/** One status a stack went through. */
export interface StackStatusChange {
  readonly stackName: string;
  readonly status: string;
}

/** The outcome of one deployment. */
export interface DeploymentOutcome {
  readonly stackName: string;
  /** The root stack's status at the end: CREATE_COMPLETE, UPDATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE, ... */
  readonly status: string;
  /** Every status change of the root and its nested stacks, in order. */
  readonly statuses: readonly StackStatusChange[];
  readonly events: readonly ResourceEvent[];
  /** The custom-resource requests, in order. */
  readonly requests: readonly LifecycleOutcome[];
  /**
   * Set when CloudFormation refused the deployment before changing anything (a validation error such as "Update of
   * resource type is not permitted", or "No updates are to be performed."); the status is then unchanged.
   */
  readonly error?: string;
}

/** The statuses one stack went through, in order. */
export function statusesOf(outcome: DeploymentOutcome, stackName: string = outcome.stackName): string[] {
  return outcome.statuses.filter((s) => s.stackName === stackName).map((s) => s.status);
}

/** The events of one logical id (of any stack, or of `stackName`). */
export function eventsOf(outcome: DeploymentOutcome, logicalId: string, stackName?: string): ResourceEvent[] {
  return outcome.events.filter((e) => e.logicalId === logicalId && (stackName === undefined || e.stackName === stackName));
}

/** The custom-resource requests sent to one logical id, in order. */
export function requestsOf(outcome: DeploymentOutcome, logicalId: string): LifecycleOutcome[] {
  return outcome.requests.filter((r) => r.logicalResourceId === logicalId);
}

/** The first failed event's reason, or undefined when none failed. */
export function firstFailure(outcome: DeploymentOutcome): ResourceEvent | undefined {
  return outcome.events.find((e) => e.resourceStatus.endsWith('_FAILED'));
}
