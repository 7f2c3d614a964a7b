import { TestWorkflowEnvironment } from '@temporalio/testing';

/**
 * Temporal's time-skipping test server, started from the binary the stack installed: the SDK's own
 * download of it does not work on machines that reach only package registries.
 */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (!path) throw new Error('TEMPORAL_TEST_SERVER_PATH is not set: run the tests through `npm test`.');
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
}
