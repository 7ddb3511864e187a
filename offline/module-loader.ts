/**
 * The module system of an emulated Lambda execution environment: a CommonJS loader whose code sees the
 * environment's own `Date`, `console` and `process` (see lambda-emulator.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';

/** The real process (jest gives tests a copy whose env does not reach natively loaded modules). */
export const realProcess: NodeJS.Process = vm.runInThisContext('process');

/** Node's own module system (not jest's): loads and compiles modules natively even inside jest. */
interface NativeModule {
  exports: unknown;
  filename: string;
  paths: string[];
  require: (id: string) => unknown;
  [SANDBOX]?: Sandbox;
}
interface NativeModuleConstructor {
  new (id: string, parent: null): NativeModule;
  createRequire(file: string): NodeRequire;
  _nodeModulePaths(dir: string): string[];
}
const NativeModule: NativeModuleConstructor = ((realProcess as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.('module') ??
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('module')) as NativeModuleConstructor;
const SANDBOX = '__offlineWorldSandbox';

const PROJECT_ROOT = path.join(__dirname, '..');

/** The globals that sandboxed code sees instead of the main realm's. */
export interface Sandbox {
  readonly Date: DateConstructor;
  readonly console: Pick<Console, 'log' | 'info' | 'warn' | 'error' | 'debug' | 'trace'>;
  readonly process: NodeJS.Process;
  /** Built-in modules the environment replaces (`timers/promises` on the virtual clock, see invocation-timers.ts). */
  readonly builtins?: Readonly<Record<string, unknown>>;
}

/**
 * A CommonJS loader for one execution environment: relative requires load the asset's own files (fresh
 * instances, shared within the environment); bare ones load natively from the project, standing in for what
 * the Lambda runtime provides (the AWS SDK v3 and Node's built-ins). Code is compiled in the main realm (once per
 * process and file, see compiled()), inside a function whose three parameters (Date, console, process) shadow the globals.
 */
export class ModuleLoader {
  private readonly cache = new Map<string, NativeModule>();
  private readonly runtimeRequire = NativeModule.createRequire(path.join(PROJECT_ROOT, 'package.json'));

  constructor(
    private readonly root: string,
    private readonly sandbox: Sandbox,
  ) {}

  public load(request: string, from = this.root): Record<string, unknown> {
    const file = resolveFile(path.resolve(from, request));
    const cached = this.cache.get(file);
    if (cached) return cached.exports as Record<string, unknown>;
    const dir = path.dirname(file);
    // A native module object, so that the code compiles the way Node compiles any CommonJS file (dynamic
    // import() of built-ins included); only its require and three globals are the environment's own.
    const module = new NativeModule(file, null);
    module.filename = file;
    module.paths = NativeModule._nodeModulePaths(dir);
    module.require = (spec: string): unknown =>
      spec.startsWith('./') || spec.startsWith('../') || path.isAbsolute(spec)
        ? this.load(spec, dir)
        : (this.sandbox.builtins?.[spec.replace(/^node:/, '')] ?? this.runtimeRequire(spec));
    module[SANDBOX] = this.sandbox;
    this.cache.set(file, module);
    try {
      compiled(file).call(module.exports, module.exports, (spec: string) => module.require(spec), module, file, dir);
    } catch (e) {
      this.cache.delete(file);
      throw e;
    }
    return module.exports as Record<string, unknown>;
  }
}

/** A CommonJS module's wrapper, as Node's loader calls it. */
type ModuleWrapper = (exports: unknown, require: (id: string) => unknown, module: NativeModule, filename: string, dirname: string) => void;

/** Compiled wrappers by file and source: every environment runs the same code afresh, compiled once per process. */
const COMPILED = new Map<string, { source: string; wrapper: ModuleWrapper }>();

/**
 * The file's code as a CommonJS wrapper function whose three parameters (Date, console, process) shadow the globals.
 * Compiled once per process (a new execution environment evaluates it again, with module state of its own): Node's
 * `module._compile` compiles the file anew for every environment, which costs tens of milliseconds for the handler
 * bundle and made the `fresh` world (a new environment every invocation) the slowest. Dynamic `import()` (the SDK
 * imports node:http that way) goes to Node's own loader, as in `_compile`.
 */
function compiled(file: string): ModuleWrapper {
  const source = fs.readFileSync(file, 'utf8').replace(/^#!.*/, '');
  const hit = COMPILED.get(file);
  if (hit && hit.source === source) return hit.wrapper;
  // Kept on the first line, so that stack traces keep the asset's line numbers.
  const code =
    `(function (exports, require, module, __filename, __dirname) { return (function (Date, console, process) {${source}\n}).call(this, ` +
    `module.${SANDBOX}.Date, module.${SANDBOX}.console, module.${SANDBOX}.process);\n})`;
  primeLoaderWarning();
  const wrapper = new vm.Script(code, { filename: file, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }).runInThisContext() as ModuleWrapper;
  COMPILED.set(file, { source, wrapper });
  return wrapper;
}

function resolveFile(file: string): string {
  for (const candidate of [file, `${file}.js`, `${file}.cjs`, path.join(file, 'index.js')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  throw Object.assign(new Error(`Cannot find module '${file}'`), { name: 'Runtime.ImportModuleError' });
}

let primed = false;

/**
 * Node emits one ExperimentalWarning per process at the first dynamic import() through the main context's default
 * loader (vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER), which is what `module._compile` does for every CommonJS
 * file without a warning. A throw-away import with that warning filtered out uses it up, so that a passing test run
 * prints nothing but jest's summary; every other warning goes through.
 */
function primeLoaderWarning(): void {
  if (primed) return;
  primed = true;
  const emitWarning = realProcess.emitWarning;
  realProcess.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (!String(warning).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER')) (emitWarning as (...a: unknown[]) => void).call(realProcess, warning, ...rest);
  }) as typeof realProcess.emitWarning;
  try {
    // The loader's callback runs (and warns) synchronously when import() is evaluated.
    const imported = new vm.Script('import("node:path")', { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }).runInThisContext() as Promise<unknown>;
    imported.catch(() => undefined);
  } finally {
    realProcess.emitWarning = emitWarning;
  }
}
