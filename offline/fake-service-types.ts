/**
 * The vocabulary of the model-checked fake AWS JSON services ({@link FakeAwsJsonService}): scripted steps, the
 * record of a call, the operations a fake serves and its options. Shared by the fake Proton and the fake
 * CodeStar Connections, which differ only in their models and operation bindings.
 */
import type { SmithyModel } from './smithy-model';

/** A JSON body exactly as it goes on the wire (timestamps are epoch seconds). */
export type WireJson = Record<string, unknown>;

interface StepTiming {
  /** How many consecutive calls this step serves (default 1). The last step of a script repeats forever. */
  readonly times?: number;
  /** Wait this long (real ms) before answering (or dropping). Longer than the SDK's requestTimeout makes the client give up. */
  readonly delayMs?: number;
}

/** Answer with this output body (checked against the operation's output shape when scripted). */
export interface RespondStep extends StepTiming {
  readonly respond: WireJson;
}

/** Answer with a modelled error of the operation; its HTTP status code comes from the model. */
export interface ErrorStep<E extends string = string> extends StepTiming {
  readonly error: E;
  readonly message?: string;
}

/** Close the connection without answering (the client sees a reset socket). */
export interface DropStep extends StepTiming {
  readonly drop: true;
}

/**
 * Answer with a body computed per call, e.g. from the service's clock (`now`) to flip a sync to SUCCEEDED at a
 * given (virtual) time. Checked against the model when served: a body outside the model is answered with the
 * operation's server error and recorded in `scenarioViolations`.
 */
export interface DynamicStep<C extends ServiceCall = ServiceCall> extends StepTiming {
  readonly respondWith: (call: C, now: number) => WireJson;
}

/** One step of a scripted scenario. */
export type Step<E extends string = string, C extends ServiceCall = ServiceCall> = RespondStep | ErrorStep<E> | DropStep | DynamicStep<C>;

/** One request a fake received. */
export interface ServiceCall {
  /** 1-based, over all operations and resources of the fake. */
  readonly seq: number;
  /** The operation's short name (from X-Amz-Target), e.g. GetServiceInstanceSyncStatus; undefined when unknown. */
  readonly operation?: string;
  /** The resource the request is about (the key its scripts are stored under), e.g. `api/prod` or a stack name. */
  readonly resourceKey?: string;
  /** The parsed request body. */
  readonly input?: Readonly<Record<string, unknown>>;
  /** Real wall-clock time (ms since epoch) at which the request arrived. */
  readonly receivedAt: number;
  /** The service clock's time (`now()`) at which the request arrived. */
  readonly serviceTimeAt: number;
  /** Region from the SigV4 credential scope. */
  readonly region?: string;
  /** The account the caller signed as (see FakeAwsJsonService.iam); undefined when its key is not known. */
  readonly account?: string;
  /** The ARN the caller signed as, when the fake knows IAM and the key. */
  readonly caller?: string;
  /**
   * Which lifecycle request of the offline world made the call (its CloudFormation RequestId), when the fake
   * was told how to tell (see `FakeAwsJsonService.attribute`).
   */
  readonly requestTag?: string;
  /** What the fake did. `rejected`: the request broke the model (answered with the validation error). */
  outcome: 'response' | 'error' | 'dropped' | 'rejected' | 'pending';
  httpStatus?: number;
  errorType?: string;
  /** True when the account-wide rate limit answered the call with ThrottlingException (no script step served it). */
  throttled?: boolean;
  /** Index of the script step that served the call (undefined when unscripted, throttled or rejected). */
  stepIndex?: number;
  /** Bytes of the body served. */
  responseBytes?: number;
  /** True when the client closed the connection before the fake answered (e.g. its request timeout fired). */
  clientGaveUp: boolean;
  /** Real wall-clock time at which the fake finished with the call. */
  finishedAt?: number;
}

/** What a resource without a script answers. */
export type Unscripted = { readonly error: string; readonly message: string } | { readonly respond: WireJson };

/** One operation a fake serves, bound to the model that defines it. */
export interface OperationBinding {
  /** Short operation name, e.g. GetServiceInstanceSyncStatus. */
  readonly name: string;
  /** The model the operation, its input, output and errors are read from. */
  readonly model: SmithyModel;
  /** The resource a (valid) request is about: scripts and `callsFor` use this key. */
  readonly resourceKey: (input: Readonly<Record<string, unknown>>) => string;
  /** What a resource without a script answers, as the real service does (not found, or an empty body). */
  readonly unscripted: (input: Readonly<Record<string, unknown>>) => Unscripted;
  /** Extra members for the call record (e.g. serviceName), from the parsed input. */
  readonly callFields?: (input: Readonly<Record<string, unknown>>) => Record<string, unknown>;
}

/** An account-wide token bucket over every operation and resource of one service. */
export interface RateLimit {
  /** Tokens added per second of the service's clock. */
  readonly perSecond: number;
  /** Size of the bucket (and the tokens it starts with). */
  readonly burst: number;
}

/** Options every fake service takes. */
export interface FakeServiceOptions<C extends ServiceCall = ServiceCall> {
  /** Called for every request once it is recorded, before it is answered (benchmarks timestamp here). */
  readonly onCall?: (call: C) => void;
  /**
   * The service's clock (ms since epoch) for the Date header of its answers and for its rate limit. SDKs compare
   * it with their own and retry after correcting a skew of more than 5 minutes, so it must follow the client's
   * (virtual) clock. Default: real time. Settable later through the fake's `now`.
   */
  readonly now?: () => number;
  /** Answer requests beyond this account-wide rate with ThrottlingException (default: no limit). */
  readonly rateLimit?: RateLimit;
}
