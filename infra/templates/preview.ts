import { MAIL_TEMPLATES, PAGE_TEMPLATES, type MailName, type PageName } from './catalog';
import { dateTimeInWords } from './date-time';
import { durationInWords } from './duration';
import type { TemplateSet } from './template-set';

/** A template as the console's preview names it: a mail or a page. */
export type PreviewName = MailName | PageName;

export const PREVIEW_NAMES = [...Object.keys(MAIL_TEMPLATES), ...Object.keys(PAGE_TEMPLATES)] as PreviewName[];

export const isPreviewName = (name: unknown): name is PreviewName =>
  typeof name === 'string' && (PREVIEW_NAMES as string[]).includes(name);

const isMail = (name: PreviewName): name is MailName => name in MAIL_TEMPLATES;

/**
 * Sample values for every variable, of the shape real ones have: a link and a code that activate
 * nothing, and a login name with markup in it, to show that it is escaped.
 */
function sample(name: PreviewName, locale: string) {
  const base = 'https://signup.example.com';
  const sentAt = new Date('2026-12-03T12:00:02Z');
  return {
    loginName: '<b>alice</b>',
    link: `${base}/api/users/activate/preview-token-that-activates-nothing-000000`,
    code: '123456',
    codePage: `${base}/activate/code`,
    validFor: durationInWords(24 * 3600, locale),
    timeLeft: durationInWords(6 * 3600 + 30 * 60, locale),
    token: 'preview-token-that-activates-nothing-000000',
    // The attempt pages: the status their name says, a mail accepted at a fixed moment.
    status: name.startsWith('attempt-') ? name.slice('attempt-'.length).toUpperCase() : '',
    sentAt: sentAt.toISOString(),
    sentAtText: dateTimeInWords(sentAt, locale),
    refreshSeconds: '5',
  };
}

/** A template rendered with sample data: its subject or title, its text part (mails), its HTML, locale and version. */
export interface Preview {
  kind: 'mail' | 'page';
  title: string;
  text?: string;
  html: string;
  locale: string;
  version: string;
}

export function renderPreview(templates: TemplateSet, name: PreviewName, asked: string): Preview {
  const locale = templates.localeFor(asked);
  const values = sample(name, locale);
  if (isMail(name)) {
    const mail = templates.mail(name, locale, values);
    return { kind: 'mail', title: mail.subject, text: mail.text, html: mail.html, locale, version: mail.version };
  }
  const page = templates.page(name, locale, values);
  return { kind: 'page', title: page.title, html: page.html, locale, version: page.version };
}
