#!/usr/bin/env node
/**
 * Bundles, with esbuild, what the package ships as JavaScript built from TypeScript beside lib/:
 * - the Lambda handler (lambda/index.ts and what it imports, the AWS SDK included) into assets/handler/index.js,
 *   for the Lambda runtime's Node.js version;
 * - the `cdk-git-sync-gate` command (cli/index.ts, which reuses the handler's decision core and sources, the
 *   AWS SDK included) into assets/cli/index.js, an executable with a shebang line, for the package's oldest
 *   supported Node.js (engines), so that it runs with no runtime dependency.
 * - with `--action` only: the GitHub Action (action/index.ts, which runs the command's check, the AWS SDK included)
 *   into action/dist/index.js, for the Node.js that action.yml's `runs.using` names. That bundle is committed, since
 *   the runner runs the action straight from the repository: `npm run build:action` rebuilds it (always, no stamp),
 *   and `--outfile=<file>` builds it elsewhere, for test/action/build.test.ts to compare with the committed one.
 *   It is never built by the default run (which `npm test` and `cdk synth` do), so a forgotten rebuild stays visible.
 * All are tree-shaken and minified.
 *
 * Skips the work for a bundle that is up to date: a stamp file beside its asset directory records a hash of
 * every input (its sources, the lib/ modules it shares with the construct, the lock file, this script). `--force` rebuilds. A bundle
 * whose entry file is absent is skipped (test/build-handler.test.ts builds a copy that holds the handler only).
 */
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');

const BUNDLES = [
  {
    name: 'handler',
    entry: path.join(root, 'lambda', 'index.ts'),
    sourceDirs: [path.join(root, 'lambda')],
    outFile: path.join(root, 'assets', 'handler', 'index.js'),
    stampFile: path.join(root, 'assets', 'handler.stamp'),
    /** The Node.js of the handler's Lambda runtime, which the construct names from the same constant. */
    target: () => `node${handlerNodeMajor()}`,
    /**
     * What the handler never uses stays out of its cold start: the SDK's default credential chain gives way to the
     * environment's credentials, where Lambda puts the execution role's (lambda/env-credentials.ts), and the SDK's
     * event-stream support, which no operation of the gate needs, to a stub (lambda/no-event-streams.ts). Each of them
     * is reached through an `import()`, which makes esbuild wrap every module it reaches, most of the SDK's core, in a
     * lazily evaluated function that V8 parses twice.
     */
    alias: {
      '@aws-sdk/credential-provider-node': path.join(root, 'lambda', 'env-credentials.ts'),
      '@smithy/core/event-streams': path.join(root, 'lambda', 'no-event-streams.ts'),
    },
    /**
     * `import()` of a Node.js builtin (the SDK's HTTP handler imports `node:http` that way, for http endpoints) becomes
     * `require()`. esbuild keeps it an ESM import otherwise, and the first one starts Node's ESM loader and builds the
     * builtin's ESM facade, which reads every export of `node:http`, among them the getters that load undici: about
     * 30 ms of a cold start under Node.js 24 (AwsCustomResource's CommonJS SDK requires it).
     */
    supported: { 'dynamic-import': false },
  },
  {
    name: 'cli',
    entry: path.join(root, 'cli', 'index.ts'),
    sourceDirs: [path.join(root, 'cli'), path.join(root, 'lambda')],
    outFile: path.join(root, 'assets', 'cli', 'index.js'),
    stampFile: path.join(root, 'assets', 'cli.stamp'),
    /** The oldest Node.js the package supports (package.json engines): the CLI runs on the user's machine. */
    target: 'node20',
    banner: '#!/usr/bin/env node',
    mode: 0o755,
    /** `--version` prints the package's version, fixed at build time (the lock file, an input, carries it too). */
    define: { CLI_VERSION: JSON.stringify(require(path.join(__dirname, '..', 'package.json')).version) },
  },
  {
    name: 'action',
    entry: path.join(root, 'action', 'index.ts'),
    outFile: path.join(root, 'action', 'dist', 'index.js'),
    /** Committed: built only with --action, always, and without a stamp. */
    committed: true,
    /** The Node.js the runner runs the action with: action.yml's `runs.using`. */
    target: () => `node${actionNodeMajor()}`,
  },
];

/**
 * The modules of lib/ that the handler and the CLI import: the CloudFormation contract, the limits and the sources.
 * None imports aws-cdk-lib (the lint's layering rule keeps it so).
 */
