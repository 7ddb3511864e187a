/**
 * Tells whether the stack that sent a request is rolling back an update.
 *
 * CloudFormation rolls back a failed update by sending the gate another Update with the previous properties.
 * A gate that judged that request like any other would fail it too (the sync is usually still failed), and
 * the stack would be stuck in UPDATE_ROLLBACK_FAILED. So during a rollback the gate reports without judging.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CallBudget } from '../../lib/limits';
import { boundedClientConfig, standardRetry } from '../client-config';

/** The region of a stack ARN (arn:partition:cloudformation:region:account:stack/name/id). */
export function stackRegion(stackId: string): string | undefined {
  const region = stackId.split(':')[3];
  return region ? region : undefined;
}

/**
 * The CloudFormation client of DescribeStacks: the SDK's standard retry mode, throttling included (busy accounts
 * throttle DescribeStacks: the CDK CLI and consoles poll it during every deployment). It is not polite like the
 * source reads: a rollback waits for its answer, and no gate shares a pace with it.
 */
export function createCloudFormationClient(region: string): CloudFormationClient {
  return new CloudFormationClient(boundedClientConfig(region, standardRetry(CallBudget.stackCallMaxAttempts)));
}

/** What the gate needs to know of its own stack. */
export interface StackState {
  /** The stack's status is UPDATE_ROLLBACK_IN_PROGRESS. */
  readonly rollingBack: boolean;
  /** For a nested stack: the root stack (the one whose rollback a user continues) and the direct parent. */
  readonly rootId?: string;
  readonly parentId?: string;
}

/** One DescribeStacks call of the gate's own stack. */
export async function describeOwnStack(client: CloudFormationClient, stackId: string, abortSignal?: AbortSignal): Promise<StackState> {
  const out = await client.send(new DescribeStacksCommand({ StackName: stackId }), { abortSignal });
  const stack = out.Stacks?.[0];
  return {
    rollingBack: stack?.StackStatus === 'UPDATE_ROLLBACK_IN_PROGRESS',
    ...(stack?.RootId && { rootId: stack.RootId }),
    ...(stack?.ParentId && { parentId: stack.ParentId }),
  };
}

/** The stack's name, from its id (arn:partition:cloudformation:region:account:stack/name/uuid), or the value itself. */
export function stackNameOf(stackId: string): string {
  const match = /:stack\/([^/]+)\//.exec(stackId);
  return match ? match[1] : stackId;
}

/**
 * The command that finishes a rollback the gate could not take part in, skipping the gate. CloudFormation
 * continues a rollback on the root stack only, and names a nested stack's resource as
 * `<logical id of the nested stack in its parent>.<resource's logical id>` (ContinueUpdateRollback,
 * ResourcesToSkip); that logical id is looked up with the second command.
 */
export function continueRollbackCommand(stackId: string, logicalResourceId: string, state: StackState | undefined): string {
  if (!state?.rootId || state.rootId === stackId) {
    return `\`aws cloudformation continue-update-rollback --stack-name ${stackId} --resources-to-skip ${logicalResourceId}\``;
  }
  return (
    `\`aws cloudformation continue-update-rollback --stack-name ${state.rootId} --resources-to-skip <NestedStackLogicalId>.${logicalResourceId}\`, ` +
    `where <NestedStackLogicalId> is this nested stack's logical id in its parent${state.parentId ? ` ${state.parentId}` : ''}: ` +
    `\`aws cloudformation describe-stack-resources --physical-resource-id ${stackId} --query "StackResources[0].LogicalResourceId"\``
  );
}
