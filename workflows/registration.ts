import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  patched,
  setHandler,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ACTIVE_USER,
  ACTIVE_USER_REMINDER,
  ACTIVE_USER_SUCCESS,
  SEND_EMAIL_TOPIC,
  type Consumer,
  type OutgoingMessage,
} from '../domain/messaging';
import { SUPPRESSED } from '../domain/delivery';
import { MAIL_CONSUMER } from '../domain/subscriptions';
import { tokenCheckOf } from '../domain/token-check';
import { accountNotice } from './account-notice';
import { bookkeeping, oneAttempt, REFUSALS, userSteps } from './activity-proxies';
import { FlowAttributes } from './flow-attributes';
import { mailRefusedSignal, type MailRefused } from './mail-outcome-signal';
import { ReliableMessages } from './reliable-message';

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
  /**
   * Set when the deployment does not tell who has an account: a registration that finds its address
   * taken then starts the notice flow to its holder itself, under this id, with this rate-limit window.
   * Absent in registrations started before this existed, or when the deployment reveals taken addresses.
   */
  accountNotice?: { workflowId: string; windowSeconds: number };
  /**
   * Set by the API: the first steps of the registration (pre-send message, user, confirm) and of the
   * activation (pre-send message, user enabled, confirm) are each first tried in one local activity
   * (registerUser, activateUser), and taken one by one only if that fails. Absent in registrations
   * started before this existed, which take them one by one as their histories recorded. A flag of the
   * input rather than patched(): a patch would add a marker and a search-attribute upsert to every
   * registration, about what the one activity saves.
   */
  firstStepsInOneActivity?: boolean;
  /**
   * The id of the register request that started this registration (random, from the API). Set: another
   * request for the same address is answered `pending`, for the API to tell a repeat of this registrant
   * from somebody else, whose registration then replaces this one (replaceRegistrantUpdate). Absent in
   * registrations started before this existed, which answer by login name alone, as their histories did.
   */
  requestId?: string;
  /**
   * The most a registration may hold its address, from its start: no resend or replacement moves the
   * activation window past it. Absent in registrations started before this existed.
   */
  ceilingSeconds?: number;
  /**
   * How long before the activation window closes the one reminder mail goes; 0 or absent: none.
   * Absent in registrations started before reminders existed.
   */
  reminderBeforeSeconds?: number;
  /**
   * The locale the API chose for this registration's mails (docs/templates.md): every mail of the flow,
   * resends included, goes in it. Absent in registrations started before it existed: DEFAULT_LOCALE.
   */
  locale?: string;
}

/** Who a registration is for: the login name and password an activation from the mail makes live. */
export interface Registrant {
  loginName: string;
  passwordHash: string;
  mobileNo?: string;
}

/**
 * Details of an EMAIL_TAKEN failure: whether the registration has seen to the holder's notice, and
 * whether the login name is taken too, when the refused save found out.
 */
export interface EmailTakenDetails {
  ownerNoticed: boolean;
  loginNameTaken?: boolean;
}

export type RegistrationStage =
  'REGISTERING' | 'AWAITING_ACTIVATION' | 'ACTIVATING' | 'ENABLED' | 'EXPIRED' | 'REJECTED' | 'BOUNCED';

