/**
 * Validation rules of the runtime core: e-mail format (a port of Pow's RFC 3696-based
 * validator), user id normalisation and the password policy (NIST 800-63B-4: length only,
 * no composition rules, no truncation, no trimming, NFKC normalisation, a blocklist of common
 * passwords).
 */
import type { FieldErrors } from './types.js';
import { addError } from './errors.js';
import { isCommonPassword } from './blocklist.js';
import { normalizePhone, phoneFormatError } from './identifiers.js';

export const DEFAULT_MIN_PASSWORD_LENGTH = 15;
export const MIN_PASSWORD_LENGTH_FLOOR = 8;
export const DEFAULT_MAX_PASSWORD_BYTES = 4096;
/**
 * Longest accepted user id value (characters): 254, the longest deliverable e-mail address (RFC
 * 5321's 256-octet path less its angle brackets, errata 1690).
 */
export const MAX_USER_ID_LENGTH = 254;

export interface ResolvedPasswordPolicy {
  minLength: number;
  maxBytes: number;
  blocklist: boolean;
}

const LOCAL_CHARS = /^[\p{L}\p{M}\p{N}!#$%&'*+\-/=?^_`{|}~.]+$/u;
const LABEL_CHARS = /^[\p{L}\p{M}\p{N}-]+$/u;

/** Pow's comment stripping: one `( … )` at the start and one at the end (greedy, like Pow's regex). */
function stripComments(part: string): string {
  return part.replace(/^\(.*\)|\(.*\)$/g, '');
}

/**
 * A port of Pow's `validate_email/1` (RFC 3696 section 3), checked against Pow's own test table
 * (test/unit/runtime-validation.test.ts): split at the last "@"; local part 1–64 characters; a
 * fully quoted local part (`"Fred\ Bloggs"`, backslash escapes included) skips the local checks;
 * otherwise comments at either end and one quoted segment at the start (`"a".b`) or end (`b."a"`)
 * are stripped and what is left may hold no quote, no consecutive dots and only letters, marks,
 * digits and `` !#$%&'*+-/=?^_`{|}~. ``; domain labels 1–63 characters of letters, marks, digits
 * and "-", not starting or ending with "-"; the top-level label is not all digits; IP literals are
 * refused. Single-label domains (`user@localhost`) are accepted, as in Pow.
 *
 * Stricter than Pow, on purpose: no CR, LF or other control character anywhere (a header
 * injection through a mailer), no "," (Pow's character class lets it through by accident: a
 * second recipient), no leading or trailing dot, and the whole address is at most 254 characters
 * (Pow checks only the domain, up to 255: an address no mail can be delivered to).
 */
export function isValidEmail(email: string): boolean {
  if (typeof email !== 'string' || email.length > MAX_USER_ID_LENGTH * 4) return false;
  if (/\p{Cc}/u.test(email)) return false;
  const at = email.lastIndexOf('@');
  if (at < 0) return false;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length === 0 || [...local].length > 64) return false;
  if ([...email].length > MAX_USER_ID_LENGTH) return false;
  if (!isValidLocalPart(local)) return false;
  return isValidDomain(domain);
}

function isValidLocalPart(local: string): boolean {
  if (/^"[^"]+"$/.test(local)) return true;
  const sanitized = stripComments(local).replace(/^".*"$|^".*"\.|\.".*"$/g, '');
  if (sanitized.length === 0) return false;
  if (sanitized.startsWith('.') || sanitized.endsWith('.') || sanitized.includes('..')) return false;
  return LOCAL_CHARS.test(sanitized);
}

function isValidDomain(domain: string): boolean {
  const sanitized = stripComments(domain);
  if (sanitized.length === 0 || sanitized.startsWith('[')) return false;
  const labels = sanitized.split('.');
  for (const label of labels) {
    const length = [...label].length;
    if (length < 1 || length > 63) return false;
    if (!LABEL_CHARS.test(label) || label.startsWith('-') || label.endsWith('-')) return false;
  }
  const tld = labels[labels.length - 1];
  return labels.length === 1 || !/^[0-9]+$/.test(tld);
}

export { normalizePhone } from './identifiers.js';

/**
 * Normalises a user id value as stored and looked up: trimmed and lower-cased (every user id
 * field, as Pow does); `phone` additionally drops the separators people type (identifiers.ts).
 * Non-string values are returned unchanged.
 */
