import { isDuplicateKeyError, UserEvent } from '../../domain/models';
import type { MessageHandler } from './delivery';

/** CID_EVENTS: records each message as an event on the user's timeline (the insert into a unique index is idempotent). */
export function createEventsHandler(): MessageHandler {
  return async (message) => {
    try {
      // Through the driver: three strings and a date need none of mongoose's document machinery.
      await UserEvent.collection.insertOne({
        messageKey: message.messageKey,
        userId: message.userId,
        type: message.tag,
        createdAt: new Date(),
      });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  };
}
