/**
 * scripts/pack-readme.js, which makes the packed README's relative links absolute (test/package.test.ts checks the
 * real README in the real tarball): what it rewrites and what it leaves alone.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { absoluteLinks, blobBase } = require('../scripts/pack-readme.js') as {
  absoluteLinks: (markdown: string, base: string) => string;
  blobBase: (pkg: { version: string; repository?: string | { url?: string } }) => string;
};

const BASE = 'https://github.com/owner/repo/blob/v1.2.3/';

describe('the packed README links', () => {
  test('point at the tag v<version> of the GitHub repository package.json names', () => {
    expect(blobBase({ version: '1.2.3', repository: { url: 'https://github.com/owner/repo.git' } })).toBe(BASE);
    expect(blobBase({ version: '1.2.3', repository: { url: 'git+ssh://git@github.com/owner/repo.git' } })).toBe(BASE);
    expect(blobBase({ version: '1.2.3', repository: 'https://github.com/owner/repo' })).toBe(BASE);
    expect(() => blobBase({ version: '1.2.3', repository: { url: 'https://gitlab.com/owner/repo.git' } })).toThrow(/not a GitHub repository/);
  });

  test('become absolute, anchors kept, for inline and reference links', () => {
    const md = ['See [using](docs/using.md), [blockers](docs/reference.md#sync-blockers) and [the log](./CHANGELOG.md).', '[api]: API.md'].join('\n');
    expect(absoluteLinks(md, BASE)).toBe(
      [
        `See [using](${BASE}docs/using.md), [blockers](${BASE}docs/reference.md#sync-blockers) and [the log](${BASE}CHANGELOG.md).`,
        `[api]: ${BASE}API.md`,
      ].join('\n'),
    );
  });

  test('leave absolute URLs, in-page anchors and code blocks alone', () => {
    const md = ['[a](https://example.com/x) [b](#usage) [c](mailto:x@example.com)', '```ts', "const s = '[x](docs/y.md)';", '```'].join('\n');
    expect(absoluteLinks(md, BASE)).toBe(md);
  });
});
