/**
 * SyncStatusReaderRole, the owning account's side of a gate that reads another account's sync: its trust (the gate's
 * account alone, narrowed to a role and an external id when asked), its permissions (exactly the read actions of the
 * sources it names, on Resource '*', acknowledged for cdk-nag with a reason), and every synth-time rejection.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SyncGateSource, SyncStatusReaderRole, SyncStatusReaderRoleProps } from '../../lib';
import { SourceActions } from '../../lib/sources';

const GATE_ACCOUNT = '111111111111';
const accountRoot = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${GATE_ACCOUNT}:root`]] };

function synth(props: Partial<SyncStatusReaderRoleProps> = {}): { stack: Stack; reader: SyncStatusReaderRole; template: Template } {
  const stack = new Stack(new App(), 'Owner', { env: { account: '222222222222', region: 'eu-west-1' } });
  const reader = new SyncStatusReaderRole(stack, 'GateReader', { trustedAccount: GATE_ACCOUNT, ...props });
  return { stack, reader, template: Template.fromStack(stack) };
}

function statements(template: Template): unknown[] {
  const [policy] = Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { PolicyDocument: { Statement: unknown[] } } }[];
  return policy.Properties.PolicyDocument.Statement;
}

describe('SyncStatusReaderRole', () => {
  it("trusts the gate's account alone, may only read Git sync's status and blockers, and exposes its ARN", () => {
    const { stack, reader, template } = synth();
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: accountRoot }, Condition: Match.absent() }] },
      RoleName: Match.absent(),
      ManagedPolicyArns: Match.absent(),
      Policies: Match.absent(),
    });
    expect(statements(template)).toEqual([{ Sid: 'ReadGitSyncStatusAndBlockers', Effect: 'Allow', Action: [...SourceActions[SyncGateSource.GIT_SYNC]], Resource: '*' }]);
    const roleId = stack.getLogicalId(reader.role.node.defaultChild as never);
    expect(stack.resolve(reader.roleArn)).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(reader.node.defaultChild).toBe(reader.role.node.defaultChild);
  });

  it('narrows the trust to one role of the account (ArnLike on aws:PrincipalArn) and to an external id, with a fixed name', () => {
    const { template } = synth({ trustedRoleArn: `arn:aws:iam::${GATE_ACCOUNT}:role/GateStack-*`, externalId: 'platform-7f3a', roleName: 'sync-gate-reader' });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'sync-gate-reader',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { AWS: accountRoot },
            Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${GATE_ACCOUNT}:role/GateStack-*` }, StringEquals: { 'sts:ExternalId': 'platform-7f3a' } },
          },
        ],
      },
    });
  });

  it('reads every source it names, one statement each', () => {
    const { template } = synth({ sources: [SyncGateSource.PROTON, SyncGateSource.GIT_SYNC] });
    expect(statements(template)).toEqual([
      { Sid: 'ReadProtonSyncStatusAndBlockers', Effect: 'Allow', Action: [...SourceActions[SyncGateSource.PROTON]], Resource: '*' },
      { Sid: 'ReadGitSyncStatusAndBlockers', Effect: 'Allow', Action: [...SourceActions[SyncGateSource.GIT_SYNC]], Resource: '*' },
    ]);
  });

  it('leaves cdk-nag nothing to report: Resource * is acknowledged, naming the actions and who may use them', () => {
    const { stack } = synth({ sources: [SyncGateSource.GIT_SYNC, SyncGateSource.PROTON] });
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
    const reasons = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map((m) => JSON.stringify(m.data)));
    expect(reasons.join(' ')).toMatch(/codestar-connections:GetResourceSyncStatus, codestar-connections:GetSyncBlockerSummary, codestar-connections:GetSyncConfiguration, proton:GetServiceInstanceSyncStatus, proton:GetServiceSyncBlockerSummary support no resource-level permissions[^]*allowed to this role alone, which only account 111111111111/);
  });

  it.each([
    ['trustedAccount of 11 digits', { trustedAccount: '11111111111' }, 'Invalid trustedAccount "11111111111": expected an AWS account id, 12 digits (the account of the gate\'s stack).'],
    ['trustedAccount as an ARN', { trustedAccount: 'arn:aws:iam::111111111111:root' }, 'Invalid trustedAccount "arn:aws:iam::111111111111:root": expected an AWS account id, 12 digits'],
    ['trustedRoleArn of a user', { trustedRoleArn: 'arn:aws:iam::111111111111:user/alice' }, `Invalid trustedRoleArn "arn:aws:iam::111111111111:user/alice": expected an IAM role's ARN`],
    [
      'trustedRoleArn of another account',
      { trustedRoleArn: 'arn:aws:iam::333333333333:role/GateStack-*' },
      'Invalid trustedRoleArn "arn:aws:iam::333333333333:role/GateStack-*": the role is in account 333333333333, not in trustedAccount 111111111111.',
    ],
    ['externalId of 1 character', { externalId: 'x' }, `Invalid externalId "x": expected 2-1224 characters of letters, digits and _+=,.@:/- (STS's ExternalId).`],
    ['no sources', { sources: [] }, 'Invalid sources []: expected one or more of proton, git-sync, each once.'],
    ['a source twice', { sources: [SyncGateSource.GIT_SYNC, SyncGateSource.GIT_SYNC] }, 'Invalid sources ["git-sync","git-sync"]: expected one or more of proton, git-sync, each once.'],
    ['an unknown source', { sources: ['github' as SyncGateSource] }, 'Invalid sources ["github"]: expected one or more of proton, git-sync, each once.'],
  ])('rejects %s, naming the prop, the value and what is allowed', (_case, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
