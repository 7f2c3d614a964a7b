import { MESSAGE_STATUSES } from '../../../domain/messaging';
import { CONSUMERS } from '../../../domain/subscriptions';
import type { createMessageService } from '../../services/messages';
import { html } from '../html';
import { table } from '../table';
import { layout, statusColumn, time, type PageContext } from './layout';

type Page = Awaited<ReturnType<ReturnType<typeof createMessageService>['list']>>;
/** The filters as the form gave them (strings, empty when not set). */
export type Filters = Partial<
  Record<'status' | 'topic' | 'consumerGroup' | 'messageKey' | 'userId' | 'from' | 'to', string>
>;

const topics = [...new Set(CONSUMERS.map((c) => c.topic))];
const groups = CONSUMERS.map((c) => c.consumerGroup);

const select = (name: string, label: string, options: readonly string[], value: string | undefined) =>
  html`<label for="${name}"
    >${label}<select id="${name}" name="${name}">
      <option value="">any</option>
      ${options.map((o) => html`<option${o === value ? html` selected` : ''}>${o}</option>`)}
    </select></label
  >`;
const input = (name: string, label: string, value: string | undefined, type = 'text') =>
  html`<label for="${name}"
    >${label}<input id="${name}" name="${name}" type="${type}" value="${value ?? ''}" maxlength="128"
  /></label>`;

/** The audit trail, filtered and paged, newest first. */
export function messagesPage(ctx: PageContext, filters: Filters, page: Page | undefined, problem?: string): string {
  const next = page?.nextCursor
    ? `/admin/messages?${new URLSearchParams({ ...clean(filters), cursor: page.nextCursor }).toString()}`
    : undefined;
  return layout(
    'Messages',
    ctx,
    html`<form class="filters" method="get" action="/admin/messages" aria-label="Filters">
        ${select('status', 'Status', MESSAGE_STATUSES, filters.status)}
        ${select('topic', 'Topic', topics, filters.topic)}
        ${select('consumerGroup', 'Consumer group', groups, filters.consumerGroup)}
        ${input('messageKey', 'Message key', filters.messageKey)} ${input('userId', 'User id', filters.userId)}
        ${input('from', 'Created from (UTC)', filters.from, 'datetime-local')}
        ${input('to', 'Created before (UTC)', filters.to, 'datetime-local')}
        <button type="submit">Filter</button> <a href="/admin/messages">Clear</a>
      </form>
      ${problem ? html`<p class="error" role="alert">${problem}</p>` : ''}
      ${
        page
          ? html`${table({
              caption: `${page.items.length} message${page.items.length === 1 ? '' : 's'} on this page, newest first`,
              columns: [
                { header: 'created', cell: (m) => time(m.createdAt) },
                {
                  header: 'message key',
                  cell: (m) => html`<a href="/admin/messages/${encodeURIComponent(m.messageKey)}">${m.messageKey}</a>`,
                },
                { header: 'topic', cell: (m) => m.topic },
                { header: 'tag', cell: (m) => m.tag },
                statusColumn(),
                { header: 'resends', cell: (m) => m.resendCount, class: 'num' },
                { header: 'user id', cell: (m) => m.userId },
                { header: 'last error', cell: (m) => m.lastError ?? '' },
              ],
              rows: page.items,
              rowClass: (m) => `status-${m.status}`,
            })}
            ${next ? html`<p><a href="${next}" rel="next">Next page</a></p>` : html`<p>No more messages.</p>`}`
          : ''
      }`,
  );
}

/** The filters that are set, for a query string. */
export function clean(filters: Filters): Record<string, string> {
  return Object.fromEntries(
    Object.entries(filters).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
  );
}
