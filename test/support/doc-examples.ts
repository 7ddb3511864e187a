/**
 * The TypeScript examples of the README and the docs pages as code: each ```ts block wrapped in a fixture (a Stack
 * subclass whose constructor body is the block, its imports hoisted, 'cdk-git-sync-gate' resolved to lib/), so that
 * test/doc-examples.test.ts type-checks every one and a test can run one as written (loadExample).
 */
import * as path from 'path';
import type { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import * as ts from 'typescript';
import { codeBlocks } from './markdown';

const ROOT = path.join(__dirname, '..', '..');

export const VIRTUAL_DIR = path.join(ROOT, '.tmp', 'doc-examples');
const LIBRARY = 'cdk-git-sync-gate';
/** Where a wrapped example imports the library from: lib/, from VIRTUAL_DIR. */
const LIBRARY_IN_FIXTURE = '../../lib/index';

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
  `import type { GitSyncGate as FixtureGate } from '${LIBRARY}';`,
  'declare const gate: FixtureGate;',
  'declare const expectedSha: string;',
];

export interface Example {
  readonly page: string;
  readonly line: number;
  readonly file: string;
  readonly source: string;
  /** The line of `source` (0-based) where the block's first line is. */
  readonly bodyStart: number;
}

/** The fixture for one block: its imports first, then the fixture's, then the block as a constructor body. */
export function wrap(page: string, index: number, line: number, code: string): Example {
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
  const source = `${head}\n${body}\n  }\n}\n`.replaceAll(`'${LIBRARY}'`, `'${LIBRARY_IN_FIXTURE}'`);
  const file = path.join(VIRTUAL_DIR, `${page.replace(/[/.]/g, '_')}_${index}.ts`);
  return { page, line, file, source, bodyStart: head.split('\n').length };
}


/**
 * The ```ts block that follows the marker comment `<!-- example:<name> -->` in `markdown` (a page's prose cannot
 * move it away from its test), wrapped as wrap() does.
 */
export function markedExample(page: string, markdown: string, name: string): Example {
  const marker = `<!-- example:${name} -->`;
  const markerLine = markdown.split('\n').findIndex((l) => l.trim() === marker) + 1;
  if (markerLine === 0) throw new Error(`${page} has no "${marker}"`);
  const blocks = codeBlocks(markdown).filter((b) => ['ts', 'typescript'].includes(b.lang));
  const index = blocks.findIndex((b) => b.line === markerLine + 2);
  if (index < 0) throw new Error(`${page}: "${marker}" is not right above a \`\`\`ts block`);
  return wrap(page, index + 1, blocks[index].line, blocks[index].code);
}

/**
 * The example's stack class, compiled (transpiled only: doc-examples.test.ts type-checks it) and run with the modules
 * the caller gives it, by import path ('cdk-git-sync-gate' for the library, which wrap() points at lib/), so that it
 * shares the caller's aws-cdk-lib. An import the caller did not give fails with its name.
 */
export function loadExample(example: Example, modules: Record<string, unknown>): new (scope: Construct, id: string) => Stack {
  const js = ts.transpileModule(example.source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const load = (id: string): unknown => {
    const name = id === LIBRARY_IN_FIXTURE ? LIBRARY : id;
    if (!(name in modules)) throw new Error(`${example.page}:${example.line}: the example imports '${name}', which the test does not give it`);
    return modules[name];
  };
  const module = { exports: {} as { Example?: new (scope: Construct, id: string) => Stack } };
  new Function('require', 'module', 'exports', js)(load, module, module.exports);
  if (!module.exports.Example) throw new Error(`${example.page}:${example.line}: the wrapped example exports no Example class`);
  return module.exports.Example;
}
