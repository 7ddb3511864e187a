/**
 * What the sources read of an SDK error (name, message, code, HTTP status, attempts, unreachable, transient), which
 * kind of failed status read it is (each source words the kinds: proton.test.ts and git-sync.test.ts pin the words),
 * and the one line a failed sync-blocker read leaves in the poll log and the reason.
 */
import { AccessDeniedException, InternalServerException, ResourceNotFoundException, ThrottlingException } from '@aws-sdk/client-proton';
import { SyncGateError } from '../../../lambda/core/errors';
import { describeBlockerReadFailure, explainReadFailure, ReadFailureWords, readSdkFailure, SdkFailure } from '../../../lambda/sources/sdk-errors';

/** A Node.js or SDK error as `client.send()` rejects with it. */
function sdkError(message: string, fields: { name?: string; code?: string; $metadata?: { httpStatusCode?: number; attempts?: number } }): Error {
  return Object.assign(new Error(message), fields);
}

describe('readSdkFailure', () => {
  it.each<[string, unknown, SdkFailure]>([
    [
      'a modelled throttling answer, after every attempt',
      new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429, attempts: 5 } }),
      { name: 'ThrottlingException', message: 'Rate exceeded', code: 'ThrottlingException', httpStatus: 429, afterAttempts: ' after 5 attempts', unreachable: false, transient: true },
    ],
    [
      'throttling by its name alone, whatever the HTTP status',
      sdkError('Slow down', { name: 'ThrottlingException', $metadata: { httpStatusCode: 400, attempts: 2 } }),
      { name: 'ThrottlingException', message: 'Slow down', code: 'ThrottlingException', httpStatus: 400, afterAttempts: ' after 2 attempts', unreachable: false, transient: true },
    ],
    [
      'TooManyRequests by its name alone',
      sdkError('Too many', { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 400 } }),
      { name: 'TooManyRequestsException', message: 'Too many', code: 'TooManyRequestsException', httpStatus: 400, afterAttempts: '', unreachable: false, transient: true },
    ],
    [
      'HTTP 429 under a name that does not say throttling',
      sdkError('Request limit exceeded', { name: 'RequestLimitExceeded', $metadata: { httpStatusCode: 429, attempts: 3 } }),
      { name: 'RequestLimitExceeded', message: 'Request limit exceeded', code: 'RequestLimitExceeded', httpStatus: 429, afterAttempts: ' after 3 attempts', unreachable: false, transient: true },
    ],
    [
      'an internal error after a single attempt (singular)',
      new InternalServerException({ message: 'boom', $metadata: { httpStatusCode: 500, attempts: 1 } }),
      { name: 'InternalServerException', message: 'boom', code: 'InternalServerException', httpStatus: 500, afterAttempts: ' after 1 attempt', unreachable: false, transient: true },
    ],
    [
      'an unmodelled HTTP 503',
      sdkError('Service Unavailable', { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }),
      { name: 'ServiceUnavailable', message: 'Service Unavailable', code: 'ServiceUnavailable', httpStatus: 503, afterAttempts: '', unreachable: false, transient: true },
    ],
    [
      'a 4xx answer: not transient',
      new ResourceNotFoundException({ message: 'not found', $metadata: { httpStatusCode: 404, attempts: 1 } }),
      { name: 'ResourceNotFoundException', message: 'not found', code: 'ResourceNotFoundException', httpStatus: 404, afterAttempts: ' after 1 attempt', unreachable: false, transient: false },
    ],
    [
      'access denied: not transient',
      new AccessDeniedException({ message: 'not authorized', $metadata: { httpStatusCode: 403 } }),
      { name: 'AccessDeniedException', message: 'not authorized', code: 'AccessDeniedException', httpStatus: 403, afterAttempts: '', unreachable: false, transient: false },
    ],
    [
      'a refused connection: unreachable, and not worth asking again',
      sdkError('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED', $metadata: { attempts: 5 } }),
      { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:1', code: 'ECONNREFUSED', afterAttempts: ' after 5 attempts', unreachable: true, transient: false },
    ],
    [
      'a name that does not resolve: unreachable, not transient',
      sdkError('getaddrinfo ENOTFOUND proton.us-east-1.amazonaws.com', { code: 'ENOTFOUND' }),
      { name: 'Error', message: 'getaddrinfo ENOTFOUND proton.us-east-1.amazonaws.com', code: 'ENOTFOUND', afterAttempts: '', unreachable: true, transient: false },
    ],
    [
      'a reset connection: unreachable and transient',
      sdkError('socket hang up', { code: 'ECONNRESET' }),
      { name: 'Error', message: 'socket hang up', code: 'ECONNRESET', afterAttempts: '', unreachable: true, transient: true },
    ],
    [
      'a connection timeout known by its code only: unreachable and transient',
      sdkError('connect ETIMEDOUT 10.0.0.1:443', { code: 'ETIMEDOUT', $metadata: { attempts: 2 } }),
      { name: 'Error', message: 'connect ETIMEDOUT 10.0.0.1:443', code: 'ETIMEDOUT', afterAttempts: ' after 2 attempts', unreachable: true, transient: true },
    ],
    [
      'a request timeout answered by the service (HTTP 408): transient',
      sdkError('Request timed out', { name: 'RequestTimeoutException', $metadata: { httpStatusCode: 408, attempts: 3 } }),
      { name: 'RequestTimeoutException', message: 'Request timed out', code: 'RequestTimeoutException', httpStatus: 408, afterAttempts: ' after 3 attempts', unreachable: false, transient: true },
    ],
    [
      'an S3-style RequestTimeout answered with HTTP 400: transient, unlike other 400s',
      sdkError('Your socket connection to the server was not read from or written to within the timeout period.', { name: 'RequestTimeout', $metadata: { httpStatusCode: 400 } }),
      { name: 'RequestTimeout', message: 'Your socket connection to the server was not read from or written to within the timeout period.', code: 'RequestTimeout', httpStatus: 400, afterAttempts: '', unreachable: false, transient: true },
    ],
    [
      "the SDK's request timeout, known by its name only",
      sdkError('Connection timed out after 200 ms', { name: 'TimeoutError' }),
      { name: 'TimeoutError', message: 'Connection timed out after 200 ms', code: 'TimeoutError', afterAttempts: '', unreachable: true, transient: true },
    ],
    [
      'a broken pipe known by its message only: unreachable and transient',
      new Error('write EPIPE'),
      { name: 'Error', message: 'write EPIPE', code: 'Error', afterAttempts: '', unreachable: true, transient: true },
    ],
    [
      'a reset after an HTTP answer: the service was reached, and a 4xx is not transient',
      sdkError('socket hang up', { code: 'ECONNRESET', $metadata: { httpStatusCode: 400 } }),
      { name: 'Error', message: 'socket hang up', code: 'ECONNRESET', httpStatus: 400, afterAttempts: '', unreachable: false, transient: false },
    ],
    [
      'an error raised before any call: neither unreachable nor transient',
      new TypeError('Cannot read properties of undefined'),
      { name: 'TypeError', message: 'Cannot read properties of undefined', code: 'TypeError', afterAttempts: '', unreachable: false, transient: false },
    ],
    [
      'a thrown string: named Error, the string as its message',
      'boom',
      { name: 'Error', message: 'boom', code: 'Error', afterAttempts: '', unreachable: false, transient: false },
    ],
    [
      'nothing thrown at all',
      undefined,
      { name: 'Error', message: 'undefined', code: 'Error', afterAttempts: '', unreachable: false, transient: false },
    ],
  ])('reads %s', (_name, error, expected) => {
    expect(readSdkFailure(error)).toEqual(expected);
  });
});

