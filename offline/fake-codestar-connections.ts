/**
 * A fake AWS CodeStar Connections endpoint on 127.0.0.1 for CloudFormation Git sync: the generic model-checked
 * {@link FakeAwsJsonService} bound to GetResourceSyncStatus, GetSyncBlockerSummary and GetSyncConfiguration of
 * offline/models/codestar-connections/resource-sync.smithy.json (awsJson1_0, target
 * `CodeStar_connections_20191201.<Operation>`, signing name `codestar-connections`, PascalCase members).
 * Point an SDK at it with `AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS=<endpoint>`.
 *
 * ```ts
 * const gitSync = await FakeCodeStarConnections.start();
 * gitSync.script('app-stack', [
 *   { respond: wireGitSyncOutput({ desired: SHA, latest: wireGitSyncAttempt('IN_PROGRESS', SHA) }) },
 *   { respond: wireGitSyncOutput({ desired: SHA, latest: wireGitSyncAttempt('SUCCEEDED', SHA) }) },
 * ]);
 * ```
 *
 * A stack without a sync-status script is not found (ResourceNotFoundException); a stack without a blocker
 * script has no blockers (a summary with only its ResourceName); a stack without a configuration script has the
 * default configuration of wireGitSyncConfiguration (branch main, every commit: ANY_CHANGE).
 */
import { FakeAwsJsonService } from './fake-aws-json-service';
import { defaultEvents, epochSeconds, toMs, WireBlockerInput } from './fake-proton';
import type { DropStep, DynamicStep, ErrorStep, FakeServiceOptions, RespondStep, ServiceCall, WireJson } from './fake-service-types';
import { CODESTAR_CONNECTIONS_MODEL_PATH, SmithyModel } from './smithy-model';

/** Names of the errors the model lets GetResourceSyncStatus and GetSyncBlockerSummary return. */
export type GitSyncErrorName =
  | 'AccessDeniedException'
  | 'InternalServerException'
  | 'InvalidInputException'
  | 'ResourceNotFoundException'
  | 'ThrottlingException';

/** One step of a scripted Git sync scenario. */
export type GitSyncStep = RespondStep | ErrorStep<GitSyncErrorName> | DropStep | DynamicStep<ServiceCall>;

/** Options of {@link FakeCodeStarConnections.start}. */
export interface FakeCodeStarConnectionsOptions extends FakeServiceOptions {
  /** The model to validate against; defaults to the copy in offline/models/codestar-connections. */
  readonly model?: SmithyModel;
}

export const GIT_SYNC_STATUS = 'GetResourceSyncStatus';
export const GIT_SYNC_BLOCKERS = 'GetSyncBlockerSummary';
export const GIT_SYNC_CONFIGURATION = 'GetSyncConfiguration';

/** The fake CodeStar Connections endpoint. Start with {@link FakeCodeStarConnections.start}; always close it. */
export class FakeCodeStarConnections extends FakeAwsJsonService {
  /** Starts the fake on 127.0.0.1 on a random free port. */
  public static async start(options: FakeCodeStarConnectionsOptions = {}): Promise<FakeCodeStarConnections> {
    const fake = new FakeCodeStarConnections(options);
    await fake.listen();
    return fake;
  }

  private constructor(options: FakeCodeStarConnectionsOptions) {
    const model = options.model ?? SmithyModel.load(CODESTAR_CONNECTIONS_MODEL_PATH);
    const resourceKey = (input: Readonly<Record<string, unknown>>): string => String(input.ResourceName);
    super(
      'CodeStarConnections',
      [
        {
          name: GIT_SYNC_STATUS,
          model,
          resourceKey,
          unscripted: (input) => ({
            error: 'ResourceNotFoundException',
            message: `Could not find a sync configuration of type CFN_STACK_SYNC for resource ${String(input.ResourceName)}`,
          }),
        },
        { name: GIT_SYNC_BLOCKERS, model, resourceKey, unscripted: (input) => ({ respond: wireGitSyncBlockerSummary(String(input.ResourceName)) }) },
        {
          name: GIT_SYNC_CONFIGURATION,
          model,
          resourceKey,
          unscripted: (input) => ({ respond: { SyncConfiguration: wireGitSyncConfiguration({ stackName: String(input.ResourceName) }) } }),
        },
      ],
      options,
    );
  }

