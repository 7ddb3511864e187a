/**
 * IAM of the offline world, as far as the fakes need it to tell who calls and what they may do: roles per simulated
 * account with their trust policy and permissions, and access keys mapped to the identities they sign as.
 *
 * - Roles come from the templates the world installs or deploys (`AWS::IAM::Role` with its AssumeRolePolicyDocument
 *   and inline Policies, `AWS::IAM::Policy` attached by `Roles`), in the account of that installation, or from a test
 *   (`putRole`).
 * - Access keys: the world's environment credentials (its "deployer"), one session per Lambda function's execution
 *   role (the credentials Lambda puts in a function's environment) and the sessions STS issues ({@link FakeSts}).
 *   Each key names its account, its ARN and, for a session, the role behind it and when it expires on the
 *   service clock.
 * - Evaluation (iam-policy.ts): a session of a known role is allowed an action only when that role's policies allow
 *   it; identities without known policies (the world's deployer, a role no template defined) are not evaluated, as
 *   the world did before it had IAM. A role is assumed only when its trust policy allows the caller (and, for a
 *   caller in another account, the caller's own policies allow sts:AssumeRole on it, when they are known).
 */
import { randomBytes } from 'crypto';
import { evaluate, PolicyDocument, RequestPrincipal } from './iam-policy';

/** Who a key signs as. */
export interface Identity extends RequestPrincipal {
  /** For a role session: the role's ARN (also `principalArn`). */
  readonly roleArn?: string;
  /** When the key stops working, in ms on the service clock (sessions from STS); undefined: never. */
  readonly expiresAt?: number;
}

/** Temporary credentials, as STS returns them and Lambda puts them in a function's environment. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** ms on the service clock; undefined for sessions that do not expire in a test. */
  readonly expiresAt?: number;
}

/** A role of a simulated account. */
export interface FakeRole {
  readonly arn: string;
  readonly account: string;
  readonly name: string;
  readonly trust: PolicyDocument;
  /** Inline policies by name, and attached ones by the id of their `AWS::IAM::Policy`. */
  readonly policies: Map<string, PolicyDocument>;
  /** MaxSessionDuration, seconds. */
  readonly maxSessionSeconds: number;
}

/** What the answer to a key is: who, or why not (unknown, expired). */
export type KeyLookup = { readonly identity: Identity } | { readonly problem: 'unknown' | 'expired' };

/** The ARN of a role: `arn:<partition>:iam::<account>:role<path><name>`. */
export function roleArn(partition: string, account: string, name: string, path = '/'): string {
  return `arn:${partition}:iam::${account}:role${path}${name}`;
}

export class FakeIam {
  /** The service clock (ms), for session expiry: the world sets its virtual clock. */
  public now: () => number = () => Date.now();
  private readonly roles = new Map<string, FakeRole>();
  private readonly keys = new Map<string, Identity>();
  /** Attached policies: id -> the roles (ARNs) it is attached to. */
  private readonly attached = new Map<string, { document: PolicyDocument; roles: readonly string[] }>();

  /** Adds (or replaces) a role, keeping the policies attached to it. */
  public putRole(role: { arn: string; trust: PolicyDocument; inline?: Readonly<Record<string, PolicyDocument>>; maxSessionSeconds?: number }): FakeRole {
    const match = /^arn:[\w-]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(role.arn);
    if (!match) throw new Error(`not a role ARN: ${role.arn}`);
    const policies = new Map(Object.entries(role.inline ?? {}));
    for (const [id, a] of this.attached) if (a.roles.includes(role.arn)) policies.set(id, a.document);
    const stored: FakeRole = { arn: role.arn, account: match[1], name: match[2], trust: role.trust, policies, maxSessionSeconds: role.maxSessionSeconds ?? 3600 };
    this.roles.set(role.arn, stored);
    return stored;
  }

  public deleteRole(arn: string): void {
    this.roles.delete(arn);
  }

  /** Attaches (or re-attaches) a policy, as an `AWS::IAM::Policy` with `Roles` does, to the roles it names. */
  public putPolicy(id: string, document: PolicyDocument, roleArns: readonly string[]): void {
    this.deletePolicy(id);
    this.attached.set(id, { document, roles: roleArns });
    for (const arn of roleArns) this.roles.get(arn)?.policies.set(id, document);
  }

  public deletePolicy(id: string): void {
    const before = this.attached.get(id);
    for (const arn of before?.roles ?? []) this.roles.get(arn)?.policies.delete(id);
    this.attached.delete(id);
  }

  public role(arn: string): FakeRole | undefined {
    return this.roles.get(arn);
  }

  /** Records a key that signs as `identity` (the world's environment credentials, a test's caller). */
  public addKey(accessKeyId: string, identity: Identity): void {
    this.keys.set(accessKeyId, identity);
  }

  /** Who `accessKeyId` signs as, or why it signs as nobody. */
  public lookup(accessKeyId: string): KeyLookup {
    const identity = this.keys.get(accessKeyId);
    if (!identity) return { problem: 'unknown' };
    if (identity.expiresAt !== undefined && this.now() >= identity.expiresAt) return { problem: 'expired' };
    return { identity };
  }

  /**
   * A session of `arn` named `sessionName` (`arn:<p>:sts::<account>:assumed-role/<name>/<session>`), with new keys;
   * `lifetimeSeconds` on the service clock, or none (Lambda's execution role credentials, renewed by Lambda).
   */
  public startSession(arn: string, sessionName: string, lifetimeSeconds?: number): SessionCredentials {
    const match = /^arn:([\w-]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
    if (!match) throw new Error(`not a role ARN: ${arn}`);
    const [, partition, account, name] = match;
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const expiresAt = lifetimeSeconds === undefined ? undefined : this.now() + lifetimeSeconds * 1000;
    this.keys.set(accessKeyId, {
      account,
      arn: `arn:${partition}:sts::${account}:assumed-role/${name}/${sessionName}`,
      principalArn: arn,
      roleArn: arn,
      ...(expiresAt === undefined ? {} : { expiresAt }),
    });
    return { accessKeyId, secretAccessKey: randomBytes(20).toString('base64'), sessionToken: `offline-${randomBytes(24).toString('base64')}`, expiresAt };
  }

  /**
   * Whether `identity` may call `action` on `resource` by its own policies: true or false for a session of a role
   * the world knows; undefined when its policies are not known (not evaluated).
   */
  public identityAllows(identity: Identity, action: string, resource: string): boolean | undefined {
    const role = identity.roleArn ? this.roles.get(identity.roleArn) : undefined;
    if (!role) return undefined;
    return evaluate([...role.policies.values()], { action, resource, principal: identity }, 'identity') === 'allow';
  }

  /** Whether `role`'s trust policy lets `caller` assume it, with the request's condition keys. */
  public trustAllows(role: FakeRole, caller: Identity, context: Readonly<Record<string, string | undefined>>): boolean {
    return evaluate([role.trust], { action: 'sts:AssumeRole', resource: role.arn, principal: caller, context }, 'trust') === 'allow';
  }
}
