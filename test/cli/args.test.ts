/**
 * The command line: help at every level, the check's options, and errors that name the option and say what is
 * allowed. The options become the gate's resource properties and the handler's parseSettings judges them.
 */
import { CheckRequest, parseArgs, UsageError } from '../../cli/args';
import { kebabCase, sourceCommands } from '../../cli/commands';
import { checkSettings, namingOptions, parseDuration } from '../../cli/settings';
import { invalidProperty } from '../../lambda/core/errors';
import { SOURCES } from '../../lambda/sources';
import { SyncSource } from '../../lambda/sources/source';

const COMMANDS = sourceCommands(SOURCES);
const SUBJECT = ['--service', 'api', '--instance', 'prod'];

function request(...argv: string[]): CheckRequest {
  const invocation = parseArgs(['check', 'proton', ...argv], COMMANDS);
  if (invocation.kind !== 'check') throw new Error(`expected a check, got ${invocation.kind}`);
  return invocation.request;
}

function usageError(run: () => unknown): UsageError {
  try {
    run();
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error('expected a UsageError');
}

/** A source this tool has no option names for: it gets one option named after its identifying property. */
const UNKNOWN_SOURCE = {
  kind: 'repo-sync',
  identifyingProp: 'RepositoryId',
  parseSubject: (props, region) => {
    const id = props?.RepositoryId;
    if (typeof id !== 'string' || !/^r-\d+$/.test(id)) throw invalidProperty('RepositoryId', id, 'expected r-<digits>');
    return { source: 'repo-sync', region, id };
  },
} as Partial<SyncSource> as SyncSource;

describe('help', () => {
  it.each([
    ['the program', ['--help'], /^Usage: cdk-git-sync-gate <command> \[options\]/],
    ['the program (-h)', ['-h'], /^Usage: cdk-git-sync-gate <command>/],
    ['check', ['check', '--help'], /^Usage: cdk-git-sync-gate check <source> \[options\]/],
    ['check proton', ['check', 'proton', '--help'], /^Usage: cdk-git-sync-gate check proton --service <service> --instance <instance> \[options\]/],
    ['check proton, with other options and errors around it', ['check', 'proton', '--bogus', '-h'], /^Usage: cdk-git-sync-gate check proton /],
  ])('shows the help of %s, with the exit codes', (_level, argv, usage) => {
    const invocation = parseArgs(argv, COMMANDS);
    expect(invocation.kind).toBe('help');
    const text = (invocation as { text: string }).text;
    expect(text).toMatch(usage);
    expect(text).toMatch(/^Exit codes:\n {2}0 .*\n {2}1 .*\n.*\n {2}2 {2}bad arguments.*\n {2}3 {2}no decision/m);
  });

  it('lists every source and the options of a check, with their defaults', () => {
    const text = (parseArgs(['check', '--help'], COMMANDS) as { text: string }).text;
    expect(text).toMatch(/^ {2}proton +an AWS Proton service instance/m);
    expect(text).toMatch(/^ {2}git-sync +a CloudFormation stack synced from Git/m);
    expect(text).toContain('cdk-git-sync-gate check git-sync --stack <stack> [options]');
    expect(text).toMatch(/--region <region> .*Default: AWS_REGION, else AWS_DEFAULT_REGION\./);
    expect(text).toMatch(/--wait <duration>[\s\S]*Default: check once, do not wait\./);
    expect(text).toMatch(/--poll <duration> .*5s to 5m\. Default: 15s\./);
    expect(text).toContain('--json');
  });

  it('names the resource property each subject option fills', () => {
    const text = (parseArgs(['check', 'proton', '-h'], COMMANDS) as { text: string }).text;
    expect(text).toMatch(/--service <service> +The Proton service name \(the gate's ServiceName\)\./);
    expect(text).toMatch(/--instance <instance> +The service instance name \(the gate's ServiceInstanceName\)\./);
  });
});

describe('a check command per source', () => {
  it('gives a source it has no option names for one option named after its identifying property', () => {
    expect(kebabCase('StackName')).toBe('stack-name');
    const commands = sourceCommands([...SOURCES, UNKNOWN_SOURCE]);
    expect(commands.map((c) => c.name)).toEqual([...SOURCES.map((s) => s.kind), 'repo-sync']);
    const invocation = parseArgs(['check', 'repo-sync', '--repository-id', 'r-1', '--region', 'eu-west-1'], commands);
    expect(invocation).toMatchObject({ kind: 'check', request: { subject: { 'repository-id': 'r-1' } } });
    const { settings, properties } = checkSettings((invocation as { request: CheckRequest }).request, {}, [...SOURCES, UNKNOWN_SOURCE]);
    expect(settings.source).toBe(UNKNOWN_SOURCE);
    expect(settings.subject).toEqual({ source: 'repo-sync', region: 'eu-west-1', id: 'r-1' });
    expect(properties).toMatchObject({ RepositoryId: 'r-1' });
    // And its own validation, worded with the option.
    const bad = parseArgs(['check', 'repo-sync', '--repository-id', 'x'], commands) as { request: CheckRequest };
    expect(usageError(() => checkSettings(bad.request, { AWS_REGION: 'eu-west-1' }, [...SOURCES, UNKNOWN_SOURCE])).message).toBe(
      'Invalid --repository-id "x": expected r-<digits>.',
    );
  });
});

describe('check git-sync', () => {
  it('reads --stack into the Git sync source StackName', () => {
    const invocation = parseArgs(['check', 'git-sync', '--stack', 'app-stack', '--wait', '5m'], COMMANDS) as { request: CheckRequest };
    const { settings, properties } = checkSettings(invocation.request, { AWS_DEFAULT_REGION: 'eu-west-1' }, SOURCES);
    expect(properties).toMatchObject({ StackName: 'app-stack', Region: 'eu-west-1', WaitTimeoutSeconds: '300' });
    expect(settings.source.kind).toBe('git-sync');
    expect(settings.subject).toEqual({ source: 'git-sync', stackName: 'app-stack', region: 'eu-west-1' });
  });

  it('takes the options of its own source only', () => {
    expect(usageError(() => parseArgs(['check', 'git-sync', '--service', 'api'], COMMANDS)).message).toMatch(
      /^Unknown option --service for check git-sync: allowed are --stack, --region, /,
    );
    expect(usageError(() => parseArgs(['check', 'git-sync'], COMMANDS)).message).toBe(
      'Missing --stack: check git-sync needs --stack (the name of the stack that Git sync deploys).',
    );
  });
});

describe('options of a check', () => {
  it('reads the subject, region, expected sha, wait, poll and --json, in any order and with = or a space', () => {
    expect(request('--json', '--region=eu-west-1', ...SUBJECT, '--expected-sha', 'abc1234', '--wait', '10m', '--poll=30s')).toMatchObject({
      subject: { service: 'api', instance: 'prod' },
      region: 'eu-west-1',
      expectedSha: 'abc1234',
      wait: '10m',
      poll: '30s',
      json: true,
    });
    expect(request(...SUBJECT)).toMatchObject({ json: false, region: undefined, wait: undefined, poll: undefined });
  });

  it.each([
    [['--bogus'], /^Unknown option --bogus for check proton: allowed are --service, --instance, --region, --expected-sha, --wait, --poll, --role-arn, --external-id, --json or --help\.$/],
    [['-x'], /^Unknown option -x for check proton: allowed are /],
    [['--stack', 'x'], /^Unknown option --stack for check proton/],
    [['--service', 'api'], /^Missing --instance: check proton needs --service \(the Proton service name\) and --instance \(the service instance name\)\.$/],
    [[], /^Missing --service and --instance: /],
    [['--service', 'api', '--instance'], /^Option --instance needs a value\.$/],
    [['--service', 'api', '--instance', '--json'], /^Option --instance needs a value\.$/],
    [[...SUBJECT, '--json=yes'], /^Option --json takes no value \(got "yes"\)\.$/],
    [[...SUBJECT, '--service', 'web'], /^Option --service is given more than once\.$/],
    [[...SUBJECT, 'extra'], /^Unexpected argument "extra": check proton takes options only\.$/],
  ])('rejects %j, naming the option and what is allowed', (argv, message) => {
    const error = usageError(() => parseArgs(['check', 'proton', ...argv], COMMANDS));
    expect(error.message).toMatch(message);
    expect(error.helpCommand).toBe('cdk-git-sync-gate check proton --help');
  });

  it.each([
    [[], /^Missing a command: expected check\.$/, 'cdk-git-sync-gate --help'],
    [['deploy'], /^Unknown command "deploy": expected check\.$/, 'cdk-git-sync-gate --help'],
    [['check'], /^Missing the source to check: expected proton/, 'cdk-git-sync-gate check --help'],
    [['check', 'codecommit', '--help'], /^Unknown source "codecommit": expected proton/, 'cdk-git-sync-gate check --help'],
  ])('rejects the command line %j at its level', (argv, message, help) => {
    const error = usageError(() => parseArgs(argv, COMMANDS));
    expect(error.message).toMatch(message);
    expect(error.helpCommand).toBe(help);
  });
});

describe('durations', () => {
  it.each([
    ['90s', 90],
    ['10m', 600],
    ['1h', 3600],
    ['1m30s', 90],
    ['1h0m0s', 3600],
    ['45', 45],
    ['0s', 0],
    ['0', 0],
  ])('reads %s as %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', 'abc', '1.5m', '-5s', '10 m', '5S', '1d', 's', '30s1m'])('does not read %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('settings of a check', () => {
  const ENV = { AWS_REGION: 'eu-west-1' };

  it('builds the resource properties a gate with the same props would get and parses them as the gate does', () => {
    const { settings, properties } = checkSettings(request(...SUBJECT, '--expected-sha', 'ABC1234', '--wait', '10m', '--poll', '30s'), ENV, SOURCES);
    expect(properties).toEqual({
      ServiceName: 'api',
      ServiceInstanceName: 'prod',
      Region: 'eu-west-1',
      ExpectedSha: 'ABC1234',
      WaitTimeoutSeconds: '600',
      PollIntervalSeconds: '30',
    });
    expect(settings).toMatchObject({ waitTimeoutMs: 600_000, pollIntervalMs: 30_000, expectedSha: 'ABC1234', requireSuccess: true });
    expect(settings.subject).toEqual({ source: 'proton', serviceName: 'api', serviceInstanceName: 'prod', region: 'eu-west-1' });
  });

  it('checks once and polls every 15 s by default', () => {
    expect(checkSettings(request(...SUBJECT), ENV, SOURCES).settings).toMatchObject({ waitTimeoutMs: 0, pollIntervalMs: 15_000 });
  });

  it('takes the region from --region, else AWS_REGION, else AWS_DEFAULT_REGION', () => {
    const env = { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-west-2' };
    expect(checkSettings(request(...SUBJECT, '--region', 'ap-south-1'), env, SOURCES).settings.subject.region).toBe('ap-south-1');
    expect(checkSettings(request(...SUBJECT), env, SOURCES).settings.subject.region).toBe('eu-west-1');
    expect(checkSettings(request(...SUBJECT), { AWS_DEFAULT_REGION: 'us-west-2' }, SOURCES).settings.subject.region).toBe('us-west-2');
  });

  it.each([
    [[], {}, 'Missing --region: no region was given and neither AWS_REGION nor AWS_DEFAULT_REGION is set. Pass --region, e.g. --region eu-west-1.'],
    [['--region', 'Europe'], ENV, 'Invalid --region "Europe": expected an AWS region name such as us-east-1.'],
    [[], { AWS_REGION: 'mars' }, 'Invalid AWS_REGION "mars": expected an AWS region name such as us-east-1.'],
    [['--wait', '2h'], ENV, 'Invalid --wait "2h" (WaitTimeoutSeconds "7200"): expected a whole number of seconds from 0 to 3600.'],
    [['--wait', 'soon'], ENV, 'Invalid --wait "soon": expected a duration such as 90s, 10m, 1h or 1m30s.'],
    [['--poll', '1s'], ENV, 'Invalid --poll "1s" (PollIntervalSeconds "1"): expected a whole number of seconds from 5 to 300.'],
    [['--poll', '6m'], ENV, 'Invalid --poll "6m" (PollIntervalSeconds "360"): expected a whole number of seconds from 5 to 300.'],
    [['--expected-sha', ' abc'], ENV, 'Invalid --expected-sha " abc": expected a Git commit sha of 7-64 hex digits (a full sha, or an abbreviation of at least 7), not a branch or tag name.'],
    [['--role-arn', 'reader'], ENV, `Invalid --role-arn "reader": expected an IAM role's ARN, arn:<partition>:iam::<12-digit account>:role/<optional path/><name>.`],
    [['--role-arn', 'arn:aws:iam::222222222222:user/alice'], ENV, `Invalid --role-arn "arn:aws:iam::222222222222:user/alice": expected an IAM role's ARN, arn:<partition>:iam::<12-digit account>:role/<optional path/><name>.`],
    [['--role-arn', 'arn:aws:iam::222222222222:role/reader', '--external-id', 'x'], ENV, `Invalid --external-id "x": expected 2-1224 characters of letters, digits and _+=,.@:/- (STS's ExternalId).`],
    [['--external-id', 'ext-1'], ENV, 'Option --external-id goes with --role-arn: the external id is sent only when the check assumes a role. Add --role-arn, or remove --external-id.'],
  ])('rejects %j (env %j) with the gate rule, naming the option', (argv, env, message) => {
    expect(usageError(() => checkSettings(request(...SUBJECT, ...argv), env, SOURCES)).message).toBe(message);
  });

  it('reads through --role-arn, with --external-id, in a session named for the check; the account read is the role\'s', () => {
    const { settings, properties } = checkSettings(request(...SUBJECT, '--role-arn', 'arn:aws:iam::222222222222:role/reader', '--external-id', 'ext-1'), ENV, SOURCES);
    expect(settings.subject.readerRole).toEqual({
      roleArn: 'arn:aws:iam::222222222222:role/reader',
      partition: 'aws',
      account: '222222222222',
      externalId: 'ext-1',
      sessionName: 'cdk-git-sync-gate-check',
    });
    expect(settings.location).toEqual({ account: '222222222222', region: 'eu-west-1' });
    expect(properties).toMatchObject({ ReaderRoleArn: 'arn:aws:iam::222222222222:role/reader', ReaderRoleExternalId: 'ext-1' });
    // Without it, the check reads with its own credentials, whose account it does not know.
    expect(checkSettings(request(...SUBJECT), ENV, SOURCES).settings.location).toEqual({ account: '', region: 'eu-west-1' });
  });

  it('rejects subject names the gate rejects, naming the option', () => {
    const error = usageError(() => checkSettings(request('--service', 'my service', '--instance', 'prod'), ENV, SOURCES));
    expect(error.message).toBe('Invalid --service "my service": expected 1-100 characters matching ^[0-9A-Za-z]+[0-9A-Za-z_\\-]*$.');
    expect(error.helpCommand).toBe('cdk-git-sync-gate check proton --help');
  });

  it('keeps a message it cannot word with an option as the gate wrote it', () => {
    expect(namingOptions('Something else went wrong.', {})).toBe('Something else went wrong.');
    expect(namingOptions('Invalid Other "x": expected y. Fix the gate\'s props and deploy again.', {})).toBe('Invalid Other "x": expected y.');
  });
});
