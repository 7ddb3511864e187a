/**
 * Collects one row per lifecycle scenario and prints them as a table: the CloudFormation outcome, the number of
 * Proton calls, the response size and the (virtual) time each took, with the start of the reason.
 */
import type { LifecycleOutcome } from '../../offline/offline-world';

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
    const header = ['scenario', 'request', 'outcome', 'proton calls', 'polls', 'bytes', 'virtual time', 'real ms', 'reason'];
    const lines = this.rows.map(({ scenario, outcome: o }) => [
      scenario,
      o.requestType,
      o.status,
      String(o.protonCalls.length),
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

  /** Prints the table (jest shows it with the test file's output). */
  public print(title: string): void {
    if (this.rows.length > 0) console.log(this.format(title));
  }
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
