import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  proxyLocalActivities,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { ProducerActivities } from '../activities';
import { ACTIVE_USER, ACTIVE_USER_SUCCESS, SEND_EMAIL_TOPIC, type OutgoingMessage } from '../domain/messaging';
import { FlowAttributes } from './flow-attributes';
import { bookkeeping, ReliableMessages } from './reliable-message';

export interface RegistrationInput {
  email: string;
  loginName: string;
  passwordHash: string;
  mobileNo?: string;
  /** The first activation mail's token salt (see domain/tokens). */
  tokenSalt: string;
  activationTtlSeconds: number;
  deliveryMaxAttempts: number;
  /** How long a delivery may wait for a consumer's worker; absent in registrations started before it existed. */
  deliveryPickupTimeoutSeconds?: number;
}

export type RegistrationStage =
  'REGISTERING' | 'AWAITING_ACTIVATION' | 'ACTIVATING' | 'ENABLED' | 'EXPIRED' | 'REJECTED';

export interface Registered {
  userId: string;
  status: 'DISABLED';
  workflowId: string;
}

export interface Activated {
  userId: string;
  status: 'ENABLED';
}

export interface RegistrationResult {
  userId: string;
  stage: RegistrationStage;
}

/** Answers once the user is saved (or rejected): the API's register call, attached with update-with-start. */
export const registeredUpdate = defineUpdate<Registered, [{ loginName: string }]>('registered');
/** The click on the activation link: answers once the user is ENABLED. */
export const activateUpdate = defineUpdate<Activated, [{ tokenHash: string }]>('activate');
export const stageQuery = defineQuery<RegistrationStage>('stage');
/** A new activation mail with a new token from this salt (the old one stops working); ignored unless activation is pending. */
export const resendActivationSignal = defineSignal<[{ tokenSalt: string }]>('resendActivation');

/*
 * The producer's steps are short database and Redis writes: local activities, run by the worker that
 * runs the workflow, each recorded as one marker event (instead of three events and two round trips).
 */

/** Local transactions: a conflict fails for good at once, anything else is retried for a while, then fails for good. */
const local = proxyLocalActivities<ProducerActivities>({
  startToCloseTimeout: '10s',
  retry: {
    initialInterval: '500ms',
    backoffCoefficient: 2,
    maximumInterval: '10s',
    maximumAttempts: 10,
    nonRetryableErrorTypes: ['EMAIL_TAKEN', 'LOGIN_NAME_TAKEN'],
  },
});

/**
 * An update validator: the update is refused, before it is accepted and recorded, unless its argument
 * has this string field (so that an update sent by hand cannot fail the workflow task).
 */
function requireString(field: string) {
  return (request: unknown) => {
    if (typeof (request as Record<string, unknown> | undefined)?.[field] !== 'string')
      throw new Error(`${field} is required`);
  };
}

function failure(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}

/** The type an activity failed with (EMAIL_TAKEN, …), found along the failure's causes, or the generic one. */
function rejectionOf(err: unknown): ApplicationFailure {
  for (let e = err as { cause?: unknown } | undefined; e; e = e.cause as { cause?: unknown } | undefined) {
    if (e instanceof ApplicationFailure && e.type) return failure(e.type, e.message);
  }
  return failure('REGISTRATION_FAILED', 'The registration could not be saved. Try again later.');
}

/**
 * One registration, from the pre-send message to activation or expiry (paascloud's UAC register →
 * TPC → OPC flow, see docs/design.md). The workflow id is derived from the e-mail, so there is one
 * registration per address at a time.
 */
