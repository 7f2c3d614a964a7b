import { MESSAGE_STATUSES } from '../../../domain/messaging';
import type { Overview } from '../../services/console';
import { html } from '../html';
import { table } from '../table';
import { layout, statusColumn, time, type PageContext } from './layout';
import { latencyChart } from './latency-chart';

export function overviewPage(ctx: PageContext, o: Overview, cacheSeconds: number): string {
  const dead = o.statusCounts.DEAD;
  return layout(
    'Overview',
    ctx,
    html`<p>Figures as of ${time(o.computedAt)} (computed at most every ${cacheSeconds} s).</p>
      ${dead > 0 ? html`<p class="error" role="alert"><strong>${dead} DEAD</strong> message${dead === 1 ? ' needs' : 's need'} an operator: <a href="/admin/messages?status=DEAD">see them</a> or <a href="/admin/resend-dead">resend them</a>.</p>` : ''}
      <h2>Messages by status</h2>
      ${table({
        caption: "Messages in each status (≈: FINISHED estimated from the collection's size)",
        columns: [
          statusColumn(),
          {
            header: 'messages',
            cell: (r) =>
              html`<a href="/admin/messages?status=${r.status}">${r.status === 'FINISHED' ? '≈ ' : ''}${r.count}</a>`,
            class: 'num',
          },
        ],
        rows: MESSAGE_STATUSES.map((status) => ({ status, count: o.statusCounts[status] })),
        rowClass: (r) => `status-${r.status}`,
      })}
      <h2>Registrations and activations, last ${o.perHour.length} hours (UTC)</h2>
      ${table({
        caption: 'Per hour, oldest first',
        columns: [
          { header: 'hour', cell: (h) => time(h.hour) },
          { header: 'registrations', cell: (h) => h.registrations, class: 'num' },
          { header: 'activations', cell: (h) => h.activations, class: 'num' },
        ],
        rows: o.perHour,
      })}
      <h2>Request → mail latency</h2>
      ${latencyChart(o.latency)}`,
  );
}
