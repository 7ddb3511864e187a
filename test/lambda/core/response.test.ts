import * as fc from 'fast-check';
import { boundAttributes, MAX_DATA_JSON_BYTES, MAX_ENUM_VALUE_CHARS, ReadLocation, statusAttributes, toAttributes } from '../../../lambda/core/attributes';
import { applyDeadline, decide } from '../../../lambda/core/decide';
import { failureReason, MAX_REASON_EVENTS } from '../../../lambda/core/reasons';
import { KNOWN_SYNC_STATUSES, Revision, SyncAttempt, SyncStatus } from '../../../lambda/core/sync-status';
import { jsonBytes, truncateToJsonBytes } from '../../../lambda/core/text';
import { protonSource } from '../../../lambda/sources/proton';
import { Attr, ATTRIBUTE_NAMES, STATUS_NONE } from '../../../lib/contract';
import { attempt, DESIRED, event, OLDER, revision, syncStatus } from '../../fixtures';

const SUBJECT = { source: 'proton' as const, serviceName: 'a'.repeat(100), serviceInstanceName: 'b'.repeat(100), region: 'ap-southeast-4' };
const NAMED = protonSource.reasonSubject(SUBJECT);
const CFN_LIMIT = 4096;
/** Where the status was read, its values at their longest: a 12-digit account and a long region name. */
const WHERE: ReadLocation = { account: '123456789012', region: 'ap-southeast-4' };

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
  it('are all present, as strings, even when Proton returns nothing, with the account and region read', () => {
    const attrs = toAttributes({}, WHERE);
    expect(Object.keys(attrs).sort()).toEqual([...ATTRIBUTE_NAMES].sort());
    expect(attrs[Attr.Status]).toBe(STATUS_NONE);
    expect(attrs[Attr.InSync]).toBe('false');
    expect(attrs[Attr.SyncAccount]).toBe('123456789012');
    expect(attrs[Attr.SyncRegion]).toBe('ap-southeast-4');
    for (const name of ATTRIBUTE_NAMES.filter((n) => ![Attr.Status, Attr.InSync, Attr.SyncAccount, Attr.SyncRegion].includes(n as never))) {
      expect(attrs[name]).toBe('');
    }
  });

  it('say an account that is not known (the check without --role-arn) as an empty SyncAccount', () => {
    expect(toAttributes({}, { account: '', region: 'eu-west-1' })).toMatchObject({ SyncAccount: '', SyncRegion: 'eu-west-1' });
  });

  it('carry the desired state, both syncs and the newest event as ISO 8601', () => {
    const latest = attempt('SUCCEEDED', DESIRED, {
      startedAt: new Date('2026-11-26T10:05:00Z'),
      events: [event('later', 9, 'SUCCEEDED'), event('earlier', 1, 'STARTED')],
    });
    const attrs = toAttributes(syncStatus(DESIRED, latest, attempt('SUCCEEDED', OLDER)), WHERE);
    expect(attrs).toEqual({
      SyncAccount: '123456789012',
      SyncRegion: 'ap-southeast-4',
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
    expect(statusAttributes(syncStatus(DESIRED, attempt('SUCCEEDED', OLDER))).InSync).toBe('false');
  });

  it('keep real shas whole and cut free text first when the response would be too large', () => {
    const huge = syncStatus(DESIRED, attempt('SUCCEEDED', DESIRED, { events: [event('x'.repeat(10_000), 3)] }));
    const status = { ...huge, desiredRevision: { ...huge.desiredRevision!, directory: 'd'.repeat(10_000) } };
    const bounded = boundAttributes(toAttributes(status, WHERE));
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
    const attrs = toAttributes(syncStatus(DESIRED, attempt('SUCCEEDED', DESIRED, { events: [event('Sync succeeded after a long deployment', 3)] })), WHERE);
    const bounded = boundAttributes(attrs, jsonBytes(attrs) - over);
    expect(bounded).toEqual({ ...attrs, LatestSyncEvent: `2026-11-26T10:03:00.000Z SYNC_EVENT: ${eventText}` });
  });

  it('fit every response the API can return within 4,096 bytes (generated)', () => {
    fc.assert(
      fc.property(statusArb, (status) => {
        const data = boundAttributes(toAttributes(status, WHERE));
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

describe('attributes at the models\' maximum and beyond', () => {
  // The models' limits (offline/models): shas 255 characters; branch 200 (Proton) or 255 (Git sync); repository 100
  // (Proton) or owner 255 + '/' + name 128 (Git sync); status and provider are enums; directory, target and event
  // type and text have no limit (taken here as the whole 4,096 bytes). Beyond: 4× each, and at least 4,096 characters,
  // since nothing on the wire holds a value to its model (the SDK does not check enums or lengths it receives).
  const MODEL_MAX = { sha: 255, branch: 255, repositoryName: 384, directory: 4096, enumValue: 24, target: 4096, eventType: 4096, eventText: 4096 };
  /** One character each, from the cheapest in JSON bytes to the costliest: 1 byte, 2, 3, 4 (a surrogate pair) and 6 (escaped). */
  const UNITS = ['a', 'é', '語', '😀', '\u0000', '"', '\ud800'];
  const SCALES = ['at', 'beyond'] as const;
  const lengthOf = (max: number, scale: (typeof SCALES)[number]) => (scale === 'at' ? max : Math.max(4 * max, 4096));

  function worstStatus(unit: string, scale: (typeof SCALES)[number]): SyncStatus {
    const text = (max: number) => unit.repeat(lengthOf(max, scale));
    const rev = (): Revision => ({
      sha: text(MODEL_MAX.sha),
      branch: text(MODEL_MAX.branch),
      directory: text(MODEL_MAX.directory),
      repositoryName: text(MODEL_MAX.repositoryName),
      repositoryProvider: text(MODEL_MAX.enumValue),
    });
    const attempt = (): SyncAttempt => ({
      status: text(MODEL_MAX.enumValue),
      startedAt: new Date(8.64e15), // the latest time a Date holds: the longest ISO 8601 text
      target: text(MODEL_MAX.target),
      initialRevision: rev(),
      targetRevision: rev(),
      events: [{ type: text(MODEL_MAX.eventType), time: new Date(-8.64e15), text: text(MODEL_MAX.eventText) }],
    });
    return { desiredRevision: rev(), latestAttempt: attempt(), latestSuccessfulAttempt: attempt() };
  }

  const ROWS = UNITS.flatMap((unit) => SCALES.map((scale) => ({ unit: JSON.stringify(unit), scale, status: worstStatus(unit, scale) })));

  it.each(ROWS)('fit within 4,096 bytes with every field $scale its maximum in $unit', ({ status }) => {
    const data = boundAttributes(toAttributes(status, WHERE));
    expect(Object.keys(data).sort()).toEqual([...ATTRIBUTE_NAMES].sort());
    expect(jsonBytes(data)).toBeLessThanOrEqual(MAX_DATA_JSON_BYTES);
    expect(Buffer.byteLength(responseBody('SUCCESS', { data }))).toBeLessThanOrEqual(CFN_LIMIT);
  });

  it.each([
    ['Status', (long: string): SyncStatus => syncStatus(DESIRED, { ...attempt('SUCCEEDED', DESIRED), status: long })],
    ['RepositoryProvider', (long: string): SyncStatus => ({ ...syncStatus(DESIRED, attempt('SUCCEEDED', DESIRED)), desiredRevision: revision(DESIRED, { repositoryProvider: long }) })],
  ] as const)('cut an unexpectedly long %s to a few characters and keep the other attributes whole', (name, build) => {
    const long = '\u0000'.repeat(10_000);
    const normal = toAttributes(build('UNLISTED'), WHERE);
    const data = boundAttributes(toAttributes(build(long), WHERE));
    expect(Array.from(data[name]).length).toBe(MAX_ENUM_VALUE_CHARS);
    expect(long.startsWith(data[name].slice(0, -1))).toBe(true);
    expect(data[name].endsWith('…')).toBe(true);
    expect({ ...data, [name]: normal[name] }).toEqual(normal);
  });

  it('keep every value the models list whole', () => {
    for (const status of [...KNOWN_SYNC_STATUSES]) expect(statusAttributes(syncStatus(DESIRED, attempt(status, DESIRED))).Status).toBe(status);
    for (const provider of ['GITHUB', 'GITHUB_ENTERPRISE', 'BITBUCKET', 'GITHUB_ENTERPRISE_SERVER', 'GITLAB', 'GITLAB_SELF_MANAGED']) {
      expect(statusAttributes({ desiredRevision: revision(DESIRED, { repositoryProvider: provider }) }).RepositoryProvider).toBe(provider);
    }
  });

  // Any length up to beyond each maximum, any mix of 1- to 6-byte characters, every field (enums included) free text.
  const costly = fc.constantFrom('"', '\\', '\u0000', '\u001f', '\n', 'é', '語', '😀', '\ud800');
  const textUpTo = (max: number) =>
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: lengthOf(max, 'beyond') }),
      fc.string({ unit: costly, maxLength: lengthOf(max, 'beyond') }),
      fc.string({ unit: costly, minLength: max, maxLength: lengthOf(max, 'beyond'), size: 'max' }),
    );
  const anyRevision: fc.Arbitrary<Revision> = fc.record({
    sha: textUpTo(MODEL_MAX.sha),
    branch: textUpTo(MODEL_MAX.branch),
    directory: textUpTo(MODEL_MAX.directory),
    repositoryName: textUpTo(MODEL_MAX.repositoryName),
    repositoryProvider: textUpTo(MODEL_MAX.enumValue),
  });
  const anyDate = fc.date({ noInvalidDate: false });
  const anyAttempt: fc.Arbitrary<SyncAttempt> = fc.record({
    status: textUpTo(MODEL_MAX.enumValue),
    startedAt: anyDate,
    target: textUpTo(MODEL_MAX.target),
    initialRevision: anyRevision,
    targetRevision: anyRevision,
    events: fc.array(fc.record({ type: textUpTo(MODEL_MAX.eventType), time: anyDate, text: textUpTo(MODEL_MAX.eventText) }), { maxLength: 3 }),
  });
  const anyStatus: fc.Arbitrary<SyncStatus> = fc.record({ desiredRevision: anyRevision, latestAttempt: anyAttempt, latestSuccessfulAttempt: anyAttempt }, { requiredKeys: [] });

  // A region as the gate accepts it (Limits.regionPattern, which bounds no length) and an account as the handler reads it.
  const anyLocation: fc.Arbitrary<ReadLocation> = fc.record({
    account: fc.constantFrom('', '123456789012'),
    region: fc
      .tuple(fc.stringMatching(/^[a-z]{2,4}$/), fc.array(fc.stringMatching(/^[a-z]{1,40}$/), { minLength: 1, maxLength: 60 }), fc.nat(999))
      .map(([prefix, words, n]) => `${prefix}-${words.join('-')}-${n}`),
  });

  it('fit within 4,096 bytes whatever each field holds (generated)', () => {
    fc.assert(
      fc.property(anyStatus, anyLocation, (status, where) => {
        const data = boundAttributes(toAttributes(status, where));
        expect(Object.keys(data).sort()).toEqual([...ATTRIBUTE_NAMES].sort());
        expect(Buffer.byteLength(responseBody('SUCCESS', { data }))).toBeLessThanOrEqual(CFN_LIMIT);
      }),
      // No shrinking: values of thousands of characters take minutes to shrink, and the rows above name the worst cases.
      { numRuns: 200, seed: 16, endOnFailure: true },
    );
  });
});
