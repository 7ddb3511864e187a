/**
 * What the check prints: the result on stdout (a short summary, or one JSON object with --json) and progress on
 * stderr while it waits (one updating line on a terminal, one line per poll otherwise). Pure text: the entry
 * writes it.
 */
import { Attributes } from '../lambda/core/attributes';
import { Situation, Verdict } from '../lambda/core/decide';
import { ReasonSubject } from '../lambda/core/reasons';
import { formatDuration } from '../lambda/core/text';
import { Subject } from '../lambda/sources/source';
import { Attr, AttrName } from '../lib/contract';
import { Limits } from '../lib/limits';
import { CheckOutcome, ExitCode, PollReport, WaitCap } from './check';
import { inCheckWords } from './words';

/** What the result is about. */
export interface ResultContext {
  /** The source's kind: `proton`. */
  readonly source: string;
  readonly subject: Subject;
  readonly reasonSubject: ReasonSubject;
}

/** What the check concludes, as its exit code says it: the gate's verdict, or no decision when nothing was read. */
export type CheckVerdict = Verdict | 'NO_DECISION';

/** The one object --json prints. */
export interface JsonResult {
  /** PASS (exit 0), FAIL (exit 1: the gate would fail on the sync), NO_DECISION (exit 3: the status could not be read). */
  readonly verdict: CheckVerdict;
  readonly exitCode: number;
  readonly situation: Situation;
  readonly why: string;
  readonly attributes: Attributes;
  /** In the check's words (cli/words.ts). */
  readonly reason?: string;
  /** The reason word for word as the gate would give it to CloudFormation. */
  readonly gateReason?: string;
  /** Why the last poll could not read the sync status, in the check's words, when it could not. */
  readonly readError?: string;
  readonly source: string;
  readonly subject: Subject;
  readonly polls: number;
  readonly elapsedSeconds: number;
}

export function jsonResult(outcome: CheckOutcome, context: ResultContext): JsonResult {
  return {
    verdict: outcome.exitCode === ExitCode.Undecided ? 'NO_DECISION' : outcome.decision.verdict,
    exitCode: outcome.exitCode,
    situation: outcome.decision.situation,
    why: inCheckWords(outcome.decision.why),
    attributes: outcome.attributes,
    ...(outcome.reason === undefined ? {} : { reason: inCheckWords(outcome.reason), gateReason: outcome.reason }),
    ...(outcome.readError === undefined ? {} : { readError: inCheckWords(outcome.readError) }),
    source: context.source,
    subject: context.subject,
    polls: outcome.polls,
    elapsedSeconds: Math.round(outcome.elapsedMs / 1000),
  };
}

/** What --json prints for bad arguments: the same shape's verdict and exit code, and the error. */
export function jsonUsageError(message: string): { readonly verdict: CheckVerdict; readonly exitCode: number; readonly error: string } {
  return { verdict: 'NO_DECISION', exitCode: ExitCode.Usage, error: message };
}

/** The attributes the summary shows, in this order. */
const SUMMARY_ATTRIBUTES: readonly AttrName[] = [
  Attr.Status,
  Attr.InSync,
  Attr.Sha,
  Attr.LatestSyncSha,
  Attr.LatestSuccessfulSyncSha,
  Attr.Branch,
  Attr.RepositoryName,
  Attr.LatestSyncEvent,
];

