/**
 * Installing a synthesized stack in the offline world: what CloudFormation creates before the custom resources
 * that depend on it. The template's Lambda functions go to the Lambda emulator (code from the cloud assembly's
 * asset directories), its state machines to the Step Functions emulator, and its IAM roles and policies to the
 * world's IAM (in the account of the installation); Ref and Fn::GetAtt resolve to the physical names and ARNs the
 * world gives them (a role's RoleName when the template names it).
 */
import { createHash } from 'crypto';
import { CfnResponseServer } from './cfn-response-server';
import { FakeIam, roleArn } from './fake-iam';
import type { PolicyDocument } from './iam-policy';
import { resolveIntrinsics } from './intrinsics';
import { FakeLambda } from './lambda-emulator';
import { FakeStepFunctions, StateMachineDefinition } from './step-functions';
import { SynthesizedStack } from './synth';

/** A stack whose functions and state machines are installed in the world. */
export interface InstalledStack {
  readonly synthesized: SynthesizedStack;
  readonly stackName: string;
  readonly stackId: string;
  /** Logical id -> physical name or ARN, as Ref / Fn::GetAtt resolve. */
  readonly resolve: (value: unknown) => unknown;
  /** Logical ids of the stack's custom resources of type `resourceType` (default: all custom resources). */
  readonly customResources: (resourceType?: string) => string[];
  /** Function name by logical id. */
  readonly functionNames: ReadonlyMap<string, string>;
  /** The waiter state machine definitions by ARN, as synthesized (resolved). */
  readonly stateMachines: ReadonlyMap<string, StateMachineDefinition>;
}

/** Where a stack is installed. */
export interface InstallTarget {
  readonly region: string;
  readonly accountId: string;
  readonly lambda: FakeLambda;
  readonly stepFunctions: FakeStepFunctions;
  readonly cfn: CfnResponseServer;
  /** Where the template's roles and policies go, when the world has IAM. */
  readonly iam?: FakeIam;
}

