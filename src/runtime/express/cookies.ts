/**
 * Cookie reading, writing and HMAC signing for pow's Express layer.
 *
 * Signed value format: `<value>.<base64url HMAC-SHA256(key, value)>`. The key is derived from the
 * pow secret and a purpose string, so a cookie of one kind (or one user type) never verifies as
 * another. Verification is constant-time and happens before any store lookup.
 */
import { deriveSecretKey, equalAt, hmacSha256Base64url } from '../core/crypto.js';

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
  return deriveSecretKey(secret, `express/${purpose}`);
}

const MAC_LENGTH = 43; // base64url of 32 bytes, no padding
/**
 * A signer whose key is derived on first use: give `() => pow.secret` so that a secret read from
 * the environment is read at start-up, not when the app's pow configuration is imported.
 */
export function createSigner(secret: string | (() => string), purpose: string): Signer {
  let keyed: ((value: string) => string) | undefined;
  const mac = (value: string): string =>
    (keyed ??= hmacSha256Base64url(deriveKey(typeof secret === 'function' ? secret() : secret, purpose)))(
      value,
    );
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
