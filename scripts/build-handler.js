#!/usr/bin/env node
/**
 * Bundles the Lambda handler (lambda/index.ts and what it imports, the AWS SDK included) into
 * assets/handler/index.js with esbuild: tree-shaken, minified, for the Lambda runtime's Node.js version.
 *
 * Skips the work when the bundle is up to date: a stamp file beside the asset directory records a hash of
 * every input (handler sources, the shared contract, the lock file, this script). `--force` rebuilds.
 */
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const outDir = path.join(root, 'assets', 'handler');
const outFile = path.join(outDir, 'index.js');
const stampFile = path.join(root, 'assets', 'handler.stamp');
/** Node.js 24: the newest Lambda runtime aws-cdk-lib offers (lambda.Runtime.NODEJS_24_X). */
const TARGET = 'node24';

function inputs() {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.ts$/.test(entry.name) && !/\.d\.ts$/.test(entry.name)) files.push(p);
    }
  };
  walk(path.join(root, 'lambda'));
  files.push(path.join(root, 'lib', 'contract.ts'), path.join(root, 'package-lock.json'), __filename);
  return files.sort();
}

function inputHash() {
  const hash = crypto.createHash('sha256');
  for (const file of inputs()) {
    hash.update(path.relative(root, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

async function main() {
  const force = process.argv.includes('--force');
  const quiet = process.argv.includes('--quiet');
  const hash = inputHash();
  const upToDate = fs.existsSync(outFile) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8').trim() === hash;
  if (upToDate && !force) {
    if (!quiet) console.error('handler bundle is up to date');
    return;
  }
  const esbuild = require('esbuild');
  fs.rmSync(outDir, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: [path.join(root, 'lambda', 'index.ts')],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    target: TARGET,
    format: 'cjs',
    minify: true,
    treeShaking: true,
    legalComments: 'none',
    // Prefer the SDK's ES module builds, which tree-shake better.
    mainFields: ['module', 'main'],
    metafile: true,
    logLevel: 'warning',
  });
  fs.writeFileSync(stampFile, hash + '\n');
  const bytes = fs.statSync(outFile).size;
  console.error(`built ${path.relative(root, outFile)} (${(bytes / 1024).toFixed(1)} KiB, ${Object.keys(result.metafile.inputs).length} inputs)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
