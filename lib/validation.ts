/** Synth-time checks shared by the gates. Internal: not exported from the package. */
import { Duration, Token } from 'aws-cdk-lib';
import { Limits } from './limits';

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
