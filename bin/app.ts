#!/usr/bin/env node
/**
 * Example app: a stack whose SSM parameter is written only after the Proton service instance named by the
 * context keys `serviceName` and `serviceInstanceName` has synced successfully, and records the synced sha.
 *
 *   npx cdk synth                                   # defaults from cdk.json
 *   npx cdk synth -c serviceName=api -c serviceInstanceName=prod -c expectedSha=<sha> -c region=eu-west-1
 *   npx cdk synth -c gitSyncStackName=network          # also a GitSyncGate for a stack synced by CloudFormation Git sync
 */
import { App } from 'aws-cdk-lib';
import { ExampleStack } from './example-stack';

const app = new App();
const context = (key: string): string | undefined => {
  const value = app.node.tryGetContext(key);
  return value === undefined || value === '' ? undefined : String(value);
};

const serviceName = context('serviceName');
const serviceInstanceName = context('serviceInstanceName');
if (!serviceName || !serviceInstanceName) {
  throw new Error('Set the context keys serviceName and serviceInstanceName (cdk.json has defaults; override with -c key=value).');
}

new ExampleStack(app, 'SyncGateExample', {
  serviceName,
  serviceInstanceName,
  expectedSha: context('expectedSha'),
  region: context('region'),
  gitSyncStackName: context('gitSyncStackName'),
});
