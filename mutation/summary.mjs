// @ts-check
/**
 * Prints the score of StrykerJS JSON reports per file, and every surviving or uncovered mutant with its line, for
 * docs/mutation.md:
 *
 *   node mutation/summary.mjs [--under lib/] reports/mutation/construct.json [later.json ...]
 *
 * Both halves share one incremental file, so each report holds every file measured so far; `--under` keeps the
 * files of one half.
 * When several reports hold the same file (a full run, then a run of a few files with `--mutate`), the last one
 * given wins for that file, so a rerun of changed files replaces only their rows.
 */
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const underAt = args.indexOf('--under');
const under = underAt === -1 ? '' : args.splice(underAt, 2)[1];
const paths = args;
if (paths.length === 0 || under === undefined) {
  console.error('usage: node mutation/summary.mjs [--under DIR/] REPORT.json [LATER_REPORT.json ...]');
  process.exit(2);
}

/** @type {Map<string, { source: string, mutants: { status: string, mutatorName: string, replacement?: string, location: { start: { line: number } } }[] }>} */
const files = new Map();
for (const path of paths) {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  for (const [name, file] of Object.entries(report.files)) if (name.startsWith(under)) files.set(name, file);
}

const STATUSES = /** @type {const} */ (['Killed', 'Timeout', 'Survived', 'NoCoverage', 'CompileError']);
/** @typedef {Record<typeof STATUSES[number], number>} Tally */
/** How many of `mutants` have each status. */
const tally = (/** @type {{ status: string }[]} */ mutants) =>
  /** @type {Tally} */ (Object.fromEntries(STATUSES.map((status) => [status, mutants.filter((m) => m.status === status).length])));
/** Killed and timed out over all that ran (compile errors apart), as Stryker scores. */
const score = (/** @type {Tally} */ t) => {
  const detected = t.Killed + t.Timeout;
  const ran = detected + t.Survived + t.NoCoverage;
  return ran === 0 ? 'n/a' : `${((100 * detected) / ran).toFixed(2)} %`;
};

const rows = [];
const undetectedLines = [];
const total = tally([]);
for (const [name, file] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
  const t = tally(file.mutants);
  for (const status of STATUSES) total[status] += t[status];
  rows.push(`| \`${name}\` | ${score(t)} | ${t.Killed} | ${t.Timeout} | ${t.Survived} | ${t.NoCoverage} | ${t.CompileError} |`);
  const lines = file.source.split('\n');
  for (const m of file.mutants.filter((mutant) => mutant.status === 'Survived' || mutant.status === 'NoCoverage')) {
    const line = m.location.start.line;
    undetectedLines.push(`${name}:${line} ${m.status} ${m.mutatorName}: ${lines[line - 1].trim().slice(0, 120)}  =>  ${(m.replacement ?? '').slice(0, 100)}`);
  }
}

console.log(
  `Score ${score(total)}: ${total.Killed} killed, ${total.Timeout} timed out, ` +
    `${total.Survived} survived, ${total.NoCoverage} no coverage, ${total.CompileError} compile errors`,
);
console.log('\n| File | Score | Killed | Timed out | Survived | No coverage | Compile errors |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
console.log(rows.join('\n'));
console.log(`\n${undetectedLines.length} undetected:`);
console.log(undetectedLines.join('\n'));
