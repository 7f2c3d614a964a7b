import { z } from 'zod';
import { MAIL_EVENT_PROVIDERS, MAIL_EVENT_TYPES } from '../domain/mail-events';
import { CONFIRM_STATUSES, MESSAGE_STATUSES } from '../domain/messaging';
import { LOCALE_PATTERN } from '../domain/locale';
import { USER_STATUSES } from '../domain/users';
import { SUPPRESSION_REASONS } from '../domain/models/suppression';
import type { RegistrationStage } from '../workflows/registration';
import { ATTEMPT_PATTERN, ATTEMPT_STATUSES } from './services/attempts';
import { emailAddress } from './email-address';

/** Request and response schemas: the single source of what the API accepts and answers (and of openapi.json). */
export const registerBody = z.strictObject({
  loginName: z
    .string()
    .min(3)
    .max(32)
    .regex(/^[A-Za-z0-9_.-]+$/, 'may contain only letters, digits, "_", "." and "-"'),
  email: emailAddress,
  password: z.string().min(8).max(128),
  mobileNo: z
    .string()
    .regex(/^[0-9]{5,20}$/, 'must be 5 to 20 digits')
    .optional(),
  locale: z
    .string()
    .max(35)
    .regex(LOCALE_PATTERN, 'must be a language tag such as en, de or de-AT')
    .optional()
    .meta({
      description:
        "The language of the registration's mails (every mail of it, resends included): a language tag such as " +
        '`de` or `de-AT`. Without it, or when the deployment has no templates for it, the request’s ' +
        'Accept-Language chooses, else the deployment’s DEFAULT_LOCALE.',
    }),
});
export type RegisterBody = z.infer<typeof registerBody>;

/**
 * Any text is taken, and anything but a token this API issued (still valid and unused) is answered 410
 * (a page for a browser): a link cut short in a mail client must still reach the page that offers a new
 * one. So the document states no constraint a client could read as a 400 for a malformed token, and
 * describes what an issued token looks like instead.
 */
const TOKEN_DESCRIPTION =
  'The token from the activation mail: 32 bytes in base64url, 43 characters. Any text is taken: one this API ' +
  'did not issue, or that has expired, been replaced or been used past its lifetime, is answered 410 TOKEN_INVALID.';
export const tokenParams = z.object({ token: z.string().meta({ description: TOKEN_DESCRIPTION }) });

/** The six digits of the activation mail's code: spaces a person may type between them are dropped. */
export const activationCode = z
  .string()
  .max(32)
  .regex(/^\s*(?:[0-9]\s*){6}$/, 'must be the 6 digits of the activation mail')
  .transform((text) => text.replace(/\s+/g, ''));

/**
 * The JSON API's activation: the token of the mail's link, or the address and the mail's code. The token
 * is taken as any text, as in the link (see tokenParams).
 */
export const activateBody = z.union([
  z.strictObject({ token: z.string().max(256).meta({ description: TOKEN_DESCRIPTION }) }),
  z.strictObject({ email: emailAddress, code: activationCode }),
]);
export type ActivateBody = z.infer<typeof activateBody>;

export const userIdParams = z.object({ userId: z.string().min(1).max(64) });

/** The audit trail's page cursor: `<createdAt in ms since the epoch>.<base64url of the messageKey>` of a page's last item. */
export const CURSOR_PATTERN = /^[0-9]{1,15}\.[A-Za-z0-9_-]{2,172}$/;
const CURSOR_DESCRIPTION =
  "The previous page's nextCursor, as it came: the last item's creation time in milliseconds since the epoch, " +
  'a dot, and its messageKey in base64url. Any text of this form is accepted (it pages from that point).';

/** A moment: an ISO date-time (without an offset it is UTC, as a form's datetime-local gives it) or a date. */
const moment = z.union([z.iso.datetime({ offset: true, local: true }), z.iso.date()]);