  /**
   * Scripts the GetResourceSyncStatus answers for one stack (the ResourceName of a CFN_STACK_SYNC), replacing
   * any earlier script for it. A stack without a script is answered ResourceNotFoundException. `account`: the
   * simulated account whose Git sync deploys the stack (default: the world's own).
   *
   * @throws when a step would serve a body the model does not allow.
   */
  public script(stackName: string, steps: readonly GitSyncStep[], account?: string): void {
    this.scriptOperation(GIT_SYNC_STATUS, stackName, steps, account);
  }

  /** Scripts the GetSyncBlockerSummary answers for one stack (of `account`). Unscripted, the summary has no blockers. */
  public scriptBlockers(stackName: string, steps: readonly GitSyncStep[], account?: string): void {
    this.scriptOperation(GIT_SYNC_BLOCKERS, stackName, steps, account);
  }

  /** Scripts the GetSyncConfiguration answers for one stack. Unscripted, wireGitSyncConfiguration's defaults. */
  public scriptConfiguration(stackName: string, steps: readonly GitSyncStep[]): void {
    this.scriptOperation(GIT_SYNC_CONFIGURATION, stackName, steps);
  }

  /** The GetResourceSyncStatus calls (or those of `operation`) for one stack (of `account`, when given), in order. */
  public callsFor(stackName: string, operation: string = GIT_SYNC_STATUS, account?: string): ServiceCall[] {
    return this.callsOf(operation, stackName, account);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Builders of wire bodies: what CodeStar Connections sends (PascalCase, epoch-second timestamps, every required
// member). Unlike Proton, a Git sync Revision names the owner and the repository separately (OwnerId `acme`,
// RepositoryName `platform`) and its ProviderType reads like `GitHub`.
// ---------------------------------------------------------------------------------------------------------

/** A Git sync Revision. */
export interface WireGitSyncRevisionInput {
  readonly sha: string;
  readonly branch?: string;
  readonly directory?: string;
  readonly ownerId?: string;
  /** The repository's name only, without its owner. */
  readonly repositoryName?: string;
  readonly providerType?: 'GitHub' | 'Bitbucket' | 'GitHubEnterpriseServer' | 'GitLab' | 'GitLabSelfManaged';
}

/** `{ Branch: 'main', Directory, OwnerId: 'acme', RepositoryName: 'platform', ProviderType: 'GitHub', Sha }`. */
export function wireGitSyncRevision(r: WireGitSyncRevisionInput): WireJson {
  return {
    Branch: r.branch ?? 'main',
    Directory: r.directory ?? 'deployments/app-stack.yaml',
    OwnerId: r.ownerId ?? 'acme',
    RepositoryName: r.repositoryName ?? 'platform',
    ProviderType: r.providerType ?? 'GitHub',
    Sha: r.sha,
  };
}

/** A Git sync ResourceSyncEvent; `time` as a Date or epoch milliseconds. */
export function wireGitSyncEvent(type: string, text: string, time: Date | number, externalId?: string): WireJson {
  return { Event: text, ...(externalId === undefined ? {} : { ExternalId: externalId }), Time: epochSeconds(time), Type: type };
}

/** Options of {@link wireGitSyncAttempt}. */
export interface WireGitSyncAttemptOptions {
  readonly startedAt?: Date | number;
  readonly initialSha?: string;
  /** The stack the sync deploys (default `app-stack`). */
  readonly target?: string;
  /** Defaults to one STARTED event at startedAt (plus a terminal event for SUCCEEDED/FAILED). */
  readonly events?: readonly WireJson[];
  readonly revision?: Omit<WireGitSyncRevisionInput, 'sha'>;
}

/** A Git sync ResourceSyncAttempt with `status` for target sha `sha`. */
export function wireGitSyncAttempt(status: string, sha: string, o: WireGitSyncAttemptOptions = {}): WireJson {
  const start = toMs(o.startedAt ?? Date.UTC(2026, 0, 15, 10, 0, 0));
  return {
    Events: [...(o.events ?? defaultEvents(status, sha, start).map(([type, text, time]) => wireGitSyncEvent(type, text, time)))],
    InitialRevision: wireGitSyncRevision({ ...o.revision, sha: o.initialSha ?? sha }),
    StartedAt: epochSeconds(start),
    Status: status,
    TargetRevision: wireGitSyncRevision({ ...o.revision, sha }),
    Target: o.target ?? 'app-stack',
  };
}

/** A GetResourceSyncStatus output: LatestSync is required by the model; the others are absent when omitted. */
export function wireGitSyncOutput(parts: { latest: WireJson; desired?: string | WireGitSyncRevisionInput; latestSuccessful?: WireJson }): WireJson {
  return {
    ...(parts.desired === undefined ? {} : { DesiredState: wireGitSyncRevision(typeof parts.desired === 'string' ? { sha: parts.desired } : parts.desired) }),
    ...(parts.latestSuccessful ? { LatestSuccessfulSync: parts.latestSuccessful } : {}),
    LatestSync: parts.latest,
  };
}

/** A Git sync SyncBlocker (type AUTOMATED, the only one). */
export function wireGitSyncBlocker(b: WireBlockerInput = {}): WireJson {
  const createdAt = toMs(b.createdAt ?? Date.UTC(2026, 0, 15, 9, 0, 0));
  const resolved = b.status === 'RESOLVED';
  return {
    Id: b.id ?? 'blocker-1',
    Type: 'AUTOMATED',
    Status: b.status ?? 'ACTIVE',
    CreatedReason: b.createdReason ?? 'Stack deployment failed: the stack is in UPDATE_ROLLBACK_FAILED',
    CreatedAt: epochSeconds(createdAt),
    ...(b.contexts ? { Contexts: Object.entries(b.contexts).map(([Key, Value]) => ({ Key, Value })) } : {}),
    ...(b.resolvedReason || resolved ? { ResolvedReason: b.resolvedReason ?? 'Resolved by the operator' } : {}),
    ...(b.resolvedAt !== undefined || resolved ? { ResolvedAt: epochSeconds(toMs(b.resolvedAt ?? createdAt + 3_600_000)) } : {}),
  };
}

/** A GetSyncBlockerSummary output; without blockers, what the service answers for a stack that has none. */
export function wireGitSyncBlockerSummary(stackName: string, blockers?: readonly WireJson[], parentResourceName?: string): WireJson {
  return {
    SyncBlockerSummary: {
      ResourceName: stackName,
      ...(parentResourceName === undefined ? {} : { ParentResourceName: parentResourceName }),
      ...(blockers === undefined ? {} : { LatestBlockers: [...blockers] }),
    },
  };
}

/** A Git sync configuration (GetSyncConfiguration's SyncConfiguration) of a stack. */
export interface WireGitSyncConfigurationInput {
  readonly stackName: string;
  readonly branch?: string;
  /** The deployment file. */
  readonly configFile?: string;
  /** Absent leaves the member out (the API's default is ANY_CHANGE). */
  readonly trigger?: 'ANY_CHANGE' | 'FILE_CHANGE';
  readonly ownerId?: string;
  readonly repositoryName?: string;
}

/** `{ Branch: 'main', ConfigFile: 'deployments/<stack>.yaml', TriggerResourceUpdateOn: 'ANY_CHANGE', ... }`, every required member. */
export function wireGitSyncConfiguration(c: WireGitSyncConfigurationInput): WireJson {
  return {
    Branch: c.branch ?? 'main',
    ConfigFile: c.configFile ?? `deployments/${c.stackName}.yaml`,
    OwnerId: c.ownerId ?? 'acme',
    ProviderType: 'GitHub',
    RepositoryLinkId: '3f0c5e7a-1b2c-4d5e-8f90-123456789abc',
    RepositoryName: c.repositoryName ?? 'platform',
    ResourceName: c.stackName,
    RoleArn: 'arn:aws:iam::123456789012:role/git-sync-role',
    SyncType: 'CFN_STACK_SYNC',
    PublishDeploymentStatus: 'DISABLED',
    ...(c.trigger === undefined ? {} : { TriggerResourceUpdateOn: c.trigger }),
  };
}
