/** A language tag as a register request or a template folder may name it: `de`, `en-GB`, `zh-Hans`. */
export const LOCALE_PATTERN = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3}$/;

/** The languages of an Accept-Language header, most preferred first (q=0 and `*` left out). */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((entry, index) => {
      const [tag, ...params] = entry.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
      return { tag: tag.trim(), q: q ? Number(q[1]) : 1, index };
    })
    .filter((l) => l.q > 0 && LOCALE_PATTERN.test(l.tag))
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((l) => l.tag);
}

/**
 * The first of `candidates` this deployment has templates for, matched without regard to case and, failing
 * that, by its language alone (`de-AT` → `de`); `fallback` when none is.
 */
export function chooseLocale(
  candidates: readonly (string | undefined)[],
  supported: readonly string[],
  fallback: string,
): string {
  const find = (tag: string) => supported.find((s) => s.toLowerCase() === tag.toLowerCase());
  for (const candidate of candidates) {
    if (!candidate) continue;
    const found = find(candidate) ?? find(candidate.split('-')[0]);
    if (found) return found;
  }
  return fallback;
}
