/**
 * cdk-nag (AwsSolutions pack) acknowledgements for the resources of one sync-gate provider, so that users who
 * run cdk-nag on their own stacks see no findings from this library.
 *
 * It uses aws-cdk-lib's own `Validations.of(x).acknowledge()`, which cdk-nag v3 reads (on aws-cdk-lib before
 * 2.252.0, cdk-nag v2's `cdk_nag` metadata instead; see acknowledge), so cdk-nag is not a
 * dependency of the library. Every acknowledgement sits on the one CloudFormation resource it is about and names
 * the exact finding (for IAM5, the exact wildcard resource), never a whole rule on a whole scope. Internal: not
 * exported from the package.
 */
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';

/** Framework functions (ids inside cr.Provider) that the waiter state machine invokes. */
const WAITER_INVOKES = ['framework-isComplete', 'framework-onTimeout'];

/** The CloudFormation metadata key cdk-nag v2 reads its resource suppressions from (see acknowledge). */
const NAG_V2_METADATA = 'cdk_nag';

export interface ProviderNagProps {
  /** The role of the handler that reads the sources (its source grants are acknowledged by acknowledgeSourceReads). */
  readonly isCompleteRole: iam.Role;
  /** The user handlers (onEvent, isComplete) that the framework functions invoke. */
  readonly userFunctions: lambda.Function[];
  /** aws-cdk-lib's Provider, whose framework resources are acknowledged here. */
  readonly provider: cr.Provider;
}

/** Acknowledges the AwsSolutions findings of one provider that are by design; see each reason. */
export function acknowledgeProviderNagFindings(props: ProviderNagProps): void {
  const { userFunctions, provider } = props;
  const frameworkFunctions = provider.node.findAll().filter((c): c is lambda.Function => c instanceof lambda.Function);

  for (const fn of userFunctions) acknowledgeRuntime(fn, handlerRuntimeReason(fn.runtime.name));
  for (const fn of frameworkFunctions) acknowledgeRuntime(fn, FRAMEWORK_RUNTIME_REASON);

  // Framework functions may share a role (the gate gives isComplete and onTimeout one): acknowledge each once.
  const seen = new Set<iam.Role>();
  for (const fn of frameworkFunctions) {
    const role = fn.role;
    if (!(role instanceof iam.Role) || seen.has(role)) continue;
    seen.add(role);
    const policy = defaultPolicyOf(role);
    if (policy) acknowledgeInvoke(policy, userFunctions, fn.node.id);
  }

  for (const machine of provider.node.findAll().filter((c): c is sfn.CfnStateMachine => c instanceof sfn.CfnStateMachine)) {
    acknowledge(machine, 'AwsSolutions-SF1',
      "Waiter state machine of aws-cdk-lib's Provider framework: it only calls the framework isComplete function " +
        'every poll interval and then onTimeout. Every poll is already logged by the gate handler (one line per ' +
        'poll) and the framework functions, and Step Functions keeps the execution history for 90 days; ALL-level ' +
        "logging would duplicate that and needs log-delivery permissions on Resource '*'.");
    acknowledge(machine, 'AwsSolutions-SF2',
      "Waiter state machine of aws-cdk-lib's Provider framework, which offers no tracing option. Its two states " +
        "only invoke framework functions; X-Ray would need xray:Put* on Resource '*' and a trace per poll without " +
        "adding to the gate handler's per-poll log lines.");
    const waiterRole = machine.node.scope?.node.tryFindChild('Role');
    if (waiterRole instanceof iam.Role) {
      const invoked = WAITER_INVOKES.map((id) => provider.node.tryFindChild(id)).filter(
        (c): c is lambda.Function => c instanceof lambda.Function,
      );
      const policy = defaultPolicyOf(waiterRole);
      if (policy) acknowledgeInvoke(policy, invoked, 'waiter state machine');
    }
  }
}

/**
 * AwsSolutions-L1 (the function does not run the newest runtime of its family, as aws-cdk-lib lists them) is
 * acknowledged on every function of the provider, whether or not it fires with the aws-cdk-lib at hand: it fires
 * on all five with aws-cdk-lib 2.278.0 (which lists nodejs26.x), and on aws-cdk-lib releases that pick the
 * framework's runtime per region through a template mapping cdk-nag cannot evaluate it (a CdkNagValidationFailure,
 * which the same acknowledgement covers). An acknowledgement of a finding that does not occur changes nothing.
 */
const RUNTIME_FINDING = 'AwsSolutions-L1';

/** Why the gate's own handlers run HANDLER_NODE_MAJOR's runtime and not the newest one. */
function handlerRuntimeReason(runtime: string): string {
  return (
    `The gate's handler runs ${runtime} on purpose: its bundle, shipped prebuilt in the package, is built for and ` +
    'tested on exactly that Node.js version, so a newer Lambda runtime comes with a release of cdk-git-sync-gate that ' +
    'builds and tests the bundle for it, not with the aws-cdk-lib an app happens to use.'
  );
}

const FRAMEWORK_RUNTIME_REASON =
  "Function of aws-cdk-lib's Provider framework, whose runtime aws-cdk-lib chooses (the Provider has no runtime " +
  'option; some releases pick it per region through a template mapping). It moves to a newer Node.js when ' +
  "aws-cdk-lib does; overriding it would run the framework's code on a runtime aws-cdk-lib has not tested it on.";

