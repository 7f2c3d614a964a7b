import { z } from 'zod';
import * as s from './schemas';
import { genericEventBody } from './webhooks/generic';

type Schema = z.ZodType;

interface Operation {
  method: 'get' | 'post' | 'delete';
  path: string;
  summary: string;
  security?: 'admin' | 'codec';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: Schema;
  /** Every status the operation can answer, with the schema of its JSON body. */
  responses: Record<number, Schema>;
  /** What a status means here, where the general meaning (STATUS_MEANING) is not enough. */
  meaning?: Record<number, string>;
  /** Statuses also answered as an HTML page, to a client that accepts text/html. */
  html?: number[];
}

const e = s.errorResponse;
const jsonBody = { 400: e, 413: e, 415: e };
/** While a dependency the operation needs (Temporal, MongoDB, Redis) is down. */
const unavailable = { 503: e };

const STATUS_MEANING: Record<number, string> = {
  200: 'OK',
  202: 'Accepted',
  400: 'The request is invalid: VALIDATION_FAILED (the message names each field at fault) or MALFORMED_JSON',
  401: 'UNAUTHORIZED: the bearer token is missing or wrong',
  404: 'Not found (the code names what)',
  409: 'Conflict (the code names it)',
  410: 'Gone',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE: send application/json',
  429: 'RATE_LIMITED: wait the seconds of Retry-After',
  503: 'DEPENDENCY_UNAVAILABLE: a service this request needs is down; try again after Retry-After',
};
/** Statuses answered with `Retry-After` (seconds). */
const RETRY_AFTER = new Set([429, 503]);

