import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '../setup/time-skipping';
import { sleepOneDay } from '../fixtures/timer-workflows';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

test('a workflow with a one-day timer completes at once, with the server clock a day later', async () => {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'time-skipping',
    workflowsPath: require.resolve('../fixtures/timer-workflows'),
  });
  const before = await env.currentTimeMs();
  const result = await worker.runUntil(
    env.client.workflow.execute(sleepOneDay, { taskQueue: 'time-skipping', workflowId: 'sleep-one-day' }),
  );
  const after = await env.currentTimeMs();
  expect(result).toBe('woke up');
  expect(after - before).toBeGreaterThanOrEqual(24 * 60 * 60 * 1000);
});
