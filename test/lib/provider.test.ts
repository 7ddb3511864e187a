/**
 * The shared provider (lib/sync-gate-provider.ts) as the template shows it: the exact settings of the two gate
 * handlers, their roles and log groups, the read grants per source, the framework's roles and log group, the
 * waiter's interval and total timeout at the edges of pollInterval, the well-known construct ids, and the brand
 * lookup with its errors.
 */
import * as path from 'path';
import { App, CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import { GitSyncGate, ServiceInstanceSyncGate } from '../../lib';
import { Limits } from '../../lib/limits';
import type { SyncGateBase } from '../../lib/sync-gate-base';
import { HANDLER_ASSET_DIR, HANDLER_RUNTIME, PROVIDER_ID, providerTotalTimeout, SyncGateProvider } from '../../lib/sync-gate-provider';
import { GIT_SYNC_STATEMENT, PROTON_STATEMENT } from './source-statements';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself, so that a spy replaces what lib/ calls
const nodeFs = require('fs') as typeof import('fs');

const BRAND = Symbol.for('cdk-git-sync-gate.SyncGateProvider');
const NAMES = { serviceName: 'api', serviceInstanceName: 'prod' };
const LAMBDA_TRUST = {
  Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
  Version: '2012-10-17',
};
const LOGS_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const DESCRIBE_OWN_STACK = { Action: 'cloudformation:DescribeStacks', Effect: 'Allow', Resource: { Ref: 'AWS::StackId' } };

/** The logical id of a construct's CloudFormation resource. */
function logicalId(c: IConstruct): string {
  return Stack.of(c).getLogicalId(c.node.defaultChild as CfnElement);
}

/** The CloudFormation resource of construct `c` in `template`. */
function resourceOf(template: Template, c: IConstruct): { Type: string; Properties: Record<string, unknown>; [key: string]: unknown } {
  return template.toJSON().Resources[logicalId(c)];
}

/** The statements of the default policy of `role` (a child of the provider). */
function statementsOf(template: Template, role: IConstruct): unknown[] {
  const policy = resourceOf(template, role.node.findChild('DefaultPolicy')).Properties as { PolicyDocument: { Statement: unknown[] }; Roles: unknown[] };
  expect(policy.Roles).toEqual([{ Ref: logicalId(role) }]);
  return policy.PolicyDocument.Statement;
}

function logsStatement(logGroup: IConstruct): Record<string, unknown> {
  return { Action: LOGS_ACTIONS, Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(logGroup), 'Arn'] } };
}

/** The waiter's retry interval and attempts, from the state machine's definition. */
function waiterRetry(template: Template, provider: SyncGateProvider): { interval: number; attempts: number; backoff: number } {
  const machines = provider.node.findAll().filter((c): c is sfn.CfnStateMachine => c instanceof sfn.CfnStateMachine);
  expect(machines).toHaveLength(1);
  const parts = (template.toJSON().Resources[Stack.of(provider).getLogicalId(machines[0])].Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const text = parts.filter((p): p is string => typeof p === 'string').join('');
  const [, interval, attempts, backoff] = /"IntervalSeconds":(\d+),"MaxAttempts":(\d+),"BackoffRate":(\d+)/.exec(text)!;
  return { interval: Number(interval), attempts: Number(attempts), backoff: Number(backoff) };
}

/** The reason of the AwsSolutions-IAM5[Resource::*] acknowledgement on the isComplete role's policy. */
function sourceReadsReason(provider: SyncGateProvider): string | undefined {
  const policy = provider.node.findChild('IsCompleteRole').node.findChild('DefaultPolicy').node.defaultChild!;
  const entries = policy.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.entries(m.data as Record<string, string>))
    .filter(([id]) => id.replace(/^annotation::/i, '') === 'AwsSolutions-IAM5[Resource::*]');
  expect(entries.length).toBeLessThanOrEqual(1);
  return entries[0]?.[1];
}

