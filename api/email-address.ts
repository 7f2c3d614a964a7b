import { z } from 'zod';

const LOCAL_CHAR = "[A-Za-z0-9_'+.-]";
/** Letters, digits and hyphens, neither first nor last, and not a hyphen in both the 3rd and 4th place. */
const LABEL =
  '[A-Za-z0-9](?:[A-Za-z0-9-]?[A-Za-z0-9]|[A-Za-z0-9-]{2}[A-Za-z0-9]|' +
  '[A-Za-z0-9-](?:[A-Za-z0-9][A-Za-z0-9-]|-[A-Za-z0-9])[A-Za-z0-9-]{0,58}[A-Za-z0-9])?';

/**
 * What the API takes for an e-mail address, and what openapi.json states as its `pattern` beside
 * `format: email`: 1 to 64 characters before the @ (RFC 5321), not starting with a dot nor ending with a
 * dot or an apostrophe; a domain of 1–63-character labels and a top-level domain of 2–63 letters (RFC 1034).
 * A label with "--" in its 3rd and 4th place is refused: `format: email` takes such a label only as valid
 * punycode ("xn--…", RFC 5891), which a pattern cannot state.
 */
export const EMAIL_PATTERN = new RegExp(
  `^(?:[A-Za-z0-9_'+-]${LOCAL_CHAR}{0,62})?[A-Za-z0-9_+-]@(?:${LABEL}\\.)+[A-Za-z]{2,63}$`,
);

/** The rest of `format: email` for this pattern: no two dots in a row before the @ (RFC 5322's dot-atom). */
export const emailAddress = z
  .email({ pattern: EMAIL_PATTERN })
  .max(254)
  .refine((address) => !address.includes('..'), 'Invalid email address');
