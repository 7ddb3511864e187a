import { App, CfnOutput, CfnResource, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { GitSyncGate, GitSyncGateProps, ServiceInstanceSyncGate, ServiceInstanceSyncGateProps } from '../../lib';
import { ATTRIBUTE_NAMES, GIT_SYNC_RESOURCE_TYPE, PROTON_RESOURCE_TYPE } from '../../lib/contract';
import type { SyncGateBase } from '../../lib/sync-gate-base';
import { GIT_SYNC_STATEMENT, PROTON_STATEMENT } from './source-statements';

const NAMES = { serviceName: 'api', serviceInstanceName: 'prod' };

function stackWith(...gates: Partial<ServiceInstanceSyncGateProps>[]): Stack {
  const stack = new Stack(new App(), 'Test');
  gates.forEach((props, i) => new ServiceInstanceSyncGate(stack, `Gate${i}`, { ...NAMES, ...props }));
  return stack;
}

/** Every statement of any policy in the template that allows a proton: or codestar-connections: action. */
/** Every attribute of the contract has a typed getter on `gate`, and each reads Fn::GetAtt of the gate's resource. */
function expectGettersReadGetAtt(stack: Stack, gate: SyncGateBase): void {
  const getters: Record<string, string> = {
    Sha: gate.sha,
    Status: gate.status,
    InSync: gate.inSync,
    Branch: gate.branch,
    Directory: gate.directory,
    RepositoryName: gate.repositoryName,
    RepositoryProvider: gate.repositoryProvider,
    LatestSyncSha: gate.latestSyncSha,
    LatestSyncStartedAt: gate.latestSyncStartedAt,
    LatestSuccessfulSyncSha: gate.latestSuccessfulSyncSha,
    LatestSuccessfulSyncStartedAt: gate.latestSuccessfulSyncStartedAt,
    LatestSyncEvent: gate.latestSyncEvent,
    SyncAccount: gate.syncAccount,
    SyncRegion: gate.syncRegion,
  };
  expect(Object.keys(getters).sort()).toEqual([...ATTRIBUTE_NAMES].sort());
  for (const [name, value] of Object.entries(getters)) new CfnOutput(stack, `Out${name}`, { value });
  const outputs = Template.fromStack(stack).toJSON().Outputs;
  const logicalId = stack.getLogicalId(gate.resource.node.defaultChild as never);
  for (const name of ATTRIBUTE_NAMES) expect(outputs[`Out${name}`].Value).toEqual({ 'Fn::GetAtt': [logicalId, name] });
}

function sourceStatements(template: Template): Record<string, unknown>[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) =>
    (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).filter((st) =>
      [st.Action].flat().some((a) => /^(proton|codestar-connections):/.test(a)),
    ),
  );
}

function resourceCount(stack: Stack): number {
  return Object.keys(Template.fromStack(stack).toJSON().Resources).length;
}

