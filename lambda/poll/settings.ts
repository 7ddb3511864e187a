/**
 * Reads and checks the gate's resource properties. CloudFormation sends every value as a string; the
 * construct validates at synth, and this runs again for tokens resolved at deploy time and for hand-written
 * templates. Errors name the property, show the value and say what is allowed.
 */
import { Prop } from '../../lib/contract';
import { COMMIT_SHA_RULE, isCommitSha, isRegionName, Limits } from '../../lib/limits';
import { GateCriteria } from '../core/decide';
import { invalidProperty } from '../core/errors';
import { ResourceProperties, Subject, SyncSource } from '../sources/source';

export interface GateSettings extends GateCriteria {
  readonly source: SyncSource;
  readonly subject: Subject;
  readonly waitTimeoutMs: number;
  readonly pollIntervalMs: number;
}

function bool(props: ResourceProperties, prop: string, dflt: boolean): boolean {
  const v = props?.[prop];
  if (v === undefined) return dflt;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw invalidProperty(prop, v, 'expected "true" or "false"');
}

function seconds(props: ResourceProperties, prop: string, dflt: number, min: number, max: number): number {
  const v = props?.[prop];
  if (v === undefined) return dflt;
  // Whole seconds as the construct writes them: digits only, no sign, exponent, fraction, spaces or leading zeros.
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^(0|[1-9]\d*)$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw invalidProperty(prop, v, `expected a whole number of seconds from ${min} to ${max}`);
  }
  return n;
}

/** The one source whose identifying property is present. */
function sourceOf(props: ResourceProperties, sources: readonly SyncSource[]): SyncSource {
  const present = sources.filter((s) => props?.[s.identifyingProp] !== undefined);
  if (present.length === 1) return present[0];
  const names = sources.map((s) => s.identifyingProp).join(' or ');
  throw invalidProperty(
    present.length === 0 ? names : present.map((s) => s.identifyingProp).join(' and '),
    present.length === 0 ? undefined : Object.fromEntries(present.map((s) => [s.identifyingProp, props?.[s.identifyingProp]])),
    `a gate needs exactly one of ${names}, which say what it watches`,
  );
}

/** Parses the resource properties; `defaultRegion` is the handler's own region. */
export function parseSettings(props: ResourceProperties, defaultRegion: string, sources: readonly SyncSource[]): GateSettings {
  const source = sourceOf(props, sources);
  const regionValue = props?.[Prop.Region];
  if (regionValue !== undefined && (typeof regionValue !== 'string' || !isRegionName(regionValue))) {
    throw invalidProperty(Prop.Region, regionValue, 'expected an AWS region name such as us-east-1');
  }
  const subject = source.parseSubject(props, (regionValue as string | undefined) ?? defaultRegion);
  const expected = props?.[Prop.ExpectedSha];
  if (expected !== undefined && !isCommitSha(expected)) {
    throw invalidProperty(Prop.ExpectedSha, expected, COMMIT_SHA_RULE);
  }
  const requireSuccess = bool(props, Prop.RequireSuccess, true);
  return {
    source,
    subject,
    requireSuccess,
    expectedSha: expected as string | undefined,
    waitTimeoutMs:
      1000 * seconds(props, Prop.WaitTimeoutSeconds, Limits.defaultWaitTimeoutSeconds, 0, Limits.maxWaitTimeoutSeconds),
    pollIntervalMs:
      1000 *
      seconds(props, Prop.PollIntervalSeconds, Limits.defaultPollIntervalSeconds, Limits.minPollIntervalSeconds, Limits.maxPollIntervalSeconds),
  };
}
