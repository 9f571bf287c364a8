// How a client signs in to each kind of benchmark server: one full sign-in from an empty cookie
// jar, returning the jar. The request benchmark does this once and reuses the cookie; the sign-in
// benchmark does it over and over.
import { CookieJar, form, request } from './http.mjs';
import { BENCH_USER } from '../servers/common.mjs';

function expectOk(res, what) {
  if (res.status !== 200) throw new Error(`${what}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
}

export const signIn = {
  /** No authentication at all: the ceiling. */
  async bare() {
    return new CookieJar();
  },

  async passport(base, { agent, user = BENCH_USER } = {}) {
    const jar = new CookieJar();
    const res = await request(`${base}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ email: user.email, password: user.password }),
      jar,
      agent,
    });
    expectOk(res, 'passport sign-in');
    return jar;
  },

  /** Better Auth's JSON endpoint, as its client library calls it (with the page's Origin). */
  async betterAuth(base, { agent, user = BENCH_USER } = {}) {
    const jar = new CookieJar();
    const res = await request(`${base}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1' },
      body: JSON.stringify({ email: user.email, password: user.password }),
      jar,
      agent,
    });
    expectOk(res, 'Better Auth sign-in');
    return jar;
  },

  /**
   * pow, as a browser does it: load the sign-in page (anonymous session cookie + CSRF token),
   * then post the form with the token. pow checks CSRF on every non-GET request.
   */
  async pow(base, { agent, user = BENCH_USER } = {}) {
    const jar = new CookieJar();
    const page = await request(`${base}/session/new`, {
      jar,
      agent,
      headers: { accept: 'application/json' },
    });
    expectOk(page, 'pow GET /session/new');
    const { csrfToken } = page.json();
    const res = await request(`${base}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form({ _csrf: csrfToken, user_id: user.email, password: user.password }),
      jar,
      agent,
    });
    // The generated controller redirects (302) after a sign-in, with the new session cookie.
    if (res.status !== 302 || !jar.cookies.size)
      throw new Error(`pow POST /session: HTTP ${res.status} ${res.body.slice(0, 300)}`);
    return jar;
  },
};

/** GET /me with the jar must answer 200 with the bench user's e-mail. */
export async function checkSignedIn(base, jar) {
  const res = await request(`${base}/me`, { jar, headers: { accept: 'application/json' } });
  if (res.status !== 200 || res.json().email !== BENCH_USER.email) {
    throw new Error(`GET /me with the session cookie: HTTP ${res.status} ${res.body.slice(0, 200)}`);
  }
}
