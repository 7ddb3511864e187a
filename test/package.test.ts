/**
 * The npm package, as a user gets it: `npm pack` (whose prepack builds the handler bundle and the jsii/tsc output)
 * holds exactly the compiled library, its declarations, the jsii assembly, the prebuilt handler, README and
 * LICENSE; installed into a fresh CDK app next to nothing but aws-cdk-lib and constructs, with no esbuild
 * reachable, it type-checks and synthesizes a stack with a gate whose Lambda code is that prebuilt handler.
 * A second fresh app pinned at exactly the lowest aws-cdk-lib and constructs the peer ranges allow installs it
 * from the registry (npm resolving the peers, no --legacy-peer-deps) and synthesizes a gate there too; a third, at
 * the same aws-cdk-lib with the cdk-nag that takes it, runs cdk-nag's AwsSolutions pack and finds nothing unacknowledged.
 * The package's command, `cdk-git-sync-gate` (the prebuilt CLI bundle), runs from the app's node_modules/.bin.
 * Packing prints no end-of-life banner (jsii runs on the pinned Node.js 24), and the packed README links only to
 * what the tarball holds or to existing pages of the repository at this version's tag, the repository's README
 * keeping its relative links.
 */
import { execFileSync, ExecFileSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeProton, wireAttempt, wireSyncOutput } from '../offline/fake-proton';
import { runBundle } from './cli/cli-fixtures';
import { headingAnchors, linkTargets, readmeOpening } from './support/markdown';

const ROOT = path.join(__dirname, '..');
const NPM_CLI = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  peerDependencies: Record<string, string>;
  repository: { url: string };
};

/**
 * The oldest releases the construct works with, which the peer ranges in package.json start at. What sets them:
 * - aws-cdk-lib 2.183.0 added the Provider props `frameworkOnEventRole` and `frameworkCompleteAndTimeoutRole`, the
 *   newest aws-cdk-lib API the construct relies on (older releases silently ignore them and give the framework
 *   functions AWSLambdaBasicExecutionRole). Newer APIs are bridged in lib/: `Runtime.NODEJS_24_X` (built by
 *   name), `Validations.acknowledge` (2.252.0; cdk-nag v2 metadata before) and the waiter's logging default
 *   (changed in 2.206.0; set explicitly).
 * - constructs 10.0.0: the construct uses nothing newer, and aws-cdk-lib 2.183.0 itself accepts ^10.0.0.
 */
const FLOOR = { 'aws-cdk-lib': '2.183.0', constructs: '10.0.0' } as const;

/**
 * What a user at the aws-cdk-lib floor runs cdk-nag with. cdk-nag 3 needs aws-cdk-lib ^2.257.0, so such an app runs
 * cdk-nag 2, whose newest release (2.38.2) takes aws-cdk-lib ^2.176.0 and constructs ^10.5.1 (no cdk-nag release
 * takes constructs 10.0.0): its constructs is the lowest that range allows. npm installs them without
 * --legacy-peer-deps, so a cdk-nag whose peer range stopped taking the floor fails the install.
 */
const NAG_AT_FLOOR = { 'cdk-nag': '2.38.2', constructs: '10.5.1' } as const;

/** One row of a cdk-nag 2 report (`AwsSolutions-<stack>-NagReport.csv`, every field quoted). */
interface NagReportRow {
  readonly rule: string;
  readonly resource: string;
  readonly compliance: string;
  readonly reason: string;
}

function nagReportRows(csv: string): NagReportRow[] {
  const [header, ...lines] = csv.split('\n').filter((l) => l.trim() !== '');
  expect(header).toMatch(/^Rule ID,Resource ID,Compliance,Exception Reason,/);
  return lines.map((line) => {
    const fields = [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1].replace(/""/g, '"'));
    return { rule: fields[0], resource: fields[1], compliance: fields[2], reason: fields[3] };
  });
}

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }> };

