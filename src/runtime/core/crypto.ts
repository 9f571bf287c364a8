import { createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A purpose-bound key derived from the pow secret (computed once, not per request), so that a
 * MAC made for one purpose or user type never verifies for another.
 */
export function deriveSecretKey(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`pow/${purpose}`).digest();
}

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

const BLOCK = 64; // SHA-256 block size in bytes
const SCRATCH = 512;

/**
 * HMAC-SHA256 (RFC 2104) with a fixed key, as unpadded base64url. Same result as
 * `createHmac('sha256', key).update(value).digest('base64url')` (tested), built on Node's one-shot
 * `hash` so that no Hmac stream object or Buffer is made per call: every signed-in request
 * verifies one cookie, and those objects were a measurable share of its cost. The padded keys are
 * computed once; messages up to SCRATCH bytes go through reused buffers (`hash` is synchronous,
 * so nothing can touch them in between).
 */
export function hmacSha256Base64url(key: Buffer): (value: string) => string {
  const block = Buffer.alloc(BLOCK);
  (key.length > BLOCK ? hash('sha256', key, 'buffer') : key).copy(block);
  const inner = Buffer.alloc(BLOCK + SCRATCH);
  const outer = Buffer.alloc(BLOCK + 32);
  for (let i = 0; i < BLOCK; i++) {
    inner[i] = block[i] ^ 0x36;
    outer[i] = block[i] ^ 0x5c;
  }
  block.fill(0);
  const innerViews: Buffer[] = [];
  return (value) => {
    // `write` stops at the buffer's end; only a message that filled it can have been cut short.
    const length = inner.write(value, BLOCK, 'utf8');
    let message: Buffer;
    if (length < SCRATCH - 3 || Buffer.byteLength(value, 'utf8') === length) {
      message = innerViews[length] ??= inner.subarray(0, BLOCK + length);
    } else {
      message = Buffer.concat([inner.subarray(0, BLOCK), Buffer.from(value, 'utf8')]);
    }
    outer.write(hash('sha256', message, 'binary'), BLOCK, 'latin1');
    return hash('sha256', outer, 'base64url');
  };
}

/** Constant-time equality of `expected` and the same-length slice of `text` at `offset`. */
export function equalAt(expected: string, text: string, offset: number): boolean {
  let difference = 0;
  for (let i = 0; i < expected.length; i++)
    difference |= expected.charCodeAt(i) ^ text.charCodeAt(offset + i);
  return difference === 0;
}
