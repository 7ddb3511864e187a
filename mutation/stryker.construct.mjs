// @ts-check
/**
 * Mutation testing of the construct (lib/) with the unit tests: the second half of `npm run test:mutation`, with the
 * settings of mutation/stryker.handler.mjs. Its checker compiles lib/ with aws-cdk-lib's types.
 */
import handler from './stryker.handler.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  ...handler,
  tsconfigFile: 'mutation/tsconfig.construct.json',
  mutate: ['lib/**/*.ts', '!lib/index.ts', '!**/*.d.ts'],
  jsonReporter: { fileName: 'reports/mutation/construct.json' },
  htmlReporter: { fileName: 'reports/mutation/construct.html' },
};

export default config;
