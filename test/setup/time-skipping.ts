import { TestWorkflowEnvironment } from '@temporalio/testing';
import { addSearchAttributes } from '../../workers/search-attributes';

/**
 * Temporal's time-skipping test server, started from the binary the stack installed: the SDK's own
 * download of it does not work on machines that reach only package registries.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (!path) throw new Error('TEMPORAL_TEST_SERVER_PATH is not set: run the tests through `npm test`.');
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
  // The flows keep their custom search attributes current; the test server rejects unregistered ones.
  await addSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}
