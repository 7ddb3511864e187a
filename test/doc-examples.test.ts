/**
 * Every TypeScript example of the README and the docs pages compiles against the library, as a user would paste it
 * into a stack's constructor: each ```ts block is wrapped in a fixture (a Stack subclass whose constructor body is the
 * block, its imports hoisted, 'cdk-git-sync-gate' resolved to lib/), and the lot is type-checked with the project's
 * pinned TypeScript and the strict settings of tsconfig.json. A block may use, without importing them, the names a
 * page's earlier blocks or prose introduce (FIXTURE_IMPORTS, FIXTURE_DECLARATIONS); an error is reported at its
 * page and line.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { Example, wrap } from './support/doc-examples';
import { codeBlocks } from './support/markdown';

const ROOT = path.join(__dirname, '..');
const PAGES = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

function examples(): Example[] {
  return PAGES.flatMap((page) =>
    codeBlocks(fs.readFileSync(path.join(ROOT, page), 'utf8'))
      .filter((b) => ['ts', 'typescript'].includes(b.lang))
      .map((b, i) => wrap(page, i + 1, b.line, b.code)),
  );
}

/** Type-checks the examples as one program; returns each example's errors as "page:line: message". */
function compile(all: Example[]): Map<Example, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); } });
  const options: ts.CompilerOptions = { ...config!.options, noEmit: true, noUnusedLocals: false, noUnusedParameters: false, types: ['node'] };
  const byFile = new Map(all.map((e) => [e.file, e]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => byFile.has(f) || fileExists.call(host, f);
  host.readFile = (f) => byFile.get(f)?.source ?? readFile.call(host, f);
  host.getSourceFile = (f, lang, ...rest) => {
    const example = byFile.get(f);
    return example ? ts.createSourceFile(f, example.source, lang) : getSourceFile.call(host, f, lang, ...rest);
  };
  const program = ts.createProgram([...byFile.keys()], options, host);
  const errors = new Map<Example, string[]>(all.map((e) => [e, []]));
  for (const example of all) {
    const sourceFile = program.getSourceFile(example.file)!;
    for (const d of [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)]) {
      const at = d.start === undefined ? -1 : sourceFile.getLineAndCharacterOfPosition(d.start).line;
      const where = at >= example.bodyStart ? `${example.page}:${example.line + at - example.bodyStart}` : `${example.page}:${example.line} (fixture)`;
      errors.get(example)!.push(`${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    }
  }
  return errors;
}

describe('the TypeScript examples of the README and docs', () => {
  const all = examples();
  let errors: Map<Example, string[]>;
  beforeAll(() => {
    errors = compile(all);
  }, 120_000);

  test('are found: the README usage, and each page that shows code', () => {
    const pages = new Set(all.map((e) => e.page));
    expect(pages).toEqual(new Set(['README.md', 'docs/using.md', 'docs/migration.md']));
    expect(all.length).toBeGreaterThanOrEqual(8);
  });

  test.each(all.map((e) => [`${e.page}:${e.line}`, e] as const))('%s compiles against the library', (_, example) => {
    expect(errors.get(example)).toEqual([]);
  });
});
