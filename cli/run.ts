/**
 * The whole command, as a function of its arguments and its world (environment, streams, sources, clock), so
 * that tests run it without a process: parse, check the options against the gate's rules, poll, print, and
 * return the exit code.
 */
import { SourceReader, Subject, SyncSource } from '../lambda/sources/source';
import { parseArgs, UsageError } from './args';
import { ExitCode, runCheck, waitCap } from './check';
import { sourceCommands } from './commands';
import { PROGRAM } from './help';
import { jsonResult, jsonUsageError, Progress, ProgressStream, ResultContext, summary, waitCapNote } from './output';
import { checkSettings } from './settings';

export interface CliDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: ProgressStream;
  /** The sources the gate knows (lambda/sources SOURCES). */
  readonly sources: readonly SyncSource[];
  /**
   * A reader of `source` for `subject` (its region, and its reader role when --role-arn names one); the entry uses
   * the one the gate uses, connectSubject.
   */
  readonly connect: (source: SyncSource, subject: Subject) => SourceReader;
  /** Milliseconds since any fixed origin. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** What --version prints: the package's version. */
  readonly version: string;
}

/** Runs the command line `argv` (without node and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  let checked;
  let json: boolean;
  try {
    const invocation = parseArgs(argv, sourceCommands(deps.sources));
    if (invocation.kind === 'help') {
      deps.stdout.write(invocation.text);
      return ExitCode.Pass;
    }
    if (invocation.kind === 'version') {
      deps.stdout.write(`${deps.version}\n`);
      return ExitCode.Pass;
    }
    json = invocation.request.json;
    checked = checkSettings(invocation.request, deps.env, deps.sources);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    deps.stderr.write(`${PROGRAM}: ${e.message}\nRun '${e.helpCommand}' for usage.\n`);
    // A pipeline that asked for JSON can parse the answer whatever went wrong.
    if (argv.includes('--json')) deps.stdout.write(`${JSON.stringify(jsonUsageError(e.message), null, 2)}\n`);
    return ExitCode.Usage;
  }

  const { settings } = checked;
  const { source, subject } = settings;
  const context: ResultContext = { source: source.kind, subject, reasonSubject: source.reasonSubject(subject) };
  // Progress only while waiting: a single check has nothing to show before its result.
  const progress = settings.waitTimeoutMs > 0 ? new Progress(deps.stderr) : undefined;
  // Before the first poll, so that a pipeline's log says at once how long the check may take.
  const cap = waitCap(settings);
  if (cap) deps.stderr.write(`${waitCapNote(cap)}\n`);
  try {
    const outcome = await runCheck(settings, {
      reader: deps.connect(source, subject),
      now: deps.now,
      sleep: deps.sleep,
      onPoll: (report) => progress?.update(report),
    });
    progress?.end();
    deps.stdout.write(json ? `${JSON.stringify(jsonResult(outcome, context), null, 2)}\n` : summary(outcome, context));
    return outcome.exitCode;
  } catch (e) {
    progress?.end();
    deps.stderr.write(`${PROGRAM}: the check stopped on an unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return ExitCode.Undecided;
  }
}
