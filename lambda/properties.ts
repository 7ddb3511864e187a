/**
 * Reads and checks the gate's resource properties. CloudFormation sends every value as a string; the
 * construct validates at synth, and this runs again for tokens resolved at deploy time and for hand-written
 * templates. Errors name the property, show the value and say what is allowed.
 */
import { isProtonName, isRegionName, Limits, Prop } from '../lib/contract';
import { GateCriteria } from './decide';
import { SyncGateError } from './errors';
import { Subject } from './response';

export interface GateSettings extends GateCriteria {
  readonly subject: Subject;
  readonly waitTimeoutMs: number;
  readonly pollIntervalMs: number;
}

type Props = Record<string, unknown> | undefined;

function invalid(prop: string, value: unknown, allowed: string): SyncGateError {
  return new SyncGateError(`Invalid ${prop} ${JSON.stringify(value)}: ${allowed}. Fix the gate's props and deploy again.`);
}

function name(props: Props, prop: string): string {
  const v = props?.[prop];
  if (typeof v !== 'string' || !isProtonName(v)) {
    throw invalid(prop, v, `expected ${Limits.nameMinLength}-${Limits.nameMaxLength} characters matching ${Limits.namePattern}`);
  }
  return v;
}

function bool(props: Props, prop: string, dflt: boolean): boolean {
  const v = props?.[prop];
  if (v === undefined) return dflt;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw invalid(prop, v, 'expected "true" or "false"');
}

function seconds(props: Props, prop: string, dflt: number, min: number, max: number): number {
  const v = props?.[prop];
  if (v === undefined) return dflt;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw invalid(prop, v, `expected a whole number of seconds from ${min} to ${max}`);
  }
  return n;
}

/** Parses the resource properties; `defaultRegion` is the handler's own region. */
export function parseSettings(props: Props, defaultRegion: string): GateSettings {
  const serviceName = name(props, Prop.ServiceName);
  const serviceInstanceName = name(props, Prop.ServiceInstanceName);
  const regionValue = props?.[Prop.Region];
  if (regionValue !== undefined && (typeof regionValue !== 'string' || !isRegionName(regionValue))) {
    throw invalid(Prop.Region, regionValue, 'expected an AWS region name such as us-east-1');
  }
  const expected = props?.[Prop.ExpectedSha];
  if (expected !== undefined && (typeof expected !== 'string' || expected.length < 1 || expected.length > Limits.shaMaxLength)) {
    throw invalid(Prop.ExpectedSha, expected, `expected a commit sha of 1-${Limits.shaMaxLength} characters`);
  }
  const requireSuccess = bool(props, Prop.RequireSuccess, true);
  return {
    subject: { serviceName, serviceInstanceName, region: (regionValue as string | undefined) ?? defaultRegion },
    requireSuccess,
    expectedSha: expected as string | undefined,
    waitTimeoutMs:
      1000 * seconds(props, Prop.WaitTimeoutSeconds, Limits.defaultWaitTimeoutSeconds, 0, Limits.maxWaitTimeoutSeconds),
    pollIntervalMs:
      1000 *
      seconds(props, Prop.PollIntervalSeconds, Limits.defaultPollIntervalSeconds, Limits.minPollIntervalSeconds, Limits.maxPollIntervalSeconds),
  };
}

/** Stable per instance and region: changing the service, instance or region replaces the resource. */
export function physicalResourceId(s: Subject): string {
  return `proton:${s.region}:${s.serviceName}/${s.serviceInstanceName}`;
}
