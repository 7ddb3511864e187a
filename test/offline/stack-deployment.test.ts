/**
 * The offline world's stack deployer (offline/stack-deployment.ts) keeps itself honest: small hand-built templates
 * where they say more (ordering, change detection, replacement and cleanup, rollbacks, nested stacks, the update
 * rules), and the test-only gate app where a real custom resource is needed (a ServiceToken change, a custom
 * resource's Data read by Fn::GetAtt). The gate's own sequences are in test/lifecycle/lifecycle-sequences*.test.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { eventsOf, firstFailure, requestsOf, statusesOf } from '../../offline/deployment-outcome';
import { OfflineWorld } from '../../offline/offline-world';
import { StackDeployment } from '../../offline/stack-deployment';
import { SynthesizedStack, synthApp, Template, TemplateResource } from '../../offline/synth';
import { answer, INSTANCE, SERVICE, sha, status } from '../support/scenarios';
import { GATE_APP, gateLogicalId, syncedShaId } from '../support/sequences';

let world: OfflineWorld;
let gateApp: SynthesizedStack;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-deployment-'));

beforeAll(async () => {
  [gateApp] = synthApp(GATE_APP, [{ recheckOnEveryDeployment: 'false' }]);
  world = await OfflineWorld.start();
}, 180_000);

afterEach(() => {
  world.proton.assertHonest();
  world.proton.reset();
});

afterAll(async () => {
  await world?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A hand-built stack; `files` are its nested templates by S3 object key. */
function stack(resources: Record<string, TemplateResource>, files: Record<string, Template> = {}, outputs?: Template['Outputs']): SynthesizedStack {
  const fileAssets = new Map<string, string>();
  for (const [key, template] of Object.entries(files)) {
    const file = path.join(tmp, key);
    fs.writeFileSync(file, JSON.stringify(template));
    fileAssets.set(key, file);
  }
  return { stackName: 'HandBuilt', outdir: tmp, template: { Resources: resources, ...(outputs && { Outputs: outputs }) }, assetDirs: new Map(), fileAssets, context: {} };
}

const param = (value: unknown, extra: Record<string, unknown> = {}, dependsOn?: string[]): TemplateResource => ({
  Type: 'AWS::SSM::Parameter',
  Properties: { Type: 'String', Value: value, ...extra },
  ...(dependsOn && { DependsOn: dependsOn }),
});

/** `resource` events as `LogicalId RESOURCE_STATUS (stack status)`. */
function timeline(events: readonly { logicalId: string; resourceStatus: string; stackStatus: string }[]): string[] {
  return events.map((e) => `${e.logicalId} ${e.resourceStatus} (${e.stackStatus})`);
}

describe('order and phases', () => {
  test('creates in dependency order (Ref, Fn::Sub, DependsOn) and deletes the stack in the reverse order', async () => {
    const d = new StackDeployment(world);
    // Template order is the reverse of the dependency order, so a deployer that followed the template would fail.
    const created = await d.deploy(stack({
      C: param('c', {}, ['B']),
      B: param({ 'Fn::Sub': 'after ${A}' }),
      A: param('a'),
    }));
    expect(created.status).toBe('CREATE_COMPLETE');
    expect(statusesOf(created)).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
    expect(timeline(created.events)).toEqual(['A CREATE_COMPLETE (CREATE_IN_PROGRESS)', 'B CREATE_COMPLETE (CREATE_IN_PROGRESS)', 'C CREATE_COMPLETE (CREATE_IN_PROGRESS)']);
    expect(d.resource('B').properties.Value).toBe(`after ${d.resource('A').physicalId}`);

    const deleted = await d.destroy();
    expect(deleted.status).toBe('DELETE_COMPLETE');
    expect(timeline(deleted.events)).toEqual(['C DELETE_COMPLETE (DELETE_IN_PROGRESS)', 'B DELETE_COMPLETE (DELETE_IN_PROGRESS)', 'A DELETE_COMPLETE (DELETE_IN_PROGRESS)']);
  });

  test('an update touches only what changed, replaces on a replacing property and deletes old and removed resources in cleanup', async () => {
    const d = new StackDeployment(world);
    await d.deploy(stack({ Same: param('s'), Changed: param('v1'), Renamed: param('r', { Name: '/old' }), Removed: param('x') }));
    const oldRenamed = d.resource('Renamed').physicalId;
    const changedId = d.resource('Changed').physicalId;

    const updated = await d.deploy(stack({ Same: param('s'), Changed: param('v2'), Renamed: param('r', { Name: '/new' }), Added: param('n') }));
    expect(updated.status).toBe('UPDATE_COMPLETE');
    expect(statusesOf(updated)).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_COMPLETE']);
    expect(timeline(updated.events)).toEqual([
      'Changed UPDATE_COMPLETE (UPDATE_IN_PROGRESS)',
      // A replacement is a Create of the new physical resource; the old one goes in cleanup.
      'Renamed CREATE_COMPLETE (UPDATE_IN_PROGRESS)',
      'Added CREATE_COMPLETE (UPDATE_IN_PROGRESS)',
      'Removed DELETE_COMPLETE (UPDATE_COMPLETE_CLEANUP_IN_PROGRESS)',
      'Renamed DELETE_COMPLETE (UPDATE_COMPLETE_CLEANUP_IN_PROGRESS)',
    ]);
    expect(eventsOf(updated, 'Renamed').map((e) => e.physicalId)).toEqual(['/new', oldRenamed]);
    expect(d.resource('Changed').physicalId).toBe(changedId);
    expect(d.stack!.resources.has('Removed')).toBe(false);
  });

  test('refuses a template that is the same as the deployed one, changing nothing', async () => {
    const d = new StackDeployment(world);
    const template = stack({ A: param('a') });
    await d.deploy(template);
    const again = await d.deploy(template);
    expect(again.error).toBe('No updates are to be performed.');
    expect(again.status).toBe('CREATE_COMPLETE');
    expect(again.events).toEqual([]);
  });
});

