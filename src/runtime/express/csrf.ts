/**
 * Synchronizer-token CSRF protection with the `csrf` package (pillarjs).
 *
 * The secret lives in the session data of a signed-in user, and for anonymous visitors in the
 * signed anonymous cookie (see index.ts), so sign-in and registration forms are protected too
 * (login CSRF). Form tokens are salted (`csrf.create`), so each page gets a fresh-looking token
 * for the same secret; a token only verifies against the secret of the session that made it.
 */
import { foreignOrigin } from './forgery.js';
import Tokens from 'csrf';
import { hash, randomFillSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const tokens = new Tokens({ secretLength: 18, saltLength: 8 });

export function createCsrfSecret(): string {
  return tokens.secretSync();
}

// Salts come from the CSPRNG in batches: one call per 64 tokens instead of one per token.
const SALT_BYTES = 4;
const saltPool = Buffer.alloc(SALT_BYTES * 64);
let saltOffset = saltPool.length;

/**
 * A salted token for `secret`, in the `csrf` package's format (`<salt>-<base64url SHA-1 of
 * "<salt>-<secret>">`), which its `verify` checks. Made here with one-shot hashing: a page with a
 * form makes one per render, and the package's hash stream and three regex replaces were a
 * measurable part of a signed-in page (issue 18). The salt is hex, so it never holds the `-`
 * that `verify` splits on.
 */
export function createCsrfToken(secret: string): string {
  if (!secret || typeof secret !== 'string') throw new TypeError('pow: a CSRF token needs a secret');
  if (saltOffset === saltPool.length) {
    randomFillSync(saltPool);
    saltOffset = 0;
  }
  const salt = saltPool.toString('hex', saltOffset, (saltOffset += SALT_BYTES));
  return `${salt}-${hash('sha1', `${salt}-${secret}`, 'base64url')}`;
}

export function verifyCsrfToken(secret: string | undefined, token: string | undefined): boolean {
  if (!secret || !token || token.length > 256) return false;
  return tokens.verify(secret, token);
}

export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** The token a request presents: `_csrf` in the (parsed) body, else an `X-CSRF-Token` header. */
export function presentedCsrfToken(req: IncomingMessage & { body?: unknown }): string | undefined {
  const body = req.body;
  if (body && typeof body === 'object') {
    const value = (body as Record<string, unknown>)._csrf;
    if (typeof value === 'string') return value;
  }
  for (const name of ['x-csrf-token', 'csrf-token', 'x-xsrf-token']) {
    const value = req.headers[name];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/**
 * Fetch-metadata defence in depth (security bar G4): a state-changing request the browser marks
 * `Sec-Fetch-Site: cross-site` is refused whatever token it carries. Without that header (older
 * browsers, other clients), an `Origin` that is not the app's (the configured `baseUrl`, or the
 * request's own host when none is configured) is refused too: a token that leaked must not work
 * from another site.
 */
export function crossSiteRequest(req: IncomingMessage, allowedOrigin: string | undefined): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site.toLowerCase() === 'cross-site';
  return foreignOrigin(req, allowedOrigin);
}
