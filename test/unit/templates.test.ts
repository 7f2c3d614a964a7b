/**
 * The mail and page templates (infra/templates, templates/): the built-in English and German sets render
 * every mail with its link, code and validity, escape what comes from the user, fall back file by file
 * to the default locale, take a deployment's overrides file by file, and refuse, naming file and line,
 * a template with a syntax error, an undeclared variable or anything else it could not render safely.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acceptedLanguages, chooseLocale } from '../../domain/locale';
import { PAGE_TEMPLATES, templateFiles, type PageName } from '../../infra/templates/catalog';
import { durationInWords } from '../../infra/templates/duration';
import { loadTemplateSet, TemplateError } from '../../infra/templates/template-set';

const HOUR = 3600;
const LINK = 'https://signup.example.com/api/users/activate/jwLZaoI_p_TiOS7d9YA9jIJo3zk78SercsxYLes5oBc';
const CODE_PAGE = 'https://signup.example.com/activate/code';
const builtIn = loadTemplateSet({ defaultLocale: 'en' });
const activation = (locale: string | undefined, overrides: Partial<Record<string, string>> = {}, set = builtIn) =>
  set.mail('activation', locale, {
    loginName: 'alice',
    link: LINK,
    code: '042917',
    codePage: CODE_PAGE,
    validFor: '24 hours',
    ...overrides,
  });

/** The targets of the HTML part's links. */
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);

