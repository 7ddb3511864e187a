/**
 * The unit tests that StrykerJS runs against each mutant (`npm run test:mutation`): the handler's logic and the
 * construct, without the offline lifecycle world, the package test and the bench (minutes each, and they test
 * the built bundle rather than the mutated sources).
 * @type {import('jest').Config}
 */
const path = require('path');
const base = require('../jest.config.js');

module.exports = {
  ...base,
  rootDir: path.join(__dirname, '..'),
  roots: ['<rootDir>/test/lambda', '<rootDir>/test/lib'],
  setupFiles: [...base.setupFiles, '<rootDir>/mutation/jest-setup.js'],
};
