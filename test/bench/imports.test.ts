/**
 * The bench's modules import one another without a cycle (type-only imports counted too): the report's sections
 * write their own target rows and bench/report/targets.ts orders them, so the row's shape lives in a module of its
 * own (bench/report/target-row.ts) that both import.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const BENCH = path.join(__dirname, '..', '..', 'bench');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Each file's relative imports (and re-exports) that resolve to a .ts file, as absolute paths. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  return new Map(
    files.map((f) => {
      const specs = ts.preProcessFile(fs.readFileSync(f, 'utf8'), true, true).importedFiles.map((i) => i.fileName);
      const deps = specs
        .filter((s) => s.startsWith('.'))
        .map((s) => [`${path.resolve(path.dirname(f), s)}.ts`, path.join(path.resolve(path.dirname(f), s), 'index.ts')].find((c) => fs.existsSync(c)))
        .filter((d): d is string => d !== undefined);
      return [f, deps];
    }),
  );
}

/** Every cycle met by a depth-first walk, each as its files relative to `base`. */
function cycles(graph: ReadonlyMap<string, readonly string[]>, base: string): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (stack.includes(d)) found.push(stack.slice(stack.indexOf(d)).map((x) => path.relative(base, x)));
      else if (!done.has(d) && graph.has(d)) visit(d);
    }
    stack.pop();
    done.add(f);
  };
  for (const f of graph.keys()) if (!done.has(f)) visit(f);
  return found;
}

describe('bench imports', () => {
  it('finds a cycle when there is one (the check can fail)', () => {
    const g = new Map([
      ['/b/a.ts', ['/b/b.ts']],
      ['/b/b.ts', ['/b/c.ts']],
      ['/b/c.ts', ['/b/a.ts']],
      ['/b/d.ts', ['/b/a.ts']],
    ]);
    expect(cycles(g, '/b')).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('reads type-only imports and re-exports as edges', () => {
    const graph = importGraph(tsFiles(BENCH));
    const rel = (f: string): string[] => (graph.get(path.join(BENCH, f)) ?? []).map((d) => path.relative(BENCH, d));
    expect(rel('report/handler.ts')).toContain('report/target-row.ts');
    expect(rel('report/index.ts')).toContain('report/target-row.ts');
  });

  it('has no import cycle among bench/ and bench/report/', () => {
    expect(cycles(importGraph(tsFiles(BENCH)), BENCH)).toEqual([]);
  });
});
