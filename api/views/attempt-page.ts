import { html } from './html';
import { FINAL_ATTEMPT_STATUSES, type AttemptView } from '../services/attempts';

/** How often the page asks again while the mail's fate may still change. */
export const ATTEMPT_PAGE_REFRESH_SECONDS = 5;

const TITLES: Record<AttemptView['status'], string> = {
  QUEUED: 'Check your inbox',
  SENT: 'Check your inbox',
  DELIVERED: 'Check your inbox',
  DELAYED: 'Your mail is delayed',
  BOUNCED: 'This address does not accept mail',
  ACTIVE: 'Your account is active',
};

const page = (title: string, body: string, refresh: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
  refresh +
  `<title>${title}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:4rem auto;line-height:1.5">` +
  `<h1>${title}</h1>${body}</body></html>`;

/**
 * "Check your inbox", telling what became of the mail (/signup/sent?attempt=…). It refreshes itself with
 * a meta refresh, no script (the CSP allows none inline), until the state is final.
 */
export function attemptPage(attempt: string, view: AttemptView): string {
  const final = FINAL_ATTEMPT_STATUSES.includes(view.status);
  const self = `/signup/sent?attempt=${encodeURIComponent(attempt)}`;
  const refresh = final
    ? ''
    : html`<meta http-equiv="refresh" content="${ATTEMPT_PAGE_REFRESH_SECONDS};url=${self}" />`.value;
  const sent = view.sentAt
    ? html`<p>
        Accepted by our mail server at
        <time datetime="${view.sentAt.toISOString()}">${view.sentAt.toISOString()}</time>.
      </p>`.value
    : '';
  return page(
    TITLES[view.status],
    html`<p id="attempt-status" data-status="${view.status}"><strong>${view.status}</strong>: ${view.message}</p>`
      .value +
      sent +
      (final ? '' : `<p>This page updates itself every ${ATTEMPT_PAGE_REFRESH_SECONDS} seconds.</p>`),
    refresh,
  );
}

/** An attempt this server does not know (any more), or a client over the limit. */
export function attemptProblemPage(kind: 'unknown' | 'limited'): string {
  return kind === 'unknown'
    ? page('This page has expired', '<p>Register again to follow a new mail.</p>', '')
    : page('Too many requests', '<p>Wait a minute, then reload this page.</p>', '');
}
