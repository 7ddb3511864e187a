/**
 * The CDK CLI's telemetry is off wherever this project runs the CLI (the example app's cdk.json, and the integ
 * test's), by cdk.json alone: the CLI reads `cli-telemetry` from the context, not from cdk.json's top level, where it
 * is silently ignored. Asked of the installed CLI (`cdk cli-telemetry --status`, which runs no app), with
 * CDK_DISABLE_CLI_TELEMETRY unset (.ci/run exports it, which would hide a cdk.json that does not turn it off), a HOME
 * without a ~/.cdk.json, and a proxy that refuses connections, so that a CLI trying to reach a host fails at once
 * instead of hanging.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const CDK_CLI = path.join(ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');

let home: string;
beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-home-'));
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

/**
 * What the installed CDK CLI says of its telemetry, run in `dir` (it prints the status on stderr). Fails when the
 * CLI exits non-zero or has not answered within a minute.
 */
function askCli(dir: string): string {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, USERPROFILE: home, HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '' };
  delete env.CDK_DISABLE_CLI_TELEMETRY;
  const result = spawnSync(process.execPath, [CDK_CLI, 'cli-telemetry', '--status'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
  expect({ error: result.error?.message, status: result.status }).toEqual({ error: undefined, status: 0 });
  return result.stdout + result.stderr;
}

describe('CDK CLI telemetry', () => {
  it.each([
    ['the example app', ROOT],
    ['the integ test', path.join(ROOT, 'test', 'integ')],
  ])('is disabled by the cdk.json of %s alone', (_name, dir) => {
    expect(askCli(dir)).toMatch(/^CLI Telemetry is disabled\./m);
  });

  it('is enabled by a cdk.json that has cli-telemetry false at its top level, where the CLI does not read it', () => {
    // GIVEN the layout these files had, in a directory of its own
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-json-'));
    try {
      fs.writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify({ app: 'node app.js', 'cli-telemetry': false, notices: false }));
      // THEN the question above can tell the two apart
      expect(askCli(dir)).toMatch(/^CLI Telemetry is enabled\./m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps notices off too, beside the app command, so that the CLI fetches no notices either', () => {
    for (const file of [path.join(ROOT, 'cdk.json'), path.join(ROOT, 'test', 'integ', 'cdk.json')]) {
      const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      expect({ file, app: typeof json.app, notices: json.notices }).toEqual({ file, app: 'string', notices: false });
    }
  });
});
