/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  // Builds the handler bundle when it is missing or stale, so tests always run the artifact that would deploy.
  globalSetup: '<rootDir>/test/global-setup.js',
  // Silences the AWS SDK's Node.js 20 deprecation notice (its documented opt-out), so a passing run prints only jest's summary.
  setupFiles: ['<rootDir>/test/setup-env.js'],
  testTimeout: 60_000,
};
