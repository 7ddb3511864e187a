/**
 * A gate that reads through a role in the account that owns the sync (readerRole, externalId): what it writes in
 * its custom resource, what its provider may assume (exactly the roles its gates name, in one statement), every
 * synth-time rejection with its message, and the tokens left to the handler.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GitSyncGate, GitSyncGateProps, ServiceInstanceSyncGate } from '../../lib';
import { GIT_SYNC_RESOURCE_TYPE, PROTON_RESOURCE_TYPE } from '../../lib/contract';

const READER = 'arn:aws:iam::222222222222:role/sync-gate-reader';
const ROLE_RULE = "expected an IAM role's ARN, arn:<partition>:iam::<12-digit account>:role/<optional path/><name>";

function role(scope: Stack, arn: string, id = 'Reader'): iam.IRole {
  return iam.Role.fromRoleArn(scope, id, arn);
}

function gitGate(props: Partial<GitSyncGateProps> & { readerArn?: string }, stack: Stack = new Stack(), id = 'Gate'): GitSyncGate {
  const { readerArn, ...rest } = props;
  return new GitSyncGate(stack, id, { stackName: 'network', ...(readerArn === undefined ? {} : { readerRole: role(stack, readerArn, `${id}Reader`) }), ...rest });
}

/** The isComplete role's statements that allow sts:AssumeRole. */
function assumeStatements(stack: Stack): unknown[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('IsCompleteRole') }] } });
  const [policy] = Object.values(policies) as { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } }[];
  return policy.Properties.PolicyDocument.Statement.filter((s) => [s.Action].flat().includes('sts:AssumeRole'));
}

