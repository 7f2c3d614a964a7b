import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { refusedAsSuppressed } from '../../domain/delivery';
import { ACCOUNT_EXISTS_NOTICE, ACTIVE_USER } from '../../domain/messaging';
import { Confirm, confirmId, Message, User } from '../../domain/models';
import type { ConfirmDoc } from '../../domain/models/confirm';
import { MAIL_CONSUMER } from '../../domain/subscriptions';
import { HttpError } from '../errors';

export const ATTEMPT_STATUSES = ['QUEUED', 'SENT', 'DELIVERED', 'DELAYED', 'BOUNCED', 'ACTIVE'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

/** An attempt's id: 128 random bits in base64url, the same shape whatever the address. */
export const ATTEMPT_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/**
 * The mail a register call caused, which its attempt follows: the activation mail of the registration
 * it started or found pending, or, for an address with an account, the holder's notice. Kept in Redis
 * only: the attempt's id says nothing of it.
 */
export interface AttemptTarget {
  userId: string;
  mail: 'activation' | 'notice';
}

export interface AttemptView {
  status: AttemptStatus;
  /** When the mail server accepted the mail. */
  sentAt?: Date;
  /** When a provider last said something about it. */
  reportedAt?: Date;
  message: string;
}

/** The JSON API's `message` of each status (English; the page says it in its own locale, from its templates). */
export const ATTEMPT_MESSAGES: Record<AttemptStatus, string> = {
  QUEUED: 'The mail is on its way to our mail server.',
  SENT: 'Our mail server has accepted the mail and is passing it on. Check your inbox, and your spam folder.',
  DELIVERED: 'The mail has reached the mail server of the address. Check your inbox, and your spam folder.',
  DELAYED: 'The mail server of the address has not taken the mail yet; it is being tried again.',
  BOUNCED: 'This address does not accept mail — check it and register again.',
  ACTIVE: 'The account is active: you can sign in.',
};

/** Attempt statuses that no longer change: the page stops refreshing itself. */
export const FINAL_ATTEMPT_STATUSES: readonly AttemptStatus[] = ['BOUNCED', 'ACTIVE'];

const key = (attempt: string) => `signup-attempt:${attempt}`;

/**
 * What became of the mail a register call caused (docs/mail-outcomes.md): QUEUED, SENT (accepted by the
 * mail server), DELIVERED, DELAYED or BOUNCED (as providers report), ACTIVE. An attempt lives as long as
 * a registration may wait for its activation (`ttlSeconds`), then it is unknown.
 */
export function createAttempts(deps: { redis: Redis; ttlSeconds: number }) {
  /** The mail the target names: its latest one of the kind. */
  async function latestMail(target: AttemptTarget) {
    const tag = target.mail === 'activation' ? ACTIVE_USER : ACCOUNT_EXISTS_NOTICE;
    return Message.findOne({ userId: target.userId, tag }, { messageKey: 1 }).sort({ createdAt: -1, _id: -1 }).lean();
  }

  async function statusOf(target: AttemptTarget): Promise<Omit<AttemptView, 'message'>> {
    if (target.mail === 'activation') {
      const user = await User.findById(target.userId, { status: 1 }).lean();
      if (user?.status === 'ENABLED') return { status: 'ACTIVE' };
    }
    const message = await latestMail(target);
    if (!message) return { status: 'QUEUED' };
    const confirm = await Confirm.findById(confirmId(message.messageKey, MAIL_CONSUMER)).lean();
    return confirm ? deliveryStatus(confirm) : { status: 'QUEUED' };
  }

  return {
    /** A new attempt following `target`'s mail; answers its id. */
    async create(target: AttemptTarget): Promise<string> {
      const attempt = randomBytes(16).toString('base64url');
      await deps.redis.set(key(attempt), JSON.stringify(target), 'EX', deps.ttlSeconds);
      return attempt;
    },

    async status(attempt: string): Promise<AttemptView> {
      const stored = ATTEMPT_PATTERN.test(attempt) ? await deps.redis.get(key(attempt)) : null;
      if (!stored) {
        throw new HttpError(404, 'ATTEMPT_NOT_FOUND', 'This registration attempt is unknown or has expired.');
      }
      const view = await statusOf(JSON.parse(stored) as AttemptTarget);
      return { ...view, message: ATTEMPT_MESSAGES[view.status] };
    },
  };
}

/** What a mail's delivery (its mail consumer's confirm) says of it. */
export function deliveryStatus(confirm: Pick<ConfirmDoc, 'status' | 'history' | 'lastError' | 'mailOutcome'>) {
  const sentAt = confirm.history.findLast((h) => h.status === 'CONSUMED')?.at;
  const reportedAt = confirm.mailOutcome?.at ?? confirm.history.at(-1)?.at;
  switch (confirm.status) {
    case 'BOUNCED':
    case 'COMPLAINED':
      return { status: 'BOUNCED' as const, sentAt, reportedAt };
    case 'DEAD':
      // Refused for good: by the suppression list, or by the mail server (a 5xx reply). Anything else
      // waits for an operator's resend: the mail is still to go.
      return refusedForGood(confirm.lastError)
        ? { status: 'BOUNCED' as const, reportedAt }
        : { status: 'QUEUED' as const };
    case 'CONSUMED': {
      const outcome = confirm.mailOutcome?.type;
      if (outcome === 'delivery') return { status: 'DELIVERED' as const, sentAt, reportedAt };
      if (outcome === 'delay' || outcome === 'soft-bounce') return { status: 'DELAYED' as const, sentAt, reportedAt };
      return { status: 'SENT' as const, sentAt };
    }
    default:
      return { status: 'QUEUED' as const };
  }
}

const refusedForGood = (lastError: string | undefined) =>
  refusedAsSuppressed(lastError) || (lastError !== undefined && /^5\d\d\b/.test(lastError));

export type Attempts = ReturnType<typeof createAttempts>;