const SHARED_LIB_FILES = ['contract.ts', 'limits.ts', 'sources.ts'];

/**
 * The Node.js major version the handler runs on, read from where it is written once: HANDLER_NODE_MAJOR in
 * lib/limits.ts (an input of every bundle, so a change rebuilds them), compiled and evaluated with esbuild.
 */
function handlerNodeMajor() {
  const file = path.join(root, 'lib', 'limits.ts');
  const { outputFiles } = require('esbuild').buildSync({ entryPoints: [file], bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'silent' });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', outputFiles[0].text)(module, module.exports, require);
  const major = module.exports.HANDLER_NODE_MAJOR;
  if (!Number.isInteger(major) || major < 1) {
    throw new Error(`${path.relative(root, file)} must export HANDLER_NODE_MAJOR, the handler's Node.js major version (such as 24); it exports ${JSON.stringify(major)}`);
  }
  return major;
}

/** The Node.js major version of the action's runtime, read from where the runner reads it: `runs.using` in action.yml. */
function actionNodeMajor() {
  const file = path.join(root, 'action.yml');
  const match = /^runs:\n(?:[ \t]+.*\n)*?[ \t]+using:[ \t]*['"]?node(\d+)['"]?[ \t]*$/m.exec(fs.readFileSync(file, 'utf8'));
  if (!match) throw new Error(`${path.relative(root, file)} must name a Node.js runtime in runs.using (such as 'node24')`);
  return Number(match[1]);
}

function inputs(bundle) {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.ts$/.test(entry.name) && !/\.d\.ts$/.test(entry.name)) files.push(p);
    }
  };
  for (const dir of bundle.sourceDirs) walk(dir);
  files.push(...SHARED_LIB_FILES.map((f) => path.join(root, 'lib', f)), path.join(root, 'package-lock.json'), __filename);
  return files.sort();
}

function inputHash(bundle) {
  const hash = crypto.createHash('sha256');
  for (const file of inputs(bundle)) {
    hash.update(path.relative(root, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

async function build(bundle, { force, quiet, outFile = bundle.outFile }) {
  const { stampFile } = bundle;
  const hash = stampFile ? inputHash(bundle) : undefined;
  const upToDate = stampFile && fs.existsSync(outFile) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8').trim() === hash;
  if (upToDate && !force) {
    if (!quiet) console.error(`${bundle.name} bundle is up to date`);
    return;
  }
  const esbuild = require('esbuild');
  // A built asset's directory holds nothing else; a committed bundle (or one built elsewhere) only replaces its file.
  fs.rmSync(bundle.committed ? outFile : path.dirname(outFile), { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: [bundle.entry],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    target: typeof bundle.target === 'function' ? bundle.target() : bundle.target,
    format: 'cjs',
    minify: true,
    treeShaking: true,
    legalComments: 'none',
    ...(bundle.banner ? { banner: { js: bundle.banner } } : {}),
    ...(bundle.define ? { define: bundle.define } : {}),
    ...(bundle.alias ? { alias: bundle.alias } : {}),
    ...(bundle.supported ? { supported: bundle.supported } : {}),
    // Prefer the SDK's ES module builds, which tree-shake better.
    mainFields: ['module', 'main'],
    metafile: true,
    logLevel: 'warning',
  });
  if (bundle.mode) fs.chmodSync(outFile, bundle.mode);
  if (stampFile) fs.writeFileSync(stampFile, hash + '\n');
  const bytes = fs.statSync(outFile).size;
  console.error(`built ${path.relative(root, outFile).split(path.sep).join('/')} (${(bytes / 1024).toFixed(1)} KiB, ${Object.keys(result.metafile.inputs).length} inputs)`);
}

async function main() {
  const options = { force: process.argv.includes('--force'), quiet: process.argv.includes('--quiet') };
  if (process.argv.includes('--action')) {
    const outFile = process.argv.find((a) => a.startsWith('--outfile='))?.slice('--outfile='.length);
    for (const bundle of BUNDLES.filter((b) => b.committed)) {
      await build(bundle, { ...options, force: true, ...(outFile ? { outFile: path.resolve(outFile) } : {}) });
    }
    return;
  }
  for (const bundle of BUNDLES.filter((b) => !b.committed)) {
    if (fs.existsSync(bundle.entry)) await build(bundle, options);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
