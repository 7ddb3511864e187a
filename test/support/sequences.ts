/**
 * Shared pieces of the sequence tests (deployments of the test-only gate app, test/lifecycle/apps/gate-app.ts, one
 * after another through offline/stack-deployment.ts): the app's entry, lookups into its templates, and an upgrade
 * of the handler bundle (the same app with a newer bundle, as a new release of this library gives it).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { GIT_SYNC_RESOURCE_TYPE, PROTON_RESOURCE_TYPE } from '../../lib/contract';
import type { SynthesizedStack, Template } from '../../offline/synth';

const ROOT = path.join(__dirname, '..', '..');

/** The test-only app with every gate prop as context. */
export const GATE_APP = path.join(ROOT, 'test', 'lifecycle', 'apps', 'gate-app.ts');

/** The logical ids of `template`'s resources of `type`. */
export function idsOfType(template: Template, type: string): string[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id]) => id);
}

/** The logical id of the template's only gate, of either class. */
export function gateLogicalId(stack: SynthesizedStack | Template): string {
  const template = 'template' in stack ? stack.template : stack;
  const ids = [...idsOfType(template, PROTON_RESOURCE_TYPE), ...idsOfType(template, GIT_SYNC_RESOURCE_TYPE)];
  if (ids.length !== 1) throw new Error(`expected one gate, found ${ids.length}`);
  return ids[0];
}

/** The logical id of the parameter that records the gate's sha (the app's `SyncedSha`). */
export function syncedShaId(template: Template): string {
  const ids = idsOfType(template, 'AWS::SSM::Parameter').filter((id) => id.startsWith('SyncedSha'));
  if (ids.length !== 1) throw new Error(`expected one SyncedSha parameter, found ${ids.length}`);
  return ids[0];
}

/** The nested stack template of a `nested: 'true'` synthesis (its only file asset). */
export function nestedTemplateOf(stack: SynthesizedStack): Template {
  const files = [...stack.fileAssets.values()].filter((f) => f.endsWith('.nested.template.json'));
  if (files.length !== 1) throw new Error(`expected one nested template, found ${files.length}`);
  return JSON.parse(fs.readFileSync(files[0], 'utf8')) as Template;
}

/**
 * The same synthesis with a newer handler bundle: every function whose code asset holds the built bundle gets a
 * copy of that asset where `index.js` is changed by `upgrade` (e.g. a release note comment), under its new content
 * hash, so its Code.S3Key changes as a new release's would and CloudFormation updates the functions.
 */
export function withUpgradedHandler(stack: SynthesizedStack, upgrade: (code: string) => string): SynthesizedStack {
  const built = fs.readFileSync(path.join(ROOT, 'assets', 'handler', 'index.js'), 'utf8');
  const template = structuredClone(stack.template) as Template;
  const assetDirs = new Map(stack.assetDirs);
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const code = resource.Properties!.Code as { S3Key: string };
    const dir = stack.assetDirs.get(code.S3Key.replace(/\.zip$/, ''))!;
    const file = path.join(dir, 'index.js');
    if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== built) continue;
    const upgraded = upgrade(built);
    const hash = crypto.createHash('sha256').update(upgraded).digest('hex');
    const target = path.join(ROOT, '.tmp', 'upgraded-handlers', `asset.${hash}`);
    if (!fs.existsSync(target)) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const staged = `${target}.partial-${process.pid}`;
      fs.cpSync(dir, staged, { recursive: true });
      fs.writeFileSync(path.join(staged, 'index.js'), upgraded);
      try {
        fs.renameSync(staged, target);
      } catch (e) {
        // Another jest worker made the same copy first.
        fs.rmSync(staged, { recursive: true, force: true });
        if (!fs.existsSync(target)) throw e;
      }
    }
    assetDirs.set(hash, target);
    code.S3Key = `${hash}.zip`;
  }
  return { ...stack, template, assetDirs };
}