describe('failures and rollbacks', () => {
  test('an SSM parameter with an empty value fails like SSM, and a failed Create rolls back by deleting what it created', async () => {
    const d = new StackDeployment(world);
    const o = await d.deploy(stack({ Good: param('g'), Empty: param('', {}, ['Good']) }));
    expect(o.status).toBe('ROLLBACK_COMPLETE');
    expect(statusesOf(o)).toEqual(['CREATE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE']);
    expect(timeline(o.events)).toEqual(['Good CREATE_COMPLETE (CREATE_IN_PROGRESS)', 'Empty CREATE_FAILED (CREATE_IN_PROGRESS)', 'Good DELETE_COMPLETE (ROLLBACK_IN_PROGRESS)']);
    expect(firstFailure(o)!.reason).toContain("Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1");

    // The next deployment deletes the stack left in ROLLBACK_COMPLETE and creates it again, as the CDK CLI does.
    const retried = await d.deploy(stack({ Good: param('g') }));
    expect(statusesOf(retried)).toEqual(['DELETE_IN_PROGRESS', 'DELETE_COMPLETE', 'CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
  });

  test('a failed update rolls back: updated resources get their old properties back, created ones are deleted in rollback cleanup', async () => {
    const d = new StackDeployment(world);
    await d.deploy(stack({ Kept: param('v1'), Breaks: param('b1', {}, ['Kept']) }));
    const keptId = d.resource('Kept').physicalId;
    const o = await d.deploy(stack({ Kept: param('v2'), New: param('n', {}, ['Kept']), Breaks: param('b2', {}, ['New']) }), {
      fail: (a) => (a.logicalId === 'Breaks' && a.requestType === 'Update' ? 'Resource handler returned message: "boom"' : undefined),
    });
    expect(o.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(statusesOf(o)).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE']);
    expect(timeline(o.events)).toEqual([
      'Kept UPDATE_COMPLETE (UPDATE_IN_PROGRESS)',
      'New CREATE_COMPLETE (UPDATE_IN_PROGRESS)',
      'Breaks UPDATE_FAILED (UPDATE_IN_PROGRESS)',
      'Kept UPDATE_COMPLETE (UPDATE_ROLLBACK_IN_PROGRESS)',
      'New DELETE_COMPLETE (UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS)',
    ]);
    expect(d.resource('Kept')).toMatchObject({ physicalId: keptId, properties: { Value: 'v1' } });
    expect(d.stack!.resources.has('New')).toBe(false);
    // The previous template is the deployed one again: redeploying it changes nothing.
    expect((await d.deploy(stack({ Kept: param('v1'), Breaks: param('b1', {}, ['Kept']) }))).error).toBe('No updates are to be performed.');
  });

  test('a rollback that fails ends in UPDATE_ROLLBACK_FAILED, and such a stack refuses further updates', async () => {
    const d = new StackDeployment(world);
    await d.deploy(stack({ A: param('v1'), B: param('b1', {}, ['A']) }));
    const o = await d.deploy(stack({ A: param('v2'), B: param('b2', {}, ['A']) }), {
      fail: (a) => (a.logicalId === 'B' || a.stackStatus === 'UPDATE_ROLLBACK_IN_PROGRESS' ? 'refused' : undefined),
    });
    expect(o.status).toBe('UPDATE_ROLLBACK_FAILED');
    expect(timeline(o.events)).toEqual(['A UPDATE_COMPLETE (UPDATE_IN_PROGRESS)', 'B UPDATE_FAILED (UPDATE_IN_PROGRESS)', 'A UPDATE_FAILED (UPDATE_ROLLBACK_IN_PROGRESS)']);
    const refused = await d.deploy(stack({ A: param('v3'), B: param('b3', {}, ['A']) }));
    expect(refused.error).toMatch(/is in UPDATE_ROLLBACK_FAILED state and can not be updated/);
    expect(refused.events).toEqual([]);
  });

  test('a resource type that changes is refused before anything changes', async () => {
    const d = new StackDeployment(world);
    await d.deploy(stack({ A: param('a'), B: param('b') }));
    const o = await d.deploy(stack({ A: param('a2'), B: { Type: 'AWS::Logs::LogGroup', Properties: {} } }));
    expect(o.error).toBe('Update of resource type is not permitted. The new template modifies resource type of the following resources: [B]');
    expect(o.status).toBe('CREATE_COMPLETE');
    expect(o.events).toEqual([]);
    expect(d.resource('A').properties.Value).toBe('a');
  });
});

describe('nested stacks', () => {
  const child = (value: string): Template => ({ Resources: { Inner: param(value) }, Outputs: { Value: { Value: { 'Fn::GetAtt': ['Inner', 'Value'] } } } });
  const root = (value: string, failAfter = false): SynthesizedStack =>
    stack(
      {
        Nested: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: `https://s3.us-east-1.amazonaws.com/bucket/${value}.json` } },
        Reader: param({ 'Fn::GetAtt': ['Nested', 'Outputs.Value'] }),
        ...(failAfter && { Later: param('later', {}, ['Reader']) }),
      },
      { [`${value}.json`]: child(value) },
    );

  test('a nested stack rolls back with its root when the root fails elsewhere, reporting its parent and root', async () => {
    const d = new StackDeployment(world);
    await d.deploy(root('one'));
    expect(d.resource('Reader').properties.Value).toBe('one');
    const nested = d.stackOf('Inner');
    const seen: string[] = [];
    const client = new CloudFormationClient({ region: world.region, endpoint: world.cloudFormation.endpoint, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
    const o = await d.deploy(root('two', true), {
      // Asks DescribeStacks about the nested stack while the root rolls it back, as the gate's handler would.
      fail: (a) => {
        if (a.logicalId === 'Inner' && a.stackStatus === 'UPDATE_ROLLBACK_IN_PROGRESS') seen.push(world.cloudFormation.stacks.get(nested.stackId)!.status);
        return a.logicalId === 'Later' ? 'refused' : undefined;
      },
    });
    expect(o.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(statusesOf(o, nested.stackName)).toEqual([
      'UPDATE_IN_PROGRESS',
      'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', // waits for its root's cleanup
      'UPDATE_ROLLBACK_IN_PROGRESS',
      'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
      'UPDATE_ROLLBACK_COMPLETE',
    ]);
    expect(timeline(eventsOf(o, 'Inner'))).toEqual(['Inner UPDATE_COMPLETE (UPDATE_IN_PROGRESS)', 'Inner UPDATE_COMPLETE (UPDATE_ROLLBACK_IN_PROGRESS)']);
    expect(seen).toEqual(['UPDATE_ROLLBACK_IN_PROGRESS']);
    expect(d.resource('Inner').properties.Value).toBe('one');
    expect(d.resource('Reader').properties.Value).toBe('one');

    const described = await client.send(new DescribeStacksCommand({ StackName: nested.stackId }));
    expect(described.Stacks![0]).toMatchObject({ StackStatus: 'UPDATE_ROLLBACK_COMPLETE', ParentId: d.stack!.stackId, RootId: d.stack!.stackId });
    const rootDescribed = await client.send(new DescribeStacksCommand({ StackName: d.stack!.stackId }));
    expect(rootDescribed.Stacks![0].ParentId).toBeUndefined();
  });

  test('stack deletion deletes the nested stack\'s resources too', async () => {
    const d = new StackDeployment(world);
    await d.deploy(root('three'));
    const nested = d.stackOf('Inner');
    const o = await d.destroy();
    expect(timeline(o.events)).toEqual(['Reader DELETE_COMPLETE (DELETE_IN_PROGRESS)', 'Inner DELETE_COMPLETE (DELETE_IN_PROGRESS)', 'Nested DELETE_COMPLETE (DELETE_IN_PROGRESS)']);
    expect(statusesOf(o, nested.stackName)).toEqual(['DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
  });
});

describe('custom resources (the gate app)', () => {
  test('a custom resource\'s Data feeds Fn::GetAtt, and changing its ServiceToken fails with "Modifying service token is not allowed."', async () => {
    const s = sha('deployer check');
    world.proton.script(SERVICE, INSTANCE, [answer(status('SUCCEEDED', s, { lastGood: s }))]);
    const d = new StackDeployment(world);
    const created = await d.deploy(gateApp);
    const gate = gateLogicalId(gateApp);
    expect(created.status).toBe('CREATE_COMPLETE');
    expect(requestsOf(created, gate).map((r) => r.status)).toEqual(['SUCCESS']);
    expect(d.resource(syncedShaId(gateApp.template)).properties.Value).toBe(s);

    // The same template with the gate pointed at another function of the provider.
    const moved = structuredClone(gateApp.template);
    const onEvent = Object.entries(moved.Resources).find(([, r]) => r.Properties?.Handler === 'index.onEvent')![0];
    moved.Resources[gate].Properties!.ServiceToken = { 'Fn::GetAtt': [onEvent, 'Arn'] };
    const o = await d.deploy({ ...gateApp, template: moved });
    expect(o.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(firstFailure(o)).toMatchObject({ logicalId: gate, resourceStatus: 'UPDATE_FAILED', reason: 'Modifying service token is not allowed.' });
    // Refused by CloudFormation itself: the provider never hears of it, and there is nothing to roll back.
    expect(o.requests).toEqual([]);
  });
});
