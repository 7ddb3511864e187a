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
import { SourceActions } from '../../lib/sources';

type CdkLib = typeof cdkLib;
type CdkNag = typeof nagLib;
type GateLib = typeof gateLib;
type ExampleLib = typeof exampleLib;

const GATES = 50;

/** The example app as cdk.json alone makes it: the Git sync gate. */
function exampleDefaultStack(cdk: CdkLib = cdkLib, bin: ExampleLib = exampleLib): Stack {
  const app = new cdk.App();
  return new bin.ExampleStack(app, 'ExampleDefault', { gitSyncStackName: 'network' });
}

/** The example app with a Proton service instance alone (-c gitSyncStackName= -c serviceName -c serviceInstanceName). */
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

/** Git sync gates only, on two poll intervals. */
function gitSyncStack(cdk: CdkLib = cdkLib, gates: GateLib = gateLib): Stack {
  const app = new cdk.App();
  const stack = new cdk.Stack(app, 'GitSyncGates', { env: { account: '111111111111', region: 'eu-west-1' } });
  for (let i = 0; i < 5; i++) new gates.GitSyncGate(stack, `Gate${i}`, { stackName: `network${i}` });
  new gates.GitSyncGate(stack, 'SlowGate', { stackName: 'network', pollInterval: cdk.Duration.seconds(60) });
  return stack;
}

/** Both kinds of gate on one provider, and a second provider that only a Git sync gate uses. */
function mixedStack(cdk: CdkLib = cdkLib, gates: GateLib = gateLib): Stack {
  const app = new cdk.App();
  const stack = new cdk.Stack(app, 'MixedGates', { env: { account: '111111111111', region: 'eu-west-1' } });
  new gates.ServiceInstanceSyncGate(stack, 'Proton', { serviceName: 'api', serviceInstanceName: 'prod' });
  new gates.GitSyncGate(stack, 'GitSync', { stackName: 'network' });
  new gates.GitSyncGate(stack, 'SlowGitSync', { stackName: 'network', pollInterval: cdk.Duration.seconds(60) });
  return stack;
}

/** The example app with both sources: both kinds of gate on the example's provider. */
function exampleWithGitSync(cdk: CdkLib = cdkLib, bin: ExampleLib = exampleLib): Stack {
  const app = new cdk.App();
  return new bin.ExampleStack(app, 'ExampleGitSync', { serviceName: 'api', serviceInstanceName: 'prod', gitSyncStackName: 'network' });
}

/** Gates that read other accounts' syncs through reader roles: the provider may assume exactly those roles. */
function crossAccountStack(cdk: CdkLib = cdkLib, gates: GateLib = gateLib): Stack {
  const app = new cdk.App();
  const stack = new cdk.Stack(app, 'CrossAccountGates', { env: { account: '111111111111', region: 'eu-west-1' } });
  const reader = (id: string, arn: string) => cdk.aws_iam.Role.fromRoleArn(stack, id, arn);
  new gates.GitSyncGate(stack, 'Network', { stackName: 'network', readerRole: reader('NetworkReader', 'arn:aws:iam::222222222222:role/sync-gate-reader') });
  new gates.ServiceInstanceSyncGate(stack, 'Api', {
    serviceName: 'api',
    serviceInstanceName: 'prod',
    readerRole: reader('ApiReader', 'arn:aws:iam::333333333333:role/sync-gate-reader'),
    externalId: 'platform-7f3a',
  });
  return stack;
}

