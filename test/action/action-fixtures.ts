/**
 * Runs the GitHub Action as the runner runs it: action.yml's `runs.main` with the Node.js its `runs.using` names
 * (the pinned Node.js 24 of tools/node24; this Node.js where none fits the platform), the inputs as `INPUT_<NAME>`
 * variables (given ones, and the defaults of action.yml for the others), and the GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files created empty beforehand. Reads back what the runner would: the outputs (parsed as the
 * runner parses the file), the job summary, the log and its workflow commands.
 *
 * The AWS side is the offline world's fakes on 127.0.0.1, as for the command (test/cli/cli-fixtures.ts): fake
 * credentials, no AWS profile or metadata of this machine, every other endpoint a dead loopback port.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';

export const ROOT = path.join(__dirname, '..', '..');

/** action.yml, as far as the runner reads it. */
export interface ActionMetadata {
  readonly name: string;
  readonly description: string;
  readonly inputs: Readonly<Record<string, { readonly description: string; readonly required?: boolean; readonly default?: string }>>;
  readonly outputs: Readonly<Record<string, { readonly description: string }>>;
  readonly runs: { readonly using: string; readonly main: string };
}

export function actionMetadata(): ActionMetadata {
  return parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionMetadata;
}

/** The Node.js that runs the action: the one the runner has for `runs.using`, when this machine has it. */
export function actionNode(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { supportedNode } = require('../../scripts/supported-node.js') as { supportedNode: () => string | undefined };
  return supportedNode() ?? process.execPath;
}

/** One workflow command of the log: `::error title=T::message`, unescaped as the runner unescapes it. */
export interface WorkflowCommand {
  readonly command: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly message: string;
  /** The line as written. */
  readonly line: string;
}

/** How the runner reads the data and properties of a `::` command (ActionCommand.Unescape: %0D, %0A, %3A, %2C, then %25). */
function unescape(text: string, property: boolean): string {
  const mappings: [string, string][] = property
    ? [['%0D', '\r'], ['%0A', '\n'], ['%3A', ':'], ['%2C', ','], ['%25', '%']]
    : [['%0D', '\r'], ['%0A', '\n'], ['%25', '%']];
  return mappings.reduce((t, [from, to]) => t.split(from).join(to), text);
}

export function workflowCommands(log: string): WorkflowCommand[] {
  return log
    .split('\n')
    .map((line) => ({ line, match: /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(line) }))
    .filter(({ match }) => match !== null)
    .map(({ line, match }) => ({
      command: match![1],
      properties: Object.fromEntries(
        (match![2] ?? '')
          .split(',')
          .filter(Boolean)
          .map((p) => [p.slice(0, p.indexOf('=')), unescape(p.slice(p.indexOf('=') + 1), true)]),
      ),
      message: unescape(match![3], false),
      line,
    }));
}

/**
 * The GITHUB_OUTPUT file as the runner reads it: `name=value` lines and `name<<DELIMITER` records up to a line that
 * is the delimiter. Throws where the runner would fail the step (a record without its closing delimiter).
 */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const end = lines.indexOf(delimiter, i + 1);
      if (end === -1) throw new Error(`output ${name}: no line "${delimiter}" ends it`);
      outputs[name] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    } else {
      throw new Error(`invalid line in the output file: ${JSON.stringify(line)}`);
    }
  }
  return outputs;
}

/** What one step run left. */
export interface StepRun {
  readonly code: number | null;
  /** The step's log: stdout then stderr, as the runner shows both. */
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  /** The raw GITHUB_OUTPUT file. */
  readonly outputFile: string;
  readonly summary: string;
  readonly commands: WorkflowCommand[];
  /** The log lines that are not workflow commands. */
  readonly logLines: string[];
}

export interface StepOptions {
  /** The step's `with:`. */
  readonly with?: Readonly<Record<string, string>>;
  /** Fake endpoints: `{ AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS: gitSync.endpoint }`. */
  readonly endpoints?: Readonly<Record<string, string>>;
  /** More environment, e.g. AWS_REGION as aws-actions/configure-aws-credentials sets it. */
  readonly env?: Readonly<Record<string, string>>;
  /** Another entry file than action.yml's (e.g. a copy with no node_modules above it). */
  readonly main?: string;
}

/** Runs the action's entry as the runner does, and reads back what it left. */
export async function runStep(options: StepOptions = {}): Promise<StepRun> {
  const metadata = actionMetadata();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'action-step-'));
  try {
    const outputFile = path.join(dir, 'output.txt');
    const summaryFile = path.join(dir, 'summary.md');
    fs.writeFileSync(outputFile, '');
    fs.writeFileSync(summaryFile, '');
    fs.mkdirSync(path.join(dir, 'workspace'));
    const inputs: Record<string, string> = {};
    for (const [name, input] of Object.entries(metadata.inputs)) {
      const value = options.with?.[name] ?? input.default;
      if (value !== undefined) inputs[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
    }
    for (const name of Object.keys(options.with ?? {})) {
      if (!(name in metadata.inputs)) throw new Error(`the test gives input ${name}, which action.yml does not declare`);
    }
    const main = options.main ?? path.join(ROOT, metadata.runs.main);
    const run = await spawnNode(main, {
      PATH: path.dirname(process.execPath),
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: path.join(dir, 'workspace'),
      RUNNER_TEMP: dir,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      AWS_ACCESS_KEY_ID: 'AKIDFAKEFAKEFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_CONFIG_FILE: path.join(dir, 'no-such-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-such-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      // Only where no Node.js 24 fits this platform: the SDK's notice that it will leave Node.js 20 is not the action's.
      ...(actionNode() === process.execPath ? { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } : {}),
      ...options.endpoints,
      ...options.env,
      ...inputs,
    }, path.join(dir, 'workspace'));
    const outputText = fs.readFileSync(outputFile, 'utf8');
    const commands = workflowCommands(run.stdout);
    return {
      ...run,
      outputFile: outputText,
      outputs: parseOutputFile(outputText),
      summary: fs.readFileSync(summaryFile, 'utf8'),
      commands,
      logLines: run.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('::')),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function spawnNode(main: string, env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(actionNode(), [main], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
