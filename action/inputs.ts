/**
 * The action's inputs as the runner passes them (one environment variable per input, `INPUT_<NAME>`), turned into
 * the request the command line would make: the source, its subject, and the options every check takes. From there
 * the check is the command's own (cli/settings.ts checkSettings, with messages that name the inputs).
 */
import { CheckRequest, UsageError } from '../cli/args';
import { SourceCommand } from '../cli/commands';
import { OptionNames } from '../cli/settings';

/** The inputs every source takes: the source, then the command's options that take a value. */
export const COMMON_INPUTS = ['source', 'region', 'expected-sha', 'wait', 'poll'] as const;

/**
 * Subject inputs named otherwise than the command's options (cli/commands.ts): a workflow names the stack as the
 * construct's prop does (`stackName`), where the command line says `--stack`.
 */
const SUBJECT_INPUT_NAMES: Readonly<Record<string, string>> = { stack: 'stack-name' };

/** How the check's messages name the action's inputs: `Invalid wait "2h" ...`, `e.g. region: eu-west-1`. */
export const INPUT_NAMES: OptionNames = {
  option: (name) => SUBJECT_INPUT_NAMES[name] ?? name,
  example: (name, value) => `${SUBJECT_INPUT_NAMES[name] ?? name}: ${value}`,
};

/**
 * The runner's environment variable for an input: `INPUT_`, then the name upper-cased with spaces as `_` (hyphens
 * are kept: `INPUT_STACK-NAME`).
 */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** An input's value, trimmed (as @actions/core reads it); undefined when it is not set or empty. */
export function readInput(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[inputVariable(name)]?.trim();
  return value ? value : undefined;
}

/** The inputs that name `command`'s subject: `stack-name`; `service` and `instance`. */
export function subjectInputs(command: SourceCommand): string[] {
  return command.options.map((o) => INPUT_NAMES.option(o.name));
}

/** Every input the action reads: the source, the subjects of every source, the options every check takes. */
export function actionInputs(commands: readonly SourceCommand[]): string[] {
  return [COMMON_INPUTS[0], ...new Set(commands.flatMap(subjectInputs)), ...COMMON_INPUTS.slice(1)];
}

/** `a, b or c` (or `a, b and c`). */
function list(names: readonly string[], conjunction: 'or' | 'and' = 'or'): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} ${conjunction} ${names[names.length - 1]}`;
}

/**
 * The check the inputs ask for. Throws UsageError naming the input, the value and what is allowed: an unknown
 * source, a missing subject input, or a subject input of another source (it would be ignored, which is never meant).
 */
export function checkRequest(env: NodeJS.ProcessEnv, commands: readonly SourceCommand[]): CheckRequest {
  const names = commands.map((c) => c.name);
  const source = readInput(env, 'source');
  if (source === undefined) throw new UsageError(`Missing source: expected ${list(names)}.`);
  const command = commands.find((c) => c.name === source);
  if (!command) throw new UsageError(`Invalid source ${JSON.stringify(source)}: expected ${list(names)}.`);

  const own = subjectInputs(command);
  for (const other of commands.filter((c) => c !== command)) {
    const stray = subjectInputs(other).find((name) => !own.includes(name) && readInput(env, name) !== undefined);
    if (stray !== undefined) {
      throw new UsageError(`Input ${stray} is for source ${other.name}, not ${command.name}: source ${command.name} takes ${list(own, 'and')}.`);
    }
  }
  const missing = command.options.filter((o) => readInput(env, INPUT_NAMES.option(o.name)) === undefined);
  if (missing.length > 0) {
    const needs = command.options.map((o) => `${INPUT_NAMES.option(o.name)} (${o.description})`);
    throw new UsageError(`Missing ${list(missing.map((o) => INPUT_NAMES.option(o.name)), 'and')}: source ${command.name} needs ${list(needs, 'and')}.`);
  }
  return {
    command,
    subject: Object.fromEntries(command.options.map((o) => [o.name, readInput(env, INPUT_NAMES.option(o.name))!])),
    region: readInput(env, 'region'),
    expectedSha: readInput(env, 'expected-sha'),
    wait: readInput(env, 'wait'),
    poll: readInput(env, 'poll'),
    json: false,
  };
}
