import * as fc from 'fast-check';
import { boundAttributes, MAX_DATA_JSON_BYTES, toAttributes } from '../../../lambda/core/attributes';
import { applyDeadline, decide } from '../../../lambda/core/decide';
import { failureReason, MAX_REASON_EVENTS } from '../../../lambda/core/reasons';
import { Revision, SyncAttempt, SyncStatus } from '../../../lambda/core/sync-status';
import { jsonBytes, truncateToJsonBytes } from '../../../lambda/core/text';
import { protonSource } from '../../../lambda/sources/proton';
import { ATTRIBUTE_NAMES, Attr, STATUS_NONE } from '../../../lib/contract';
import { attempt, DESIRED, event, OLDER, syncStatus } from '../../fixtures';

const SUBJECT = { source: 'proton' as const, serviceName: 'a'.repeat(100), serviceInstanceName: 'b'.repeat(100), region: 'ap-southeast-4' };
const NAMED = protonSource.reasonSubject(SUBJECT);
const CFN_LIMIT = 4096;

/**
 * The body CloudFormation receives, built as aws-cdk-lib's Provider framework builds it (cfn-response.js
 * submitResponse), with every envelope field at its longest.
 */
function responseBody(status: 'SUCCESS' | 'FAILED', opts: { reason?: string; data?: Record<string, string> }): string {
  // The framework appends the user function's log hint to a failure reason (framework.js invokeUserFunction).
  const reason = opts.reason === undefined ? status : `${opts.reason}\n\nLogs: /aws/lambda/${'F'.repeat(64)}\n`;
  return JSON.stringify({
    Status: status,
    Reason: reason,
    StackId: `arn:aws-us-gov:cloudformation:us-gov-west-1:123456789012:stack/${'S'.repeat(128)}/5b8f1f90-0000-11ef-0000-000000000000`,
    RequestId: '5b8f1f90-0000-11ef-0000-000000000000',
    PhysicalResourceId: `proton:ap-southeast-4:${SUBJECT.serviceName}/${SUBJECT.serviceInstanceName}`,
    LogicalResourceId: 'L'.repeat(255),
    Data: opts.data,
  });
}

// Strings as the API may send them: any Unicode, including characters JSON must escape.
const anyText = (maxLength: number) =>
  fc.oneof(
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: fc.constantFrom('"', '\\', '\u0000', '\u001f', '\n', 'é', '😀'), maxLength }),
    fc.string({ unit: fc.constantFrom('a', '0', '/'), minLength: maxLength, maxLength }),
  );
const nonEmpty = (maxLength: number) => anyText(maxLength).filter((s) => s.length > 0);

