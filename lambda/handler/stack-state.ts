/**
 * Tells whether the stack that sent a request is rolling back an update.
 *
 * CloudFormation rolls back a failed update by sending the gate another Update with the previous properties.
 * A gate that judged that request like any other would fail it too (the sync is usually still failed), and
 * the stack would be stuck in UPDATE_ROLLBACK_FAILED. So during a rollback the gate reports without judging.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { boundedClientConfig } from '../client-config';

/** The region of a stack ARN (arn:partition:cloudformation:region:account:stack/name/id). */
export function stackRegion(stackId: string): string | undefined {
  const region = stackId.split(':')[3];
  return region ? region : undefined;
}

export function createCloudFormationClient(region: string): CloudFormationClient {
  return new CloudFormationClient(boundedClientConfig(region));
}

/** True when the stack's status is UPDATE_ROLLBACK_IN_PROGRESS. */
export async function isUpdateRollingBack(client: CloudFormationClient, stackId: string): Promise<boolean> {
  const out = await client.send(new DescribeStacksCommand({ StackName: stackId }));
  return out.Stacks?.[0]?.StackStatus === 'UPDATE_ROLLBACK_IN_PROGRESS';
}
