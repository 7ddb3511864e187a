/**
 * Reading Markdown as GitHub renders it, for the tests of the README and docs pages: link targets outside code,
 * heading anchors (GitHub's slugs), and fenced code blocks with the line each starts on.
 */

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_~]/g, '')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a page's headings (headings inside code blocks are not headings). */
export function headingAnchors(markdown: string): Set<string> {
  const text = markdown.replace(/```[^]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1])));
}

/** Every inline link target `[text](target)` outside fenced code blocks, as written. */
export function linkTargets(markdown: string): string[] {
  const text = markdown.replace(/```[^]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
}

/** A fenced code block: its info string's language, its text, and the 1-based line of its first code line. */
export interface CodeBlock {
  readonly lang: string;
  readonly code: string;
  readonly line: number;
}

export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)/.exec(lines[i]);
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    blocks.push({ lang: open[1], code: lines.slice(start, end).join('\n'), line: start + 1 });
    i = end;
  }
  return blocks;
}

/** What marks each part of the README a user or a contributor needs, in the order they must come. */
const README_LANDMARKS: readonly (readonly [string, RegExp])[] = [
  ['install line', /^npm install cdk-git-sync-gate$/m],
  ['usage code', /^<!-- example:readme-usage -->$/m],
  ['contributor set-up', /^npm ci && npx cdk synth$/m],
];

/**
 * How a README opens: the first paragraph under its title (its purpose), the first section's heading, and the
 * README_LANDMARKS it has, in the order a reader meets them.
 */
export function readmeOpening(markdown: string): { purpose: string[]; firstSection: string | undefined; landmarks: string[] } {
  const lines = markdown.split('\n');
  let i = lines.findIndex((l) => /^# /.test(l)) + 1;
  while (i < lines.length && lines[i].trim() === '') i++;
  const purpose: string[] = [];
  while (i < lines.length && lines[i].trim() !== '') purpose.push(lines[i++]);
  const firstSection = /^## (.+)$/m.exec(markdown)?.[1];
  const landmarks = README_LANDMARKS.map(([name, pattern]) => ({ name, at: markdown.search(pattern) }))
    .filter((l) => l.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map((l) => l.name);
  return { purpose, firstSection, landmarks };
}
