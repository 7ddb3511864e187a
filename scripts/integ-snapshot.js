#!/usr/bin/env node
/**
 * The integ test's snapshot: test/integ/integ.sync-gate.ts synthesized the way integ-runner runs it (its app command
 * for TypeScript, CDK_OUTDIR set), with no SYNC_GATE_INTEG_* variable. Only the files that say what would deploy are
 * kept: both stacks' templates and integ.json (the test case: its stacks and assertion stack).
 *
 *   node scripts/integ-snapshot.js    (npm run integ:snapshot) rewrites test/integ/integ.sync-gate.ts.snapshot/
 *
 * test/integ/integ-snapshot.test.ts compares a fresh synth with it, values that change on every synth or with any
 * handler edit aside, as integ-runner does by default (diffAssets: false): asset hashes, the assertions' salt and the
 * gate's DeploymentNonce. integ-runner itself cannot read these assemblies (see CONTRIBUTING.md).
 */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const TEST = path.join(ROOT, 'test', 'integ', 'integ.sync-gate.ts');
const SNAPSHOT = `${TEST}.snapshot`;

/** Synthesizes the integ app into a new temporary directory, with the given extra environment; returns the directory. */
function synth(extraEnv = {}) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-synth-'));
  const env = { ...process.env, CDK_OUTDIR: outdir, ...extraEnv };
  for (const key of Object.keys(env)) if (key.startsWith('SYNC_GATE_INTEG_') && !(key in extraEnv)) delete env[key];
  execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', TEST], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  return outdir;
}

/** The files of a synthesized assembly the snapshot keeps. */
function snapshotFiles(dir) {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.template.json') || f === 'integ.json')
    .sort();
}

/** A file's JSON with the values that change on every synth (or with any asset) replaced by placeholders. */
function canonical(text) {
  const replaced = text
    .replace(/[0-9a-f]{64}/g, '<asset-hash>')
    .replace(/("salt":\s*)"\d+"/g, '$1"<salt>"')
    .replace(/("DeploymentNonce":\s*)"[0-9a-f-]{36}"/g, '$1"<nonce>"');
  return JSON.stringify(JSON.parse(replaced), null, 1);
}

function update() {
  const outdir = synth();
  try {
    fs.rmSync(SNAPSHOT, { recursive: true, force: true });
    fs.mkdirSync(SNAPSHOT, { recursive: true });
    for (const file of snapshotFiles(outdir)) fs.copyFileSync(path.join(outdir, file), path.join(SNAPSHOT, file));
    process.stdout.write(`${path.relative(ROOT, SNAPSHOT)}: ${snapshotFiles(SNAPSHOT).join(', ')}\n`);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

if (require.main === module) update();

module.exports = { SNAPSHOT, synth, snapshotFiles, canonical };
