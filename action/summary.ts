/**
 * The job summary (markdown appended to GITHUB_STEP_SUMMARY): the command's headline, a table of what was checked
 * and seen, and the reason when the gate would fail. Pure text.
 */
import { CheckOutcome } from '../cli/check';
import { headline, JsonResult, ResultContext } from '../cli/output';
import { formatDuration } from '../lambda/core/text';
import { effectiveTimeoutMs } from '../lambda/poll/poll';
import { GateSettings } from '../lambda/poll/settings';
import { Attr } from '../lib/contract';

/** Text for a table cell: no HTML, no column break, lines as `<br>`. */
export function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>');
}

/** A sha as code, or a dash when there is none. */
function sha(value: string | undefined): string {
  return value ? `\`${value}\`` : '-';
}

/** A fenced block that no run of backticks inside `text` can close early. */
export function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${text}\n${fence}`;
}

function table(rows: readonly (readonly [string, string])[]): string {
  return ['| | |', '| --- | --- |', ...rows.map(([name, value]) => `| ${name} | ${value} |`)].join('\n');
}

/** The summary of a check that ran. */
export function jobSummary(outcome: CheckOutcome, result: JsonResult, context: ResultContext, settings: GateSettings): string {
  const a = result.attributes;
  const waited = settings.waitTimeoutMs === 0
    ? `${formatDuration(outcome.elapsedMs)} (checked once: no wait)`
    : `${formatDuration(outcome.elapsedMs)} of ${formatDuration(effectiveTimeoutMs(settings))}`;
  const polls = outcome.failedPolls > 0 ? `${outcome.polls} (${outcome.failedPolls} could not read the status)` : String(outcome.polls);
  const rows: [string, string][] = [
    ['Subject', cell(`${context.reasonSubject.source}: ${context.reasonSubject.description}`)],
    ['Region', cell(context.subject.region)],
    ['Verdict', `**${result.verdict}** (exit code ${result.exitCode})`],
    ['Situation', `\`${result.situation}\``],
    ['Why', cell(result.why)],
    ['Expected sha', settings.expectedSha ? sha(settings.expectedSha) : 'any'],
    ['Desired sha', sha(a[Attr.Sha])],
    ['Latest sync', a[Attr.LatestSyncSha] ? `${cell(a[Attr.Status])} at ${sha(a[Attr.LatestSyncSha])}` : cell(a[Attr.Status] || '-')],
    ['Latest successful sync sha', sha(a[Attr.LatestSuccessfulSyncSha])],
    ['Polls', polls],
    ['Waited', waited],
  ];
  const parts = [`### ${cell(headline(outcome))}`, '', table(rows), ''];
  if (result.reason !== undefined) parts.push('**Reason**', '', fenced(result.reason), '');
  return parts.join('\n') + '\n';
}

/** The summary when the inputs were wrong: nothing was read. */
export function badInputSummary(message: string): string {
  return ['### NO DECISION: bad input, nothing was read (exit code 2).', '', fenced(message), ''].join('\n') + '\n';
}
