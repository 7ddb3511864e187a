/**
 * cdk-nag's AwsSolutions pack finds nothing unacknowledged in the example stack nor in a stack with many gates,
 * and every acknowledgement is a specific finding on a specific resource, with a reason, that cdk-nag would
 * otherwise report.
 */
import * as cdkLib from 'aws-cdk-lib';
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as nagLib from 'cdk-nag';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import * as exampleLib from '../../bin/example-stack';
import { ExampleStack } from '../../bin/example-stack';
import * as gateLib from '../../lib';

type CdkLib = typeof cdkLib;
type CdkNag = typeof nagLib;
type GateLib = typeof gateLib;
type ExampleLib = typeof exampleLib;

const GATES = 50;

function exampleStack(cdk: CdkLib = cdkLib, bin: ExampleLib = exampleLib): Stack {
  const app = new cdk.App();
  return new bin.ExampleStack(app, 'Example', { serviceName: 'api', serviceInstanceName: 'prod' });
}

/** Many gates sharing the default provider, plus one with its own poll interval (a second provider). */
function manyGatesStack(cdk: CdkLib = cdkLib, gates: GateLib = gateLib): Stack {
  const app = new cdk.App();
  const stack = new cdk.Stack(app, 'ManyGates', { env: { account: '111111111111', region: 'eu-west-1' } });
  for (let i = 0; i < GATES; i++) {
    new gates.ServiceInstanceSyncGate(stack, `Gate${i}`, {
      serviceName: `svc${i % 7}`,
      serviceInstanceName: `inst${i}`,
      ...(i % 2 === 0 ? { waitTimeout: cdk.Duration.minutes(5) } : { requireSuccess: false }),
    });
  }
  new gates.ServiceInstanceSyncGate(stack, 'SlowGate', {
    serviceName: 'api',
    serviceInstanceName: 'prod',
    pollInterval: cdk.Duration.seconds(60),
  });
  return stack;
}

/** `ruleId @ construct path` for every finding the pack reports. */
function findings(stack: Stack, nag: CdkNag = nagLib): string[] {
  const report = new nag.AwsSolutionsChecks().validateScope(stack);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`)).sort();
}

interface Ack {
  readonly id: string;
  readonly reason: string;
  readonly node: IConstruct;
}

function acknowledgements(scope: IConstruct): Ack[] {
  return scope.node
    .findAll()
    .flatMap((node) =>
      node.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ id: id.replace(/^annotation::/i, ''), reason, node }))),
    );
}

describe.each([
  ['the example stack', exampleStack],
  [`a stack with ${GATES + 1} gates and two poll intervals`, manyGatesStack],
])('cdk-nag AwsSolutions on %s', (_name, build) => {
  const stack = build();

  test('reports no finding (errors and warnings alike)', () => {
    expect(findings(stack)).toEqual([]);
  });

  test('every acknowledgement is one specific finding on one CloudFormation resource, with a real reason', () => {
    const acks = acknowledgements(stack.node.root);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(CfnResource.isCfnResource(ack.node)).toBe(true);
      // A rule id, and for the IAM rules the exact finding (never a whole rule on a role or policy).
      expect(ack.id).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      if (/^AwsSolutions-IAM[45]/.test(ack.id)) expect(ack.id).toMatch(/\[(Resource|Policy|Action)::.+\]$/);
      expect(ack.reason.split(/\s+/).length).toBeGreaterThanOrEqual(15);
      expect(ack.reason).not.toMatch(/^(todo|n\/a|none|ok|suppressed?)\b/i);
    }
  });
});

test("the proton action's Resource '*' is acknowledged only on the isComplete role's policy", () => {
  const stack = manyGatesStack();
  const protonAcks = acknowledgements(stack).filter((a) => a.id === 'AwsSolutions-IAM5[Resource::*]');
  expect(protonAcks.map((a) => a.node.node.path).sort()).toEqual([
    'ManyGates/ProtonSyncGateProvider/IsCompleteRole/DefaultPolicy/Resource',
    'ManyGates/ProtonSyncGateProviderPoll60s/IsCompleteRole/DefaultPolicy/Resource',
  ]);
  for (const ack of protonAcks) expect(ack.reason).toContain('proton:GetServiceInstanceSyncStatus');
});

test('the stack passes when cdk-nag runs the way users run it: as a validation plugin during synth', () => {
  const app = new App();
  new ExampleStack(app, 'Example', { serviceName: 'api', serviceInstanceName: 'prod' });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  expect(() => app.synth()).not.toThrow();
});

test('acknowledgements match the findings exactly: none is missing and none is stale', () => {
  // Build the same stacks with the library's acknowledgements switched off, in a fresh module registry.
  let raw: { example: string[]; many: string[] } | undefined;
  jest.isolateModules(() => {
    jest.doMock('../../lib/nag-suppressions', () => ({ acknowledgeProviderNagFindings: () => undefined }));
    // requireActual loads the real module in this registry; the modules it loads still see the mock above.
    const cdk = jest.requireActual<CdkLib>('aws-cdk-lib');
    const nag = jest.requireActual<CdkNag>('cdk-nag');
    const gates = jest.requireActual<GateLib>('../../lib');
    const bin = jest.requireActual<ExampleLib>('../../bin/example-stack');
    raw = { example: findings(exampleStack(cdk, bin), nag), many: findings(manyGatesStack(cdk, gates), nag) };
  });
  jest.dontMock('../../lib/nag-suppressions');

  const acked = (stack: Stack): string[] =>
    acknowledgements(stack).map((a) => `${a.id} @ ${a.node.node.path}`).sort();
  // The pack does find things without the acknowledgements, so the zero-findings tests above are meaningful.
  expect(raw?.example.length).toBeGreaterThan(5);
  expect(raw?.example).toEqual(acked(exampleStack()));
  expect(raw?.many).toEqual(acked(manyGatesStack()));
});