export interface Registered {
  userId: string;
  status: 'DISABLED';
  workflowId: string;
  /**
   * The request did not start this registration, which is awaiting activation: the API decides whether it
   * is a repeat of the same registrant or somebody else's registration, which replaces this one.
   */
  pending?: boolean;
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
export const registeredUpdate = defineUpdate<Registered, [{ loginName: string; requestId?: string }]>('registered');
/**
 * A newer registration of the address replaces a pending one that nobody has proved: the new registrant's
 * login name and password, a new token and a new activation mail naming the login name it activates; the
 * earlier mail's link stops working. Answers once the mail is confirmed, or with LOGIN_NAME_TAKEN.
 */
export const replaceRegistrantUpdate = defineUpdate<Registered, [Registrant & { tokenSalt: string }]>(
  'replaceRegistrant',
);
/** The click on the activation link: answers once the user is ENABLED. */
export const activateUpdate = defineUpdate<Activated, [{ tokenHash: string }]>('activate');
export const stageQuery = defineQuery<RegistrationStage>('stage');

/** Where a pending registration's activation window stands, in epoch milliseconds (absent: not yet, or never). */
export interface ActivationWindow {
  /** When the SMTP server accepted the latest activation mail, which opened the window. */
  mailAcceptedAt?: number;
  /** When the window closes (until the mail is accepted: the registration's ceiling). */
  endsAt?: number;
  /** When the reminder was sent, or when it is due. */
  reminderSentAt?: number;
  reminderDueAt?: number;
}
export const activationWindowQuery = defineQuery<ActivationWindow>('activationWindow');
/** A new activation mail with a new token from this salt (the old one stops working); ignored unless activation is pending. */
export const resendActivationSignal = defineSignal<[{ tokenSalt: string }]>('resendActivation');

/** The patch under which the click reports ACTIVATING in the `Stage` search attribute. */
const ACTIVATING_REPORTED = 'activating-stage-reported';
/** The patch under which a taken address's holder is noticed by the registration, not by the API. */
const OWNER_NOTICED_BY_REGISTRATION = 'owner-noticed-by-registration';
/**
 * The patch under which the activation window counts from the moment the SMTP server accepted the
 * activation mail (and, until then, runs to the registration's ceiling), not from the token's issue.
 */
const WINDOW_FROM_MAIL_ACCEPTED = 'activation-window-from-mail-accepted';
/**
 * The patch under which a provider's hard bounce of (or complaint about) one of the registration's mails,
 * signalled while it waits for the click, ends it: stage BOUNCED, the address and login name released.
 */
const MAIL_REFUSED_ENDS_WAIT = 'mail-refused-ends-wait';
/**
 * The patch under which the mail consumer's refusal of one of the registration's mails because its
 * address is on the suppression list (its delivery DEAD as SUPPRESSED), while it waits for the click,
 * ends it as a bounce does: stage BOUNCED, the address and login name released.
 */
const SUPPRESSED_ENDS_WAIT = 'suppressed-ends-wait';
/** The patch under which one reminder mail goes a set time before the activation window closes. */
const ACTIVATION_REMINDER = 'activation-reminder';

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

const closing = () =>
  failure('REGISTRATION_CLOSING', 'The previous registration of this e-mail is just expiring. Try again.');

/**
 * The token check from what a save or a token issue answered: the check itself, or (activities before it,
 * as histories recorded them) the token's hash.
 */
function checkOf(issued: { tokenCheck?: string; tokenHash?: string }): string {
  return issued.tokenCheck ?? tokenCheckOf(issued.tokenHash!);
}

/** The failure with a stable type (EMAIL_TAKEN, …) an activity failed with, found along the failure's causes. */
function typedFailureIn(err: unknown): ApplicationFailure | undefined {
  for (let e = err as { cause?: unknown } | undefined; e; e = e.cause as { cause?: unknown } | undefined) {
    if (e instanceof ApplicationFailure && e.type) return e;
  }
  return undefined;
}

/** The type an activity failed with, or the generic one. */
function rejectionOf(err: unknown): ApplicationFailure {
  const cause = typedFailureIn(err);
  if (cause?.type) return failure(cause.type, cause.message);
  return failure('REGISTRATION_FAILED', 'The registration could not be saved. Try again later.');
}

/**
 * One registration, from the pre-send message to activation or expiry (paascloud's UAC register →
 * TPC → OPC flow, see docs/design.md). The workflow id is derived from the e-mail, so there is one
 * registration per address at a time.
 */
export async function registration(input: RegistrationInput): Promise<RegistrationResult> {
  return new Registration(input).run();
}

/**
 * A registration's state and the handlers that read and change it, in one place: `run` is the main
 * line (save, deliver, wait for the click or expiry), the handlers answer the API meanwhile.
 */
class Registration {
  private readonly workflowId = workflowInfo().workflowId;
  private readonly userId = uuid4();
  private readonly attributes = new FlowAttributes(this.userId);
  private readonly messages: ReliableMessages;

