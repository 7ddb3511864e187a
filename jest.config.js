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
  testTimeout: 60_000,
};
