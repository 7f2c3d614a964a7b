/**
 * Every template a person's mail or page is rendered from, with the variables each may use. The files
 * are `<locale>/<name>.<part>.hbs` (templates/ in the repository, overridable from MAIL_TEMPLATES_DIR);
 * a template that uses a variable not declared here, or a partial not listed here, is refused at start.
 */

/** Mails: a subject, a text part and an HTML part, the HTML part inside `mail-layout`. */
export const MAIL_TEMPLATES = {
  /** The activation mail (tag ACTIVE_USER). */
  activation: ['loginName', 'link', 'code', 'codePage', 'validFor'],
  /** The reminder of a pending activation (tag ACTIVE_USER_REMINDER): the same link and code, and the time left. */
  reminder: ['loginName', 'link', 'code', 'codePage', 'timeLeft'],
  /** The account is active (tag ACTIVE_USER_SUCCESS). */
  success: ['loginName'],
  /** To the owner of an address someone tried to register again (tag ACCOUNT_EXISTS_NOTICE): nothing of the attempt. */
  'account-exists': [],
} as const satisfies Record<string, readonly string[]>;

const FINAL_ATTEMPT_VARIABLES = ['status', 'sentAt', 'sentAtText'] as const;
const ATTEMPT_VARIABLES = [...FINAL_ATTEMPT_VARIABLES, 'refreshSeconds'] as const;

/** Pages a person reaches from a mail or a registration: a title and an HTML body, inside `page-layout`. */
export const PAGE_TEMPLATES = {
  /** A pending registration's link: one button that POSTs the token. */
  'activation-confirm': ['token'],
  /** The account has just been activated. */
  'activation-done': [],
  /** The link of an account that is already active. */
  'already-active': [],
  /** A link that does not work: unknown, expired, replaced. Offers a new one. */
  'link-invalid': [],
  /** The form for the mail's code, and its answers. */
  'code-entry': [],
  'code-invalid': [],
  'code-limited': [],
  /** The answer to a request for a new link: "check your inbox". */
  'check-inbox': [],
  'resend-invalid': [],
  'resend-limited': [],
  /**
   * The page that follows a registration's mail (/signup/sent?attempt=…), one per status of the attempt
   * (api/services/attempts.ts): the status code (`status`, for `#attempt-status`), when the mail server
   * accepted the mail (`sentAt` ISO 8601, `sentAtText` in words of the locale; both empty before) and,
   * while the status may still change, how often the page reloads itself (`refreshSeconds`).
   */
  'attempt-queued': ATTEMPT_VARIABLES,
  'attempt-sent': ATTEMPT_VARIABLES,
  'attempt-delivered': ATTEMPT_VARIABLES,
  'attempt-delayed': ATTEMPT_VARIABLES,
  'attempt-bounced': FINAL_ATTEMPT_VARIABLES,
  'attempt-active': FINAL_ATTEMPT_VARIABLES,
  /** An attempt this server does not know (any more), and a client over the rate limit. */
  'attempt-expired': [],
  'attempt-limited': [],
} as const satisfies Record<string, readonly string[]>;

/**
 * What wraps the HTML parts, and the forms several pages share (used as `{{> resend-form}}`). A
 * layout's `body` is the rendered HTML part, the one value a template may output unescaped (`{{{body}}}`).
 * A page's `refresh` is the content of its meta refresh (`5;url=/signup/sent?attempt=…`), empty for none.
 */
export const LAYOUTS = {
  'mail-layout': ['lang', 'title', 'body'],
  'page-layout': ['lang', 'title', 'body', 'refresh'],
} as const;
export const PARTIALS = { 'resend-form': [], 'code-form': [] } as const satisfies Record<string, readonly string[]>;

export type MailName = keyof typeof MAIL_TEMPLATES;
export type PageName = keyof typeof PAGE_TEMPLATES;
export type MailVariables<N extends MailName> = Record<(typeof MAIL_TEMPLATES)[N][number], string>;
export type PageVariables<N extends PageName> = Record<(typeof PAGE_TEMPLATES)[N][number], string>;

/** Available in every template: the locale it is rendered in (`de`, `en`), e.g. for `lang` attributes. */
export const COMMON_VARIABLES = ['lang'] as const;

/** One template file: its name in a locale's folder, and the variables it may use. */
export interface TemplateFile {
  file: string;
  variables: readonly string[];
  /** A layout: may output `body` unescaped. */
  layout?: boolean;
  /** A partial: included by name from other HTML files. */
  partial?: string;
}

/** Every file of a complete locale. */
export function templateFiles(): TemplateFile[] {
  const files: TemplateFile[] = [];
  for (const [name, variables] of Object.entries(MAIL_TEMPLATES)) {
    for (const part of ['subject', 'text', 'html']) files.push({ file: `${name}.${part}.hbs`, variables });
  }
  for (const [name, variables] of Object.entries(PAGE_TEMPLATES)) {
    for (const part of ['title', 'html']) files.push({ file: `${name}.${part}.hbs`, variables });
  }
  for (const [name, variables] of Object.entries(LAYOUTS)) files.push({ file: `${name}.html.hbs`, variables, layout: true });
  for (const [name, variables] of Object.entries(PARTIALS)) files.push({ file: `${name}.html.hbs`, variables, partial: name });
  return files;
}

export const mailFile = (name: MailName, part: 'subject' | 'text' | 'html') => `${name}.${part}.hbs`;
export const pageFile = (name: PageName, part: 'title' | 'html') => `${name}.${part}.hbs`;
