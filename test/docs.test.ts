/**
 * The README and the docs pages link to each other and to files of the repository: every relative link must
 * resolve to a file, and every #anchor to a heading of that file (GitHub's slugs), so a newcomer's first clicks
 * work. The README's two set-up commands are checked too.
 */
import * as fs from 'fs';
import * as path from 'path';
import { codeBlocks, headingAnchors, linkTargets, readmeOpening } from './support/markdown';

const ROOT = path.join(__dirname, '..');
const PAGES = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', 'offline/README.md', 'test/README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

function anchors(file: string): Set<string> {
  return headingAnchors(fs.readFileSync(file, 'utf8'));
}

function links(page: string): { target: string; anchor?: string }[] {
  return linkTargets(fs.readFileSync(path.join(ROOT, page), 'utf8'))
    .filter((href) => !/^[a-z]+:/i.test(href))
    .map((href) => {
      const [file, anchor] = href.split('#');
      return { target: file === '' ? page : path.join(path.dirname(page), file), anchor };
    });
}

describe.each(PAGES)('%s', (page) => {
  test('every relative link resolves to a file, and every anchor to one of its headings', () => {
    const broken = links(page).filter(({ target, anchor }) => {
      const file = path.join(ROOT, target);
      if (!fs.existsSync(file)) return true;
      return anchor !== undefined && fs.statSync(file).isFile() && !anchors(file).has(anchor);
    });
    expect(broken).toEqual([]);
  });
});

test('the README shows the two set-up commands, and the test command is the one CI runs', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  expect(readme).toContain('npm ci && npx cdk synth');
  expect(readme).toContain('npm ci && npm test');
  expect(fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8')).toMatch(/^npm test\b/m);
});

test('the README opens with what a user needs: one line of purpose, the install line, the usage, and only then the contributor set-up', () => {
  const opening = readmeOpening(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
  expect(opening.purpose).toHaveLength(1);
  expect(opening.purpose[0]).toMatch(/^An AWS CDK construct library that holds a CloudFormation deployment until a Git sync has succeeded/);
  expect(opening.firstSection).toBe('Install');
  expect(opening.landmarks).toEqual(['install line', 'usage code', 'contributor set-up']);
});

test('docs/using.md is written for Git sync first: its first gate is a GitSyncGate, and Proton gates are only in its Proton section', () => {
  const page = fs.readFileSync(path.join(ROOT, 'docs', 'using.md'), 'utf8');
  const lines = page.split('\n');
  const sectionOf = (line: number): string | undefined => lines.slice(0, line - 1).reverse().find((l) => /^## /.test(l));
  const gates = codeBlocks(page)
    .filter((b) => b.lang === 'ts')
    .flatMap((b) => [...b.code.matchAll(/new (GitSyncGate|ServiceInstanceSyncGate)\(/g)].map((m) => ({ gate: m[1], section: sectionOf(b.line) })));
  expect(gates[0]?.gate).toBe('GitSyncGate');
  expect(gates.filter((g) => g.gate === 'ServiceInstanceSyncGate').map((g) => g.section)).toEqual(['## AWS Proton']);
  expect(gates.filter((g) => g.gate === 'GitSyncGate').length).toBeGreaterThanOrEqual(4);
  expect(page).toContain('`Custom::CloudFormationGitSync`');
});

test('API.md reads as prose: no JSDoc inline tag such as {@link ...} is left raw by jsii-docgen', () => {
  const api = fs.readFileSync(path.join(ROOT, 'API.md'), 'utf8');
  const raw = api.split('\n').flatMap((line, i) => (/\{@\w+/.test(line) ? [`API.md:${i + 1}: ${line}`] : []));
  expect(raw).toEqual([]);
});
