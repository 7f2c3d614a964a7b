import { MESSAGE_STATUSES } from '../../../domain/messaging';
import type { Overview } from '../../services/console';
import { html } from '../html';
import { layout, statusCell, time, type PageContext } from './layout';
import { latencyChart } from './latency-chart';

export function overviewPage(ctx: PageContext, o: Overview, cacheSeconds: number): string {
  const dead = o.statusCounts.DEAD;
  return layout(
    'Overview',
    ctx,
    html`<p>Figures as of ${time(o.computedAt)} (computed at most every ${cacheSeconds} s).</p>
      ${dead > 0 ? html`<p class="error" role="alert"><strong>${dead} DEAD</strong> message${dead === 1 ? ' needs' : 's need'} an operator: <a href="/admin/messages?status=DEAD">see them</a> or <a href="/admin/resend-dead">resend them</a>.</p>` : ''}
      <h2>Messages by status</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">status</th>
            <th scope="col">messages</th>
          </tr>
        </thead>
        <tbody>
          ${MESSAGE_STATUSES.map(
            (s) =>
              html`<tr class="status-${s}">
                ${statusCell(s)}
                <td class="num">
                  <a href="/admin/messages?status=${s}">${s === 'FINISHED' ? '≈ ' : ''}${o.statusCounts[s]}</a>
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
      <h2>Registrations and activations, last ${o.perHour.length} hours (UTC)</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">hour</th>
            <th scope="col">registrations</th>
            <th scope="col">activations</th>
          </tr>
        </thead>
        <tbody>
          ${o.perHour.map(
            (h) =>
              html`<tr>
                <td>${time(h.hour)}</td>
                <td class="num">${h.registrations}</td>
                <td class="num">${h.activations}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <h2>Request → mail latency</h2>
      ${latencyChart(o.latency)}`,
  );
}
