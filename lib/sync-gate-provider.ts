import * as fs from 'fs';
import * as path from 'path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { CallBudget, HANDLER_NODE_MAJOR, Limits } from './limits';
import { acknowledgeProviderNagFindings, acknowledgeSourceReads } from './nag-suppressions';
import { readActionsOf, SourceStatementIds, SyncGateSource } from './sources';

/** Where the prebuilt handler bundle lives, relative to this file (lib/*.ts and lib/*.js alike). */
export const HANDLER_ASSET_DIR = path.join(__dirname, '..', 'assets', 'handler');

/**
 * The Lambda runtime of the gate's handlers: Node.js HANDLER_NODE_MAJOR (`nodejs24.x`), the version the bundle is
 * built for. Built by name, the way aws-cdk-lib defines `Runtime.NODEJS_24_X` itself, because aws-cdk-lib releases
 * older than that constant (the peer-dependency floor is older) would hand us `undefined`.
 */
export const HANDLER_RUNTIME = new lambda.Runtime(`nodejs${HANDLER_NODE_MAJOR}.x`, lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true });

/**
 * How long the Provider's waiter asks before it gives up: CloudFormation's hour, a whole number of waiter ticks
 * (aws-cdk-lib's Provider requires totalTimeout to be a multiple of queryInterval). Every gate answers by itself
 * before it (see Limits.cloudFormationReserveSeconds).
 */
export function providerTotalTimeout(tickSeconds: number = Limits.waiterTickSeconds): Duration {
  return Duration.seconds(Math.ceil(Limits.maxWaitTimeoutSeconds / tickSeconds) * tickSeconds);
}

/**
 * The construct id of the stack's provider, at the stack's root, naming no source. It must never change once
 * released: a new id would be a new onEvent function, and CloudFormation refuses to change a deployed gate's
 * ServiceToken.
 */
export const PROVIDER_ID = 'SyncGateProvider';

function isSyncGateSource(value: string): value is SyncGateSource {
  return Object.hasOwn(SOURCE_GRANTS, value);
}

/** Marks providers across copies of the library (Symbol.for is shared by every module in the process). */
const PROVIDER_BRAND = Symbol.for('cdk-git-sync-gate.SyncGateProvider');

/** Sources whose read actions a provider can grant, with the statement id that keeps each one apart. */
const SOURCE_GRANTS: Record<SyncGateSource, { readonly sid: string; readonly actions: readonly string[] }> = {
  [SyncGateSource.PROTON]: { sid: SourceStatementIds[SyncGateSource.PROTON], actions: readActionsOf(SyncGateSource.PROTON) },
  // The Git sync sid predates the configuration read (GetSyncConfiguration, to explain an expected sha never desired); kept stable.
  [SyncGateSource.GIT_SYNC]: { sid: SourceStatementIds[SyncGateSource.GIT_SYNC], actions: readActionsOf(SyncGateSource.GIT_SYNC) },
};

/**
 * The custom-resource provider that all gates of a stack share, whatever their source and poll interval: two
 * handler functions, their log group and roles, and aws-cdk-lib's Provider framework (whose Step Functions waiter
 * calls isComplete every waiter tick, 5 s; each gate reads its source at its own pollInterval). Found by a
 * well-known id, so each extra gate adds one resource. One ServiceToken per stack means that no prop change ever
 * changes a deployed gate's ServiceToken, which CloudFormation does not allow.
 */
export class SyncGateProvider extends Construct {
  /**
   * Returns the stack's provider, creating it on first use. Gates of every source and poll interval share it.
   * The lookup checks a brand rather than `instanceof`, so that a provider made by another copy of this library
   * in the same app (two versions in node_modules) is still found instead of clashing on the id.
   */
  public static getOrCreate(scope: Construct): SyncGateProvider {
    const stack = Stack.of(scope);
    const id = PROVIDER_ID;
    const existing = stack.node.tryFindChild(id);
    if (existing === undefined) return new SyncGateProvider(stack, id);
    if (!SyncGateProvider.isSyncGateProvider(existing)) {
      throw new Error(
        `Cannot add a sync gate to stack ${stack.node.path}: the construct id "${id}" at the stack's root is taken by ` +
          `${existing.constructor?.name ?? 'another construct'}, and sync gates keep their shared provider there. ` +
          'Give that construct another id.',
      );
    }
    if (typeof (existing as Partial<SyncGateProvider>).grantSource !== 'function') {
      throw new Error(
        `Cannot add a sync gate to stack ${stack.node.path}: its provider "${id}" was made by an older copy of ` +
          'cdk-git-sync-gate loaded in the same app, which cannot serve every source. Install one version ' +
          '(check `npm ls cdk-git-sync-gate`).',
      );
    }
    return existing;
  }

  /** Whether `x` is a sync-gate provider, made by this copy of the library or another one. */
  public static isSyncGateProvider(x: unknown): x is SyncGateProvider {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[PROVIDER_BRAND] === true;
  }

  /** The ServiceToken that gates point at. */
  public readonly serviceToken: string;
  /** Where the handlers write one line per poll (instance, status, shas, elapsed and remaining time). */
  public readonly logGroup: logs.LogGroup;
  /** The handler that reads the sources; its role is the only one allowed their read actions. */
  public readonly isCompleteFunction: lambda.Function;
  /** The handler that validates properties and names the resource; it never calls a source. */
  public readonly onEventFunction: lambda.Function;
  private readonly isCompleteRole: iam.Role;
  /** Sources granted so far, in the order of their first gate. */
  private readonly granted: SyncGateSource[] = [];
  /** The one statement that allows sts:AssumeRole on the reader roles the stack's gates name, once a gate names one. */
  private assumeStatement?: iam.PolicyStatement;
  /** The reader role ARNs granted so far (tokens by their string form). */
  private readonly assumable: string[] = [];

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    Object.defineProperty(this, PROVIDER_BRAND, { value: true });

