/**
 * What a gate's props may be and how long a gate may take, shared by the construct's synth-time validation, the
 * handler's runtime validation and the CLI: limits, validators, the timing arithmetic and the Node.js the handler
 * runs on. No imports, so the handler bundle stays small.
 */

/**
 * The Node.js major version the handler runs on: the construct's Lambda runtime is `nodejs<major>.x` (24: the newest
 * aws-cdk-lib offers), and scripts/build-handler.js builds the handler bundle for `node<major>`, so the bundle always
 * targets the runtime that runs it.
 */
export const HANDLER_NODE_MAJOR = 24;

/** Limits shared by the construct's synth-time validation and the handler's runtime validation. */
export const Limits = {
  /** ResourceName of Proton and of CodeStar Connections (Git sync: the stack name): length 1-100. */
  nameMinLength: 1,
  nameMaxLength: 100,
  /** ResourceName pattern, the same in both APIs. */
  namePattern: '^[0-9A-Za-z]+[0-9A-Za-z_\\-]*$',
  /**
   * An AWS region name of any partition: us-east-1, us-gov-west-1, cn-north-1, us-isob-east-1, eusc-de-east-1
   * (aws-eusc, whose prefix has 4 letters). test/lib/region-names.test.ts checks it against every region of every
   * partition the AWS SDK knows.
   */
  regionPattern: '^[a-z]{2,4}(-[a-z]+)+-\\d+$',
  /**
   * An expected sha: a Git commit id (40 hex digits, 64 in a SHA-256 repository) or its abbreviation to at least
   * 7, which matches the desired sha as a prefix, case-insensitively, as Git resolves it. Anything else (a branch
   * or tag name, fewer than 7 digits) could never match a desired sha, so it is rejected rather than waited on.
   */
  commitShaPattern: '^[0-9a-fA-F]{7,64}$',
  /**
   * An IAM role's ARN, of any partition: `arn:<partition>:iam::<account>:role/<path/><name>`, the account 12 digits,
   * the name 1-64 of IAM's name characters, the path (optional) printable ASCII between slashes (IAM's CreateRole).
   */
  roleArnPattern: '^arn:(aws(?:-[a-z]+)*):iam::(\\d{12}):role\\/((?:[\\x21-\\x7e]*\\/)?)([\\w+=,.@-]{1,64})$',
  /** An external id as STS's AssumeRole takes it (ExternalId): 2-1224 of these characters. */
  externalIdPattern: '^[\\w+=,.@:\\/-]{2,1224}$',
  /** CloudFormation gives a custom resource at most one hour. */
  maxWaitTimeoutSeconds: 3600,
  /**
   * The gate stops waiting this long (and one waiter tick) before CloudFormation's one-hour limit, so that a gate
   * configured for the full hour fails with its own reason rather than CloudFormation's generic timeout. It covers
   * the tick before the deadline read (a read, at most one poll's call budget), the deadline read itself (another
   * budget) and the framework's answer: 2 x (55 s + 20 s) + 30 s (test/lib/accepted-props.test.ts checks the sum).
   */
  cloudFormationReserveSeconds: 180,
  minPollIntervalSeconds: 5,
  maxPollIntervalSeconds: 300,
  /**
   * How often the stack's one provider asks its gates whether they are done (the waiter's Retry interval). Every
   * gate shares it, whatever its pollInterval, so that changing a gate's pollInterval never moves it to another
   * provider (CloudFormation refuses to change a custom resource's ServiceToken). A gate reads its source only on
   * the first tick after each multiple of its pollInterval since it started (lambda/handler/pacing.ts).
   */
  waiterTickSeconds: 5,
  defaultWaitTimeoutSeconds: 600,
  defaultPollIntervalSeconds: 15,
} as const;

/**
 * Timing budget of the handler that calls the sources. The construct sets the Lambda timeout from it and the
 * handler configures the SDK from it; a test checks that every attempt, with its timeouts and backoff,
 * fits well inside the Lambda timeout.
 */
