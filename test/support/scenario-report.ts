/**
 * Collects one row per lifecycle scenario and reports them as a table: the CloudFormation outcome, the number of
 * sync API calls (Proton and Git sync), the response size and the (virtual) time each took, with the start of the reason.
 *
 * The table is written to `.tmp/scenario-reports/` on every run and printed only when asked
 * (`SCENARIO_REPORT=1 npm test`), so a passing `npm test` prints nothing but jest's summary.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { LifecycleOutcome } from '../../offline/offline-world';

/** Where every run leaves its tables, one file per title. */
export const SCENARIO_REPORT_DIR = path.join(__dirname, '..', '..', '.tmp', 'scenario-reports');

export interface ScenarioRow {
  readonly scenario: string;
  readonly outcome: LifecycleOutcome;
}

export class ScenarioReport {
  public readonly rows: ScenarioRow[] = [];

  /** Records an outcome under a scenario name and returns it. */
  public add(scenario: string, outcome: LifecycleOutcome): LifecycleOutcome {
    this.rows.push({ scenario, outcome });
    return outcome;
  }

  /** The table as text. */
  public format(title: string): string {
    const header = ['scenario', 'request', 'outcome', 'api calls', 'polls', 'bytes', 'virtual time', 'real ms', 'reason'];
    const lines = this.rows.map(({ scenario, outcome: o }) => [
      scenario,
      o.requestType,
      o.status,
      String(o.apiCalls.length),
      String(o.waiterAttempts),
      String(o.responseBytes),
      `${(o.virtualElapsedMs / 1000).toFixed(1)} s`,
      String(o.realElapsedMs),
      o.status === 'SUCCESS' ? '' : oneLine(o.reason, 90),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    const row = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join(' | ').trimEnd();
    return [`${title}`, row(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.map(row)].join('\n');
  }

  /**
   * Writes the table to `.tmp/scenario-reports/<title>.txt`, and prints it too when SCENARIO_REPORT=1 (jest shows
   * it with the test file's output). Returns the file written, if any.
   */
  public print(title: string): string | undefined {
    if (this.rows.length === 0) return undefined;
    const table = this.format(title);
    const file = path.join(SCENARIO_REPORT_DIR, `${title.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase()}.txt`);
    fs.mkdirSync(SCENARIO_REPORT_DIR, { recursive: true });
    fs.writeFileSync(file, `${table}\n`);
    if (process.env.SCENARIO_REPORT === '1') console.log(table);
    return file;
  }
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
