import { RETAINED_FINAL_STATUSES } from '../domain/messaging';
import { AuditTransition, Confirm, MailEventRecord, Message } from '../domain/models';

/**
 * Deleting old audit records: messages in a final state (FINISHED, CANCELLED, BOUNCED, COMPLAINED), with
 * their confirms, the claims of their state changes and the provider events matched to them; DEAD ones
 * wait for an operator. Suppressions stay: they are what a bounce or complaint leaves for good.
 */
export function createRetentionActivities() {
  return {
    /**
     * Deletes up to `batchSize` final messages last changed before `cutoff`, and provider events before
     * it that matched no message; returns how many messages. (The name predates the other final states:
     * running retention workflows call it by it.)
     */
    async purgeFinishedBatch({ cutoff, batchSize }: { cutoff: string; batchSize: number }): Promise<number> {
      const before = new Date(cutoff);
      await MailEventRecord.deleteMany({ target: { $exists: false }, createdAt: { $lt: before } });
      const batch = await Message.find(
        { status: { $in: RETAINED_FINAL_STATUSES }, updatedAt: { $lt: before } },
        { messageKey: 1 },
      )
        .sort({ updatedAt: 1 })
        .limit(batchSize)
        .lean();
      if (batch.length === 0) return 0;
      const messageKeys = batch.map((m) => m.messageKey);
      await Confirm.deleteMany({ messageKey: { $in: messageKeys } });
      await AuditTransition.deleteMany({ messageKey: { $in: messageKeys } });
      await MailEventRecord.deleteMany({ 'target.messageKey': { $in: messageKeys } });
      await Message.deleteMany({ messageKey: { $in: messageKeys }, status: { $in: RETAINED_FINAL_STATUSES } });
      return batch.length;
    },
  };
}
