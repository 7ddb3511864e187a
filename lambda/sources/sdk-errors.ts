/**
 * What every source needs to know of an error thrown by an AWS SDK v3 call: its name, message, HTTP status and
 * attempts, and whether the service was never reached; and which kind of failure of a status read it is, so that
 * each source only words its reasons (explainReadFailure).
 */
import { SyncGateError } from '../core/errors';

/** Codes of a call that got no HTTP answer but may get one on a later poll: the connection broke or timed out. */
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'TimeoutError']);

/**
 * Names of an answer saying the request timed out on the service's side (HTTP 400 or 408): worth asking again, as
 * the SDK's own retry classifier (@smithy/service-error-classification) counts them.
 */
const REQUEST_TIMEOUT_NAMES = new Set(['RequestTimeout', 'RequestTimeoutException']);

/** Node.js and SDK error codes of a call that never got an HTTP answer. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'TimeoutError',
]);

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number; totalRetryDelay?: number };
}

/** The parts of an SDK error that reasons use. */
export interface SdkFailure {
  /** Error name: the modelled exception (`ThrottlingException`) or a Node.js/SDK error name. */
  readonly name: string;
  readonly message: string;
  /** The low-level code (`ECONNREFUSED`), or the name. */
  readonly code: string;
  /** HTTP status of the last answer, when there was one. */
  readonly httpStatus?: number;
  /** " after 5 attempts", or '' when the SDK did not say. */
  readonly afterAttempts: string;
  /** No HTTP answer at all: connection refused or reset, DNS failure, timeouts. */
  readonly unreachable: boolean;
  /**
   * Worth asking again on the next poll: throttling, 5xx, request timeouts and broken connections. Refused
   * connections and names that do not resolve are not: that endpoint is not there (as after Proton's end of
   * support), and waiting would only delay the answer.
   */
  readonly transient: boolean;
}

/** Reads an error thrown by an SDK v3 `client.send()`. */
export function readSdkFailure(error: unknown): SdkFailure {
  const e = (error ?? {}) as SdkLikeError;
  const name = e.name ?? 'Error';
  const message = e.message ?? String(error);
  const code = e.code ?? name;
  const attempts = e.$metadata?.attempts;
  const httpStatus = e.$metadata?.httpStatusCode;
  const unreachable =
    !httpStatus && (UNREACHABLE_CODES.has(code) || UNREACHABLE_CODES.has(name) || /socket hang up|ECONNRESET|EPIPE/i.test(message));
  const brokenConnection = TRANSIENT_NETWORK_CODES.has(code) || TRANSIENT_NETWORK_CODES.has(name) || /socket hang up|ECONNRESET|EPIPE/i.test(message);
  return {
    name,
    message,
    code,
    httpStatus,
    afterAttempts: attempts ? ` after ${attempts} attempt${attempts === 1 ? '' : 's'}` : '',
    unreachable,
    transient:
      isThrottling(name) ||
      REQUEST_TIMEOUT_NAMES.has(name) ||
      httpStatus === 429 ||
      (httpStatus !== undefined && httpStatus >= 500) ||
      (unreachable && brokenConnection),
  };
}

/**
 * One line for a sync-blocker read that failed: which call, what came back, and for access denied the action
 * to allow. It goes to the poll log and, if the gate then fails, into the reason; it never fails the gate.
 */
export function describeBlockerReadFailure(error: unknown, call: string, action: string, grantee = 'the handler role'): string {
  if (error instanceof SyncGateError) return `${call} failed: ${error.message}`;
  const { name, message, httpStatus, afterAttempts } = readSdkFailure(error);
  const status = httpStatus ? `HTTP ${httpStatus} ` : '';
  const hint =
    name === 'AccessDeniedException' || httpStatus === 403
      ? ` Allow ${action} on Resource "*" to ${grantee}.`
      : '';
  return `${call} failed${afterAttempts} (${status}${name}: ${message}).${hint}`;
}

/** `text` with its first letter upper case, to start a sentence with a phrase such as readerOf's. */
export function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * How one source words a failed read of its sync status, one reason per kind of failure. Each reason says what
 * happened, for which subject, the value seen and the next step.
 */
export interface ReadFailureWords {
  /** ResourceNotFoundException: the subject does not exist, or is not synced, in that region. */
  readonly notFound: (failure: SdkFailure) => string;
  /** AccessDeniedException: the permission the handler role needs. */
  readonly accessDenied: (failure: SdkFailure) => string;
  /** The name of the source's modelled bad-input error (Proton ValidationException, Git sync InvalidInputException). */
  readonly badInputName: string;
  /** That bad-input error: the input sent. */
  readonly badInput: (failure: SdkFailure) => string;
  /** ThrottlingException or InternalServerException, still answered after the SDK's retries. */
  readonly busy: (failure: SdkFailure) => string;
  /** Any other HTTP answer. */
  readonly otherAnswer: (failure: SdkFailure & { readonly httpStatus: number }) => string;
  /** No HTTP answer at all: refused, reset or timed-out connections, names that do not resolve. */
  readonly unreachable: (failure: SdkFailure) => string;
  /** A failure before the service could answer (credentials, a bug): neither an answer nor the network. */
  readonly beforeAnswer: (failure: SdkFailure) => string;
}

/**
 * Turns an error from a source's status read into a SyncGateError worded by that source, keeping the SDK error as
 * its cause and whether a later poll may succeed (`transient`, as readSdkFailure decides it for every source).
 */
export function explainReadFailure(error: unknown, words: ReadFailureWords): SyncGateError {
  // Already said for the user (the reader role's credentials could not be had: reader-role.ts).
  if (error instanceof SyncGateError) return error;
  const failure = readSdkFailure(error);
  return new SyncGateError(wordFailure(failure, words), { cause: error, transient: failure.transient });
}

function wordFailure(failure: SdkFailure, words: ReadFailureWords): string {
  switch (failure.name) {
    case 'ResourceNotFoundException':
      return words.notFound(failure);
    case 'AccessDeniedException':
      return words.accessDenied(failure);
    case words.badInputName:
      return words.badInput(failure);
    case 'ThrottlingException':
    case 'InternalServerException':
      return words.busy(failure);
    default:
      break;
  }
  const { httpStatus } = failure;
  if (httpStatus) return words.otherAnswer({ ...failure, httpStatus });
  return failure.unreachable ? words.unreachable(failure) : words.beforeAnswer(failure);
}

/**
 * Whether an error name is the API's rate limit. A throttled call is not retried inside a poll
 * (lambda/polite/polite-retry.ts), so reasons say "throttled", not "kept answering ... with backoff".
 */
export function isThrottling(name: string): boolean {
  return /Throttl|TooManyRequests/.test(name);
}