/** Acknowledges AwsSolutions-L1 on one function's CloudFormation resource. */
function acknowledgeRuntime(fn: lambda.Function, reason: string): void {
  const cfnFunction = fn.node.defaultChild;
  if (cfnFunction instanceof lambda.CfnFunction) acknowledge(cfnFunction, RUNTIME_FINDING, reason);
}

const SOURCE_READS_FINDING = 'AwsSolutions-IAM5[Resource::*]';

/**
 * Acknowledges Resource '*' on a role's policy that allows the sources' read actions, naming exactly the actions
 * granted so far: the isComplete role (the provider calls it on every new source grant: the first call acknowledges,
 * later ones reword that same acknowledgement, one finding, one acknowledgement, whose reason lists every action it
 * covers), or a SyncStatusReaderRole (`holder` says which role it is and who may use it).
 */
export function acknowledgeSourceReads(
  role: iam.Role,
  actions: readonly string[],
  holder = 'the sources this stack has gates for) are allowed on the role of the isComplete handler alone',
): void {
  const policy = defaultPolicyOf(role);
  if (!policy) return;
  const reason =
    `${actions.join(', ')} support no resource-level permissions and no condition keys (AWS Service Authorization ` +
    "Reference), so IAM accepts only Resource '*' for them. These read-only actions (sync status, sync blockers and Git sync configuration " +
    `of ${holder}.`;
  if (!rewordAcknowledgement(policy, SOURCE_READS_FINDING, reason)) acknowledge(policy, SOURCE_READS_FINDING, reason);
}

/**
 * Rewords an acknowledgement already on `resource`, wherever acknowledge() wrote it: Validations keeps it as a
 * construct metadata entry { [qualified id]: reason }, the cdk-nag v2 fallback as a rule with `applies_to` in the
 * resource's CloudFormation metadata. False when there is none yet.
 */
function rewordAcknowledgement(resource: CfnResource, id: string, reason: string): boolean {
  if (hasValidations()) {
    for (const entry of resource.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      const data = entry.data as Record<string, string>;
      const key = Object.keys(data).find((k) => k.replace(/^annotation::/i, '') === id);
      if (key !== undefined) {
        data[key] = reason;
        return true;
      }
    }
    return false;
  }
  const { rule, finding } = parseFindingId(id);
  const match = nagV2Rules(resource).find((r) => r.id === rule && (finding === undefined || r.applies_to?.includes(finding)));
  if (match) match.reason = reason;
  return match !== undefined;
}

/**
 * aws-cdk-lib's `grantInvoke` allows lambda:InvokeFunction on the function and on `<arn>:*` (its versions and
 * aliases); cdk-nag reports the latter as a wildcard. Acknowledges exactly that resource for each function.
 */
function acknowledgeInvoke(policy: CfnResource, functions: lambda.Function[], caller: string): void {
  for (const fn of functions) {
    const cfnFunction = fn.node.defaultChild;
    if (!(cfnFunction instanceof lambda.CfnFunction)) continue;
    const logicalId = Stack.of(cfnFunction).getLogicalId(cfnFunction);
    acknowledge(policy, `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
      `Granted by aws-cdk-lib's Provider framework (grantInvoke) so that its ${caller} can call the ${fn.node.id} ` +
        "function: lambda:InvokeFunction on that one function of this stack, where ':*' covers only its versions " +
        'and aliases. No other function can be invoked.');
  }
}

/**
 * Records one acknowledgement. aws-cdk-lib added `Validations.of(x).acknowledge()` in 2.252.0; on older releases
 * (within the peer-dependency range, where only cdk-nag v2 installs) it writes what cdk-nag v2's
 * `NagSuppressions.addResourceSuppressions` writes instead: the resource's `cdk_nag` metadata, with the finding of
 * a granular id (`AwsSolutions-IAM5[Resource::*]`) in `applies_to`.
 */
function acknowledge(resource: CfnResource, id: string, reason: string): void {
  if (hasValidations()) {
    Validations.of(resource).acknowledge({ id, reason });
    return;
  }
  const { rule, finding } = parseFindingId(id);
  resource.addMetadata(NAG_V2_METADATA, {
    rules_to_suppress: [...nagV2Rules(resource), finding === undefined ? { id: rule, reason } : { id: rule, reason, applies_to: [finding] }],
  });
}

/** aws-cdk-lib 2.252.0 and later: `Validations.of(x).acknowledge()` exists. */
function hasValidations(): boolean {
  return (Validations as typeof Validations | undefined) !== undefined;
}

interface NagV2Rule {
  readonly id: string;
  reason: string;
  readonly applies_to?: string[];
}

/** The cdk-nag v2 suppressions already in the resource's CloudFormation metadata (the live objects). */
function nagV2Rules(resource: CfnResource): NagV2Rule[] {
  return (resource.getMetadata(NAG_V2_METADATA) as { rules_to_suppress?: NagV2Rule[] } | undefined)?.rules_to_suppress ?? [];
}

/** `AwsSolutions-IAM5[Resource::*]` is rule `AwsSolutions-IAM5` and finding `Resource::*`; a plain id has no finding. */
function parseFindingId(id: string): { rule: string; finding?: string } {
  const match = /^([^[]+)\[(.+)\]$/.exec(id);
  return match ? { rule: match[1], finding: match[2] } : { rule: id };
}

function defaultPolicyOf(role: iam.Role): CfnResource | undefined {
  const policy = role.node.tryFindChild('DefaultPolicy');
  const cfn = policy?.node.defaultChild;
  return cfn instanceof CfnResource ? cfn : undefined;
}