  private stage: RegistrationStage = 'REGISTERING';
  /** Why the registration was refused, once it is REJECTED. */
  private rejection: ApplicationFailure | undefined;
  /** The check of the activation token that works now (see domain/token-check). */
  private tokenCheck: string | undefined;
  /** The login name and password the account will have: the input's, unless a newer registration replaced them. */
  private registrant: Registrant;
  /** When the activation window closes; moved by a resend or a replacement, never past the ceiling. */
  private expiresAt = 0;
  private readonly startedAt = Date.now();
  /** The window opens when the SMTP server accepts the activation mail (see WINDOW_FROM_MAIL_ACCEPTED). */
  private windowFromMail = false;
  /** The activation message whose acceptance opens the window: the latest one sent. */
  private windowMessageKey: string | undefined;
  /** When the SMTP server accepted that message, opening the window; unset while it is on its way. */
  private windowOpenedAt: number | undefined;
  /** The salt of the token that works now: the reminder carries the same link and code. */
  private liveTokenSalt: string | undefined;
  /** How long before the window closes the reminder goes (0: none; see ACTIVATION_REMINDER). */
  private reminderBeforeMs = 0;
  private reminderSentAt: number | undefined;
  /** Every message this registration has made, for telling its own mails from an earlier registration's. */
  private readonly sentMessageKeys = new Set<string>();
  /** Every delivery started, awaited before the workflow returns. */
  private readonly deliveries: Promise<unknown>[] = [];
  /** Recorded by the click, delivered by the main line once the user is ENABLED. */
  private successMessage: OutgoingMessage | undefined;
  /** The success message's consumers, when the click has confirmed it already. */
  private successConsumers: Consumer[] | undefined;
  /** The token salts of the resends asked for and not yet made. */
  private readonly resendsPending: string[] = [];
  /** A resend is replacing the token: a click waits for it and is judged against the new one. */
  private resending = false;
  /** The starts of the holder's notice flow that this registration has asked for. */
  private readonly noticesStarting: Promise<void>[] = [];

  constructor(private readonly input: RegistrationInput) {
    const { loginName, passwordHash, mobileNo } = input;
    this.registrant = { loginName, passwordHash, mobileNo };
    this.messages = new ReliableMessages(
      { maxAttempts: input.deliveryMaxAttempts, pickupTimeoutSeconds: input.deliveryPickupTimeoutSeconds },
      (key, status) => this.attributes.update({ messages: { [key]: status } }),
      (key, consumerGroup) => this.onConsumed(key, consumerGroup),
      (_key, consumerGroup, failureType) => this.onDeliveryDead(consumerGroup, failureType),
    );
    setHandler(stageQuery, () => this.stage);
    setHandler(activationWindowQuery, () => this.activationWindow());
    setHandler(registeredUpdate, (request) => this.onRegistered(request), { validator: requireString('loginName') });
    setHandler(resendActivationSignal, (request) => this.onResendActivation(request));
    setHandler(mailRefusedSignal, (refused) => this.onMailRefused(refused));
    setHandler(activateUpdate, (request) => this.onActivate(request), { validator: requireString('tokenHash') });
    setHandler(replaceRegistrantUpdate, (request) => this.onReplaceRegistrant(request), {
      validator: (request) => {
        for (const field of ['loginName', 'passwordHash', 'tokenSalt']) requireString(field)(request);
        if (this.input.requestId === undefined) throw new Error('this registration cannot be replaced');
      },
    });
  }

