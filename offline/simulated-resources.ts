/**
 * The resources of a template other than custom resources and nested stacks, simulated simply for
 * {@link StackDeployment}: Lambda functions and state machines are installed in the world's emulators (so that a
 * custom resource's ServiceToken reaches the code of the template that deployed it), roles and policies go to the
 * world's IAM (when it has one), logs and anything else succeed with a physical name, and an `AWS::SSM::Parameter`
 * refuses an empty value as SSM does.
 *
 * Physical names follow CloudFormation's pattern for resources without an explicit name: the stack name, the
 * logical id and a random suffix, shortened to fit the type's limits (Lambda function names: 64 characters).
 */
import { randomBytes } from 'crypto';
import { roleArn } from './fake-iam';
import { InstallTarget, policyId, putIam, registerFunction, registerStateMachine } from './install-stack';

/** One resource operation CloudFormation makes on a resource of a stack. */
export interface ResourceAction {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  readonly requestType: 'Create' | 'Update' | 'Delete';
  /** Resolved properties: the new ones for Create and Update, the resource's own for Delete. */
  readonly properties: Record<string, unknown>;
  /** The physical id of the resource for Update and Delete. */
  readonly physicalId?: string;
}

/** What a resource is after a Create or Update: what Ref and Fn::GetAtt give. */
export interface ResourceIdentity {
  readonly physicalId: string;
  readonly arn?: string;
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/** A resource operation that failed, with the reason CloudFormation shows in the resource's event. */
export class ResourceFailure extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ResourceFailure';
  }
}

/**
 * Properties whose change replaces the resource (a new physical resource is created and the old one deleted in the
 * cleanup phase): "Update requires: Replacement" in each type's page of the CloudFormation Template Reference.
 */
const REPLACING_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'AWS::SSM::Parameter': ['Name'],
  'AWS::Lambda::Function': ['FunctionName'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::IAM::Role': ['RoleName', 'Path'],
  'AWS::StepFunctions::StateMachine': ['StateMachineName'],
};

/** Whether updating `type` from `before` to `after` replaces the physical resource. */
export function needsReplacement(type: string, before: Record<string, unknown>, after: Record<string, unknown>): boolean {
  return (REPLACING_PROPERTIES[type] ?? []).some((p) => JSON.stringify(before[p]) !== JSON.stringify(after[p]));
}

/** Where simulated resources live: the world's emulators, its account and region, the assembly's code assets. */
export interface SimulationTarget extends Pick<InstallTarget, 'lambda' | 'stepFunctions' | 'cfn' | 'region' | 'accountId' | 'iam'> {
  readonly assetDirs: ReadonlyMap<string, string>;
}

/** Applies a Create, Update or Delete of a simulated resource; throws {@link ResourceFailure} as the type would fail. */
export function applySimulated(action: ResourceAction, target: SimulationTarget): ResourceIdentity {
  const { region, accountId } = target;
  const p = action.properties;
  if (action.requestType === 'Delete') {
    if (action.type === 'AWS::IAM::Role') target.iam?.deleteRole(roleArn('aws', accountId, action.physicalId!, String(p.Path ?? '/')));
    if (action.type === 'AWS::IAM::Policy') target.iam?.deletePolicy(policyId(action));
    return { physicalId: action.physicalId! };
  }
  const name = (explicit: unknown, max = 64): string => (typeof explicit === 'string' && explicit !== '' ? explicit : action.physicalId ?? generatedName(action, max));
  switch (action.type) {
    case 'AWS::Lambda::Function': {
      const fn = name(p.FunctionName);
      const arn = `arn:aws:lambda:${region}:${accountId}:function:${fn}`;
      try {
        registerFunction(target, target.assetDirs, { logicalId: action.logicalId, name: fn, arn, properties: p });
      } catch (e) {
        throw new ResourceFailure(`Resource handler returned message: "${(e as Error).message}"`);
      }
      return { physicalId: fn, arn };
    }
    case 'AWS::StepFunctions::StateMachine': {
      const machine = name(p.StateMachineName, 80);
      const arn = action.physicalId ?? `arn:aws:states:${region}:${accountId}:stateMachine:${machine}`;
      registerStateMachine(target, arn, p);
      return { physicalId: arn, arn, attributes: { Name: arn.split(':').pop() } };
    }
    case 'AWS::IAM::Role': {
      const role = name(p.RoleName);
      const arn = roleArn('aws', accountId, role, String(p.Path ?? '/'));
      if (target.iam) putIam(target.iam, action, accountId, arn);
      return { physicalId: role, arn };
    }
    case 'AWS::IAM::Policy':
      if (target.iam) putIam(target.iam, action, accountId);
      return { physicalId: action.physicalId ?? generatedName(action, 128) };
    case 'AWS::Logs::LogGroup': {
      const group = name(p.LogGroupName, 512);
      return { physicalId: group, arn: `arn:aws:logs:${region}:${accountId}:log-group:${group}:*` };
    }
    case 'AWS::SSM::Parameter': {
      // SSM's PutParameter requires a Value of at least one character (API Reference, PutParameter: Value, Length
      // Constraints); CloudFormation reports the service's validation error as the resource's reason.
      if (typeof p.Value !== 'string' || p.Value.length === 0) {
        throw new ResourceFailure(
          `Resource handler returned message: "1 validation error detected: Value '' at 'value' failed to satisfy constraint: ` +
            'Member must have length greater than or equal to 1 (Service: Ssm, Status Code: 400)" (HandlerErrorCode: InvalidRequest)',
        );
      }
      const parameter = name(p.Name, 128);
      return { physicalId: parameter, attributes: { Type: p.Type, Value: p.Value } };
    }
    default:
      return { physicalId: action.physicalId ?? generatedName(action, 128) };
  }
}

/** `<stack>-<logicalId>-<RANDOM>`, shortened to `max` characters as CloudFormation shortens generated names. */
function generatedName(action: ResourceAction, max: number): string {
  const suffix = randomBytes(6).toString('hex').toUpperCase();
  const room = max - suffix.length - 2;
  const stack = action.stackName.slice(0, Math.floor(room / 3));
  return `${stack}-${action.logicalId.slice(0, room - stack.length)}-${suffix}`;
}
