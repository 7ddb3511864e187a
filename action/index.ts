/**
 * The GitHub Action's entry (action.yml `runs.main`; bundled with esbuild into action/dist/index.js by
 * `npm run build:action`, the AWS SDK inside, and committed, since the runner runs it straight from the repository
 * with no install). Wires the process: the environment with the inputs, stdout as the step's log, the runner's
 * output and summary files, the command's reader, the real clock; the action itself is run.ts.
 */
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { ExitCode } from '../cli/check';
import { connectReader } from '../cli/connect';
import { SOURCES } from '../lambda/sources';
import { runAction } from './run';
import { errorCommand, outputRecord } from './runner';

/** Appends to the file the runner names in `variable`; nothing when it names none (the entry run by hand). */
function appendTo(variable: 'GITHUB_OUTPUT' | 'GITHUB_STEP_SUMMARY', text: string): void {
  const file = process.env[variable];
  if (file) fs.appendFileSync(file, text, 'utf8');
}

runAction({
  env: process.env,
  log: process.stdout,
  setOutputs: (outputs) =>
    appendTo(
      'GITHUB_OUTPUT',
      Object.entries(outputs)
        .map(([name, value]) => outputRecord(name, value))
        .join(''),
    ),
  appendSummary: (markdown) => appendTo('GITHUB_STEP_SUMMARY', markdown),
  sources: SOURCES,
  connect: connectReader,
  // Monotonic: a wall clock set back or forth while waiting does not change how long the check waits.
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // As the command: an unexpected error is no decision (3), said on the log and as an annotation.
    const message = `the check stopped on an unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
    process.stdout.write(`${errorCommand(message, 'NO DECISION: the check stopped on an unexpected error')}\n`);
    process.exitCode = ExitCode.Undecided;
  },
);
