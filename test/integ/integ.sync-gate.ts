/**
 * The integ test (@aws-cdk/integ-tests-alpha): a GitSyncGate on a stack that CloudFormation Git sync keeps in sync,
 * and an SSM parameter fed by the gate's sha. Its assertion checks what a passed gate promises: once the dependent
 * parameter exists, Git sync's latest sync SUCCEEDED, at exactly the commit the parameter holds. A failed assertion
 * fails the assertion stack's deployment (waitForAssertions), so a plain `cdk deploy` of both stacks is the test run.
 *
 * Deploying needs an account with a Git-synced stack: set SYNC_GATE_INTEG_STACK_NAME to it (and SYNC_GATE_INTEG_SHA
 * to a commit to expect); see CONTRIBUTING.md. CI never deploys: test/integ/integ-snapshot.test.ts synthesizes this
 * app with neither set and compares it with the committed snapshot (integ.sync-gate.ts.snapshot/).
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { GitSyncGate } from '../../lib';

const watched = process.env.SYNC_GATE_INTEG_STACK_NAME || 'sync-gate-integ-network';
const expectedSha = process.env.SYNC_GATE_INTEG_SHA || undefined;

const app = new App();
const stack = new Stack(app, 'SyncGateInteg');

const gate = new GitSyncGate(stack, 'NetworkSynced', { stackName: watched, expectedSha, waitTimeout: Duration.minutes(15) });
// Created only after the gate passed: its value is the commit the gate saw synced.
// A fixed name, so the assertion stack reads it without a cross-stack export.
const parameterName = '/sync-gate-integ/synced-sha';
new ssm.StringParameter(stack, 'SyncedSha', { parameterName, stringValue: gate.sha, description: `The commit of ${watched} the gate saw synced` });

const integ = new IntegTest(app, 'SyncGateIntegTest', {
  testCases: [stack],
  // The gate reads another stack's sync and writes nothing there: nothing to protect from the update workflow.
  stackUpdateWorkflow: false,
});

const stored = integ.assertions.awsApiCall('SSM', 'getParameter', { Name: parameterName });
// integ-runner deploys the assertion stack after the test's; so does `cdk deploy --all` with this dependency.
Stack.of(stored).addStackDependency(stack, 'the assertions read what the gate let through');
const status = integ.assertions.awsApiCall('CodeStarConnections', 'getResourceSyncStatus', { ResourceName: watched, SyncType: 'CFN_STACK_SYNC' });
status
  .expect(
    ExpectedResult.objectLike({
      LatestSync: { Status: 'SUCCEEDED', TargetRevision: { Sha: stored.getAttString('Parameter.Value') } },
    }),
  )
  // Retried for a minute, then the deployment fails with the mismatch.
  .waitForAssertions({ totalTimeout: Duration.minutes(1), interval: Duration.seconds(10) });

app.synth();
