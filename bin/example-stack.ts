import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ServiceInstanceSyncGate } from '../lib';

export interface ExampleStackProps extends StackProps {
  readonly serviceName: string;
  readonly serviceInstanceName: string;
  readonly expectedSha?: string;
  /** Region of the Proton service instance, when not the stack's. */
  readonly region?: string;
}

/** An environment-agnostic stack: a gate, a resource that waits for it, and the gate's outputs. */
export class ExampleStack extends Stack {
  public readonly gate: ServiceInstanceSyncGate;

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
      parameterName: `/proton-sync-gate/${props.serviceName}/${props.serviceInstanceName}/synced-sha`,
      stringValue: this.gate.sha,
      description: 'Commit that the Proton service instance synced successfully before this deployment',
    });
    syncedSha.node.addDependency(this.gate);

    new CfnOutput(this, 'Sha', { value: this.gate.sha, description: 'Desired sha that synced successfully' });
    new CfnOutput(this, 'Status', { value: this.gate.status, description: 'Status of the latest sync' });
    new CfnOutput(this, 'PollLogGroup', { value: this.gate.logGroup.logGroupName, description: 'Follow the gate: aws logs tail <this> --follow' });
  }
}