  async run(): Promise<RegistrationResult> {
    // Registrations started before the ceiling existed count their window from the token's issue.
    this.windowFromMail = this.input.ceilingSeconds !== undefined && patched(WINDOW_FROM_MAIL_ACCEPTED);
    // Registrations started before reminders existed, or told to send none, wait as their histories did.
    const { reminderBeforeSeconds } = this.input;
    if (this.windowFromMail && reminderBeforeSeconds && patched(ACTIVATION_REMINDER))
      this.reminderBeforeMs = reminderBeforeSeconds * 1000;
    // 1. Pre-send message, then the local transaction (save the user, issue the token).
    const activationMessage = this.outgoing(ACTIVE_USER, { tokenSalt: this.input.tokenSalt });
    let confirmed: Consumer[] | undefined;
    try {
      confirmed = await this.prepareActivationMail(activationMessage);
    } catch (err) {
      this.rejection ??= this.rejectionFor(err);
      this.setStage('REJECTED', { [activationMessage.messageKey]: 'CANCELLED' });
      return this.finish();
    }
    this.windowAwaitsMail(activationMessage);
    this.setStage('AWAITING_ACTIVATION', { [activationMessage.messageKey]: 'SENDING' });

    // 2. Confirm and deliver the activation mail, while the activation window (the token's life) runs.
    this.deliveries.push(this.messages.deliver(activationMessage, confirmed));
    for (;;) {
      // A replacement or the mail's acceptance may move the window while the main line waits: it then waits again.
      const waitingUntil = this.expiresAt;
      const reminderAt = this.reminderDueAt();
      const remaining = Math.min(waitingUntil, reminderAt ?? Infinity) - Date.now();
      const woke =
        remaining > 0 &&
        (await condition(
          () =>
            this.stage !== 'AWAITING_ACTIVATION' || this.resendsPending.length > 0 || this.expiresAt !== waitingUntil,
          remaining,
        ));
      if (!woke && reminderAt !== undefined && Date.now() < waitingUntil) {
        await this.sendReminder();
        continue;
      }
      if (!woke) {
        this.setStage('EXPIRED');
        await bookkeeping.expireUser({ userId: this.userId });
        await Promise.all(this.deliveries);
        return this.finish();
      }
      if (this.stage === 'BOUNCED') {
        // Mails still on their way go to a suppressed address, which refuses them: none is waited for.
        await bookkeeping.bounceUser({ userId: this.userId });
        return this.finish();
      }
      if (this.expiresAt !== waitingUntil) continue;
      const resendSalt = this.resendsPending.shift();
      if (resendSalt && this.stage === 'AWAITING_ACTIVATION') {
        const message = await this.resendActivationMail(resendSalt);
        if (message) {
          this.windowAwaitsMail(message);
          this.deliveries.push(this.messages.deliver(message));
        }
        continue;
      }
      this.resendsPending.length = 0;
      await condition(() => this.stage !== 'ACTIVATING');
      if (this.stage === 'ENABLED') break;
    }

    // 3. Activated: the success mail through the same reliable-message flow.
    await this.messages.deliver(this.successMessage!, this.successConsumers);
    await Promise.all(this.deliveries);
    return this.finish();
  }

  /** The activation window, from now, but never past the registration's ceiling. */
  private openWindow(): void {
    this.windowOpenedAt = Date.now();
    const window = this.windowOpenedAt + this.input.activationTtlSeconds * 1000;
    this.expiresAt = Math.min(window, this.ceiling());
  }

  /**
   * When the reminder is due: the set time before the window closes, once the window is open. None once
   * sent, and none that would follow the latest activation mail's acceptance by less than that same time
   * (a resend or replacement shortly before, or a window the ceiling cuts short): that mail is reminder enough.
   */
  private reminderDueAt(): number | undefined {
    if (!this.reminderBeforeMs || this.reminderSentAt !== undefined || this.windowOpenedAt === undefined) return;
    const at = this.expiresAt - this.reminderBeforeMs;
    return at - this.windowOpenedAt >= this.reminderBeforeMs ? at : undefined;
  }

