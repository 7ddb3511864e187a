/**
 * Reading a sync status through a role in the account that owns the sync (a gate's `readerRole`, the check's
 * `--role-arn`): the role's temporary credentials from STS AssumeRole, kept and refreshed by the SDK's own identity
 * cache, and the reasons that say why they could not be had and what to do.
 *
 * The SDK's cache (`memoizeIdentityProvider` with `isIdentityExpired`, what every SDK client wraps its credentials
 * in) keeps the credentials for the life of the execution environment and assumes the role again when they are
 * within 5 minutes of their expiry; a failed AssumeRole is not cached. A new execution environment simply assumes
 * the role again: one STS call, never another verdict.
 *
 * A reader through a role resolves the credentials itself, before each read, with the poll's abort signal: an
 * AssumeRole failure is explained here once (SyncGateError, `transient` as readSdkFailure says for every read), and
 * the source's client, which signs with the same cache, never retries it as if the source had answered.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from '@smithy/core';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, RetryStrategyV2 } from '@smithy/types';
import { CallBudget } from '../../lib/limits';
import { boundedClientConfig, ClientBudget, standardRetry } from '../client-config';
import { SyncGateError } from '../core/errors';
import { ReasonSubject } from '../core/reasons';
import { readSdkFailure } from './sdk-errors';
import { ReaderRole, SourceReader, Subject, SyncSource } from './source';

/**
 * Attempts of one AssumeRole (the SDK's standard mode, throttling and 5xx retried with its backoff): someone waits for
 * it, and it shares the poll's source-call budget with the status read that follows.
 */
export const ASSUME_ROLE_MAX_ATTEMPTS = 3;

/** A role's credentials, cached and refreshed by the SDK. */
export interface RoleCredentials {
  readonly role: ReaderRole;
  /** What the source's client signs with: the same cache. */
  readonly provider: AwsCredentialIdentityProvider;
  /** The credentials, from the cache or from a new AssumeRole (aborted by `signal`); throws what the SDK threw. */
  resolve(signal?: AbortSignal): Promise<AwsCredentialIdentity>;
}

/**
 * An STS client for the role's AssumeRole calls, in `region` (the handler's own region, where STS is always
 * reachable for its account), bounded like every client of the handler and signing with the default credentials.
 */
export function createStsClient(
  region: string,
  budget: ClientBudget = CallBudget,
  retry: RetryStrategyV2 = standardRetry(Math.min(ASSUME_ROLE_MAX_ATTEMPTS, budget.maxAttempts)),
): STSClient {
  return new STSClient(boundedClientConfig(region, retry, budget));
}

/**
 * The role's credentials: AssumeRole with the role's session name and external id, through `sts`, cached for the
 * life of the returned object (keep one per role and external id) and refreshed before they expire.
 */
export function roleCredentials(role: ReaderRole, sts: STSClient): RoleCredentials {
  const assume = async (options?: { abortSignal?: AbortSignal }): Promise<AwsCredentialIdentity> => {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: role.roleArn,
        RoleSessionName: role.sessionName,
        ...(role.externalId === undefined ? {} : { ExternalId: role.externalId }),
      }),
      { abortSignal: options?.abortSignal },
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`STS answered AssumeRole of ${role.roleArn} without credentials`);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
      accountId: role.account,
    };
  };
  // The SDK's identity cache: refreshed when within 5 minutes of expiry; marked memoized, so that a client given it
  // uses it as it is rather than caching it again.
  const cache = Object.assign(memoizeIdentityProvider(assume, isIdentityExpired, doesIdentityRequireRefresh)!, { memoized: true });
  return {
    role,
    provider: cache as AwsCredentialIdentityProvider,
    resolve: (signal) => cache(signal ? { abortSignal: signal } : undefined),
  };
}

/**
 * `reader`, whose client signs with `credentials.provider`, made to get the credentials before each read: when they
 * cannot be had, the status read throws the explained failure (`describe` names the subject the way the source's
 * reasons do) and the blocker read reports it, as any failed blocker read.
 */
export function readThroughRole<S extends Subject>(
  reader: SourceReader<S>,
  credentials: RoleCredentials,
  describe: (subject: S) => ReasonSubject,
  stsRegion: string,
): SourceReader<S> {
  const explained = async (subject: S, signal?: AbortSignal): Promise<SyncGateError | undefined> => {
    try {
      await credentials.resolve(signal);
      return undefined;
    } catch (e) {
      return explainAssumeRoleFailure(e, credentials.role, describe(subject), stsRegion);
    }
  };
  return {
    readStatus: async (subject, signal) => {
      const failure = await explained(subject, signal);
      if (failure) throw failure;
      return reader.readStatus(subject, signal);
    },
    readBlockers: async (subject, signal) => {
      const failure = await explained(subject, signal);
      if (failure) return { blockers: [], errors: [`Reading the sync blockers needs the reader role's credentials: ${failure.message}`] };
      return reader.readBlockers(subject, signal);
    },
    ...(reader.explainExpectedNotDesired && {
      explainExpectedNotDesired: async (subject: S, expectedSha: string, signal?: AbortSignal) => {
        const failure = await explained(subject, signal);
        if (failure) return `The sync configuration could not be read without the reader role's credentials: ${failure.message}`;
        return reader.explainExpectedNotDesired!(subject, expectedSha, signal);
      },
    }),
  };
}

/** The caller STS names in an AccessDenied (`User: <arn> is not authorized ...`), if it names one. */
export function callerOf(message: string): string | undefined {
  return /\bUser: (arn:\S+) is not authorized/.exec(message)?.[1];
}

/**
 * The IAM role behind a caller's ARN: `arn:aws:sts::111111111111:assumed-role/Name/session` is the role
 * `arn:aws:iam::111111111111:role/Name` (a session ARN drops the role's path); any other ARN is itself.
 */