/** A MAIL_TEMPLATES_DIR with these `<locale>/<file>` files. */
function overrides(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'templates-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path.split('/')[0]), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** The problems a TemplateError lists for loading with these options, or a failure when it loads. */
function refusal(options: Parameters<typeof loadTemplateSet>[0]): string[] {
  try {
    loadTemplateSet(options);
  } catch (err) {
    if (err instanceof TemplateError) return err.problems;
    throw err;
  }
  throw new Error('the templates loaded');
}

describe('the built-in activation mail, in English', () => {
  const mail = activation('en');

  it('is titled "Activate your account", greets by login name, and says it is English', () => {
    expect(mail.subject).toBe('Activate your account');
    expect(mail.html).toContain('<h2>Activate your account</h2>');
    expect(mail.html).toMatch(/^<!doctype html><html lang="en">/);
    expect(mail.text).toMatch(/^Hello alice,/);
    expect(mail.html).toContain('Hello alice,');
  });

  it('carries the link on a line of its own in the text part, and as the only link of the HTML part', () => {
    expect(mail.text.split('\n')).toContain(LINK);
    expect(hrefs(mail.html)).toEqual([LINK]);
  });

  it('carries the code on a line of its own and the page to enter it on, in both parts', () => {
    expect(mail.text.split('\n')).toContain('042917');
    expect(mail.html).toContain('042917');
    for (const part of [mail.text, mail.html]) expect(part).toContain(CODE_PAGE);
  });

  it('says how long the link is valid, in both parts', () => {
    expect(mail.text).toContain('within 24 hours by opening');
    expect(mail.html).toContain('within 24 hours:');
  });

  it('names the login name it activates, and tells someone who did not register or choose it to ignore it', () => {
    expect(mail.text).toContain('The link and the code activate the account with the login name "alice".');
    expect(mail.html).toContain(
      'The link and the code activate the account with the login name <strong>alice</strong>.',
    );
    for (const part of [mail.text, mail.html])
      expect(part).toContain('If you did not register, or did not choose that login name, ignore this mail');
  });

  it('escapes the login name and the link in the HTML part, and keeps the text part as typed', () => {
    const odd = activation('en', { loginName: '<b>"al"&\'ice\'</b>', link: 'https://example.com/a?x=1&y="2"' });
    expect(odd.html).toContain('Hello &lt;b&gt;&quot;al&quot;&amp;&#x27;ice&#x27;&lt;/b&gt;,');
    expect(odd.html).not.toContain('<b>');
    expect(hrefs(odd.html)).toEqual(['https://example.com/a?x&#x3D;1&amp;y&#x3D;&quot;2&quot;']);
    expect(odd.text).toMatch(/^Hello <b>"al"&'ice'<\/b>,/);
  });
});

describe('every mail, in every built-in locale', () => {
  it.each(['en', 'de'])(
    '%s: the other mails render with their variables, the reminder with its time left',
    (locale) => {
      const reminder = builtIn.mail('reminder', locale, {
        loginName: 'alice',
        link: LINK,
        code: '042917',
        codePage: CODE_PAGE,
        timeLeft: durationInWords(2 * HOUR, locale),
      });
      expect(hrefs(reminder.html)).toEqual([LINK]);
      expect(reminder.text).toContain(durationInWords(2 * HOUR, locale));
      expect(reminder.text.split('\n')).toContain('042917');
      const success = builtIn.mail('success', locale, { loginName: 'alice' });
      expect(success.text).toContain('alice');
      expect(hrefs(success.html)).toEqual([]);
      const notice = builtIn.mail('account-exists', locale, {});
      expect(hrefs(notice.html)).toEqual([]);
      expect(notice.text).not.toMatch(/https?:/);
      for (const mail of [reminder, success, notice]) {
        expect(mail.locale).toBe(locale);
        expect(mail.html).toMatch(new RegExp(`^<!doctype html><html lang="${locale}">`));
      }
    },
  );

  it('in German, where the subject, the words and the duration are German', () => {
    const mail = activation('de', { validFor: durationInWords(24 * HOUR, 'de') });
    expect(mail.subject).toBe('Aktivieren Sie Ihr Konto');
    expect(mail.text).toMatch(/^Hallo alice,/);
    expect(mail.text).toContain('innerhalb von 24 Stunden');
    expect(mail.locale).toBe('de');
  });

  it('a locale the deployment has no templates for is rendered in the default locale; a region in its language', () => {
    expect(activation('fr').locale).toBe('en');
    expect(activation(undefined).locale).toBe('en');
    expect(activation('de-AT').subject).toBe('Aktivieren Sie Ihr Konto');
  });

  it('the version is the content hash of the files used: the same for each rendering, another per locale', () => {
    expect(activation('en').version).toMatch(/^[0-9a-f]{12}$/);
    expect(activation('en', { loginName: 'bob' }).version).toBe(activation('en').version);
    expect(loadTemplateSet({ defaultLocale: 'en' }).mail('success', 'en', { loginName: 'x' }).version).toBe(
      builtIn.mail('success', 'en', { loginName: 'y' }).version,
    );
    expect(activation('de').version).not.toBe(activation('en').version);
  });
});

describe('pages', () => {
  it('the confirm page posts the token, escaped, and is titled as the tests of the link expect', () => {
    const page = builtIn.page('activation-confirm', 'en', { token: 'a"b' });
    expect(page.title).toBe('Activate your account');
    expect(page.html).toContain('<h1>Activate your account</h1>');
    expect(page.html).toContain('action="/api/users/activate/a&quot;b"');
  });

  it('the shared forms come as partials of the locale', () => {
    expect(builtIn.page('link-invalid', 'de', {}).html).toContain('Neuen Aktivierungslink senden');
    expect(builtIn.page('code-limited', 'en', {}).html).toContain('name="code"');
  });

  it('a page reloads itself only when asked to (the layout’s refresh), with the value escaped', () => {
    expect(builtIn.page('check-inbox', 'en', {}).html).not.toContain('http-equiv');
    expect(builtIn.page('attempt-expired', 'de', {}, { refresh: '5;url=/x?a="b' }).html).toContain(
      '<meta http-equiv="refresh" content="5;url&#x3D;/x?a&#x3D;&quot;b">',
    );
  });

  it('both built-in locales have every template of their own, the German pages in German', () => {
    for (const locale of ['en', 'de']) {
      expect([...builtIn.files(locale).values()].filter((f) => f.origin !== 'built-in')).toEqual([]);
    }
    for (const name of Object.keys(PAGE_TEMPLATES) as PageName[]) {
      const variables = { token: 't', status: 'SENT', sentAt: '', sentAtText: '', refreshSeconds: '5' };
      expect(builtIn.page(name, 'de', variables).title).not.toBe(builtIn.page(name, 'en', variables).title);
    }
  });
});

describe('the attempt pages (/signup/sent?attempt=…)', () => {
  const variables = {
    status: 'SENT',
    sentAt: '2026-12-03T12:00:02.000Z',
    sentAtText: 'Dec 3, 2026, 12:00:02 PM UTC',
    refreshSeconds: '5',
  };

  it.each([
    ['attempt-queued', 'Check your inbox', 'Sehen Sie in Ihr Postfach'],
    ['attempt-sent', 'Check your inbox', 'Sehen Sie in Ihr Postfach'],
    ['attempt-delivered', 'Check your inbox', 'Sehen Sie in Ihr Postfach'],
    ['attempt-delayed', 'Your mail is delayed', 'Ihre Mail verzögert sich'],
    ['attempt-bounced', 'This address does not accept mail', 'Diese Adresse nimmt keine Mails an'],
    ['attempt-active', 'Your account is active', 'Ihr Konto ist aktiv'],
    ['attempt-expired', 'This page has expired', 'Diese Seite ist abgelaufen'],
    ['attempt-limited', 'Too many requests', 'Zu viele Anfragen'],
  ] as const)('%s is titled "%s", in German "%s"', (name, en, de) => {
    expect(builtIn.page(name, 'en', variables).title).toBe(en);
    expect(builtIn.page(name, 'de', variables).title).toBe(de);
  });

  it('show the status, escaped, and the moment the mail server accepted the mail, when there is one', () => {
    const sent = builtIn.page('attempt-sent', 'en', { ...variables, status: '<b>' });
    expect(sent.html).toContain('<p id="attempt-status" data-status="&lt;b&gt;"><strong>&lt;b&gt;</strong>: ');
    expect(sent.html).toContain(
      'Accepted by our mail server at <time datetime="2026-12-03T12:00:02.000Z">Dec 3, 2026, 12:00:02 PM UTC</time>.',
    );
    expect(sent.html).toContain('This page updates itself every 5 seconds.');
    expect(builtIn.page('attempt-queued', 'de', { ...variables, sentAt: '' }).html).not.toContain('<time');
    expect(builtIn.page('attempt-bounced', 'de', variables).html).not.toContain('aktualisiert sich');
  });

  it('may use only their declared variables: a final one has no refreshSeconds, the problem pages none', () => {
    const dir = overrides({
      'en/attempt-active.html.hbs': '<p>{{status}} every {{refreshSeconds}} s</p>',
      'de/attempt-expired.title.hbs': '{{status}}',
    });
    expect(refusal({ defaultLocale: 'en', overridesDir: dir }).map((p) => p.replace(`${dir}/`, ''))).toEqual([
      'en/attempt-active.html.hbs:1: unknown variable "refreshSeconds" (this template may use: status, sentAt, sentAtText, lang)',
      'de/attempt-expired.title.hbs:1: unknown variable "status" (this template may use: lang)',
    ]);
  });
});

describe('durationInWords', () => {
  it.each([
    [24 * HOUR, '24 hours'],
    [HOUR, '1 hour'],
    [1.5 * HOUR, '1 hour and 30 minutes'],
    [HOUR + 59, '1 hour'],
    [59 * 60, '59 minutes'],
    [90, '1 minute'],
    [59, '59 seconds'],
    [1, '1 second'],
  ])('%d s → %s (rounded down: never more time than there is)', (seconds, words) => {
    expect(durationInWords(seconds)).toBe(words);
  });

  it('in German', () => {
    expect(durationInWords(1.5 * HOUR, 'de')).toBe('1 Stunde und 30 Minuten');
    expect(durationInWords(24 * HOUR, 'de')).toBe('24 Stunden');
  });
});

describe('locale negotiation', () => {
  it('Accept-Language: by weight, then order; q=0 and * left out', () => {
    expect(acceptedLanguages('fr;q=0.5, de-AT, en;q=0.8, *;q=0.1, it;q=0')).toEqual(['de-AT', 'en', 'fr']);
    expect(acceptedLanguages(undefined)).toEqual([]);
  });

  it('the first candidate the deployment has, by tag or by language, else the fallback', () => {
    expect(chooseLocale([undefined, 'fr', 'DE-ch'], ['de', 'en'], 'en')).toBe('de');
    expect(chooseLocale(['fr'], ['de', 'en'], 'en')).toBe('en');
  });
});

describe('overrides (MAIL_TEMPLATES_DIR)', () => {
  it('replace a file of a locale and leave the others built in; the version changes with them', () => {
    const dir = overrides({ 'en/activation.subject.hbs': 'Welcome to Example, {{loginName}}: one more step' });
    const set = loadTemplateSet({ defaultLocale: 'en', overridesDir: dir });
    const mail = activation('en', {}, set);
    expect(mail.subject).toBe('Welcome to Example, alice: one more step');
    expect(mail.text).toMatch(/^Hello alice,/);
    expect(mail.version).not.toBe(activation('en').version);
    expect(set.files('en').get('activation.subject.hbs')?.origin).toBe('override');
    expect(set.files('en').get('activation.text.hbs')?.origin).toBe('built-in');
    expect(activation('de', {}, set).subject).toBe('Aktivieren Sie Ihr Konto');
  });

  it('add a locale; what it lacks comes from the default locale, each file told once', () => {
    const dir = overrides({ 'fr/activation.subject.hbs': 'Activez votre compte' });
    const fallbacks: string[] = [];
    const set = loadTemplateSet({
      defaultLocale: 'en',
      overridesDir: dir,
      onFallback: ({ locale, file }) => fallbacks.push(`${locale}/${file}`),
    });
    expect(set.locales).toEqual(['de', 'en', 'fr']);
    const mail = activation('fr', {}, set);
    expect(mail.subject).toBe('Activez votre compte');
    expect(mail.text).toMatch(/^Hello alice,/);
    expect(mail.html).toMatch(/^<!doctype html><html lang="fr">/);
    expect(fallbacks).toHaveLength(templateFiles().length - 1);
    expect(new Set(fallbacks).size).toBe(fallbacks.length);
    expect(fallbacks).toContain('fr/activation.text.hbs');
  });

  it('may make another locale the default, if it is complete', () => {
    const set = loadTemplateSet({ defaultLocale: 'de' });
    expect(activation(undefined, {}, set).subject).toBe('Aktivieren Sie Ihr Konto');
    expect(
      refusal({ defaultLocale: 'fr', overridesDir: overrides({ 'fr/success.subject.hbs': 'Bravo' }) }),
    ).toContainEqual(
      expect.stringMatching(/fr\/activation\.subject\.hbs: missing \(DEFAULT_LOCALE needs every template\)$/),
    );
    expect(refusal({ defaultLocale: 'it' })).toEqual([
      expect.stringContaining('DEFAULT_LOCALE it: no templates for it'),
    ]);
  });
});

describe('the check at start', () => {
  const refused = (file: string, content: string) => {
    const dir = overrides({ [file]: content });
    return refusal({ defaultLocale: 'en', overridesDir: dir }).map((p) => p.replace(`${dir}/`, ''));
  };

  it('a syntax error: the file and its line', () => {
    expect(
      refused('de/success.html.hbs', '<p>Hallo {{loginName}},</p>\n<p>{{#if loginName}}\nWillkommen</p>\n'),
    ).toEqual([expect.stringMatching(/^de\/success\.html\.hbs:4: syntax error: Expecting .*got 'EOF'$/)]);
    expect(refused('en/success.text.hbs', 'Hello\n{{#if loginName}}x{{/unless}}')).toEqual([
      expect.stringMatching(/^en\/success\.text\.hbs:2: syntax error: if doesn't match unless/),
    ]);
  });

  it('a variable the template does not declare, named with the ones it may use', () => {
    expect(refused('en/success.html.hbs', '<p>Hello {{loginName}},</p>\n<p>your code: {{code}}</p>')).toEqual([
      'en/success.html.hbs:2: unknown variable "code" (this template may use: loginName, lang)',
    ]);
    expect(refused('en/activation.text.hbs', '{{user.name}} {{../link}} {{@root.link}}')).toHaveLength(3);
  });

  it('unescaped output, a helper other than if/unless, an unknown partial, a partial in a text part', () => {
    expect(refused('en/success.html.hbs', '{{{loginName}}}')).toEqual([
      expect.stringMatching(/^en\/success\.html\.hbs:1: "\{\{\{loginName\}\}\}" outputs "loginName" unescaped/),
    ]);
    expect(refused('en/success.html.hbs', '{{#each loginName}}x{{/each}}')).toEqual([
      expect.stringContaining('en/success.html.hbs:1: unknown helper "each"'),
    ]);
    expect(refused('en/success.html.hbs', '{{> footer}}')).toEqual([
      expect.stringContaining('en/success.html.hbs:1: unknown partial "footer"'),
    ]);
    expect(refused('en/success.text.hbs', '{{> code-form}}')).toHaveLength(1);
  });

  it('a file that is not a template of the product (a misspelt name would otherwise be ignored)', () => {
    expect(refused('en/activation.subjekt.hbs', 'x')).toEqual([
      'en/activation.subjekt.hbs: not a template this product renders',
    ]);
  });

  it('every problem at once, not only the first', () => {
    const dir = overrides({ 'en/success.html.hbs': '{{nope}}', 'de/success.html.hbs': '{{#if}}' });
    expect(refusal({ defaultLocale: 'en', overridesDir: dir })).toHaveLength(2);
  });
});
