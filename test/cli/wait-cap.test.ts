/**
 * The check waits no longer than the gate would: --wait capped as the gate caps its waitTimeout (the hour less the
 * reserve and one waiter tick, whatever the poll interval), at the edges, in virtual time; and it says so before
 * polling and in its summary.
 */
import { runCheck, waitCap } from '../../cli/check';
import { CliDeps, runCli } from '../../cli/run';
import { effectiveTimeoutMs } from '../../lambda/poll/poll';
import { SOURCES } from '../../lambda/sources';
import { attempt, DESIRED, syncStatus } from '../fixtures';
import { MemoryStream, protonSettings, ScriptedReader, VirtualTime } from './cli-fixtures';

const RUNNING = syncStatus(DESIRED, attempt('IN_PROGRESS', DESIRED));
const SUCCEEDED = syncStatus(DESIRED, attempt('SUCCEEDED', DESIRED));

/**
 * [--wait s, --poll s, the wait kept s]: the largest wait that is not capped (3600 - 180 - 5), one second more,
 * and the whole hour, at the shortest, the default and the longest poll interval.
 */
const EDGES: [number, number, number][] = [5, 15, 300].flatMap((poll): [number, number, number][] => [
  [3415, poll, 3415],
  [3416, poll, 3415],
  [3600, poll, 3415],
]);

describe('the check\'s wait', () => {
  it.each(EDGES)('--wait %is with --poll %is: polls for %is, like the gate, while a sync keeps running', async (wait, poll, kept) => {
    const time = new VirtualTime();
    const reader = new ScriptedReader([RUNNING], time);
    const settings = protonSettings(wait, poll);
    const first: number[] = [];
    const outcome = await runCheck(settings, { reader, now: time.now, sleep: time.sleep, onPoll: (r) => first.push(r.remainingMs) });

    expect(effectiveTimeoutMs(settings)).toBe(kept * 1000);
    expect(first[0]).toBe(kept * 1000);
    expect(reader.reads[reader.reads.length - 1]).toBe(kept * 1000);
    expect(outcome).toMatchObject({ exitCode: 1, elapsedMs: kept * 1000, decision: { situation: 'TIMED_OUT' } });
    expect(outcome.waitCap).toEqual(kept < wait ? { requestedMs: wait * 1000, waitMs: kept * 1000 } : undefined);
    expect(waitCap(settings)).toEqual(outcome.waitCap);
  });

  it('passes as soon as the sync succeeds, capped or not', async () => {
    const time = new VirtualTime();
    const outcome = await runCheck(protonSettings(3600), { reader: new ScriptedReader([RUNNING, SUCCEEDED], time), now: time.now, sleep: time.sleep });
    expect(outcome).toMatchObject({ exitCode: 0, elapsedMs: 15_000, waitCap: { requestedMs: 3_600_000, waitMs: 3_415_000 } });
  });
});

describe('the command with a capped --wait', () => {
  const CHECK = ['check', 'proton', '--service', 'api', '--instance', 'prod', '--region', 'eu-west-1'];
  const NOTE = "--wait 1h 0m 0s is capped at 56m 55s, as the gate caps its waitTimeout: CloudFormation's hour less 3m 5s, so that the gate answers with its own reason.";

  async function cli(argv: readonly string[]) {
    const time = new VirtualTime();
    const stdout = new MemoryStream();
    const stderr = new MemoryStream();
    const deps: CliDeps = { env: {}, stdout, stderr, sources: SOURCES, connect: () => new ScriptedReader([RUNNING, SUCCEEDED], time), now: time.now, sleep: time.sleep, version: '9.9.9-test' };
    const code = await runCli(argv, deps);
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  it('says so on stderr before the first poll, and in the summary', async () => {
    const run = await cli([...CHECK, '--wait', '1h']);
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n')[0]).toBe(NOTE);
    expect(run.stderr.split('\n')[1]).toMatch(/^poll 1 \(0s elapsed, 56m 55s left\): /);
    expect(run.stdout).toContain(`\n  2 polls in 15s\n  ${NOTE}\n`);
  });

  it('says so on stderr with --json, whose stdout stays one JSON object', async () => {
    const run = await cli([...CHECK, '--wait', '1h', '--json']);
    expect(run.stderr.split('\n')[0]).toBe(NOTE);
    expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'PASS', polls: 2 });
  });

  it('says nothing of a cap when --wait is the largest the gate keeps', async () => {
    const run = await cli([...CHECK, '--wait', '56m55s']);
    expect(run.stderr).not.toContain('capped');
    expect(run.stdout).not.toContain('capped');
    expect(run.stderr.split('\n')[0]).toMatch(/^poll 1 \(0s elapsed, 56m 55s left\): /);
  });
});
