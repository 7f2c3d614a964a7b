/**
 * The console's message page (api/views/admin/message.ts) shows what the mail consumer sent: template,
 * locale, version and subject, escaped, and whether the deployment's files are still that version.
 */
import { messagePage } from '../../api/views/admin/message';

const at = new Date('2026-12-03T10:00:00Z');
const sent = {
  template: 'activation',
  locale: 'de',
  templateVersion: '78577f23cc0b',
  subject: 'Aktivieren <Sie> Ihr Konto',
};
const message = {
  messageKey: 'msg-1',
  topic: 'SEND_EMAIL_TOPIC',
  tag: 'ACTIVE_USER',
  producerGroup: 'PID_UAC',
  userId: 'user-1',
  workflowId: 'registration-1',
  body: { userId: 'user-1', loginName: 'alice', email: 'alice@example.test', locale: 'de' },
  status: 'FINISHED' as const,
  resendCount: 0,
  history: [],
  createdAt: at,
  updatedAt: at,
  confirms: [
    {
      messageKey: 'msg-1',
      consumerGroup: 'CID_OPC',
      status: 'CONSUMED' as const,
      consumeCount: 1,
      sent,
      history: [],
      createdAt: at,
      updatedAt: at,
    },
  ],
};
const page = (current: string | undefined) =>
  messagePage({ csrfToken: 'csrf' }, message as never, { workflowUrl: 'http://ui/wf' }, undefined, [], () => current);

it('names the template, the locale, the version and the subject as sent, escaped', () => {
  const html = page('78577f23cc0b');
  expect(html).toContain('<td>activation</td>');
  expect(html).toContain('<td>de</td>');
  expect(html).toContain('<code>78577f23cc0b</code> — the same as now');
  expect(html).toContain('<td>Aktivieren &lt;Sie&gt; Ihr Konto</td>');
  expect(html).toContain('href="/admin/templates?template=activation&amp;locale=de"');
});

it('says when the files have changed since', () => {
  expect(page('0123456789ab')).toContain('the files have changed since (now <code>0123456789ab</code>)');
  expect(page(undefined)).toContain('this deployment no longer has this template in this locale');
});
