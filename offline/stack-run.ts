/**
 * One stack's part of a deployment, phase by phase, as CloudFormation runs it (StackDeployment drives the root stack;
 * a nested stack gets its own StackRun from the resource that holds it):
 *
 * - apply: Create or Update each resource in dependency order (CREATE_IN_PROGRESS / UPDATE_IN_PROGRESS), leaving
 *   alone those whose resolved properties did not change; stops at the first failure.
 * - cleanup (UPDATE_COMPLETE_CLEANUP_IN_PROGRESS): deletes the old physical resources of replacements and the
 *   resources the new template removed, in reverse dependency order; a failed delete does not fail the update.
 * - rollback: a failed Create deletes what was created (ROLLBACK_IN_PROGRESS, ROLLBACK_COMPLETE); a failed Update
 *   (UPDATE_ROLLBACK_IN_PROGRESS) sends each updated resource an Update back to its old properties (old and new
 *   swapped), keeps the old side of replacements, then (UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS) deletes what
 *   the update created; a failed rollback Update ends in UPDATE_ROLLBACK_FAILED.
 *
 * A nested stack's cleanup waits for its root's (it stays UPDATE_COMPLETE_CLEANUP_IN_PROGRESS), and when the root's
 * update fails elsewhere, the root's rollback rolls the nested stack back too ("If you use nested stacks, rolling
 * back the parent stack will attempt to roll back all the child stacks as well": Continue rolling back an update,
 * CloudFormation User Guide).
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import { isDeepStrictEqual } from 'util';
import { needsReplacement } from './simulated-resources';
import { DeployContext, DeployedResource, isCustomResource, newStackState, operate, recordEvent, resolveIn, StackState } from './stack-state';
import type { Template } from './synth';
import { dependencyOrder } from './template-graph';

const NESTED_STACK = 'AWS::CloudFormation::Stack';

export class StackRun {
  /** The resources as deployed before this run. */
  private readonly before: ReadonlyMap<string, DeployedResource>;
  private readonly previous?: Template;
  private readonly previousParameters: Record<string, unknown>;
  /** Resources this run created (a custom resource whose Create failed included: it gets a Delete). */
  private readonly created: string[] = [];
  /** Resources updated in place (or sent an Update that failed), with the new properties. */
  private readonly updated = new Map<string, Record<string, unknown>>();
  /** Replaced resources: the new physical resource; the old one is `before`'s. */
  private readonly replacements = new Map<string, DeployedResource>();
  private readonly nested = new Map<string, StackRun>();

  constructor(
    private readonly ctx: DeployContext,
    public readonly stack: StackState,
    public readonly template: Template,
  ) {
    this.before = new Map(stack.resources);
    this.previous = stack.template;
    this.previousParameters = stack.parameters;
  }

  public get kind(): 'CREATE' | 'UPDATE' {
    return this.previous ? 'UPDATE' : 'CREATE';
  }

  public async apply(): Promise<boolean> {
    const create = this.kind === 'CREATE';
    if (create) this.stack.template = this.template;
    this.ctx.setStatus(this.stack, create ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS');
    for (const id of dependencyOrder(this.template)) {
      if (!(await this.applyResource(id))) return false;
    }
    this.ctx.setStatus(this.stack, create ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    return true;
  }

  public async cleanup(): Promise<void> {
    for (const run of this.nested.values()) if (run.kind === 'UPDATE') await run.cleanup();
    const removed = [...this.before.keys()].filter((id) => !(id in this.template.Resources) || this.replacements.has(id));
    for (const id of deletionOrder(this.previous!, removed)) {
      await deleteResource(this.ctx, this.stack, id, this.before.get(id)!);
      if (!this.replacements.has(id)) this.stack.resources.delete(id);
    }
    this.stack.template = this.template;
    this.ctx.setStatus(this.stack, 'UPDATE_COMPLETE');
  }

  public async rollback(): Promise<boolean> {
    if (this.kind === 'CREATE') {
      this.ctx.setStatus(this.stack, 'ROLLBACK_IN_PROGRESS');
      const ok = await deleteStackResources(this.ctx, this.stack);
      this.ctx.setStatus(this.stack, ok ? 'ROLLBACK_COMPLETE' : 'ROLLBACK_FAILED');
      return ok;
    }
    this.ctx.setStatus(this.stack, 'UPDATE_ROLLBACK_IN_PROGRESS');
    this.stack.parameters = this.previousParameters;
    for (const id of dependencyOrder(this.previous!)) {
      const old = this.before.get(id)!;
      if (this.replacements.has(id)) {
        this.stack.resources.set(id, old); // the old physical resource was never touched
        continue;
      }
      const sent = this.updated.get(id);
      if (!sent) continue;
      let ok: boolean;
      if (old.type === NESTED_STACK) {
        ok = await this.nested.get(id)!.rollback();
        recordEvent(this.ctx, this.stack, { logicalId: id, resourceType: old.type, requestType: 'Update', resourceStatus: ok ? 'UPDATE_COMPLETE' : 'UPDATE_FAILED', reason: '', physicalId: old.physicalId });
        if (ok) this.stack.resources.set(id, old);
      } else {
        // The rollback Update: the old properties as the new ones, and the failed new ones as OldResourceProperties.
        const current = this.stack.resources.get(id)!;
        const r = await operate(this.ctx, this.stack, { id, type: old.type, requestType: 'Update', properties: old.properties, old: current, oldProperties: sent });
        ok = r.ok;
        if (r.ok) this.stack.resources.set(id, { ...r.resource, attributes: r.resource.attributes ?? old.attributes, arn: r.resource.arn ?? old.arn });
      }
      if (!ok) {
        this.ctx.setStatus(this.stack, 'UPDATE_ROLLBACK_FAILED');
        return false;
      }
    }
    this.ctx.setStatus(this.stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    const doomed = new Map<string, DeployedResource>([...this.replacements]);
    for (const id of this.created) {
      doomed.set(id, this.stack.resources.get(id)!);
      this.stack.resources.delete(id);
    }
    for (const id of deletionOrder(this.template, [...doomed.keys()])) await deleteResource(this.ctx, this.stack, id, doomed.get(id)!);
    this.ctx.setStatus(this.stack, 'UPDATE_ROLLBACK_COMPLETE');
    return true;
  }

  private async applyResource(id: string): Promise<boolean> {
    const { Type: type, Properties } = this.template.Resources[id];
    const old = this.before.get(id);
    const requestType = old ? 'Update' : 'Create';
    let properties: Record<string, unknown>;
    try {
      properties = resolveIn(this.ctx, this.stack, Properties ?? {}) as Record<string, unknown>;
    } catch (e) {
      recordEvent(this.ctx, this.stack, { logicalId: id, resourceType: type, requestType, resourceStatus: `${requestType.toUpperCase()}_FAILED`, reason: (e as Error).message });
      return false;
    }
    if (old && isDeepStrictEqual(old.properties, properties)) return true;
    if (type === NESTED_STACK) return this.applyNested(id, properties, old);
    // "ServiceToken ... Updates aren't supported." (AWS::CloudFormation::CustomResource, CloudFormation Template
    // Reference): CloudFormation fails the resource's update with this reason, without sending a request.
    if (old && isCustomResource(type) && !isDeepStrictEqual(old.properties.ServiceToken, properties.ServiceToken)) {
      recordEvent(this.ctx, this.stack, { logicalId: id, resourceType: type, requestType, resourceStatus: 'UPDATE_FAILED', reason: 'Modifying service token is not allowed.', physicalId: old.physicalId });
      return false;
    }
    const replace = old !== undefined && !isCustomResource(type) && needsReplacement(type, old.properties, properties);
    const r = await operate(this.ctx, this.stack, { id, type, requestType: replace ? 'Create' : requestType, properties, old: replace ? undefined : old });
    if (!r.ok) {
      if (!isCustomResource(type)) return false;
      if (old) this.updated.set(id, properties);
      else if (r.physicalId) {
        // A custom resource whose Create failed still has the physical id its response named: the rollback deletes it.
        this.stack.resources.set(id, { type, physicalId: r.physicalId, properties });
        this.created.push(id);
      }
      return false;
    }
    this.stack.resources.set(id, r.resource);
    if (!old) this.created.push(id);
    // "If the value returned is different, CloudFormation recognizes the update as a replacement and sends a delete
    // request to the old resource" (PhysicalResourceId, Update request for custom resources, CloudFormation User Guide).
    else if (replace || r.resource.physicalId !== old.physicalId) this.replacements.set(id, r.resource);
    else this.updated.set(id, properties);
    return true;
  }

  private async applyNested(id: string, properties: Record<string, unknown>, old?: DeployedResource): Promise<boolean> {
    const requestType = old ? 'Update' : 'Create';
    const event = (ok: boolean, reason: string, physicalId?: string): void =>
      recordEvent(this.ctx, this.stack, { logicalId: id, resourceType: NESTED_STACK, requestType, resourceStatus: `${requestType.toUpperCase()}_${ok ? 'COMPLETE' : 'FAILED'}`, reason, physicalId });
    let template: Template;
    try {
      template = nestedTemplate(this.ctx, String(properties.TemplateURL));
    } catch (e) {
      event(false, (e as Error).message, old?.physicalId);
      return false;
    }
    const changed = old?.child?.template ? typeChanges(old.child.template, template) : undefined;
    if (changed) {
      event(false, changed, old!.physicalId);
      return false;
    }
    const rootId = this.stack.nesting?.rootId ?? this.stack.stackId;
    const name = `${this.stack.stackName}-${id}-${randomBytes(6).toString('hex').toUpperCase()}`;
    const child = old?.child ?? newStackState(name, this.ctx.world, { parentId: this.stack.stackId, rootId });
    const run = new StackRun(this.ctx, child, template);
    this.nested.set(id, run);
    child.parameters = (properties.Parameters as Record<string, unknown> | undefined) ?? {};
    const ok = await run.apply();
    const resource: DeployedResource = { type: NESTED_STACK, physicalId: child.stackId, properties, child, attributes: ok ? outputsOf(this.ctx, child, template) : old?.attributes };
    if (old) this.updated.set(id, properties);
    else {
      this.created.push(id);
      this.stack.resources.set(id, resource);
    }
    if (ok) this.stack.resources.set(id, resource);
    event(ok, ok ? '' : `Embedded stack ${child.stackId} was not successfully ${old ? 'updated' : 'created'}: ${child.status}`, child.stackId);
    return ok;
  }
}

/**
 * Deletes every resource of `stack` in reverse dependency order of its template, stopping at the first failure (stack
 * deletion, or a failed Create's rollback). `ownStatuses`: the stack goes through DELETE_IN_PROGRESS and
 * DELETE_COMPLETE / DELETE_FAILED here (a nested stack); otherwise the caller sets them.
 */
export async function deleteStackResources(ctx: DeployContext, stack: StackState, ownStatuses = false): Promise<boolean> {
  if (ownStatuses) ctx.setStatus(stack, 'DELETE_IN_PROGRESS');
  for (const id of deletionOrder(stack.template!, [...stack.resources.keys()])) {
    if (!(await deleteResource(ctx, stack, id, stack.resources.get(id)!))) {
      if (ownStatuses) ctx.setStatus(stack, 'DELETE_FAILED');
      return false;
    }
    stack.resources.delete(id);
  }
  if (ownStatuses) ctx.setStatus(stack, 'DELETE_COMPLETE');
  return true;
}

/** One resource's Delete (a nested stack: every resource of it). */
async function deleteResource(ctx: DeployContext, stack: StackState, id: string, resource: DeployedResource): Promise<boolean> {
  if (resource.type === NESTED_STACK) {
    const child = resource.child!;
    const ok = await deleteStackResources(ctx, child, true);
    recordEvent(ctx, stack, { logicalId: id, resourceType: NESTED_STACK, requestType: 'Delete', resourceStatus: ok ? 'DELETE_COMPLETE' : 'DELETE_FAILED', reason: '', physicalId: child.stackId });
    return ok;
  }
  return (await operate(ctx, stack, { id, type: resource.type, requestType: 'Delete', properties: resource.properties, old: resource })).ok;
}

/** `ids` in reverse dependency order of `template` (ids it does not hold last). */
function deletionOrder(template: Template, ids: readonly string[]): string[] {
  const order = dependencyOrder(template).reverse();
  return [...order.filter((id) => ids.includes(id)), ...ids.filter((id) => !order.includes(id))];
}

/**
 * "You can't change the type during an update" (ResourceType, Update request for custom resources, CloudFormation
 * User Guide): CloudFormation refuses such a template before it changes anything, naming the resources.
 */
export function typeChanges(before: Template, after: Template): string | undefined {
  const ids = Object.keys(after.Resources).filter((id) => before.Resources[id] && before.Resources[id].Type !== after.Resources[id].Type);
  if (ids.length === 0) return undefined;
  return `Update of resource type is not permitted. The new template modifies resource type of the following resources: [${ids.join(', ')}]`;
}

/** The template a nested stack's TemplateURL names, from the cloud assembly's file assets. */
function nestedTemplate(ctx: DeployContext, url: string): Template {
  const key = url.split('/').pop()!;
  const file = ctx.assembly.fileAssets.get(key);
  if (!file) throw new Error(`TemplateURL ${url}: the cloud assembly has no file asset ${key}`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Template;
}

/** A nested stack's outputs as its parent's Fn::GetAtt reads them (`Outputs.<name>`). */
function outputsOf(ctx: DeployContext, child: StackState, template: Template): Record<string, unknown> {
  return Object.fromEntries(Object.entries(template.Outputs ?? {}).map(([name, o]) => [`Outputs.${name}`, resolveIn(ctx, child, o.Value)]));
}