describe('a gate with a reader role', () => {
  it('writes the role\'s ARN and the external id, and its provider may assume exactly that role', () => {
    const stack = new Stack();
    gitGate({ readerArn: READER, externalId: 'platform-7f3a' }, stack);
    Template.fromStack(stack).hasResourceProperties(GIT_SYNC_RESOURCE_TYPE, { StackName: 'network', ReaderRoleArn: READER, ReaderRoleExternalId: 'platform-7f3a' });
    expect(assumeStatements(stack)).toEqual([{ Sid: 'AssumeReaderRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: READER }]);
  });

  it('writes neither property, and its provider may assume nothing, when no gate names a role', () => {
    const stack = new Stack();
    gitGate({}, stack);
    new ServiceInstanceSyncGate(stack, 'Proton', { serviceName: 'api', serviceInstanceName: 'prod' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties(GIT_SYNC_RESOURCE_TYPE, { ReaderRoleArn: Match.absent(), ReaderRoleExternalId: Match.absent() });
    template.hasResourceProperties(PROTON_RESOURCE_TYPE, { ReaderRoleArn: Match.absent() });
    expect(assumeStatements(stack)).toEqual([]);
  });

  it("lets one statement name every role the stack's gates name, once each, whatever their source", () => {
    const stack = new Stack();
    const other = 'arn:aws:iam::333333333333:role/platform/reader';
    gitGate({ readerArn: READER }, stack, 'A');
    gitGate({ readerArn: other, stackName: 'app' }, stack, 'B');
    gitGate({ readerArn: READER, stackName: 'db' }, stack, 'C');
    new ServiceInstanceSyncGate(stack, 'Proton', { serviceName: 'api', serviceInstanceName: 'prod', readerRole: role(stack, READER, 'ProtonReader') });
    gitGate({ stackName: 'own' }, stack, 'D');
    expect(assumeStatements(stack)).toEqual([{ Sid: 'AssumeReaderRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [READER, other] }]);
  });

  it('leaves a role whose ARN is a token to the handler, and may assume exactly it', () => {
    const stack = new Stack();
    const reader = new iam.Role(stack, 'LocalReader', { assumedBy: new iam.AccountPrincipal('111111111111') });
    new GitSyncGate(stack, 'Gate', { stackName: 'network', readerRole: reader });
    const arn = { 'Fn::GetAtt': [stack.getLogicalId(reader.node.defaultChild as iam.CfnRole), 'Arn'] };
    Template.fromStack(stack).hasResourceProperties(GIT_SYNC_RESOURCE_TYPE, { ReaderRoleArn: arn });
    expect(assumeStatements(stack)).toEqual([{ Sid: 'AssumeReaderRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: arn }]);
  });

  it.each([
    ['a role with a path', 'arn:aws:iam::222222222222:role/platform/readers/sync-gate-reader', 'eu-west-1'],
    ['a name of 64 characters', `arn:aws:iam::222222222222:role/${'r'.repeat(64)}`, 'eu-west-1'],
    ['a role in aws-cn, from a stack in cn-north-1', 'arn:aws-cn:iam::222222222222:role/reader', 'cn-north-1'],
    ['a role in aws-us-gov, from a stack in us-gov-west-1', 'arn:aws-us-gov:iam::222222222222:role/reader', 'us-gov-west-1'],
    ['a role of any partition, from an environment-agnostic stack', 'arn:aws-iso:iam::222222222222:role/reader', undefined],
  ])('accepts %s', (_case: string, arn: string, region: string | undefined) => {
    const stack = new Stack(new App(), 'S', region ? { env: { region } } : {});
    expect(() => gitGate({ readerArn: arn }, stack)).not.toThrow();
  });

  it.each([
    ['a user', 'arn:aws:iam::222222222222:user/alice'],
    ['an account of 11 digits', 'arn:aws:iam::22222222222:role/reader'],
    ['a name of 65 characters', `arn:aws:iam::222222222222:role/${'r'.repeat(65)}`],
    ['a wildcard', 'arn:aws:iam::222222222222:role/reader-*'],
    ['another service', 'arn:aws:sts::222222222222:assumed-role/reader/session'],
  ])('rejects %s, naming the prop, the value and what is allowed', (_case, arn) => {
    expect(() => gitGate({ readerArn: arn })).toThrow(
      new Error(`Invalid readerRole ${JSON.stringify(arn)}: ${ROLE_RULE}, e.g. iam.Role.fromRoleArn(this, 'Reader', 'arn:aws:iam::222222222222:role/sync-gate-reader').`),
    );
  });

  it("rejects a role of another partition than the stack's", () => {
    const stack = new Stack(new App(), 'China', { env: { region: 'cn-north-1' } });
    expect(() => gitGate({ readerArn: READER }, stack)).toThrow(
      new Error(
        `Invalid readerRole "${READER}": the role is in partition aws, and stack China deploys to aws-cn: a role can be assumed only with ` +
          'credentials of its own partition. Name a role in aws-cn.',
      ),
    );
  });

  it("rejects a role of another partition than the gate's region", () => {
    expect(() => gitGate({ readerArn: READER, region: 'us-gov-east-1' })).toThrow(
      new Error(
        `Invalid readerRole "${READER}": the role is in partition aws, and the gate's region us-gov-east-1 is in aws-us-gov: its credentials ` +
          'cannot read there. Name a role in aws-us-gov, or the region the sync is in.',
      ),
    );
  });

  it.each([
    ['2 characters', 'ab'],
    ['1,224 characters', 'x'.repeat(1224)],
    ['every character STS allows', 'a_B+0=c,d.e@f:g/h-i'],
  ])('accepts an external id of %s', (_case, externalId) => {
    const stack = new Stack();
    gitGate({ readerArn: READER, externalId }, stack);
    Template.fromStack(stack).hasResourceProperties(GIT_SYNC_RESOURCE_TYPE, { ReaderRoleExternalId: externalId });
  });

  it.each([
    ['1 character', 'a'],
    ['1,225 characters', 'x'.repeat(1225)],
    ['a space', 'a b'],
    ['empty', ''],
  ])('rejects an external id of %s', (_case, externalId) => {
    expect(() => gitGate({ readerArn: READER, externalId })).toThrow(
      new Error(`Invalid externalId ${JSON.stringify(externalId)}: expected 2-1224 characters of letters, digits and _+=,.@:/- (STS's ExternalId).`),
    );
  });

  it('rejects an external id without a reader role: it would never be sent', () => {
    expect(() => gitGate({ externalId: 'platform-7f3a' })).toThrow(
      new Error(
        'Invalid externalId "platform-7f3a": an external id is sent only when the gate assumes a reader role. ' +
          'Set readerRole to the role in the account that owns the sync, or remove externalId.',
      ),
    );
  });
});

describe('a Git sync gate on a stack of its own name', () => {
  const env = { account: '111111111111', region: 'eu-west-1' };
  it('may watch it in another account, through a reader role there', () => {
    const stack = new Stack(new App(), 'network', { env });
    expect(() => gitGate({ readerArn: READER }, stack)).not.toThrow();
  });

  it('is rejected through a role of its own account, as without one', () => {
    const stack = new Stack(new App(), 'network', { env });
    expect(() => gitGate({ readerArn: 'arn:aws:iam::111111111111:role/reader' }, stack)).toThrow(/Invalid stackName "network": it is the stack this GitSyncGate is in/);
  });

  it('is left to the handler when the stack\'s account is not known at synth', () => {
    const stack = new Stack(new App(), 'network');
    expect(() => gitGate({ readerArn: 'arn:aws:iam::111111111111:role/reader' }, stack)).not.toThrow();
  });
});
