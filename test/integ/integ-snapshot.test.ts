/**
 * The integ test (integ.sync-gate.ts), verified without deploying: synthesized as integ-runner would, it matches its
 * committed snapshot (asset hashes, the assertions' salt and the gate's nonce aside, as integ-runner's default
 * diffAssets: false), and what it deploys is what its assertion relies on. integ-runner 2.197.10, the newest on the
 * registry, cannot read the cloud assembly schema 55 that aws-cdk-lib 2.276.0 writes, so this test does its snapshot
 * comparison with aws-cdk-lib's assertions (see CONTRIBUTING.md).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const integ = require('../../scripts/integ-snapshot.js') as {
  SNAPSHOT: string;
  synth: (env?: Record<string, string>) => string;
  snapshotFiles: (dir: string) => string[];
  canonical: (text: string) => string;
};

const ASSERT_STACK = 'SyncGateIntegTestDefaultTestDeployAssert8D2CE794';
const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
const template = (dir: string, stack: string) => Template.fromJSON(JSON.parse(read(dir, `${stack}.template.json`)) as Record<string, unknown>);

describe('the integ test integ.sync-gate.ts', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = integ.synth();
  }, 120_000);
  afterAll(() => {
    if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
  });

  test('synthesizes what its committed snapshot holds (npm run integ:snapshot updates it)', () => {
    const files = integ.snapshotFiles(outdir);
    expect(files).toEqual(['SyncGateInteg.template.json', `${ASSERT_STACK}.template.json`, 'integ.json']);
    expect(integ.snapshotFiles(integ.SNAPSHOT)).toEqual(files);
    for (const file of files) {
      expect({ file, json: JSON.parse(integ.canonical(read(outdir, file))) as unknown }).toEqual({ file, json: JSON.parse(integ.canonical(read(integ.SNAPSHOT, file))) as unknown });
    }
  });

  test('creates the parameter only after the gate passed, from the sha it saw', () => {
    const stack = template(outdir, 'SyncGateInteg');
    const gates = stack.findResources('Custom::CloudFormationGitSync', { Properties: { StackName: 'sync-gate-integ-network', RequireSuccess: 'true' } });
    expect(Object.keys(gates)).toHaveLength(1);
    stack.hasResourceProperties('AWS::SSM::Parameter', { Value: { 'Fn::GetAtt': [Object.keys(gates)[0], 'Sha'] } });
  });

  test("asserts, after the gate's stack and retrying until it fails the deployment, that the latest sync SUCCEEDED at the parameter's sha", () => {
    // Deployed after the gate's stack, by integ-runner and by `cdk deploy --all` alike.
    const manifest = JSON.parse(read(outdir, 'manifest.json')) as { artifacts: Record<string, { dependencies?: string[] }> };
    expect(manifest.artifacts[ASSERT_STACK].dependencies).toContain('SyncGateInteg');
    const assert = template(outdir, ASSERT_STACK);
    const calls = assert.findResources('Custom::DeployAssert@SdkCallSSMgetParameter');
    expect(Object.keys(calls)).toHaveLength(1);
    assert.hasResourceProperties('Custom::DeployAssert@SdkCallCodeStarConnectionsgetResourceSy', {
      service: 'CodeStarConnections',
      api: 'getResourceSyncStatus',
      parameters: { ResourceName: '"sync-gate-integ-network"', SyncType: '"CFN_STACK_SYNC"' },
      expected: {
        'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"Status":"SUCCEEDED","TargetRevision":\\{"Sha":"$'), { 'Fn::GetAtt': [Object.keys(calls)[0], 'apiCallResponse.Parameter.Value'] }])],
      },
      stateMachineArn: Match.anyValue(), // waitForAssertions: a failed assertion fails the deployment
    });
    assert.hasResourceProperties('AWS::IAM::Role', {
      Policies: Match.arrayWith([Match.objectLike({ PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['codestar-connections:GetResourceSyncStatus'] })]) } })]),
    });
  });

  test('watches the stack and expects the commit a deployer names in SYNC_GATE_INTEG_STACK_NAME and SYNC_GATE_INTEG_SHA', () => {
    const sha = 'a'.repeat(40);
    const mine = integ.synth({ SYNC_GATE_INTEG_STACK_NAME: 'my-network', SYNC_GATE_INTEG_SHA: sha });
    try {
      template(mine, 'SyncGateInteg').hasResourceProperties('Custom::CloudFormationGitSync', { StackName: 'my-network', ExpectedSha: sha });
      template(mine, ASSERT_STACK).hasResourceProperties('Custom::DeployAssert@SdkCallCodeStarConnectionsgetResourceSy', {
        parameters: { ResourceName: '"my-network"' },
      });
    } finally {
      fs.rmSync(mine, { recursive: true, force: true });
    }
  }, 60_000);
});