describe('ServiceInstanceSyncGate', () => {
  it('writes a Custom::ProtonServiceInstanceSync resource with PascalCase properties and the defaults', () => {
    const template = Template.fromStack(stackWith({}));
    template.hasResourceProperties(PROTON_RESOURCE_TYPE, {
      ServiceToken: Match.anyValue(),
      ServiceName: 'api',
      ServiceInstanceName: 'prod',
      RequireSuccess: 'true',
      WaitTimeoutSeconds: '600',
      PollIntervalSeconds: '15',
      DeploymentNonce: Match.stringLikeRegexp('^[0-9a-f-]{36}$'),
      Region: Match.absent(),
      ExpectedSha: Match.absent(),
    });
  });

  it('passes every prop through', () => {
    Template.fromStack(
      stackWith({ requireSuccess: true, waitTimeout: Duration.minutes(30), pollInterval: Duration.seconds(30), expectedSha: 'abc1234', region: 'eu-west-1' }),
    ).hasResourceProperties(PROTON_RESOURCE_TYPE, {
      WaitTimeoutSeconds: '1800',
      PollIntervalSeconds: '30',
      ExpectedSha: 'abc1234',
      Region: 'eu-west-1',
    });
  });

  it('changes a property on every synth so every deployment re-checks, and is deterministic when that is off', () => {
    const a = Template.fromStack(stackWith({})).toJSON();
    const b = Template.fromStack(stackWith({})).toJSON();
    expect(JSON.stringify(a)).not.toEqual(JSON.stringify(b));
    const off = () => Template.fromStack(stackWith({ recheckOnEveryDeployment: false })).toJSON();
    expect(JSON.stringify(off())).toEqual(JSON.stringify(off()));
    Template.fromStack(stackWith({ recheckOnEveryDeployment: false })).hasResourceProperties(PROTON_RESOURCE_TYPE, { DeploymentNonce: Match.absent() });
  });

  it('exposes every attribute as a typed getter that reads Fn::GetAtt', () => {
    const stack = stackWith();
    expectGettersReadGetAtt(stack, new ServiceInstanceSyncGate(stack, 'Gate', NAMES));
  });

  it('lets later resources depend on the gate', () => {
    const stack = stackWith();
    const gate = new ServiceInstanceSyncGate(stack, 'Gate', NAMES);
    const param = new ssm.StringParameter(stack, 'Param', { stringValue: gate.sha });
    param.node.addDependency(gate);
    const template = Template.fromStack(stack);
    const gateId = stack.getLogicalId(gate.resource.node.defaultChild as never);
    template.hasResource('AWS::SSM::Parameter', { DependsOn: Match.arrayWith([gateId]) });
  });
});

describe('the shared provider', () => {
  it('lets only the isComplete role read Proton, on Resource * (the actions have no resource-level permissions), and read only its own stack', () => {
    const template = Template.fromStack(stackWith({}));
    expect(sourceStatements(template)).toEqual([
      {
        Sid: 'ReadProtonSyncStatusAndBlockers',
        Action: ['proton:GetServiceInstanceSyncStatus', 'proton:GetServiceSyncBlockerSummary'],
        Effect: 'Allow',
        Resource: '*',
      },
    ]);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Action: 'cloudformation:DescribeStacks', Effect: 'Allow', Resource: { Ref: 'AWS::StackId' } },
          Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
          Match.objectLike({ Sid: 'ReadProtonSyncStatusAndBlockers' }),
        ],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('IsCompleteRole') }],
    });
  });

  it("gives no role a managed policy, the framework's included: each writes only to its own log group", () => {
    const template = Template.fromStack(stackWith({}));
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(roles.length).toBeGreaterThanOrEqual(5);
    for (const role of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const [frameworkLogsId] = Object.keys(template.findResources('AWS::Logs::LogGroup')).filter((id) => id.includes('FrameworkLogs'));
    for (const role of ['FrameworkOnEventRole', 'FrameworkWaiterRole']) {
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [frameworkLogsId, 'Arn'] } },
          ]),
        },
        Roles: [{ Ref: Match.stringLikeRegexp(role) }],
      });
    }
    const [logGroupId] = Object.keys(template.findResources('AWS::Logs::LogGroup')).filter((id) => id.includes('HandlerLogs'));
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } }] },
      Roles: [{ Ref: Match.stringLikeRegexp('OnEventRole') }],
    });
  });

  it('gives every log group a retention', () => {
    const groups = Template.fromStack(stackWith({})).findResources('AWS::Logs::LogGroup');
    expect(Object.keys(groups).length).toBeGreaterThanOrEqual(2);
    for (const g of Object.values(groups)) expect(g.Properties.RetentionInDays).toBe(30);
  });

  it('runs the prebuilt bundle on the newest Node.js runtime, the handlers logging to the exposed log group', () => {
    const stack = stackWith();
    const gate = new ServiceInstanceSyncGate(stack, 'Gate', NAMES);
    const template = Template.fromStack(stack);
    const logGroupId = stack.getLogicalId(gate.logGroup.node.defaultChild as never);
    for (const handler of ['index.onEvent', 'index.isComplete']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: handler,
        Runtime: 'nodejs24.x',
        LoggingConfig: { LogGroup: { Ref: logGroupId } },
      });
    }
  });

  it('waits with a Step Functions waiter that asks every 5-second tick for up to an hour, whatever the gate interval', () => {
    const template = Template.fromStack(stackWith({ pollInterval: Duration.seconds(20) }));
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const definition = JSON.stringify(machine.Properties.DefinitionString);
    expect(definition).toContain('\\"IntervalSeconds\\":5');
    expect(definition).toContain(`\\"MaxAttempts\\":${3600 / 5}`);
    template.hasResourceProperties(PROTON_RESOURCE_TYPE, { PollIntervalSeconds: '20' });
  });

  it('is shared by all gates of a stack: each extra gate adds exactly one resource', () => {
    const one = resourceCount(stackWith({}));
    const fifty = resourceCount(stackWith(...Array.from({ length: 50 }, () => ({}))));
    expect(fifty - one).toBe(49);
    const t = Template.fromStack(stackWith(...Array.from({ length: 50 }, () => ({}))));
    t.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    t.resourceCountIs(PROTON_RESOURCE_TYPE, 50);
  });

  it('is shared by gates of different poll intervals: a pollInterval change keeps the ServiceToken', () => {
    const t = Template.fromStack(stackWith({}, { pollInterval: Duration.seconds(60) }, { pollInterval: Duration.seconds(7) }));
    t.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    const tokens = Object.values(t.findResources(PROTON_RESOURCE_TYPE)).map((r) => JSON.stringify(r.Properties.ServiceToken));
    expect(new Set(tokens).size).toBe(1);
  });
});

