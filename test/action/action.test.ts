/**
 * The GitHub Action as the runner runs it (test/action/action-fixtures.ts: action.yml's entry under Node.js 24, the
 * inputs as INPUT_* variables with action.yml's defaults, the output and summary files), against the fake Git sync
 * and fake Proton on 127.0.0.1 through the bundled AWS SDK, once for each way a step can end: pass, the sync failed,
 * blocked, superseded, no decision, bad input; and one wait that needs three polls.
 *
 * Waits flip on the number of calls (the fake's script), never on time: a loaded machine changes how long a run
 * takes, not what it shows.
 */
import { wireGitSyncAttempt, wireGitSyncBlocker, wireGitSyncBlockerSummary, wireGitSyncOutput } from '../../offline/fake-codestar-connections';
import { wireAttempt, wireSyncOutput } from '../../offline/fake-proton';
import { DESIRED, OLDER } from '../fixtures';
import { useFakeSources } from '../support/fake-sources';
import { actionMetadata, runStep, StepOptions, StepRun } from './action-fixtures';

const fakes = useFakeSources();

/** A step of the workflow's gate job: credentials and AWS_REGION as aws-actions/configure-aws-credentials leaves them. */
const step = (inputs: Readonly<Record<string, string>>, options: StepOptions = {}): Promise<StepRun> =>
  runStep({
    with: inputs,
    endpoints: fakes.endpoints(),
    env: { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1', ...options.env },
  });

/** The one ::error annotation of a run (fails when there are more or none). */
function onlyError(run: StepRun): { title: string; message: string; line: string } {
  const errors = run.commands.filter((c) => c.command === 'error');
  expect(errors).toHaveLength(1);
  return { title: errors[0].properties.title, message: errors[0].message, line: errors[0].line };
}

describe('the action, run as the runner runs it', () => {
  it('passes with exit code 0, the outputs, a summary table and no annotation when the commit synced', async () => {
    // GIVEN the stack's latest sync SUCCEEDED at the desired commit, which is the one the workflow expects
    fakes.gitSync.script('network', [{ respond: wireGitSyncOutput({ desired: DESIRED, latest: wireGitSyncAttempt('SUCCEEDED', DESIRED) }) }]);
    // WHEN the step runs, the region given as an input rather than from AWS_REGION
    const run = await step({ 'stack-name': 'network', 'expected-sha': DESIRED.slice(0, 7), region: 'us-west-2' });
    // THEN
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.outputs).toMatchObject({
      verdict: 'PASS',
      'exit-code': '0',
      situation: 'IN_SYNC',
      sha: DESIRED,
      status: 'SUCCEEDED',
      'in-sync': 'true',
      'latest-sync-sha': DESIRED,
      reason: '',
    });
    expect(Object.keys(run.outputs).sort()).toEqual(Object.keys(actionMetadata().outputs).sort());
    expect(JSON.parse(run.outputs.result)).toMatchObject({ verdict: 'PASS', exitCode: 0, subject: { stackName: 'network', region: 'us-west-2' }, polls: 1 });
    expect(fakes.gitSync.callsFor('network').map((c) => c.region)).toEqual(['us-west-2']);
    expect(run.commands).toEqual([]);
    // The log has the command's summary; checking once, no poll lines.
    expect(run.logLines[0]).toBe('PASS: the gate would pass (IN_SYNC).');
    expect(run.logLines.filter((l) => l.startsWith('poll '))).toEqual([]);
    expect(run.summary).toMatch(/^### PASS: the gate would pass \(IN_SYNC\)\.\n/);
    for (const row of [
      '| Subject | Git sync: stack "network" in us-west-2 |',
      '| Region | us-west-2 |',
      '| Verdict | **PASS** (exit code 0) |',
      '| Situation | `IN_SYNC` |',
      `| Expected sha | \`${DESIRED.slice(0, 7)}\` |`,
      `| Desired sha | \`${DESIRED}\` |`,
      `| Latest sync | SUCCEEDED at \`${DESIRED}\` |`,
      '| Polls | 1 |',
    ]) {
      expect(run.summary).toContain(`\n${row}\n`);
    }
    expect(run.summary).toMatch(/\n\| Waited \| \d+s \(checked once: no wait\) \|\n/);
    expect(run.summary).not.toContain('Reason');
  });

  it('fails with exit code 1 and one ::error annotation carrying the whole reason when the sync FAILED', async () => {
    fakes.gitSync.script('network', [{ respond: wireGitSyncOutput({ desired: DESIRED, latest: wireGitSyncAttempt('FAILED', DESIRED) }) }]);
    const run = await step({ 'stack-name': 'network' });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ verdict: 'FAIL', 'exit-code': '1', situation: 'SYNC_FAILED', status: 'FAILED', 'in-sync': 'false' });
    // The reason in the check's words, many lines, kept whole through the output file and the annotation.
    expect(run.outputs.reason).toMatch(/^Git sync FAILED for stack "network" in eu-west-1 at desired sha /);
    expect(run.outputs.reason).toContain('\n');
    expect(run.outputs.reason).toContain('run the check again');
    expect(run.outputs.reason).not.toMatch(/deploy again/);
    const error = onlyError(run);
    expect(error).toMatchObject({ title: 'FAIL: the gate would fail (SYNC_FAILED).', message: run.outputs.reason });
    expect(error.line).toContain('%0A');
    expect(run.summary).toContain('| Verdict | **FAIL** (exit code 1) |');
    expect(run.summary).toContain(`\n**Reason**\n\n\`\`\`text\n${run.outputs.reason}\n\`\`\`\n`);
  });

  it('fails with exit code 1 (BLOCKED) naming the blocker when an active sync blocker stops the sync', async () => {
    fakes.gitSync.script('network', [{ respond: wireGitSyncOutput({ desired: DESIRED, latest: wireGitSyncAttempt('FAILED', DESIRED) }) }]);
    fakes.gitSync.scriptBlockers('network', [{ respond: wireGitSyncBlockerSummary('network', [wireGitSyncBlocker({ id: 'blocker-7' })]) }]);
    const run = await step({ 'stack-name': 'network' });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ verdict: 'FAIL', situation: 'BLOCKED' });
    const error = onlyError(run);
    expect(error.title).toBe('FAIL: the gate would fail (BLOCKED).');
    expect(error.message).toContain('blocker-7');
    expect(error.message).toBe(run.outputs.reason);
    expect(fakes.gitSync.callsFor('network', 'GetSyncBlockerSummary')).toHaveLength(1);
  });

  it('fails with exit code 1 (SUPERSEDED) naming the newer commit when the expected sha was superseded', async () => {
    // GIVEN the expected commit (OLDER) synced, and a newer one (DESIRED) is desired now
    fakes.gitSync.script('network', [{ respond: wireGitSyncOutput({ desired: DESIRED, latest: wireGitSyncAttempt('SUCCEEDED', OLDER) }) }]);
    const run = await step({ 'stack-name': 'network', 'expected-sha': OLDER, wait: '10m' });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ verdict: 'FAIL', situation: 'SUPERSEDED', sha: DESIRED, 'latest-sync-sha': OLDER });
    expect(run.outputs.why).toContain(`the expected sha ${OLDER} was superseded by sha ${DESIRED}`);
    expect(onlyError(run).title).toBe('FAIL: the gate would fail (SUPERSEDED).');
    // Superseded is final: one read, though the step could have waited 10 minutes.
    expect(fakes.gitSync.callsFor('network')).toHaveLength(1);
  });

  it('gives no decision (exit code 3) at once when Git sync has no sync configuration for the stack', async () => {
    const run = await step({ 'stack-name': 'unknown', wait: '10m' });
    expect(run.code).toBe(3);
    expect(run.outputs).toMatchObject({ verdict: 'NO_DECISION', 'exit-code': '3', situation: 'SOURCE_ERROR', status: 'NONE', sha: '' });
    const error = onlyError(run);
    expect(error.title).toMatch(/^NO DECISION: /);
    expect(error.message).toMatch(/^Git sync found no sync status for stack "unknown" in eu-west-1/);
    expect(run.summary).toContain('| Verdict | **NO_DECISION** (exit code 3) |');
    expect(fakes.gitSync.callsFor('unknown')).toHaveLength(1);
  });

  it('gives no decision (exit code 3) when access is denied, naming the permission', async () => {
    fakes.gitSync.script('network', [{ error: 'AccessDeniedException', message: 'not authorized' }]);
    const run = await step({ 'stack-name': 'network' });
    expect(run.code).toBe(3);
    expect(run.outputs.verdict).toBe('NO_DECISION');
    expect(onlyError(run).message).toContain('codestar-connections:GetResourceSyncStatus');
  });

  it('waits for a running sync with one log line per poll, then passes', async () => {
    // GIVEN a sync IN_PROGRESS for two reads, then SUCCEEDED: two real poll intervals of 5 s, the shortest allowed
    fakes.gitSync.script('network', [
      { respond: wireGitSyncOutput({ desired: DESIRED, latest: wireGitSyncAttempt('IN_PROGRESS', DESIRED) }), times: 2 },
      { respond: wireGitSyncOutput({ desired: DESIRED, latest: wireGitSyncAttempt('SUCCEEDED', DESIRED) }) },
    ]);
    const run = await step({ 'stack-name': 'network', wait: '10m', poll: '5s' });
    expect(run.code).toBe(0);
    const polls = run.logLines.filter((l) => l.startsWith('poll '));
    expect(polls).toHaveLength(3);
    expect(polls[0]).toMatch(/^poll 1 \(0s elapsed, 10m 0s left\): SYNC_RUNNING, status IN_PROGRESS, desired sha aaaaaaaaaaaa, latest sync sha aaaaaaaaaaaa$/);
    expect(polls[1]).toMatch(/^poll 2 \(\d+s elapsed, \d+m \d+s left\): SYNC_RUNNING, status IN_PROGRESS, /);
    expect(polls[2]).toMatch(/^poll 3 \(\d+s elapsed, \d+m \d+s left\): IN_SYNC, status SUCCEEDED, /);
    // The poll lines come first, then the command's summary.
    expect(run.logLines.indexOf('PASS: the gate would pass (IN_SYNC).')).toBe(3);
    expect(run.summary).toContain('| Polls | 3 |');
    expect(run.summary).toMatch(/\n\| Waited \| \d+s of 10m 0s \|\n/);
    expect(fakes.gitSync.callsFor('network')).toHaveLength(3);
  });

  it('checks an AWS Proton service instance with source proton', async () => {
    fakes.proton.script('api', 'prod', [{ respond: wireSyncOutput({ desired: DESIRED, latest: wireAttempt('SUCCEEDED', DESIRED) }) }]);
    const run = await step({ source: 'proton', service: 'api', instance: 'prod' });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ verdict: 'PASS', sha: DESIRED });
    expect(run.summary).toContain('| Subject | Proton: service instance "prod" of service "api" in eu-west-1 |');
    expect(fakes.gitSync.calls).toHaveLength(0);
  });
});

