/**
 * The CID_OPC mail handler (activities/consumers/mail.ts), wired from the configuration as the worker
 * wires it and sending through nodemailer's stream transport, whose output is the message as it would
 * go to the SMTP server: sender, recipient, subject, a Message-ID fixed by the message key, and an
 * activation link under PUBLIC_BASE_URL whose token is the one the token store knows.
 */
import { ApplicationFailure } from '@temporalio/common';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import type StreamTransport from 'nodemailer/lib/stream-transport';
import { acceptedReply, type createMailHandler } from '../../activities/consumers/mail';
import { createActivationTokens } from '../../activities/tokens';
import { deriveActivationCode } from '../../domain/activation-codes';
import { loadConfig } from '../../config';
import {
  ACCOUNT_EXISTS_NOTICE,
  ACTIVE_USER,
  ACTIVE_USER_REMINDER,
  ACTIVE_USER_SUCCESS,
  SEND_EMAIL_TOPIC,
  type OutgoingMessage,
} from '../../domain/messaging';
import { tokenCheckOf } from '../../domain/token-check';
import { hashToken, newTokenSalt, TOKEN_PATTERN, tokenKey } from '../../domain/tokens';
import { MemoryRedis } from '../setup/memory-redis';
import { configuredMailHandler } from '../setup/mail-handler';

const config = loadConfig({
  PUBLIC_BASE_URL: 'https://signup.example.com/',
  MAIL_FROM: 'Example Signup <no-reply@signup.example.com>',
  ACTIVATION_TOKEN_SECRET: 'a-long-random-secret-for-the-tests',
  ACTIVATION_TTL_SECONDS: String(48 * 3600),
});

/** The handler as workers/consumers.ts builds it, with a transport that keeps each message it is given. */
function mailHandler(overrides: Partial<Parameters<typeof createMailHandler>[0]> = {}) {
  const mailer = nodemailer.createTransport({ streamTransport: true, buffer: true } as StreamTransport.Options);
  const sendMail = jest.spyOn(mailer, 'sendMail');
  const handler = configuredMailHandler(mailer, config, overrides);
  /** The messages the transport produced, parsed as a mail client would. */
  const sent = async (): Promise<ParsedMail[]> =>
    Promise.all(
      sendMail.mock.results.map(async (r) => {
        const info = (await r.value) as StreamTransport.SentMessageInfo;
        return simpleParser(info.message);
      }),
    );
  return { handler, sendMail, sent };
}

function message(
  overrides: Partial<OutgoingMessage> = {},
  body: Partial<OutgoingMessage['body']> = {},
): OutgoingMessage {
  return {
    messageKey: 'msg-7f3a',
    topic: SEND_EMAIL_TOPIC,
    tag: ACTIVE_USER,
    userId: 'user-1',
    workflowId: 'registration-abc',
    ...overrides,
    body: { userId: 'user-1', loginName: 'alice', email: 'alice@example.com', tokenSalt: newTokenSalt(), ...body },
  };
}

