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
import { codeBlocks } from './support/markdown';

const ROOT = path.join(__dirname, '..');
const PAGES = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const VIRTUAL_DIR = path.join(ROOT, '.tmp', 'doc-examples');
const LIBRARY = 'cdk-git-sync-gate';

/** Names a block may use without importing them, with the import that provides each. */
const FIXTURE_IMPORTS: Record<string, string> = {
  App: 'aws-cdk-lib',
  CfnOutput: 'aws-cdk-lib',
  CfnResource: 'aws-cdk-lib',
  Duration: 'aws-cdk-lib',
  Stack: 'aws-cdk-lib',
  GitSyncGate: LIBRARY,
  ServiceInstanceSyncGate: LIBRARY,
};
const NAMESPACE_IMPORTS: Record<string, string> = { ssm: 'aws-cdk-lib/aws-ssm' };
/** Values the prose around a block introduces: an earlier block's gate, a sha the pipeline knows. */
const FIXTURE_DECLARATIONS = [
  `import type { ServiceInstanceSyncGate as FixtureGate } from '${LIBRARY}';`,
  'declare const gate: FixtureGate;',
  'declare const expectedSha: string;',
];

interface Example {
  readonly page: string;
  readonly line: number;
  readonly file: string;
  readonly source: string;
  /** The line of `source` (0-based) where the block's first line is. */
  readonly bodyStart: number;
}

/** The fixture for one block: its imports first, then the fixture's, then the block as a constructor body. */
function wrap(page: string, index: number, line: number, code: string): Example {
  const parsed = ts.createSourceFile('block.ts', code, ts.ScriptTarget.ES2022, true);
  const imported = new Set<string>();
  const hoisted: string[] = [];
  let body = code;
  for (const statement of parsed.statements) {
    if (!ts.isImportDeclaration(statement)) continue;
    const clause = statement.importClause;
    if (clause?.name) imported.add(clause.name.text);
    if (clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings)) imported.add(clause.namedBindings.name.text);
    if (clause?.namedBindings && ts.isNamedImports(clause.namedBindings)) clause.namedBindings.elements.forEach((e) => imported.add(e.name.text));
    const text = statement.getText(parsed);
    hoisted.push(text);
    // Blanked in place, so the block's lines keep their numbers.
    body = body.slice(0, statement.getStart(parsed)) + text.replace(/[^\n]/g, ' ') + body.slice(statement.getEnd());
  }
  const missing = Object.entries(FIXTURE_IMPORTS).filter(([name]) => !imported.has(name));
  const fixtureImports = [
    ...[...new Set(missing.map(([, from]) => from))].map((from) => `import { ${missing.filter(([, f]) => f === from).map(([n]) => n).join(', ')} } from '${from}';`),
    ...Object.entries(NAMESPACE_IMPORTS).filter(([name]) => !imported.has(name)).map(([name, from]) => `import * as ${name} from '${from}';`),
  ];
  const head = [
    ...hoisted,
    ...fixtureImports,
    "import { Stack as FixtureStack } from 'aws-cdk-lib';",
    "import { Construct as FixtureConstruct } from 'constructs';",
    ...FIXTURE_DECLARATIONS,
    'export class Example extends FixtureStack {',
    '  constructor(scope: FixtureConstruct, id: string) {',
    '    super(scope, id);',
  ].join('\n');
  const source = `${head}\n${body}\n  }\n}\n`.replaceAll(`'${LIBRARY}'`, "'../../lib/index'");
  const file = path.join(VIRTUAL_DIR, `${page.replace(/[/.]/g, '_')}_${index}.ts`);
  return { page, line, file, source, bodyStart: head.split('\n').length };
}

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
