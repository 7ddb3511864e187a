/**
 * The offline world's policy evaluation: trust policies as SyncStatusReaderRole and users write them, identity
 * policies as the constructs write them, an explicit Deny over any Allow, and a refusal of what it cannot evaluate.
 */
import { evaluate, PolicyDocument, RequestPrincipal } from '../../offline/iam-policy';

const GATE: RequestPrincipal = {
  account: '111111111111',
  principalArn: 'arn:aws:iam::111111111111:role/GateStack-SyncGateProviderIsComplete-ABC',
  arn: 'arn:aws:sts::111111111111:assumed-role/GateStack-SyncGateProviderIsComplete-ABC/fn',
};
const ROLE = 'arn:aws:iam::222222222222:role/sync-gate-reader';

const trust = (principal: unknown, condition?: Record<string, Record<string, string | string[]>>): PolicyDocument => ({
  Statement: [
    {
      Effect: 'Allow',
      Principal: (typeof principal === 'string' && principal !== '*' ? { AWS: principal } : principal) as never,
      Action: 'sts:AssumeRole',
      ...(condition ? { Condition: condition } : {}),
    },
  ],
});
const assume = (document: PolicyDocument, context: Record<string, string | undefined> = {}, principal: RequestPrincipal = GATE) =>
  evaluate([document], { action: 'sts:AssumeRole', resource: ROLE, principal, context }, 'trust');

describe('trust policies', () => {
  it.each([
    ['the account as arn:...:root', { AWS: 'arn:aws:iam::111111111111:root' }, 'allow'],
    ['the account as its id', { AWS: '111111111111' }, 'allow'],
    ['the role by its ARN', { AWS: GATE.principalArn }, 'allow'],
    ['the session by its ARN', { AWS: GATE.arn }, 'allow'],
    ['anyone', '*', 'allow'],
    ['one of several accounts', { AWS: ['333333333333', 'arn:aws:iam::111111111111:root'] }, 'allow'],
    ['another account', { AWS: 'arn:aws:iam::333333333333:root' }, 'implicit-deny'],
    ['another role of the account', { AWS: 'arn:aws:iam::111111111111:role/other' }, 'implicit-deny'],
    ['a service', { Service: 'lambda.amazonaws.com' }, 'implicit-deny'],
  ])('naming %s: %s', (_case, principal, expected) => {
    expect(assume(trust(principal))).toBe(expected);
  });

  it.each([
    ['StringEquals sts:ExternalId, sent', { StringEquals: { 'sts:ExternalId': 'x-1' } }, { 'sts:ExternalId': 'x-1' }, 'allow'],
    ['StringEquals sts:ExternalId, not sent', { StringEquals: { 'sts:ExternalId': 'x-1' } }, {}, 'implicit-deny'],
    ['StringEquals sts:ExternalId, another sent', { StringEquals: { 'sts:ExternalId': 'x-1' } }, { 'sts:ExternalId': 'x-2' }, 'implicit-deny'],
    ['ArnLike aws:PrincipalArn with a wildcard', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/GateStack-*' } }, {}, 'allow'],
    ['ArnLike aws:PrincipalArn of another stack', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/Other-*' } }, {}, 'implicit-deny'],
    ['ArnEquals aws:PrincipalArn, exactly', { ArnEquals: { 'aws:PrincipalArn': GATE.principalArn } }, {}, 'allow'],
    ['StringEquals aws:PrincipalAccount', { StringEquals: { 'aws:PrincipalAccount': '111111111111' } }, {}, 'allow'],
    ['two operators, both holding', { StringEquals: { 'sts:ExternalId': 'x-1' }, ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/*' } }, { 'sts:ExternalId': 'x-1' }, 'allow'],
    ['two operators, one failing', { StringEquals: { 'sts:ExternalId': 'x-1' }, ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/x' } }, { 'sts:ExternalId': 'x-1' }, 'implicit-deny'],
    ['StringNotEquals, the value differing', { StringNotEquals: { 'sts:ExternalId': 'x-1' } }, { 'sts:ExternalId': 'x-2' }, 'allow'],
  ])('with a condition %s: %s', (_case, condition, context, expected) => {
    expect(assume(trust('arn:aws:iam::111111111111:root', condition), context)).toBe(expected);
  });

  it('lets an explicit Deny win over an Allow', () => {
    const document: PolicyDocument = {
      Statement: [
        { Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', Principal: '*', Action: 'sts:*' },
      ],
    };
    expect(assume(document)).toBe('explicit-deny');
  });

  it.each([
    ['an operator it does not evaluate', trust('111111111111', { StringEqualsIfExists: { 'sts:ExternalId': 'x' } }), /condition operator StringEqualsIfExists/],
    ['a condition key it does not evaluate', trust('111111111111', { StringEquals: { 'aws:SourceIp': '10.0.0.1' } }), /condition key aws:SourceIp/],
    ['a Principal type it does not evaluate', trust({ Federated: 'cognito-identity.amazonaws.com' }), /Principal Federated/],
    ['NotAction', { Statement: [{ Effect: 'Allow', Principal: '*', NotAction: 'iam:*' }] } as unknown as PolicyDocument, /NotAction is not evaluated/],
  ])('refuses %s rather than guessing', (_case, document, message) => {
    expect(() => assume(document)).toThrow(message);
  });
});

describe('identity policies', () => {
  const policy: PolicyDocument = {
    Statement: [
      { Effect: 'Allow', Action: ['codestar-connections:GetResourceSyncStatus', 'codestar-connections:GetSyncBlockerSummary'], Resource: '*' },
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [ROLE] },
    ],
  };
  const allows = (action: string, resource = '*') => evaluate([policy], { action, resource }, 'identity');

  it.each([
    ['an action it lists, on *', 'codestar-connections:GetResourceSyncStatus', '*', 'allow'],
    ['an action in another case', 'codestar-connections:getresourcesyncstatus', '*', 'allow'],
    ['an action it does not list', 'proton:GetServiceInstanceSyncStatus', '*', 'implicit-deny'],
    ['sts:AssumeRole on the role it names', 'sts:AssumeRole', ROLE, 'allow'],
    ['sts:AssumeRole on another role', 'sts:AssumeRole', 'arn:aws:iam::222222222222:role/admin', 'implicit-deny'],
  ])('%s: %s', (_case, action, resource, expected) => {
    expect(allows(action, resource)).toBe(expected);
  });

  it('matches wildcard actions', () => {
    expect(evaluate([{ Statement: [{ Effect: 'Allow', Action: 'codestar-connections:Get*', Resource: '*' }] }], { action: 'codestar-connections:GetSyncBlockerSummary', resource: '*' }, 'identity')).toBe('allow');
  });
});
