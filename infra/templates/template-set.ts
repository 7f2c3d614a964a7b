import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import {
  type LAYOUTS,
  mailFile,
  pageFile,
  PARTIALS,
  templateFiles,
  type MailName,
  type MailVariables,
  type PageName,
  type PageVariables,
} from './catalog';
import { checkTemplate } from './check';
import { chooseLocale, LOCALE_PATTERN } from '../../domain/locale';

/** The templates that ship with the product: templates/ at the package's root (from the sources or from dist/). */
export function builtInTemplatesDir(): string {
  const candidates = [join(__dirname, '..', '..', 'templates'), join(__dirname, '..', '..', '..', 'templates')];
  return candidates.find((dir) => existsSync(join(dir, 'en'))) ?? candidates[0];
}

/** A template set that cannot be used: every problem, each as `file:line: what`. */
export class TemplateError extends Error {
  constructor(readonly problems: string[]) {
    super(`Refusing to start: the mail and page templates have ${problems.length} problem(s):\n${problems.join('\n')}`);
    this.name = 'TemplateError';
  }
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  /** The locale it was rendered in (the asked one, or the default when the deployment has no such locale). */
  locale: string;
  /** The content hash of the files it was rendered from (docs/templates.md). */
  version: string;
}

export interface RenderedPage {
  title: string;
  html: string;
  locale: string;
  version: string;
  /** When the page reloads itself: its meta refresh's content, which its answer also sends as a `Refresh` header. */
  refresh?: string;
}

/** Where one locale's file came from. */
export interface ResolvedFile {
  path: string;
  /** `override` (MAIL_TEMPLATES_DIR), `built-in` (templates/), or `fallback` (the default locale's file). */
  origin: 'override' | 'built-in' | 'fallback';
  content: string;
}

export interface TemplateSetOptions {
  defaultLocale: string;
  /** MAIL_TEMPLATES_DIR: `<locale>/<file>` files that replace built-in ones, or add a locale. */
  overridesDir?: string;
  builtInDir?: string;
  /** Told once per file a locale lacks, at load. */
  onFallback?: (fallback: { locale: string; file: string; usedLocale: string }) => void;
}

type Compiled = Handlebars.TemplateDelegate<Record<string, unknown>>;

const TEXT_PARTS = /\.(subject|text|title)\.hbs$/;

const localesIn = (dir: string | undefined) =>
  dir && existsSync(dir)
    ? readdirSync(dir).filter((name) => LOCALE_PATTERN.test(name) && statSync(join(dir, name)).isDirectory())
    : [];

const readIfExists = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

const hashOf = (files: { name: string; content: string }[]) => {
  const hash = createHash('sha256');
  for (const { name, content } of files) hash.update(`${name}\0${content}\0`);
  return hash.digest('hex').slice(0, 12);
};

/** Where each file of a locale is read from: MAIL_TEMPLATES_DIR, else templates/. */
function ownFile(dirs: { overridesDir?: string; builtInDir: string }, locale: string, file: string) {
  for (const [dir, origin] of [
    [dirs.overridesDir, 'override'],
    [dirs.builtInDir, 'built-in'],
  ] as const) {
    if (!dir) continue;
    const path = join(dir, locale, file);
    const content = readIfExists(path);
    if (content !== undefined) return { path, origin, content } satisfies ResolvedFile;
  }
  return undefined;
}

/**
 * Each locale's files: its own (override, else built in), else the default locale's, told to
 * `onFallback`. What is wrong with the directories (a missing default file, a file that is no template)
 * goes to `problems`.
 */
function resolveFiles(
  options: TemplateSetOptions & { builtInDir: string },
  locales: string[],
  problems: string[],
): Map<string, Map<string, ResolvedFile>> {
  const { overridesDir, defaultLocale, builtInDir } = options;
  const catalog = templateFiles();
  const known = new Set(catalog.map((t) => t.file));
  for (const locale of localesIn(overridesDir)) {
    for (const file of readdirSync(join(overridesDir!, locale))) {
      if (!known.has(file)) problems.push(`${join(overridesDir!, locale, file)}: not a template this product renders`);
    }
  }
  const resolved = new Map<string, Map<string, ResolvedFile>>();
  for (const locale of [defaultLocale, ...locales.filter((l) => l !== defaultLocale)]) {
    const files = new Map<string, ResolvedFile>();
    for (const { file } of catalog) {
      const found = ownFile(options, locale, file);
      if (found) files.set(file, found);
      else if (locale === defaultLocale) {
        problems.push(`${join(builtInDir, locale, file)}: missing (DEFAULT_LOCALE needs every template)`);
      } else {
        const fallback = resolved.get(defaultLocale)?.get(file);
        if (fallback) files.set(file, { ...fallback, origin: 'fallback' });
        options.onFallback?.({ locale, file, usedLocale: defaultLocale });
      }
    }
    resolved.set(locale, files);
  }
  return resolved;
}

/**
 * One locale's files compiled, its partials registered; then each rendered once with every declared
 * variable, for what Handlebars only finds when it runs (problems go to `problems`).
 */
