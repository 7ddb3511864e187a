/**
 * What CloudFormation remembers about a deployed stack between deployments (the template, each resource's physical
 * id, resolved properties and attributes, nested stacks), and the one operation on a single resource that every
 * phase of a deployment uses: send a custom resource its request, run a nested stack, or simulate anything else.
 */
import { randomUUID } from 'crypto';
import type { RequestType, ResourceEvent } from './deployment-outcome';
import type { StackNesting } from './fake-cloudformation-api';
import { asCloudFormationSends, PhysicalNames, resolveIntrinsics } from './intrinsics';
import type { OfflineWorld } from './offline-world';
import { applySimulated, ResourceAction, ResourceFailure } from './simulated-resources';
import type { SynthesizedStack, Template } from './synth';

/** One resource as deployed. */
export interface DeployedResource {
  readonly type: string;
  readonly physicalId: string;
  /** Its properties as last applied, resolved (not yet turned into strings). */
  readonly properties: Record<string, unknown>;
  readonly arn?: string;
  /** A custom resource's Data from its last SUCCESS, a nested stack's `Outputs.<name>`, or a type's own attributes. */
  readonly attributes?: Readonly<Record<string, unknown>>;
  /** The nested stack, for an AWS::CloudFormation::Stack. */
  readonly child?: StackState;
}

/** A stack as CloudFormation knows it. */
export interface StackState {
  readonly stackName: string;
  readonly stackId: string;
  readonly nesting?: StackNesting;
  /** The template of the last deployment that completed (undefined before the first). */
  template?: Template;
  /** Template parameter values (a nested stack's come from its AWS::CloudFormation::Stack resource). */
  parameters: Record<string, unknown>;
  resources: Map<string, DeployedResource>;
  status: string;
}

/** Fails a simulated resource operation with the returned reason (a test's way to make one resource fail). */
export type FaultRule = (action: ResourceAction & { readonly stackStatus: string }) => string | undefined;

/** What the phases of a deployment share. */
export interface DeployContext {
  readonly world: OfflineWorld;
  /** The cloud assembly being deployed; its asset maps also hold earlier deployments' (a rollback reinstalls old code). */
  readonly assembly: SynthesizedStack;
  readonly fail?: FaultRule;
  setStatus(stack: StackState, status: string): void;
  record(event: ResourceEvent): void;
}

/** A stack's record before its first deployment; `nesting` for a nested stack. */
export function newStackState(stackName: string, world: OfflineWorld, nesting?: StackNesting): StackState {
  const stackId = `arn:aws:cloudformation:${world.region}:${world.accountId}:stack/${stackName}/${randomUUID()}`;
  return { stackName, stackId, nesting, parameters: {}, resources: new Map(), status: 'REVIEW_IN_PROGRESS' };
}

export function isCustomResource(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

/** Resolves intrinsics against the stack's resources as they are now, its parameters and the pseudo parameters. */
export function resolveIn(ctx: DeployContext, stack: StackState, value: unknown): unknown {
  const names: PhysicalNames = new Map(
    [...stack.resources].map(([id, r]) => [id, { ref: r.physicalId, arn: r.arn, attributes: r.attributes ?? {} }]),
  );
  return resolveIntrinsics(value, names, {
    'AWS::Region': ctx.world.region,
    'AWS::AccountId': ctx.world.accountId,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': stack.stackName,
    'AWS::StackId': stack.stackId,
    ...(stack.parameters as Record<string, string>),
  });
}

/** Records one resource event of `stack`. */
export function recordEvent(ctx: DeployContext, stack: StackState, e: Omit<ResourceEvent, 'stackName' | 'stackStatus'>): void {
  ctx.record({ ...e, stackName: stack.stackName, stackStatus: stack.status });
}

/** The result of one resource operation: what the resource is now, or why it failed. */
export type OperationResult = { readonly ok: true; readonly resource: DeployedResource } | { readonly ok: false; readonly reason: string; readonly physicalId?: string };

/**
 * One Create, Update or Delete of a resource other than a nested stack, recorded as an event. A custom resource gets
 * its request through the world (the real framework runtime and handler); `old` is the resource as deployed before
 * (Update, Delete).
 */
export async function operate(
  ctx: DeployContext,
  stack: StackState,
  op: { id: string; type: string; requestType: RequestType; properties: Record<string, unknown>; old?: DeployedResource; oldProperties?: Record<string, unknown> },
): Promise<OperationResult> {
  const { id, type, requestType, properties, old } = op;
  const stackStatus = stack.status;
  const event = (ok: boolean, reason: string, physicalId?: string, request?: ResourceEvent['request']): void =>
    ctx.record({ stackName: stack.stackName, logicalId: id, resourceType: type, requestType, resourceStatus: `${requestType.toUpperCase()}_${ok ? 'COMPLETE' : 'FAILED'}`, reason, physicalId, stackStatus, request });

  if (isCustomResource(type)) {
    const o = await ctx.world.request({
      RequestType: requestType,
      LogicalResourceId: id,
      StackId: stack.stackId,
      ResourceType: type,
      ...(old && { PhysicalResourceId: old.physicalId }),
      ResourceProperties: asCloudFormationSends(properties) as Record<string, unknown>,
      ...(requestType === 'Update' && { OldResourceProperties: asCloudFormationSends(op.oldProperties ?? old!.properties) as Record<string, unknown> }),
    });
    event(o.status === 'SUCCESS', o.reason, o.physicalResourceId, o);
    if (o.status === 'FAILED') return { ok: false, reason: o.reason, physicalId: o.physicalResourceId };
    return { ok: true, resource: { type, physicalId: o.physicalResourceId, properties, attributes: requestType === 'Delete' ? old?.attributes : o.data } };
  }
  const action: ResourceAction = { stackName: stack.stackName, logicalId: id, type, requestType, properties, physicalId: old?.physicalId };
  try {
    const injected = ctx.fail?.({ ...action, stackStatus });
    if (injected) throw new ResourceFailure(injected);
    const identity = applySimulated(action, { ...ctx.world.installTarget, assetDirs: ctx.assembly.assetDirs });
    event(true, '', identity.physicalId);
    return { ok: true, resource: { type, properties, ...identity } };
  } catch (e) {
    if (!(e instanceof ResourceFailure)) throw e;
    event(false, e.message, old?.physicalId);
    return { ok: false, reason: e.message };
  }
}
