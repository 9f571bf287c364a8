/**
 * A link's lifetime in words for the mail's language ("1 hour", "48 hours", "7 days", "48 Stunden"),
 * from the token lifetime the extension used. The unit names come from the runtime's ICU data
 * (Intl.NumberFormat), so every language pow ships, and any an app adds, gets them without a
 * catalogue entry.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Whole days from 3 days on (7 days, not 168 hours), whole hours from 1 hour on (48 hours reads
 * better than 2 days for a confirmation), else minutes, rounded down: a mail never promises
 * more time than the token has.
 */
export function formatLifetime(ms: number, locale = 'en'): string {
  let value: number;
  let unit: 'day' | 'hour' | 'minute';
  if (ms >= 3 * DAY && ms % DAY === 0) [value, unit] = [ms / DAY, 'day'];
  else if (ms >= HOUR && ms % HOUR === 0) [value, unit] = [ms / HOUR, 'hour'];
  else [value, unit] = [Math.max(1, Math.floor(ms / MINUTE)), 'minute'];
  let format: Intl.NumberFormat;
  try {
    format = new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' });
  } catch {
    // A locale tag ICU refuses: English rather than no mail.
    format = new Intl.NumberFormat('en', { style: 'unit', unit, unitDisplay: 'long' });
  }
  return format.format(value);
}
