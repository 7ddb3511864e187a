#!/usr/bin/env node
/**
 * The benchmark's CDK app: one stack with N gates of one variant.
 *
 *   cdk synth -a "node -r ts-node/register/transpile-only bench/app.ts" -c variant=ours|awscr -c n=100
 */
import { App, Stack } from 'aws-cdk-lib';
import { addGates, BENCH_STACK, isVariant } from './variants';

const app = new App();
const variant: unknown = app.node.tryGetContext('variant');
const n = Number(app.node.tryGetContext('n'));
if (!isVariant(variant) || !Number.isInteger(n) || n < 1) {
  throw new Error(`Set -c variant=ours|awscr and -c n=<positive integer> (got variant=${String(variant)}, n=${String(n)}).`);
}
addGates(new Stack(app, BENCH_STACK), variant, n);
app.synth();
