/** Synth-time checks shared by the gates. Internal: not exported from the package. */
import { Duration, Stack, Token } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { Construct } from 'constructs';
import { effectiveWaitSeconds, EXTERNAL_ID_RULE, isExternalId, Limits, parseRoleArn, ROLE_ARN_RULE } from './limits';

/**
 * Checks a resource name at synth (skipped for tokens): 1-100 characters matching the APIs' ResourceName
 * pattern. The message names the prop, shows the value and says what is allowed.
 */
export function validateResourceName(prop: string, value: string, isValid: (v: string) => boolean): void {
  if (Token.isUnresolved(value)) return;
  if (!isValid(value)) {
    throw new Error(
      `Invalid ${prop} ${JSON.stringify(value)}: expected ${Limits.nameMinLength}-${Limits.nameMaxLength} characters ` +
        `matching ${Limits.namePattern} (letters, digits, '-' and '_', starting with a letter or digit).`,
    );
  }
}

/** A duration as whole seconds within [min, max]; the message names the prop and shows the value. */
export function wholeSeconds(prop: string, value: Duration | undefined, dflt: number, min: number, max: number): number {
  if (value === undefined) return dflt;
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    throw new Error(`Invalid ${prop} ${value.toHumanString()} (${seconds} s): expected whole seconds from ${min} to ${max}.`);
  }
  return seconds;
}

/**
 * The id of the synth-time warning for a waitTimeout longer than the gate can wait, by which an app acknowledges it:
 * `Annotations.of(scope).acknowledgeWarning(WAIT_TIMEOUT_CAPPED, reason)` on the gate or any scope above it.
 */
export const WAIT_TIMEOUT_CAPPED = 'cdk-git-sync-gate:waitTimeoutCapped';

/**
 * The warning for a waitTimeout that the gate cannot use whole: it answers by itself before CloudFormation's one-hour
 * limit (effectiveWaitSeconds), so a longer waitTimeout is cut short without a word otherwise. Undefined when the
 * gate waits the whole waitTimeout, or when it is an unresolved token (nothing can be said at synth).
 */
export function waitTimeoutCappedWarning(waitTimeoutSeconds: number): string | undefined {
  if (Token.isUnresolved(waitTimeoutSeconds)) return undefined;
  const effective = effectiveWaitSeconds(waitTimeoutSeconds);
  if (effective >= waitTimeoutSeconds) return undefined;
  const human = (seconds: number): string => Duration.seconds(seconds).toHumanString();
  return (
    `waitTimeout ${human(waitTimeoutSeconds)} (${waitTimeoutSeconds} s) is longer than the gate can wait, whatever its ` +
    `pollInterval: it gives up after ${human(effective)} (${effective} s), so that it answers with its own ` +
    "reason before CloudFormation's one-hour limit for a custom resource. Set waitTimeout to at most " +
    `${human(effective)} to say what the gate does, or acknowledge this warning.`
  );
}

/** The partition a region is in, when the region is a literal that aws-cdk-lib's region facts know. */
function partitionOfRegion(region: string | undefined): string | undefined {
  if (region === undefined || Token.isUnresolved(region)) return undefined;
  return RegionInfo.get(region).partition;
}

/**
 * Checks a gate's `readerRole` and `externalId` at synth (each skipped for a token): a role's ARN in the partition of the
 * stack and of the gate's region, and an external id only with a role. Messages name the prop, show the value and
 * say what is allowed.
 */
export function validateReaderRole(scope: Construct, readerRole: iam.IRole | undefined, externalId: string | undefined, region: string | undefined): void {
  if (externalId !== undefined && readerRole === undefined) {
    throw new Error(
      `Invalid externalId ${JSON.stringify(externalId)}: an external id is sent only when the gate assumes a reader role. ` +
        'Set readerRole to the role in the account that owns the sync, or remove externalId.',
    );
  }
  if (externalId !== undefined && !Token.isUnresolved(externalId) && !isExternalId(externalId)) {
    throw new Error(`Invalid externalId ${JSON.stringify(externalId)}: ${EXTERNAL_ID_RULE}.`);
  }
  if (readerRole === undefined || Token.isUnresolved(readerRole.roleArn)) return;
  const arn = readerRole.roleArn;
  const parts = parseRoleArn(arn);
  if (!parts) {
    throw new Error(
      `Invalid readerRole ${JSON.stringify(arn)}: ${ROLE_ARN_RULE}, e.g. iam.Role.fromRoleArn(this, 'Reader', ` +
        "'arn:aws:iam::222222222222:role/sync-gate-reader').",
    );
  }
  const stack = Stack.of(scope);
  const stackPartition = partitionOfRegion(stack.region) ?? (Token.isUnresolved(stack.partition) ? undefined : stack.partition);
  if (stackPartition !== undefined && parts.partition !== stackPartition) {
    throw new Error(
      `Invalid readerRole ${JSON.stringify(arn)}: the role is in partition ${parts.partition}, and stack ${stack.stackName} deploys to ` +
        `${stackPartition}: a role can be assumed only with credentials of its own partition. Name a role in ${stackPartition}.`,
    );
  }
  const regionPartition = partitionOfRegion(region);
  if (regionPartition !== undefined && parts.partition !== regionPartition) {
    throw new Error(
      `Invalid readerRole ${JSON.stringify(arn)}: the role is in partition ${parts.partition}, and the gate's region ${region} is in ` +
        `${regionPartition}: its credentials cannot read there. Name a role in ${regionPartition}, or the region the sync is in.`,
    );
  }
}
