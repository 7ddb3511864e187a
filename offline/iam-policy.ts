/**
 * The part of IAM's policy evaluation the offline world needs to tell whether a role may be assumed and whether a
 * role's session may call an operation: statements with Effect, Action, Resource, Principal and Condition, where an
 * explicit Deny wins, an Allow allows and anything else is an implicit deny (IAM User Guide, "Policy evaluation
 * logic", for one policy type at a time).
 *
 * Scope, refused rather than guessed: Principal `AWS` (accounts, `:root`, role, user and session ARNs, `*`) and
 * `Service`; Action and Resource with `*` and `?` wildcards; NotAction, NotResource, NotPrincipal and the condition
 * operators and keys below. Anything else throws, so that a policy the fake cannot read fails the test instead of
 * being allowed or denied by accident.
 */

/** A policy statement as IAM and CloudFormation write it. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Principal?: '*' | { readonly AWS?: string | readonly string[]; readonly Service?: string | readonly string[] };
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** A policy document as IAM and CloudFormation write it. */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: PolicyStatement | readonly PolicyStatement[];
}

/** Who makes a request, as policies see it. */
export interface RequestPrincipal {
  readonly account: string;
  /** `aws:PrincipalArn`: a role's ARN for its sessions, else the identity's own ARN. */
  readonly principalArn: string;
  /** The ARN of the identity itself (for a session, `arn:aws:sts::<account>:assumed-role/<role>/<session>`). */
  readonly arn: string;
}

/** One request, as evaluation sees it. */
export interface PolicyRequest {
  readonly action: string;
  readonly resource: string;
  /** For a trust (resource) policy: who asks. */
  readonly principal?: RequestPrincipal;
  /** Condition keys and their values (`sts:ExternalId`, ...); aws:PrincipalArn and aws:PrincipalAccount come from `principal`. */
  readonly context?: Readonly<Record<string, string | undefined>>;
}

export type Evaluation = 'allow' | 'explicit-deny' | 'implicit-deny';

const KNOWN_STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'Resource', 'Principal', 'Condition']);
const OPERATORS = new Set(['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike']);
const CONDITION_KEYS = new Set(['sts:externalid', 'aws:principalarn', 'aws:principalaccount', 'sts:rolesessionname']);

function list<T>(value: T | readonly T[] | undefined): readonly T[] {
  return value === undefined ? [] : Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

/** `*` and `?` wildcards, as IAM's `Like` operators, Action and Resource read them. */
function glob(pattern: string, value: string, caseInsensitive = false): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, caseInsensitive ? 'i' : '').test(value);
}

function principalMatches(principal: PolicyStatement['Principal'], who: RequestPrincipal | undefined): boolean {
  if (principal === undefined) throw new Error('a trust policy statement without Principal: the fake evaluates no such statement');
  if (!who) return false;
  if (principal === '*') return true;
  if (typeof principal !== 'object') throw new Error(`Principal ${JSON.stringify(principal)}: expected "*" or an object`);
  for (const key of Object.keys(principal)) if (key !== 'AWS' && key !== 'Service') throw new Error(`Principal ${key} is not evaluated by the offline world`);
  return list(principal.AWS).some((p) => {
    if (p === '*') return true;
    if (/^\d{12}$/.test(p)) return p === who.account;
    const root = /^arn:[\w-]+:iam::(\d{12}):root$/.exec(p);
    if (root) return root[1] === who.account;
    return p === who.principalArn || p === who.arn;
  });
}

function conditionHolds(condition: PolicyStatement['Condition'], request: PolicyRequest): boolean {
  const values: Record<string, string | undefined> = {
    'aws:principalarn': request.principal?.principalArn,
    'aws:principalaccount': request.principal?.account,
  };
  for (const [key, value] of Object.entries(request.context ?? {})) values[key.toLowerCase()] = value;
  for (const [operator, tests] of Object.entries(condition ?? {})) {
    if (!OPERATORS.has(operator)) throw new Error(`condition operator ${operator} is not evaluated by the offline world`);
    const negated = operator.includes('Not');
    const like = operator.endsWith('Like');
    for (const [rawKey, expected] of Object.entries(tests)) {
      const key = rawKey.toLowerCase();
      if (!CONDITION_KEYS.has(key)) throw new Error(`condition key ${rawKey} is not evaluated by the offline world`);
      const actual = values[key];
      const matches = actual !== undefined && list(expected).some((e) => (like ? glob(e, actual) : e === actual));
      if (negated ? matches : !matches) return false;
    }
  }
  return true;
}

/**
 * Evaluates `documents` (all of one policy type) for `request`: `explicit-deny` when a Deny statement applies, else
 * `allow` when an Allow statement applies, else `implicit-deny`. `trust` marks resource policies (a role's trust
 * policy), whose statements must name a Principal.
 */
export function evaluate(documents: readonly PolicyDocument[], request: PolicyRequest, kind: 'identity' | 'trust'): Evaluation {
  let allowed = false;
  for (const document of documents) {
    for (const statement of list(document.Statement)) {
      for (const key of Object.keys(statement)) if (!KNOWN_STATEMENT_KEYS.has(key)) throw new Error(`${key} is not evaluated by the offline world`);
      if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') throw new Error(`Effect ${String(statement.Effect)}`);
      if (!list(statement.Action).some((a) => glob(a, request.action, true))) continue;
      if (kind === 'identity') {
        if (statement.Principal !== undefined) throw new Error('an identity policy statement with a Principal');
        if (!list(statement.Resource).some((r) => glob(r, request.resource))) continue;
      } else if (!principalMatches(statement.Principal, request.principal)) {
        continue;
      }
      if (!conditionHolds(statement.Condition, request)) continue;
      if (statement.Effect === 'Deny') return 'explicit-deny';
      allowed = true;
    }
  }
  return allowed ? 'allow' : 'implicit-deny';
}