/** The activation links of a mail: in its text part and in its HTML part. */
function links(mail: ParsedMail): { text: string[]; html: string[] } {
  const pattern = /https?:\/\/[^\s"<>]+/g;
  return {
    text: [...(mail.text ?? '').matchAll(pattern)].map((m) => m[0]),
    html: [...String(mail.html).matchAll(pattern)].map((m) => m[0]),
  };
}

describe('activation mail', () => {
  it('goes from MAIL_FROM to the registered address, titled "Activate your account"', async () => {
    const { handler, sent } = mailHandler();
    await handler(message());
    const [mail] = await sent();
    expect(mail.from?.value).toEqual([{ name: 'Example Signup', address: 'no-reply@signup.example.com' }]);
    expect(mail.to).toMatchObject({ value: [{ address: 'alice@example.com' }] });
    expect(mail.subject).toBe('Activate your account');
    expect(mail.text).toMatch(/^Hello alice,/);
  });

  it('goes in the registration’s locale, valid for 48 hours in its words, and answers what it sent for the audit trail', async () => {
    const { handler, sent } = mailHandler();
    const answer = await handler(message({}, { locale: 'de' }));
    const [mail] = await sent();
    expect(mail.subject).toBe('Aktivieren Sie Ihr Konto');
    expect(mail.text).toContain('innerhalb von 48 Stunden');
    expect(answer).toEqual({
      template: 'activation',
      locale: 'de',
      templateVersion: expect.stringMatching(/^[0-9a-f]{12}$/),
      subject: 'Aktivieren Sie Ihr Konto',
    });
    // A message without a locale (a registration from before locales): DEFAULT_LOCALE.
    expect(await handler(message())).toMatchObject({ locale: 'en', subject: 'Activate your account' });
  });

  it('carries the activation link and the code page, under PUBLIC_BASE_URL, the same in the text and the HTML part', async () => {
    const { handler, sent } = mailHandler();
    await handler(message());
    const [mail] = await sent();
    const { text, html } = links(mail);
    expect(text).toHaveLength(2);
    expect(html).toEqual(text);
    expect(text[0]).toMatch(/^https:\/\/signup\.example\.com\/api\/users\/activate\/[A-Za-z0-9_-]+$/);
    expect(text[1]).toBe('https://signup.example.com/activate/code');
  });

  it('carries the code derived from the same salt as the link', async () => {
    const { handler, sent } = mailHandler();
    const msg = message();
    await handler(msg);
    const [mail] = await sent();
    const code = deriveActivationCode(config.activation.tokenSecret, msg.body.tokenSalt!);
    expect(mail.text!.split('\n')).toContain(code);
    expect(String(mail.html)).toContain(code);
  });

  it('carries the token that the token store issued for the registration, so the click finds it', async () => {
    const redis = new MemoryRedis();
    const tokens = createActivationTokens({ redis: redis.asRedis(), tokenSecret: config.activation.tokenSecret });
    const msg = message();
    const { tokenCheck } = await tokens.issue({
      userId: msg.userId,
      workflowId: msg.workflowId,
      tokenSalt: msg.body.tokenSalt!,
      ttlSeconds: config.activation.ttlSeconds,
    });

    const { handler, sent } = mailHandler();
    await handler(msg);
    const token = links((await sent())[0])
      .text[0].split('/')
      .pop()!;
    expect(token).toMatch(TOKEN_PATTERN);
    expect(tokenCheckOf(hashToken(token))).toBe(tokenCheck);
    expect(JSON.parse(redis.peek(tokenKey(hashToken(token)))!)).toEqual({
      userId: 'user-1',
      workflowId: 'registration-abc',
    });
  });

  it('does not carry the salt the token is derived from', async () => {
    const { handler, sent } = mailHandler();
    const msg = message();
    await handler(msg);
    const [mail] = await sent();
    expect(mail.text).not.toContain(msg.body.tokenSalt);
    expect(String(mail.html)).not.toContain(msg.body.tokenSalt);
  });

  it('keeps a path of PUBLIC_BASE_URL in the link', async () => {
    const { handler, sent } = mailHandler({
      publicBaseUrl: loadConfig({ PUBLIC_BASE_URL: 'https://example.com/signup/' }).publicBaseUrl,
    });
    await handler(message());
    expect(links((await sent())[0]).text[0]).toMatch(/^https:\/\/example\.com\/signup\/api\/users\/activate\/[^/]+$/);
  });

  it('says the link is valid for ACTIVATION_TTL_SECONDS, in hours', async () => {
    const { handler, sent } = mailHandler();
    await handler(message());
    expect((await sent())[0].text).toContain('within 48 hours');
  });

  it('gives another link after a resend (a new salt), and the same link for the same salt', async () => {
    const { handler, sent } = mailHandler();
    const first = message();
    await handler(first);
    await handler(message({ messageKey: 'msg-resend' }, { tokenSalt: newTokenSalt() }));
    await handler(first);
    const [a, b, again] = (await sent()).map((m) => links(m).text[0]);
    expect(b).not.toBe(a);
    expect(again).toBe(a);
  });
});

describe('Message-ID', () => {
  it('is <messageKey.CID_OPC@reliable-signup>, the same on every delivery of one message', async () => {
    const { handler, sent } = mailHandler();
    await handler(message());
    await handler(message());
    await handler(message({ messageKey: 'msg-other' }));
    expect((await sent()).map((m) => m.messageId)).toEqual([
      '<msg-7f3a.CID_OPC@reliable-signup>',
      '<msg-7f3a.CID_OPC@reliable-signup>',
      '<msg-other.CID_OPC@reliable-signup>',
    ]);
  });
});

describe('reminder', () => {
  const inSixHours = () => new Date(Date.now() + 6 * 3600 * 1000 + 30_000).toISOString();

  it('carries the same link and code as the activation mail of its salt, and the time left, rounded down', async () => {
    const { handler, sent } = mailHandler();
    const activation = message();
    await handler(activation);
    await handler(
      message(
        { tag: ACTIVE_USER_REMINDER, messageKey: 'msg-reminder' },
        { ...activation.body, windowEndsAt: inSixHours() },
      ),
    );
    const [first, reminder] = await sent();
    expect(reminder.subject).toBe('Reminder: activate your account');
    expect(links(reminder)).toEqual(links(first));
    const code = deriveActivationCode(config.activation.tokenSecret, activation.body.tokenSalt!);
    expect(reminder.text!.split('\n')).toContain(code);
    expect(String(reminder.html)).toContain(code);
    expect(reminder.text).toContain('You have 6 hours left');
    expect(reminder.messageId).toBe('<msg-reminder.CID_OPC@reliable-signup>');
  });

  it('fails for good (REMINDER_TOO_LATE) and sends nothing once the window has closed', async () => {
    const { handler, sendMail } = mailHandler();
    const late = message({ tag: ACTIVE_USER_REMINDER }, { windowEndsAt: new Date(Date.now() - 1000).toISOString() });
    await expect(handler(late)).rejects.toMatchObject({ type: 'REMINDER_TOO_LATE', nonRetryable: true });
    expect(sendMail).not.toHaveBeenCalled();
  });

  it('without its window end or salt, fails for good (UNKNOWN_TAG)', async () => {
    const { handler, sendMail } = mailHandler();
    await expect(handler(message({ tag: ACTIVE_USER_REMINDER }))).rejects.toMatchObject({ type: 'UNKNOWN_TAG' });
    expect(sendMail).not.toHaveBeenCalled();
  });
});

describe('success mail', () => {
  it('goes to the user, titled "Your account is active", without a link', async () => {
    const { handler, sent } = mailHandler();
    await handler(message({ tag: ACTIVE_USER_SUCCESS }, { tokenSalt: undefined }));
    const [mail] = await sent();
    expect(mail.to).toMatchObject({ value: [{ address: 'alice@example.com' }] });
    expect(mail.subject).toBe('Your account is active');
    expect(links(mail)).toEqual({ text: [], html: [] });
  });

  it('carries no link even when its message has a token salt', async () => {
    const { handler, sent } = mailHandler();
    await handler(message({ tag: ACTIVE_USER_SUCCESS }));
    expect(links((await sent())[0])).toEqual({ text: [], html: [] });
  });
});

describe('messages it cannot render', () => {
  it.each([
    ['an unknown tag', message({ tag: 'NEWSLETTER' })],
    ['an activation without a token salt', message({}, { tokenSalt: undefined })],
  ])('%s fails for good (UNKNOWN_TAG) and sends nothing', async (_case, msg) => {
    const { handler, sendMail } = mailHandler();
    const failure = await handler(msg).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'UNKNOWN_TAG', nonRetryable: true });
    expect(sendMail).not.toHaveBeenCalled();
  });
});