/** Installs `synthesized` (see OfflineWorld.install). */
export function installStack(synthesized: SynthesizedStack, target: InstallTarget): InstalledStack {
  const { region, accountId } = target;
  const { template, stackName } = synthesized;
  const stackId = `arn:aws:cloudformation:${region}:${accountId}:stack/${stackName}/${stableUuid(stackName)}`;
  const names = new Map<string, { ref: string; arn?: string }>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    const physical = `${stackName}-${id}`.slice(0, 64);
    switch (resource.Type) {
      case 'AWS::Lambda::Function':
        names.set(id, { ref: physical, arn: `arn:aws:lambda:${region}:${accountId}:function:${physical}` });
        break;
      case 'AWS::StepFunctions::StateMachine': {
        const arn = `arn:aws:states:${region}:${accountId}:stateMachine:${id}`;
        names.set(id, { ref: arn, arn });
        break;
      }
      case 'AWS::IAM::Role': {
        const p = resource.Properties ?? {};
        const name = typeof p.RoleName === 'string' ? p.RoleName : physical;
        names.set(id, { ref: name, arn: roleArn('aws', accountId, name, typeof p.Path === 'string' ? p.Path : '/') });
        break;
      }
      case 'AWS::Logs::LogGroup':
        names.set(id, { ref: physical, arn: `arn:aws:logs:${region}:${accountId}:log-group:${physical}:*` });
        break;
      default:
        names.set(id, { ref: physical });
    }
  }
  const pseudo: Record<string, string> = {
    'AWS::Region': region,
    'AWS::AccountId': accountId,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': stackName,
    'AWS::StackId': stackId,
  };
  const resolve = (value: unknown): unknown => resolveIntrinsics(value, names, pseudo);

  if (target.iam) {
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::IAM::Role' && resource.Type !== 'AWS::IAM::Policy') continue;
      const action = { stackName, logicalId: id, type: resource.Type, properties: resolve(resource.Properties ?? {}) as Record<string, unknown> };
      putIam(target.iam, action, accountId, resource.Type === 'AWS::IAM::Role' ? names.get(id)!.arn! : undefined);
    }
  }

  const functionNames = new Map<string, string>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const name = names.get(id)!.ref;
    functionNames.set(id, name);
    registerFunction(target, synthesized.assetDirs, { logicalId: id, name, arn: names.get(id)!.arn!, properties: resolve(resource.Properties) as Record<string, unknown> });
  }
  const stateMachines = new Map<string, StateMachineDefinition>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::StepFunctions::StateMachine') continue;
    const arn = names.get(id)!.arn!;
    stateMachines.set(arn, registerStateMachine(target, arn, resolve(resource.Properties) as Record<string, unknown>));
  }
  const customResources = (resourceType?: string): string[] =>
    Object.entries(template.Resources)
      .filter(([, r]) => (resourceType ? r.Type === resourceType : r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource'))
      .map(([id]) => id);
  return { synthesized, stackName, stackId, resolve, customResources, functionNames, stateMachines };
}

/** A Lambda function of a template, its properties resolved, under the name and ARN the world gave it. */
export interface FunctionResource {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly properties: Record<string, unknown>;
}

/**
 * Puts a template's Lambda function in the Lambda emulator (replacing one of the same name): its code from the
 * cloud assembly's asset directory named by Code.S3Key, its handler, timeout, environment and log group.
 */
export function registerFunction(target: Pick<InstallTarget, 'lambda' | 'cfn'>, assetDirs: ReadonlyMap<string, string>, fn: FunctionResource): void {
  const p = fn.properties;
  const code = p.Code as { S3Key?: string; ZipFile?: string };
  const hash = code.S3Key?.replace(/\.zip$/, '');
  const codeDir = hash ? assetDirs.get(hash) : undefined;
  if (!codeDir) throw new Error(`function ${fn.logicalId}: no unpacked code asset for ${JSON.stringify(code)}`);
  const logging = p.LoggingConfig as { LogGroup?: string } | undefined;
  target.lambda.register({
    name: fn.name,
    arn: fn.arn,
    codeDir,
    handler: String(p.Handler),
    timeoutSeconds: Number(p.Timeout ?? 3),
    memoryMb: Number(p.MemorySize ?? 128),
    runtime: String(p.Runtime),
    logGroupName: logging?.LogGroup ?? `/aws/lambda/${fn.name}`,
    environment: ((p.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ?? {}) as Record<string, string>,
    ...(typeof p.Role === 'string' ? { role: p.Role } : {}),
    onLoad: (load) => routeFrameworkResponses(codeDir, load, target.cfn),
  });
}

/** Puts a template's state machine (its properties resolved) in the Step Functions emulator; returns its definition. */
export function registerStateMachine(target: Pick<InstallTarget, 'stepFunctions'>, arn: string, properties: Record<string, unknown>): StateMachineDefinition {
  const p = properties as { DefinitionString?: string; Definition?: StateMachineDefinition };
  const definition = p.Definition ?? (JSON.parse(String(p.DefinitionString)) as StateMachineDefinition);
  target.stepFunctions.register(arn, definition);
  return definition;
}

/**
 * The one seam: aws-cdk-lib's cfn-response PUTs to the ResponseURL's hostname and path on the default HTTPS
 * port. Route that request to the loopback server's port and trust its certificate; refuse any other host.
 */
function routeFrameworkResponses(codeDir: string, load: (file: string) => Record<string, unknown>, cfn: CfnResponseServer): void {
  let outbound: Record<string, unknown>;
  try {
    load('./cfn-response');
    outbound = load('./outbound');
  } catch {
    return; // not the Provider framework
  }
  const real = outbound.httpRequest as ((options: Record<string, unknown>, body: string) => Promise<void>) | undefined;
  if (typeof real !== 'function') throw new Error(`${codeDir}/outbound.js exports no httpRequest: has aws-cdk-lib's framework changed?`);
  outbound.httpRequest = (options: Record<string, unknown>, body: string) => {
    if (options.hostname !== '127.0.0.1') return Promise.reject(new Error(`offline world: refusing a ResponseURL PUT to ${String(options.hostname)}`));
    return real({ ...options, port: cfn.port, ca: cfn.ca }, body);
  };
}

/**
 * Puts a template's `AWS::IAM::Role` (its trust policy, inline policies and MaxSessionDuration, under `arn`) or
 * `AWS::IAM::Policy` (attached to the roles its `Roles` name, in `accountId`) in the world's IAM.
 */
export function putIam(
  iam: FakeIam,
  resource: { readonly stackName: string; readonly logicalId: string; readonly type: string; readonly properties: Record<string, unknown> },
  accountId: string,
  arn?: string,
): void {
  const p = resource.properties;
  if (resource.type === 'AWS::IAM::Role') {
    const inline = (p.Policies as { PolicyName: string; PolicyDocument: PolicyDocument }[] | undefined) ?? [];
    iam.putRole({
      arn: arn!,
      trust: p.AssumeRolePolicyDocument as PolicyDocument,
      inline: Object.fromEntries(inline.map((policy) => [policy.PolicyName, policy.PolicyDocument])),
      ...(typeof p.MaxSessionDuration === 'number' ? { maxSessionSeconds: p.MaxSessionDuration } : {}),
    });
  } else {
    const roles = ((p.Roles as string[] | undefined) ?? []).map((name) => roleArn('aws', accountId, name));
    iam.putPolicy(policyId(resource), p.PolicyDocument as PolicyDocument, roles);
  }
}

/** The world's IAM id of a template's `AWS::IAM::Policy`. */
export function policyId(resource: { readonly stackName: string; readonly logicalId: string }): string {
  return `${resource.stackName}/${resource.logicalId}`;
}

function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
