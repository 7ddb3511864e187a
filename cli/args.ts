/**
 * Reads the command line: which level (the program, `check`, `check <source>`), --help at each, and the
 * options of a check. Errors are UsageErrors that name the option and say what is allowed (exit code 2).
 * Turning the options into the gate's settings is settings.ts's job.
 */
import { SourceCommand } from './commands';
import { checkHelp, PROGRAM, sourceHelp, topHelp } from './help';

/** Bad or missing arguments: the message names the option and what is allowed; `helpCommand` shows the usage. */
export class UsageError extends Error {
  constructor(
    message: string,
    public readonly helpCommand: string = `${PROGRAM} --help`,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** What the user asked for, before it is checked against the gate's rules. */
export interface CheckRequest {
  readonly command: SourceCommand;
  /** The subject's options, by option name (`service` -> `api`). */
  readonly subject: Readonly<Record<string, string>>;
  readonly region?: string;
  readonly expectedSha?: string;
  readonly wait?: string;
  readonly poll?: string;
  /** --role-arn: a role in the account that owns the sync, to read through. */
  readonly roleArn?: string;
  /** --external-id: the external id the role's owner asks for. */
  readonly externalId?: string;
  readonly json: boolean;
}

export type Invocation =
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version' }
  | { readonly kind: 'check'; readonly request: CheckRequest };

/** Options of every check that take a value, and the flags. */
const VALUE_OPTIONS = ['region', 'expected-sha', 'wait', 'poll', 'role-arn', 'external-id'] as const;
const FLAGS = ['json', 'help'] as const;

interface RawOption {
  readonly name: string;
  /** As typed, for messages: `--servce`, `-x`. */
  readonly raw: string;
  readonly value?: string;
}

/** Splits argv into positionals and options (`--name value`, `--name=value`, `-h`). */
function tokenize(argv: readonly string[], takesValue: (name: string) => boolean): { positionals: string[]; options: RawOption[] } {
  const positionals: string[] = [];
  const options: RawOption[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h') {
      options.push({ name: 'help', raw: arg });
    } else if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const raw = `--${name}`;
      if (eq !== -1) {
        options.push({ name, raw, value: arg.slice(eq + 1) });
      } else if (takesValue(name) && i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
        options.push({ name, raw, value: argv[++i] });
      } else {
        options.push({ name, raw });
      }
    } else if (arg.startsWith('-') && arg.length > 1) {
      options.push({ name: arg, raw: arg });
    } else {
      positionals.push(arg);
    }
  }
  return { positionals, options };
}

/** `a, b or c` (or `a, b and c`). */
function list(names: readonly string[], conjunction: 'or' | 'and' = 'or'): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} ${conjunction} ${names[names.length - 1]}`;
}

/** Parses argv (without node and the script). `commands` are the sources' check commands. */
export function parseArgs(argv: readonly string[], commands: readonly SourceCommand[]): Invocation {
  const subjectNames = new Set(commands.flatMap((c) => c.options.map((o) => o.name)));
  const takesValue = (name: string): boolean => (VALUE_OPTIONS as readonly string[]).includes(name) || subjectNames.has(name);
  const { positionals, options } = tokenize(argv, takesValue);
  const help = options.some((o) => o.name === 'help');
  const [first, second, ...rest] = positionals;
  const commandNames = commands.map((c) => c.name);

  if (first === undefined) {
    if (help) return { kind: 'help', text: topHelp(commands) };
    if (options.some((o) => o.name === 'version') && options.length === 1) return { kind: 'version' };
    throw new UsageError('Missing a command: expected check.');
  }
  if (first !== 'check') {
    throw new UsageError(`Unknown command ${JSON.stringify(first)}: expected check.`);
  }
  const checkHelpCommand = `${PROGRAM} check --help`;
  if (second === undefined) {
    if (help) return { kind: 'help', text: checkHelp(commands) };
    throw new UsageError(`Missing the source to check: expected ${list(commandNames)}.`, checkHelpCommand);
  }
  const command = commands.find((c) => c.name === second);
  if (!command) {
    throw new UsageError(`Unknown source ${JSON.stringify(second)}: expected ${list(commandNames)}.`, checkHelpCommand);
  }
  if (help) return { kind: 'help', text: sourceHelp(command) };
  return { kind: 'check', request: checkRequest(command, rest, options) };
}

function checkRequest(command: SourceCommand, extra: readonly string[], options: readonly RawOption[]): CheckRequest {
  const helpCommand = `${PROGRAM} check ${command.name} --help`;
  const subjectNames = command.options.map((o) => o.name);
  const allowed = [...subjectNames, ...VALUE_OPTIONS, ...FLAGS];
  const values = new Map<string, string | true>();
  for (const o of options) {
    if (!allowed.includes(o.name)) {
      throw new UsageError(`Unknown option ${o.raw} for check ${command.name}: allowed are ${list(allowed.map((a) => `--${a}`))}.`, helpCommand);
    }
    if (values.has(o.name)) throw new UsageError(`Option --${o.name} is given more than once.`, helpCommand);
    const isFlag = (FLAGS as readonly string[]).includes(o.name);
    if (isFlag && o.value !== undefined) throw new UsageError(`Option --${o.name} takes no value (got ${JSON.stringify(o.value)}).`, helpCommand);
    if (!isFlag && (o.value === undefined || o.value === '')) throw new UsageError(`Option --${o.name} needs a value.`, helpCommand);
    values.set(o.name, o.value ?? true);
  }
  // After the options: the value of an unknown option would otherwise be reported as an unexpected argument.
  if (extra.length > 0) {
    throw new UsageError(`Unexpected argument ${JSON.stringify(extra[0])}: check ${command.name} takes options only.`, helpCommand);
  }
  const missing = command.options.filter((o) => !values.has(o.name));
  if (missing.length > 0) {
    throw new UsageError(
      `Missing ${list(missing.map((o) => `--${o.name}`), 'and')}: check ${command.name} needs ${list(command.options.map((o) => `--${o.name} (${o.description})`), 'and')}.`,
      helpCommand,
    );
  }
  const str = (name: string): string | undefined => values.get(name) as string | undefined;
  return {
    command,
    subject: Object.fromEntries(subjectNames.map((n) => [n, str(n)!])),
    region: str('region'),
    expectedSha: str('expected-sha'),
    wait: str('wait'),
    poll: str('poll'),
    roleArn: str('role-arn'),
    externalId: str('external-id'),
    json: values.get('json') === true,
  };
}