export const messagesQuery = z.strictObject({
  status: z.enum(MESSAGE_STATUSES).optional(),
  topic: z.string().min(1).max(128).optional(),
  consumerGroup: z.string().min(1).max(128).optional(),
  messageKey: z.string().min(1).max(128).optional(),
  userId: z.string().min(1).max(64).optional(),
  /** Created at or after. */
  from: moment.optional(),
  /** Created before. */
  to: moment.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(CURSOR_PATTERN, 'is not a cursor this API returned').describe(CURSOR_DESCRIPTION).optional(),
});
export type MessagesQuery = z.infer<typeof messagesQuery>;

/** The operator's lookup of a user by the address it registered with. */
export const userByEmailQuery = z.strictObject({ email: emailAddress });

export const messageKeyParams = z.object({ messageKey: z.string().min(1).max(128) });

export const resendDeadQuery = z.strictObject({
  topic: z.string().min(1).max(128).optional(),
  consumerGroup: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type ResendDeadQuery = z.infer<typeof resendDeadQuery>;

export const resendActivationBody = z.strictObject({ email: emailAddress });

const ATTEMPT_DESCRIPTION =
  "A registration attempt's id, from the register answer: 128 random bits in base64url, 22 characters, the same " +
  'shape for every address and never derived from it.';
const attemptId = z.string().regex(ATTEMPT_PATTERN, 'is not an attempt id this API gave').describe(ATTEMPT_DESCRIPTION);
export const attemptParams = z.object({ attempt: attemptId });

/** The operators' look at the suppression list: all of it (newest first), or one address. */
export const suppressionsQuery = z.strictObject({ email: emailAddress.optional() });
export const suppressionParams = z.object({ email: emailAddress });

const base64 = z
  .string()
  .max(1_000_000)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
export const codecBody = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })).max(1000),
});

// --- Responses -----------------------------------------------------------------------------------

export const errorResponse = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** The same for a new address, a repeat of a pending registration and (unless revealed) a taken address. */
export const registrationAcceptedResponse = z.object({
  status: z.literal('PENDING_ACTIVATION'),
  message: z.string(),
  /** What became of the mail this call caused: GET /api/registrations/attempts/{attempt}, or /signup/sent?attempt=. */
  attempt: attemptId,
});
export const activatedResponse = z.object({ userId: z.string(), status: z.literal('ENABLED') });
/** A link or code whose token activated its account already. */
export const alreadyActiveResponse = z.object({ status: z.literal('ALREADY_ACTIVE'), message: z.string() });
export const activationAnswerResponse = z.union([activatedResponse, alreadyActiveResponse]);
/** What a GET of a pending registration's link answers a JSON client: it activates nothing. */
export const confirmWithPostResponse = z.object({ status: z.literal('CONFIRM_WITH_POST'), message: z.string() });
export const linkStateResponse = z.union([confirmWithPostResponse, alreadyActiveResponse]);
export const resendAcceptedResponse = z.object({ message: z.string() });

const timestamp = z.iso.datetime({ offset: true });
export const userResponse = z.object({
  userId: z.string(),
  loginName: z.string(),
  email: z.string(),
  status: z.enum(USER_STATUSES),
  createdAt: timestamp,
  activatedAt: timestamp.optional(),
});
export const REGISTRATION_STAGES = [
  'REGISTERING',
  'AWAITING_ACTIVATION',
  'ACTIVATING',
  'ENABLED',
  'EXPIRED',
  'REJECTED',
  'BOUNCED',
] as const satisfies readonly RegistrationStage[];
export const userRegistrationResponse = userResponse.extend({
  workflowId: z.string(),
  stage: z.enum(REGISTRATION_STAGES),
  activation: z
    .object({
      mailAcceptedAt: timestamp
        .optional()
        .meta({ description: 'when the SMTP server accepted the latest activation mail, opening the window' }),
      endsAt: timestamp.optional().meta({ description: 'when the activation window closes (pending registrations)' }),
      reminderSentAt: timestamp.optional(),
      reminderDueAt: timestamp.optional().meta({ description: 'when the one reminder is due, if it is to go' }),
    })
    .optional()
    .meta({ description: "the activation window, as the registration's workflow keeps it" }),
  /** The trace the registration started in, when tracing was on (docs/tracing.md). */
  traceId: z.string().optional(),
});

