/** Tests in four layers (docs/testing.md): select one with `--selectProjects unit|workflow|integration|browser`. */
const common = {
  testEnvironment: 'node',
  // jose ships only ES modules, which jest's CommonJS runtime cannot require as they are.
  transform: { '^.+\\.ts$': ['@swc/jest'], '/node_modules/jose/.+\\.js$': ['@swc/jest'] },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
};
/** The layers that run Temporal workers keep the SDK's own chatter out of the output. */
const withWorkers = { ...common, setupFiles: ['<rootDir>/test/setup/quiet-sdk.ts'] };

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    // No server: pure functions, the payload codec, configuration, schemas, activities on a mock context.
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    // Temporal's time-skipping test server (one per test) and the workflow bundle built once.
    {
      ...withWorkers,
      displayName: 'workflow',
      testMatch: ['<rootDir>/test/workflow/**/*.test.ts'],
      globalSetup: '<rootDir>/test/setup/workflow-global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/workflow-global-teardown.ts',
    },
    // The real stack: Temporal dev server, FerretDB, Redis, maildev; the worker and the API as processes.
    {
      ...withWorkers,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/setup/integration-global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/integration-global-teardown.ts',
    },
    // The operator console in Debian's Chromium (playwright-core), on the integration layer's stack.
    {
      ...withWorkers,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
      globalSetup: '<rootDir>/test/setup/browser-global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/integration-global-teardown.ts',
    },
  ],
  testSequencer: '<rootDir>/test/setup/random-order-sequencer.js',
  testTimeout: 120_000,
  // The Temporal SDK's native runtime keeps a jest worker alive after its last test; servers are
  // stopped by the global teardowns before this applies.
  forceExit: true,
  maxWorkers: 2,
};
