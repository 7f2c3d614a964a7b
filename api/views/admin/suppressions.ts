import type { SuppressionView } from '../../services/suppressions';
import { html } from '../html';
import { table } from '../table';
import { csrfField, layout, time, type PageContext } from './layout';

const liftHref = (email: string) => `/admin/suppressions/lift?email=${encodeURIComponent(email)}`;

/** The suppression list, newest first, or the entry of the address searched for. */
export function suppressionsPage(
  ctx: PageContext,
  search: string | undefined,
  entries: SuppressionView[],
  notice?: { ok: boolean; text: string },
): string {
  return layout(
    'Suppression list',
    ctx,
    html`${notice ? html`<p class="${notice.ok ? 'notice' : 'error'}" role="status">${notice.text}</p>` : ''}
      <p>No mail goes to these addresses: their mail bounced for good, or their owner complained.</p>
      <form method="get" action="/admin/suppressions" class="filters">
        <label>E-mail address <input name="email" type="email" value="${search ?? ''}" maxlength="254" /></label>
        <button type="submit">Search</button>
      </form>
      ${table({
        caption: search ? `Entries for ${search}` : 'The newest entries',
        columns: [
          { header: 'address', cell: (s) => s.email },
          { header: 'reason', cell: (s) => s.reason },
          { header: 'since', cell: (s) => time(s.at) },
          {
            header: 'event',
            cell: (s) =>
              html`${s.event.provider}
              ${s.event.eventId}${
                s.event.messageKey
                  ? html` (<a href="/admin/messages/${encodeURIComponent(s.event.messageKey)}">message</a>)`
                  : ''
              }`,
          },
          { header: 'diagnostic', cell: (s) => s.event.diagnostic ?? '' },
          { header: '', cell: (s) => html`<a href="${liftHref(s.email)}">Lift…</a>` },
        ],
        rows: entries,
      })}`,
  );
}

/** Asks before lifting (GET, changes nothing). */
export function liftConfirmPage(ctx: PageContext, entry: SuppressionView): string {
  return layout(
    'Lift a suppression',
    ctx,
    html`<p>
        <strong>${entry.email}</strong> is suppressed since ${time(entry.at)}
        (${entry.reason}${entry.event.diagnostic ? html`: ${entry.event.diagnostic}` : ''}).
      </p>
      ${
        entry.reason === 'complaint'
          ? html`<p class="error">Its owner complained about our mail. Lift it only if they asked for mail again.</p>`
          : ''
      }
      <p>Lifted, the next mail to this address goes out again.</p>
      <form method="post" action="/admin/suppressions/lift">
        ${csrfField(ctx)} <input type="hidden" name="email" value="${entry.email}" />
        <button type="submit">Lift the suppression of ${entry.email}</button>
      </form>
      <p><a href="/admin/suppressions">Back</a></p>`,
  );
}