describe('describeBlockerReadFailure', () => {
  const CALL = 'Proton\'s GetServiceSyncBlockerSummary for service "api" in us-east-1';
  const ACTION = 'proton:GetServiceSyncBlockerSummary';
  it.each<[string, unknown, string]>([
    [
      'names the action to allow when access is denied with HTTP 403',
      new AccessDeniedException({ message: 'not authorized', $metadata: { httpStatusCode: 403 } }),
      `${CALL} failed (HTTP 403 AccessDeniedException: not authorized). Allow proton:GetServiceSyncBlockerSummary on Resource "*" to the handler role.`,
    ],
    [
      'names the action to allow for AccessDeniedException without an HTTP status',
      sdkError('not authorized', { name: 'AccessDeniedException' }),
      `${CALL} failed (AccessDeniedException: not authorized). Allow proton:GetServiceSyncBlockerSummary on Resource "*" to the handler role.`,
    ],
    [
      'names the action to allow for any HTTP 403',
      sdkError('Forbidden', { name: 'Forbidden', $metadata: { httpStatusCode: 403, attempts: 2 } }),
      `${CALL} failed after 2 attempts (HTTP 403 Forbidden: Forbidden). Allow proton:GetServiceSyncBlockerSummary on Resource "*" to the handler role.`,
    ],
    [
      'gives no permission hint for throttling, and says how many attempts were made',
      new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429, attempts: 5 } }),
      `${CALL} failed after 5 attempts (HTTP 429 ThrottlingException: Rate exceeded).`,
    ],
    [
      'shows no HTTP status when there was no answer',
      sdkError('socket hang up', { code: 'ECONNRESET', $metadata: { attempts: 1 } }),
      `${CALL} failed after 1 attempt (Error: socket hang up).`,
    ],
  ])('%s', (_name, error, expected) => {
    expect(describeBlockerReadFailure(error, CALL, ACTION)).toBe(expected);
  });
});