/** The environment of the consumer app: no npm script PATH (node_modules/.bin), no NODE_PATH, no project dirs. */
function consumerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_PATH;
  delete env.NODE_OPTIONS;
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key];
  env.PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => dir && !dir.includes('node_modules') && !path.resolve(dir).startsWith(ROOT))
    .join(path.delimiter);
  env.CDK_DISABLE_CLI_TELEMETRY = 'true';
  return env;
}

function run(cmd: string, args: string[], options: ExecFileSyncOptions): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options }).toString();
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`, { cause: e });
  }
}

/**
 * Writes `source` as the app's app.ts, type-checks it with the project's TypeScript against the app's own
 * node_modules, runs it (synth into the app's cdk.out) and returns what it printed.
 */
function compileAndRun(app: string, source: string[], env: NodeJS.ProcessEnv): string {
  fs.writeFileSync(path.join(app, 'app.ts'), [...source, ''].join('\n'));
  fs.writeFileSync(
    path.join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, skipLibCheck: true, types: [], outDir: 'dist' },
      files: ['app.ts'],
    }),
  );
  run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: app, env });
  return run(process.execPath, [path.join('dist', 'app.js')], { cwd: app, env: { ...env, CDK_OUTDIR: path.join(app, 'cdk.out') } });
}

/**
 * Writes the consumer app (one stack, one gate, two outputs), type-checks it with the project's TypeScript against
 * the app's own aws-cdk-lib, runs it and returns the synthesized template.
 */
function synthConsumer(app: string, env: NodeJS.ProcessEnv): Template {
  compileAndRun(
    app,
    [
      "import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';",
      `import { ServiceInstanceSyncGate } from '${PKG.name}';`,
      '',
      'const app = new App();',
      "const stack = new Stack(app, 'Consumer');",
      "const gate = new ServiceInstanceSyncGate(stack, 'Gate', { serviceName: 'api', serviceInstanceName: 'prod', pollInterval: Duration.seconds(30) });",
      "new CfnOutput(stack, 'Sha', { value: gate.sha });",
      "new CfnOutput(stack, 'Logs', { value: gate.logGroup.logGroupName });",
      'app.synth();',
    ],
    env,
  );
  return JSON.parse(fs.readFileSync(path.join(app, 'cdk.out', 'Consumer.template.json'), 'utf8')) as Template;
}

/** What the package must hold: the compiled form of every lib/ source, and the fixed files. */
function expectedFiles(): string[] {
  const compiled = fs
    .readdirSync(path.join(ROOT, 'lib'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .flatMap((f) => {
      const base = path.posix.join('lib', f.split(path.sep).join('/')).replace(/\.ts$/, '');
      return [`${base}.js`, `${base}.d.ts`];
    });
  return ['package.json', 'README.md', 'LICENSE', '.jsii', 'assets/handler/index.js', 'assets/cli/index.js', ...compiled].sort();
}

describe('the npm package', () => {
  let work: string;
  let tarball: string;
  let app: string;
  let packOutput: string;
  const readmeBefore = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'sync-gate-pack-'));
    const packDir = path.join(work, 'pack');
    fs.mkdirSync(packDir);
    // The real `npm pack`, prepack included (handler bundle, then jsii compiling lib/ in place, then the README's
    // links made absolute) and postpack; stderr kept with stdout, where jsii prints its banners.
    packOutput = run('sh', ['-c', `"${NPM_CLI}" pack --pack-destination "${packDir}" 2>&1`], { cwd: ROOT });
    const tgz = fs.readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
    expect(tgz).toEqual([`${PKG.name}-${PKG.version}.tgz`]);
    tarball = path.join(packDir, tgz[0]);
    app = path.join(work, 'app');
  }, 240_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('contains the compiled library, declarations, jsii assembly, prebuilt handler and CLI, README and LICENSE, nothing else', () => {
    const listed = run('tar', ['-tzf', tarball], {})
      .split('\n')
      .filter((l) => l && !l.endsWith('/'))
      .map((l) => l.replace(/^package\//, ''))
      .sort();
    expect(listed).toEqual(expectedFiles());
  });

  test('packing prints no end-of-life banner: jsii runs on a supported Node.js', () => {
    expect(packOutput).toContain(`${PKG.name}-${PKG.version}.tgz`);
    expect(packOutput).not.toMatch(/end-of-life|not supported anymore/i);
  });

  test("its README links only to files in the tarball or to existing pages of the repository at this version's tag", () => {
    const extracted = path.join(work, 'readme');
    fs.mkdirSync(extracted, { recursive: true });
    run('tar', ['-xzf', tarball, '-C', extracted, 'package/README.md'], {});
    const packed = fs.readFileSync(path.join(extracted, 'package', 'README.md'), 'utf8');
    const inTarball = new Set(run('tar', ['-tzf', tarball], {}).split('\n').map((l) => l.replace(/^package\//, '')));
    const tag = `https://github.com/${/github\.com\/(.+?)(\.git)?$/.exec(PKG.repository.url)![1]}/blob/v${PKG.version}/`;

    const targets = linkTargets(packed);
    const repositoryLinks = targets.filter((t) => t.startsWith(tag));
    expect(repositoryLinks.length).toBeGreaterThanOrEqual(10); // the documentation table, at least
    const broken = targets.filter((target) => {
      if (target.startsWith('#')) return !headingAnchors(packed).has(target.slice(1));
      if (target.startsWith(tag)) {
        // A page of the repository: it exists here (this commit becomes the tag), and so does its anchor.
        const [file, anchor] = target.slice(tag.length).split('#');
        const local = path.join(ROOT, file);
        if (!fs.existsSync(local)) return true;
        return anchor !== undefined && !headingAnchors(fs.readFileSync(local, 'utf8')).has(anchor);
      }
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return false; // any other absolute URL
      return !inTarball.has(target.split('#')[0]); // relative: must be in the tarball
    });
    expect(broken).toEqual([]);
    // The same links as the repository's README, only made absolute; and that README got its relative links back.
    expect(targets).toHaveLength(linkTargets(readmeBefore).length);
    expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toBe(readmeBefore);
    expect(fs.existsSync(path.join(ROOT, '.tmp', 'pack-readme', 'README.md'))).toBe(false);
    // The registry page opens with what a user needs, the contributor set-up after it.
    expect(readmeOpening(packed)).toMatchObject({ firstSection: 'Install', landmarks: ['install line', 'usage code', 'contributor set-up'] });
    expect(readmeOpening(packed).purpose).toHaveLength(1);
  });

  test('its jsii assembly exposes the two gates and their props, the reader role and its props, and the sources; no gate subclassable through a base', () => {
    const extracted = path.join(work, 'extracted');
    fs.mkdirSync(extracted, { recursive: true });
    run('tar', ['-xzf', tarball, '-C', extracted, 'package/.jsii'], {});
    type JsiiType = {
      base?: string;
      interfaces?: string[];
      initializer?: { protected?: boolean; parameters?: { name: string }[] };
      properties?: { name: string; docs?: { summary?: string } }[];
    };
    const assembly = JSON.parse(fs.readFileSync(path.join(extracted, 'package', '.jsii'), 'utf8')) as { name: string; types: Record<string, JsiiType> };
    expect(assembly.name).toBe(PKG.name);
    expect(Object.keys(assembly.types).sort()).toEqual(
      [
        'GitSyncGate',
        'GitSyncGateProps',
        'ServiceInstanceSyncGate',
        'ServiceInstanceSyncGateProps',
        'SyncGateOptions',
        'SyncGateSource',
        'SyncStatusReaderRole',
        'SyncStatusReaderRoleProps',
      ].map((t) => `${PKG.name}.${t}`),
    );
    const type = (name: string) => assembly.types[`${PKG.name}.${name}`];
    // Each type's own members. Each gate's props: its own names, plus the options both share (inherited, so Python,
    // Java, ... get them too).
    const own = (name: string) => type(name).properties?.map((p) => p.name).sort();
    expect(own('ServiceInstanceSyncGateProps')).toEqual(['serviceInstanceName', 'serviceName']);
    expect(own('GitSyncGateProps')).toEqual(['stackName']);
    expect(own('SyncGateOptions')).toEqual(['expectedSha', 'externalId', 'pollInterval', 'readerRole', 'recheckOnEveryDeployment', 'region', 'requireSuccess', 'waitTimeout']);
    expect(own('SyncStatusReaderRoleProps')).toEqual(['externalId', 'roleName', 'sources', 'trustedAccount', 'trustedRoleArn']);
    expect(type('SyncStatusReaderRole').base).toBe('constructs.Construct');
    expect(own('SyncStatusReaderRole')).toEqual(['role', 'roleArn']);
    for (const props of ['ServiceInstanceSyncGateProps', 'GitSyncGateProps']) {
      expect(type(props).interfaces).toEqual([`${PKG.name}.SyncGateOptions`]);
    }
    // The gates' common base is erased: each gate is a Construct with a public (scope, id, props) initializer and
    // carries the shared members itself, documented, the same on both (docs/migration.md: every attribute stays).
    for (const gate of ['ServiceInstanceSyncGate', 'GitSyncGate']) {
      expect(type(gate).base).toBe('constructs.Construct');
      expect(type(gate).initializer?.protected).toBeUndefined();
      expect(type(gate).initializer?.parameters?.map((p) => p.name)).toEqual(['scope', 'id', 'props']);
      expect(type(gate).properties?.filter((p) => !p.docs?.summary).map((p) => p.name)).toEqual([]);
    }
    expect(own('GitSyncGate')).toEqual(own('ServiceInstanceSyncGate'));
    expect(own('GitSyncGate')).toEqual(expect.arrayContaining(['logGroup', 'resource', 'sha', 'status', 'inSync']));
  });

  test('installs into a fresh CDK app and synthesizes a gate there without esbuild', () => {
    fs.mkdirSync(app, { recursive: true });
    fs.writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true, dependencies: { [PKG.name]: `file:${tarball}` } }, null, 2),
    );
    const env = consumerEnv();
    // Offline, and without npm's automatic peer install: the peers come from this project, linked below.
    run(NPM_CLI, ['install', '--offline', '--legacy-peer-deps', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel', 'error'], {
      cwd: app,
      env: { ...env, PATH: process.env.PATH },
    });
    for (const peer of ['aws-cdk-lib', 'constructs']) {
      fs.symlinkSync(path.join(ROOT, 'node_modules', peer), path.join(app, 'node_modules', peer), 'dir');
    }

    // The package was copied in (not linked to this clone), and nothing in the app can load esbuild.
    const installed = path.join(app, 'node_modules', PKG.name);
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(fs.readdirSync(path.join(app, 'node_modules')).filter((f) => !f.startsWith('.')).sort()).toEqual([PKG.name, 'aws-cdk-lib', 'constructs'].sort());
    const resolveEsbuild = (from: string): string =>
      run(process.execPath, ['-e', `try { require.resolve('esbuild', { paths: [${JSON.stringify(from)}] }); console.log('found'); } catch { console.log('missing'); }`], { cwd: app, env });
    expect(resolveEsbuild(ROOT).trim()).toBe('found'); // the probe does detect esbuild where it is installed
    expect(resolveEsbuild(app).trim()).toBe('missing');
    expect(resolveEsbuild(installed).trim()).toBe('missing');

    // What JavaScript and TypeScript users can import: the two gates, the reader role and the sources, not the gates'
    // internal base.
    const entry = run(process.execPath, ['-e', `console.log(Object.keys(require(${JSON.stringify(PKG.name)})).sort().join(','))`], { cwd: app, env });
    expect(entry.trim()).toBe('GitSyncGate,ServiceInstanceSyncGate,SyncGateSource,SyncStatusReaderRole');

    // Type-checks against the shipped declarations, with the project's TypeScript, and synthesizes.
    const template = synthConsumer(app, env);
    const resources = Object.values(template.Resources);
    const gates = resources.filter((r) => r.Type === 'Custom::ProtonServiceInstanceSync');
    expect(gates).toHaveLength(1);
    expect(gates[0].Properties).toMatchObject({ ServiceName: 'api', ServiceInstanceName: 'prod', PollIntervalSeconds: '30' });

    // The user handlers' code is the prebuilt bundle from the package, staged byte for byte.
    const handlers = resources.filter(
      (r) => r.Type === 'AWS::Lambda::Function' && /^index\.(onEvent|isComplete)$/.test(String(r.Properties?.Handler)),
    );
    expect(handlers).toHaveLength(2);
    const bundle = fs.readFileSync(path.join(installed, 'assets', 'handler', 'index.js'));
    const assets = JSON.parse(fs.readFileSync(path.join(app, 'cdk.out', 'Consumer.assets.json'), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging?: string } }>;
    };
    for (const fn of handlers) {
      const key = (fn.Properties?.Code as { S3Key?: unknown } | undefined)?.S3Key;
      expect(typeof key).toBe('string');
      const asset = assets.files[String(key).replace(/\.zip$/, '')];
      expect(asset?.source.packaging).toBe('zip');
      const staged = path.join(app, 'cdk.out', asset.source.path);
      expect(fs.readdirSync(staged)).toEqual(['index.js']);
      expect(fs.readFileSync(path.join(staged, 'index.js')).equals(bundle)).toBe(true);
    }
    // The bundle is self-contained: it loads in the app, where no AWS SDK is installed, and exports both handlers.
    const exported = run(process.execPath, ['-e', `const h = require(${JSON.stringify(path.join(installed, 'assets', 'handler', 'index.js'))}); console.log(typeof h.onEvent, typeof h.isComplete);`], { cwd: app, env });
    expect(exported.trim()).toBe('function function');
  }, 120_000);

  test('installs the cdk-git-sync-gate command: its --help works and check proton exits as the gate decides', async () => {
    // The app of the test above, where npm linked the package's bin.
    const bin = path.join(app, 'node_modules', '.bin', PKG.name);
    expect(fs.existsSync(bin)).toBe(true);
    expect(fs.realpathSync(bin)).toBe(fs.realpathSync(path.join(app, 'node_modules', PKG.name, 'assets', 'cli', 'index.js')));
    const proton = await FakeProton.start();
    try {
      const help = await runBundle(bin, ['--help'], {});
      expect(help).toMatchObject({ code: 0, stderr: '' });
      expect(help.stdout).toMatch(/^Usage: cdk-git-sync-gate <command>/);

      const sha = 'c'.repeat(40);
      proton.script('api', 'prod', [{ respond: wireSyncOutput({ desired: sha, latest: wireAttempt('SUCCEEDED', sha) }) }]);
      proton.script('api', 'broken', [{ respond: wireSyncOutput({ desired: sha, latest: wireAttempt('FAILED', sha) }) }]);
      const check = (instance: string) => runBundle(bin, ['check', 'proton', '--service', 'api', '--instance', instance, '--region', 'eu-west-1'], { AWS_ENDPOINT_URL_PROTON: proton.endpoint });
      const [inSync, failed] = [await check('prod'), await check('broken')];
      expect([inSync.code, inSync.stdout.split('\n')[0]]).toEqual([0, 'PASS: the gate would pass (IN_SYNC).']);
      expect([failed.code, failed.stdout.split('\n')[0]]).toEqual([1, 'FAIL: the gate would fail (SYNC_FAILED).']);
      // One status read each; the failed sync also reads the blockers of the instance and of its service, as the gate does.
      expect(proton.calls.map((c) => `${c.operation} ${c.resourceKey}`)).toEqual([
        'GetServiceInstanceSyncStatus api/prod',
        'GetServiceInstanceSyncStatus api/broken',
        'GetServiceSyncBlockerSummary api/broken',
        'GetServiceSyncBlockerSummary api',
      ]);
      proton.assertHonest();
    } finally {
      await proton.close();
    }
  });

  test('installs with npm resolving its peers into an app pinned at the floor aws-cdk-lib and constructs, and synthesizes a gate there', () => {
    // The floor is what the peer ranges start at: a range that moved without this test moving fails here.
    expect(PKG.peerDependencies).toEqual({ 'aws-cdk-lib': `^${FLOOR['aws-cdk-lib']}`, constructs: `^${FLOOR.constructs}` });
    const floorApp = path.join(work, 'floor-app');
    fs.mkdirSync(floorApp, { recursive: true });
    fs.writeFileSync(
      path.join(floorApp, 'package.json'),
      JSON.stringify({ name: 'floor-app', version: '1.0.0', private: true, dependencies: { ...FLOOR, [PKG.name]: `file:${tarball}` } }, null, 2),
    );
    const env = consumerEnv();
    // From the registry (or npm's cache), without --legacy-peer-deps: an ERESOLVE on the peers fails the install.
    run(NPM_CLI, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel', 'error'], {
      cwd: floorApp,
      env: { ...env, PATH: process.env.PATH },
    });
    for (const [name, version] of Object.entries(FLOOR)) {
      const installed = JSON.parse(fs.readFileSync(path.join(floorApp, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
      expect(`${name}@${installed.version}`).toBe(`${name}@${version}`);
    }

    const template = synthConsumer(floorApp, env);
    const resources = Object.values(template.Resources);
    const gates = resources.filter((r) => r.Type === 'Custom::ProtonServiceInstanceSync');
    expect(gates).toHaveLength(1);
    expect(gates[0].Properties).toMatchObject({ ServiceName: 'api', ServiceInstanceName: 'prod', PollIntervalSeconds: '30' });
    const handlers = resources.filter(
      (r) => r.Type === 'AWS::Lambda::Function' && /^index\.(onEvent|isComplete)$/.test(String(r.Properties?.Handler)),
    );
    expect(handlers.map((r) => r.Properties?.Runtime)).toEqual(['nodejs24.x', 'nodejs24.x']);
    // The same provider as on the newest aws-cdk-lib: two log groups (the waiter does not log), five roles.
    expect(resources.filter((r) => r.Type === 'AWS::Logs::LogGroup')).toHaveLength(2);
    expect(resources.filter((r) => r.Type === 'AWS::IAM::Role')).toHaveLength(5);
    // Before Validations.acknowledge, the acknowledgements are cdk-nag v2 suppressions: the granular finding in applies_to.
    const suppressions = resources.flatMap(
      (r) => ((r.Metadata?.cdk_nag as { rules_to_suppress?: { id: string; applies_to?: string[] }[] } | undefined)?.rules_to_suppress ?? []),
    );
    expect(suppressions).toContainEqual(expect.objectContaining({ id: 'AwsSolutions-IAM5', applies_to: ['Resource::*'] }));
    expect(suppressions).toContainEqual(expect.objectContaining({ id: 'AwsSolutions-SF1' }));
    expect(suppressions.filter((x) => x.id.includes('['))).toEqual([]);
  }, 180_000);

  test('cdk-nag 2 finds nothing unacknowledged in an app pinned at the floor aws-cdk-lib, environment-agnostic or in a region', () => {
    const nagApp = path.join(work, 'floor-nag-app');
    fs.mkdirSync(nagApp, { recursive: true });
    const dependencies = { 'aws-cdk-lib': FLOOR['aws-cdk-lib'], ...NAG_AT_FLOOR, [PKG.name]: `file:${tarball}` };
    fs.writeFileSync(path.join(nagApp, 'package.json'), JSON.stringify({ name: 'floor-nag-app', version: '1.0.0', private: true, dependencies }, null, 2));
    const env = consumerEnv();
    run(NPM_CLI, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel', 'error'], {
      cwd: nagApp,
      env: { ...env, PATH: process.env.PATH },
    });
    for (const [name, version] of Object.entries(dependencies).filter(([name]) => name !== PKG.name)) {
      const installed = JSON.parse(fs.readFileSync(path.join(nagApp, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
      expect(`${name}@${installed.version}`).toBe(`${name}@${version}`);
    }

    // Both gates, in a stack without a region (aws-cdk-lib 2.183.0 gives the Provider framework's functions a
    // runtime from a region mapping, which cdk-nag's L1 cannot evaluate) and in one with a region (where it
    // resolves to a runtime older than the handlers').
    const printed = compileAndRun(
      nagApp,
      [
        "import { App, Aspects, Stack } from 'aws-cdk-lib';",
        "import { AwsSolutionsChecks } from 'cdk-nag';",
        `import { GitSyncGate, ServiceInstanceSyncGate } from '${PKG.name}';`,
        '',
        'const app = new App();',
        "for (const [id, env] of [['Agnostic', undefined], ['Regional', { account: '111111111111', region: 'eu-west-1' }]] as const) {",
        '  const stack = new Stack(app, id, { env });',
        "  new GitSyncGate(stack, 'GitSync', { stackName: 'network' });",
        "  new ServiceInstanceSyncGate(stack, 'Proton', { serviceName: 'api', serviceInstanceName: 'prod' });",
        '}',
        'Aspects.of(app).add(new AwsSolutionsChecks({ reports: true }));',
        'const messages = app.synth().stacks.flatMap((s) => s.messages.map((m) => ({ level: m.level, id: m.id, text: String(m.entry.data) })));',
        'console.log(JSON.stringify(messages));',
      ],
      env,
    );

    // cdk-nag 2 reports a finding as an error or warning annotation: none, not even a rule it could not evaluate.
    const messages = JSON.parse(printed) as { level: string; id: string; text: string }[];
    expect(messages.filter((m) => m.level !== 'info').map((m) => `${m.level} ${m.id}: ${m.text.split('\n')[0]}`)).toEqual([]);

    // The pack did run over both stacks and read the acknowledgements: every rule it evaluated is compliant or
    // acknowledged, and L1 ran on the five functions of each provider, the framework's acknowledged with its reason.
    const outdir = path.join(nagApp, 'cdk.out');
    const reports = fs.readdirSync(outdir).filter((f) => /^AwsSolutions-.*NagReport\.csv$/.test(f));
    expect(reports).toHaveLength(2);
    const rows = reports.flatMap((f) => nagReportRows(fs.readFileSync(path.join(outdir, f), 'utf8')));
    expect(rows.filter((r) => r.compliance !== 'Compliant' && r.compliance !== 'Suppressed').map((r) => `${r.rule} @ ${r.resource}: ${r.compliance}`)).toEqual([]);
    const l1 = rows.filter((r) => r.rule === 'AwsSolutions-L1');
    expect(l1.map((r) => r.resource.replace(/^(Agnostic|Regional)\//, '')).sort()).toEqual(
      [
        ...['OnEvent', 'IsComplete'],
        ...['framework-onEvent', 'framework-isComplete', 'framework-onTimeout'].map((fn) => `Provider/${fn}`),
      ].flatMap((fn) => [`SyncGateProvider/${fn}/Resource`, `SyncGateProvider/${fn}/Resource`]).sort(),
    );
    for (const row of l1.filter((r) => r.resource.includes('/Provider/framework-'))) {
      expect([row.compliance, row.reason]).toEqual(['Suppressed', expect.stringMatching(/^Function of aws-cdk-lib's Provider framework, whose runtime aws-cdk-lib chooses/)]);
    }
  }, 180_000);
});