/** The summary's first line: the verdict and situation, as the exit code says them. */
export function headline(outcome: CheckOutcome): string {
  const situation = outcome.decision.situation;
  if (outcome.exitCode === ExitCode.Pass) return `PASS: the gate would pass (${situation}).`;
  if (outcome.exitCode === ExitCode.SyncFailed) return `FAIL: the gate would fail (${situation}).`;
  if (situation === 'SOURCE_ERROR') return `NO DECISION: the sync status could not be read (${situation}); the gate would fail.`;
  // A read that may pass (throttling, 5xx, timeouts): the gate waits and reads again, until its waitTimeout.
  if (outcome.waitMs === 0) return 'NO DECISION: could not read the sync status; the gate would wait and read again (give the check a --wait to do the same).';
  return `NO DECISION: could not read the sync status before --wait ran out (${situation}); a gate that waits as long would fail.`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/**
 * Why the check waits less than --wait asked: "--wait 1h 0m 0s is capped at 56m 55s, as the gate caps its
 * waitTimeout: ...". Shown on stderr before the first poll and in the summary.
 */
export function waitCapNote(cap: WaitCap): string {
  return (
    `--wait ${formatDuration(cap.requestedMs)} is capped at ${formatDuration(cap.waitMs)}, as the gate caps its waitTimeout: ` +
    `CloudFormation's hour less ${formatDuration((Limits.cloudFormationReserveSeconds + Limits.waiterTickSeconds) * 1000)}, so that the gate answers with its own reason.`
  );
}

/** The human summary for stdout. */
export function summary(outcome: CheckOutcome, context: ResultContext): string {
  const width = Math.max(...SUMMARY_ATTRIBUTES.map((a) => a.length)) + 2;
  const lines = [headline(outcome), `  ${context.reasonSubject.source}: ${context.reasonSubject.description}`];
  // For an error that waiting does not fix, why and reason are the error's own message: say it once.
  if (outcome.decision.why !== outcome.reason) lines.push(`  Why: ${inCheckWords(outcome.decision.why)}`);
  if (outcome.status) {
    for (const name of SUMMARY_ATTRIBUTES) lines.push(`  ${name.padEnd(width)}${outcome.attributes[name] || '-'}`);
  }
  const polls = `${outcome.polls} poll${outcome.polls === 1 ? '' : 's'}`;
  lines.push(`  ${polls} in ${formatDuration(outcome.elapsedMs)}`);
  if (outcome.waitCap) lines.push(`  ${waitCapNote(outcome.waitCap)}`);
  if (outcome.reason !== undefined) lines.push('Reason:', indent(inCheckWords(outcome.reason)));
  else if (outcome.readError !== undefined) lines.push('Could not read:', indent(inCheckWords(outcome.readError)));
  return lines.join('\n') + '\n';
}

function shortSha(sha: string): string {
  return sha ? sha.slice(0, 12) : '(none)';
}

/** The first line of an error, at most `max` characters. */
function firstLine(text: string, max: number): string {
  const line = text.split('\n')[0];
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function timing(report: PollReport): string {
  return `${formatDuration(report.elapsedMs)} elapsed, ${formatDuration(report.remainingMs)} left`;
}

function seen(report: PollReport): string {
  const a = report.attributes;
  return `${report.decision.situation}, status ${a.Status}, desired sha ${shortSha(a.Sha)}, latest sync sha ${shortSha(a.LatestSyncSha)}`;
}

/** One line per poll, for a log (stderr that is not a terminal). */
export function progressLine(report: PollReport): string {
  const error = report.error === undefined ? '' : `; could not read the status: ${firstLine(inCheckWords(report.error), 300)}`;
  return `poll ${report.poll} (${timing(report)}): ${seen(report)}${error}`;
}

/** The one line a terminal shows and updates in place: timing first, so that a narrow terminal cuts the rest. */
export function statusLine(report: PollReport): string {
  const a = report.attributes;
  const error = report.error === undefined ? '' : ', last read failed';
  return `${timing(report)}: status ${a.Status}, desired sha ${a.Sha ? a.Sha.slice(0, 7) : '(none)'} (${report.decision.situation}${error})`;
}

/** Where progress goes: process.stderr, or a stand-in in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Carriage return, then erase the whole line. */
export const CLEAR_LINE = '\r\x1b[2K';

/** Shows progress: on a terminal one line updated in place, otherwise one line per poll. */
export class Progress {
  private shown = false;

  constructor(private readonly stream: ProgressStream) {}

  public update(report: PollReport): void {
    if (this.stream.isTTY) {
      const max = Math.max(20, (this.stream.columns ?? 80) - 1);
      const line = statusLine(report);
      this.stream.write(`${CLEAR_LINE}${line.length > max ? `${line.slice(0, max - 1)}…` : line}`);
      this.shown = true;
    } else {
      this.stream.write(`${progressLine(report)}\n`);
    }
  }

  /** Clears the terminal line, so that what follows starts on a clean line. */
  public end(): void {
    if (this.shown) this.stream.write(CLEAR_LINE);
    this.shown = false;
  }
}
