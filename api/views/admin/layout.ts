import { Html, html } from '../html';
import type { Column } from '../table';

const style = `
body{font-family:system-ui,sans-serif;margin:0;line-height:1.4;color:#1b1b1b}
header{background:#243447;color:#fff;padding:.5rem 1rem;display:flex;gap:1.5rem;align-items:center;flex-wrap:wrap}
header a{color:#fff}header form{margin-left:auto}
main{padding:1rem;max-width:80rem}
table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}
.status-DEAD td{background:#fde7ea}.DEAD,tr td.DEAD{background:#b00020;color:#fff;font-weight:bold}
.notice{background:#e6f4ea;border:1px solid #34a853;padding:.5rem}.error{background:#fde7ea;border:1px solid #b00020;padding:.5rem}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end}form.filters label{display:flex;flex-direction:column;font-size:.9rem}
a:focus,button:focus,input:focus,select:focus{outline:3px solid #f9a825;outline-offset:1px}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere}
`;

export interface PageContext {
  /** The session's CSRF token; absent on the login page. */
  csrfToken?: string;
}

/** The hidden field every console form carries. */
export const csrfField = (ctx: PageContext) => html`<input type="hidden" name="_csrf" value="${ctx.csrfToken}" />`;

/** A console page: navigation and logout when signed in. No script anywhere, so the CSP needs none. */
export function layout(title: string, ctx: PageContext, body: Html): string {
  const nav = ctx.csrfToken
    ? html`<nav aria-label="Console">
          <a href="/admin">Overview</a> · <a href="/admin/messages">Messages</a> ·
          <a href="/admin/resend-dead">Resend dead</a> · <a href="/admin/registrations">Find a registration</a> ·
          <a href="/admin/suppressions">Suppressions</a> ·
          <a href="/admin/templates">Templates</a>
        </nav>
        <form method="post" action="/admin/logout">${csrfField(ctx)}<button type="submit">Log out</button></form>`
    : '';
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width" />
        <title>${title} · reliable-signup console</title>
        <style>
          ${new Html(style)}
        </style>
      </head>
      <body>
        <header><strong>reliable-signup console</strong>${nav}</header>
        <main>
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html>`.value;
}

/** The class of a cell showing a status: DEAD stands out. */
export const statusClass = (status: string) => (status === 'DEAD' ? 'DEAD' : undefined);

/** The `status` column of a table of records that have one. */
export const statusColumn = <Row extends { status: string }>(): Column<Row> => ({
  header: 'status',
  cell: (row) => row.status,
  class: (row) => statusClass(row.status),
});

export const time = (at: Date | string | undefined) => {
  if (!at) return '';
  const iso = new Date(at).toISOString();
  return html`<time datetime="${iso}">${iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</time>`;
};