describe('the handler functions of a stack with one default gate', () => {
  const stack = new Stack(new App(), 'Default');
  const gate = new ServiceInstanceSyncGate(stack, 'Gate', NAMES);
  const provider = SyncGateProvider.getOrCreate(stack);
  const template = Template.fromStack(stack);
  const handlerLogs = provider.node.findChild('HandlerLogs');
  const frameworkLogs = provider.node.findChild('FrameworkLogs');
  const framework = provider.node.findChild('Provider');

  it('is the provider the gate uses, at the well-known id, exposing its log group, its functions and its ServiceToken', () => {
    expect(provider.node.scope).toBe(stack);
    expect(provider.node.id).toBe('SyncGateProvider');
    expect(stack.node.children.filter((c) => SyncGateProvider.isSyncGateProvider(c))).toEqual([provider]);
    expect(gate.logGroup).toBe(provider.logGroup);
    expect(provider.logGroup).toBe(handlerLogs);
    expect(provider.onEventFunction).toBe(provider.node.findChild('OnEvent'));
    expect(provider.isCompleteFunction).toBe(provider.node.findChild('IsComplete'));
    const serviceToken = { 'Fn::GetAtt': [logicalId(framework.node.findChild('framework-onEvent')), 'Arn'] };
    expect(resourceOf(template, gate.resource).Properties.ServiceToken).toEqual(serviceToken);
    expect(stack.resolve(provider.serviceToken)).toEqual(serviceToken);
  });

  it('runs onEvent on Node.js 24, arm64, 256 MB, 30 s, no environment, logging to the handler log group', () => {
    expect(resourceOf(template, provider.onEventFunction)).toEqual({
      Type: 'AWS::Lambda::Function',
      Properties: {
        Architectures: ['arm64'],
        Code: expect.anything(),
        Description: 'Sync gate: validates the gate and names the resource',
        Handler: 'index.onEvent',
        LoggingConfig: { LogGroup: { Ref: logicalId(handlerLogs) } },
        MemorySize: 256,
        Role: { 'Fn::GetAtt': [logicalId(provider.node.findChild('OnEventRole')), 'Arn'] },
        Runtime: 'nodejs24.x',
        Timeout: 30,
      },
      DependsOn: expect.any(Array),
    });
  });

  it('runs isComplete with the same settings but its own role and the 120 s of the call budget', () => {
    const isComplete = resourceOf(template, provider.isCompleteFunction);
    expect(isComplete).toEqual({
      Type: 'AWS::Lambda::Function',
      Properties: {
        Architectures: ['arm64'],
        Code: expect.anything(),
        Description: 'Sync gate: reads the sync status (and blockers) and decides',
        Handler: 'index.isComplete',
        LoggingConfig: { LogGroup: { Ref: logicalId(handlerLogs) } },
        MemorySize: 256,
        Role: { 'Fn::GetAtt': [logicalId(provider.node.findChild('IsCompleteRole')), 'Arn'] },
        Runtime: 'nodejs24.x',
        Timeout: 120,
      },
      DependsOn: expect.any(Array),
    });
    // One bundle for both handlers, not the framework's.
    expect(isComplete.Properties.Code).toEqual(resourceOf(template, provider.onEventFunction).Properties.Code);
    expect(isComplete.Properties.Code).not.toEqual(resourceOf(template, framework.node.findChild('framework-onEvent')).Properties.Code);
  });

  it('keeps the handler and framework log groups for 30 days and deletes them with the stack', () => {
    for (const group of [handlerLogs, frameworkLogs]) {
      expect(resourceOf(template, group)).toEqual({
        Type: 'AWS::Logs::LogGroup',
        Properties: { RetentionInDays: 30 },
        UpdateReplacePolicy: 'Delete',
        DeletionPolicy: 'Delete',
      });
    }
  });

  it('turns the waiter state machine logging off: no logging configuration and no third log group', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(Object.keys(machine.Properties).sort()).toEqual(['DefinitionString', 'RoleArn']);
  });

  it('gives each handler a role of its own that Lambda assumes, with a description of what it may do', () => {
    expect(resourceOf(template, provider.node.findChild('OnEventRole')).Properties).toEqual({
      AssumeRolePolicyDocument: LAMBDA_TRUST,
      Description: 'Sync gate onEvent handler: writes its logs, calls nothing',
    });
    expect(resourceOf(template, provider.node.findChild('IsCompleteRole')).Properties).toEqual({
      AssumeRolePolicyDocument: LAMBDA_TRUST,
      Description: 'Sync gate isComplete handler: reads sync statuses and blockers, its own stack status, writes its logs',
    });
  });

  it('lets onEvent only write its logs, and isComplete read its own stack, write its logs and read Proton', () => {
    expect(statementsOf(template, provider.node.findChild('OnEventRole'))).toEqual([logsStatement(handlerLogs)]);
    expect(statementsOf(template, provider.node.findChild('IsCompleteRole'))).toEqual([DESCRIBE_OWN_STACK, logsStatement(handlerLogs), PROTON_STATEMENT]);
  });

  it("gives the framework's functions the provider's two framework roles, which write only to the framework log group", () => {
    const onEventRole = provider.node.findChild('FrameworkOnEventRole');
    const waiterRole = provider.node.findChild('FrameworkWaiterRole');
    expect(resourceOf(template, onEventRole).Properties).toEqual({
      AssumeRolePolicyDocument: LAMBDA_TRUST,
      Description: 'Sync gate: Provider framework onEvent (invokes onEvent, starts the waiter)',
    });
    expect(resourceOf(template, waiterRole).Properties).toEqual({
      AssumeRolePolicyDocument: LAMBDA_TRUST,
      Description: 'Sync gate: Provider framework isComplete and onTimeout (invoke isComplete, answer CloudFormation)',
    });
    for (const [fn, role] of [['framework-onEvent', onEventRole], ['framework-isComplete', waiterRole], ['framework-onTimeout', waiterRole]] as const) {
      expect(resourceOf(template, framework.node.findChild(fn)).Properties).toEqual(
        expect.objectContaining({
          Role: { 'Fn::GetAtt': [logicalId(role), 'Arn'] },
          LoggingConfig: expect.objectContaining({ LogGroup: { Ref: logicalId(frameworkLogs) } }),
        }),
      );
    }
    for (const role of [onEventRole, waiterRole]) {
      const statements = statementsOf(template, role);
      expect(statements[0]).toEqual(logsStatement(frameworkLogs));
      // The Provider adds only its invoke and start-execution grants: no logs elsewhere, no source or stack reads.
      expect(statements.filter((st) => JSON.stringify(st).includes('logs:'))).toHaveLength(1);
      expect(JSON.stringify(statements)).not.toMatch(/proton:|codestar-connections:|cloudformation:/);
    }
  });
});