  /** The one reminder: its own message and confirms, with the live token's link and code, through the same flow. */
  private async sendReminder(): Promise<void> {
    this.reminderSentAt = Date.now();
    const message = this.outgoing(ACTIVE_USER_REMINDER, {
      tokenSalt: this.liveTokenSalt,
      windowEndsAt: new Date(this.expiresAt).toISOString(),
    });
    await bookkeeping.recordPendingMessage(message);
    if (this.stage !== 'AWAITING_ACTIVATION') {
      // The click came while the message was being recorded: nobody needs reminding.
      await bookkeeping.cancelMessage({ messageKey: message.messageKey, reason: 'activated' });
      this.attributes.update({ messages: { [message.messageKey]: 'CANCELLED' } });
      return;
    }
    this.attributes.update({ messages: { [message.messageKey]: 'SENDING' } });
    this.deliveries.push(this.messages.deliver(message));
  }

  private activationWindow(): ActivationWindow {
    const pending = this.stage === 'AWAITING_ACTIVATION' || this.stage === 'ACTIVATING';
    return {
      mailAcceptedAt: this.windowOpenedAt,
      endsAt: pending ? this.expiresAt || undefined : undefined,
      reminderSentAt: this.reminderSentAt,
      reminderDueAt: pending ? this.reminderDueAt() : undefined,
    };
  }

  /** When the registration ends whatever happens: its start plus its ceiling (none before ceilings existed). */
  private ceiling(): number {
    const { ceilingSeconds } = this.input;
    return ceilingSeconds === undefined ? Infinity : this.startedAt + ceilingSeconds * 1000;
  }

  /**
   * A new activation mail is on its way, with a new token. Counting from the mail's acceptance, the
   * window it brings opens when the SMTP server accepts it, and until then the registration waits up to
   * its ceiling; otherwise the window opens now.
   */
  private windowAwaitsMail(message: OutgoingMessage): void {
    this.liveTokenSalt = message.body.tokenSalt;
    if (!this.windowFromMail) return this.openWindow();
    this.windowOpenedAt = undefined;
    this.windowMessageKey = message.messageKey;
    this.expiresAt = this.ceiling();
  }

  /** A consumer has consumed a message: the mail consumer's acceptance of the latest activation mail opens the window. */
  private onConsumed(messageKey: string, consumerGroup: string): void {
    if (!this.windowFromMail || consumerGroup !== MAIL_CONSUMER || messageKey !== this.windowMessageKey) return;
    if (this.stage !== 'AWAITING_ACTIVATION') return;
    this.openWindow();
  }

  /** How long a token issued now lives in Redis: the window, or (counted from the mail) up to the ceiling. */
  private tokenTtlSeconds(): number {
    if (!this.windowFromMail) return this.input.activationTtlSeconds;
    return Math.max(1, Math.ceil((this.ceiling() - Date.now()) / 1000));
  }

  /** The API's register call: answers once the user is saved, or with why it was not. */
  private async onRegistered({ loginName, requestId }: { loginName: string; requestId?: string }): Promise<Registered> {
    const startedBy = this.input.requestId;
    // Whether this request is somebody else's: by its request id, or (registrations started before
    // request ids) by the login name alone.
    const another = startedBy === undefined ? loginName !== this.input.loginName : requestId !== startedBy;
    if ((another && startedBy === undefined) || this.stage === 'ACTIVATING' || this.stage === 'ENABLED') {
      throw this.emailTaken();
    }
    await condition(() => this.stage !== 'REGISTERING' || this.rejection !== undefined);
    if (this.rejection) {
      if (!another) throw this.rejection;
      // The registration this request found was refused, for its own registrant's reasons.
      throw this.rejection.type === 'EMAIL_TAKEN' ? this.emailTaken() : closing();
    }
    if (this.stage === 'EXPIRED' || this.stage === 'BOUNCED') throw closing();
    if (another && this.stage !== 'AWAITING_ACTIVATION') throw this.emailTaken();
    return { userId: this.userId, status: 'DISABLED', workflowId: this.workflowId, ...(another && { pending: true }) };
  }

