import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Config } from '../config';
import { purgeFinishedMessages } from '../workflows/retention';

/** One schedule per deployment (named after its task queue), so deployments sharing a namespace do not collide. */
export const retentionScheduleId = (taskQueue: string) => `retention-${taskQueue}`;

/** Creates the daily retention schedule, or brings an existing one up to the current settings. */
export async function ensureRetentionSchedule(client: Client, config: Config): Promise<void> {
  const scheduleId = retentionScheduleId(config.temporal.taskQueue);
  const action = {
    type: 'startWorkflow' as const,
    workflowType: purgeFinishedMessages,
    workflowId: `${scheduleId}-run`,
    taskQueue: config.temporal.taskQueue,
    args: [{ olderThanDays: config.retention.days, batchSize: config.retention.batchSize }] as [
      { olderThanDays: number; batchSize: number },
    ],
  };
  const spec = { calendars: [{ hour: 3, minute: 17, comment: 'daily, off the hour' }] };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action, policies }));
  }
}
