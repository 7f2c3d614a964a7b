import type { TemplateSet } from '../../../infra/templates/template-set';
import { PREVIEW_NAMES, type Preview, type PreviewName } from '../../../infra/templates/preview';
import { html } from '../html';
import { fieldTable, table } from '../table';
import { layout, type PageContext } from './layout';

/** The address of a template's HTML part rendered with sample data, for the preview's frame. */
export const frameUrl = (name: string, locale: string) =>
  `/admin/templates/frame?template=${encodeURIComponent(name)}&locale=${encodeURIComponent(locale)}`;

export const previewUrl = (name: string, locale: string) =>
  `/admin/templates?template=${encodeURIComponent(name)}&locale=${encodeURIComponent(locale)}`;

/**
 * The deployment's templates: each locale with where its files come from (MAIL_TEMPLATES_DIR, built in,
 * or the default locale's for want of its own), and a preview of any template in any locale with sample
 * data: subject or title, text part, and the HTML part in a sandboxed frame (no script, no forms, no
 * requests beyond the page's own inline styles and data: images).
 */
export function templatesPage(
  ctx: PageContext,
  templates: TemplateSet,
  chosen: { name: PreviewName; locale: string; preview: Preview } | undefined,
): string {
  const locales = templates.locales.map((locale) => {
    const files = [...templates.files(locale)];
    const from = (origin: string) => files.filter(([, f]) => f.origin === origin).map(([file]) => file);
    return { locale, override: from('override'), fallback: from('fallback'), builtIn: from('built-in').length };
  });
  const option = (value: string, selected: boolean) =>
    html`<option value="${value}" ${selected ? html`selected` : ''}>${value}</option>`;
  return layout(
    'Templates',
    ctx,
    html`<p>
        Template set version <code>${templates.version}</code>; default locale <code>${templates.defaultLocale}</code>.
        Each mail's confirm records the version of the files it was rendered from (docs/templates.md).
      </p>
      ${table({
        caption: 'Locales and where their files come from',
        columns: [
          { header: 'locale', cell: (l) => l.locale },
          { header: 'built in', cell: (l) => l.builtIn, class: 'num' },
          { header: 'overridden (MAIL_TEMPLATES_DIR)', cell: (l) => l.override.join(', ') },
          { header: 'missing: the default locale’s', cell: (l) => l.fallback.join(', ') },
        ],
        rows: locales,
      })}
      <h2>Preview</h2>
      <form method="get" action="/admin/templates" class="filters">
        <label
          >template
          <select name="template">
            ${PREVIEW_NAMES.map((name) => option(name, name === chosen?.name))}
          </select></label
        >
        <label
          >locale
          <select name="locale">
            ${templates.locales.map((locale) => option(locale, locale === chosen?.locale))}
          </select></label
        >
        <button type="submit">Preview</button>
      </form>
      ${chosen ? preview(chosen.name, chosen.preview) : ''}`,
  );
}

function preview(name: PreviewName, p: Preview) {
  return html`${fieldTable(`${name} in ${p.locale}, with sample data`, [
      { header: p.kind === 'mail' ? 'subject' : 'title', value: p.title },
      { header: 'version', value: html`<code>${p.version}</code>` },
    ])}
    ${
      p.text === undefined
        ? ''
        : html`<h3>Text part</h3>
            <pre>${p.text}</pre>`
    }
    <h3>HTML part</h3>
    <iframe
      sandbox=""
      src="${frameUrl(name, p.locale)}"
      title="${name} in ${p.locale}: HTML part"
      style="width:100%;height:36rem;border:1px solid #ccc"
    ></iframe>`;
}
