import type { PageName } from '../../infra/templates/catalog';
import { dateTimeInWords } from '../../infra/templates/date-time';
import type { RenderedPage, TemplateSet } from '../../infra/templates/template-set';
import { FINAL_ATTEMPT_STATUSES, type AttemptStatus, type AttemptView } from '../services/attempts';

/** How often the page asks again while the mail's fate may still change. */
export const ATTEMPT_PAGE_REFRESH_SECONDS = 5;

/** The template of each status; its words are the page's own, in its locale (the JSON API's `message` is English). */
const ATTEMPT_PAGES = {
  QUEUED: 'attempt-queued',
  SENT: 'attempt-sent',
  DELIVERED: 'attempt-delivered',
  DELAYED: 'attempt-delayed',
  BOUNCED: 'attempt-bounced',
  ACTIVE: 'attempt-active',
} as const satisfies Record<AttemptStatus, PageName>;

/**
 * "Check your inbox", telling what became of the mail (/signup/sent?attempt=…), in `locale`. It reloads
 * itself until the state is final, with no script (the CSP allows none inline): by the page layout's
 * meta refresh, and by the same `Refresh` header, which an overriding layout cannot drop.
 */
export function attemptPage(
  templates: TemplateSet,
  locale: string,
  attempt: string,
  view: Pick<AttemptView, 'status' | 'sentAt'>,
): RenderedPage {
  const final = FINAL_ATTEMPT_STATUSES.includes(view.status);
  const refresh = final
    ? ''
    : `${ATTEMPT_PAGE_REFRESH_SECONDS};url=/signup/sent?attempt=${encodeURIComponent(attempt)}`;
  return templates.page(
    ATTEMPT_PAGES[view.status],
    locale,
    {
      status: view.status,
      sentAt: view.sentAt?.toISOString() ?? '',
      sentAtText: view.sentAt ? dateTimeInWords(view.sentAt, templates.localeFor(locale)) : '',
      refreshSeconds: String(ATTEMPT_PAGE_REFRESH_SECONDS),
    },
    { refresh },
  );
}
