import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { EXTERNAL_ID_RULE, isExternalId } from './limits';
import { acknowledgeSourceReads } from './nag-suppressions';
import { readActionsOf, SourceStatementIds, SyncGateSource } from './sources';

/** Properties of a `SyncStatusReaderRole`. */
export interface SyncStatusReaderRoleProps {
  /**
   * The account of the stack whose gates read through this role (12 digits): the role trusts this account alone,
   * and within it only principals whose own policies allow them `sts:AssumeRole` on this role (a gate's provider is
   * allowed exactly the roles its gates name).
   */
  readonly trustedAccount: string;

  /**
   * Narrower trust: only this role of `trustedAccount` may assume the reader role (a condition on
   * `aws:PrincipalArn`, which stays valid when that role is replaced, and which IAM accepts before that role
   * exists). The gate's provider role has a name CloudFormation generates from the gate stack's name: name it
   * exactly, or with wildcards as `ArnLike` reads them, e.g. `arn:aws:iam::111111111111:role/GateStack-*` for the
   * roles of the stack `GateStack`.
   *
   * @default - any principal of `trustedAccount` whose own policies allow it
   */
  readonly trustedRoleArn?: string;

  /**
   * An external id the gate must send (a condition on `sts:ExternalId`): 2-1224 characters of letters, digits and
   * `_+=,.@:/-`. Give the gate the same `externalId`.
   *
   * @default - none required
   */
  readonly externalId?: string;

  /**
   * The sources whose sync status and sync blockers the role may read.
   *
   * @default [SyncGateSource.GIT_SYNC]
   */
  readonly sources?: SyncGateSource[];

  /**
   * The role's name, so that the gate's side can name its ARN before this stack is deployed
   * (`arn:aws:iam::<this account>:role/<roleName>`).
   *
   * @default - a name CloudFormation generates (read it from `roleArn` after deploying)
   */
  readonly roleName?: string;
}

/** An IAM role's ARN with `*` or `?` allowed in its name, as `ArnLike` matches it; the account is captured. */
const TRUSTED_ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?[\w+=,.@*?-]{1,64}$/;

/**
 * The other side of a gate that reads a sync in another account: a role for the stack of the account that owns the
 * sync configuration, which the gate's account (or, narrower, the gate's provider role) may assume, and which may
 * only read the sync status and sync blockers of the sources it names. Deploy it in the owning account, then give
 * its ARN to the gate as `readerRole` in the other account.
 *
 * ```ts
 * // In the account that syncs the stack "network" from Git:
 * new SyncStatusReaderRole(this, 'GateReader', { trustedAccount: '111111111111', roleName: 'sync-gate-reader' });
 * ```
 */
export class SyncStatusReaderRole extends Construct {
  /** The role. */
  public readonly role: iam.IRole;

  /** The role's ARN: the gate's `readerRole` (`iam.Role.fromRoleArn(this, 'Reader', arn)`). */
  public readonly roleArn: string;

  constructor(scope: Construct, id: string, props: SyncStatusReaderRoleProps) {
    super(scope, id);
    const { trustedAccount, trustedRoleArn, externalId } = props;
    const sources = props.sources ?? [SyncGateSource.GIT_SYNC];
    validate(props, sources);

    const principal = new iam.AccountPrincipal(trustedAccount);
    const role = new iam.Role(this, 'Resource', {
      roleName: props.roleName,
      assumedBy: trustedRoleArn === undefined ? principal : principal.withConditions({ ArnLike: { 'aws:PrincipalArn': trustedRoleArn } }),
      ...(externalId === undefined ? {} : { externalIds: [externalId] }),
      description: `Sync gates of account ${trustedAccount} read the sync status and blockers of ${sources.join(', ')} here`,
    });
    for (const source of sources) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: SourceStatementIds[source], actions: [...readActionsOf(source)], resources: ['*'] }));
    }
    acknowledgeSourceReads(
      role,
      sources.flatMap((s) => readActionsOf(s)),
      `${sources.join(', ')}) are allowed to this role alone, which only account ${trustedAccount} (its sync gates' provider role) may assume`,
    );
    this.role = role;
    this.roleArn = role.roleArn;
    this.node.defaultChild = role.node.defaultChild;
  }
}

/** Checks the props at synth (each skipped for a token): messages name the prop, show the value and say what is allowed. */
function validate(props: SyncStatusReaderRoleProps, sources: readonly SyncGateSource[]): void {
  const { trustedAccount, trustedRoleArn, externalId } = props;
  if (!Token.isUnresolved(trustedAccount) && !/^\d{12}$/.test(trustedAccount)) {
    throw new Error(`Invalid trustedAccount ${JSON.stringify(trustedAccount)}: expected an AWS account id, 12 digits (the account of the gate's stack).`);
  }
  if (trustedRoleArn !== undefined && !Token.isUnresolved(trustedRoleArn)) {
    const match = TRUSTED_ROLE_ARN.exec(trustedRoleArn);
    if (!match) {
      throw new Error(
        `Invalid trustedRoleArn ${JSON.stringify(trustedRoleArn)}: expected an IAM role's ARN, arn:<partition>:iam::<account>:role/<name>, ` +
          "where the name may hold the wildcards * and ? (e.g. <gate stack name>-* for the roles of the gate's stack).",
      );
    }
    if (!Token.isUnresolved(trustedAccount) && match[1] !== trustedAccount) {
      throw new Error(
        `Invalid trustedRoleArn ${JSON.stringify(trustedRoleArn)}: the role is in account ${match[1]}, not in trustedAccount ${trustedAccount}. ` +
          "Name a role of the gate's account, or set trustedAccount to that role's account.",
      );
    }
  }
  if (externalId !== undefined && !Token.isUnresolved(externalId) && !isExternalId(externalId)) {
    throw new Error(`Invalid externalId ${JSON.stringify(externalId)}: ${EXTERNAL_ID_RULE}.`);
  }
  const known = Object.values(SyncGateSource) as string[];
  if (sources.length === 0 || sources.some((s) => !known.includes(s)) || new Set(sources).size !== sources.length) {
    throw new Error(`Invalid sources ${JSON.stringify(sources)}: expected one or more of ${known.join(', ')}, each once.`);
  }
}