describe('one provider per stack, whatever the poll intervals', () => {
  // Gates at the edges of pollInterval and around the default, of both sources.
  const POLLS: [number, 'proton' | 'git-sync'][] = [[5, 'proton'], [7, 'git-sync'], [14, 'git-sync'], [15, 'proton'], [16, 'git-sync'], [300, 'proton']];
  const stack = new Stack(new App(), 'Polls');
  for (const [poll, source] of POLLS) {
    if (source === 'proton') new ServiceInstanceSyncGate(stack, `P${poll}`, { ...NAMES, pollInterval: Duration.seconds(poll) });
    else new GitSyncGate(stack, `G${poll}`, { stackName: 'network', pollInterval: Duration.seconds(poll) });
  }
  const providers = stack.node.children.filter((c): c is SyncGateProvider => SyncGateProvider.isSyncGateProvider(c));
  const template = Template.fromStack(stack);

  it('is one provider, at an id that names no source', () => {
    expect(providers.map((p) => p.node.id)).toEqual(['SyncGateProvider']);
    expect(PROVIDER_ID).toBe('SyncGateProvider');
  });

  it('ticks every 5 s (the shortest pollInterval) for the hour, with no backoff', () => {
    expect(Limits.waiterTickSeconds).toBe(Limits.minPollIntervalSeconds);
    expect(waiterRetry(template, providers[0])).toEqual({ interval: 5, attempts: 720, backoff: 1 });
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  });

  it('has two log groups and no logging on the waiter', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    for (const machine of Object.values(template.findResources('AWS::StepFunctions::StateMachine'))) {
      expect(machine.Properties.LoggingConfiguration).toBeUndefined();
    }
  });

  it("grants the isComplete role both sources' reads, in the order of first use, and onEvent none", () => {
    const p = providers[0];
    const handlerLogs = p.node.findChild('HandlerLogs');
    expect(statementsOf(template, p.node.findChild('IsCompleteRole'))).toEqual([DESCRIBE_OWN_STACK, logsStatement(handlerLogs), PROTON_STATEMENT, GIT_SYNC_STATEMENT]);
    expect(statementsOf(template, p.node.findChild('OnEventRole'))).toEqual([logsStatement(handlerLogs)]);
  });

  it('points every gate at the same ServiceToken, each with its own PollIntervalSeconds', () => {
    const framework = providers[0].node.findChild('Provider').node.findChild('framework-onEvent');
    for (const [poll, source] of POLLS) {
      const gate = stack.node.findChild(`${source === 'proton' ? 'P' : 'G'}${poll}`) as SyncGateBase;
      expect(resourceOf(template, gate.resource).Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [logicalId(framework), 'Arn'] });
      expect(resourceOf(template, gate.resource).Properties.PollIntervalSeconds).toBe(String(poll));
      expect(gate.logGroup).toBe(providers[0].logGroup);
    }
  });
});