const revisionArb: fc.Arbitrary<Revision> = fc.record({
  sha: nonEmpty(255),
  branch: nonEmpty(200),
  directory: anyText(5000),
  repositoryName: nonEmpty(100),
  repositoryProvider: fc.constantFrom('GITHUB', 'GITHUB_ENTERPRISE', 'BITBUCKET'),
});
const dateArb = fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true });
const attemptArb: fc.Arbitrary<SyncAttempt> = fc.record({
  status: fc.constantFrom('INITIATED', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED'),
  startedAt: dateArb,
  target: anyText(2000),
  initialRevision: revisionArb,
  targetRevision: revisionArb,
  events: fc.array(fc.record({ type: anyText(300), time: dateArb, text: anyText(5000) }), { maxLength: 40 }),
});
const statusArb: fc.Arbitrary<SyncStatus> = fc.record(
  { desiredRevision: revisionArb, latestAttempt: attemptArb, latestSuccessfulAttempt: attemptArb },
  { requiredKeys: [] },
);

describe('attributes', () => {
  it('are all present, as strings, even when Proton returns nothing', () => {
    const attrs = toAttributes({});
    expect(Object.keys(attrs).sort()).toEqual([...ATTRIBUTE_NAMES].sort());
    expect(attrs[Attr.Status]).toBe(STATUS_NONE);
    expect(attrs[Attr.InSync]).toBe('false');
    for (const name of ATTRIBUTE_NAMES.filter((n) => n !== Attr.Status && n !== Attr.InSync)) {
      expect(attrs[name]).toBe('');
    }
  });

  it('carry the desired state, both syncs and the newest event as ISO 8601', () => {
    const latest = attempt('SUCCEEDED', DESIRED, {
      startedAt: new Date('2026-11-26T10:05:00Z'),
      events: [event('later', 9, 'SUCCEEDED'), event('earlier', 1, 'STARTED')],
    });
    const attrs = toAttributes(syncStatus(DESIRED, latest, attempt('SUCCEEDED', OLDER)));
    expect(attrs).toEqual({
      Sha: DESIRED,
      Status: 'SUCCEEDED',
      InSync: 'true',
      Branch: 'main',
      Directory: 'proton/instances/prod',
      RepositoryName: 'acme/platform',
      RepositoryProvider: 'GITHUB',
      LatestSyncSha: DESIRED,
      LatestSyncStartedAt: '2026-11-26T10:05:00.000Z',
      LatestSuccessfulSyncSha: OLDER,
      LatestSuccessfulSyncStartedAt: '2026-11-26T10:00:00.000Z',
      LatestSyncEvent: '2026-11-26T10:09:00.000Z SUCCEEDED: later',
    });
  });

  it('say InSync false when the latest success is for another sha', () => {
    expect(toAttributes(syncStatus(DESIRED, attempt('SUCCEEDED', OLDER))).InSync).toBe('false');
  });

  it('keep real shas whole and cut free text first when the response would be too large', () => {
    const huge = syncStatus(DESIRED, attempt('SUCCEEDED', DESIRED, { events: [event('x'.repeat(10_000), 3)] }));
    const status = { ...huge, desiredRevision: { ...huge.desiredRevision!, directory: 'd'.repeat(10_000) } };
    const bounded = boundAttributes(toAttributes(status));
    expect(jsonBytes(bounded)).toBeLessThanOrEqual(MAX_DATA_JSON_BYTES);
    expect(bounded.Sha).toBe(DESIRED);
    expect(bounded.LatestSyncSha).toBe(DESIRED);
    expect(bounded.Directory.endsWith('…')).toBe(true);
    expect(bounded.Directory.length).toBeGreaterThan(100);
  });

  it.each([
    ['leave attributes that fit with 0 bytes to spare as they are', 0, 'Sync succeeded after a long deployment'],
    // The ellipsis takes 3 bytes, so giving up 1 byte cuts 4 characters.
    ['cut only the newest event when they are 1 byte over', 1, 'Sync succeeded after a long deploy…'],
  ])('%s', (_name, over, eventText) => {
    const attrs = toAttributes(syncStatus(DESIRED, attempt('SUCCEEDED', DESIRED, { events: [event('Sync succeeded after a long deployment', 3)] })));
    const bounded = boundAttributes(attrs, jsonBytes(attrs) - over);
    expect(bounded).toEqual({ ...attrs, LatestSyncEvent: `2026-11-26T10:03:00.000Z SYNC_EVENT: ${eventText}` });
  });

  it('fit every response the API can return within 4,096 bytes (generated)', () => {
    fc.assert(
      fc.property(statusArb, (status) => {
        const data = boundAttributes(toAttributes(status));
        expect(Object.keys(data).sort()).toEqual([...ATTRIBUTE_NAMES].sort());
        expect(Buffer.byteLength(responseBody('SUCCESS', { data }))).toBeLessThanOrEqual(CFN_LIMIT);
      }),
      { numRuns: 300, seed: 4096 },
    );
  });
});

describe('failure reasons', () => {
  it('name the instance, the sha, the status, the newest events and the next step', () => {
    const latest = attempt('FAILED', DESIRED, {
      events: [event('Sync started', 0, 'STARTED'), event('Template validation failed: bad input', 4, 'FAILED')],
    });
    const status = syncStatus(DESIRED, latest);
    const reason = failureReason(NAMED, decide(status, { requireSuccess: true }), status, '/aws/lambda/gate-logs');
    expect(reason).toContain(`service instance "${SUBJECT.serviceInstanceName}" of service "${SUBJECT.serviceName}" in ap-southeast-4`);
    expect(reason).toContain(DESIRED);
    expect(reason).toContain('FAILED');
    expect(reason).toMatch(/2026-11-26T10:04:00.000Z \[FAILED\] Template validation failed: bad input\n- 2026-11-26T10:00:00.000Z \[STARTED\]/);
    expect(reason).toContain('aws proton get-service-instance-sync-status');
    expect(reason).toContain('/aws/lambda/gate-logs');
  });

  it('list at most the newest few events', () => {
    const events = Array.from({ length: 3000 }, (_, i) => event(`event number ${i}`, i % 60));
    const status = syncStatus(DESIRED, attempt('FAILED', DESIRED, { events }));
    const reason = failureReason(NAMED, decide(status, { requireSuccess: true }), status);
    expect(reason.match(/^- /gm)?.length).toBeLessThanOrEqual(MAX_REASON_EVENTS);
    expect(reason).toContain('3000 in all');
  });

  it('on timeout say what was last seen and how long the gate waited', () => {
    const status = syncStatus(DESIRED, attempt('IN_PROGRESS', DESIRED), attempt('SUCCEEDED', OLDER));
    const reason = failureReason(NAMED, applyDeadline(decide(status, { requireSuccess: true }), 601_000, 600_000), status);
    expect(reason).toContain('Gave up waiting');
    expect(reason).toContain('10m 1s');
    expect(reason).toContain(`status IN_PROGRESS, desired sha ${DESIRED}, latest sync sha ${DESIRED}, latest successful sync sha ${OLDER}`);
    expect(reason).toContain('raise the gate\'s waitTimeout');
  });

  it('fit within 4,096 bytes for every response the API can return (generated)', () => {
    fc.assert(
      fc.property(statusArb, fc.integer({ min: 0, max: 3_600_000 }), (status, elapsed) => {
        const failed = { ...status, latestAttempt: status.latestAttempt && { ...status.latestAttempt, status: 'FAILED' } };
        for (const s of [status, failed]) {
          const d = applyDeadline(decide(s, { requireSuccess: true }), elapsed, 0);
          if (d.verdict !== 'FAIL') continue;
          const reason = failureReason(NAMED, d, s, `/aws/lambda/${'G'.repeat(512)}`);
          expect(Buffer.byteLength(responseBody('FAILED', { reason }))).toBeLessThanOrEqual(CFN_LIMIT);
        }
      }),
      { numRuns: 300, seed: 4097 },
    );
  });
});

describe('truncateToJsonBytes', () => {
  it('cuts on character boundaries and counts JSON escapes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 2, max: 400 }), (text, max) => {
        const cut = truncateToJsonBytes(text, max);
        expect(jsonBytes(cut)).toBeLessThanOrEqual(max);
        expect(cut.includes('\uFFFD')).toBe(text.includes('\uFFFD'));
        if (jsonBytes(text) <= max) expect(cut).toBe(text);
        else expect(text.startsWith(cut.slice(0, -1))).toBe(true);
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});