/** Every endpoint, described by the very schemas that validate its requests and shape its answers. */
export const operations: Operation[] = [
  {
    method: 'post',
    path: '/api/users/register',
    summary:
      'Register a user. The answer is the same for a new address, a repeat of a pending registration and an address ' +
      'that already has an account (whose owner is told by mail instead), so it tells nobody who has an account',
    body: s.registerBody,
    responses: { 202: s.registrationAcceptedResponse, ...jsonBody, 409: e, 429: e, ...unavailable },
    meaning: {
      202: 'Accepted: the activation mail is on its way (for a new address or a pending registration)',
      409:
        'LOGIN_NAME_TAKEN; REGISTRATION_CLOSING (the previous registration of the address is just expiring: try ' +
        'again); EMAIL_TAKEN only where the deployment reveals taken addresses (REGISTRATION_TAKEN_EMAIL=reveal)',
      503: 'DEPENDENCY_UNAVAILABLE, or REGISTRATION_FAILED (a step failed past its retries, nothing kept): try again after Retry-After',
    },
  },
  {
    method: 'get',
    path: '/api/users/activate/{token}',
    summary:
      'The link in the activation mail. It changes nothing (HEAD neither), whoever asks: text/html clients get a ' +
      'page whose one button POSTs the token to this URL; JSON clients CONFIRM_WITH_POST',
    params: s.tokenParams,
    responses: { 200: s.linkStateResponse, 410: e, ...unavailable },
    meaning: {
      200:
        'CONFIRM_WITH_POST: the link waits for its POST (the page "Activate your account"); ALREADY_ACTIVE: the ' +
        'token activated its account (for as long as it would have lived)',
      410: 'TOKEN_INVALID: unknown, expired, replaced by a resend, or not of the form described (a link cut short, say)',
    },
    html: [200, 410],
  },
  {
    method: 'post',
    path: '/api/users/activate/{token}',
    summary:
      'Activate the account: what the button of the link’s page does (an HTML form, urlencoded, whose `token` ' +
      'field repeats the path’s and is not read); text/html clients get a page',
    params: s.tokenParams,
    responses: { 200: s.activationAnswerResponse, 400: e, 410: e, 413: e, ...unavailable },
    meaning: {
      200: 'ENABLED: activated now; ALREADY_ACTIVE: the token activated its account before',
      400: 'MALFORMED_JSON (a body is not needed)',
      410: 'TOKEN_INVALID: unknown, expired, replaced by a resend, or not of the form described',
      503: 'DEPENDENCY_UNAVAILABLE, or ACTIVATION_FAILED (try again after Retry-After)',
    },
    html: [200, 410],
  },
  {
    method: 'post',
    path: '/api/users/activate',
    summary:
      'Activate the account with the token of the mail’s link, or with the address and the 6-digit code of the mail. ' +
      'A wrong code, a used-up one (5 tries) and an address without a pending registration get the same answer',
    body: s.activateBody,
    responses: { 200: s.activationAnswerResponse, ...jsonBody, 410: e, 429: e, ...unavailable },
    meaning: {
      200: 'ENABLED: activated now; ALREADY_ACTIVE: the token activated its account before',
      410:
        'TOKEN_INVALID: the token is unknown, expired or replaced by a resend; CODE_INVALID: the code is wrong, ' +
        'used up (5 tries), expired or replaced, or the address has no pending registration (one answer for all)',
      429: 'RATE_LIMITED: too many codes tried from this client, or at this address; wait the seconds of Retry-After',
      503: 'DEPENDENCY_UNAVAILABLE, or ACTIVATION_FAILED (try again after Retry-After)',
    },
  },
  {
    method: 'post',
    path: '/api/users/activation/resend',
    summary: 'Send a new activation mail (same answer whether or not the address is known)',
    body: s.resendActivationBody,
    responses: { 202: s.resendAcceptedResponse, ...jsonBody, 429: e, ...unavailable },
  },
  {
    method: 'get',
    path: '/api/users',
    summary:
      "A user by the e-mail address it registered with, and its registration's stage and workflow (operators only)",
    security: 'admin',
    query: s.userByEmailQuery,
    responses: { 200: s.userRegistrationResponse, 400: e, 401: e, 404: e, ...unavailable },
    meaning: { 404: 'USER_NOT_FOUND' },
  },
  {
    method: 'get',
    path: '/api/users/{userId}',
    summary: 'A user, without the password hash (operators only: it holds personal data)',
    security: 'admin',
    params: s.userIdParams,
    responses: { 200: s.userResponse, 400: e, 401: e, 404: e, ...unavailable },
    meaning: { 404: 'USER_NOT_FOUND' },
  },
  {
    method: 'get',
    path: '/api/messages',
    summary: 'The reliable-message audit trail, newest first',
    security: 'admin',
    query: s.messagesQuery,
    responses: { 200: s.messageListResponse, 400: e, 401: e, ...unavailable },
  },
  {
    method: 'post',
    path: '/api/messages/resend-dead',
    summary: 'Resend every DEAD message of a topic / consumer group',
    security: 'admin',
    query: s.resendDeadQuery,
    responses: { 202: s.resendDeadResponse, 400: e, 401: e, ...unavailable },
  },
  {
    method: 'get',
    path: '/api/messages/{messageKey}',
    summary: 'One message with its confirms',
    security: 'admin',
    params: s.messageKeyParams,
    responses: { 200: s.messageDetailResponse, 400: e, 401: e, 404: e, ...unavailable },
    meaning: { 404: 'MESSAGE_NOT_FOUND' },
  },
  {
    method: 'post',
    path: '/api/messages/{messageKey}/resend',
    summary: 'Resend one DEAD message',
    security: 'admin',
    params: s.messageKeyParams,
    responses: { 202: s.resendResponse, 400: e, 401: e, 404: e, 409: e, ...unavailable },
    meaning: { 404: 'MESSAGE_NOT_FOUND', 409: 'MESSAGE_NOT_DEAD, or FLOW_NOT_RUNNING (its workflow no longer runs)' },
  },
  {
    method: 'post',
    path: '/webhooks/mail-events/{provider}',
    summary:
      'A mail provider’s events about sent mail (bounce, complaint, delivery, delay), in the provider’s own format ' +
      'and with its own signature (docs/mail-events.md): ses (Amazon SNS, signature v1/v2), sendgrid (ECDSA), ' +
      'postmark (basic auth), mailgun (HMAC, token once), generic (X-Signature HMAC; the JSON body below, or a ' +
      'raw RFC 3464 delivery report as message/rfc822). Each event is recorded once and applied to the delivery ' +
      'whose Message-ID or provider id it names',
    params: s.mailEventProviderParams,
    body: genericEventBody,
    responses: { 202: s.mailEventsAcceptedResponse, 400: e, 401: e, 403: e, 404: e, 413: e, ...unavailable },
    meaning: {
      202: 'Accepted: each event recorded (or a duplicate of one recorded before, or about a mail this deployment did not send)',
      400: 'MALFORMED_EVENT: signed, but not an event of the provider’s format',
      401: 'SIGNATURE_INVALID (missing or wrong), TIMESTAMP_STALE (signed more than 5 minutes ago), or REPLAYED (a Mailgun token used for another event); nothing recorded',
      403: 'TOPIC_NOT_ALLOWED: an SNS topic not in MAIL_EVENTS_SES_TOPIC_ARNS',
      404: 'PROVIDER_OFF: the provider’s secret is not configured; NOT_FOUND: no such provider',
      413: 'PAYLOAD_TOO_LARGE: over 256 KiB',
      503: 'DEPENDENCY_UNAVAILABLE, or SNS_UNAVAILABLE (the SNS certificate or subscription link could not be reached)',
    },
  },
  {
    method: 'get',
    path: '/api/registrations/attempts/{attempt}',
    summary:
      'What became of the mail a register call caused: QUEUED, SENT (accepted by the mail server, with the time), ' +
      'DELIVERED, DELAYED or BOUNCED as the mail provider reports, ACTIVE. A taken address’s attempt follows the ' +
      'holder’s notice, so the answers tell nobody who has an account. The page /signup/sent?attempt= shows the same',
    params: s.attemptParams,
    responses: { 200: s.attemptResponse, 400: e, 404: e, 429: e, ...unavailable },
    meaning: {
      400: 'VALIDATION_FAILED: not of the form of an attempt id',
      404: 'ATTEMPT_NOT_FOUND: unknown, or expired with the registration window',
    },
  },
  {
    method: 'get',
    path: '/api/suppressions',
    summary:
      'The suppression list: addresses no mail goes to any more (a hard bounce, a complaint, or repeated soft ' +
      'bounces), newest first, or the entry of one address (operators only)',
    security: 'admin',
    query: s.suppressionsQuery,
    responses: { 200: s.suppressionListResponse, 400: e, 401: e, ...unavailable },
  },
  {
    method: 'delete',
    path: '/api/suppressions/{email}',
    summary: 'Lift an address from the suppression list: the next mail to it goes out again (operators only)',
    security: 'admin',
    params: s.suppressionParams,
    responses: { 200: s.suppressionLiftedResponse, 400: e, 401: e, 404: e, ...unavailable },
    meaning: { 404: 'SUPPRESSION_NOT_FOUND' },
  },
  {
    method: 'get',
    path: '/health',
    summary: 'Up or down; each dependency, with its error, only with `Authorization: Bearer <ADMIN_TOKEN>`',
    responses: { 200: s.healthResponse, 503: s.healthResponse },
    meaning: { 503: 'A dependency is down' },
  },
  ...(['decode', 'encode'] as const).map((op): Operation => ({
    method: 'post',
    path: `/codec/${op}`,
    summary: `Temporal codec server: ${op} payloads (for the Web UI)`,
    security: 'codec',
    body: s.codecBody,
    responses: { 200: s.codecResponse, ...jsonBody, 401: e, 503: e },
    meaning: {
      400: 'VALIDATION_FAILED, MALFORMED_JSON, or UNDECODABLE_PAYLOAD (not encrypted with a configured key)',
      401: 'UNAUTHORIZED: neither CODEC_TOKEN, a valid sign-on access token, nor an operator console session',
      503: 'SIGN_ON_UNAVAILABLE: the identity provider’s signing keys cannot be had',
    },
  })),
];

