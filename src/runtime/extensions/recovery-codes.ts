/**
 * Recovery codes of the two-factor extension: ten single-use codes shown once, when two-factor is
 * turned on. Only their SHA-256 is stored. A plain hash is enough because each code carries 80
 * random bits (16 base32 characters): unlike a password there is nothing to guess from a dictionary,
 * and a slow hash would make the ten comparisons of one attempt expensive for no gain.
 *
 * Codes are shown as `xxxx-xxxx-xxxx-xxxx` (lower case, no 0/1/8/9 confusion: base32's alphabet);
 * what a person types is read case-insensitively, with or without dashes and spaces.
 */
import { randomBytes } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { safeEqual, sha256Hex } from '../core/crypto.js';

export const RECOVERY_CODE_COUNT = 10;

/** Ten new codes, as the person sees them. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () =>
    encodeBase32LowerCaseNoPadding(randomBytes(10)).replace(/(.{4})(?=.)/g, '$1-'),
  );
}

/** A typed code in its canonical form (16 base32 characters), or null when it cannot be one. */
export function normalizeRecoveryCode(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const code = input.replace(/[\s-]/g, '').toLowerCase();
  return /^[a-z2-7]{16}$/.test(code) ? code : null;
}

/** What the database keeps of a code (of its canonical form). */
export function recoveryCodeHash(code: string): string {
  return sha256Hex(`pow-recovery-code:${normalizeRecoveryCode(code) ?? code}`);
}

/** The stored list after using `code`, or null when `code` is not one of `hashes`. */
export function useRecoveryCode(hashes: readonly string[], code: string): string[] | null {
  const hash = recoveryCodeHash(code);
  let index = -1;
  hashes.forEach((candidate, i) => {
    if (safeEqual(candidate, hash) && index === -1) index = i;
  });
  if (index === -1) return null;
  return hashes.filter((_, i) => i !== index);
}

export function parseHashes(stored: unknown): string[] {
  if (typeof stored !== 'string') return [];
  try {
    const value: unknown = JSON.parse(stored);
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}
