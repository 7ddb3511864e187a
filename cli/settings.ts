/**
 * Turns a check's options into the gate's own settings: the options become the resource properties a gate with
 * the same props would get, and the handler's parseSettings checks them, so the tool accepts exactly what the
 * gate accepts. Its messages name the resource property; here they name the option instead.
 */
import { SyncGateError } from '../lambda/core/errors';
import { GateSettings, parseSettings } from '../lambda/poll/settings';
import { SyncSource } from '../lambda/sources/source';
import { Prop } from '../lib/contract';
import { CheckRequest, UsageError } from './args';
import { DEFAULT_POLL, PROGRAM } from './help';

const UNITS: Readonly<Record<string, number>> = { h: 3600, m: 60, s: 1 };

/**
 * Seconds in a duration written as the help shows it: `90s`, `10m`, `1h`, `1m30s`, or a bare number of
 * seconds. Undefined when it is not one.
 */
export function parseDuration(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!match || text === '') return undefined;
  return (['h', 'm', 's'] as const).reduce((sum, unit, i) => sum + Number(match[i + 1] ?? 0) * UNITS[unit], 0);
}

/**
 * How messages name an option: `--region` and `--region eu-west-1` on the command line (the default); another front
 * end (the GitHub Action, action/) names its own inputs instead, with the same messages.
 */
export interface OptionNames {
  /** The option as the user gives it: `--stack` (`stack` is the option's name in cli/commands.ts). */
  option(name: string): string;
  /** An example of giving it a value: `--region eu-west-1`. */
  example(name: string, value: string): string;
}

export const CLI_OPTION_NAMES: OptionNames = {
  option: (name) => `--${name}`,
  example: (name, value) => `--${name} ${value}`,
};

/** Where the region came from, for messages. */
function regionOf(request: CheckRequest, env: NodeJS.ProcessEnv, names: OptionNames): { value: string; from: string } {
  if (request.region !== undefined) return { value: request.region, from: names.option('region') };
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION']) {
    const value = env[name];
    if (value) return { value, from: name };
  }
  const region = names.option('region');
  throw new UsageError(
    `Missing ${region}: no region was given and neither AWS_REGION nor AWS_DEFAULT_REGION is set. Pass ${region}, e.g. ${names.example('region', 'eu-west-1')}.`,
    `${PROGRAM} check ${request.command.name} --help`,
  );
}

function seconds(option: string, text: string | undefined, dflt: string, helpCommand: string): number {
  const value = text ?? dflt;
  const n = parseDuration(value);
  if (n === undefined) {
    throw new UsageError(`Invalid ${option} ${JSON.stringify(value)}: expected a duration such as 90s, 10m, 1h or 1m30s.`, helpCommand);
  }
  return n;
}

export interface CheckSettings {
  readonly settings: GateSettings;
  /** The resource properties the options stand for, as a gate with the same props would send them. */
  readonly properties: Readonly<Record<string, string>>;
}

/** The gate's settings for a check; throws UsageError naming the option as `names` gives it (`--wait` by default). */
export function checkSettings(
  request: CheckRequest,
  env: NodeJS.ProcessEnv,
  sources: readonly SyncSource[],
  names: OptionNames = CLI_OPTION_NAMES,
): CheckSettings {
  const helpCommand = `${PROGRAM} check ${request.command.name} --help`;
  if (request.externalId !== undefined && request.roleArn === undefined) {
    throw new UsageError(
      `Option ${names.option('external-id')} goes with ${names.option('role-arn')}: the external id is sent only when the check assumes a role. ` +
        `Add ${names.option('role-arn')}, or remove ${names.option('external-id')}.`,
      helpCommand,
    );
  }
  const region = regionOf(request, env, names);
  const wait = seconds(names.option('wait'), request.wait, '0s', helpCommand);
  const poll = seconds(names.option('poll'), request.poll, DEFAULT_POLL, helpCommand);
  const properties: Record<string, string> = {
    ...Object.fromEntries(request.command.options.map((o) => [o.prop, request.subject[o.name]])),
    [Prop.Region]: region.value,
    ...(request.expectedSha === undefined ? {} : { [Prop.ExpectedSha]: request.expectedSha }),
    [Prop.WaitTimeoutSeconds]: String(wait),
    [Prop.PollIntervalSeconds]: String(poll),
    ...(request.roleArn === undefined ? {} : { [Prop.ReaderRoleArn]: request.roleArn }),
    ...(request.externalId === undefined ? {} : { [Prop.ReaderRoleExternalId]: request.externalId }),
  };
  // What each property was given as, to name it in messages.
  const given: Record<string, string> = {
    ...Object.fromEntries(request.command.options.map((o) => [o.prop, names.option(o.name)])),
    [Prop.Region]: region.from,
    [Prop.ExpectedSha]: names.option('expected-sha'),
    [Prop.WaitTimeoutSeconds]: `${names.option('wait')} ${JSON.stringify(request.wait ?? '0s')}`,
    [Prop.PollIntervalSeconds]: `${names.option('poll')} ${JSON.stringify(request.poll ?? DEFAULT_POLL)}`,
    [Prop.ReaderRoleArn]: names.option('role-arn'),
    [Prop.ReaderRoleExternalId]: names.option('external-id'),
  };
  try {
    return { settings: parseSettings(properties, region.value, sources), properties };
  } catch (e) {
    if (!(e instanceof SyncGateError)) throw e;
    throw new UsageError(namingOptions(e.message, given), helpCommand);
  }
}

/**
 * parseSettings' message, `Invalid WaitTimeoutSeconds "7200": expected a whole number of seconds from 0 to
 * 3600. Fix the gate's props and deploy again.`, worded for the command line:
 * `Invalid --wait "2h" (WaitTimeoutSeconds "7200"): expected a whole number of seconds from 0 to 3600.`
 */
export function namingOptions(message: string, given: Readonly<Record<string, string>>): string {
  const match = /^Invalid (\w+) (.*?): ([\s\S]*?)\.? Fix the gate's props and deploy again\.$/.exec(message);
  if (!match) return message;
  const [, prop, value, allowed] = match;
  const option = given[prop];
  if (!option) return `Invalid ${prop} ${value}: ${allowed}.`;
  const shown = option.includes(' ') ? `${option} (${prop} ${value})` : `${option} ${value}`;
  return `Invalid ${shown}: ${allowed}.`;
}