export function normalizeUserId(field: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim().toLowerCase();
  return field === 'phone' ? normalizePhone(trimmed) : trimmed;
}

/** Why a typed user id value is refused: an i18n key (`errors.*`) and its params. */
export interface UserIdProblem {
  key: 'errors.too_long' | 'errors.invalid_email' | 'errors.invalid_format' | 'errors.invalid_phone';
  params?: { count: number };
}

export type UserIdCheck = { ok: true; value: string } | { ok: false; problem: UserIdProblem };

/**
 * The one check of a typed user id value, wherever it comes from: registration, the edit-account
 * form, an invitation, the address an invitee picks, an e-mail change, and every address pow
 * mails. Normalised (`normalizeUserId`), then at most `MAX_USER_ID_LENGTH` characters, then the
 * field's format rule. Blank values are the caller's business (required or not).
 */
export function checkUserId(field: string, raw: unknown): UserIdCheck {
  if (typeof raw !== 'string') return { ok: false, problem: { key: 'errors.invalid_format' } };
  const value = normalizeUserId(field, raw) as string;
  if (codePointLength(value) > MAX_USER_ID_LENGTH)
    return { ok: false, problem: { key: 'errors.too_long', params: { count: MAX_USER_ID_LENGTH } } };
  const key = userIdFormatError(field, value);
  return key ? { ok: false, problem: { key } } : { ok: true, value };
}

/** Format rules per well-known user id field. Returns the i18n key of the problem, or null. */
export function userIdFormatError(
  field: string,
  value: string,
): 'errors.invalid_email' | 'errors.invalid_format' | 'errors.invalid_phone' | null {
  if (field === 'email') return isValidEmail(value) ? null : 'errors.invalid_email';
  if (field === 'username') {
    // No "@" (so a username can never equal someone's e-mail) and no whitespace.
    return /^[^\s@]+$/u.test(value) ? null : 'errors.invalid_format';
  }
  if (field === 'phone') return phoneFormatError(value);
  return null;
}

export function codePointLength(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/**
 * The form of a password that is measured, checked against the blocklist, hashed and verified:
 * Unicode NFKC (NIST 800-63B §5.1.1.2), so "é" typed as one code point (NFC) or as "e" plus a
 * combining accent (NFD) is the same password. Nothing else changes: no case folding, no
 * trimming. Every path that hashes or verifies a password goes through this.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** True when the password is over the byte cap: checked before anything else touches it. */
export function passwordTooLong(password: string, policy: ResolvedPasswordPolicy): boolean {
  // Cheap pre-check: a UTF-16 string of n units has at most 3n UTF-8 bytes.
  if (password.length * 3 <= policy.maxBytes) return false;
  return Buffer.byteLength(password, 'utf8') > policy.maxBytes;
}

/**
 * Adds the password's problems to `errors` under `field`. A cap in UTF-8 bytes (checked first on
 * the input as given, so nothing else runs on a huge input, then on the NFKC form that gets
 * hashed), length in Unicode code points of the NFKC form, no composition rules, the blocklist.
 * `context` holds words the password must not equal (e.g. the user's e-mail and username).
 */
export function validatePassword(
  password: unknown,
  policy: ResolvedPasswordPolicy,
  errors: FieldErrors,
  field = 'password',
  context: string[] = [],
): boolean {
  if (typeof password !== 'string' || password.length === 0) {
    addError(errors, field, 'errors.blank');
    return false;
  }
  if (passwordTooLong(password, policy)) {
    addError(errors, field, 'errors.too_long_bytes', { count: policy.maxBytes });
    return false;
  }
  const normalized = normalizePassword(password);
  // NFKC can expand (a ligature becomes several letters): the hashed form obeys the cap too.
  if (normalized !== password && passwordTooLong(normalized, policy)) {
    addError(errors, field, 'errors.too_long_bytes', { count: policy.maxBytes });
    return false;
  }
  if (codePointLength(normalized) < policy.minLength) {
    addError(errors, field, 'errors.too_short', { count: policy.minLength });
    return false;
  }
  if (policy.blocklist && isCommonPassword(normalized, context)) {
    addError(errors, field, 'errors.common_password');
    return false;
  }
  return true;
}
