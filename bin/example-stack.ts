import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { GitSyncGate, ServiceInstanceSyncGate } from '../lib';

export interface ExampleStackProps extends StackProps {
  readonly serviceName: string;
  readonly serviceInstanceName: string;
  readonly expectedSha?: string;
  /** Region of the Proton service instance (and of the Git-synced stack), when not the stack's. */
  readonly region?: string;
  /** A stack synced by CloudFormation Git sync: when set, the stack also gets a GitSyncGate for it. */
  readonly gitSyncStackName?: string;
}

/** An environment-agnostic stack: a gate, a resource that waits for it, and the gate's outputs. */
export class ExampleStack extends Stack {
  public readonly gate: ServiceInstanceSyncGate;
  /** The Git sync gate, when `gitSyncStackName` is set. */
  public readonly gitSyncGate?: GitSyncGate;

  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);

    this.gate = new ServiceInstanceSyncGate(this, 'SyncGate', {
      serviceName: props.serviceName,
      serviceInstanceName: props.serviceInstanceName,
      expectedSha: props.expectedSha,
      region: props.region,
    });

    // Created or updated only after the gate passes; records the sha that was synced.
    const syncedSha = new ssm.StringParameter(this, 'SyncedSha', {
      parameterName: `/sync-gate/${props.serviceName}/${props.serviceInstanceName}/synced-sha`,
      stringValue: this.gate.sha,
      description: 'Commit that the Proton service instance synced successfully before this deployment',
    });
    syncedSha.node.addDependency(this.gate);

    new CfnOutput(this, 'Sha', { value: this.gate.sha, description: 'Desired sha that synced successfully' });
    new CfnOutput(this, 'Status', { value: this.gate.status, description: 'Status of the latest sync' });
    new CfnOutput(this, 'PollLogGroup', { value: this.gate.logGroup.logGroupName, description: 'Follow the gate: aws logs tail <this> --follow' });

    if (props.gitSyncStackName) {
      this.gitSyncGate = new GitSyncGate(this, 'GitSyncGate', { stackName: props.gitSyncStackName, region: props.region });
      const gitSyncedSha = new ssm.StringParameter(this, 'GitSyncedSha', {
        parameterName: `/sync-gate/git-sync/${props.gitSyncStackName}/synced-sha`,
        stringValue: this.gitSyncGate.sha,
        description: 'Commit that CloudFormation Git sync synced successfully to the stack before this deployment',
      });
      gitSyncedSha.node.addDependency(this.gitSyncGate);
      new CfnOutput(this, 'GitSyncSha', { value: this.gitSyncGate.sha, description: 'Desired sha of the Git-synced stack that synced successfully' });
      new CfnOutput(this, 'GitSyncStatus', { value: this.gitSyncGate.status, description: 'Status of the latest Git sync of that stack' });
    }
  }
}
