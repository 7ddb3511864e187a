/**
 * The exact reason of each kind of cdk-nag acknowledgement: what users read in cdk-nag's report and in the
 * template, so each says why the finding is by design and how narrow the grant is.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { GitSyncGate, ServiceInstanceSyncGate } from '../../lib';
import { HANDLER_NODE_MAJOR } from '../../lib/limits';
import { SourceActions, SyncGateSource } from '../../lib/sources';

function reasons(): Map<string, string> {
  const app = new App();
  const stack = new Stack(app, 'Nag', { env: { account: '111111111111', region: 'eu-west-1' } });
  new ServiceInstanceSyncGate(stack, 'Proton', { serviceName: 'api', serviceInstanceName: 'prod' });
  new GitSyncGate(stack, 'GitSync', { stackName: 'network' });
  const out = new Map<string, string>();
  for (const node of stack.node.findAll()) {
    for (const m of node.node.metadata) {
      if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(m.data as Record<string, string>)) {
        const key = `${id.replace(/^annotation::/i, '')} @ ${node.node.path.replace(/^Nag\/SyncGateProvider\//, '')}`;
        expect(out.has(key)).toBe(false);
        out.set(key, reason);
      }
    }
  }
  return out;
}

const REASONS = reasons();
const STATE_MACHINE = 'Provider/waiter-state-machine/Resource';

const invokeReason = (caller: string, fn: string): string =>
  `Granted by aws-cdk-lib's Provider framework (grantInvoke) so that its ${caller} can call the ${fn} function: ` +
  "lambda:InvokeFunction on that one function of this stack, where ':*' covers only its versions and aliases. " +
  'No other function can be invoked.';

test.each([
  [
    `AwsSolutions-SF1 @ ${STATE_MACHINE}`,
    "Waiter state machine of aws-cdk-lib's Provider framework: it only calls the framework isComplete function every " +
      'poll interval and then onTimeout. Every poll is already logged by the gate handler (one line per poll) and the ' +
      'framework functions, and Step Functions keeps the execution history for 90 days; ALL-level logging would ' +
      "duplicate that and needs log-delivery permissions on Resource '*'.",
  ],
  [
    `AwsSolutions-SF2 @ ${STATE_MACHINE}`,
    "Waiter state machine of aws-cdk-lib's Provider framework, which offers no tracing option. Its two states only " +
      "invoke framework functions; X-Ray would need xray:Put* on Resource '*' and a trace per poll without adding to " +
      "the gate handler's per-poll log lines.",
  ],
  [
    'AwsSolutions-IAM5[Resource::*] @ IsCompleteRole/DefaultPolicy/Resource',
    `${[...SourceActions[SyncGateSource.PROTON], ...SourceActions[SyncGateSource.GIT_SYNC]].join(', ')} support no resource-level permissions and no ` +
      "condition keys (AWS Service Authorization Reference), so IAM accepts only Resource '*' for them. These " +
      'read-only actions (sync status, sync blockers and Git sync configuration of the sources this stack has gates for) are allowed on the ' +
      'role of the isComplete handler alone.',
  ],
  [
    'AwsSolutions-IAM5[Resource::<SyncGateProviderIsCompleteCF4796FE.Arn>:*] @ FrameworkOnEventRole/DefaultPolicy/Resource',
    invokeReason('framework-onEvent', 'IsComplete'),
  ],
  [
    'AwsSolutions-IAM5[Resource::<SyncGateProviderOnEvent393439A8.Arn>:*] @ FrameworkWaiterRole/DefaultPolicy/Resource',
    invokeReason('framework-isComplete', 'OnEvent'),
  ],
  [
    'AwsSolutions-IAM5[Resource::<SyncGateProviderframeworkisCompleteCC804EFF.Arn>:*] @ Provider/waiter-state-machine/Role/DefaultPolicy/Resource',
    invokeReason('waiter state machine', 'framework-isComplete'),
  ],
  [
    'AwsSolutions-IAM5[Resource::<SyncGateProviderframeworkonTimeout1046DF6E.Arn>:*] @ Provider/waiter-state-machine/Role/DefaultPolicy/Resource',
    invokeReason('waiter state machine', 'framework-onTimeout'),
  ],
  ...['OnEvent', 'IsComplete'].map((fn) => [
    `AwsSolutions-L1 @ ${fn}/Resource`,
    `The gate's handler runs nodejs${HANDLER_NODE_MAJOR}.x on purpose: its bundle, shipped prebuilt in the package, is built for and ` +
      'tested on exactly that Node.js version, so a newer Lambda runtime comes with a release of cdk-git-sync-gate that ' +
      'builds and tests the bundle for it, not with the aws-cdk-lib an app happens to use.',
  ]),
  ...['framework-onEvent', 'framework-isComplete', 'framework-onTimeout'].map((fn) => [
    `AwsSolutions-L1 @ Provider/${fn}/Resource`,
    "Function of aws-cdk-lib's Provider framework, whose runtime aws-cdk-lib chooses (the Provider has no runtime " +
      'option; some releases pick it per region through a template mapping). It moves to a newer Node.js when ' +
      "aws-cdk-lib does; overriding it would run the framework's code on a runtime aws-cdk-lib has not tested it on.",
  ]),
])('acknowledges %s with its exact reason', (key, reason) => {
  expect(REASONS.get(key)).toBe(reason);
});

test('acknowledges nothing else: 2 state machine findings, 1 for the source reads, 2 invokes for each of 3 callers, the runtime of 5 functions', () => {
  expect(REASONS.size).toBe(2 + 1 + 6 + 5);
});

describe('rewording the source-read acknowledgement when a second source arrives', () => {
  /** The acknowledgements on the isComplete role's policy, by rule id, after `build` ran on a new stack. */
  function policyAcknowledgements(build: (stack: Stack, policy: IConstruct) => void): Record<string, string> {
    const stack = new Stack(new App(), 'Nag');
    new ServiceInstanceSyncGate(stack, 'Proton', { serviceName: 'api', serviceInstanceName: 'prod' });
    const policy = stack.node.findAll().find((c) => c.node.path === 'Nag/SyncGateProvider/IsCompleteRole/DefaultPolicy/Resource');
    if (!policy) throw new Error('the isComplete role has no default policy');
    build(stack, policy);
    const out: Record<string, string> = {};
    for (const m of policy.node.metadata.filter((e) => e.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)) {
      for (const [id, reason] of Object.entries(m.data as Record<string, string>)) out[id.replace(/^annotation::/i, '')] = reason;
    }
    return out;
  }

  it("leaves another acknowledgement on the same policy, made before, as it was, and rewords only its own", () => {
    const acks = policyAcknowledgements((stack, policy) => {
      Validations.of(policy).acknowledge({ id: 'AwsSolutions-IAM4', reason: 'the team reviewed this policy' });
      new GitSyncGate(stack, 'GitSync', { stackName: 'network' });
    });
    expect(acks['AwsSolutions-IAM4']).toBe('the team reviewed this policy');
    expect(acks['AwsSolutions-IAM5[Resource::*]']).toMatch(/^proton:GetServiceInstanceSyncStatus, proton:GetServiceSyncBlockerSummary, codestar-connections:GetResourceSyncStatus, codestar-connections:GetSyncBlockerSummary, codestar-connections:GetSyncConfiguration support/);
    expect(Object.keys(acks).sort()).toEqual(['AwsSolutions-IAM4', 'AwsSolutions-IAM5[Resource::*]']);
  });
});