describe('the action given bad input', () => {
  it.each([
    ['no stack-name', { 'stack-name': '' }, {}, 'Missing stack-name: source git-sync needs stack-name (the name of the stack that Git sync deploys).'],
    [
      'a branch name as expected-sha',
      { 'stack-name': 'network', 'expected-sha': 'main' },
      {},
      'Invalid expected-sha "main": expected a Git commit sha',
    ],
    ['a wait that is no duration', { 'stack-name': 'network', wait: '10 minutes' }, {}, 'Invalid wait "10 minutes": expected a duration such as 90s, 10m, 1h or 1m30s.'],
    [
      'a poll shorter than the gate allows',
      { 'stack-name': 'network', poll: '1s' },
      {},
      'Invalid poll "1s" (PollIntervalSeconds "1"): expected a whole number of seconds from 5 to 300.',
    ],
    ['an unknown source', { source: 'codecommit', 'stack-name': 'network' }, {}, 'Invalid source "codecommit": expected proton or git-sync.'],
    [
      "another source's input",
      { 'stack-name': 'network', service: 'api' },
      {},
      'Input service is for source proton, not git-sync: source git-sync takes stack-name.',
    ],
    [
      'no region anywhere',
      { 'stack-name': 'network' },
      { AWS_REGION: '', AWS_DEFAULT_REGION: '' },
      'Missing region: no region was given and neither AWS_REGION nor AWS_DEFAULT_REGION is set. Pass region, e.g. region: eu-west-1.',
    ],
  ] as const)('exits 2 naming the input, reads nothing, for %s', async (_, inputs, env, message) => {
    const run = await step(inputs, { env });
    expect(run.code).toBe(2);
    expect(run.outputs).toMatchObject({ verdict: 'NO_DECISION', 'exit-code': '2', situation: '', sha: '' });
    expect(run.outputs.reason.startsWith(message)).toBe(true);
    expect(JSON.parse(run.outputs.result)).toEqual({ verdict: 'NO_DECISION', exitCode: 2, error: run.outputs.reason });
    expect(onlyError(run)).toMatchObject({ title: 'NO DECISION: bad input, nothing was read', message: run.outputs.reason });
    expect(run.summary).toContain(`### NO DECISION: bad input, nothing was read (exit code 2).\n\n\`\`\`text\n${run.outputs.reason}\n\`\`\``);
    // The check's messages name the inputs, never the command line's options.
    expect(run.outputs.reason).not.toMatch(/--/);
    expect(fakes.gitSync.calls).toHaveLength(0);
    expect(fakes.proton.calls).toHaveLength(0);
  });
});
