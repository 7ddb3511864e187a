// ESLint flat config: typescript-eslint (type-aware for the promise rules) and import-x for import order and
// dependency hygiene. `npm run lint` runs it on lib, lambda, cli, action, bin, test, offline, bench, scripts and mutation.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Folders whose code may import devDependencies: tests, the offline world, benchmarks, the example app, build scripts, the
 * handler, the command-line tool and the GitHub Action (lambda/, cli/ and action/ are bundled by esbuild at build time, so
 * their imports never reach a user's node_modules). */
const DEV_DEPENDENCY_GLOBS = [
  'test/**',
  'bench/**',
  'offline/**',
  'bin/**',
  'scripts/**',
  'mutation/**',
  'lambda/**',
  'cli/**',
  'action/**',
  '*.config.{js,mjs,cjs,ts}',
];

/**
 * The layers of the code, checked by the linter rather than remembered (docs/design.md draws them):
 * lambda/core <- lambda/sources <- lambda/poll <- lambda/handler <- lambda/index.ts (the entry); cli/ runs the same
 * poll (lambda/poll) and never the handler; action/ (the GitHub Action) runs the CLI's check, never its entry; lib/ (the
 * construct) never imports handler, CLI or action code; and lambda/, cli/ and action/ take from lib/ only the modules
 * that import nothing (the contract, the limits, the sources), so that no aws-cdk-lib reaches the bundles.
 */
const LAYERS = [
  { target: './lib', from: ['./lambda', './cli', './action', './offline', './bench', './test', './bin'], message: 'lib/ is the construct: it never imports handler, CLI, action, test or tool code.' },
  {
    target: ['./lib/contract.ts', './lib/limits.ts', './lib/sources.ts'],
    from: './lib',
    except: ['./contract.ts', './limits.ts', './sources.ts'],
    message: 'The modules the handler shares with the construct import nothing of the construct (it would pull aws-cdk-lib into the bundle).',
  },
  {
    target: ['./lambda', './cli', './action'],
    from: './lib',
    except: ['./contract.ts', './limits.ts', './sources.ts'],
    message: 'The handler, the CLI and the action take from lib/ only contract.ts, limits.ts and sources.ts (no aws-cdk-lib in the bundles).',
  },
  { target: ['./lambda', './cli'], from: './action', message: 'The GitHub Action is a front end of the check: the handler and the CLI know nothing of it.' },
  {
    target: './action',
    from: ['./lambda/handler', './lambda/index.ts', './cli/index.ts', './cli/run.ts'],
    message: "The action runs the CLI's check (cli/check.ts, settings, output) from its own entry: not the Provider handler, nor the command's entry and argv front end.",
  },
  {
    target: ['./lambda/polite', './lambda/client-config.ts'],
    from: ['./lambda/core', './lambda/sources', './lambda/poll', './lambda/handler', './lambda/index.ts', './cli'],
    message: "The clients' retry strategy and pace sit under every client: they know no decision, source, poll or handler.",
  },
  { target: './lambda/core', from: ['./lambda/polite', './lambda/client-config.ts', './lambda/sources', './lambda/poll', './lambda/handler', './lambda/index.ts', './cli'], message: 'lambda/core knows no source, no poll and no handler: it is the pure decision.' },
  { target: './lambda/sources', from: ['./lambda/poll', './lambda/handler', './lambda/index.ts', './cli'], message: 'A source knows the core only.' },
  { target: './lambda/poll', from: ['./lambda/handler', './lambda/index.ts', './cli'], message: 'The poll knows the core and the sources, not the handler that runs it.' },
  { target: './lambda/handler', from: ['./lambda/index.ts', './cli'], message: 'The handler logic takes its clients as parameters; only lambda/index.ts wires real ones.' },
  { target: './cli', from: ['./lambda/handler', './lambda/index.ts'], message: 'The CLI runs the gate\'s poll (lambda/poll), not the Provider handler or its entry.' },
];

/** Node.js globals for plain JavaScript files (TypeScript files get them from @types/node). */
const NODE_GLOBALS = Object.fromEntries(
  [
    'process', 'console', 'Buffer', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'performance',
    'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate',
    'queueMicrotask', 'structuredClone', 'AbortController', 'fetch',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  globalIgnores([
    'node_modules/',
    'cdk.out/',
    'assets/',
    'dist/',
    // The action's committed bundle (npm run build:action).
    'action/dist/',
    'coverage/',
    '.tmp/',
    // Build output of jsii/tsc, compiled in place beside the sources.
    'lib/**/*.js',
    'lib/**/*.d.ts',
  ]),

  {
    files: ['**/*.{ts,js,mjs,cjs}'],
    extends: [js.configs.recommended, importX.flatConfigs.recommended],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'] })],
    },
    rules: {
      'import-x/order': [
        'error',
        {
          groups: ['builtin', 'external', 'internal', 'parent', 'sibling', 'index'],
          'newlines-between': 'never',
          alphabetize: { order: 'asc', caseInsensitive: true },
        },
      ],
      // Only what the package declares; devDependencies only where the code never ships as a runtime import.
      'import-x/no-extraneous-dependencies': [
        'error',
        { devDependencies: DEV_DEPENDENCY_GLOBS, peerDependencies: true, optionalDependencies: false },
      ],
      // TypeScript resolves modules (tsc runs in CI); import-x's resolver does not know ts-jest's or esbuild's rules.
      'import-x/no-unresolved': 'off',
      'import-x/named': 'off',
      'import-x/no-restricted-paths': ['error', { zones: LAYERS }],
    },
  },

  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended, importX.flatConfigs.typescript],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },

  {
    // Plain JavaScript: build scripts, jest config and setup (CommonJS, Node.js).
    files: ['**/*.{js,cjs}'],
    // Taking a global from its module (`const { performance } = require('perf_hooks')`) is fine.
    rules: { 'no-redeclare': ['error', { builtinGlobals: false }] },
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        ...NODE_GLOBALS,
        require: 'readonly',
        module: 'writable',
        exports: 'writable',
        __dirname: 'readonly',
        __filename: 'readonly',
      },
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: NODE_GLOBALS },
  },
);
