import { randomUUID } from 'crypto';
import { CustomResource, Duration, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { Attr, isProtonName, isRegionName, Limits, Prop, RESOURCE_TYPE } from './contract';
import { SyncGateProvider } from './sync-gate-provider';

/** Properties of a {@link ServiceInstanceSyncGate}. */
export interface ServiceInstanceSyncGateProps {
  /**
   * Name of the Proton service. 1-100 characters matching `^[0-9A-Za-z]+[0-9A-Za-z_\-]*$`.
   * Changing it replaces the gate.
   */
  readonly serviceName: string;

  /**
   * Name of the service instance whose sync the gate checks. Same rule as `serviceName`.
   * Changing it replaces the gate.
   */
  readonly serviceInstanceName: string;

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
   * itself at least three minutes plus one poll interval before that limit. Only with `requireSuccess`.
   *
   * @default Duration.minutes(10)
   */
  readonly waitTimeout?: Duration;

  /**
   * How often to read the sync status while waiting: whole seconds from 5 to 300. Gates with the same poll
   * interval share one provider per stack.
   *
   * @default Duration.seconds(15)
   */
  readonly pollInterval?: Duration;

  /**
   * A commit sha that must be Proton's desired state, synced successfully, before the gate passes; for
   * pipelines that just pushed that commit. Compared case-insensitively. Only with `requireSuccess`.
   *
   * @default - any desired sha passes once its sync succeeded
   */
  readonly expectedSha?: string;

  /**
   * Region of the Proton service instance.
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
}

/**
 * Holds a CloudFormation deployment until an AWS Proton service instance has synced successfully from Git,
 * and exposes the synced sha and status as attributes. Resources that depend on the gate are created or
 * updated only after it passes:
 *
 * ```ts
 * const gate = new ServiceInstanceSyncGate(this, 'Gate', { serviceName: 'api', serviceInstanceName: 'prod' });
 * myResource.node.addDependency(gate);
 * ```
 */
export class ServiceInstanceSyncGate extends Construct {
  /** The gate's custom resource (type `Custom::ProtonServiceInstanceSync`). */
  public readonly resource: CustomResource;

  /** The log group with one line per poll: instance, status, shas, elapsed and remaining time. */
  public readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: ServiceInstanceSyncGateProps) {
    super(scope, id);

    validateName('serviceName', props.serviceName);
    validateName('serviceInstanceName', props.serviceInstanceName);
    const requireSuccess = props.requireSuccess ?? true;
    if (!requireSuccess && props.waitTimeout !== undefined) {
      throw new Error('waitTimeout has no effect when requireSuccess is false (a reader never waits): remove one of them.');
    }
    if (!requireSuccess && props.expectedSha !== undefined) {
      throw new Error('expectedSha has no effect when requireSuccess is false (a reader never judges the sha): remove one of them.');
    }
    const waitTimeout = wholeSeconds('waitTimeout', props.waitTimeout, Limits.defaultWaitTimeoutSeconds, 0, Limits.maxWaitTimeoutSeconds);
    const pollInterval = wholeSeconds(
      'pollInterval',
      props.pollInterval,
      Limits.defaultPollIntervalSeconds,
      Limits.minPollIntervalSeconds,
      Limits.maxPollIntervalSeconds,
    );
    if (props.expectedSha !== undefined && !Token.isUnresolved(props.expectedSha)) {
      const sha = props.expectedSha;
      if (sha.length < 1 || sha.length > Limits.shaMaxLength || sha.trim() !== sha) {
        throw new Error(
          `Invalid expectedSha ${JSON.stringify(sha)}: expected a commit sha of 1-${Limits.shaMaxLength} characters without surrounding spaces.`,
        );
      }
    }
    if (props.region !== undefined && !Token.isUnresolved(props.region) && !isRegionName(props.region)) {
      throw new Error(`Invalid region ${JSON.stringify(props.region)}: expected an AWS region name such as us-east-1.`);
    }

    const provider = SyncGateProvider.getOrCreate(this, Duration.seconds(pollInterval));
    this.logGroup = provider.logGroup;

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: RESOURCE_TYPE,
      properties: {
        [Prop.ServiceName]: props.serviceName,
        [Prop.ServiceInstanceName]: props.serviceInstanceName,
        [Prop.Region]: props.region,
        [Prop.ExpectedSha]: props.expectedSha,
        [Prop.RequireSuccess]: String(requireSuccess),
        [Prop.WaitTimeoutSeconds]: String(waitTimeout),
        [Prop.PollIntervalSeconds]: String(pollInterval),
        [Prop.DeploymentNonce]: props.recheckOnEveryDeployment ?? true ? randomUUID() : undefined,
      },
    });
  }

  /** The commit Proton wants the instance at (desiredState.sha); empty when Proton reports none. @attribute */
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

  /** Provider of the desired state's repository (GITHUB, GITHUB_ENTERPRISE, BITBUCKET). @attribute */
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
}

function validateName(prop: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (!isProtonName(value)) {
    throw new Error(
      `Invalid ${prop} ${JSON.stringify(value)}: expected ${Limits.nameMinLength}-${Limits.nameMaxLength} characters ` +
        `matching ${Limits.namePattern} (letters, digits, '-' and '_', starting with a letter or digit).`,
    );
  }
}

function wholeSeconds(prop: string, value: Duration | undefined, dflt: number, min: number, max: number): number {
  if (value === undefined) return dflt;
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    throw new Error(`Invalid ${prop} ${value.toHumanString()}: expected whole seconds from ${min} to ${max}.`);
  }
  return seconds;
}
