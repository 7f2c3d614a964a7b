import { sleep, uuid4, workflowInfo } from '@temporalio/workflow';
import { ACCOUNT_EXISTS_NOTICE, SEND_EMAIL_TOPIC, type OutgoingMessage } from '../domain/messaging';
import { FlowAttributes } from './flow-attributes';
import { bookkeeping } from './activity-proxies';
import { ReliableMessages } from './reliable-message';

export interface AccountNoticeInput {
  /** The address the notice goes to. */
  email: string;
  /**
   * The account that holds the address, when the starter knows it. A registration that finds its address
   * taken does not: the holder is then looked up here, after the registration has been answered.
   */
  userId?: string;
  loginName?: string;
  /** The holder's locale, when the starter knows the holder; absent: the holder's own, looked up, or DEFAULT_LOCALE. */
  locale?: string;
  /** No second notice to this address until this much time has passed since the first. */
  windowSeconds: number;
  deliveryMaxAttempts: number;
  deliveryPickupTimeoutSeconds?: number;
}

/**
 * The owner of an address someone tried to register again gets one notice, through the reliable-message
 * flow (WAIT_SEND → SENDING → FINISHED with its confirms). The workflow id is derived from the address,
 * and the workflow outlives its mail by the rate-limit window: every attempt within the window finds it
 * running (the API starts it with USE_EXISTING, a registration as a child that is told it already runs)
 * and sends nothing more. An address nobody holds any more gets no notice and no window.
 */
export async function accountNotice(input: AccountNoticeInput): Promise<void> {
  const { workflowId } = workflowInfo();
  const { email } = input;
  const holder =
    input.userId !== undefined && input.loginName !== undefined
      ? { userId: input.userId, loginName: input.loginName, locale: input.locale }
      : await bookkeeping.findAccountHolder({ email });
  if (!holder) return;
  const { userId, loginName, locale } = holder;
  const attributes = new FlowAttributes(userId);
  const messages = new ReliableMessages(
    { maxAttempts: input.deliveryMaxAttempts, pickupTimeoutSeconds: input.deliveryPickupTimeoutSeconds },
    (key, status) => attributes.update({ messages: { [key]: status } }),
  );
  const message: OutgoingMessage = {
    messageKey: uuid4(),
    topic: SEND_EMAIL_TOPIC,
    tag: ACCOUNT_EXISTS_NOTICE,
    userId,
    workflowId,
    body: { userId, loginName, email, ...(locale ? { locale } : {}) },
  };
  const window = sleep(input.windowSeconds * 1000);
  // No local transaction to wait for: the pre-send record is confirmed at once.
  await bookkeeping.recordPendingMessage(message);
  attributes.update({ messages: { [message.messageKey]: 'SENDING' } });
  await Promise.all([messages.deliver(message), window]);
}