function jsonSchema(schema: Schema, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function parameters(schema: z.ZodObject | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

function response(op: Operation, status: number, schema: Schema) {
  return {
    description: op.meaning?.[status] ?? STATUS_MEANING[status] ?? String(status),
    ...(RETRY_AFTER.has(status)
      ? { headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer', minimum: 1 } } } }
      : {}),
    content: {
      'application/json': { schema: jsonSchema(schema, 'output') },
      ...(op.html?.includes(status) ? { 'text/html': { schema: { type: 'string' } } } : {}),
    },
  };
}

/** The OpenAPI 3.1 document served at /api/openapi.json. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    paths[op.path] ??= {};
    paths[op.path][op.method] = {
      summary: op.summary,
      ...(op.security ? { security: [{ [op.security]: [] }] } : {}),
      parameters: [...parameters(op.params, 'path'), ...parameters(op.query, 'query')],
      ...(op.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } } }
        : {}),
      responses: Object.fromEntries(
        Object.entries(op.responses).map(([status, schema]) => [status, response(op, Number(status), schema)]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'reliable-signup',
      version: '0.1.0',
      description:
        'User registration and e-mail activation, every side effect exactly once. Errors: {"error": {"code", "message"}}. ' +
        'A path below asked with a method it does not list answers 405 METHOD_NOT_ALLOWED with `Allow` ' +
        '(components.responses.MethodNotAllowed), and OPTIONS 204 with the same `Allow`: exactly the methods ' +
        'listed for the path (HEAD with GET), a concrete path before a templated one that also matches it; ' +
        'any other path 404 NOT_FOUND.',
    },
    paths,
    components: {
      securitySchemes: {
        admin: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' },
        codec: {
          type: 'http',
          scheme: 'bearer',
          description:
            'CODEC_TOKEN, or an access token (JWT) from the identity provider of CODEC_OIDC_ISSUER; a browser ' +
            'may instead send the operator console’s session cookie (admin_session, path /codec)',
        },
      },
      responses: {
        MethodNotAllowed: {
          description: 'METHOD_NOT_ALLOWED: the path does not answer this method',
          headers: {
            Allow: { description: 'the methods the path answers, comma-separated', schema: { type: 'string' } },
          },
          content: { 'application/json': { schema: jsonSchema(e, 'output') } },
        },
      },
    },
  };
}
