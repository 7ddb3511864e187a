/**
 * The GitHub Action, as a function of its world (environment, log, output and summary files, sources, clock), so
 * that tests can run it without a process: read the inputs, check them with the command's own rules
 * (cli/settings.ts), run the command's check (cli/check.ts runCheck, the gate's poll), and tell the runner: one log
 * line per poll while waiting, the command's summary, the outputs, the job summary, an error annotation when the gate
 * would not pass, and the command's exit code.
 */
import { UsageError } from '../cli/args';
import { ExitCode, runCheck, waitCap } from '../cli/check';
import { sourceCommands } from '../cli/commands';
import { headline, jsonResult, progressLine, ResultContext, summary, waitCapNote } from '../cli/output';
import { checkSettings } from '../cli/settings';
import { SourceReader, Subject, SyncSource } from '../lambda/sources/source';
import { checkRequest, INPUT_NAMES } from './inputs';
import { ActionOutputs, badInputOutputs, checkOutputs } from './outputs';
import { errorCommand } from './runner';
import { badInputSummary, jobSummary } from './summary';

export interface ActionDeps {
  readonly env: NodeJS.ProcessEnv;
  /** The step's log (stdout), where workflow commands go too. */
  readonly log: { write(text: string): unknown };
  /** Writes the outputs (the GITHUB_OUTPUT file). */
  readonly setOutputs: (outputs: ActionOutputs) => void;
  /** Appends markdown to the job summary (the GITHUB_STEP_SUMMARY file). */
  readonly appendSummary: (markdown: string) => void;
  /** The sources the gate knows (lambda/sources SOURCES). */
  readonly sources: readonly SyncSource[];
  /** A reader of the subject: the command's own (cli/connect.ts). */
  readonly connect: (source: SyncSource, subject: Subject) => SourceReader;
  /** Milliseconds since any fixed origin. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** The annotation's title when the inputs were wrong. */
export const BAD_INPUT_TITLE = 'NO DECISION: bad input, nothing was read';

/** Runs the action and returns the step's exit code: the check's (0 pass, 1 the sync failed, 2 bad input, 3 no decision). */
export async function runAction(deps: ActionDeps): Promise<number> {
  let checked;
  try {
    checked = checkSettings(checkRequest(deps.env, sourceCommands(deps.sources)), deps.env, deps.sources, INPUT_NAMES);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    deps.log.write(`${errorCommand(e.message, BAD_INPUT_TITLE)}\n`);
    deps.setOutputs(badInputOutputs(e.message));
    deps.appendSummary(badInputSummary(e.message));
    return ExitCode.Usage;
  }

  const { settings } = checked;
  const { source, subject } = settings;
  const context: ResultContext = { source: source.kind, subject, reasonSubject: source.reasonSubject(subject) };
  const cap = waitCap(settings);
  if (cap) deps.log.write(`${waitCapNote(cap)}\n`);
  // As the command in a pipeline's log: one line per poll while waiting; a single read has only its result.
  const waiting = settings.waitTimeoutMs > 0;
  const outcome = await runCheck(settings, {
    reader: deps.connect(source, subject),
    now: deps.now,
    sleep: deps.sleep,
    onPoll: (report) => {
      if (waiting) deps.log.write(`${progressLine(report)}\n`);
    },
  });
  const result = jsonResult(outcome, context);
  deps.log.write(summary(outcome, context));
  deps.setOutputs(checkOutputs(result));
  deps.appendSummary(jobSummary(outcome, result, context, settings));
  if (outcome.exitCode !== ExitCode.Pass) deps.log.write(`${errorCommand(result.reason ?? result.why, headline(outcome))}\n`);
  return outcome.exitCode;
}
