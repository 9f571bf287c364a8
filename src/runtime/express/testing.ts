/**
 * `pow/testing`: helpers for an app's own tests (supertest, fetch).
 *
 *   const cookie = await signInAs(auth, user);
 *   await request(app).get('/dashboard').set('Cookie', cookie).expect(200);
 *
 *   const { cookie, csrfToken } = await sessionFor(auth, user);
 *   await request(app).post('/notes').set('Cookie', cookie).type('form').send({ _csrf: csrfToken, text: 'hi' });
 *
 * The sessions are real (made by the core in the configured store), so they expire, rotate and
 * sign out like ones made through the sign-in form. Use `insecureTestParameters: true` in
 * `createPow` to keep password hashing cheap in tests.
 */
import type { UserRecord } from '../core/types.js';
import type { PowExpress } from './types.js';
import { internalsOf } from './index.js';
import { createCsrfSecret, createCsrfToken } from './csrf.js';
import { SIGNED_IN_AT } from '../core/sessions.js';

export { fakeClock, type FakeClock } from '../core/clock.js';

export interface TestSessionOptions {
  ip?: string;
  userAgent?: string;
}

export interface TestSession {
  /** Value for a `Cookie` request header: `pow_user=<signed token>`. */
  cookie: string;
  /** A CSRF token valid for this session (`_csrf` form field or `X-CSRF-Token` header). */
  csrfToken: string;
  /** The raw session token (what the cookie carries, unsigned). */
  token: string;
}

/** Starts a real session for `user` and returns its cookie and a CSRF token for it. */
export async function sessionFor(
  auth: PowExpress,
  user: UserRecord,
  options: TestSessionOptions = {},
): Promise<TestSession> {
  const internals = internalsOf(auth);
  const secret = createCsrfSecret();
  const { token } = await internals.pow.sessions.create(user, {
    ip: options.ip ?? '127.0.0.1',
    userAgent: options.userAgent ?? 'pow/testing',
    // A sign-in like the form's: it counts as recent for steps that need one (session.reauthenticateMs).
    data: { csrf: secret, [SIGNED_IN_AT]: internals.pow.clock() },
  });
  return {
    cookie: `${internals.cookieName}=${token}`,
    csrfToken: createCsrfToken(secret),
    token,
  };
}

/** Signs `user` in without the form; returns the `Cookie` header value. */
export async function signInAs(
  auth: PowExpress,
  user: UserRecord,
  options: TestSessionOptions = {},
): Promise<string> {
  return (await sessionFor(auth, user, options)).cookie;
}

/**
 * An anonymous visitor's cookie and CSRF token, for posting to the sign-in or registration
 * form without loading the page first.
 */
export function anonymousSession(auth: PowExpress): { cookie: string; csrfToken: string } {
  const internals = internalsOf(auth);
  const secret = createCsrfSecret();
  const value = Buffer.from(JSON.stringify({ c: secret }), 'utf8').toString('base64url');
  return {
    cookie: `${internals.anonCookieName}=${internals.anonSigner.sign(value)}`,
    csrfToken: createCsrfToken(secret),
  };
}

/** Joins several `Cookie` values (e.g. a user and an admin session) into one header value. */
export function joinCookies(...cookies: Array<string | undefined | null>): string {
  return cookies.filter((c): c is string => typeof c === 'string' && c.length > 0).join('; ');
}

/**
 * A tiny cookie jar for supertest: feed it each response's Set-Cookie headers, send
 * `jar.header()` as the next request's Cookie. Deleted cookies (Max-Age=0) are dropped.
 */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  store(setCookie: string | string[] | undefined): this {
    const lines = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
    for (const line of lines) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return this;
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}