describe('synth-time validation', () => {
  it.each([
    [{ serviceName: 'bad name' }, /Invalid serviceName "bad name": expected 1-100 characters matching \^\[0-9A-Za-z\]\+\[0-9A-Za-z_\\-\]\*\$/],
    [{ serviceName: '' }, /Invalid serviceName ""/],
    [{ serviceInstanceName: '-prod' }, /Invalid serviceInstanceName "-prod"/],
    [{ serviceInstanceName: 'p'.repeat(101) }, /Invalid serviceInstanceName "p{101}"/],
    [{ waitTimeout: Duration.minutes(61) }, /Invalid waitTimeout 1 hour 1 minute \(3660 s\): expected whole seconds from 0 to 3600/],
    [{ waitTimeout: Duration.millis(1500) }, /Invalid waitTimeout 1 second 500 millis/],
    [{ pollInterval: Duration.seconds(1) }, /Invalid pollInterval 1 second \(1 s\): expected whole seconds from 5 to 300/],
    [{ pollInterval: Duration.minutes(10) }, /Invalid pollInterval 10 minutes/],
    [{ expectedSha: '' }, /Invalid expectedSha "": it is empty, as an unset pipeline variable gives/],
    [{ expectedSha: 'f'.repeat(256) }, /Invalid expectedSha "f{256}"/],
    [{ region: 'Europe' }, /Invalid region "Europe": expected an AWS region name/],
    [{ requireSuccess: false, expectedSha: 'abc' }, /expectedSha has no effect when requireSuccess is false/],
  ])('rejects %j', (props, message) => {
    expect(() => stackWith(props as Partial<ServiceInstanceSyncGateProps>)).toThrow(message);
  });

  it('accepts the limits themselves', () => {
    expect(() =>
      stackWith({ serviceName: 'a'.repeat(100), waitTimeout: Duration.hours(1), pollInterval: Duration.seconds(300), expectedSha: 'f'.repeat(64) }, { waitTimeout: Duration.seconds(0), pollInterval: Duration.seconds(5), expectedSha: 'f'.repeat(7) }),
    ).not.toThrow();
  });

  it('accepts tokens, which are checked by the handler at deploy time', () => {
    const token = Lazy.string({ produce: () => 'from-a-parameter' });
    const template = Template.fromStack(stackWith({ serviceName: token, serviceInstanceName: token, expectedSha: token, region: token }));
    template.hasResourceProperties(PROTON_RESOURCE_TYPE, { ServiceName: 'from-a-parameter', ExpectedSha: 'from-a-parameter' });
  });
});

