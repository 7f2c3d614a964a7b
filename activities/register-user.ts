import type { Consumer, OutgoingMessage } from '../domain/messaging';
import type { NewRegistration } from './users';

/** The three steps a registration starts with, as the producer's activities do them one by one. */
export interface RegistrationSteps {
  recordPendingMessage(message: OutgoingMessage): Promise<void>;
  saveUser(registration: NewRegistration): Promise<{ tokenHash: string }>;
  confirmMessage(input: { messageKey: string; topic: string }): Promise<Consumer[]>;
}

/**
 * A registration's first steps in one local activity: the pre-send message (WAIT_SEND), the user and
 * its token, then the message confirmed (SENDING, one confirm per consumer). The order is the seed's,
 * and every step is safe to repeat, so a workflow whose attempt of this failed takes the same steps
 * one by one after it. One activity instead of three saves the workflow two activations and its
 * history two markers per registration.
 */
export function createRegisterUserActivity(steps: RegistrationSteps) {
  return {
    async registerUser({ message, user }: { message: OutgoingMessage; user: NewRegistration }) {
      await steps.recordPendingMessage(message);
      const { tokenHash } = await steps.saveUser(user);
      const consumers = await steps.confirmMessage({ messageKey: message.messageKey, topic: message.topic });
      return { tokenHash, consumers };
    },
  };
}
