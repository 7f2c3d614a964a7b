import { MESSAGE_STATUSES } from '../../../domain/messaging';
import { CONSUMERS } from '../../../domain/subscriptions';
import type { createMessageService } from '../../services/messages';
import { html } from '../html';
import { layout, statusCell, time, type PageContext } from './layout';

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
          ? html`<table>
                <caption>
                  ${page.items.length} message${page.items.length === 1 ? '' : 's'} on this page, newest first
                </caption>
                <thead>
                  <tr>
                    <th scope="col">created</th>
                    <th scope="col">message key</th>
                    <th scope="col">topic</th>
                    <th scope="col">tag</th>
                    <th scope="col">status</th>
                    <th scope="col">resends</th>
                    <th scope="col">user id</th>
                    <th scope="col">last error</th>
                  </tr>
                </thead>
                <tbody>
                  ${page.items.map(
                    (m) =>
                      html`<tr class="status-${m.status}">
                        <td>${time(m.createdAt)}</td>
                        <td><a href="/admin/messages/${encodeURIComponent(m.messageKey)}">${m.messageKey}</a></td>
                        <td>${m.topic}</td>
                        <td>${m.tag}</td>
                        ${statusCell(m.status)}
                        <td class="num">${m.resendCount}</td>
                        <td>${m.userId}</td>
                        <td>${m.lastError ?? ''}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
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
