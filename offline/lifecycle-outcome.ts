/**
 * What CloudFormation gets back for one lifecycle request of the offline world, and the checks CloudFormation
 * makes on a custom resource's response.
 */
import type { DescribeStacksCall } from './fake-cloudformation-api';
import type { ProtonCall } from './fake-proton';
import type { ServiceCall } from './fake-service-types';
import type { StsCall } from './fake-sts';

/** What CloudFormation got back for one lifecycle request, and what it took. */
export interface LifecycleOutcome {
  readonly requestType: 'Create' | 'Update' | 'Delete';
  readonly logicalResourceId: string;
  /** The CloudFormation RequestId: every call, invocation and log line below was attributed to it. */
  readonly requestId: string;
  /** The status CloudFormation records: the response's, or FAILED when the response broke a CloudFormation limit. */
  readonly status: 'SUCCESS' | 'FAILED';
  readonly reason: string;
  readonly physicalResourceId: string;
  /** Data attributes of a SUCCESS (empty object when none). */
  readonly data: Readonly<Record<string, unknown>>;
  /** Size of the PUT body in bytes (CloudFormation allows at most 4,096). */
  readonly responseBytes: number;
  /** The PUT body as received. */
  readonly body: Readonly<Record<string, unknown>>;
  /** The request CloudFormation sent (ResponseURL included). */
  readonly request: Readonly<Record<string, unknown>>;
  /** Proton calls this request's functions made. */
  readonly protonCalls: readonly ProtonCall[];
  /** CodeStar Connections (CloudFormation Git sync) calls this request's functions made. */
  readonly gitSyncCalls: readonly ServiceCall[];
  /** Calls to every sync-status service (Proton and Git sync), in order of arrival. */
  readonly apiCalls: readonly ServiceCall[];
  /** CloudFormation DescribeStacks calls this request's functions made. */
  readonly describeStacksCalls: readonly DescribeStacksCall[];
  /** STS calls (AssumeRole of a reader role) this request's functions made. */
  readonly stsCalls: readonly StsCall[];
  /** How many times the waiter ran the framework's isComplete task. */
  readonly waiterAttempts: number;
  /** Virtual time from sending the request to receiving the answer. */
  readonly virtualElapsedMs: number;
  /** Real time from sending the request to receiving the answer. */
  readonly realElapsedMs: number;
  /** Real wall-clock time (ms) at which the answer arrived. */
  readonly respondedAt: number;
  /** Log lines that this request's invocations wrote (all log groups), in order. */
  readonly logs: readonly string[];
  /** The gate's structured poll lines (`{"message":"poll",...}`) among {@link logs}. */
  readonly polls: readonly Record<string, unknown>[];
}

/** Options of one lifecycle request. */
export interface RequestOptions {
  /** The custom resource to act on; defaults to the stack's only custom resource. */
  readonly logicalResourceId?: string;
  /**
   * The stack status DescribeStacks reports while the request runs. Defaults to what CloudFormation shows:
   * CREATE_IN_PROGRESS, UPDATE_IN_PROGRESS, DELETE_IN_PROGRESS; pass UPDATE_ROLLBACK_IN_PROGRESS for the Update
   * that rolls a failed update back, or UPDATE_COMPLETE_CLEANUP_IN_PROGRESS for the Delete after a replacement.
   */
  readonly stackStatus?: string;
}

/** The structured poll lines among log lines. */
export function pollsOf(logs: readonly string[]): Record<string, unknown>[] {
  return logs.flatMap((line) => {
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      return parsed.message === 'poll' ? [parsed] : [];
    } catch {
      return [];
    }
  });
}

/** What CloudFormation checks in a custom resource's response. */
export function checkResponse(body: Record<string, unknown>, request: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (body.Status !== 'SUCCESS' && body.Status !== 'FAILED') problems.push(`Status ${JSON.stringify(body.Status)}`);
  for (const key of ['StackId', 'RequestId', 'LogicalResourceId'] as const) {
    if (body[key] !== request[key]) problems.push(`${key} ${JSON.stringify(body[key])} does not match the request's ${JSON.stringify(request[key])}`);
  }
  if (typeof body.PhysicalResourceId !== 'string' || body.PhysicalResourceId.length === 0) problems.push('PhysicalResourceId missing');
  if (body.Status === 'FAILED' && !body.Reason) problems.push('a FAILED response needs a Reason');
  if (request.RequestType === 'Delete' && body.PhysicalResourceId !== request.PhysicalResourceId) problems.push('Delete changed the PhysicalResourceId');
  if (body.Data !== undefined && (typeof body.Data !== 'object' || body.Data === null || Array.isArray(body.Data))) problems.push('Data is not an object');
  return problems;
}
