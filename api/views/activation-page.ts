import type { Request, Response } from 'express';
import { acceptedLanguages, chooseLocale } from '../../domain/locale';
import type { PageName, PageVariables } from '../../infra/templates/catalog';
import type { RenderedPage, TemplateSet } from '../../infra/templates/template-set';

/**
 * The pages a person reaches from a mail, rendered from their templates (templates/<locale>/<name>.*.hbs)
 * in the language the browser prefers (Accept-Language), else DEFAULT_LOCALE. What each page is for:
 * - `activation-confirm`: the link of a pending registration. Opening it changes nothing (link scanners
 *   open links, run scripts and submit forms that submit themselves); its one button, a plain form
 *   without script, POSTs the token to the same URL.
 * - `activation-done`: the answer to that POST; `already-active`: the link of a token that activated its account.
 * - `link-invalid`: unknown, expired or replaced (or lost by the token store): it offers a new link at once.
 * - `code-entry`, `code-invalid`, `code-limited`: the page for the mail's code and its answers. A wrong
 *   code, a spent one and an address without a registration get the same page, so it tells no one who registered.
 * - `check-inbox`, `resend-invalid`, `resend-limited`: the answers to a request for a new link, the same
 *   for every address, known or not.
 * - `attempt-*`: what became of a registration's mail (api/views/attempt-page.ts).
 */
export function sendPage<N extends PageName>(
  templates: TemplateSet,
  req: Request,
  res: Response,
  name: N,
  variables: PageVariables<N>,
): void {
  sendRenderedPage(res, templates.page(name, pageLocale(templates, req), variables));
}

/** The locale of a page: the first of the browser's languages (Accept-Language) the deployment has, else DEFAULT_LOCALE. */
export const pageLocale = (templates: TemplateSet, req: Request): string =>
  chooseLocale(acceptedLanguages(req.get('accept-language')), templates.locales, templates.defaultLocale);

export function sendRenderedPage(res: Response, page: RenderedPage): void {
  if (page.refresh) res.set('Refresh', page.refresh);
  res.vary('Accept-Language').set('Content-Language', page.locale).type('html').send(page.html);
}