function compileLocale(locale: string, files: Map<string, ResolvedFile>, problems: string[]) {
  const env = Handlebars.create();
  const byFile = new Map<string, Compiled>();
  const catalog = templateFiles();
  for (const template of catalog) {
    const fn = env.compile<Record<string, unknown>>(files.get(template.file)!.content, {
      strict: true,
      knownHelpersOnly: true,
      noEscape: TEXT_PARTS.test(template.file),
    });
    byFile.set(template.file, fn);
    if (template.partial) env.registerPartial(template.partial, fn);
  }
  for (const template of catalog) {
    const sample = Object.fromEntries(template.variables.map((v) => [v, v]));
    try {
      byFile.get(template.file)!({ ...sample, lang: locale });
    } catch (err) {
      problems.push(`${files.get(template.file)!.path}: ${(err as Error).message}`);
    }
  }
  return byFile;
}

/**
 * Reads, checks and compiles every template of every locale (built-in and overriding), or throws a
 * TemplateError naming each file and line that is wrong. A locale's missing file is the default
 * locale's; the default locale must have them all.
 */
export function loadTemplateSet(options: TemplateSetOptions) {
  const builtInDir = options.builtInDir ?? builtInTemplatesDir();
  const { overridesDir, defaultLocale } = options;
  const problems: string[] = [];
  if (overridesDir && !existsSync(overridesDir)) problems.push(`${overridesDir}: MAIL_TEMPLATES_DIR does not exist`);
  const locales = [...new Set([...localesIn(builtInDir), ...localesIn(overridesDir)])].sort();
  if (!locales.includes(defaultLocale)) {
    throw new TemplateError([
      ...problems,
      `DEFAULT_LOCALE ${defaultLocale}: no templates for it (locales found: ${locales.join(', ') || 'none'})`,
    ]);
  }
  const resolved = resolveFiles({ ...options, builtInDir }, locales, problems);

  const checked = new Set<string>();
  for (const files of resolved.values()) {
    for (const template of templateFiles()) {
      const source = files.get(template.file);
      if (!source || checked.has(source.path)) continue;
      checked.add(source.path);
      for (const p of checkTemplate(source.content, template)) problems.push(`${source.path}:${p.line}: ${p.message}`);
    }
  }
  if (problems.length > 0) throw new TemplateError(problems);

  const compiled = new Map([...resolved].map(([locale, files]) => [locale, compileLocale(locale, files, problems)]));
  if (problems.length > 0) throw new TemplateError(problems);

  const localeFor = (asked: string | undefined) => chooseLocale([asked], locales, defaultLocale);
  const versionOf = (locale: string, files: string[]) => {
    const sources = resolved.get(locale)!;
    return hashOf(files.map((name) => ({ name, content: sources.get(name)!.content })));
  };
  const partialFiles = Object.keys(PARTIALS).map((p) => `${p}.html.hbs`);
  const run = (locale: string, file: string, variables: Record<string, unknown>) =>
    compiled.get(locale)!.get(file)!({ ...variables, lang: locale });
  const layoutFile = (layout: keyof typeof LAYOUTS) => `${layout}.html.hbs`;

  return {
    defaultLocale,
    /** Every locale with templates, sorted. */
    locales,
    /** The content hash of every file of every locale: changes with any template. */
    version: hashOf(
      [...resolved].flatMap(([locale, files]) =>
        [...files].map(([file, f]) => ({ name: `${locale}/${file}`, content: f.content })),
      ),
    ),
    /** Where each file of a locale comes from. */
    files: (locale: string): ReadonlyMap<string, ResolvedFile> => resolved.get(localeFor(locale))!,
    /** The locale a mail or page asked for in `asked` is rendered in. */
    localeFor,

    mail<N extends MailName>(name: N, asked: string | undefined, variables: MailVariables<N>): RenderedMail {
      const locale = localeFor(asked);
      const subject = run(locale, mailFile(name, 'subject'), variables).trim();
      const body = run(locale, mailFile(name, 'html'), variables);
      const used = [
        mailFile(name, 'subject'),
        mailFile(name, 'text'),
        mailFile(name, 'html'),
        layoutFile('mail-layout'),
        ...partialFiles,
      ];
      return {
        subject,
        text: run(locale, mailFile(name, 'text'), variables),
        html: run(locale, layoutFile('mail-layout'), { title: subject, body }),
        locale,
        version: versionOf(locale, used),
      };
    },

    /** A page; `layout.refresh` makes it reload itself (the content of a meta refresh). */
    page<N extends PageName>(
      name: N,
      asked: string | undefined,
      variables: PageVariables<N>,
      layout: { refresh?: string } = {},
    ): RenderedPage {
      const locale = localeFor(asked);
      const title = run(locale, pageFile(name, 'title'), variables).trim();
      const body = run(locale, pageFile(name, 'html'), variables);
      const used = [pageFile(name, 'title'), pageFile(name, 'html'), layoutFile('page-layout'), ...partialFiles];
      return {
        title,
        html: run(locale, layoutFile('page-layout'), { title, body, refresh: layout.refresh ?? '' }),
        locale,
        version: versionOf(locale, used),
        ...(layout.refresh ? { refresh: layout.refresh } : {}),
      };
    },
  };
}

export type TemplateSet = ReturnType<typeof loadTemplateSet>;