  /** Somebody else's registration of this address: it takes this one's place, while nobody has activated it. */
  private async onReplaceRegistrant({
    tokenSalt,
    ...registrant
  }: Registrant & { tokenSalt: string }): Promise<Registered> {
    await condition(() => !this.resending);
    if (this.stage === 'ACTIVATING' || this.stage === 'ENABLED') throw this.emailTaken();
    if (this.stage !== 'AWAITING_ACTIVATION') throw closing();
    this.resending = true;
    const previous = this.registrant;
    this.registrant = {
      loginName: registrant.loginName,
      passwordHash: registrant.passwordHash,
      mobileNo: registrant.mobileNo,
    };
    const message = this.outgoing(ACTIVE_USER, { tokenSalt });
    try {
      await bookkeeping.recordPendingMessage(message);
      await this.refusalCancels(message, async () => {
        this.tokenCheck = checkOf(await userSteps.replaceRegistrant(this.newRegistration(message)));
      });
    } catch (err) {
      this.registrant = previous;
      this.attributes.update({ messages: { [message.messageKey]: 'CANCELLED' } });
      throw rejectionOf(err);
    } finally {
      this.resending = false;
    }
    this.attributes.update({ messages: { [message.messageKey]: 'SENDING' } });
    this.windowAwaitsMail(message);
    this.deliveries.push(this.messages.deliver(message));
    return { userId: this.userId, status: 'DISABLED', workflowId: this.workflowId };
  }

  /**
   * A provider says a mail of this registration bounced for good or was complained about: a registration
   * still waiting for the click stops waiting (the main line releases the user). The workflow id is the
   * address's, so the mail may be an earlier registration's: only this one's own mails count.
   */
  private onMailRefused(refused: MailRefused | undefined): void {
    const messageKey: unknown = refused?.messageKey;
    if (typeof messageKey === 'string' && this.sentMessageKeys.has(messageKey))
      this.bounceIfWaiting(MAIL_REFUSED_ENDS_WAIT);
  }

  /**
   * A delivery of one of this registration's mails is DEAD. Refused by the mail consumer because the
   * address is suppressed, it will never reach the address: a registration still waiting for the click
   * stops waiting, as on a bounce (the main line releases the user). Any other DEAD delivery waits for an
   * operator's resend.
   */
  private onDeliveryDead(consumerGroup: string, failureType: string | undefined): void {
    if (consumerGroup === MAIL_CONSUMER && failureType === SUPPRESSED) this.bounceIfWaiting(SUPPRESSED_ENDS_WAIT);
  }

  /** A registration still waiting for the click, under `patch`, stops waiting as BOUNCED. */
  private bounceIfWaiting(patch: string): void {
    if (this.stage === 'AWAITING_ACTIVATION' && patched(patch)) this.setStage('BOUNCED');
  }

  private onResendActivation(request: { tokenSalt: string } | undefined): void {
    // A signal sent by hand without a salt (from the CLI, say) must not fail the workflow task: it is ignored.
    const tokenSalt: unknown = request?.tokenSalt;
    if (this.stage === 'AWAITING_ACTIVATION' && typeof tokenSalt === 'string' && tokenSalt)
      this.resendsPending.push(tokenSalt);
  }

