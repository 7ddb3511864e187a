/**
 * Region names, as the construct, the handler and the CLI check them (one pattern, Limits.regionPattern): every
 * region of every partition the AWS SDK in node_modules knows is accepted, read from the SDK's own partitions data
 * so that the test follows the SDK; names that are no region are rejected by all three.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseArgs, UsageError } from '../../cli/args';
import { sourceCommands } from '../../cli/commands';
import { checkSettings } from '../../cli/settings';
import { SyncGateError } from '../../lambda/core/errors';
import { parseSettings } from '../../lambda/poll/settings';
import { SOURCES } from '../../lambda/sources';
import { GitSyncGate, ServiceInstanceSyncGate } from '../../lib';
import { Prop } from '../../lib/contract';
import { isRegionName } from '../../lib/limits';
import type { SyncGateBase } from '../../lib/sync-gate-base';
import { GATE_PROPS, GIT_SYNC_PROPS } from '../fixtures';

interface Partition {
  readonly id: string;
  readonly regionRegex: string;
  readonly regions: Readonly<Record<string, unknown>>;
}

/**
 * The partitions of the SDK the handler bundles: @aws-sdk/core's endpoint data (partitions.js, the SDK's copy of
 * partitions.json), as resolved from each client the handler uses.
 */
function sdkPartitions(): Partition[] {
  const files = new Set(
    ['@aws-sdk/client-proton', '@aws-sdk/client-codestar-connections'].map((client) => {
      const core = require.resolve('@aws-sdk/core/package.json', { paths: [path.dirname(require.resolve(client))] });
      return path.join(path.dirname(core), 'dist-es', 'submodules', 'client', 'util-endpoints', 'lib', 'aws', 'partitions.js');
    }),
  );
  return [...files].flatMap((file) => {
    const text = fs.readFileSync(file, 'utf8');
    const json = /^export const partitionsInfo = ([\s\S]*);\s*$/.exec(text);
    if (!json) throw new Error(`${file} no longer holds "export const partitionsInfo = {...};": read the SDK's partitions another way`);
    return (JSON.parse(json[1]) as { partitions: Partition[] }).partitions;
  });
}

const PARTITIONS = sdkPartitions();
/** Every region of every partition, as `<partition>: <region>`; a partition's regionRegex says which names are regions. */
const SDK_REGIONS = [...new Set(PARTITIONS.flatMap((p) => Object.keys(p.regions).filter((r) => new RegExp(p.regionRegex).test(r))))].sort();
/** The names the SDK lists beside the regions that its regionRegex does not match: global endpoints (aws-global, ...). */
const SDK_PSEUDO_REGIONS = [...new Set(PARTITIONS.flatMap((p) => Object.keys(p.regions).filter((r) => !new RegExp(p.regionRegex).test(r))))].sort();

/** Names that are no region, each a plausible mistake. */
const NOT_REGIONS = [
  '',
  'Europe',
  'US-EAST-1',
  'Us-east-1',
  'us-east',
  'us-east-',
  'us-east-1a', // an availability zone
  'use1-az1', // an availability zone id
  'us-east1', // Google Cloud's form
  'europe-west1',
  'europe-west-1',
  'useast-1',
  'u-east-1',
  'us--1',
  'us-1',
  '-us-east-1',
  ' us-east-1',
  'us-east-1 ',
  'us-east-1\n',
  'us_east_1',
  'us-east-1.amazonaws.com',
  'arn:aws:iam::123456789012:root',
  ...SDK_PSEUDO_REGIONS,
];

describe('the SDK partitions this test reads', () => {
  it('hold several partitions, with us-east-1 and eusc-de-east-1 (aws-eusc) among their regions', () => {
    expect(PARTITIONS.map((p) => p.id)).toEqual(expect.arrayContaining(['aws', 'aws-cn', 'aws-us-gov', 'aws-eusc']));
    expect(SDK_REGIONS).toEqual(expect.arrayContaining(['us-east-1', 'eusc-de-east-1', 'cn-north-1', 'us-gov-west-1']));
  });
});

describe('Limits.regionPattern', () => {
  it.each(SDK_REGIONS)('accepts %s', (region) => {
    expect(isRegionName(region)).toBe(true);
  });

  it.each(NOT_REGIONS.map((name) => [JSON.stringify(name), name]))('rejects %s', (_shown, name) => {
    expect(isRegionName(name)).toBe(false);
  });
});

describe('the construct', () => {
  it('writes every SDK region as the gate\'s Region, for both gates', () => {
    const stack = new Stack(new App(), 'Regions');
    const gates: [SyncGateBase, string][] = SDK_REGIONS.map((region, i) => [
      i % 2 === 0
        ? new ServiceInstanceSyncGate(stack, `Proton${i}`, { serviceName: 'api', serviceInstanceName: 'prod', region })
        : new GitSyncGate(stack, `Git${i}`, { stackName: 'network', region }),
      region,
    ]);
    const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>;
    for (const [gate, region] of gates) {
      expect(resources[stack.getLogicalId(gate.resource.node.defaultChild as CfnElement)].Properties[Prop.Region]).toBe(region);
    }
  });

  it.each(NOT_REGIONS.map((name) => [JSON.stringify(name), name]))('rejects %s at synth, naming the prop', (shown, name) => {
    expect(() => new ServiceInstanceSyncGate(new Stack(), 'Gate', { serviceName: 'api', serviceInstanceName: 'prod', region: name })).toThrow(
      new Error(`Invalid region ${shown}: expected an AWS region name such as us-east-1.`),
    );
  });
});

describe('the handler', () => {
  it.each(SDK_REGIONS)('reads the subject in %s, for both sources', (region) => {
    for (const props of [GATE_PROPS, GIT_SYNC_PROPS]) {
      expect(parseSettings({ ...props, [Prop.Region]: region }, 'us-east-1', SOURCES).subject.region).toBe(region);
    }
  });

  it.each(NOT_REGIONS.map((name) => [JSON.stringify(name), name]))('rejects %s, naming the property', (shown, name) => {
    expect(() => parseSettings({ ...GATE_PROPS, [Prop.Region]: name }, 'us-east-1', SOURCES)).toThrow(SyncGateError);
    expect(() => parseSettings({ ...GATE_PROPS, [Prop.Region]: name }, 'us-east-1', SOURCES)).toThrow(`Invalid ${Prop.Region} ${shown}: expected an AWS region name`);
  });
});

describe('the CLI', () => {
  const commands = sourceCommands(SOURCES);
  const settingsFor = (argv: string[], env: NodeJS.ProcessEnv) => {
    const invocation = parseArgs(['check', 'git-sync', '--stack', 'network', ...argv], commands);
    if (invocation.kind !== 'check') throw new Error(`expected a check, got ${invocation.kind}`);
    return checkSettings(invocation.request, env, SOURCES).settings;
  };

  it.each(SDK_REGIONS)('checks in %s, from --region and from AWS_REGION', (region) => {
    expect(settingsFor(['--region', region], {}).subject.region).toBe(region);
    expect(settingsFor([], { AWS_REGION: region }).subject.region).toBe(region);
  });

  // An empty --region is refused before, by the argument parser ("Option --region needs a value.").
  it.each(NOT_REGIONS.filter((name) => name !== '').map((name) => [JSON.stringify(name), name]))('rejects --region %s, naming the option', (shown, name) => {
    expect(() => settingsFor(['--region', name], {})).toThrow(new UsageError(`Invalid --region ${shown}: expected an AWS region name such as us-east-1.`, ''));
  });
});
