import type { Consumer, OutgoingMessage } from '../domain/messaging';
import type { NewRegistration } from './users';

/** The steps a registration and an activation start with, as the producer's activities take them one by one. */
export interface FirstSteps {
  recordPendingMessage(message: OutgoingMessage): Promise<void>;
  saveUser(registration: NewRegistration): Promise<{ tokenCheck: string }>;
  enableUser(input: { userId: string }): Promise<void>;
  confirmMessage(input: { messageKey: string; topic: string }): Promise<Consumer[]>;
}

/**
 * The first steps of a registration and of an activation, each in one local activity: the pre-send
 * message (WAIT_SEND), the local transaction, then the message confirmed (SENDING, one confirm per
 * consumer). The order is the seed's, and every step is safe to repeat, so a workflow whose attempt of
 * one of these failed takes the same steps one by one after it. One activity instead of three saves the
 * workflow two activations and its history two markers.
 */
export function createFirstStepsActivities(steps: FirstSteps) {
  const confirm = (message: OutgoingMessage) =>
    steps.confirmMessage({ messageKey: message.messageKey, topic: message.topic });
  return {
    /** The activation mail's pre-send message, the DISABLED user and its token, the message confirmed. */
    async registerUser({ message, user }: { message: OutgoingMessage; user: NewRegistration }) {
      await steps.recordPendingMessage(message);
      const { tokenCheck } = await steps.saveUser(user);
      return { tokenCheck, consumers: await confirm(message) };
    },

    /** The success mail's pre-send message, the user ENABLED (its token revoked), the message confirmed. */
    async activateUser({ message }: { message: OutgoingMessage }): Promise<Consumer[]> {
      await steps.recordPendingMessage(message);
      await steps.enableUser({ userId: message.userId });
      return confirm(message);
    },
  };
}
