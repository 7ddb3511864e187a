/**
 * The example app (bin/): which gates its context gives (Git sync by default, Proton when both of its keys are
 * given, both together), a parameter per gate that waits for it, the outputs, and the errors for context that
 * names no gate or half of a Proton service instance.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CONTEXT_KEYS, ContextKey, exampleStackProps } from '../../bin/example-context';
import { ExampleStack, ExampleStackProps } from '../../bin/example-stack';
import { GIT_SYNC_RESOURCE_TYPE, PROTON_RESOURCE_TYPE } from '../../lib/contract';
import type { SyncGateBase } from '../../lib/sync-gate-base';

const CDK_JSON = path.join(__dirname, '..', '..', 'cdk.json');
const PROTON = { serviceName: 'sample-service', serviceInstanceName: 'sample-instance' };
const SHA = '3f9c2e1d4b5a69788796a5b4c3d2e1f0a9b8c7d6';

function synth(props: ExampleStackProps): { stack: ExampleStack; template: Template } {
  const stack = new ExampleStack(new App(), 'Example', props);
  return { stack, template: Template.fromStack(stack) };
}

const logicalId = (stack: ExampleStack, gate: SyncGateBase): string => stack.getLogicalId(gate.resource.node.defaultChild as never);

/** THEN: a parameter written only after `gate` passes, recording its sha, and the gate's outputs. */
function expectRecordedAndOutput(template: Template, gateId: string, outputPrefix: string): void {
  template.hasResource('AWS::SSM::Parameter', {
    Properties: { Value: { 'Fn::GetAtt': [gateId, 'Sha'] } },
    DependsOn: Match.arrayWith([gateId]),
  });
  template.hasOutput(`${outputPrefix}Sha`, { Value: { 'Fn::GetAtt': [gateId, 'Sha'] } });
  template.hasOutput(`${outputPrefix}Status`, { Value: { 'Fn::GetAtt': [gateId, 'Status'] } });
}

const outputNames = (template: Template): string[] => Object.keys(template.toJSON().Outputs).sort();

