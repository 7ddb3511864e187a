/**
 * On aws-cdk-lib before 2.252.0 (within the peer range) there is no `Validations.of(x).acknowledge()`, and the
 * library writes its cdk-nag acknowledgements the way cdk-nag v2's `NagSuppressions.addResourceSuppressions` does:
 * `cdk_nag` metadata on the resource. These tests build the same stacks in a module registry where aws-cdk-lib has
 * no `Validations` and check that the same findings get the same reasons on the same resources. (The package test
 * proves the real thing on aws-cdk-lib 2.183.0, outside the unit tests.)
 */
import * as cdkLib from 'aws-cdk-lib';
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import * as gateLib from '../../lib';

type CdkLib = typeof cdkLib;
type GateLib = typeof gateLib;

interface V2Rule {
  id: string;
  reason: string;
  applies_to?: string[];
}

/** A stack with both kinds of gate on one provider, and a second provider that only a Git sync gate uses. */
function mixedStack(cdk: CdkLib, gates: GateLib): Stack {
  const app = new cdk.App();
  const stack = new cdk.Stack(app, 'MixedGates', { env: { account: '111111111111', region: 'eu-west-1' } });
  new gates.ServiceInstanceSyncGate(stack, 'Proton', { serviceName: 'api', serviceInstanceName: 'prod' });
  new gates.GitSyncGate(stack, 'GitSync', { stackName: 'network' });
  new gates.GitSyncGate(stack, 'SlowGitSync', { stackName: 'network', pollInterval: cdk.Duration.seconds(60) });
  new gates.ServiceInstanceSyncGate(stack, 'Proton2', { serviceName: 'api', serviceInstanceName: 'dev' });
  return stack;
}

/** `rule[finding] @ path: reason` for every acknowledgement written through Validations. */
function validationAcks(scope: IConstruct): string[] {
  return scope.node
    .findAll()
    .flatMap((node) =>
      node.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => `${id.replace(/^annotation::/i, '')} @ ${node.node.path}: ${reason}`)),
    )
    .sort();
}

/**
 * The same, for acknowledgements written as cdk-nag v2 `cdk_nag` metadata of the CloudFormation resource (where
 * cdk-nag v2 reads them); also returns the raw rules and how many resources carry any.
 */
function v2Acks(scope: IConstruct): { acks: string[]; rules: V2Rule[]; resources: number } {
  const rules: V2Rule[] = [];
  const acks: string[] = [];
  let resources = 0;
  for (const node of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(node)) continue;
    const metadata = node.getMetadata('cdk_nag') as { rules_to_suppress: V2Rule[] } | undefined;
    if (metadata === undefined) continue;
    resources++;
    for (const rule of metadata.rules_to_suppress) {
      rules.push(rule);
      const finding = rule.applies_to ? `[${rule.applies_to.join(',')}]` : '';
      acks.push(`${rule.id}${finding} @ ${node.node.path}: ${rule.reason}`);
    }
  }
  return { acks: acks.sort(), rules, resources };
}

/** Builds the stack with an aws-cdk-lib that has no `Validations`, as before 2.252.0. */
function buildWithoutValidations(): Stack {
  let stack: Stack | undefined;
  jest.isolateModules(() => {
    const actual = jest.requireActual<CdkLib>('aws-cdk-lib');
    jest.doMock('aws-cdk-lib', () => new Proxy(actual, { get: (target, p) => (p === 'Validations' ? undefined : Reflect.get(target, p)) }));
    const gates = jest.requireActual<GateLib>('../../lib');
    stack = mixedStack(actual, gates);
  });
  jest.dontMock('aws-cdk-lib');
  if (!stack) throw new Error('the stack was not built');
  return stack;
}

describe('acknowledgements without Validations (aws-cdk-lib before 2.252.0)', () => {
  const current = mixedStack(cdkLib, gateLib);
  const old = buildWithoutValidations();

  it('are the same findings with the same reasons on the same resources, as cdk-nag v2 metadata', () => {
    const expected = validationAcks(current);
    expect(expected.length).toBeGreaterThan(8);
    expect(validationAcks(old)).toEqual([]);
    expect(v2Acks(old).acks).toEqual(expected);
  });

  it('are written as cdk-nag v2 reads them: a rules_to_suppress list per resource, a finding only in applies_to', () => {
    const { rules, resources, acks } = v2Acks(old);
    expect(resources).toBe(new Set(acks.map((a) => a.split(' @ ')[1].split(':')[0])).size);
    for (const rule of rules) {
      expect(rule.id).toMatch(/^AwsSolutions-[A-Z]+\d+$/);
      expect(Object.keys(rule).sort()).toEqual(rule.applies_to ? ['applies_to', 'id', 'reason'] : ['id', 'reason']);
      if (rule.applies_to) expect(rule.applies_to).toHaveLength(1);
    }
  });

  it("reword the Resource '*' acknowledgement of a policy that gets a second source, instead of adding one", () => {
    const star = v2Acks(old).rules.filter((r) => r.id === 'AwsSolutions-IAM5' && r.applies_to?.[0] === 'Resource::*');
    // One isComplete policy (one provider per stack), granted Proton first and then Git sync: one acknowledgement naming both.
    expect(star).toHaveLength(1);
    const named = star.map((r) => [...new Set((r.reason.match(/\b(proton|codestar-connections):\w+/g) ?? []).map((a) => a.split(':')[0]))].sort());
    expect(named).toEqual([['codestar-connections', 'proton']]);
  });
});
