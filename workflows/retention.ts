import { proxyActivities } from '@temporalio/workflow';
import type { ProducerActivities } from '../activities';

const { purgeFinishedBatch } = proxyActivities<ProducerActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

export interface RetentionInput {
  olderThanDays: number;
  batchSize: number;
}

/** Run by a Temporal Schedule (paascloud's daily purge): deletes FINISHED audit records in batches. */
export async function purgeFinishedMessages(input: RetentionInput): Promise<{ deleted: number }> {
  const cutoff = new Date(Date.now() - input.olderThanDays * 24 * 60 * 60 * 1000).toISOString();
  let deleted = 0;
  for (;;) {
    const count = await purgeFinishedBatch({ cutoff, batchSize: input.batchSize });
    deleted += count;
    if (count < input.batchSize) return { deleted };
  }
}
