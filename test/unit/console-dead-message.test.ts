/**
 * The console's page of a DEAD message (api/views/admin/message.ts): a resend button, and, when its only
 * failure is a mail refused because the address is suppressed, the note that no consumer failed.
 */
import { messagePage } from '../../api/views/admin/message';

const at = new Date('2026-12-03T10:00:00Z');
const SUPPRESSED_ERROR = 'SUPPRESSED: the address is on the suppression list (hard-bounce)';

function deadMessage(mailError: string) {
  const confirm = (consumerGroup: string, status: string, lastError?: string) => ({
    messageKey: 'msg-1',
    consumerGroup,
    status,
    consumeCount: 1,
    lastError,
    history: [],
    createdAt: at,
    updatedAt: at,
  });
  return {
    messageKey: 'msg-1',
    topic: 'SEND_EMAIL_TOPIC',
    tag: 'ACTIVE_USER',
    producerGroup: 'PID_UAC',
    userId: 'user-1',
    workflowId: 'registration-1',
    body: { userId: 'user-1', loginName: 'alice', email: 'alice@example.test', locale: 'en' },
    status: 'DEAD' as const,
    lastError: `CID_OPC: ${mailError}`,
    resendCount: 0,
    history: [],
    createdAt: at,
    updatedAt: at,
    confirms: [confirm('CID_OPC', 'DEAD', mailError), confirm('CID_EVENTS', 'CONSUMED')],
  };
}
const page = (mailError: string) =>
  messagePage({ csrfToken: 'csrf' }, deadMessage(mailError) as never, { workflowUrl: 'http://ui/wf' });

it('a mail refused as suppressed: the note that no consumer failed, with the way to the suppression list', () => {
  const html = page(SUPPRESSED_ERROR);
  expect(html).toContain('Refused before any SMTP traffic');
  expect(html).toContain('<a href="/admin/suppressions">suppression list</a>');
  expect(html).toContain('Resend this message');
});

it('a consumer that failed: the resend button, no such note', () => {
  const html = page('550 5.1.1 mailbox unavailable');
  expect(html).not.toContain('Refused before any SMTP traffic');
  expect(html).toContain('Resend this message');
});