    if (!fs.existsSync(path.join(HANDLER_ASSET_DIR, 'index.js'))) {
      throw new Error(
        `The gate's handler bundle is missing at ${HANDLER_ASSET_DIR}/index.js. ` +
          'In a clone of this project, run `npm run build:handler`; an installed package ships it prebuilt.',
      );
    }
    const code = lambda.Code.fromAsset(HANDLER_ASSET_DIR);

    this.logGroup = new logs.LogGroup(this, 'HandlerLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const onEventRole = new iam.Role(this, 'OnEventRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Sync gate onEvent handler: writes its logs, calls nothing',
    });
    const isCompleteRole = new iam.Role(this, 'IsCompleteRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Sync gate isComplete handler: reads sync statuses and blockers, its own stack status, writes its logs',
    });
    this.isCompleteRole = isCompleteRole;
    // The sources' read actions are added by grantSource, for the sources the stack's gates use.
    isCompleteRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // Only to tell an update rollback from an update (a rollback is never judged, so it cannot get stuck).
        actions: ['cloudformation:DescribeStacks'],
        resources: [Stack.of(this).stackId],
      }),
    );
    for (const role of [onEventRole, isCompleteRole]) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [this.logGroup.logGroupArn],
        }),
      );
    }

    const common = {
      runtime: HANDLER_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      code,
      memorySize: 256,
      logGroup: this.logGroup,
    } satisfies Partial<lambda.FunctionProps>;

    this.onEventFunction = new lambda.Function(this, 'OnEvent', {
      ...common,
      handler: 'index.onEvent',
      role: onEventRole,
      timeout: Duration.seconds(30),
      description: 'Sync gate: validates the gate and names the resource',
    });
    this.isCompleteFunction = new lambda.Function(this, 'IsComplete', {
      ...common,
      handler: 'index.isComplete',
      role: isCompleteRole,
      timeout: Duration.seconds(CallBudget.handlerTimeoutSeconds),
      description: 'Sync gate: reads the sync status (and blockers) and decides',
    });

    // The framework's own functions get roles of ours: without them, aws-cdk-lib gives each of its three
    // functions a role with the AWS managed AWSLambdaBasicExecutionRole (logs on every log group). These may
    // write only to the framework's log group; the Provider adds the invoke and start-execution grants.
    const frameworkLogs = new logs.LogGroup(this, 'FrameworkLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const frameworkRole = (id: string, description: string): iam.Role => {
      const role = new iam.Role(this, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description });
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [frameworkLogs.logGroupArn] }),
      );
      return role;
    };

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.onEventFunction,
      isCompleteHandler: this.isCompleteFunction,
      queryInterval: Duration.seconds(Limits.waiterTickSeconds),
      totalTimeout: providerTotalTimeout(),
      logGroup: frameworkLogs,
      // aws-cdk-lib's default before 2.206.0 was false (a third log group and log-delivery rights on '*');
      // stated here so that every aws-cdk-lib in the peer range builds the same waiter. See AwsSolutions-SF1.
      disableWaiterStateMachineLogging: true,
      frameworkOnEventRole: frameworkRole('FrameworkOnEventRole', 'Sync gate: Provider framework onEvent (invokes onEvent, starts the waiter)'),
      frameworkCompleteAndTimeoutRole: frameworkRole(
        'FrameworkWaiterRole',
        'Sync gate: Provider framework isComplete and onTimeout (invoke isComplete, answer CloudFormation)',
      ),
    });
    this.serviceToken = provider.serviceToken;

    // Findings that are by design (the sources' Resource '*', granted in grantSource; aws-cdk-lib's framework resources), each with its reason.
    acknowledgeProviderNagFindings({
      isCompleteRole,
      userFunctions: [this.onEventFunction, this.isCompleteFunction],
      provider,
    });
  }

  /**
   * Lets the isComplete handler read `source` (its sync status and sync blockers): one statement per source, on
   * Resource '*' (none of these actions supports resource-level permissions), added on the first gate of that
   * source. Idempotent.
   */
  public grantSource(source: string): void {
    if (!isSyncGateSource(source)) {
      throw new Error(`Unknown sync source ${JSON.stringify(source)}: expected one of ${Object.keys(SOURCE_GRANTS).join(', ')}.`);
    }
    const grant = SOURCE_GRANTS[source];
    if (this.granted.includes(source)) return;
    this.granted.push(source);
    this.isCompleteRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: grant.sid, actions: [...grant.actions], resources: ['*'] }),
    );
    acknowledgeSourceReads(this.isCompleteRole, this.granted.flatMap((s) => SOURCE_GRANTS[s].actions));
  }

  /**
   * Lets the isComplete handler assume `roleArn`, a gate's reader role: one statement (`Sid` `AssumeReaderRoles`)
   * for all of them, whose resources are exactly the roles the stack's gates name, added on the first. Idempotent.
   */
  public grantAssumeRole(roleArn: string): void {
    if (this.assumable.includes(roleArn)) return;
    this.assumable.push(roleArn);
    if (this.assumeStatement) {
      this.assumeStatement.addResources(roleArn);
      return;
    }
    this.assumeStatement = new iam.PolicyStatement({ sid: 'AssumeReaderRoles', actions: ['sts:AssumeRole'], resources: [roleArn] });
    this.isCompleteRole.addToPrincipalPolicy(this.assumeStatement);
  }
}