describe('providerTotalTimeout', () => {
  it.each([
    [5, 3600],
    [7, 3605],
    [11, 3608],
    [14, 3612],
    [15, 3600],
    [16, 3600],
    [173, 3633],
  ])('for a %i s tick is %i s: the hour rounded up to whole ticks', (tick, total) => {
    expect(providerTotalTimeout(tick).toSeconds()).toBe(total);
  });

  it('is the hour for the waiter tick', () => {
    expect(providerTotalTimeout().toSeconds()).toBe(3600);
  });
});

describe('getOrCreate', () => {
  it('returns the one provider of the stack root, wherever it is asked from', () => {
    const stack = new Stack(new App(), 'Lookup');
    const nested = new Construct(new Construct(stack, 'Outer'), 'Inner');
    const provider = SyncGateProvider.getOrCreate(nested);
    expect(provider.node.scope).toBe(stack);
    expect(provider.node.id).toBe('SyncGateProvider');
    expect(SyncGateProvider.getOrCreate(stack)).toBe(provider);
    expect((provider as unknown as Record<symbol, unknown>)[BRAND]).toBe(true);
  });

  it('names the construct that holds the id by its class', () => {
    class Squatter extends Construct {}
    const stack = new Stack(new App(), 'Clash');
    new Squatter(stack, 'SyncGateProvider');
    expect(() => new ServiceInstanceSyncGate(stack, 'Gate', NAMES)).toThrow(
      new Error(
        'Cannot add a sync gate to stack Clash: the construct id "SyncGateProvider" at the stack\'s root is taken by Squatter, ' +
          'and sync gates keep their shared provider there. Give that construct another id.',
      ),
    );
  });

  it('calls the construct that holds the id "another construct" when it has no constructor', () => {
    const stack = new Stack(new App(), 'Clash');
    Object.defineProperty(new Construct(stack, 'SyncGateProvider'), 'constructor', { value: undefined });
    expect(() => new GitSyncGate(stack, 'Gate', { stackName: 'network', pollInterval: Duration.seconds(60) })).toThrow(
      new Error(
        'Cannot add a sync gate to stack Clash: the construct id "SyncGateProvider" at the stack\'s root is taken by ' +
          'another construct, and sync gates keep their shared provider there. Give that construct another id.',
      ),
    );
  });

  it('rejects a branded provider of an older copy of the library, which has no grantSource', () => {
    const stack = new Stack(new App(), 'Old');
    Object.defineProperty(new Construct(stack, 'SyncGateProvider'), BRAND, { value: true });
    expect(() => new ServiceInstanceSyncGate(stack, 'Gate', { ...NAMES, pollInterval: Duration.seconds(300) })).toThrow(
      new Error(
        'Cannot add a sync gate to stack Old: its provider "SyncGateProvider" was made by an older copy of ' +
          'cdk-git-sync-gate loaded in the same app, which cannot serve every source. Install one version ' +
          '(check `npm ls cdk-git-sync-gate`).',
      ),
    );
  });

  it('fails with the build command when the handler bundle is missing', () => {
    const bundle = path.join('assets', 'handler', 'index.js');
    const real = nodeFs.existsSync;
    const spy = jest.spyOn(nodeFs, 'existsSync').mockImplementation((p) => (String(p).endsWith(bundle) ? false : real(p)));
    try {
      expect(() => new ServiceInstanceSyncGate(new Stack(new App(), 'NoBundle'), 'Gate', NAMES)).toThrow(
        new Error(
          `The gate's handler bundle is missing at ${HANDLER_ASSET_DIR}/index.js. ` +
            'In a clone of this project, run `npm run build:handler`; an installed package ships it prebuilt.',
        ),
      );
      expect(spy).toHaveBeenCalledWith(path.join(HANDLER_ASSET_DIR, 'index.js'));
    } finally {
      spy.mockRestore();
    }
  });
});