  /** The click: enables the user and records the success mail, which the main line delivers. */
  private async onActivate({ tokenHash }: { tokenHash: string }): Promise<Activated> {
    // A click during a resend is judged against the token that resend issues.
    await condition(() => !this.resending);
    if (this.stage !== 'AWAITING_ACTIVATION' || tokenCheckOf(tokenHash) !== this.tokenCheck) {
      throw failure('TOKEN_INVALID', 'This activation link is unknown, expired or already used.');
    }
    this.stage = 'ACTIVATING';
    // Registrations started before ACTIVATING was reported went from AWAITING_ACTIVATION to ENABLED directly.
    if (patched(ACTIVATING_REPORTED)) this.attributes.update({ stage: 'ACTIVATING' });
    const message = this.outgoing(ACTIVE_USER_SUCCESS);
    const consumers = this.input.firstStepsInOneActivity ? await this.activateInOneActivity(message) : undefined;
    if (!consumers) {
      await bookkeeping.recordPendingMessage(message);
      try {
        await userSteps.enableUser({ userId: this.userId });
      } catch {
        await bookkeeping.cancelMessage({ messageKey: message.messageKey, reason: 'activation failed' });
        this.setStage('AWAITING_ACTIVATION', { [message.messageKey]: 'CANCELLED' });
        throw failure('ACTIVATION_FAILED', 'The account could not be activated. Try the link again later.');
      }
    }
    this.successMessage = message;
    this.successConsumers = consumers;
    // The success message is confirmed (or is next): it is reported as SENDING at once.
    this.setStage('ENABLED', { [message.messageKey]: 'SENDING' });
    return { userId: this.userId, status: 'ENABLED' };
  }

  /**
   * The answer to a registration of an address somebody holds. Unless the deployment reveals taken
   * addresses, the holder's notice flow is started here, as a child that outlives this workflow: the
   * answer to the register call waits for nothing more, and the notice is as durable as this
   * registration. The failure's details tell the API so (registrations started before this leave the
   * notice to the API).
   */
  private emailTaken(loginNameTaken?: boolean): ApplicationFailure {
    const notice = this.input.accountNotice;
    const ownerNoticed = notice !== undefined && patched(OWNER_NOTICED_BY_REGISTRATION);
    if (ownerNoticed) this.noticesStarting.push(this.startOwnerNotice(notice));
    const details: EmailTakenDetails = { ownerNoticed, loginNameTaken };
    return ApplicationFailure.create({
      type: 'EMAIL_TAKEN',
      message: 'This e-mail address is already registered.',
      nonRetryable: true,
      details: [details],
    });
  }

