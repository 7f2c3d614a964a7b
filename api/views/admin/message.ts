import type { createMessageService } from '../../services/messages';
import { html } from '../html';
import { csrfField, layout, statusCell, time, type PageContext } from './layout';

type Detail = Awaited<ReturnType<ReturnType<typeof createMessageService>['get']>>;

const trail = (history: { status: string; at: Date | string; detail?: string }[]) =>
  html`<ol>
    ${history.map((h) => html`<li>${time(h.at)} <strong>${h.status}</strong>${h.detail ? html` — ${h.detail}` : ''}</li>`)}
  </ol>`;

/**
 * One message: its body as the audit API shows it (without the token salt), its trail, its confirms
 * with theirs, a resend button while it is DEAD, and its workflow in the Temporal Web UI.
 */
export function messagePage(
  ctx: PageContext,
  m: Detail,
  links: { workflowUrl: string },
  notice?: { ok: boolean; text: string },
): string {
  return layout(
    `Message ${m.messageKey}`,
    ctx,
    html`${notice ? html`<p class="${notice.ok ? 'notice' : 'error'}" role="status">${notice.text}</p>` : ''}
      <table>
        <tbody>
          <tr>
            <th scope="row">status</th>
            ${statusCell(m.status)}
          </tr>
          <tr>
            <th scope="row">topic / tag</th>
            <td>${m.topic} / ${m.tag}</td>
          </tr>
          <tr>
            <th scope="row">producer group</th>
            <td>${m.producerGroup}</td>
          </tr>
          <tr>
            <th scope="row">user id</th>
            <td>${m.userId}</td>
          </tr>
          <tr>
            <th scope="row">resends</th>
            <td>${m.resendCount}</td>
          </tr>
          <tr>
            <th scope="row">last error</th>
            <td>${m.lastError ?? ''}</td>
          </tr>
          <tr>
            <th scope="row">created / updated</th>
            <td>${time(m.createdAt)} / ${time(m.updatedAt)}</td>
          </tr>
          <tr>
            <th scope="row">workflow</th>
            <td><a href="${links.workflowUrl}" rel="noopener noreferrer">${m.workflowId}</a> (Temporal Web UI)</td>
          </tr>
        </tbody>
      </table>
      ${
        m.status === 'DEAD'
          ? html`<form method="post" action="/admin/messages/${encodeURIComponent(m.messageKey)}/resend">
              ${csrfField(ctx)} <button type="submit">Resend this message</button>
            </form>`
          : ''
      }
      <h2>Body</h2>
      <pre>${JSON.stringify(m.body, null, 2)}</pre>
      <h2>State trail</h2>
      ${trail(m.history)}
      <h2>Consumer confirms</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">consumer group</th>
            <th scope="col">status</th>
            <th scope="col">attempts</th>
            <th scope="col">last error</th>
            <th scope="col">trail</th>
          </tr>
        </thead>
        <tbody>
          ${m.confirms.map(
            (c) =>
              html`<tr class="status-${c.status}">
                <td>${c.consumerGroup}</td>
                ${statusCell(c.status)}
                <td class="num">${c.consumeCount}</td>
                <td>${c.lastError ?? ''}</td>
                <td>${trail(c.history)}</td>
              </tr>`,
          )}
        </tbody>
      </table>`,
  );
}