describe('SMTP failures', () => {
  it("fail the delivery with the server's answer, retryable, so that it is attempted again", async () => {
    const mailer = nodemailer.createTransport({
      name: 'refusing',
      version: '1',
      send: (_mail, callback) => callback(new Error('421 4.3.2 Service not available'), undefined),
    });
    const handler = configuredMailHandler(mailer, config);
    const failure = await handler(message()).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('421 4.3.2 Service not available');
    expect(failure).not.toMatchObject({ nonRetryable: true });
  });

  /** The handler over a transport whose server answers `responseCode` with `response`. */
  const refusedWith = (responseCode: number, response: string) => {
    const mailer = nodemailer.createTransport({
      name: 'refusing',
      version: '1',
      send: (_mail, callback) =>
        callback(Object.assign(new Error(`Can't send mail - ${response}`), { responseCode, response }), undefined),
    });
    return configuredMailHandler(mailer, config);
  };

  it.each([
    [550, '550 5.1.1 mailbox unavailable'],
    [553, '553 5.1.3 bad destination address syntax'],
  ])('a %i reply fails the delivery for good, with the reply as its message', async (code, reply) => {
    const failure = await refusedWith(
      code,
      reply,
    )(message()).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toMatchObject({ type: 'SMTP_REJECTED', nonRetryable: true, message: reply });
  });

  it('a 451 reply stays retryable', async () => {
    const failure = await refusedWith(
      451,
      '451 4.7.1 try again later',
    )(message()).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).not.toMatchObject({ nonRetryable: true });
    expect((failure as Error).message).toContain('451 4.7.1');
  });
});