describe('explainReadFailure', () => {
  /** Words that name the kind they were picked for, and what they were given. */
  const WORDS: ReadFailureWords = {
    notFound: (f) => `notFound ${f.name}`,
    accessDenied: (f) => `accessDenied ${f.name}`,
    badInputName: 'InvalidInputException',
    badInput: (f) => `badInput ${f.name}`,
    busy: (f) => `busy ${f.name}${f.afterAttempts}`,
    otherAnswer: (f) => `otherAnswer HTTP ${f.httpStatus} ${f.name}`,
    unreachable: (f) => `unreachable ${f.code}`,
    beforeAnswer: (f) => `beforeAnswer ${f.name}: ${f.message}`,
  };
  it.each<[string, unknown, string, boolean]>([
    ['a modelled not-found answer', new ResourceNotFoundException({ message: 'gone', $metadata: { httpStatusCode: 404 } }), 'notFound ResourceNotFoundException', false],
    ['access denied', new AccessDeniedException({ message: 'no', $metadata: { httpStatusCode: 403 } }), 'accessDenied AccessDeniedException', false],
    ["the source's own bad-input name", sdkError('bad', { name: 'InvalidInputException', $metadata: { httpStatusCode: 400 } }), 'badInput InvalidInputException', false],
    [
      "another source's bad-input name, as any other answer",
      sdkError('bad', { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }),
      'otherAnswer HTTP 400 ValidationException',
      false,
    ],
    ['throttling after every attempt', new ThrottlingException({ message: 'slow', $metadata: { httpStatusCode: 429, attempts: 5 } }), 'busy ThrottlingException after 5 attempts', true],
    ['a server error after every attempt', new InternalServerException({ message: 'boom', $metadata: { httpStatusCode: 500, attempts: 5 } }), 'busy InternalServerException after 5 attempts', true],
    ['an unmodelled 5xx', sdkError('Bad gateway', { name: 'BadGateway', $metadata: { httpStatusCode: 502 } }), 'otherAnswer HTTP 502 BadGateway', true],
    ['an unmodelled 4xx', sdkError('nope', { name: 'UnknownOperationException', $metadata: { httpStatusCode: 404 } }), 'otherAnswer HTTP 404 UnknownOperationException', false],
    ['a refused connection', sdkError('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }), 'unreachable ECONNREFUSED', false],
    ['a reset connection', sdkError('socket hang up', { code: 'ECONNRESET' }), 'unreachable ECONNRESET', true],
    ['an error raised before any answer', new TypeError('Cannot read properties of undefined'), 'beforeAnswer TypeError: Cannot read properties of undefined', false],
    // Transient is the failure's, whatever the kind: a throttling name that came without an HTTP status is still worth a later poll.
    ['a throttling name without an HTTP status', sdkError('Too many', { name: 'TooManyRequestsException' }), 'beforeAnswer TooManyRequestsException: Too many', true],
  ])('words %s with its kind and keeps the cause and the transient flag', (_name, error, message, transient) => {
    const explained = explainReadFailure(error, WORDS);
    expect(explained).toBeInstanceOf(SyncGateError);
    expect(explained.message).toBe(message);
    expect(explained.transient).toBe(transient);
    expect(explained.cause).toBe(error);
  });
});
