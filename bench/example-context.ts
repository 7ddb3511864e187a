/**
 * Context for the benchmarks that deploy the example app (bin/app.ts) in the offline world. cdk.json gives the app
 * only its Git sync gate; these name what each benchmark needs, as `-c key=value` would.
 */
import type { ContextOverrides } from '../offline/synth';

/** The Proton keys of the example app's Proton gate. */
export const EXAMPLE_PROTON_CONTEXT = { serviceName: 'sample-service', serviceInstanceName: 'sample-instance' };

/** The example app with its Proton gate alone (`-c gitSyncStackName=` leaves out cdk.json's Git sync gate). */
export const EXAMPLE_PROTON_ONLY: ContextOverrides = { ...EXAMPLE_PROTON_CONTEXT, gitSyncStackName: '' };

/** The example app with both gates, the Git sync gate watching `stackName`. */
export function exampleBothGates(stackName: string): ContextOverrides {
  return { ...EXAMPLE_PROTON_CONTEXT, gitSyncStackName: stackName };
}

/** The example app with its Git sync gate alone, reading `stackName` in another account through `readerRoleArn`. */
export function exampleCrossAccountGitSync(stackName: string, readerRoleArn: string): ContextOverrides {
  return { gitSyncStackName: stackName, readerRoleArn };
}
