/** The help text of every level: `cdk-git-sync-gate --help`, `check --help`, `check <source> --help`. */
import { Limits } from '../lib/limits';
import { SourceCommand } from './commands';

export const PROGRAM = 'cdk-git-sync-gate';

/** The poll interval when --poll is not given: the gate's default. */
export const DEFAULT_POLL = `${Limits.defaultPollIntervalSeconds}s`;

export const EXIT_CODES_HELP = [
  'Exit codes:',
  '  0  the gate would pass: the latest sync succeeded at the desired commit (and at --expected-sha, if given)',
  '  1  the gate would fail on the sync: it failed, is blocked, was superseded by a newer commit, or had not',
  '     succeeded when --wait ran out',
  '  2  bad arguments: nothing was read (the message names the option)',
  '  3  no decision: the subject was not found, access was denied, or the service could not be read (at once',
  '     for errors that waiting does not fix; when --wait ran out for throttling, 5xx and timeouts)',
  '  (127 is the shell\'s own: the command is not installed)',
].join('\n');

/** The options every `check <source>` command takes, with their defaults. */
export const COMMON_OPTIONS_HELP = [
  '  --region <region>        Region of the synced resource. Default: AWS_REGION, else AWS_DEFAULT_REGION.',
  '  --expected-sha <sha>     Pass only once the desired commit is this one (a full sha, or its first 7 or more',
  '                           hex digits, as Git abbreviates). Default: any desired commit.',
  '  --wait <duration>        Keep polling while the sync is not done yet, for up to this long: 90s, 10m, 1h,',
  `                           1m30s (at most ${Limits.maxWaitTimeoutSeconds / 3600}h; capped like the gate's waitTimeout at the hour less`,
  `                           ${Limits.cloudFormationReserveSeconds / 60}m ${Limits.waiterTickSeconds}s). Default: check once, do not wait.`,
  `  --poll <duration>        Time between polls while waiting, ${Limits.minPollIntervalSeconds}s to ${Limits.maxPollIntervalSeconds / 60}m. Default: ${DEFAULT_POLL}.`,
  '  --role-arn <arn>         Read through this IAM role in the account that owns the sync (STS AssumeRole, session',
  '                           cdk-git-sync-gate-check), as a gate with readerRole does. Default: read with your own',
  "                           credentials, in their account.",
  "  --external-id <id>       The external id the role's owner asks for (sts:ExternalId). Only with --role-arn.",
  '  --json                   Print one JSON object on stdout instead of the summary.',
  '  -h, --help               Show this help.',
].join('\n');

const OUTPUT_HELP = [
  'Output:',
  '  The result goes to stdout: a short summary (verdict, situation, the sync status, and the reason the gate',
  '  would fail with), or with --json one object: { verdict (PASS, FAIL or NO_DECISION, as the exit code),',
  '  exitCode, situation, why, attributes, reason?, source, subject, polls, elapsedSeconds }; bad arguments',
  '  with --json give { verdict: "NO_DECISION", exitCode: 2, error }. Progress while waiting goes to stderr.',
].join('\n');

function usageLine(command: SourceCommand): string {
  const subject = command.options.map((o) => `--${o.name} <${o.name}>`).join(' ');
  return `${PROGRAM} check ${command.name} ${subject} [options]`;
}

function commandList(commands: readonly SourceCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n');
}

export function topHelp(commands: readonly SourceCommand[]): string {
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Tells what the sync gate would decide now: the same decision and reasons as the',
    'ServiceInstanceSyncGate and GitSyncGate constructs, for pipelines and for a look after a failed deployment.',
    '',
    'Commands:',
    '  check    Read the sync status once (or until --wait runs out) and decide as the gate does.',
    '',
    'Options:',
    '  -h, --help    Show this help.',
    '  --version     Print the version.',
    '',
    `Run '${PROGRAM} check --help' for the sources (${commands.map((c) => c.name).join(', ')}) and options.`,
    '',
    EXIT_CODES_HELP,
    '',
  ].join('\n');
}

export function checkHelp(commands: readonly SourceCommand[]): string {
  return [
    `Usage: ${PROGRAM} check <source> [options]`,
    '',
    'Reads the sync status of one subject and decides as the gate does.',
    '',
    'Sources:',
    commandList(commands),
    '',
    ...commands.map((c) => `  ${usageLine(c)}`),
    '',
    'Options of every source:',
    COMMON_OPTIONS_HELP,
    '',
    `Run '${PROGRAM} check <source> --help' for the options of one source.`,
    '',
    EXIT_CODES_HELP,
    '',
  ].join('\n');
}

export function sourceHelp(command: SourceCommand): string {
  const width = Math.max(...command.options.map((o) => o.name.length * 2 + 5), 23);
  return [
    `Usage: ${usageLine(command)}`,
    '',
    `Reads the sync status of ${command.summary} and decides as the gate does.`,
    '',
    'Required:',
    ...command.options.map((o) => `  ${`--${o.name} <${o.name}>`.padEnd(width)}  ${o.description[0].toUpperCase()}${o.description.slice(1)} (the gate's ${o.prop}).`),
    '',
    'Options:',
    COMMON_OPTIONS_HELP,
    '',
    OUTPUT_HELP,
    '',
    EXIT_CODES_HELP,
    '',
    'Example:',
    `  ${PROGRAM} check ${command.name} ${command.options.map((o) => `--${o.name} ${exampleValue(o.name)}`).join(' ')} --region eu-west-1 --wait 15m`,
    '',
  ].join('\n');
}

function exampleValue(option: string): string {
  return ({ service: 'api', instance: 'prod', stack: 'api-prod' } as Record<string, string>)[option] ?? option;
}
