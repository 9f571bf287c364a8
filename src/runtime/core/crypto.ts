import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes from the CSPRNG, base64url (43 characters). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Shape of a token made by `randomToken()` (32 bytes): anything else is refused without a lookup. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** SHA-256 as lowercase hex: the only form in which tokens reach a store. */
export function sha256Hex(value: string): string {
  // One-shot `hash` (no Hash stream object): this runs on every signed-in request.
  return hash('sha256', value, 'hex');
}

/** Constant-time comparison that is safe for inputs of different lengths. */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const x = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const y = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  if (x.length !== y.length) {
    // Still do a comparison of equal cost so the length is all that leaks.
    timingSafeEqual(x, Buffer.alloc(x.length));
    return false;
  }
  return timingSafeEqual(x, y);
}
