/**
 * What a registrant is told of their mail (api/services/attempts.ts, api/views/attempt-page.ts): the
 * status read from the mail consumer's confirm, and the page (from its templates, in English and German)
 * that refreshes itself until it is final.
 */
import { ATTEMPT_MESSAGES, ATTEMPT_STATUSES, deliveryStatus, type AttemptStatus } from '../../api/services/attempts';
import { attemptPage } from '../../api/views/attempt-page';
import { dateTimeInWords } from '../../infra/templates/date-time';
import { loadTemplateSet } from '../../infra/templates/template-set';

const templates = loadTemplateSet({ defaultLocale: 'en' });

const at = (s: number) => new Date(Date.UTC(2026, 11, 3, 12, 0, s));
const consumed = [
  { status: 'UNCONFIRMED', at: at(0) },
  { status: 'CONFIRMED', at: at(1) },
  { status: 'CONSUMED', at: at(2) },
];

test.each([
  ['UNCONFIRMED', { status: 'UNCONFIRMED', history: consumed.slice(0, 1) }, 'QUEUED'],
  ['CONFIRMED (an attempt under way)', { status: 'CONFIRMED', history: consumed.slice(0, 2) }, 'QUEUED'],
  ['CONSUMED', { status: 'CONSUMED', history: consumed }, 'SENT'],
  [
    'CONSUMED, delivered',
    { status: 'CONSUMED', history: consumed, mailOutcome: { type: 'delivery', at: at(9) } },
    'DELIVERED',
  ],
  [
    'CONSUMED, delayed',
    { status: 'CONSUMED', history: consumed, mailOutcome: { type: 'delay', at: at(9) } },
    'DELAYED',
  ],
  [
    'CONSUMED, soft-bounced',
    { status: 'CONSUMED', history: consumed, mailOutcome: { type: 'soft-bounce', at: at(9) } },
    'DELAYED',
  ],
  ['BOUNCED', { status: 'BOUNCED', history: [...consumed, { status: 'BOUNCED', at: at(9) }] }, 'BOUNCED'],
  ['COMPLAINED', { status: 'COMPLAINED', history: [...consumed, { status: 'COMPLAINED', at: at(9) }] }, 'BOUNCED'],
  [
    'DEAD, suppressed',
    { status: 'DEAD', history: [], lastError: 'SUPPRESSED: the address is on the suppression list (complaint)' },
    'BOUNCED',
  ],
  [
    'DEAD, refused by the SMTP server',
    { status: 'DEAD', history: [], lastError: '550 5.1.1 mailbox unavailable' },
    'BOUNCED',
  ],
  [
    'DEAD, the server unreachable (an operator may resend)',
    { status: 'DEAD', history: [], lastError: 'ECONNREFUSED' },
    'QUEUED',
  ],
] as const)('a confirm %s: %s', (_case, confirm, expected) => {
  expect(deliveryStatus(confirm as Parameters<typeof deliveryStatus>[0]).status).toBe(expected);
});

test('SENT carries the time the SMTP server accepted the mail; DELIVERED also the report’s', () => {
  expect(deliveryStatus({ status: 'CONSUMED', history: consumed })).toEqual({ status: 'SENT', sentAt: at(2) });
  expect(
    deliveryStatus({ status: 'CONSUMED', history: consumed, mailOutcome: { type: 'delivery', at: at(9) } }),
  ).toEqual({ status: 'DELIVERED', sentAt: at(2), reportedAt: at(9) });
});

describe('the page', () => {
  const ATTEMPT = 'AAAAAAAAAAAAAAAAAAAAAA';
  const page = (status: AttemptStatus, locale = 'en', extra: { sentAt?: Date } = {}, attempt = ATTEMPT) =>
    attemptPage(templates, locale, attempt, { status, ...extra }).html;
  /** The meta refresh's content, as a browser reads the attribute; undefined without one. */
  const refreshOf = (html: string) => {
    const content = /<meta http-equiv="refresh" content="([^"]*)">/.exec(html)?.[1];
    return content?.replace(/&#x([0-9A-F]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)));
  };

  test('reloads itself with a meta refresh, no script, while the mail may still change', () => {
    for (const status of ['QUEUED', 'SENT', 'DELIVERED', 'DELAYED'] as const) {
      const html = page(status, 'en', { sentAt: at(2) });
      expect(refreshOf(html)).toBe(`5;url=/signup/sent?attempt=${ATTEMPT}`);
      expect(html).toContain('This page updates itself every 5 seconds.');
      expect(html).not.toMatch(/<script/i);
    }
  });

  test.each(['BOUNCED', 'ACTIVE'] as const)('stops refreshing once %s', (status) => {
    expect(refreshOf(page(status))).toBeUndefined();
    expect(page(status)).not.toContain('updates itself');
  });

  test.each(ATTEMPT_STATUSES)(
    '%s: the status in #attempt-status, and in English the words of the JSON API’s message',
    (status) => {
      const html = page(status);
      expect(html).toContain(
        `<p id="attempt-status" data-status="${status}"><strong>${status}</strong>: ${ATTEMPT_MESSAGES[status]}</p>`,
      );
    },
  );

  test('says when the mail server accepted the mail, machine-readable and in words; nothing before', () => {
    expect(page('SENT', 'en', { sentAt: at(2) })).toContain(
      `Accepted by our mail server at <time datetime="2026-12-03T12:00:02.000Z">${dateTimeInWords(at(2), 'en')}</time>.`,
    );
    expect(dateTimeInWords(at(2), 'en')).toMatch(/^Dec 3, 2026, 12:00:02\sPM UTC$/);
    expect(page('QUEUED')).not.toContain('<time');
  });

  test('in German: German title and words, the same status code, time and refresh', () => {
    const rendered = attemptPage(templates, 'de', ATTEMPT, { status: 'DELAYED', sentAt: at(2) });
    expect(rendered.locale).toBe('de');
    expect(rendered.title).toBe('Ihre Mail verzögert sich');
    expect(rendered.html).toMatch(/^<!doctype html><html lang="de">/);
    expect(rendered.html).toContain(
      '<p id="attempt-status" data-status="DELAYED"><strong>DELAYED</strong>: Der Mailserver',
    );
    expect(rendered.html).toContain(
      'Von unserem Mailserver angenommen am <time datetime="2026-12-03T12:00:02.000Z">03.12.2026, 12:00:02 UTC</time>.',
    );
    expect(rendered.html).toContain('Diese Seite aktualisiert sich alle 5 Sekunden.');
    expect(refreshOf(rendered.html)).toBe(`5;url=/signup/sent?attempt=${ATTEMPT}`);
  });

  test('escapes what it repeats of the request', () => {
    const html = page('QUEUED', 'en', {}, '"><script>x</script>');
    expect(html).not.toContain('<script>');
    expect(refreshOf(html)).toBe(`5;url=/signup/sent?attempt=${encodeURIComponent('"><script>x</script>')}`);
  });
});
