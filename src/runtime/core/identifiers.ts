/**
 * Phone numbers as user ids: the one form they are stored and looked up in, and the format rule.
 *
 * Registration, account updates and sign-in all go through `normalizeUserId` (validation.ts),
 * which applies `normalizePhone` to the `phone` field, so "+49 (151) 234-5678" typed at sign-in
 * finds the account registered as "+491512345678".
 *
 * What normalisation does: trim; drop the separators people type (white space including
 * no-break spaces, "-" and the Unicode dashes and minus sign, ".", "/", "(" and ")"); in an
 * international number drop the "(0)" trunk prefix ("+44 (0)20 7946 0000" is "+442079460000",
 * the 0 is never dialled from abroad). A leading "+" is kept; a "+" anywhere else is kept too, so
 * the format rule refuses it instead of silently changing the number.
 *
 * What it does not do, on purpose: guess a country. "0151 2345678" and "+49 151 2345678" stay
 * two different identifiers (pow has no country context, and a wrong guess would sign people in
 * to someone else's account); "00" is not rewritten to "+" either ("011" in North America).
 * Apps that want one canonical form should ask for the international format (+ and country code).
 *
 * Format rule: at most one "+", only at the start, then 7 to 15 digits (E.164 allows at most 15
 * digits; 7 rules out typos and short codes while keeping short national numbers).
 */

/** Fewest digits a phone number may have. */
export const PHONE_MIN_DIGITS = 7;
/** Most digits a phone number may have (E.164). */
export const PHONE_MAX_DIGITS = 15;

const SEPARATORS = /[\s./()\u2010-\u2015\u2212-]/gu;
const TRUNK_ZERO = /\(\s*0\s*\)/gu;
const PHONE_FORMAT = new RegExp(`^\\+?[0-9]{${PHONE_MIN_DIGITS},${PHONE_MAX_DIGITS}}$`);

/** The stored form of a phone number: `" +49 (0)151 234-5678 "` → `"+491512345678"`. */
export function normalizePhone(value: string): string {
  let phone = value.trim();
  if (phone.startsWith('+')) phone = phone.replace(TRUNK_ZERO, '');
  return phone.replace(SEPARATORS, '');
}

/** True when a normalised phone number is an optional "+" and 7 to 15 digits. */
export function isValidPhone(normalized: string): boolean {
  return PHONE_FORMAT.test(normalized);
}

/** The i18n key of a normalised phone number's problem, or null when it is fine. */
export function phoneFormatError(normalized: string): 'errors.invalid_phone' | null {
  return isValidPhone(normalized) ? null : 'errors.invalid_phone';
}
