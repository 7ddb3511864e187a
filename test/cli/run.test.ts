/**
 * The whole command as a function (cli/run.ts) with the test's world: streams that keep what is written, a
 * scripted reader, virtual time. What goes to stdout and stderr, the exit code, the JSON shape, and progress as a
 * terminal shows it and as a log does.
 */
import { CLEAR_LINE } from '../../cli/output';
import { CliDeps, runCli } from '../../cli/run';
import { SOURCES } from '../../lambda/sources';
import { Subject, SyncSource } from '../../lambda/sources/source';
import { ATTRIBUTE_NAMES } from '../../lib/contract';
import { attempt, DESIRED, event, syncStatus } from '../fixtures';
import { MemoryStream, permanent, ReadStep, ScriptedReader, transient, VirtualTime } from './cli-fixtures';

const RUNNING = syncStatus(DESIRED, attempt('IN_PROGRESS', DESIRED));
const SUCCEEDED = syncStatus(DESIRED, attempt('SUCCEEDED', DESIRED, { events: [event('Deployment succeeded', 3, 'SUCCEEDED')] }));
const FAILED = syncStatus(DESIRED, attempt('FAILED', DESIRED, { events: [event('Template validation error', 2, 'FAILED')] }));
const CHECK = ['check', 'proton', '--service', 'api', '--instance', 'prod', '--region', 'eu-west-1'];

async function cli(argv: readonly string[], steps: readonly ReadStep[] = [SUCCEEDED], stderr = new MemoryStream()) {
  const time = new VirtualTime();
  const stdout = new MemoryStream();
  const reader = new ScriptedReader(steps, time);
  const connected: [string, string][] = [];
  const deps: CliDeps = {
    env: {},
    stdout,
    stderr,
    sources: SOURCES,
    connect: (source: SyncSource, subject: Subject) => {
      connected.push([source.kind, subject.region]);
      return reader;
    },
    now: time.now,
    sleep: time.sleep,
    version: '9.9.9-test',
  };
  const code = await runCli(argv, deps);
  return { code, stdout: stdout.text, stderr: stderr.text, reader, time, connected };
}

