/**
 * A moment in words of `locale`, in UTC (the server does not know the reader's time zone, and says so):
 * "Dec 3, 2026, 12:00:02 PM UTC", "03.12.2026, 12:00:02 UTC". From the runtime's CLDR data (Intl), as
 * durations are.
 */
export function dateTimeInWords(at: Date, locale = 'en'): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'long', timeZone: 'UTC' }).format(at);
}
