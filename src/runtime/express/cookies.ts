/**
 * Cookie reading, writing and HMAC signing for pow's Express layer.
 *
 * Signed value format: `<value>.<base64url HMAC-SHA256(key, value)>`. The key is derived from the
 * pow secret and a purpose string, so a cookie of one kind (or one user type) never verifies as
 * another. Verification is constant-time and happens before any store lookup.
 */
import { createHmac, hash } from 'node:crypto';

/** Minimal response surface: works with Express 4 and 5 and plain `http.ServerResponse`. */
export interface HeaderTarget {
  getHeader(name: string): number | string | string[] | undefined;
  setHeader(name: string, value: number | string | readonly string[]): unknown;
  readonly headersSent: boolean;
}

/**
 * The value of cookie `name` in a Cookie header, or undefined. The first occurrence wins.
 * Scans the header without building a map (this runs on every request).
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const length = header.length;
  let start = 0;
  while (start < length) {
    let end = header.indexOf(';', start);
    if (end === -1) end = length;
    let i = start;
    while (i < end && (header.charCodeAt(i) === 32 || header.charCodeAt(i) === 9)) i++;
    if (
      end - i > name.length &&
      header.charCodeAt(i + name.length) === 61 /* = */ &&
      header.startsWith(name, i)
    ) {
      let value = header.slice(i + name.length + 1, end).trim();
      if (value.length >= 2 && value.charCodeAt(0) === 34 && value.charCodeAt(value.length - 1) === 34)
        value = value.slice(1, -1);
      return value;
    }
    start = end + 1;
  }
  return undefined;
}

/** True when the Cookie header has a cookie called `name` (cheap pre-check). */
export function hasCookie(header: string | undefined, name: string): boolean {
  return readCookie(header, name) !== undefined;
}

export interface CookieAttributes {
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'Lax' | 'Strict' | 'None';
  path?: string;
  /** Seconds; 0 deletes the cookie. Omitted: a browser-session cookie. */
  maxAge?: number;
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COOKIE_VALUE = /^[!#$%&'()*+\-./0-9:<=>?@A-Z[\]^_`a-z{|}~]*$/;

export function serializeCookie(name: string, value: string, attributes: CookieAttributes = {}): string {
  if (!COOKIE_NAME.test(name)) throw new TypeError(`pow: invalid cookie name "${name}"`);
  if (!COOKIE_VALUE.test(value)) throw new TypeError(`pow: invalid value for cookie "${name}"`);
  let out = `${name}=${value}; Path=${attributes.path ?? '/'}`;
  if (attributes.maxAge !== undefined) {
    out += `; Max-Age=${Math.max(0, Math.floor(attributes.maxAge))}`;
    if (attributes.maxAge <= 0) out += '; Expires=Thu, 01 Jan 1970 00:00:00 GMT';
  }
  if (attributes.httpOnly !== false) out += '; HttpOnly';
  if (attributes.secure) out += '; Secure';
  out += `; SameSite=${attributes.sameSite ?? 'Lax'}`;
  return out;
}

/**
 * Adds a Set-Cookie header, replacing one set earlier in the same response for the same name
 * (so "clear, then set" within one request sends only the last).
 */
export function setCookieHeader(res: HeaderTarget, name: string, serialized: string): void {
  if (res.headersSent) return;
  const existing = res.getHeader('Set-Cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? [...existing] : [String(existing)];
  const prefix = `${name}=`;
  const kept = list.filter((line) => !line.startsWith(prefix));
  kept.push(serialized);
  res.setHeader('Set-Cookie', kept);
}

export interface Signer {
  sign(value: string): string;
  /** The value when the signature is valid, else null. Never throws. */
  unsign(signed: string): string | null;
}

/** Derives a purpose-bound HMAC key from the pow secret (computed once, not per request). */
export function deriveKey(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`pow/express/${purpose}`).digest();
}

const MAC_LENGTH = 43; // base64url of 32 bytes, no padding
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
    const length = Buffer.byteLength(value, 'utf8');
    let message: Buffer;
    if (length <= SCRATCH) {
      inner.write(value, BLOCK, 'utf8');
      message = innerViews[length] ??= inner.subarray(0, BLOCK + length);
    } else {
      message = Buffer.concat([inner.subarray(0, BLOCK), Buffer.from(value, 'utf8')]);
    }
    outer.write(hash('sha256', message, 'binary'), BLOCK, 'latin1');
    return hash('sha256', outer, 'base64url');
  };
}

/** Constant-time equality of `expected` and the same-length slice of `text` at `offset`. */
function equalAt(expected: string, text: string, offset: number): boolean {
  let difference = 0;
  for (let i = 0; i < expected.length; i++)
    difference |= expected.charCodeAt(i) ^ text.charCodeAt(offset + i);
  return difference === 0;
}

export function createSigner(secret: string, purpose: string): Signer {
  const mac = hmacSha256Base64url(deriveKey(secret, purpose));
  return {
    sign(value) {
      return `${value}.${mac(value)}`;
    },
    unsign(signed) {
      if (typeof signed !== 'string' || signed.length > 4096) return null;
      const dot = signed.length - MAC_LENGTH - 1;
      if (dot <= 0 || signed.charCodeAt(dot) !== 46 /* . */) return null;
      // Compared as text with the canonical encoding, so no second spelling of a MAC verifies.
      const value = signed.slice(0, dot);
      return equalAt(mac(value), signed, dot + 1) ? value : null;
    },
  };
}