export function principalOf(caller: string): { arn: string; account?: string } {
  const session = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(caller);
  if (session) return { arn: `arn:${session[1]}:iam::${session[2]}:role/${session[3]}`, account: session[2] };
  return { arn: caller, account: /^arn:[\w-]+:[\w-]+::(\d{12}):/.exec(caller)?.[1] };
}

/**
 * The statement the role's owner adds to its trust policy so that `principalArn` (in `account`) may assume it, with
 * the external id when the gate sends one: the account as principal and the role named by `aws:PrincipalArn`, so
 * that the statement stays valid when the caller's role is replaced (a role principal would turn into its unique id).
 */
export function trustStatement(account: string | undefined, partition: string, principalArn: string | undefined, externalId?: string): string {
  const statement = {
    Effect: 'Allow',
    Principal: { AWS: `arn:${partition}:iam::${account ?? '<your account>'}:root` },
    Action: 'sts:AssumeRole',
    ...(principalArn || externalId
      ? {
          Condition: {
            ...(principalArn ? { ArnEquals: { 'aws:PrincipalArn': principalArn } } : {}),
            ...(externalId ? { StringEquals: { 'sts:ExternalId': externalId } } : {}),
          },
        }
      : {}),
  };
  return JSON.stringify(statement);
}

/**
 * Turns a failed AssumeRole into a SyncGateError that says which role, for which read, what STS answered and what to
 * do. Access denied (a trust policy that does not name the caller, a role that does not exist, a missing or wrong
 * external id: STS answers all of them alike) fails at once with the statement to add; throttling and 5xx may pass
 * and wait, as any read; the rest fail at once.
 */
export function explainAssumeRoleFailure(error: unknown, role: ReaderRole, subject: ReasonSubject, stsRegion: string): SyncGateError {
  const failure = readSdkFailure(error);
  const { name, message, httpStatus, afterAttempts } = failure;
  const what = `Could not assume the reader role ${role.roleArn} to read the ${subject.source} status of ${subject.description}`;
  const seen = `(${httpStatus ? `HTTP ${httpStatus} ` : ''}${name}: ${message})`;
  let text: string;
  if (name === 'AccessDenied' || name === 'AccessDeniedException') {
    const caller = callerOf(message);
    const principal = caller ? principalOf(caller) : undefined;
    const who = principal ? `the caller ${principal.arn}` : "the handler role (the gate's isComplete function's role)";
    text =
      `${what} ${seen}. The role's trust policy does not let ${who} assume it${role.externalId === undefined ? '' : ' with the external id the gate sends'}, ` +
      `or the role does not exist. In account ${role.account}, add this statement to the role's trust policy (or deploy SyncStatusReaderRole ` +
      `there with trustedAccount ${principal?.account ?? "the gate's account"}): ${trustStatement(principal?.account, role.partition, principal?.arn, role.externalId)}. ` +
      (role.externalId === undefined
        ? "If the role's owner requires an external id (a condition on sts:ExternalId), set the gate's externalId to it. "
        : "Check that the gate's externalId is the one the trust policy requires. ") +
      `Also check that no SCP or permissions boundary denies ${principal ? 'that role' : 'the handler role'} sts:AssumeRole on ${role.roleArn}.`;
  } else if (name === 'ExpiredTokenException' || name === 'ExpiredToken') {
    text =
      `${what} ${seen}: the credentials the handler signed with have expired. Lambda gives every invocation fresh ones of the ` +
      'execution role: deploy again.';
  } else if (name === 'RegionDisabledException') {
    text =
      `${what} ${seen}: STS is not activated in ${stsRegion} for the caller's account. Activate it in that account's IAM ` +
      'account settings (Security Token Service (STS), Endpoints), then deploy again.';
  } else if (failure.transient) {
    text =
      `${what}: STS kept answering ${name}${afterAttempts} ${seen}. STS in ${stsRegion} is busy or throttling AssumeRole for the account; ` +
      'a later poll asks again. If it persists, check AWS Health for STS, then deploy again.';
  } else if (httpStatus) {
    text = `${what}: STS answered${afterAttempts} ${seen}. Check the handler's credentials and the role's ARN, then deploy again.`;
  } else if (failure.unreachable) {
    text = `${what}: could not reach STS in ${stsRegion}${afterAttempts} ${seen}. Check the network and the region's STS endpoint, then deploy again.`;
  } else {
    text = `${what} before STS answered ${seen}. Check the handler's credentials and region, then deploy again; the poll log has the details.`;
  }
  return new SyncGateError(text, { cause: error, transient: failure.transient });
}

/**
 * A reader of `source` for `subject`, for the gate and the check alike: through the subject's reader role when it has
 * one (its credentials from `sts()`, an STS client in `stsRegion`), else signing with the default credentials.
 * Callers keep one per source, region, role and external id.
 */
export function connectSubject<S extends Subject>(
  source: SyncSource<S>,
  subject: S,
  retry: RetryStrategyV2,
  sts: () => STSClient,
  stsRegion: string,
): SourceReader<S> {
  const role = subject.readerRole;
  if (!role) return source.connect(subject.region, retry);
  const credentials = roleCredentials(role, sts());
  return readThroughRole(source.connect(subject.region, retry, credentials.provider), credentials, (s) => source.reasonSubject(s), stsRegion);
}

/** The key under which a caller keeps the reader connectSubject made for `subject`. */
export function readerKey(source: SyncSource, subject: Subject): string {
  const role = subject.readerRole;
  return [source.kind, subject.region, role?.roleArn ?? '', role?.externalId ?? '', role?.sessionName ?? ''].join('\n');
}