/** What messages and confirms both keep: the last error and the trail of their states. */
const auditTrail = {
  lastError: z.string().optional(),
  history: z.array(z.object({ status: z.string(), at: timestamp, detail: z.string().optional() })),
  createdAt: timestamp,
  updatedAt: timestamp,
};
export const messageResponse = z.object({
  messageKey: z.string(),
  topic: z.string(),
  tag: z.string(),
  producerGroup: z.string(),
  userId: z.string(),
  workflowId: z.string(),
  body: z.record(z.string(), z.unknown()),
  status: z.enum(MESSAGE_STATUSES),
  resendCount: z.number().int(),
  ...auditTrail,
});
export const confirmResponse = z.object({
  messageKey: z.string(),
  consumerGroup: z.string(),
  status: z.enum(CONFIRM_STATUSES),
  consumeCount: z.number().int(),
  /** The mail server's reply when it accepted the mail, and the provider's id of the mail read from it. */
  smtpResponse: z.string().optional(),
  providerMessageId: z.string().optional(),
  sent: z
    .object({
      template: z.string(),
      locale: z.string(),
      templateVersion: z.string(),
      subject: z.string(),
    })
    .optional()
    .meta({
      description:
        'The mail consumer’s, once CONSUMED: the template, the locale and the version of the template files ' +
        '(their content hash) the mail was rendered from, and its subject as sent. Never its body.',
    }),
  ...auditTrail,
});
export const messageListResponse = z.object({
  items: z.array(messageResponse),
  nextCursor: z.string().regex(CURSOR_PATTERN).describe(CURSOR_DESCRIPTION).nullable(),
});
export const messageDetailResponse = messageResponse.extend({ confirms: z.array(confirmResponse) });
export const resendResponse = z.object({ messageKey: z.string(), resent: z.literal(true) });
export const resendDeadResponse = z.object({ resent: z.number().int(), messageKeys: z.array(z.string()) });

export const attemptResponse = z.object({
  status: z.enum(ATTEMPT_STATUSES),
  /** When the mail server accepted the mail. */
  sentAt: timestamp.optional(),
  /** When a provider last reported on the mail. */
  reportedAt: timestamp.optional(),
  message: z.string(),
});

export const suppressionResponse = z.object({
  email: z.string(),
  reason: z.enum(SUPPRESSION_REASONS),
  event: z.object({
    provider: z.enum(MAIL_EVENT_PROVIDERS),
    eventId: z.string(),
    messageKey: z.string().optional(),
    diagnostic: z.string().optional(),
  }),
  at: timestamp,
});
export const suppressionListResponse = z.object({ items: z.array(suppressionResponse) });
export const suppressionLiftedResponse = z.object({ email: z.string(), lifted: z.literal(true) });

const dependency = z.object({ status: z.enum(['up', 'down']), error: z.string().optional() });
export const healthResponse = z.object({
  status: z.enum(['up', 'down']),
  /** With the admin token only. */
  dependencies: z.object({ temporal: dependency, mongodb: dependency, redis: dependency, smtp: dependency }).optional(),
});
export const codecResponse = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() })),
});

/** POST /webhooks/mail-events/{provider}. */
export const mailEventProviderParams = z.object({
  provider: z.enum(MAIL_EVENT_PROVIDERS).meta({
    description:
      'Whose format and signature the post has; a provider is off (404 PROVIDER_OFF) until its secret is set',
  }),
});
export const mailEventsAcceptedResponse = z.object({
  events: z.array(
    z.object({
      eventId: z.string(),
      type: z.enum(MAIL_EVENT_TYPES),
      outcome: z.enum(['recorded', 'duplicate', 'unknown-message']),
    }),
  ),
});