describe('the command', () => {
  it('prints help on stdout and exits 0', async () => {
    for (const argv of [['--help'], ['check', '-h'], ['check', 'proton', '--help']]) {
      const run = await cli(argv);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(/^Usage: cdk-git-sync-gate /);
      expect(run.reader.reads).toEqual([]);
    }
  });

  it('exits 2 on bad arguments, with the message and where to find the usage on stderr, and reads nothing', async () => {
    const run = await cli([...CHECK, '--wiat', '10m']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^cdk-git-sync-gate: Unknown option --wiat for check proton: allowed are .*\nRun 'cdk-git-sync-gate check proton --help' for usage\.\n$/);
    expect(run.connected).toEqual([]);
  });

  it('reads the subject with a reader of its source in its region, and prints a summary of a pass', async () => {
    const run = await cli(CHECK);
    expect(run.connected).toEqual([['proton', 'eu-west-1']]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      [
        'PASS: the gate would pass (IN_SYNC).',
        '  Proton: service instance "prod" of service "api" in eu-west-1',
        `  Why: the latest sync SUCCEEDED at the desired sha ${DESIRED}.`,
        '  Status                   SUCCEEDED',
        '  InSync                   true',
        `  Sha                      ${DESIRED}`,
        `  LatestSyncSha            ${DESIRED}`,
        '  LatestSuccessfulSyncSha  -',
        '  Branch                   main',
        '  RepositoryName           acme/platform',
        '  LatestSyncEvent          2026-11-26T10:03:00.000Z SUCCEEDED: Deployment succeeded',
        '  1 poll in 0s',
        '',
      ].join('\n'),
    );
  });

  it('exits 1 on a failed sync and prints the gate reason', async () => {
    const run = await cli(CHECK, [FAILED]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL: the gate would fail \(SYNC_FAILED\)\.\n/);
    expect(run.stdout).toMatch(/\nReason:\n {2}Proton sync FAILED for service instance "prod" of service "api" in eu-west-1 at desired sha a{40}/);
    expect(run.stdout).toContain('\n  - 2026-11-26T10:02:00.000Z [FAILED] Template validation error\n');
  });

  it('exits 3 at once when the status cannot be read, and says the error once', async () => {
    const run = await cli([...CHECK, '--wait', '10m'], [permanent('Proton found no service instance "prod".')]);
    expect(run.code).toBe(3);
    expect(run.time.sleeps).toEqual([]);
    expect(run.stdout).toBe(
      [
        'NO DECISION: the sync status could not be read (SOURCE_ERROR); the gate would fail.',
        '  Proton: service instance "prod" of service "api" in eu-west-1',
        '  1 poll in 0s',
        'Reason:',
        '  Proton found no service instance "prod".',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['no --wait', [] as string[], 'NO DECISION: could not read the sync status; the gate would wait and read again (give the check a --wait to do the same).'],
    ['a --wait the reads never get through', ['--wait', '30s'], 'NO DECISION: could not read the sync status before --wait ran out (TIMED_OUT); a gate that waits as long would fail.'],
  ])('exits 3 when throttling outlasts %s, and says the gate would fail only when it would', async (_name, options, headline) => {
    const run = await cli([...CHECK, ...options], [transient('Proton throttled the read.')]);
    expect(run.code).toBe(3);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(headline);
    if (options.length === 0) {
      expect(run.stdout).not.toContain('would fail');
      expect(run.stdout).not.toContain('Reason:');
      expect(run.stdout).toContain('\nCould not read:\n  Proton throttled the read.\n');
      const json = JSON.parse((await cli([...CHECK, '--json'], [transient('Proton throttled the read.')])).stdout) as Record<string, unknown>;
      expect(json).toMatchObject({ verdict: 'NO_DECISION', exitCode: 3, readError: 'Proton throttled the read.' });
      expect('reason' in json || 'gateReason' in json).toBe(false);
    } else {
      expect(run.stdout).toContain('\nReason:\n  Gave up waiting for the Proton sync');
    }
  });

  it('prints exactly one JSON object with --json', async () => {
    const run = await cli([...CHECK, '--json', '--wait', '1m'], [RUNNING, transient(), FAILED]);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(result).sort()).toEqual(['attributes', 'elapsedSeconds', 'exitCode', 'gateReason', 'polls', 'reason', 'situation', 'source', 'subject', 'verdict', 'why']);
    expect(result).toMatchObject({
      verdict: 'FAIL',
      exitCode: 1,
      situation: 'SYNC_FAILED',
      why: `the latest sync of the desired sha ${DESIRED} FAILED.`,
      source: 'proton',
      subject: { source: 'proton', serviceName: 'api', serviceInstanceName: 'prod', region: 'eu-west-1' },
      polls: 3,
      elapsedSeconds: 30,
    });
    expect(Object.keys(result.attributes as object).sort()).toEqual([...ATTRIBUTE_NAMES].sort());
    expect(result.reason).toMatch(/^Proton sync FAILED for /);
    expect(result.reason).toContain('1 of the 3 polls could not read the sync status');
  });

  it('says NO_DECISION in the JSON, with the exit code, when the status could not be read', async () => {
    const run = await cli([...CHECK, '--json'], [permanent('Access denied reading the sync status')]);
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'NO_DECISION', exitCode: 3, situation: 'SOURCE_ERROR', reason: 'Access denied reading the sync status' });
  });

  it('answers bad arguments with exit 2, and with --json one object a pipeline can parse', async () => {
    const plain = await cli([...CHECK, '--poll', '1s']);
    expect(plain.code).toBe(2);
    expect(plain.stdout).toBe('');
    const json = await cli([...CHECK, '--poll', '1s', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({
      verdict: 'NO_DECISION',
      exitCode: 2,
      error: 'Invalid --poll "1s" (PollIntervalSeconds "1"): expected a whole number of seconds from 5 to 300.',
    });
  });

  it('prints its version with --version, and only alone', async () => {
    const run = await cli(['--version']);
    expect([run.code, run.stdout]).toEqual([0, '9.9.9-test\n']);
    expect((await cli(['--version', '--json'])).code).toBe(2);
  });

  it('leaves reason out of the JSON when the gate would pass', async () => {
    const result = JSON.parse((await cli([...CHECK, '--json'])).stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ verdict: 'PASS', situation: 'IN_SYNC', polls: 1, elapsedSeconds: 0 });
    expect('reason' in result).toBe(false);
  });

  it('shows no progress when it checks once', async () => {
    const run = await cli(CHECK, [RUNNING]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
  });

  it('writes one progress line per poll on stderr when stderr is not a terminal', async () => {
    const run = await cli([...CHECK, '--wait', '1m', '--poll', '20s'], [RUNNING, transient('Proton answered HTTP 503\nmore'), SUCCEEDED]);
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n')).toEqual([
      'poll 1 (0s elapsed, 1m 0s left): SYNC_RUNNING, status IN_PROGRESS, desired sha aaaaaaaaaaaa, latest sync sha aaaaaaaaaaaa',
      'poll 2 (20s elapsed, 40s left): SOURCE_UNAVAILABLE, status IN_PROGRESS, desired sha aaaaaaaaaaaa, latest sync sha aaaaaaaaaaaa; could not read the status: Proton answered HTTP 503',
      'poll 3 (40s elapsed, 20s left): IN_SYNC, status SUCCEEDED, desired sha aaaaaaaaaaaa, latest sync sha aaaaaaaaaaaa',
      '',
    ]);
    expect(run.stdout).toMatch(/^PASS: /);
  });

  it('keeps one line updated in place on a terminal, cut to its width, and clears it before the result', async () => {
    const tty = new MemoryStream(true, 60);
    const run = await cli([...CHECK, '--wait', '1m'], [RUNNING, transient(), SUCCEEDED], tty);
    expect(run.code).toBe(0);
    const updates = run.stderr.split(CLEAR_LINE);
    expect(updates[0]).toBe('');
    expect(updates.slice(1, -1)).toEqual([
      '0s elapsed, 1m 0s left: status IN_PROGRESS, desired sha aa…',
      '15s elapsed, 45s left: status IN_PROGRESS, desired sha aaa…',
      '30s elapsed, 30s left: status SUCCEEDED, desired sha aaaaa…',
    ]);
    // One column short of the width: a line as wide as the terminal would wrap and \r would not reach its start.
    expect(updates.slice(1, -1).map((line) => line.length)).toEqual([59, 59, 59]);
    expect(updates[updates.length - 1]).toBe('');
    expect(run.stderr).not.toContain('\n');
  });

  it('shows the status, sha, situation and a failed read on a wide terminal', async () => {
    const run = await cli([...CHECK, '--wait', '1m'], [transient(), SUCCEEDED], new MemoryStream(true, 200));
    expect(run.stderr.split(CLEAR_LINE).slice(1, -1)).toEqual([
      '0s elapsed, 1m 0s left: status NONE, desired sha (none) (SOURCE_UNAVAILABLE, last read failed)',
      '15s elapsed, 45s left: status SUCCEEDED, desired sha aaaaaaa (IN_SYNC)',
    ]);
  });

  it('exits 3 and says so when the check stops on an unexpected error', async () => {
    const time = new VirtualTime();
    const stderr = new MemoryStream();
    const code = await runCli(CHECK, {
      env: {},
      stdout: new MemoryStream(),
      stderr,
      sources: SOURCES,
      connect: () => ({ readStatus: () => Promise.reject(new TypeError('boom')), readBlockers: () => Promise.resolve({ blockers: [], errors: [] }) }),
      now: time.now,
      sleep: time.sleep,
      version: '9.9.9-test',
    });
    expect(code).toBe(3);
    expect(stderr.text).toMatch(/^cdk-git-sync-gate: the check stopped on an unexpected error: TypeError: boom/);
  });
});
