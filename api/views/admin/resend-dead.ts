import { CONSUMERS } from '../../../domain/subscriptions';
import { html } from '../html';
import { csrfField, layout, type PageContext } from './layout';

const topics = [...new Set(CONSUMERS.map((c) => c.topic))];
const groups = CONSUMERS.map((c) => c.consumerGroup);

export interface DeadScope {
  topic?: string;
  consumerGroup?: string;
}
const describe = (s: DeadScope) =>
  [s.topic && `topic ${s.topic}`, s.consumerGroup && `consumer group ${s.consumerGroup}`]
    .filter(Boolean)
    .join(' and ') || 'every topic and consumer group';

/** Step one: which dead messages (GET, changes nothing). */
export function resendDeadChoosePage(ctx: PageContext): string {
  const choice = (name: string, label: string, options: string[]) =>
    html`<p>
      <label for="${name}">${label}</label><br /><select id="${name}" name="${name}">
        <option value="">any</option>
        ${options.map((o) => html`<option>${o}</option>`)}
      </select>
    </p>`;
  return layout(
    'Resend dead messages',
    ctx,
    html`<form method="get" action="/admin/resend-dead">
      ${choice('topic', 'Topic', topics)}${choice('consumerGroup', 'Consumer group', groups)}
      <p><button type="submit">Count them</button></p>
    </form>`,
  );
}

/** Step two: says how many, and asks. */
export function resendDeadConfirmPage(ctx: PageContext, scope: DeadScope, count: number, limit: number): string {
  return layout(
    'Resend dead messages',
    ctx,
    count === 0
      ? html`<p>No DEAD message for ${describe(scope)}.</p>
          <p><a href="/admin/resend-dead">Back</a></p>`
      : html`<p>
            <strong>${count} DEAD message${count === 1 ? '' : 's'}</strong> for ${describe(scope)}.
            ${count > limit ? html`This resends the oldest ${limit}; run it again for the rest.` : ''}
          </p>
          <form method="post" action="/admin/resend-dead">
            ${csrfField(ctx)} <input type="hidden" name="topic" value="${scope.topic ?? ''}" /><input
              type="hidden"
              name="consumerGroup"
              value="${scope.consumerGroup ?? ''}"
            />
            <button type="submit">Resend ${Math.min(count, limit)} message${count === 1 ? '' : 's'}</button>
            <a href="/admin/resend-dead">Cancel</a>
          </form>`,
  );
}

/** Step three: what was done. */
export function resendDeadDonePage(ctx: PageContext, scope: DeadScope, resent: number): string {
  return layout(
    'Resend dead messages',
    ctx,
    html`<p class="notice" role="status">
        Resent ${resent} message${resent === 1 ? '' : 's'} for ${describe(scope)}. Messages whose workflow no longer
        runs are left out.
      </p>
      <p><a href="/admin/messages?status=DEAD">Dead messages</a> · <a href="/admin">Overview</a></p>`,
  );
}
