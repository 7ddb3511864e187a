import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { GitSyncGate, ServiceInstanceSyncGate } from '../lib';
import { parseRoleArn, ROLE_ARN_RULE } from '../lib/limits';

export interface ExampleStackProps extends StackProps {
  /** A stack that CloudFormation Git sync deploys: when set, the stack gets a GitSyncGate for it. */
  readonly gitSyncStackName?: string;
  /** The AWS Proton service; with `serviceInstanceName`, the stack gets a ServiceInstanceSyncGate. */
  readonly serviceName?: string;
  /** The AWS Proton service instance; with `serviceName`, the stack gets a ServiceInstanceSyncGate. */
  readonly serviceInstanceName?: string;
  /** A commit that every gate of the stack must see desired and synced (a pipeline that just pushed it). */
  readonly expectedSha?: string;
  /** Region of the Git-synced stack and of the Proton service instance, when not the stack's. */
  readonly region?: string;
  /**
   * When the syncs are in another account: the ARN of the role there that the gates read through (a
   * SyncStatusReaderRole deployed in that account).
   */
  readonly readerRoleArn?: string;
  /** The external id that role's owner requires, if any. */
  readonly externalId?: string;
}

/**
 * An environment-agnostic stack: a gate per sync source it is given (CloudFormation Git sync, AWS Proton, or
 * both, on one provider), a parameter per gate that is written only after that gate passes, and the gates' outputs.
 */
export class ExampleStack extends Stack {
  /** The Git sync gate, when `gitSyncStackName` is set. */
  public readonly gitSyncGate?: GitSyncGate;
  /** The Proton gate, when `serviceName` and `serviceInstanceName` are set. */
  public readonly protonGate?: ServiceInstanceSyncGate;

  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    const { gitSyncStackName, serviceName, serviceInstanceName, expectedSha, region, externalId } = props;
    if (!serviceName !== !serviceInstanceName) {
      const [given, missing] = serviceName ? ['serviceName', 'serviceInstanceName'] : ['serviceInstanceName', 'serviceName'];
      throw new Error(
        `${given} is set ("${serviceName ?? serviceInstanceName}") but ${missing} is not: the Proton gate needs both. ` +
          `Add -c ${missing}=<name>, or leave out both for the Git sync gate alone.`,
      );
    }
    if (!gitSyncStackName && !serviceName) {
      throw new Error(
        'No gate to synthesize: set gitSyncStackName (the Git-synced stack; cdk.json has a default), or serviceName and ' +
          'serviceInstanceName (a Proton service instance), or all three.',
      );
    }

    // Both gates read through the same role when the syncs are in another account. Checked here: aws-cdk-lib's
    // fromRoleArn would refuse a malformed ARN without naming the context key.
    if (props.readerRoleArn !== undefined && !parseRoleArn(props.readerRoleArn)) {
      throw new Error(`Invalid readerRoleArn ${JSON.stringify(props.readerRoleArn)}: ${ROLE_ARN_RULE}. Pass -c readerRoleArn=<the ARN of the reader role in the account that owns the sync>.`);
    }
    const readerRole = props.readerRoleArn === undefined ? undefined : iam.Role.fromRoleArn(this, 'ReaderRole', props.readerRoleArn);

    if (gitSyncStackName) {
      const gate = new GitSyncGate(this, 'GitSyncGate', { stackName: gitSyncStackName, expectedSha, region, readerRole, externalId });
      this.gitSyncGate = gate;
      this.recordSha(gate, 'GitSyncedSha', `/sync-gate/git-sync/${gitSyncStackName}/synced-sha`, 'CloudFormation Git sync synced successfully to the stack');
      new CfnOutput(this, 'GitSyncSha', { value: gate.sha, description: 'Desired sha of the Git-synced stack that synced successfully' });
      new CfnOutput(this, 'GitSyncStatus', { value: gate.status, description: 'Status of the latest Git sync of that stack' });
    }

    if (serviceName && serviceInstanceName) {
      const gate = new ServiceInstanceSyncGate(this, 'ProtonSyncGate', { serviceName, serviceInstanceName, expectedSha, region, readerRole, externalId });
      this.protonGate = gate;
      this.recordSha(gate, 'ProtonSyncedSha', `/sync-gate/${serviceName}/${serviceInstanceName}/synced-sha`, 'the Proton service instance synced successfully');
      new CfnOutput(this, 'ProtonSha', { value: gate.sha, description: 'Desired sha of the Proton service instance that synced successfully' });
      new CfnOutput(this, 'ProtonStatus', { value: gate.status, description: 'Status of the latest sync of the Proton service instance' });
    }

    // Both gates share the stack's provider, so one log group holds the poll lines of both.
    const logGroup = (this.gitSyncGate ?? this.protonGate)!.logGroup;
    new CfnOutput(this, 'PollLogGroup', { value: logGroup.logGroupName, description: 'Follow the gates: aws logs tail <this> --follow' });
  }

  /** A parameter created or updated only after `gate` passes, recording the sha that was synced. */
  private recordSha(gate: GitSyncGate | ServiceInstanceSyncGate, id: string, parameterName: string, what: string): void {
    const parameter = new ssm.StringParameter(this, id, {
      parameterName,
      stringValue: gate.sha,
      description: `Commit that ${what} before this deployment`,
    });
    parameter.node.addDependency(gate);
  }
}
