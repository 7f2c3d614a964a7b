import { Confirm, confirmId, isDuplicateKeyError, Message, Subscription } from '../domain/models';
import { historyPush } from '../domain/models/history';
import { PRODUCER_GROUP, type Consumer, type OutgoingMessage } from '../domain/messaging';

/** The producer side of the reliable-message flow: the `messages` and `confirms` collections. */
export function createMessageActivities() {
  return {
    /** Pre-send record (WAIT_SEND), written before the local transaction. */
    async recordPendingMessage(message: OutgoingMessage): Promise<void> {
      try {
        await Message.create({
          _id: message.messageKey,
          ...message,
          producerGroup: PRODUCER_GROUP,
          status: 'WAIT_SEND',
          history: [{ status: 'WAIT_SEND', at: new Date() }],
        });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err; // recorded by an earlier attempt
      }
    },

    /** The local transaction failed for good: the message never goes out. */
    async cancelMessage({ messageKey, reason }: { messageKey: string; reason: string }): Promise<void> {
      await Message.updateOne(
        { _id: messageKey, status: 'WAIT_SEND' },
        { $set: { status: 'CANCELLED' }, $push: historyPush('CANCELLED', reason) },
      );
    },

    /** SENDING, with one UNCONFIRMED confirm per consumer group subscribed to the topic; returns those consumers. */
    async confirmMessage({ messageKey }: { messageKey: string }): Promise<Consumer[]> {
      const message = await Message.findOne({ _id: messageKey }, { topic: 1, status: 1 }).lean();
      if (!message) throw new Error(`message ${messageKey} is not recorded`);
      const subscriptions = await Subscription.find({ topic: message.topic }).sort({ consumerGroup: 1 }).lean();
      if (subscriptions.length) {
        try {
          await Confirm.insertMany(
            subscriptions.map((s) => ({
              _id: confirmId(messageKey, s.consumerGroup),
              messageKey,
              consumerGroup: s.consumerGroup,
              status: 'UNCONFIRMED',
              history: [{ status: 'UNCONFIRMED', at: new Date() }],
            })),
            { ordered: false },
          );
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err; // created by an earlier attempt
        }
      }
      await Message.updateOne({ _id: messageKey, status: 'WAIT_SEND' }, { $set: { status: 'SENDING' }, $push: historyPush('SENDING') });
      return subscriptions.map((s) => ({ consumerGroup: s.consumerGroup, taskQueue: s.taskQueue }));
    },

    /** A consumer exhausted its attempts: its confirm and the message become DEAD until an operator resends. */
    async markDead(input: { messageKey: string; consumerGroup: string; error: string }): Promise<void> {
      await Confirm.updateOne(
        { _id: confirmId(input.messageKey, input.consumerGroup), status: { $ne: 'CONSUMED' } },
        { $set: { status: 'DEAD', lastError: input.error }, $push: historyPush('DEAD', input.error) },
      );
      await Message.updateOne(
        { _id: input.messageKey, status: { $in: ['SENDING', 'DEAD'] } },
        { $set: { status: 'DEAD', lastError: `${input.consumerGroup}: ${input.error}` }, $push: historyPush('DEAD', input.consumerGroup) },
      );
    },

    /** An operator resent the message: back to SENDING, the dead confirm delivered afresh. */
    async markResent(input: { messageKey: string; consumerGroup: string }): Promise<void> {
      await Confirm.updateOne(
        { _id: confirmId(input.messageKey, input.consumerGroup), status: 'DEAD' },
        { $set: { status: 'UNCONFIRMED' }, $push: historyPush('UNCONFIRMED', 'resent') },
      );
      await Message.updateOne(
        { _id: input.messageKey, status: 'DEAD' },
        { $set: { status: 'SENDING' }, $inc: { resendCount: 1 }, $push: historyPush('SENDING', 'resent') },
      );
    },

    /** FINISHED once the confirm of every consumer group is CONSUMED. */
    async finishMessage({ messageKey, consumerGroups }: { messageKey: string; consumerGroups: string[] }): Promise<void> {
      const confirms = await Promise.all(consumerGroups.map((g) => Confirm.findOne({ _id: confirmId(messageKey, g) }, { status: 1 }).lean()));
      const pending = consumerGroups.filter((_, i) => confirms[i]?.status !== 'CONSUMED');
      if (pending.length > 0) throw new Error(`${pending.join(', ')} ha${pending.length > 1 ? 've' : 's'} not consumed ${messageKey} yet`);
      await Message.updateOne({ _id: messageKey, status: 'SENDING' }, { $set: { status: 'FINISHED' }, $push: historyPush('FINISHED') });
    },
  };
}
