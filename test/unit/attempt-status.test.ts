/**
 * What a registrant is told of their mail (api/services/attempts.ts, api/views/attempt-page.ts): the
 * status read from the mail consumer's confirm, and the page that refreshes itself until it is final.
 */
import { deliveryStatus, type AttemptView } from '../../api/services/attempts';
import { attemptPage } from '../../api/views/attempt-page';

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
  const view = (status: AttemptView['status'], extra: Partial<AttemptView> = {}): AttemptView => ({
    status,
    message: `the ${status} message`,
    ...extra,
  });

  test('refreshes itself with a meta refresh, no script, while the mail may still change', () => {
    const page = attemptPage('AAAAAAAAAAAAAAAAAAAAAA', view('SENT', { sentAt: at(2) }));
    expect(page).toContain('<meta http-equiv="refresh" content="5;url=/signup/sent?attempt=AAAAAAAAAAAAAAAAAAAAAA" />');
    expect(page).toMatch(/Accepted by our mail server at\s*<time datetime="2026-12-03T12:00:02.000Z">/);
    expect(page).not.toMatch(/<script/i);
  });

  test.each(['BOUNCED', 'ACTIVE'] as const)('stops refreshing once %s', (status) => {
    expect(attemptPage('AAAAAAAAAAAAAAAAAAAAAA', view(status))).not.toContain('http-equiv="refresh"');
  });

  test('escapes what it repeats of the request', () => {
    const page = attemptPage('"><script>x</script>', view('QUEUED'));
    expect(page).not.toContain('<script>');
  });
});
