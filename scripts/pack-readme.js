#!/usr/bin/env node
/**
 * The README a user reads on the registry page (npm, Construct Hub) comes from the tarball, which holds none of the
 * pages it links to (docs/, CHANGELOG.md, ...), and the registries resolve a relative link against the repository
 * without GitHub's /blob/<ref>/ segment, so every such link would 404. While `npm pack` / `npm publish` runs, this
 * script rewrites each relative link of README.md into an absolute one into the repository at this version's tag
 * (https://github.com/<owner>/<repo>/blob/v<version>/<path>), so the registry page links to the pages of the
 * version it describes; the README in the repository keeps its relative links (GitHub renders them).
 *
 *   node scripts/pack-readme.js --absolute   (prepack) keeps README.md in .tmp/pack-readme/ and writes the rewritten one
 *   node scripts/pack-readme.js --restore    (postpack) puts the kept README.md back
 *
 * A pack that died between the two leaves the kept copy behind: the next --absolute or --restore puts it back first.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const README = path.join(ROOT, 'README.md');
const KEPT = path.join(ROOT, '.tmp', 'pack-readme', 'README.md');

/** https://github.com/<owner>/<repo>/blob/v<version>/, from package.json's repository and version. */
function blobBase(pkg) {
  const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  const match = /github\.com[/:]([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url ?? '');
  if (!match) throw new Error(`package.json repository.url is not a GitHub repository: ${JSON.stringify(url)}`);
  return `https://github.com/${match[1]}/${match[2]}/blob/v${pkg.version}/`;
}

/** Markdown with every relative link target (outside code) made absolute against `base`; #anchors stay in the page. */
function absoluteLinks(markdown, base) {
  const absolute = (target) => (/^([a-z][a-z0-9+.-]*:|#|\/\/)/i.test(target) ? target : new URL(target, base).href);
  return markdown
    .split(/(^```[^]*?^```)/m)
    .map((part, i) =>
      i % 2 === 1
        ? part // a fenced code block
        : part
            .replace(/(\]\()(<[^>]*>|[^)\s]+)/g, (_, open, target) => open + absolute(target))
            .replace(/^(\s{0,3}\[[^\]]+\]:\s*)(\S+)/gm, (_, open, target) => open + absolute(target)),
    )
    .join('');
}

function restore() {
  if (!fs.existsSync(KEPT)) return false;
  fs.copyFileSync(KEPT, README);
  fs.rmSync(KEPT);
  return true;
}

function main(args) {
  if (args[0] === '--restore') {
    restore();
    return 0;
  }
  if (args[0] !== '--absolute') {
    process.stderr.write('usage: node scripts/pack-readme.js --absolute | --restore\n');
    return 2;
  }
  restore();
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const original = fs.readFileSync(README, 'utf8');
  fs.mkdirSync(path.dirname(KEPT), { recursive: true });
  fs.writeFileSync(KEPT, original);
  fs.writeFileSync(README, absoluteLinks(original, blobBase(pkg)));
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

module.exports = { absoluteLinks, blobBase };