export async function registration(input: RegistrationInput): Promise<RegistrationResult> {
  const { workflowId } = workflowInfo();
  const userId = uuid4();
  const attributes = new FlowAttributes(userId);
  const messages = new ReliableMessages(
    { maxAttempts: input.deliveryMaxAttempts, pickupTimeoutSeconds: input.deliveryPickupTimeoutSeconds },
    (key, status) => attributes.update({ messages: { [key]: status } }),
  );
  const mailBody = { userId, loginName: input.loginName, email: input.email };
  const outgoing = (tag: string, extra: { tokenSalt?: string } = {}): OutgoingMessage => ({
    messageKey: uuid4(),
    topic: SEND_EMAIL_TOPIC,
    tag,
    userId,
    workflowId,
    body: { ...mailBody, ...extra },
  });

  let stage: RegistrationStage = 'REGISTERING';
  let rejection: ApplicationFailure | undefined;
  let tokenHash: string | undefined;
  let successMessage: OutgoingMessage | undefined;
  /** The token salts of the resends asked for and not yet made. */
  const resendsPending: string[] = [];
  let resending = false;

  const currentStage = () => stage;
  /** A stage change, with what it did to the flow's messages, reported in one search-attribute update. */
  const setStage = (next: RegistrationStage, messageStatuses?: Record<string, string>) => {
    stage = next;
    attributes.update({ stage: next, messages: messageStatuses });
  };
  setHandler(stageQuery, currentStage);

  setHandler(
    registeredUpdate,
    async ({ loginName }) => {
      // The same e-mail with another login name is somebody else's registration, not a repeat of this one.
      if (loginName !== input.loginName || stage === 'ACTIVATING' || stage === 'ENABLED') {
        throw failure('EMAIL_TAKEN', 'This e-mail address is already registered.');
      }
      await condition(() => stage !== 'REGISTERING');
      if (rejection) throw rejection;
      if (stage === 'EXPIRED')
        throw failure('REGISTRATION_CLOSING', 'The previous registration of this e-mail is just expiring. Try again.');
      return { userId, status: 'DISABLED', workflowId };
    },
    { validator: requireString('loginName') },
  );

  setHandler(resendActivationSignal, (request) => {
    // A signal sent by hand without a salt (from the CLI, say) must not fail the workflow task: it is ignored.
    const tokenSalt: unknown = request?.tokenSalt;
    if (stage === 'AWAITING_ACTIVATION' && typeof tokenSalt === 'string' && tokenSalt) resendsPending.push(tokenSalt);
  });

  setHandler(
    activateUpdate,
    async (request) => {
      // A click during a resend is judged against the token that resend issues.
      await condition(() => !resending);
      if (stage !== 'AWAITING_ACTIVATION' || request.tokenHash !== tokenHash) {
        throw failure('TOKEN_INVALID', 'This activation link is unknown, expired or already used.');
      }
      stage = 'ACTIVATING';
      const message = outgoing(ACTIVE_USER_SUCCESS);
      await bookkeeping.recordPendingMessage(message);
      try {
        await local.enableUser({ userId });
      } catch {
        await bookkeeping.cancelMessage({ messageKey: message.messageKey, reason: 'activation failed' });
        setStage('AWAITING_ACTIVATION', { [message.messageKey]: 'CANCELLED' });
        throw failure('ACTIVATION_FAILED', 'The account could not be activated. Try the link again later.');
      }
      successMessage = message;
      // The success message is confirmed next: it is reported as SENDING at once.
      setStage('ENABLED', { [message.messageKey]: 'SENDING' });
      return { userId, status: 'ENABLED' };
    },
    { validator: requireString('tokenHash') },
  );

  /**
   * Pre-send message (WAIT_SEND) with the token salt, then the local transaction: the user and its token
   * at registration, a new token on a resend. The message is cancelled if that fails. The caller reports
   * the outcome in the search attributes: the whole step takes milliseconds, so WAIT_SEND is not worth
   * a history event of its own.
   */
  async function prepareActivationMail(message: OutgoingMessage): Promise<void> {
    await bookkeeping.recordPendingMessage(message);
    const token = { userId, workflowId, tokenSalt: message.body.tokenSalt!, ttlSeconds: input.activationTtlSeconds };
    try {
      if (stage === 'REGISTERING') {
        const { passwordHash, mobileNo } = input;
        const user = { ...mailBody, workflowId, passwordHash, mobileNo };
        ({ tokenHash } = await local.saveUser({
          ...user,
          tokenSalt: token.tokenSalt,
          tokenTtlSeconds: token.ttlSeconds,
        }));
      } else {
        ({ tokenHash } = await local.issueActivationToken(token));
      }
    } catch (err) {
      await bookkeeping.cancelMessage({ messageKey: message.messageKey, reason: rejectionOf(err).type ?? 'failed' });
      throw err;
    }
  }

  // 1. Pre-send message, then the local transaction (save the user, issue the token).
  const activationMessage = outgoing(ACTIVE_USER, { tokenSalt: input.tokenSalt });
  try {
    await prepareActivationMail(activationMessage);
  } catch (err) {
    rejection = rejectionOf(err);
    setStage('REJECTED', { [activationMessage.messageKey]: 'CANCELLED' });
    await condition(allHandlersFinished);
    return { userId, stage };
  }
  let expiresAt = Date.now() + input.activationTtlSeconds * 1000;
  setStage('AWAITING_ACTIVATION', { [activationMessage.messageKey]: 'SENDING' });

  // 2. Confirm and deliver the activation mail, while the activation window (the token's life) runs.
  const deliveries = [messages.deliver(activationMessage)];
  for (;;) {
    const remaining = expiresAt - Date.now();
    const woke =
      remaining > 0 && (await condition(() => stage !== 'AWAITING_ACTIVATION' || resendsPending.length > 0, remaining));
    if (!woke) {
      setStage('EXPIRED');
      await bookkeeping.expireUser({ userId });
      await Promise.all(deliveries);
      await condition(allHandlersFinished);
      return { userId, stage };
    }
    const resendSalt = resendsPending.shift();
    if (resendSalt && currentStage() === 'AWAITING_ACTIVATION') {
      resending = true;
      const message = outgoing(ACTIVE_USER, { tokenSalt: resendSalt });
      try {
        await prepareActivationMail(message);
        attributes.update({ messages: { [message.messageKey]: 'SENDING' } });
        expiresAt = Date.now() + input.activationTtlSeconds * 1000;
        deliveries.push(messages.deliver(message));
      } catch {
        // The previous token stays valid; the new message is CANCELLED.
        attributes.update({ messages: { [message.messageKey]: 'CANCELLED' } });
      } finally {
        resending = false;
      }
      continue;
    }
    resendsPending.length = 0;
    await condition(() => stage !== 'ACTIVATING');
    // The activate handler moves the stage on; read it through a function so the compiler does not narrow it.
    if (currentStage() === 'ENABLED') break;
  }

  // 3. Activated: the success mail through the same reliable-message flow.
  await messages.deliver(successMessage!);
  await Promise.all(deliveries);
  await condition(allHandlersFinished);
  return { userId, stage };
}