/** A stack with `proton` ServiceInstanceSyncGates and `gitSync` GitSyncGates, the given props on each. */
function mixedStack(proton: Partial<ServiceInstanceSyncGateProps>[], gitSync: Partial<GitSyncGateProps>[]): Stack {
  const stack = new Stack(new App(), 'Mixed');
  proton.forEach((props, i) => new ServiceInstanceSyncGate(stack, `Proton${i}`, { ...NAMES, ...props }));
  gitSync.forEach((props, i) => new GitSyncGate(stack, `GitSync${i}`, { stackName: 'network', ...props }));
  return stack;
}

describe('GitSyncGate', () => {
  it('writes a Custom::CloudFormationGitSync resource with the stack name and the same defaults', () => {
    Template.fromStack(mixedStack([], [{}])).hasResourceProperties(GIT_SYNC_RESOURCE_TYPE, {
      ServiceToken: Match.anyValue(),
      StackName: 'network',
      ServiceName: Match.absent(),
      ServiceInstanceName: Match.absent(),
      RequireSuccess: 'true',
      WaitTimeoutSeconds: '600',
      PollIntervalSeconds: '15',
      DeploymentNonce: Match.stringLikeRegexp('^[0-9a-f-]{36}$'),
      Region: Match.absent(),
      ExpectedSha: Match.absent(),
    });
  });

  it('passes every common prop through, with the same meaning as for ServiceInstanceSyncGate', () => {
    const props = { requireSuccess: true, waitTimeout: Duration.minutes(30), pollInterval: Duration.seconds(30), expectedSha: 'abc1234', region: 'eu-west-1' };
    const expected = { WaitTimeoutSeconds: '1800', PollIntervalSeconds: '30', ExpectedSha: 'abc1234', Region: 'eu-west-1', RequireSuccess: 'true' };
    const template = Template.fromStack(mixedStack([props], [props]));
    template.hasResourceProperties(GIT_SYNC_RESOURCE_TYPE, expected);
    template.hasResourceProperties(PROTON_RESOURCE_TYPE, expected);
    Template.fromStack(mixedStack([], [{ requireSuccess: false, recheckOnEveryDeployment: false }])).hasResourceProperties(GIT_SYNC_RESOURCE_TYPE, {
      RequireSuccess: 'false',
      DeploymentNonce: Match.absent(),
    });
  });

  it('exposes the same attributes, with the same names, as typed getters that read Fn::GetAtt', () => {
    const stack = mixedStack([], []);
    expectGettersReadGetAtt(stack, new GitSyncGate(stack, 'Gate', { stackName: 'network' }));
  });

  it.each([
    [{ stackName: 'bad name' }, /Invalid stackName "bad name": expected 1-100 characters matching \^\[0-9A-Za-z\]\+\[0-9A-Za-z_\\-\]\*\$/],
    [{ stackName: '' }, /Invalid stackName ""/],
    [{ stackName: '-network' }, /Invalid stackName "-network"/],
    [{ stackName: 'n'.repeat(101) }, /Invalid stackName "n{101}"/],
    [{ waitTimeout: Duration.minutes(61) }, /Invalid waitTimeout 1 hour 1 minute \(3660 s\): expected whole seconds from 0 to 3600/],
    [{ pollInterval: Duration.seconds(1) }, /Invalid pollInterval 1 second \(1 s\): expected whole seconds from 5 to 300/],
    [{ expectedSha: ' abc' }, /Invalid expectedSha " abc": expected a Git commit sha of 7-64 hex digits/],
    [{ region: 'Europe' }, /Invalid region "Europe": expected an AWS region name/],
    [{ requireSuccess: false, expectedSha: 'abc' }, /expectedSha has no effect when requireSuccess is false/],
  ])('rejects %j', (props, message) => {
    expect(() => mixedStack([], [props as Partial<GitSyncGateProps>])).toThrow(message);
  });

  it('accepts the limits and tokens, which the handler checks at deploy time', () => {
    expect(() => mixedStack([], [{ stackName: 'a'.repeat(100) }, { stackName: 'A1_-' }])).not.toThrow();
    const token = Lazy.string({ produce: () => 'from-a-parameter' });
    Template.fromStack(mixedStack([], [{ stackName: token }])).hasResourceProperties(GIT_SYNC_RESOURCE_TYPE, { StackName: 'from-a-parameter' });
  });
});