  private async startOwnerNotice({ workflowId, windowSeconds }: { workflowId: string; windowSeconds: number }) {
    const { email, deliveryMaxAttempts, deliveryPickupTimeoutSeconds } = this.input;
    try {
      await startChild(accountNotice, {
        workflowId,
        parentClosePolicy: 'ABANDON',
        args: [{ email, windowSeconds, deliveryMaxAttempts, deliveryPickupTimeoutSeconds }],
      });
    } catch (err) {
      // Running already: an earlier attempt within the window started it, and it sends nothing more.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }

  /** A new activation mail with a new token; the previous token stays valid if this fails. */
  private async resendActivationMail(tokenSalt: string): Promise<OutgoingMessage | undefined> {
    // A replacement under way finishes first; registrations without them never wait here.
    if (this.resending) await condition(() => !this.resending);
    this.resending = true;
    const message = this.outgoing(ACTIVE_USER, { tokenSalt });
    try {
      await this.prepareActivationMail(message);
      this.attributes.update({ messages: { [message.messageKey]: 'SENDING' } });
      return message;
    } catch {
      this.attributes.update({ messages: { [message.messageKey]: 'CANCELLED' } });
      return undefined;
    } finally {
      this.resending = false;
    }
  }

  /**
   * Pre-send message (WAIT_SEND) with the token salt, then the local transaction: the user and its token
   * at registration, a new token on a resend. The message is cancelled if that fails. The caller reports
   * the outcome in the search attributes: the whole step takes milliseconds, so WAIT_SEND is not worth
   * a history event of its own. Answers the consumers when the message is confirmed already.
   */
  private async prepareActivationMail(message: OutgoingMessage): Promise<Consumer[] | undefined> {
    if (this.stage === 'REGISTERING' && this.input.firstStepsInOneActivity) {
      const consumers = await this.refusalCancels(message, () => this.registerInOneActivity(message));
      if (consumers) return consumers;
    }
    await bookkeeping.recordPendingMessage(message);
    await this.refusalCancels(message, async () => {
      if (this.stage === 'REGISTERING') {
        this.tokenCheck = checkOf(await userSteps.saveUser(this.newRegistration(message)));
      } else {
        this.tokenCheck = checkOf(
          await userSteps.issueActivationToken({
            userId: this.userId,
            workflowId: this.workflowId,
            tokenSalt: message.body.tokenSalt!,
            ttlSeconds: this.tokenTtlSeconds(),
          }),
        );
      }
    });
    return undefined;
  }

  /**
   * One attempt at the first steps in one local activity, up to the confirmed message; answers nothing
   * when it failed for another reason than a refusal, and the steps are to be taken one by one.
   */
  private async registerInOneActivity(message: OutgoingMessage): Promise<Consumer[] | undefined> {
    try {
      const saved = await oneAttempt.registerUser({ message, user: this.newRegistration(message) });
      this.tokenCheck = checkOf(saved);
      return saved.consumers;
    } catch (err) {
      if (REFUSALS.includes(typedFailureIn(err)?.type ?? '')) throw err;
      return undefined;
    }
  }

  /** One attempt at the activation's first steps in one local activity; answers nothing when it failed. */
  private async activateInOneActivity(message: OutgoingMessage): Promise<Consumer[] | undefined> {
    try {
      return await oneAttempt.activateUser({ message });
    } catch {
      return undefined;
    }
  }

  /** Runs the local transaction; if it fails, the pre-send message is cancelled before the failure goes on. */
  private async refusalCancels<T>(message: OutgoingMessage, transaction: () => Promise<T>): Promise<T> {
    try {
      return await transaction();
    } catch (err) {
      const reason = rejectionOf(err).type ?? 'failed';
      if (this.stage === 'REGISTERING' && this.input.accountNotice && reason === 'EMAIL_TAKEN') {
        // Answered, and the holder's notice started, before the message is cancelled: the answer to a
        // taken address waits for nothing a new address's does not.
        this.rejection = this.rejectionFor(err);
        await Promise.all(this.noticesStarting);
      }
      await bookkeeping.cancelMessage({ messageKey: message.messageKey, reason });
      throw err;
    }
  }

  /** What saveUser writes: the user, and the token from the message's salt. */
  private newRegistration(message: OutgoingMessage) {
    const { passwordHash, mobileNo } = this.registrant;
    return {
      ...this.mailBody(),
      workflowId: this.workflowId,
      passwordHash,
      mobileNo,
      tokenSalt: message.body.tokenSalt!,
      tokenTtlSeconds: this.tokenTtlSeconds(),
    };
  }

  /** Why the save refused the registration, as the register call is told. */
  private rejectionFor(err: unknown): ApplicationFailure {
    const cause = typedFailureIn(err);
    if (cause?.type !== 'EMAIL_TAKEN') return rejectionOf(err);
    // What the refused save found of the login name (activities/users.ts), if it says.
    const taken = (cause.details?.[0] as { loginNameTaken?: unknown } | undefined)?.loginNameTaken;
    return this.emailTaken(typeof taken === 'boolean' ? taken : undefined);
  }

  private mailBody() {
    const { email, locale } = this.input;
    return { userId: this.userId, loginName: this.registrant.loginName, email, ...(locale ? { locale } : {}) };
  }

  private outgoing(tag: string, extra: { tokenSalt?: string; windowEndsAt?: string } = {}): OutgoingMessage {
    const messageKey = uuid4();
    this.sentMessageKeys.add(messageKey);
    return {
      messageKey,
      topic: SEND_EMAIL_TOPIC,
      tag,
      userId: this.userId,
      workflowId: this.workflowId,
      body: { ...this.mailBody(), ...extra },
    };
  }

  /** A stage change, with what it did to the flow's messages, reported in one search-attribute update. */
  private setStage(next: RegistrationStage, messageStatuses?: Record<string, string>): void {
    this.stage = next;
    this.attributes.update({ stage: next, messages: messageStatuses });
  }

  private async finish(): Promise<RegistrationResult> {
    await Promise.all(this.noticesStarting);
    await condition(allHandlersFinished);
    return { userId: this.userId, stage: this.stage };
  }
}
