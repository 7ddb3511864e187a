// @ts-check
/**
 * Mutation testing of the handler's sources (lambda/) with the unit tests: the first half of
 * `npm run test:mutation`; mutation/stryker.construct.mjs is the second. Results: docs/mutation.md.
 *
 * Incremental: the report under reports/ (shared by both halves) keeps every mutant's result, and a run tests again
 * only mutants in changed code or covered by changed tests. Not part of CI: a run from scratch takes about 20 minutes
 * for lambda/ and far longer for lib/ on 2 cores.
 */
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'mutation/jest.config.js', enableFindRelatedTests: true },
  // Mutants that do not compile are counted apart, not as killed. The checker compiles only the mutated tree:
  // checking each mutant against the whole project (tests, the offline world) took 4 times as long.
  checkers: ['typescript'],
  tsconfigFile: 'mutation/tsconfig.handler.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: ['lambda/**/*.ts', '!lambda/index.ts', '!**/*.d.ts'],
  coverageAnalysis: 'perTest',
  // Static mutants (run only while a module loads) would each need every test file reloaded, so they are left out.
  // A "hybrid" mutant, covered both while loading and inside some test, is then run only against those tests, not
  // against the files that build their stacks at load time or in beforeAll. STRYKER_ALL_TESTS=1 runs static and
  // hybrid mutants against every related test: slow, for checking survivors with --mutate (docs/mutation.md).
  ignoreStatic: process.env.STRYKER_ALL_TESTS !== '1',
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 2,
  timeoutMS: 30000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/handler.json' },
  htmlReporter: { fileName: 'reports/mutation/handler.html' },
  tempDirName: '.tmp/stryker',
};

export default config;