describe('read permissions per source', () => {
  it.each([
    ['a Proton-only stack reads Proton alone', mixedStack([{}, {}], []), [PROTON_STATEMENT]],
    ['a Git-sync-only stack reads Git sync alone', mixedStack([], [{}, {}]), [GIT_SYNC_STATEMENT]],
    ['a mixed stack reads both, one statement each, on one provider', mixedStack([{}], [{}, {}]), [PROTON_STATEMENT, GIT_SYNC_STATEMENT]],
    ['a mixed stack whose Git sync gate comes first', (() => {
      const stack = new Stack(new App(), 'GitFirst');
      new GitSyncGate(stack, 'Git', { stackName: 'network' });
      new ServiceInstanceSyncGate(stack, 'Proton', NAMES);
      return stack;
    })(), [GIT_SYNC_STATEMENT, PROTON_STATEMENT]],
  ])('%s', (_name, stack, statements) => {
    const template = Template.fromStack(stack);
    expect(sourceStatements(template)).toEqual(statements);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  });

  it('grants the one provider the actions of both sources, whatever the poll intervals of their gates', () => {
    const t = Template.fromStack(mixedStack([{}], [{ pollInterval: Duration.seconds(60) }]));
    t.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    expect(sourceStatements(t)).toEqual([PROTON_STATEMENT, GIT_SYNC_STATEMENT]);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([PROTON_STATEMENT, GIT_SYNC_STATEMENT]) },
      Roles: [{ Ref: Match.stringLikeRegexp('SyncGateProviderIsCompleteRole') }],
    });
  });

  it('adds exactly one resource per extra gate of either kind, all sharing one provider', () => {
    const base = resourceCount(mixedStack([{}], [{}]));
    const more = mixedStack(Array.from({ length: 20 }, () => ({})), Array.from({ length: 30 }, () => ({})));
    expect(resourceCount(more) - base).toBe(48);
    const t = Template.fromStack(more);
    t.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    t.resourceCountIs(PROTON_RESOURCE_TYPE, 20);
    t.resourceCountIs(GIT_SYNC_RESOURCE_TYPE, 30);
    // The first gate of the second source adds its statement to the provider's policy, not a resource.
    expect(resourceCount(mixedStack([{}], [{}]))).toBe(resourceCount(mixedStack([{}], [])) + 1);
  });

  it('finds a provider made by another copy of the library by its brand, and rejects an unrelated construct on its id', () => {
    const stack = new Stack(new App(), 'Clash');
    new Construct(stack, 'SyncGateProvider');
    expect(() => new GitSyncGate(stack, 'Gate', { stackName: 'network' })).toThrow(
      /the construct id "SyncGateProvider" at the stack's root is taken by Construct[^]*Give that construct another id/,
    );
    const other = new Stack(new App(), 'TwoCopies');
    new ServiceInstanceSyncGate(other, 'First', NAMES);
    const provider = other.node.findChild('SyncGateProvider');
    // What a second copy of the library sees: a provider that is not an instance of its own class.
    Object.setPrototypeOf(provider, Object.create(Object.getPrototypeOf(provider)));
    expect(() => new GitSyncGate(other, 'Second', { stackName: 'network' })).not.toThrow();
    Template.fromStack(other).resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  });
});