describe('isSyncGateProvider', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a string', 'SyncGateProvider'],
    ['a plain construct', new Construct(new App(), 'Plain')],
    ['an object without the brand', {}],
    ['an object branded with a truthy non-true value', { [BRAND]: 'true' }],
    ['an object branded with an unregistered symbol', { [Symbol('cdk-git-sync-gate.SyncGateProvider')]: true }],
    ['a function carrying the brand', Object.assign(() => undefined, { [BRAND]: true })],
  ])('is false for %s', (_name, x) => {
    expect(SyncGateProvider.isSyncGateProvider(x)).toBe(false);
  });

  it("is true for any object carrying Symbol.for('cdk-git-sync-gate.SyncGateProvider') = true, as another copy's provider does", () => {
    expect(SyncGateProvider.isSyncGateProvider({ [BRAND]: true })).toBe(true);
  });
});

describe('grantSource', () => {
  it('grants no source read to a provider no gate has asked for one', () => {
    const stack = new Stack(new App(), 'Bare');
    const provider = SyncGateProvider.getOrCreate(stack);
    const template = Template.fromStack(stack);
    expect(statementsOf(template, provider.node.findChild('IsCompleteRole'))).toEqual([DESCRIBE_OWN_STACK, logsStatement(provider.logGroup)]);
    expect(sourceReadsReason(provider)).toBeUndefined();
  });

  it('adds one statement per source, once, in the order of first use, and acknowledges exactly the actions granted', () => {
    const stack = new Stack(new App(), 'Grants');
    const provider = SyncGateProvider.getOrCreate(stack);
    provider.grantSource('git-sync');
    provider.grantSource('git-sync');
    expect(sourceReadsReason(provider)).toMatch(/^codestar-connections:GetResourceSyncStatus, codestar-connections:GetSyncBlockerSummary, codestar-connections:GetSyncConfiguration support /);
    provider.grantSource('proton');
    provider.grantSource('git-sync');
    expect(sourceReadsReason(provider)).toMatch(
      /^codestar-connections:GetResourceSyncStatus, codestar-connections:GetSyncBlockerSummary, codestar-connections:GetSyncConfiguration, proton:GetServiceInstanceSyncStatus, proton:GetServiceSyncBlockerSummary support /,
    );
    const template = Template.fromStack(stack);
    expect(statementsOf(template, provider.node.findChild('IsCompleteRole'))).toEqual([
      DESCRIBE_OWN_STACK,
      logsStatement(provider.logGroup),
      GIT_SYNC_STATEMENT,
      PROTON_STATEMENT,
    ]);
    expect(statementsOf(template, provider.node.findChild('OnEventRole'))).toEqual([logsStatement(provider.logGroup)]);
  });

  it('rejects a source it cannot grant, naming the ones it can', () => {
    const provider = SyncGateProvider.getOrCreate(new Stack(new App(), 'Unknown'));
    expect(() => provider.grantSource('codecommit')).toThrow(new Error('Unknown sync source "codecommit": expected one of proton, git-sync.'));
  });
});

describe('the handler bundle and runtime', () => {
  it('comes from assets/handler of the package, on a Node.js 24 runtime that supports inline code', () => {
    expect(HANDLER_ASSET_DIR).toBe(path.resolve(__dirname, '..', '..', 'assets', 'handler'));
    expect(HANDLER_RUNTIME.name).toBe('nodejs24.x');
    expect(HANDLER_RUNTIME.family).toBe(lambda.RuntimeFamily.NODEJS);
    expect(HANDLER_RUNTIME.supportsInlineCode).toBe(true);
  });
});
