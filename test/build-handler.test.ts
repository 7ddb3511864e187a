/**
 * scripts/build-handler.js, which `npx cdk synth` (cdk.json's app command) and `npm test` (jest's globalSetup)
 * run first: it must build the bundle when it is missing or stale, and only then, for the Node.js the construct's
 * Lambda runtime names (HANDLER_NODE_MAJOR in lib/limits.ts).
 */
import { execFile, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeCodeStarConnections, wireGitSyncAttempt, wireGitSyncOutput } from '../offline/fake-codestar-connections';

const ROOT = path.join(__dirname, '..');
let work: string;

/** Runs the build script in the copy and returns what it reported. */
function build(): string {
  const result = spawnSync(process.execPath, [path.join(work, 'scripts', 'build-handler.js')], { cwd: work, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build-handler failed: ${result.stderr}`);
  return result.stderr;
}

const bundlePath = () => path.join(work, 'assets', 'handler', 'index.js');

/** The waiter's isComplete event of a GitSyncGate's Create that checks once (the script adds the gate's start). */
const GIT_SYNC_CREATE = {
  RequestType: 'Create',
  RequestId: 'r-1',
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/app/00000000-0000-4000-8000-000000000000',
  LogicalResourceId: 'Gate',
  ResourceType: 'Custom::CloudFormationGitSync',
  ResourceProperties: { StackName: 'network', WaitTimeoutSeconds: '0' },
};

beforeAll(() => {
  // A copy of what the script reads, with the project's node_modules (esbuild, the SDK) linked in.
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'build-handler-'));
  for (const dir of ['lambda', 'scripts']) fs.cpSync(path.join(ROOT, dir), path.join(work, dir), { recursive: true });
  fs.mkdirSync(path.join(work, 'lib'));
  for (const file of ['contract.ts', 'limits.ts', 'sources.ts']) fs.copyFileSync(path.join(ROOT, 'lib', file), path.join(work, 'lib', file));
  for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(ROOT, file), path.join(work, file));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'), 'dir');
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the handler build', () => {
  it('builds a missing bundle, then leaves an up-to-date one alone', () => {
    expect(build()).toMatch(/^built assets\/handler\/index\.js/m);
    const first = fs.statSync(bundlePath()).mtimeMs;
    expect(build()).toMatch(/up to date/);
    expect(fs.statSync(bundlePath()).mtimeMs).toBe(first);
  });

  it('rebuilds when a handler source, the shared contract or the lock file changes', () => {
    fs.appendFileSync(path.join(work, 'lambda', 'index.ts'), '\nexport const BUILD_PROBE = "probe-in-index";\n');
    expect(build()).toMatch(/^built/m);
    expect(fs.readFileSync(bundlePath(), 'utf8')).toContain('probe-in-index');
    fs.appendFileSync(path.join(work, 'lib', 'contract.ts'), '\n// a change to the contract\n');
    expect(build()).toMatch(/^built/m);
    fs.appendFileSync(path.join(work, 'package-lock.json'), '\n');
    expect(build()).toMatch(/^built/m);
    expect(build()).toMatch(/up to date/);
  });

  it('rebuilds a bundle that was deleted even though the stamp says it is current', () => {
    fs.rmSync(bundlePath());
    expect(build()).toMatch(/^built/m);
    expect(fs.existsSync(bundlePath())).toBe(true);
  });

  it('bundles the AWS SDK in, minified, and exports both handlers', () => {
    // Loaded from a folder with no node_modules anywhere above it: only what is inside the bundle is there.
    const alone = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-alone-'));
    try {
      fs.copyFileSync(bundlePath(), path.join(alone, 'index.js'));
      const probe = spawnSync(
        process.execPath,
        ['-e', "const h = require('./index.js'); console.log(typeof h.onEvent, typeof h.isComplete)"],
        { cwd: alone, encoding: 'utf8', env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' } },
      );
      expect(probe.stderr.split('\n').filter((l) => /Cannot find module/.test(l))).toEqual([]);
      expect(probe.stdout.trim()).toBe('function function');
    } finally {
      fs.rmSync(alone, { recursive: true, force: true });
    }
    const bundle = fs.readFileSync(bundlePath(), 'utf8');
    // Checked as booleans: a failure message with the whole bundle in it would be unreadable.
    expect(bundle.includes('AwsProton20200720') && bundle.includes('GetServiceInstanceSyncStatusCommand')).toBe(true);
    expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(1000);
  });

  it("signs with the credentials Lambda puts in the environment only: a profile in ~/.aws is not the handler's to use", () => {
    // GIVEN the bundle alone, a home with a default profile in ~/.aws/credentials, and no credentials in the environment
    const alone = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-credentials-'));
    try {
      fs.copyFileSync(bundlePath(), path.join(alone, 'index.js'));
      fs.mkdirSync(path.join(alone, '.aws'));
      fs.writeFileSync(path.join(alone, '.aws', 'credentials'), '[default]\naws_access_key_id = AKIAFROMPROFILE00000\naws_secret_access_key = profile-secret\n');
      const script = `require('./index.js').isComplete({ ...${JSON.stringify(GIT_SYNC_CREATE)}, GateStartedAtEpochMs: Date.now() }).then((r) => console.log('answered', JSON.stringify(r)), (e) => console.log('failed', e.message))`;
      // WHEN its isComplete reads the Git sync status (the endpoint is a closed port: nothing may be sent anywhere)
      const probe = spawnSync(process.execPath, ['-e', script], {
        cwd: alone,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: alone, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      });
      // THEN it fails for want of environment credentials, before any request: the profile was never read
      expect(probe.stdout).toMatch(/^failed Reading the Git sync status of stack "network" in us-east-1 failed before CodeStar Connections answered \(CredentialsProviderError: Unable to find environment variable credentials\.\)/m);
    } finally {
      fs.rmSync(alone, { recursive: true, force: true });
    }
    // The SDK's other providers are not in the handler's bundle at all; the check command keeps them (it runs with a user's profile).
    expect(fs.readFileSync(bundlePath(), 'utf8').includes('credential-provider-ini - fromIni')).toBe(false);
    const cli = path.join(ROOT, 'assets', 'cli', 'index.js');
    expect(fs.readFileSync(cli, 'utf8').includes('credential-provider-ini - fromIni')).toBe(true);
  });

  it("leaves out what the handler never uses: no import() (builtins are required), no event-stream code, and undici stays unloaded over http", async () => {
    build();
    const bundle = fs.readFileSync(bundlePath(), 'utf8');
    expect(bundle.match(/\bimport\(/g) ?? []).toEqual([]);
    expect(bundle.includes('EventStreamCodec')).toBe(false);
    expect(bundle.includes('leaves out the AWS SDK event-stream support')).toBe(true);
    // A read against an http endpoint under the Node.js of the Lambda runtime (when npm ci installed it): the SDK's
    // HTTP handler loads node:http then, which as an ESM import would load undici (Node.js 24's http getters).
    const fake = await FakeCodeStarConnections.start();
    try {
      const sha = 'a'.repeat(40);
      fake.script('network', [{ respond: wireGitSyncOutput({ desired: sha, latest: wireGitSyncAttempt('SUCCEEDED', sha) }) }]);
      const script =
        `console.log = () => {}; require(${JSON.stringify(bundlePath())}).isComplete({ ...${JSON.stringify(GIT_SYNC_CREATE)}, GateStartedAtEpochMs: Date.now() })` +
        ".then((r) => process.stdout.write(JSON.stringify({ passed: r.IsComplete, undici: process.moduleLoadList.some((m) => m.includes('undici')) })))";
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const node = (require('../scripts/supported-node.js') as { supportedNode: () => string | undefined }).supportedNode() ?? process.execPath;
      const out = await new Promise<string>((resolve, reject) =>
        execFile(node, ['-e', script], { env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIDBUILDTEST', AWS_SECRET_ACCESS_KEY: 'x', AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS: fake.endpoint, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } }, (e, stdout) => (e ? reject(e) : resolve(stdout))),
      );
      expect(JSON.parse(out)).toEqual({ passed: true, undici: false });
    } finally {
      await fake.close();
    }
  });

  it('builds the handler for the Node.js that lib/limits.ts names for the runtime, and says so when it names none', () => {
    const limits = path.join(work, 'lib', 'limits.ts');
    const original = fs.readFileSync(limits, 'utf8');
    const withMajor = (text: string) => {
      const changed = original.replace(/^export const HANDLER_NODE_MAJOR = \d+;\n/m, text);
      expect(changed).not.toBe(original);
      fs.writeFileSync(limits, changed);
    };
    try {
      build();
      // Node.js 24 has `??`, so the bundle keeps it; built for Node.js 12, which lacks it, esbuild writes it out.
      expect(fs.readFileSync(bundlePath(), 'utf8').includes('??')).toBe(true);
      withMajor('export const HANDLER_NODE_MAJOR = 12;\n');
      expect(build()).toMatch(/^built assets\/handler\/index\.js/m);
      expect(fs.readFileSync(bundlePath(), 'utf8').includes('??')).toBe(false);
      withMajor('');
      expect(() => build()).toThrow("lib/limits.ts must export HANDLER_NODE_MAJOR, the handler's Node.js major version (such as 24); it exports undefined");
    } finally {
      fs.writeFileSync(limits, original);
    }
  });
});
