#!/usr/bin/env node
/**
 * Synthesizes a CDK app (an entry file such as bin/app.ts) once per job, the way the CDK CLI runs an app: with
 * CDK_OUTDIR and CDK_CONTEXT_JSON in the environment (cdk.json's context plus the job's overrides). Several jobs
 * share one Node.js process and one TypeScript compiler so that the variants cost one start-up.
 *
 *   node offline/synth-app.js bin/app.ts '[{"outdir":"...","context":{"serviceName":"a", ...}}]'
 *
 * Used by offline/synth.ts; runs the handler build first, as cdk.json's app command does.
 */
'use strict';
const { execFileSync } = require('child_process');
const path = require('path');

const root = path.join(__dirname, '..');
execFileSync(process.execPath, [path.join(root, 'scripts', 'build-handler.js'), '--quiet'], { stdio: 'inherit' });

process.env.TS_NODE_TRANSPILE_ONLY = 'true';
process.env.TS_NODE_PREFER_TS_EXTS = 'true';
process.env.TS_NODE_PROJECT = path.join(root, 'tsconfig.json');
require('ts-node/register');

const appFile = require.resolve(path.resolve(root, process.argv[2]));
const jobs = JSON.parse(process.argv[3]);
for (const job of jobs) {
  // The App reads both variables in its constructor and writes the cloud assembly when the process is about to exit.
  process.env.CDK_OUTDIR = job.outdir;
  process.env.CDK_CONTEXT_JSON = JSON.stringify(job.context);
  delete require.cache[appFile];
  require(appFile);
}
