/**
 * A CloudFormation stack deployer in the offline world: `deploy(template)` applies a sequence of deployments of one
 * stack the way CloudFormation does, remembering the deployed state between them (template, physical ids, each
 * custom resource's returned Data, nested stacks). Custom resources get their requests through the world (the real
 * framework runtime and handler bundle from the cloud assembly); other resources are simulated simply
 * (simulated-resources.ts). DescribeStacks answers each stack's status as it goes (with ParentId and RootId for a
 * nested stack), so the gate's handler sees what it would see in AWS.
 *
 * ```ts
 * const deployment = new StackDeployment(world);
 * const created = await deployment.deploy(v1);                  // CREATE_IN_PROGRESS ... CREATE_COMPLETE
 * const updated = await deployment.deploy(v2);                  // UPDATE_IN_PROGRESS ... UPDATE_COMPLETE
 * expect(statusesOf(updated)).toContain('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
 * const deleted = await deployment.destroy();                   // DELETE_IN_PROGRESS ... DELETE_COMPLETE
 * ```
 *
 * What it does not do: run resources concurrently (one at a time, in a dependency order: CloudFormation runs
 * independent ones together), retry, time out a resource, evaluate Conditions, Rules or most template functions
 * (see intrinsics.ts), stack policies, termination protection, drift, change set review, or DeletionPolicy Retain.
 */
import type { DeploymentOutcome, ResourceEvent, StackStatusChange } from './deployment-outcome';
import type { LifecycleOutcome } from './lifecycle-outcome';
import type { OfflineWorld } from './offline-world';
import { deleteStackResources, StackRun, typeChanges } from './stack-run';
import { DeployContext, DeployedResource, FaultRule, newStackState, StackState } from './stack-state';
import type { SynthesizedStack } from './synth';

export type { DeploymentOutcome } from './deployment-outcome';
export type { FaultRule } from './stack-state';

/** Options of one deployment. */
export interface DeployOptions {
  /**
   * Fails a simulated (not custom) resource operation when it returns a reason, e.g. to make one resource's Update
   * fail so that the stack rolls back: `fail: (a) => a.logicalId === 'Queue' && a.requestType === 'Update' ? 'boom' : undefined`.
   */
  readonly fail?: FaultRule;
}

/** Statuses in which CloudFormation accepts an update of an existing stack. */
const UPDATABLE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE']);

/** One stack, deployed again and again. */
export class StackDeployment {
  private root?: StackState;
  /** The code assets and nested templates of every assembly deployed so far: a rollback needs the previous ones. */
  private readonly assetDirs = new Map<string, string>();
  private readonly fileAssets = new Map<string, string>();

  constructor(private readonly world: OfflineWorld) {}

  /** The root stack as CloudFormation knows it now (undefined before the first deployment). */
  public get stack(): StackState | undefined {
    return this.root;
  }

  /** The root stack and every nested stack, depth first. */
  public stacks(): StackState[] {
    const all: StackState[] = [];
    const visit = (s: StackState): void => {
      all.push(s);
      for (const r of s.resources.values()) if (r.child) visit(r.child);
    };
    if (this.root) visit(this.root);
    return all;
  }

  /** A deployed resource by logical id, looked up in the root stack and then in nested stacks. */
  public resource(logicalId: string): DeployedResource {
    for (const s of this.stacks()) {
      const r = s.resources.get(logicalId);
      if (r) return r;
    }
    throw new Error(`no deployed resource ${logicalId}`);
  }

  /** The stack that holds `logicalId` (root or nested). */
  public stackOf(logicalId: string): StackState {
    const s = this.stacks().find((x) => x.resources.has(logicalId));
    if (!s) throw new Error(`no deployed resource ${logicalId}`);
    return s;
  }

  /**
   * Creates the stack, or updates it to `synthesized`'s template. A stack left in ROLLBACK_COMPLETE by a failed
   * Create is deleted and created again, as the CDK CLI does.
   */
  public async deploy(synthesized: SynthesizedStack, options: DeployOptions = {}): Promise<DeploymentOutcome> {
    const recorder = new Recorder(this.world);
    for (const [k, v] of synthesized.assetDirs) this.assetDirs.set(k, v);
    for (const [k, v] of synthesized.fileAssets) this.fileAssets.set(k, v);
    const ctx = recorder.context({ ...synthesized, assetDirs: this.assetDirs, fileAssets: this.fileAssets }, options);
    if (this.root?.status === 'ROLLBACK_COMPLETE') {
      ctx.setStatus(this.root, 'DELETE_IN_PROGRESS');
      ctx.setStatus(this.root, 'DELETE_COMPLETE');
      this.root = undefined;
    }
    const root = (this.root ??= newStackState(synthesized.stackName, this.world));
    if (root.template) {
      // Checked before anything changes, as UpdateStack validates: the stack's status, the types, the changes.
      const refusal = !UPDATABLE.has(root.status)
        ? `Stack:${root.stackId} is in ${root.status} state and can not be updated.`
        : (typeChanges(root.template, synthesized.template) ??
          (JSON.stringify(root.template) === JSON.stringify(synthesized.template) ? 'No updates are to be performed.' : undefined));
      if (refusal) return recorder.outcome(root, refusal);
    }
    const run = new StackRun(ctx, root, synthesized.template);
    if (await run.apply()) {
      if (run.kind === 'UPDATE') await run.cleanup();
    } else {
      await run.rollback();
    }
    return recorder.outcome(root);
  }

  /** Deletes the stack: every resource in reverse dependency order (nested stacks included). */
  public async destroy(options: DeployOptions = {}): Promise<DeploymentOutcome> {
    const root = this.root;
    if (!root?.template) throw new Error('nothing deployed to delete');
    const recorder = new Recorder(this.world);
    const ctx = recorder.context({ stackName: root.stackName, outdir: '', template: root.template, assetDirs: this.assetDirs, fileAssets: this.fileAssets, context: {} }, options);
    ctx.setStatus(root, 'DELETE_IN_PROGRESS');
    const ok = await deleteStackResources(ctx, root);
    ctx.setStatus(root, ok ? 'DELETE_COMPLETE' : 'DELETE_FAILED');
    if (ok) this.root = undefined;
    return recorder.outcome(root);
  }
}

/** Collects the statuses and events of one deployment. */
class Recorder {
  private readonly statuses: StackStatusChange[] = [];
  private readonly events: ResourceEvent[] = [];

  constructor(private readonly world: OfflineWorld) {}

  public context(assembly: SynthesizedStack, options: DeployOptions): DeployContext {
    return {
      world: this.world,
      assembly,
      fail: options.fail,
      setStatus: (stack, status) => {
        stack.status = status;
        this.world.cloudFormation.setStatus(stack.stackId, stack.stackName, status, stack.nesting);
        this.statuses.push({ stackName: stack.stackName, status });
      },
      record: (event) => this.events.push(event),
    };
  }

  public outcome(root: StackState, error?: string): DeploymentOutcome {
    return {
      stackName: root.stackName,
      status: root.status,
      statuses: this.statuses,
      events: this.events,
      requests: this.events.map((e) => e.request).filter((r): r is LifecycleOutcome => r !== undefined),
      ...(error !== undefined && { error }),
    };
  }
}