describe('notice to the owner of a taken address', () => {
  it('goes to the address, with no link, no login name and a Message-ID fixed by the message key', async () => {
    const { handler, sent } = mailHandler();
    await handler(message({ tag: ACCOUNT_EXISTS_NOTICE, messageKey: 'msg-notice' }, { tokenSalt: undefined }));
    const [mail] = await sent();
    expect(mail.to).toMatchObject({ value: [{ address: 'alice@example.com' }] });
    expect(mail.subject).toBe('Someone tried to create an account with your address');
    expect(mail.messageId).toBe('<msg-notice.CID_OPC@reliable-signup>');
    expect(links(mail)).toEqual({ text: [], html: [] });
    expect(`${mail.text}${String(mail.html)}`).not.toContain('alice,');
  });
});

describe('every mail', () => {
  it.each([
    ['activation', message()],
    ['success', message({ tag: ACTIVE_USER_SUCCESS })],
    ['notice', message({ tag: ACCOUNT_EXISTS_NOTICE }, { tokenSalt: undefined })],
  ])('%s: is marked Auto-Submitted: auto-generated, with a text part beside its HTML part', async (_kind, msg) => {
    const { handler, sent } = mailHandler();
    await handler(msg);
    const [mail] = await sent();
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.text?.trim()).toBeTruthy();
    expect(mail.html).toBeTruthy();
  });
});

describe("the mail server's reply", () => {
  it('is kept with the id the provider gives the mail in it, where it gives one', () => {
    expect(acceptedReply('250 Ok 0100018c2f1e9a6b-5f0a1b2c-3d4e-4f50-8a9b-0c1d2e3f4a5b-000000')).toEqual({
      smtpResponse: '250 Ok 0100018c2f1e9a6b-5f0a1b2c-3d4e-4f50-8a9b-0c1d2e3f4a5b-000000',
      providerMessageId: '0100018c2f1e9a6b-5f0a1b2c-3d4e-4f50-8a9b-0c1d2e3f4a5b-000000',
    });
    expect(acceptedReply('250 2.0.0 Ok: queued as 4Fq9Zs1m2Jz8').providerMessageId).toBe('4Fq9Zs1m2Jz8');
    expect(acceptedReply('250 Ok: queued as <883953f4-6105-42a2>').providerMessageId).toBe('883953f4-6105-42a2');
    expect(acceptedReply('250 OK: message queued')).toEqual({ smtpResponse: '250 OK: message queued' });
  });

  it('is handed over once the server accepted the mail, and its loss does not fail the sent delivery', async () => {
    const mailer = nodemailer.createTransport({ streamTransport: true, buffer: true } as StreamTransport.Options);
    jest.spyOn(mailer, 'sendMail').mockResolvedValue({ response: '250 Ok: queued as ABC123' } as never);
    const recorded: unknown[] = [];
    const handler = configuredMailHandler(mailer, config, {
      recordAccepted: (messageKey, reply) => {
        recorded.push([messageKey, reply]);
        return Promise.reject(new Error('MongoDB is down'));
      },
    });
    await expect(handler(message())).resolves.toMatchObject({ template: 'activation' });
    expect(recorded).toEqual([['msg-7f3a', { smtpResponse: '250 Ok: queued as ABC123', providerMessageId: 'ABC123' }]]);
  });
});

describe('a suppressed address', () => {
  it('fails the delivery for good (SUPPRESSED, with the reason) before any mail is made', async () => {
    const asked: string[] = [];
    const { handler, sendMail } = mailHandler({
      suppressionOf: (email) => {
        asked.push(email);
        return Promise.resolve({ reason: 'hard-bounce' });
      },
    });
    const msg = message();
    const failure = await handler(msg).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'SUPPRESSED', nonRetryable: true });
    expect((failure as Error).message).toBe('SUPPRESSED: the address is on the suppression list (hard-bounce)');
    expect(asked).toEqual([msg.body.email]);
    expect(sendMail).not.toHaveBeenCalled();
  });

  it('an address not on the list is sent to', async () => {
    const { handler, sendMail } = mailHandler({ suppressionOf: () => Promise.resolve(null) });
    await handler(message());
    expect(sendMail).toHaveBeenCalledTimes(1);
  });
});