describe('the example stack', () => {
  it('with a Git-synced stack alone has the Git sync gate, a parameter that waits for it and its outputs, and no Proton gate', () => {
    const { stack, template } = synth({ gitSyncStackName: 'network' });
    template.resourceCountIs(GIT_SYNC_RESOURCE_TYPE, 1);
    template.resourceCountIs(PROTON_RESOURCE_TYPE, 0);
    template.resourceCountIs('AWS::SSM::Parameter', 1);
    template.hasResourceProperties(GIT_SYNC_RESOURCE_TYPE, { StackName: 'network', ExpectedSha: Match.absent(), Region: Match.absent() });
    expectRecordedAndOutput(template, logicalId(stack, stack.gitSyncGate!), 'GitSync');
    expect(outputNames(template)).toEqual(['GitSyncSha', 'GitSyncStatus', 'PollLogGroup']);
    expect(stack.protonGate).toBeUndefined();
    // No Proton permission where no Proton gate is.
    expect(JSON.stringify(template.toJSON())).not.toContain('proton:');
  });

  it('with a Proton service instance alone has the Proton gate, a parameter that waits for it and its outputs', () => {
    const { stack, template } = synth(PROTON);
    template.resourceCountIs(PROTON_RESOURCE_TYPE, 1);
    template.resourceCountIs(GIT_SYNC_RESOURCE_TYPE, 0);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.hasResourceProperties(PROTON_RESOURCE_TYPE, { ServiceName: 'sample-service', ServiceInstanceName: 'sample-instance' });
    expectRecordedAndOutput(template, logicalId(stack, stack.protonGate!), 'Proton');
    expect(outputNames(template)).toEqual(['PollLogGroup', 'ProtonSha', 'ProtonStatus']);
    expect(stack.gitSyncGate).toBeUndefined();
    expect(JSON.stringify(template.toJSON())).not.toContain('codestar-connections:');
  });

  it('with both has both gates on one provider, each parameter waiting for its own gate, and one poll log group', () => {
    const { stack, template } = synth({ ...PROTON, gitSyncStackName: 'network' });
    template.resourceCountIs(PROTON_RESOURCE_TYPE, 1);
    template.resourceCountIs(GIT_SYNC_RESOURCE_TYPE, 1);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    expectRecordedAndOutput(template, logicalId(stack, stack.gitSyncGate!), 'GitSync');
    expectRecordedAndOutput(template, logicalId(stack, stack.protonGate!), 'Proton');
    expect(outputNames(template)).toEqual(['GitSyncSha', 'GitSyncStatus', 'PollLogGroup', 'ProtonSha', 'ProtonStatus']);
    expect(stack.protonGate!.logGroup).toBe(stack.gitSyncGate!.logGroup);
    template.hasOutput('PollLogGroup', { Value: { Ref: stack.getLogicalId(stack.gitSyncGate!.logGroup.node.defaultChild as never) } });
  });

  it('reads both syncs through the reader role readerRoleArn names, with the external id, and lets the provider assume that role alone', () => {
    const reader = 'arn:aws:iam::222222222222:role/sync-gate-reader';
    const { template } = synth({ ...PROTON, gitSyncStackName: 'network', readerRoleArn: reader, externalId: 'platform-7f3a' });
    template.hasResourceProperties(GIT_SYNC_RESOURCE_TYPE, { ReaderRoleArn: reader, ReaderRoleExternalId: 'platform-7f3a' });
    template.hasResourceProperties(PROTON_RESOURCE_TYPE, { ReaderRoleArn: reader, ReaderRoleExternalId: 'platform-7f3a' });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Sid: 'AssumeReaderRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: reader }]) },
    });
  });

  it('reads in its own account without readerRoleArn, and rejects a bad one naming the prop', () => {
    synth({ gitSyncStackName: 'network' }).template.hasResourceProperties(GIT_SYNC_RESOURCE_TYPE, { ReaderRoleArn: Match.absent() });
    expect(() => synth({ gitSyncStackName: 'network', readerRoleArn: 'sync-gate-reader' })).toThrow(
      `Invalid readerRoleArn "sync-gate-reader": expected an IAM role's ARN, arn:<partition>:iam::<12-digit account>:role/<optional path/><name>. ` +
        'Pass -c readerRoleArn=<the ARN of the reader role in the account that owns the sync>.',
    );
    expect(() => synth({ gitSyncStackName: 'network', externalId: 'x-1' })).toThrow(/^Invalid externalId "x-1": an external id is sent only when the gate assumes a reader role/);
  });

  it('gives expectedSha and region to every gate', () => {
    const { template } = synth({ ...PROTON, gitSyncStackName: 'network', expectedSha: SHA, region: 'eu-west-1' });
    template.hasResourceProperties(GIT_SYNC_RESOURCE_TYPE, { StackName: 'network', ExpectedSha: SHA, Region: 'eu-west-1' });
    template.hasResourceProperties(PROTON_RESOURCE_TYPE, { ServiceName: 'sample-service', ExpectedSha: SHA, Region: 'eu-west-1' });
  });

  it.each([
    [{ serviceName: 'api' }, 'serviceName is set ("api") but serviceInstanceName is not', '-c serviceInstanceName=<name>'],
    [{ serviceInstanceName: 'prod', gitSyncStackName: 'network' }, 'serviceInstanceName is set ("prod") but serviceName is not', '-c serviceName=<name>'],
  ])('rejects half of a Proton service instance (%j), naming the key that is missing', (props, what, fix) => {
    expect(() => synth(props)).toThrow(`${what}: the Proton gate needs both. Add ${fix}, or leave out both for the Git sync gate alone.`);
  });

  it('rejects context that names no gate', () => {
    expect(() => synth({ expectedSha: SHA })).toThrow(/^No gate to synthesize: set gitSyncStackName .*, or serviceName and serviceInstanceName/);
  });
});

describe('the example app context', () => {
  const cdkJsonContext = (): Record<string, unknown> => (JSON.parse(fs.readFileSync(CDK_JSON, 'utf8')) as { context: Record<string, unknown> }).context;

  it('with no -c keys (cdk.json alone) gives the Git sync gate for the stack "network", and no Proton gate', () => {
    const context = cdkJsonContext();
    const props = exampleStackProps((key) => context[key]);
    expect(props).toEqual({
      gitSyncStackName: 'network',
      serviceName: undefined,
      serviceInstanceName: undefined,
      expectedSha: undefined,
      region: undefined,
      readerRoleArn: undefined,
      externalId: undefined,
    });
    const { stack } = synth(props);
    expect(stack.gitSyncGate).toBeDefined();
    expect(stack.protonGate).toBeUndefined();
  });

  it('reads every key it lists, and no other', () => {
    const asked: string[] = [];
    exampleStackProps((key: ContextKey) => {
      asked.push(key);
      return undefined;
    });
    expect([...asked].sort()).toEqual([...CONTEXT_KEYS].sort());
  });

  it('takes an empty value as unset, so -c gitSyncStackName= leaves the default Git sync gate out', () => {
    const context: Record<string, unknown> = { ...cdkJsonContext(), ...PROTON, gitSyncStackName: '' };
    const { stack } = synth(exampleStackProps((key) => context[key]));
    expect(stack.gitSyncGate).toBeUndefined();
    expect(stack.protonGate).toBeDefined();
  });

  it('takes values of other JSON types (cdk.json) as their text', () => {
    const props = exampleStackProps((key) => ({ gitSyncStackName: 'network', region: 'eu-west-1', expectedSha: 1234567 })[key as string]);
    expect(props).toMatchObject({ gitSyncStackName: 'network', region: 'eu-west-1', expectedSha: '1234567' });
  });
});
