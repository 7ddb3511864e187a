/** Synth-time checks shared by the gates. Internal: not exported from the package. */
import { Duration, Token } from 'aws-cdk-lib';
import { effectiveWaitSeconds, Limits } from './limits';

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
