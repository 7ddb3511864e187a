#!/usr/bin/env node
/**
 * Example app: one stack, SyncGateExample, with a gate per sync source the context names, and a parameter per gate
 * written only after that gate passes (bin/example-stack.ts). Git sync by default (cdk.json: gitSyncStackName
 * "network"); a Proton gate when both Proton keys are given; both together give both.
 *
 *   npx cdk synth                                                   # Git sync gate for the stack "network"
 *   npx cdk synth -c gitSyncStackName=app -c expectedSha=<sha> -c region=eu-west-1
 *   npx cdk synth -c serviceName=api -c serviceInstanceName=prod    # adds a Proton gate
 *   npx cdk synth -c gitSyncStackName= -c serviceName=api -c serviceInstanceName=prod   # the Proton gate alone
 *   npx cdk synth -c readerRoleArn=arn:aws:iam::222222222222:role/sync-gate-reader    # "network" synced in another account
 */
import { App } from 'aws-cdk-lib';
import { exampleStackProps } from './example-context';
import { ExampleStack } from './example-stack';

const app = new App();
new ExampleStack(app, 'SyncGateExample', exampleStackProps((key) => app.node.tryGetContext(key)));