/** The owning account's side: a reader role for both sources. */
function readerRoleStack(cdk: CdkLib = cdkLib, gates: GateLib = gateLib): Stack {
  const app = new cdk.App();
  const stack = new cdk.Stack(app, 'SyncOwner', { env: { account: '222222222222', region: 'eu-west-1' } });
  new gates.SyncStatusReaderRole(stack, 'GateReader', { trustedAccount: '111111111111', sources: [gates.SyncGateSource.GIT_SYNC, gates.SyncGateSource.PROTON] });
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
  ['the example stack as cdk.json makes it (Git sync)', exampleDefaultStack],
  ['the example stack with a Proton service instance', exampleStack],
  [`a stack with ${GATES + 1} gates and two poll intervals`, manyGatesStack],
  ['a stack of Git sync gates', gitSyncStack],
  ['a stack with both kinds of gate', mixedStack],
  ['the example stack with both sources', exampleWithGitSync],
  ['a stack of gates reading other accounts through reader roles', crossAccountStack],
  ["a sync owner's stack with a SyncStatusReaderRole", readerRoleStack],
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

test.each([
  ['a Proton-only stack', manyGatesStack, {
    'ManyGates/SyncGateProvider/IsCompleteRole/DefaultPolicy/Resource': ['proton:'],
  }],
  ['a Git-sync-only stack', gitSyncStack, {
    'GitSyncGates/SyncGateProvider/IsCompleteRole/DefaultPolicy/Resource': ['codestar-connections:'],
  }],
  ['a mixed stack', mixedStack, {
    'MixedGates/SyncGateProvider/IsCompleteRole/DefaultPolicy/Resource': ['proton:', 'codestar-connections:'],
  }],
])("in %s, Resource '*' is acknowledged once per isComplete policy, naming exactly the actions granted there", (_name, build, expected) => {
  const acks = acknowledgements(build()).filter((a) => a.id === 'AwsSolutions-IAM5[Resource::*]');
  expect(acks.map((a) => a.node.node.path).sort()).toEqual(Object.keys(expected).sort());
  for (const ack of acks) {
    const prefixes = (expected as Record<string, string[]>)[ack.node.node.path];
    const named = ack.reason.match(/\b(proton|codestar-connections):\w+/g) ?? [];
    expect([...new Set(named.map((a) => a.split(':')[0] + ':'))].sort()).toEqual([...prefixes].sort());
    // Every action of each source granted there, named once (lib/sources.ts SourceActions).
    const granted = prefixes.flatMap((prefix) => Object.values(SourceActions).flat().filter((a) => a?.startsWith(prefix)));
    expect(named.sort()).toEqual([...granted].sort());
  }
});

test('the stack passes when cdk-nag runs the way users run it: as a validation plugin during synth', () => {
  const app = new App();
  new ExampleStack(app, 'Example', { serviceName: 'api', serviceInstanceName: 'prod' });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  expect(() => app.synth()).not.toThrow();
});

test('acknowledgements match the findings exactly: none is missing and none is stale', () => {
  // Build the same stacks with the library's acknowledgements switched off, in a fresh module registry.
  let raw: Record<string, string[]> | undefined;
  jest.isolateModules(() => {
    jest.doMock('../../lib/nag-suppressions', () => ({ acknowledgeProviderNagFindings: () => undefined, acknowledgeSourceReads: () => undefined }));
    // requireActual loads the real module in this registry; the modules it loads still see the mock above.
    const cdk = jest.requireActual<CdkLib>('aws-cdk-lib');
    const nag = jest.requireActual<CdkNag>('cdk-nag');
    const gates = jest.requireActual<GateLib>('../../lib');
    const bin = jest.requireActual<ExampleLib>('../../bin/example-stack');
    raw = {
      exampleDefault: findings(exampleDefaultStack(cdk, bin), nag),
      example: findings(exampleStack(cdk, bin), nag),
      many: findings(manyGatesStack(cdk, gates), nag),
      gitSync: findings(gitSyncStack(cdk, gates), nag),
      mixed: findings(mixedStack(cdk, gates), nag),
      exampleGitSync: findings(exampleWithGitSync(cdk, bin), nag),
      crossAccount: findings(crossAccountStack(cdk, gates), nag),
      readerRole: findings(readerRoleStack(cdk, gates), nag),
    };
  });
  jest.dontMock('../../lib/nag-suppressions');

  const acked = (stack: Stack): string[] =>
    acknowledgements(stack).map((a) => `${a.id} @ ${a.node.node.path}`).sort();
  // The pack does find things without the acknowledgements, so the zero-findings tests above are meaningful.
  expect(raw?.example.length).toBeGreaterThan(5);
  expect(raw?.exampleDefault).toEqual(acked(exampleDefaultStack()));
  expect(raw?.example).toEqual(acked(exampleStack()));
  expect(raw?.many).toEqual(acked(manyGatesStack()));
  expect(raw?.gitSync).toEqual(acked(gitSyncStack()));
  expect(raw?.mixed).toEqual(acked(mixedStack()));
  expect(raw?.exampleGitSync).toEqual(acked(exampleWithGitSync()));
  expect(raw?.crossAccount).toEqual(acked(crossAccountStack()));
  expect(raw?.readerRole).toEqual(acked(readerRoleStack()));
  // The reader role's one finding is Resource '*' for the sources' reads, which no resource-level permission narrows.
  expect(raw?.readerRole).toEqual(['AwsSolutions-IAM5[Resource::*] @ SyncOwner/GateReader/Resource/DefaultPolicy/Resource']);
});
