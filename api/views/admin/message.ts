import { refusedAsSuppressed } from '../../../domain/delivery';
import type { MailEventDoc } from '../../../domain/models/mail-event';
import type { createMessageService } from '../../services/messages';
import { html } from '../html';
import { fieldTable, table } from '../table';
import { csrfField, layout, statusClass, statusColumn, time, type PageContext } from './layout';
import { previewUrl } from './templates';
import type { SentMail } from '../../../domain/messaging';

type Detail = Awaited<ReturnType<ReturnType<typeof createMessageService>['get']>>;
type ProviderEvent = Pick<
  MailEventDoc,
  'provider' | 'eventId' | 'type' | 'bounceType' | 'recipient' | 'diagnostic' | 'at' | 'target'
>;

const trail = (history: { status: string; at: Date | string; detail?: string }[]) =>
  html`<ol>
    ${history.map((h) => html`<li>${time(h.at)} <strong>${h.status}</strong>${h.detail ? html` — ${h.detail}` : ''}</li>`)}
  </ol>`;

/** What mail providers reported about a delivery after its SMTP server accepted it. */
const providerEvents = (events: ProviderEvent[]) =>
  events.length === 0
    ? 'none'
    : html`<ol>
        ${events.map(
          (e) =>
            html`<li>
              ${time(e.at)} <strong>${e.bounceType ? `${e.bounceType} ${e.type}` : e.type}</strong> (${e.provider}
              ${e.eventId})${e.diagnostic ? html` — ${e.diagnostic}` : ''}
            </li>`,
        )}
      </ol>`;

/**
 * What the mail consumer sent: template, locale, the version of its files, the subject; and whether the
 * deployment's files of that template are still that version (`current`, undefined when it has no such template).
 */
function sentMail(sent: SentMail, current: string | undefined) {
  const now =
    current === undefined
      ? 'this deployment no longer has this template in this locale'
      : current === sent.templateVersion
        ? html`the same as now · <a href="${previewUrl(sent.template, sent.locale)}">preview it</a>`
        : html`the files have changed since (now <code>${current}</code>) ·
            <a href="${previewUrl(sent.template, sent.locale)}">preview them as they are now</a>`;
  return fieldTable('The mail as sent (its body is not kept: it held the live link and code)', [
    { header: 'template', value: sent.template },
    { header: 'locale', value: sent.locale },
    { header: 'template version', value: html`<code>${sent.templateVersion}</code> — ${now}` },
    { header: 'subject', value: sent.subject },
  ]);
}

/**
 * One message: its body as the audit API shows it (without the token salt), its trail, its confirms
 * with theirs, a resend button while it is DEAD, and its workflow in the Temporal Web UI.
 */
export function messagePage(
  ctx: PageContext,
  m: Detail,
  links: { workflowUrl: string },
  notice?: { ok: boolean; text: string },
  events: ProviderEvent[] = [],
  currentVersion: (sent: SentMail) => string | undefined = () => undefined,
): string {
  return layout(
    `Message ${m.messageKey}`,
    ctx,
    html`${notice ? html`<p class="${notice.ok ? 'notice' : 'error'}" role="status">${notice.text}</p>` : ''}
      ${fieldTable('The message', [
        { header: 'status', value: m.status, class: statusClass(m.status) },
        { header: 'topic / tag', value: `${m.topic} / ${m.tag}` },
        { header: 'producer group', value: m.producerGroup },
        { header: 'user id', value: m.userId },
        { header: 'resends', value: m.resendCount },
        { header: 'last error', value: m.lastError ?? '' },
        { header: 'created / updated', value: html`${time(m.createdAt)} / ${time(m.updatedAt)}` },
        {
          header: 'workflow',
          value: html`<a href="${links.workflowUrl}" rel="noopener noreferrer">${m.workflowId}</a> (Temporal Web UI)`,
        },
      ])}
      ${
        m.status === 'DEAD' && m.confirms.every((c) => c.status !== 'DEAD' || refusedAsSuppressed(c.lastError))
          ? html`<p class="notice">
              Refused before any SMTP traffic: the address is on the
              <a href="/admin/suppressions">suppression list</a>. No consumer failed; a resend is refused again until
              the address is lifted, and a registration that ended <code>BOUNCED</code> takes none.
            </p>`
          : ''
      }
      ${
        m.status === 'DEAD'
          ? html`<form method="post" action="/admin/messages/${encodeURIComponent(m.messageKey)}/resend">
              ${csrfField(ctx)} <button type="submit">Resend this message</button>
            </form>`
          : ''
      }
      ${m.confirms.map((c) => (c.sent ? sentMail(c.sent, currentVersion(c.sent)) : ''))}
      <h2>Body</h2>
      <pre>${JSON.stringify(m.body, null, 2)}</pre>
      <h2>State trail</h2>
      ${trail(m.history)}
      <h2>Consumer confirms</h2>
      ${table({
        caption: 'One confirm per consumer group',
        columns: [
          { header: 'consumer group', cell: (c) => c.consumerGroup },
          statusColumn(),
          { header: 'attempts', cell: (c) => c.consumeCount, class: 'num' },
          { header: 'last error', cell: (c) => c.lastError ?? '' },
          {
            header: 'sent',
            cell: (c) => (c.sent ? `${c.sent.template} (${c.sent.locale}, ${c.sent.templateVersion})` : ''),
          },
          { header: 'trail', cell: (c) => trail(c.history) },
          {
            header: 'provider events',
            cell: (c) => providerEvents(events.filter((e) => e.target?.consumerGroup === c.consumerGroup)),
          },
        ],
        rows: m.confirms,
        rowClass: (c) => `status-${c.status}`,
      })}`,
  );
}
