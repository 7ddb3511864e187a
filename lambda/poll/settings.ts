/**
 * Reads and checks the gate's resource properties. CloudFormation sends every value as a string; the
 * construct validates at synth, and this runs again for tokens resolved at deploy time and for hand-written
 * templates. Errors name the property, show the value and say what is allowed.
 */
import { Prop } from '../../lib/contract';
import { COMMIT_SHA_RULE, EXTERNAL_ID_RULE, isCommitSha, isExternalId, isRegionName, Limits, parseRoleArn, ROLE_ARN_RULE } from '../../lib/limits';
import { ReadLocation } from '../core/attributes';
import { GateCriteria } from '../core/decide';
import { invalidProperty } from '../core/errors';
import { ReaderRole, ResourceProperties, Subject, SyncSource } from '../sources/source';

export interface GateSettings extends GateCriteria {
  readonly source: SyncSource;
  readonly subject: Subject;
  /** The account and region whose sync status is read (the SyncAccount and SyncRegion attributes). */
  readonly location: ReadLocation;
  readonly waitTimeoutMs: number;
  readonly pollIntervalMs: number;
}

/** The prefix of every reader role session's name, which CloudTrail shows in the role owner's account. */
export const SESSION_NAME_PREFIX = 'cdk-git-sync-gate-';

/**
 * The name of the gate's reader role sessions: `cdk-git-sync-gate-<stack>` for a gate (its stack's name, from the
 * stack id), `cdk-git-sync-gate-check` for the check command; within STS's RoleSessionName (2-64 of `[\w+=,.@-]`).
 */
export function readerSessionName(stackId?: string): string {
  const stack = stackId === undefined ? 'check' : (/:stack\/([^/]+)\//.exec(stackId)?.[1] ?? 'stack');
  return `${SESSION_NAME_PREFIX}${stack.replace(/[^\w+=,.@-]/g, '-')}`.slice(0, 64);
}

/** The parts of a stack id (arn:partition:cloudformation:region:account:stack/name/uuid) that say where it is. */
function stackHome(stackId: string | undefined): { partition?: string; account?: string } {
  const [arn, partition, , , account] = stackId?.split(':') ?? [];
  return arn === 'arn' ? { partition, account } : {};
}

/** The reader role of the properties, if they name one; throws invalidProperty naming the property. */
function readerRole(props: ResourceProperties, stackId: string | undefined): ReaderRole | undefined {
  const arn = props?.[Prop.ReaderRoleArn];
  const externalId = props?.[Prop.ReaderRoleExternalId];
  if (arn === undefined) {
    if (externalId !== undefined) {
      throw invalidProperty(Prop.ReaderRoleExternalId, externalId, `an external id goes with a reader role, and ${Prop.ReaderRoleArn} names none: set both or neither`);
    }
    return undefined;
  }
  const parts = parseRoleArn(arn);
  if (!parts) throw invalidProperty(Prop.ReaderRoleArn, arn, ROLE_ARN_RULE);
  const home = stackHome(stackId);
  if (home.partition !== undefined && parts.partition !== home.partition) {
    throw invalidProperty(
      Prop.ReaderRoleArn,
      arn,
      `expected a role in the partition of the gate's stack (${home.partition}): credentials of one partition cannot assume a role of another`,
    );
  }
  if (externalId !== undefined && !isExternalId(externalId)) throw invalidProperty(Prop.ReaderRoleExternalId, externalId, EXTERNAL_ID_RULE);
  return {
    roleArn: arn as string,
    partition: parts.partition,
    account: parts.account,
    ...(externalId === undefined ? {} : { externalId: externalId as string }),
    sessionName: readerSessionName(stackId),
  };
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

/**
 * Parses the resource properties; `defaultRegion` is the handler's own region. `stackId` is the gate's stack (absent
 * for the check command): a reader role must be in its partition, the role's sessions are named after it, and the
 * status is read in its account when no reader role is named.
 */
export function parseSettings(props: ResourceProperties, defaultRegion: string, sources: readonly SyncSource[], stackId?: string): GateSettings {
  const source = sourceOf(props, sources);
  const regionValue = props?.[Prop.Region];
  if (regionValue !== undefined && (typeof regionValue !== 'string' || !isRegionName(regionValue))) {
    throw invalidProperty(Prop.Region, regionValue, 'expected an AWS region name such as us-east-1');
  }
  const role = readerRole(props, stackId);
  const parsed = source.parseSubject(props, (regionValue as string | undefined) ?? defaultRegion);
  const subject: Subject = role ? { ...parsed, readerRole: role } : parsed;
  const expected = props?.[Prop.ExpectedSha];
  if (expected !== undefined && !isCommitSha(expected)) {
    throw invalidProperty(Prop.ExpectedSha, expected, COMMIT_SHA_RULE);
  }
  const requireSuccess = bool(props, Prop.RequireSuccess, true);
  return {
    source,
    subject,
    location: { account: role?.account ?? stackHome(stackId).account ?? '', region: subject.region },
    requireSuccess,
    expectedSha: expected as string | undefined,
    waitTimeoutMs:
      1000 * seconds(props, Prop.WaitTimeoutSeconds, Limits.defaultWaitTimeoutSeconds, 0, Limits.maxWaitTimeoutSeconds),
    pollIntervalMs:
      1000 *
      seconds(props, Prop.PollIntervalSeconds, Limits.defaultPollIntervalSeconds, Limits.minPollIntervalSeconds, Limits.maxPollIntervalSeconds),
  };
}