describe('a stack whose gates change across deployments', () => {
  const logicalIdOf = (stack: Stack, gate: SyncGateBase) => stack.getLogicalId(gate.resource.node.defaultChild as CfnResource);

  it('gives a GitSyncGate another logical id than a ServiceInstanceSyncGate of the same construct id, so the class swap is a replacement', () => {
    // CloudFormation cannot change a resource's type in an update: the swap must create the new gate and delete the old.
    const before = new Stack(new App(), 'Migrating');
    const proton = new ServiceInstanceSyncGate(before, 'Gate', { serviceName: 'api', serviceInstanceName: 'prod' });
    const after = new Stack(new App(), 'Migrating');
    const git = new GitSyncGate(after, 'Gate', { stackName: 'network' });
    expect(logicalIdOf(before, proton)).toMatch(/^Gate[0-9A-F]{8}$/);
    expect(logicalIdOf(after, git)).toMatch(/^GateGitSync[0-9A-F]{8}$/);
    // The provider and its ServiceToken stay: only the gate is replaced.
    const tokenOf = (s: Stack) => JSON.stringify(Object.values(Template.fromStack(s).toJSON().Resources as Record<string, { Type: string; Properties: { ServiceToken?: unknown } }>).find((r) => r.Type.startsWith('Custom::'))!.Properties.ServiceToken);
    expect(tokenOf(after)).toBe(tokenOf(before));
  });

  it('keeps the ServiceToken and the logical id of a gate whose pollInterval changes', () => {
    const [a, b] = [15, 30].map((seconds) => {
      const stack = new Stack(new App(), 'Polling');
      const gate = new ServiceInstanceSyncGate(stack, 'Gate', { serviceName: 'api', serviceInstanceName: 'prod', pollInterval: Duration.seconds(seconds) });
      const resource = (Template.fromStack(stack).toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>)[logicalIdOf(stack, gate)];
      return { id: logicalIdOf(stack, gate), token: JSON.stringify(resource.Properties.ServiceToken), poll: resource.Properties.PollIntervalSeconds };
    });
    expect(b.id).toBe(a.id);
    expect(b.token).toBe(a.token);
    expect([a.poll, b.poll]).toEqual(['15', '30']);
  });

  it('lets a reader bound its wait on an unreadable source with waitTimeout, from 0 to the hour', () => {
    for (const seconds of [0, 1, 3600]) {
      const t = Template.fromStack(stackWith({ requireSuccess: false, waitTimeout: Duration.seconds(seconds) }));
      t.hasResourceProperties(PROTON_RESOURCE_TYPE, { RequireSuccess: 'false', WaitTimeoutSeconds: String(seconds) });
    }
  });
});

describe('a GitSyncGate on its own stack', () => {
  it('is rejected at synth, naming the stack and what to do', () => {
    const stack = new Stack(new App(), 'network');
    expect(() => new GitSyncGate(stack, 'Self', { stackName: 'network' })).toThrow(
      new Error(
        'Invalid stackName "network": it is the stack this GitSyncGate is in (network), so the gate would wait for its own deployment ' +
          'until it timed out. Name the stack whose Git sync this one depends on, or move the gate into a stack that deploys after it.',
      ),
    );
  });

  it('is rejected for an explicit stackName prop of the stack and for the same region named', () => {
    const stack = new Stack(new App(), 'Id', { stackName: 'network', env: { region: 'eu-west-1' } });
    expect(() => new GitSyncGate(stack, 'Self', { stackName: 'network', region: 'eu-west-1' })).toThrow(/it is the stack this GitSyncGate is in/);
  });

  it('is allowed for a stack of that name in another region, and left to the handler when a name is a token', () => {
    const stack = new Stack(new App(), 'network', { env: { region: 'eu-west-1' } });
    expect(() => new GitSyncGate(stack, 'Other', { stackName: 'network', region: 'us-east-1' })).not.toThrow();
    expect(() => new GitSyncGate(stack, 'Token', { stackName: Lazy.string({ produce: () => 'network' }) })).not.toThrow();
    const agnostic = new Stack(new App(), 'network');
    expect(() => new GitSyncGate(agnostic, 'Regional', { stackName: 'network', region: 'us-east-1' })).not.toThrow();
  });
});
