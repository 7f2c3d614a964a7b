/**
 * `seconds` in words in `locale`, rounded down so that a mail never promises more time than there is:
 * "24 hours", "1 hour and 30 minutes", "10 minutes", "45 seconds"; "1 Stunde und 30 Minuten". The words
 * come from the runtime's CLDR data (Intl), so any locale a deployment adds gets them too.
 */
export function durationInWords(seconds: number, locale = 'en'): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const amount = (n: number, unit: 'hour' | 'minute' | 'second') =>
    new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(n);
  if (hours === 0 && minutes === 0) return amount(Math.floor(seconds), 'second');
  const parts = [hours > 0 && amount(hours, 'hour'), minutes > 0 && amount(minutes, 'minute')].filter(
    (p): p is string => typeof p === 'string',
  );
  return new Intl.ListFormat(locale, { type: 'conjunction' }).format(parts);
}
