/**
 * The README and the docs pages link to each other and to files of the repository: every relative link must
 * resolve to a file, and every #anchor to a heading of that file (GitHub's slugs), so a newcomer's first clicks
 * work. The README's two set-up commands are checked too.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const PAGES = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', 'offline/README.md', 'test/README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_~]/g, '')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const text = fs.readFileSync(file, 'utf8').replace(/```[^]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1])));
}

function links(page: string): { target: string; anchor?: string }[] {
  const text = fs.readFileSync(path.join(ROOT, page), 'utf8').replace(/```[^]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
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