export const CallBudget = {
  /** SDK attempts per Proton call (the SDK's default is 3). */
  maxAttempts: 5,
  /** TCP connect timeout of one attempt. */
  connectionTimeoutMs: 3_000,
  /** Whole-request timeout of one attempt (aborts the request; it does not only warn). */
  requestTimeoutMs: 5_000,
  /** Lambda timeout of the isComplete handler, which makes every call of a poll. */
  handlerTimeoutSeconds: 120,
  /**
   * The source calls of one poll (status, then blockers) share this budget, counted from the poll's start: when it
   * runs out, the calls in flight are aborted and the poll counts as one that could not read the status ("not
   * yet"). The SDK notices an abort at once, or after the backoff it is sleeping (at most 2^(maxAttempts-1) times
   * its throttling base, plus a Retry-After hint).
   */
  sourceCallsBudgetMs: 55_000,
  /**
   * Each DescribeStacks call of a poll (at most one on the first tick and one before failing) gets this long.
   * Sources' budget + a backoff + this + a backoff stays well inside handlerTimeoutSeconds; a test checks the sum
   * from the SDK's own retry constants.
   */
  stackCallBudgetMs: 20_000,
  /**
   * Attempts of one DescribeStacks call: the SDK's standard mode default, throttling retried with its backoff
   * (500 ms base for throttling); within stackCallBudgetMs.
   */
  stackCallMaxAttempts: 3,
} as const;

/**
 * Whether `value` is a valid ResourceName of either source: a Proton service or service instance name, or a stack
 * synced by Git sync (the CodeStar Connections API models it with the same length and pattern).
 */
export function isResourceName(value: string): boolean {
  return value.length >= Limits.nameMinLength && value.length <= Limits.nameMaxLength && new RegExp(Limits.namePattern).test(value);
}

/**
 * The longest a gate waits, in seconds: its waitTimeout, capped so that it answers by itself before
 * CloudFormation's one-hour limit. Whatever its pollInterval, the gate reads on the first waiter tick at or past its
 * deadline (lambda/handler/pacing.ts), so the cap is the hour less the reserve and one tick: 56m 55s.
 */
export function effectiveWaitSeconds(waitTimeoutSeconds: number): number {
  return Math.min(waitTimeoutSeconds, Limits.maxWaitTimeoutSeconds - Limits.cloudFormationReserveSeconds - Limits.waiterTickSeconds);
}

/**
 * CloudFormation's own bound on one request of a gate (the custom resource's ServiceTimeout), in seconds: the
 * effective wait, the tick by which the deadline read may come after it, and the reserve for the read before it, that
 * read and the framework's answer. Within 1-3,600, the range CloudFormation accepts; so a broken provider fails the
 * request minutes after the gate would have answered, not after CloudFormation's hour.
 */
export function serviceTimeoutSeconds(waitTimeoutSeconds: number): number {
  return Math.min(Limits.maxWaitTimeoutSeconds, effectiveWaitSeconds(waitTimeoutSeconds) + Limits.waiterTickSeconds + Limits.cloudFormationReserveSeconds);
}

/** What an expected sha may be, as the construct's, the handler's and the CLI's errors say it. */
export const COMMIT_SHA_RULE = 'expected a Git commit sha of 7-64 hex digits (a full sha, or an abbreviation of at least 7), not a branch or tag name';

const COMMIT_SHA = new RegExp(Limits.commitShaPattern);

/** Whether `value` is an acceptable expected sha (Limits.commitShaPattern). */
export function isCommitSha(value: unknown): value is string {
  return typeof value === 'string' && COMMIT_SHA.test(value);
}

/** The parts of an IAM role's ARN. */
export interface RoleArnParts {
  readonly partition: string;
  readonly account: string;
  /** `/` or `/path/`. */
  readonly path: string;
  readonly name: string;
}

/** What a reader role's ARN may be, as the construct's, the handler's and the CLI's errors say it. */
export const ROLE_ARN_RULE = "expected an IAM role's ARN, arn:<partition>:iam::<12-digit account>:role/<optional path/><name>";

/** What an external id may be, as the errors say it. */
export const EXTERNAL_ID_RULE = "expected 2-1224 characters of letters, digits and _+=,.@:/- (STS's ExternalId)";

/** The parts of `value` when it is an IAM role's ARN (Limits.roleArnPattern), else undefined. */
export function parseRoleArn(value: unknown): RoleArnParts | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  const match = new RegExp(Limits.roleArnPattern).exec(value);
  if (!match) return undefined;
  const [, partition, account, path, name] = match;
  if (path.length > 512) return undefined;
  return { partition, account, path: path === '' ? '/' : path, name };
}

/** Whether `value` is an acceptable external id (Limits.externalIdPattern). */
export function isExternalId(value: unknown): value is string {
  return typeof value === 'string' && new RegExp(Limits.externalIdPattern).test(value);
}

/** Whether `value` looks like an AWS region name. */
export function isRegionName(value: string): boolean {
  return new RegExp(Limits.regionPattern).test(value);
}
