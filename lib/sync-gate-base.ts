import { randomUUID } from 'crypto';
import { Annotations, CustomResource, Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { Attr, Prop } from './contract';
import { COMMIT_SHA_RULE, isCommitSha, isRegionName, Limits, serviceTimeoutSeconds } from './limits';
import { SyncGateSource } from './sources';
import { SyncGateProvider } from './sync-gate-provider';
import { validateReaderRole, WAIT_TIMEOUT_CAPPED, waitTimeoutCappedWarning, wholeSeconds } from './validation';

/** Props that every sync gate has, whatever source it reads. */
export interface SyncGateOptions {
  /**
   * Whether the deployment fails unless the sync of the desired state succeeded. When false, the gate is a
   * plain reader: it checks once, reports the status in its attributes and never fails on sync state.
   *
   * @default true
   */
  readonly requireSuccess?: boolean;

  /**
   * How long to wait for an in-flight sync before failing with the last status seen. Zero checks once
   * without waiting. At most one hour (CloudFormation's limit for a custom resource); the gate answers by
   * itself at least three minutes and five seconds before that limit (it waits at most 56m 55s, whatever its
   * pollInterval). An active sync blocker fails the gate at once, whatever the timeout. For a reader (`requireSuccess: false`), it bounds only the wait on a source that
   * cannot be read for a while (throttling, 5xx, timeouts): a reader never waits on sync state.
   * A waitTimeout longer than the gate can wait adds a warning at synth, id `cdk-git-sync-gate:waitTimeoutCapped`,
   * that says how long it will wait.
   *
   * @default Duration.minutes(10)
   */
  readonly waitTimeout?: Duration;

  /**
   * How often to read the sync status while waiting: whole seconds from 5 to 300. The stack's one provider asks
   * every 5 seconds; the gate reads its source on the first of those after each multiple of this interval since it
   * started, so reads come on average once per interval, each at most 5 seconds late. Changing it updates the gate
   * in place.
   *
   * @default Duration.seconds(15)
   */
  readonly pollInterval?: Duration;

  /**
   * A commit sha that must be the desired state, synced successfully, before the gate passes; for pipelines
   * that just pushed that commit. A Git commit sha of 7-64 hex digits: a full sha matches whole, a shorter one
   * (an abbreviation of at least 7 digits) as a prefix, case-insensitively. Only with `requireSuccess`.
   *
   * @default - any desired sha passes once its sync succeeded
   */
  readonly expectedSha?: string;

  /**
   * Region of the synced resource (the Proton service instance, or the stack synced by Git sync).
   *
   * @default - the stack's region
   */
  readonly region?: string;

  /**
   * Whether to check the sync again on every deployment. When true, the gate carries a property that changes
   * on every synth (its physical id stays the same, so no Delete is issued); when false, the template is
   * deterministic and the gate checks only when its properties change.
   *
   * @default true
   */
  readonly recheckOnEveryDeployment?: boolean;

  /**
   * A role in the account that owns the sync, which the gate assumes (STS AssumeRole) to read the sync status there:
   * a sync status can be read only in the account of its sync configuration. Name it by ARN,
   * `iam.Role.fromRoleArn(this, 'Reader', 'arn:aws:iam::222222222222:role/sync-gate-reader')`; a
   * `SyncStatusReaderRole` deployed in that account creates it. The stack's provider is allowed `sts:AssumeRole` on
   * exactly the roles its gates name. The role must be in the stack's partition. Adding, changing or removing it
   * updates the gate in place.
   *
   * @default - the gate reads in its own stack's account, with the provider's role
   */
  readonly readerRole?: iam.IRole;

  /**
   * The external id the reader role's owner requires (a condition on `sts:ExternalId` in the role's trust policy):
   * 2-1224 characters of letters, digits and `_+=,.@:/-`. Only with `readerRole`.
   *
   * @default - no external id is sent
   */
  readonly externalId?: string;
}

/**
 * What a concrete gate tells the base: its source, its resource type and the properties that name its subject.
 * Internal: only this library's gates have a handler that serves them.
 *
 * @internal
 */
export interface SyncGateSubject {
  /** The source the gate reads; the provider is granted that source's read actions. */
  readonly source: SyncGateSource;
  /** The CloudFormation resource type of the gate, e.g. `Custom::CloudFormationGitSync`. */
  readonly resourceType: string;
  /** The resource properties that say what the gate watches (names from the contract, e.g. `StackName`). */
  readonly properties: { [name: string]: string };
}

/**
 * The construct id of each source's custom resource. CloudFormation cannot change a resource's type in an update
 * ("You can't change the type during an update"), so each source's gate keeps its own logical id: swapping a
 * ServiceInstanceSyncGate for a GitSyncGate under the same construct id (the migration docs/migration.md describes)
 * creates the new gate and deletes the old one in the cleanup phase, instead of failing the update. Proton's keeps
 * `Resource`, the id its gates were deployed with.
 */
const RESOURCE_IDS: Record<SyncGateSource, string> = {
  [SyncGateSource.PROTON]: 'Resource',
  [SyncGateSource.GIT_SYNC]: 'GitSync',
};

/**
 * What every sync gate shares: synth-time validation of the common props, the custom resource on the stack's
 * shared provider (one per stack, for gates of every source and poll interval) and the attributes. Each gate adds only
 * its own props and the subject it watches.
 *
 * Internal, and not exported from the package: a subclass outside this library would name a source and a resource
 * type that no handler serves. jsii erases this base, so each gate's API carries its members (and docs) as its own.
 *
 * @internal
 */
export abstract class SyncGateBase extends Construct {
  /** The gate's custom resource. */
  public readonly resource: CustomResource;

  /** The log group with one line per poll: subject, status, shas, blockers, elapsed and remaining time. */
  public readonly logGroup: logs.ILogGroup;

  protected constructor(scope: Construct, id: string, options: SyncGateOptions, subject: SyncGateSubject) {
    super(scope, id);

    const requireSuccess = options.requireSuccess ?? true;
    if (!requireSuccess && options.expectedSha !== undefined) {
      throw new Error('expectedSha has no effect when requireSuccess is false (a reader never judges the sha): remove one of them.');
    }
    const waitTimeout = wholeSeconds('waitTimeout', options.waitTimeout, Limits.defaultWaitTimeoutSeconds, 0, Limits.maxWaitTimeoutSeconds);
    const pollInterval = wholeSeconds(
      'pollInterval',
      options.pollInterval,
      Limits.defaultPollIntervalSeconds,
      Limits.minPollIntervalSeconds,
      Limits.maxPollIntervalSeconds,
    );
    if (options.expectedSha !== undefined && !Token.isUnresolved(options.expectedSha)) {
      const sha = options.expectedSha;
      if (sha.trim() === '') {
        throw new Error(
          `Invalid expectedSha ${JSON.stringify(sha)}: it is empty, as an unset pipeline variable gives. Pass the commit ` +
            'to wait for (a full sha, or an abbreviation of at least 7 hex digits), or leave expectedSha out to accept any desired sha.',
        );
      }
      if (!isCommitSha(sha)) {
        throw new Error(`Invalid expectedSha ${JSON.stringify(sha)}: ${COMMIT_SHA_RULE}.`);
      }
    }
    if (options.region !== undefined && !Token.isUnresolved(options.region) && !isRegionName(options.region)) {
      throw new Error(`Invalid region ${JSON.stringify(options.region)}: expected an AWS region name such as us-east-1.`);
    }
    validateReaderRole(scope, options.readerRole, options.externalId, options.region);
    // Valid, but cut short: the gate answers by itself before CloudFormation's hour (see waitTimeoutCappedWarning).
    const capped = waitTimeoutCappedWarning(waitTimeout);
    if (capped !== undefined) Annotations.of(this).addWarningV2(WAIT_TIMEOUT_CAPPED, capped);

    const provider = SyncGateProvider.getOrCreate(this);
    provider.grantSource(subject.source);
    if (options.readerRole) provider.grantAssumeRole(options.readerRole.roleArn);
    this.logGroup = provider.logGroup;

    this.resource = new CustomResource(this, RESOURCE_IDS[subject.source], {
      serviceToken: provider.serviceToken,
      resourceType: subject.resourceType,
      // CloudFormation's own bound: a provider that never answers fails the request minutes after the gate
      // would have, instead of after CloudFormation's default hour.
      serviceTimeout: Duration.seconds(serviceTimeoutSeconds(waitTimeout)),
      properties: {
        ...subject.properties,
        [Prop.Region]: options.region,
        [Prop.ExpectedSha]: options.expectedSha,
        [Prop.RequireSuccess]: String(requireSuccess),
        [Prop.WaitTimeoutSeconds]: String(waitTimeout),
        [Prop.PollIntervalSeconds]: String(pollInterval),
        [Prop.DeploymentNonce]: options.recheckOnEveryDeployment ?? true ? randomUUID() : undefined,
        [Prop.ReaderRoleArn]: options.readerRole?.roleArn,
        [Prop.ReaderRoleExternalId]: options.externalId,
      },
    });
    // Escape hatches (`gate.node.defaultChild`) find the custom resource whatever its id.
    this.node.defaultChild = this.resource;
  }

  /** The commit the source wants the resource at (its desired state's sha); empty when it reports none. @attribute */
  public get sha(): string {
    return this.resource.getAttString(Attr.Sha);
  }

  /** Status of the latest sync (INITIATED, IN_PROGRESS, SUCCEEDED, FAILED), or NONE when no sync ever ran. @attribute */
  public get status(): string {
    return this.resource.getAttString(Attr.Status);
  }

  /** "true" when the latest sync SUCCEEDED at the desired sha, else "false". @attribute */
  public get inSync(): string {
    return this.resource.getAttString(Attr.InSync);
  }

  /** Branch of the desired state. @attribute */
  public get branch(): string {
    return this.resource.getAttString(Attr.Branch);
  }

  /** Directory of the desired state in the repository. @attribute */
  public get directory(): string {
    return this.resource.getAttString(Attr.Directory);
  }

  /** Repository of the desired state (owner/name). @attribute */
  public get repositoryName(): string {
    return this.resource.getAttString(Attr.RepositoryName);
  }

  /** Provider of the desired state's repository, as the source reports it (Proton: GITHUB; Git sync: GitHub). @attribute */
  public get repositoryProvider(): string {
    return this.resource.getAttString(Attr.RepositoryProvider);
  }

  /** Sha the latest sync targeted. @attribute */
  public get latestSyncSha(): string {
    return this.resource.getAttString(Attr.LatestSyncSha);
  }

  /** When the latest sync started, ISO 8601. @attribute */
  public get latestSyncStartedAt(): string {
    return this.resource.getAttString(Attr.LatestSyncStartedAt);
  }

  /** Sha of the latest successful sync. @attribute */
  public get latestSuccessfulSyncSha(): string {
    return this.resource.getAttString(Attr.LatestSuccessfulSyncSha);
  }

  /** When the latest successful sync started, ISO 8601. @attribute */
  public get latestSuccessfulSyncStartedAt(): string {
    return this.resource.getAttString(Attr.LatestSuccessfulSyncStartedAt);
  }

  /** Short summary of the latest sync's newest event: time, type and text. @attribute */
  public get latestSyncEvent(): string {
    return this.resource.getAttString(Attr.LatestSyncEvent);
  }

  /** The account whose sync status the gate read: the reader role's, else the gate's own stack's. @attribute */
  public get syncAccount(): string {
    return this.resource.getAttString(Attr.SyncAccount);
  }

  /** The region whose sync status the gate read. @attribute */
  public get syncRegion(): string {
    return this.resource.getAttString(Attr.SyncRegion);
  }
}
