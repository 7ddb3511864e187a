/**
 * The check speaks to its user: whatever the gate would say to CloudFormation ("deploy again", "raise the gate's
 * waitTimeout", "as counted by the handler"), the summary and --json's reason say with the check's options and
 * actions, while --json's gateReason keeps the gate's text word for word.
 */
import { ProtonServiceException } from '@aws-sdk/client-proton';
import { CliDeps, runCli } from '../../cli/run';
import { GATE_ONLY_WORDS, inCheckWords } from '../../cli/words';
import { SOURCES } from '../../lambda/sources';
import { explainProtonError, protonSource } from '../../lambda/sources/proton';
import { explainAssumeRoleFailure } from '../../lambda/sources/reader-role';
import { attempt, DESIRED, OLDER, PROTON_SUBJECT, syncStatus } from '../fixtures';
import { MemoryStream, ReadStep, ScriptedReader, transient, VirtualTime } from './cli-fixtures';

const CHECK = ['check', 'proton', '--service', 'api', '--instance', 'prod', '--region', 'us-east-1'];
const RUNNING = syncStatus(DESIRED, attempt('IN_PROGRESS', DESIRED));
const FAILED = syncStatus(DESIRED, attempt('FAILED', DESIRED));
const sdkError = (name: string, status: number, extra: object = {}) =>
  Object.assign(new ProtonServiceException({ name, $fault: status >= 500 ? 'server' : 'client', message: `${name} message`, $metadata: { httpStatusCode: status, attempts: 5 } }), extra);

async function run(argv: readonly string[], steps: readonly ReadStep[]) {
  const time = new VirtualTime();
  const stdout = new MemoryStream();
  const stderr = new MemoryStream();
  const deps: CliDeps = { env: {}, stdout, stderr, sources: SOURCES, connect: () => new ScriptedReader(steps, time), now: time.now, sleep: time.sleep, version: 't' };
  const code = await runCli(argv, deps);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const ROLE = { roleArn: 'arn:aws:iam::222222222222:role/reader', partition: 'aws', account: '222222222222', sessionName: 'cdk-git-sync-gate-check' };
const THROUGH_ROLE = { ...PROTON_SUBJECT, readerRole: ROLE };
const assumeRoleError = (name: string, status: number, message: string, role = ROLE) =>
  explainAssumeRoleFailure(sdkError(name, status, { message }), role, protonSource.reasonSubject(THROUGH_ROLE), 'us-east-1');

// Every kind of failure the gate words for CloudFormation, with the real reasons and the sources' real errors.
const SCENARIOS: [string, string[], ReadStep[]][] = [
  ['a sync still running when the check reads once', [], [RUNNING]],
  ['a sync still running when --wait runs out', ['--wait', '30s'], [RUNNING]],
  ['a failed sync', [], [FAILED]],
  ['a new sync due, then the wait runs out', ['--wait', '15s'], [syncStatus(DESIRED, attempt('SUCCEEDED', OLDER))]],
  ['throttling until --wait runs out', ['--wait', '30s'], [explainProtonError(sdkError('ThrottlingException', 400), PROTON_SUBJECT)]],
  ['reads that fail, then a timeout on a running sync', ['--wait', '30s'], [transient(), RUNNING]],
  ['access denied', [], [explainProtonError(sdkError('AccessDeniedException', 403), PROTON_SUBJECT)]],
  ['an endpoint that refuses connections', [], [explainProtonError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), PROTON_SUBJECT)]],
  ['credentials that cannot be loaded', [], [explainProtonError(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), PROTON_SUBJECT)]],
  // --role-arn: a role that cannot be assumed, however STS says it.
  ['a reader role whose trust does not name the caller', [], [assumeRoleError('AccessDenied', 403, 'User: arn:aws:sts::111111111111:assumed-role/dev/alice is not authorized')]],
  ['a reader role denied with no caller named', [], [assumeRoleError('AccessDenied', 403, 'Access denied')]],
  ['a reader role denied with an external id sent', [], [assumeRoleError('AccessDenied', 403, 'Access denied', { ...ROLE, externalId: 'x-1' } as typeof ROLE)]],
  ['expired credentials at STS', [], [assumeRoleError('ExpiredToken', 403, 'The security token included in the request is expired')]],
  ['invalid credentials at STS', [], [assumeRoleError('InvalidClientTokenId', 403, 'The security token included in the request is invalid.')]],
  ['STS disabled in the region', [], [assumeRoleError('RegionDisabledException', 403, 'STS is not activated')]],
  ['STS throttling until --wait runs out', ['--wait', '30s'], [assumeRoleError('Throttling', 400, 'Rate exceeded')]],
];

describe.each(SCENARIOS)('%s', (_name, options, steps) => {
  it('reads in the check\'s words in the summary, on stderr and in --json, and keeps the gate\'s reason word for word', async () => {
    const plain = await run([...CHECK, ...options], steps);
    expect(plain.code).not.toBe(0);
    expect(plain.stdout).not.toMatch(GATE_ONLY_WORDS);
    expect(plain.stderr).not.toMatch(GATE_ONLY_WORDS);
    const json = JSON.parse((await run([...CHECK, ...options, '--json'], steps)).stdout) as { reason: string; gateReason: string; why: string };
    expect(json.reason).not.toMatch(GATE_ONLY_WORDS);
    expect(json.why).not.toMatch(GATE_ONLY_WORDS);
    expect(inCheckWords(json.gateReason)).toBe(json.reason);
  });
});

describe('inCheckWords', () => {
  it.each([
    ['push, and deploy again.', 'push, and run the check again.'],
    ["if it is healthy but slow, raise the gate's waitTimeout.", 'if it is healthy but slow, give the check a longer --wait.'],
    ['2 of the 3 polls could not read the sync status (as counted by the handler)', '2 of the 3 polls could not read the sync status (of this check)'],
    ['the gate waited 10m 0s of its 10m 0s timeout and', 'the check waited 10m 0s of its 10m 0s --wait and'],
    ['the gate checks once without waiting (waitTimeout is 0) and', 'the check reads once without waiting (no --wait) and'],
    ['Deploy again later; check AWS Health', 'Run the check again later; check AWS Health'],
  ])('says %j as %j', (gate, check) => {
    expect(inCheckWords(gate)).toBe(check);
    expect(check).not.toMatch(GATE_ONLY_WORDS);
  });
});
