import type { Config } from '../../config';
import { logger } from '../logger';
import { loadTemplateSet, type TemplateSet } from './template-set';

/**
 * The deployment's templates (built-in, MAIL_TEMPLATES_DIR over them), checked: what the worker and the
 * API load at start, failing it with every file and line that is wrong. A file a locale lacks is logged
 * once, here, and taken from DEFAULT_LOCALE.
 */
export function configuredTemplates(config: Pick<Config, 'templates'>): TemplateSet {
  const set = loadTemplateSet({
    defaultLocale: config.templates.defaultLocale,
    overridesDir: config.templates.overridesDir,
    onFallback: ({ locale, file, usedLocale }) =>
      logger.warn({ locale, file, usedLocale }, 'template missing in this locale: the default locale’s is used'),
  });
  logger.info(
    { locales: set.locales, defaultLocale: set.defaultLocale, version: set.version, overridesDir: config.templates.overridesDir },
    'templates loaded',
  );
  return set;
}
