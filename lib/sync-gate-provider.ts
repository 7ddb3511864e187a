import * as fs from 'fs';
import * as path from 'path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { CallBudget, Limits } from './contract';
import { acknowledgeProviderNagFindings } from './nag-suppressions';

/** Where the prebuilt handler bundle lives, relative to this file (lib/*.ts and lib/*.js alike). */
export const HANDLER_ASSET_DIR = path.join(__dirname, '..', 'assets', 'handler');

/**
 * The Lambda runtime of the gate's handlers: Node.js 24, the runtime the bundle is built for. Built by name, the
 * way aws-cdk-lib defines `Runtime.NODEJS_24_X` itself, because aws-cdk-lib releases older than that constant
 * (the peer-dependency floor is older) would hand us `undefined`.
 */
export const HANDLER_RUNTIME = new lambda.Runtime('nodejs24.x', lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true });

/**
 * How long the Provider's waiter polls before it gives up: at least CloudFormation's hour, rounded up to a whole
 * number of poll intervals, since aws-cdk-lib's Provider requires totalTimeout to be a multiple of queryInterval
 * (for 7 s: 515 polls, 3,605 s). Every gate answers by itself before it (see Limits.cloudFormationReserveSeconds).
 */
export function providerTotalTimeout(pollIntervalSeconds: number): Duration {
  return Duration.seconds(Math.ceil(Limits.maxWaitTimeoutSeconds / pollIntervalSeconds) * pollIntervalSeconds);
}

/**
 * The custom-resource provider that all gates of a stack with the same poll interval share: two handler
 * functions, their log group and roles, and aws-cdk-lib's Provider framework (whose Step Functions waiter
 * calls isComplete every poll interval). Found by a well-known id, so each extra gate adds one resource.
 */
export class SyncGateProvider extends Construct {
  /** Returns the stack's provider for this poll interval, creating it on first use. */
  public static getOrCreate(scope: Construct, pollInterval: Duration): SyncGateProvider {
    const stack = Stack.of(scope);
    const seconds = pollInterval.toSeconds();
    const id =
      seconds === Limits.defaultPollIntervalSeconds
        ? 'ProtonSyncGateProvider'
        : `ProtonSyncGateProviderPoll${seconds}s`;
    const existing = stack.node.tryFindChild(id);
    return existing instanceof SyncGateProvider ? existing : new SyncGateProvider(stack, id, pollInterval);
  }

  /** The ServiceToken that gates point at. */
  public readonly serviceToken: string;
  /** Where the handlers write one line per poll (instance, status, shas, elapsed and remaining time). */
  public readonly logGroup: logs.LogGroup;
  /** The handler that reads Proton; its role is the only one allowed proton:GetServiceInstanceSyncStatus. */
  public readonly isCompleteFunction: lambda.Function;
  /** The handler that validates properties and names the resource; it never calls Proton. */
  public readonly onEventFunction: lambda.Function;

  private constructor(scope: Construct, id: string, pollInterval: Duration) {
    super(scope, id);

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
      description: 'Proton sync gate onEvent handler: writes its logs, calls nothing',
    });
    const isCompleteRole = new iam.Role(this, 'IsCompleteRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Proton sync gate isComplete handler: reads one Proton sync status and its own stack status, writes its logs',
    });
    isCompleteRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['proton:GetServiceInstanceSyncStatus'],
        // The action supports no resource-level permissions and no condition keys.
        resources: ['*'],
      }),
    );
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
      description: 'Proton sync gate: validates the gate and names the resource',
    });
    this.isCompleteFunction = new lambda.Function(this, 'IsComplete', {
      ...common,
      handler: 'index.isComplete',
      role: isCompleteRole,
      timeout: Duration.seconds(CallBudget.handlerTimeoutSeconds),
      description: 'Proton sync gate: reads GetServiceInstanceSyncStatus and decides',
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
      queryInterval: pollInterval,
      totalTimeout: providerTotalTimeout(pollInterval.toSeconds()),
      logGroup: frameworkLogs,
      // aws-cdk-lib's default before 2.206.0 was false (a third log group and log-delivery rights on '*');
      // stated here so that every aws-cdk-lib in the peer range builds the same waiter. See AwsSolutions-SF1.
      disableWaiterStateMachineLogging: true,
      frameworkOnEventRole: frameworkRole('FrameworkOnEventRole', 'Proton sync gate: Provider framework onEvent (invokes onEvent, starts the waiter)'),
      frameworkCompleteAndTimeoutRole: frameworkRole(
        'FrameworkWaiterRole',
        'Proton sync gate: Provider framework isComplete and onTimeout (invoke isComplete, answer CloudFormation)',
      ),
    });
    this.serviceToken = provider.serviceToken;

    // Findings that are by design (Proton's Resource '*', aws-cdk-lib's framework resources), each with its reason.
    acknowledgeProviderNagFindings({
      isCompleteRole,
      userFunctions: [this.onEventFunction, this.isCompleteFunction],
      provider,
    });
  }
}
