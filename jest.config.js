/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  setupFiles: ['<rootDir>/test/setup/quiet-sdk.ts'],
  testTimeout: 120_000,
  // The Temporal SDK's native runtime keeps a jest worker alive after its last test; servers are
  // stopped by globalTeardown before this applies.
  forceExit: true,
  maxWorkers: 2,
};
