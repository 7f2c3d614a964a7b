import { AuditTransition, Confirm, Message } from '../domain/models';

/**
 * Deleting old audit records: only FINISHED messages, with their confirms and the claims of their state
 * changes; DEAD ones wait for an operator.
 */
export function createRetentionActivities() {
  return {
    /** Deletes up to `batchSize` FINISHED messages last changed before `cutoff`; returns how many. */
    async purgeFinishedBatch({ cutoff, batchSize }: { cutoff: string; batchSize: number }): Promise<number> {
      const batch = await Message.find({ status: 'FINISHED', updatedAt: { $lt: new Date(cutoff) } }, { messageKey: 1 })
        .sort({ updatedAt: 1 })
        .limit(batchSize)
        .lean();
      if (batch.length === 0) return 0;
      const messageKeys = batch.map((m) => m.messageKey);
      await Confirm.deleteMany({ messageKey: { $in: messageKeys } });
      await AuditTransition.deleteMany({ messageKey: { $in: messageKeys } });
      await Message.deleteMany({ messageKey: { $in: messageKeys }, status: 'FINISHED' });
      return batch.length;
    },
  };
}
