/**
 * pow's Express layer over real HTTP (supertest on in-process apps), on Express 5 and Express 4:
 * sessions and cookies, CSRF, user-type isolation, guards and error handling, redirects,
 * flash and i18n, account operations, the pow/testing helpers.
 *
 * Users live in a real SQLite database (Prisma client); sessions in the memory store; time is a
 * fake pow clock (the store follows it).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import express5 from 'express';
import request from 'supertest';
import { createPow, createUser, memoryStore, fakeClock, type FakeClock } from '../../src/runtime/index.js';
import type { Pow, Store } from '../../src/runtime/core/types.js';
import {
  asyncHandler,
  powExpress,
  type PowExpress,
  type PowExpressOptions,
} from '../../src/runtime/express/index.js';
import {
  CookieJar,
  anonymousSession,
  joinCookies,
  sessionFor,
  signInAs,
} from '../../src/runtime/express/testing.js';
import { createTestDatabase, type TestDatabase } from '../helpers/prisma-test-client.js';

const require = createRequire(import.meta.url);
const express4 = require('express4') as typeof express5;

const SECRET = 'test-secret-'.repeat(4);
const PASSWORD = 'correct staple battery horse kayak';
const MIN = 60_000;

type Handler = (req: any, res: any, next: (err?: unknown) => void) => Promise<unknown> | unknown;
/** Express 4 does not forward rejected promises: the test app's async handlers use pow's wrapper. */
const wrap = (fn: Handler) => asyncHandler(fn);

interface CountingStore extends Store {
  calls: Array<{ method: string; namespace: string; key: string }>;
  failGets: boolean;
}

/** Wraps a real store, recording every call (to assert that no lookup happened). */
function countingStore(inner: Store): CountingStore {
  const calls: CountingStore['calls'] = [];
  const wrapped: CountingStore = {
    calls,
    failGets: false,
    get: (ns, key) => {
      calls.push({ method: 'get', namespace: ns, key });
      if (wrapped.failGets) return Promise.reject(new Error('store down'));
      return inner.get(ns, key);
    },
    put: (ns, key, value, ttl) => (
      calls.push({ method: 'put', namespace: ns, key }),
      inner.put(ns, key, value, ttl)
    ),
    delete: (ns, key) => (calls.push({ method: 'delete', namespace: ns, key }), inner.delete(ns, key)),
    all: (ns, prefix) => (calls.push({ method: 'all', namespace: ns, key: prefix }), inner.all(ns, prefix)),
    increment: (ns, key, ttl) => (
      calls.push({ method: 'increment', namespace: ns, key }),
      inner.increment(ns, key, ttl)
    ),
    putIfAbsent: (ns, key, value, ttl) => (
      calls.push({ method: 'putIfAbsent', namespace: ns, key }),
      inner.putIfAbsent(ns, key, value, ttl)
    ),
    useClock: (clock) => inner.useClock?.(clock),
    close: () => inner.close?.() ?? Promise.resolve(),
  };
  return wrapped;
}

interface Setup {
  app: any;
  clock: FakeClock;
  store: CountingStore;
  pow: Pow;
  auth: PowExpress;
  adminPow: Pow;
  admin: PowExpress;
  errors: unknown[];
}

function buildApp(
  expressLib: typeof express5,
  db: TestDatabase,
  options: PowExpressOptions = {},
  adminOptions: PowExpressOptions = {},
): Setup {
  const clock = fakeClock();
  const store = countingStore(memoryStore());
  const base = {
    prisma: db.prisma,
    store,
    secret: SECRET,
    clock: clock.now,
    hashing: { insecureTestParameters: true },
  };
  const pow = createPow(base);
  const adminPow = createPow({ ...base, userType: 'admin' });
  const auth = powExpress(pow, options);
  const admin = powExpress(adminPow, { mountPath: '/admin', ...adminOptions });
  const errors: unknown[] = [];

  const app = expressLib();
  app.set('trust proxy', true);
  app.use(auth.middleware());

  const mountAuthRoutes = (router: any, a: PowExpress, key: string) => {
    router.get('/session/new', a.requireNotAuthenticated, a.page('session', 'new'), (req: any, res: any) => {
      res.json({
        csrf: a.context(req).csrfToken,
        flash: a.context(req).flash,
        page: [a.context(req).controller, a.context(req).action],
      });
    });
    // No requireNotAuthenticated here, so a signed-in client can sign in again (rotation test).
    router.post(
      '/session',
      wrap(async (req, res) => {
        const result = await a.signIn(req, res, req.body?.user_id, req.body?.password);
        if (result.ok) {
          a.flash(req, 'info', 'session.signed_in');
          return res.redirect(a.routes.afterSignInPath(req));
        }
        a.flash(req, 'error', result.messageKey, result.messageParams);
        res
          .status(result.status)
          .json({ flash: a.context(req).flash, retryAfter: result.retryAfterSeconds ?? null });
      }),
    );
    router.delete(
      '/session',
      a.requireAuthenticated,
      wrap(async (req, res) => {
        await a.signOut(req, res);
        a.flash(req, 'info', 'registration.user_has_been_deleted'); // any non-empty text
        res.redirect(a.routes.afterSignOutPath(req));
      }),
    );
    router.get('/protected', a.requireAuthenticated, (req: any, res: any) => {
      res.json({
        email: req[key]?.email ?? null,
        local: res.locals[key]?.email ?? null,
        csrf: a.csrfToken(req),
      });
    });
    router.post('/protected', a.requireAuthenticated, (req: any, res: any) =>
      res.json({ ok: true, method: req.method }),
    );
    router.get('/whoami', (req: any, res: any) =>
      res.json({ email: a.currentUser(req)?.email ?? null, flash: a.context(req).flash }),
    );
    router.post(
      '/registration',
      a.requireNotAuthenticated,
      wrap(async (req, res) => {
        const result = await a.register(req, {
          email: req.body.email,
          password: req.body.password,
          password_confirmation: req.body.password_confirmation,
        });
        if (!result.ok) return res.status(422).json({ errors: a.translateErrors(req, result.errors) });
        await a.startSession(req, res, result.value);
        a.flash(req, 'info', 'registration.user_has_been_created');
        res.redirect(a.routes.afterRegistrationPath(req));
      }),
    );
    router.patch(
      '/registration',
      a.requireAuthenticated,
      wrap(async (req, res) => {
        const result = await a.updateUser(req, req.body);
        if (!result.ok) return res.status(422).json({ errors: a.translateErrors(req, result.errors) });
        a.flash(req, 'info', 'registration.user_has_been_updated');
        res.redirect(a.routes.afterUserUpdatedPath(req));
      }),
    );
    router.delete(
      '/registration',
      a.requireAuthenticated,
      wrap(async (req, res) => {
        await a.deleteUser(req, res);
        a.flash(req, 'info', 'registration.user_has_been_deleted');
        res.redirect(a.routes.afterUserDeletedPath(req));
      }),
    );
  };

  mountAuthRoutes(app, auth, 'currentUser');
  const adminRouter = expressLib.Router();
  adminRouter.use(admin.middleware());
  mountAuthRoutes(adminRouter, admin, 'currentAdmin');
  adminRouter.get('/both', (req: any, res: any) =>
    res.json({
      user: req.currentUser?.email ?? null,
      admin: req.currentAdmin?.email ?? null,
      locals: [res.locals.currentUser?.email ?? null, res.locals.currentAdmin?.email ?? null],
      pow: req.pow.userType,
    }),
  );
  app.use('/admin', adminRouter);
  app.use(auth.errorHandler());
  app.use((err: unknown, _req: any, res: any, _next: any) => {
    errors.push(err);
    res.status(500).json({ error: String((err as Error)?.message ?? err) });
  });
  return { app, clock, store, pow, auth, adminPow, admin, errors };
}

/** GET a page that renders a CSRF token, keeping cookies in the jar; returns the token. */
async function formToken(app: any, jar: CookieJar, path = '/session/new'): Promise<string> {
  const res = await request(app).get(path).set('Cookie', jar.header());
  assert.equal(res.status, 200, `GET ${path}: ${res.status} ${res.text}`);
  jar.store(res.headers['set-cookie']);
  return res.body.csrf as string;
}

async function signInViaForm(
  app: any,
  jar: CookieJar,
  email: string,
  password = PASSWORD,
  prefix = '',
  ip?: string,
) {
  const csrf = await formToken(app, jar, `${prefix}/session/new`);
  let req = request(app).post(`${prefix}/session`).set('Cookie', jar.header()).type('form');
  if (ip) req = req.set('X-Forwarded-For', ip);
  const res = await req.send({ user_id: email, password, _csrf: csrf });
  jar.store(res.headers['set-cookie']);
  return res;
}

function setCookies(res: { headers: Record<string, unknown> }): string[] {
  const value = res.headers['set-cookie'];
  return value === undefined ? [] : Array.isArray(value) ? (value as string[]) : [String(value)];
}

const versions: Array<[string, typeof express5]> = [
  ['Express 5', express5],
  ['Express 4', express4],
];

let db: TestDatabase;
let seq = 0;
const email = (label: string) => `${label}-${++seq}@example.com`;

before(async () => {
  db = await createTestDatabase('sqlite');
});
after(async () => {
  await db?.cleanup();
});

for (const [version, expressLib] of versions) {
  describe(`pow/express on ${version}`, () => {
    let s: Setup;
    before(() => {
      s = buildApp(expressLib, db);
    });
    const newUser = async (label = 'user', pow?: Pow) =>
      createUser(pow ?? s.pow, { email: email(label), password: PASSWORD });

    describe('sessions and cookies', () => {
      it('signs in through the form: cookie attributes, user on req and res.locals, flash after the redirect', async () => {
        const user = await newUser();
        const jar = new CookieJar();
        const res = await signInViaForm(s.app, jar, String(user.email).toUpperCase() + '  ');
        assert.equal(res.status, 302);
        assert.equal(res.headers.location, '/');
        const cookie = setCookies(res).find((c) => c.startsWith('pow_user='));
        assert.ok(cookie, 'session cookie set');
        assert.match(cookie!, /; Path=\//);
        assert.match(cookie!, /; HttpOnly/);
        assert.match(cookie!, /; SameSite=Lax/);
        assert.doesNotMatch(cookie!, /Domain=/i);
        assert.doesNotMatch(cookie!, /Secure/);
        assert.ok(cookie!.length < 4096);
        // The anonymous cookie no longer holds the sign-in form's CSRF secret: it carries only the
        // flash of the redirect, so the sign-in writes its session record once (issue 18).
        const anon = setCookies(res).find((c) => c.startsWith('pow_user_anon='));
        assert.ok(
          anon !== undefined && !/Max-Age=0/.test(anon),
          `the flash rides in the anonymous cookie: ${anon}`,
        );
        assert.notEqual(jar.get('pow_user_anon'), undefined, 'the flash cookie is kept');

        const page = await request(s.app).get('/protected').set('Cookie', jar.header());
        assert.equal(page.status, 200);
        assert.equal(page.body.email, user.email);
        assert.equal(page.body.local, user.email);
        // The next page says so (issue 19: feedback after sign-in).
        const who = await request(s.app).get('/whoami').set('Cookie', jar.header());
        assert.deepEqual(who.body, { email: user.email, flash: { info: 'You are signed in.' } });
        // Shown once: the anonymous cookie is cleared with it.
        assert.ok(
          setCookies(who).some((c) => /^pow_user_anon=;.*Max-Age=0/.test(c)),
          `anonymous cookie cleared: ${setCookies(who).join(' | ')}`,
        );
      });

      it('signed in, the anonymous cookie is checked when the flash is read: a forged one shows nothing and is cleared then', async () => {
        const user = await newUser();
        const { cookie } = await sessionFor(s.auth, user);
        const forged = `pow_user_anon=${Buffer.from(JSON.stringify({ f: { info: { k: 'session.signed_in' } } })).toString('base64url')}.${'A'.repeat(43)}`;
        // A route that shows no flash never looks at it (nothing to answer, nothing to clear).
        const page = await request(s.app).get('/protected').set('Cookie', `${cookie}; ${forged}`);
        assert.equal(page.status, 200);
        assert.equal(page.body.email, user.email);
        assert.ok(
          !setCookies(page).some((c) => c.startsWith('pow_user_anon=')),
          setCookies(page).join(' | '),
        );
        // Reading the flash checks the signature: the forged flash is not shown, and the cookie goes.
        const who = await request(s.app).get('/whoami').set('Cookie', `${cookie}; ${forged}`);
        assert.deepEqual(who.body, { email: user.email, flash: {} });
        assert.ok(
          setCookies(who).some((c) => /^pow_user_anon=;.*Max-Age=0/.test(c)),
          `forged anonymous cookie cleared: ${setCookies(who).join(' | ')}`,
        );
      });

      it('rotates the session at sign-in: new cookie, the old token is anonymous and gone from the store', async () => {
        const user = await newUser();
        const first = await sessionFor(s.auth, user);
        const jar = new CookieJar();
        jar.store(first.cookie);
        const res = await request(s.app)
          .post('/session')
          .set('Cookie', jar.header())
          .type('form')
          .send({ user_id: user.email, password: PASSWORD, _csrf: first.csrfToken });
        assert.equal(res.status, 302);
        jar.store(res.headers['set-cookie']);
        assert.notEqual(jar.get('pow_user'), first.cookie.split('=')[1]);
        assert.equal(await s.pow.sessions.load(first.token), null);
        const old = await request(s.app).get('/whoami').set('Cookie', first.cookie);
        assert.equal(old.body.email, null);
        const current = await request(s.app).get('/whoami').set('Cookie', jar.header());
        assert.equal(current.body.email, user.email);
        // The CSRF token of the old session no longer works with the new one (G3).
        const stale = await request(s.app)
          .post('/protected')
          .set('Cookie', jar.header())
          .type('form')
          .send({ _csrf: first.csrfToken });
        assert.equal(stale.status, 403);
      });

      it('a tampered cookie is anonymous, is cleared, and causes no store lookup', async () => {
        const user = await newUser();
        const cookie = await signInAs(s.auth, user);
        const [name, value] = [cookie.slice(0, cookie.indexOf('=')), cookie.slice(cookie.indexOf('=') + 1)];
        const flipped = (ch: string) => (ch === 'A' ? 'B' : 'A');
        const variants = [
          // One character of the token changed, signature kept.
          `${flipped(value[0])}${value.slice(1)}`,
          // Last character of the signature changed.
          `${value.slice(0, -1)}${flipped(value.slice(-1))}`,
          // No signature at all.
          value.slice(0, value.lastIndexOf('.')),
        ];
        for (const variant of variants) {
          s.store.calls.length = 0;
          const res = await request(s.app).get('/whoami').set('Cookie', `${name}=${variant}`);
          assert.equal(res.body.email, null);
          assert.deepEqual(
            s.store.calls.filter((c) => c.namespace.startsWith('user:')),
            [],
            'no session lookup for a cookie with a bad signature',
          );
          assert.ok(setCookies(res).some((c) => c.startsWith(`${name}=;`) && /Max-Age=0/.test(c)));
        }
        s.store.calls.length = 0;
        const good = await request(s.app).get('/whoami').set('Cookie', cookie);
        assert.equal(good.body.email, user.email);
        assert.ok(s.store.calls.some((c) => c.namespace === 'user:session-token' && c.method === 'get'));
      });

      it('sends the renewed cookie when the core renews the token', async () => {
        const user = await newUser();
        const { cookie } = await sessionFor(s.auth, user);
        s.clock.advance(16 * MIN);
        const res = await request(s.app).get('/protected').set('Cookie', cookie);
        assert.equal(res.status, 200);
        const renewed = setCookies(res).find((c) => c.startsWith('pow_user='));
        assert.ok(renewed, 'a new session cookie');
        const jar = new CookieJar().store(renewed);
        assert.notEqual(jar.header(), cookie);
        s.clock.advance(2 * MIN); // past the grace period of the old token
        assert.equal((await request(s.app).get('/whoami').set('Cookie', cookie)).body.email, null);
        assert.equal(
          (await request(s.app).get('/whoami').set('Cookie', jar.header())).body.email,
          user.email,
        );
      });

      it('an expired session is anonymous; protected pages redirect to sign-in', async () => {
        const user = await newUser();
        const cookie = await signInAs(s.auth, user);
        s.clock.advance(31 * MIN);
        const res = await request(s.app).get('/protected').set('Cookie', cookie);
        assert.equal(res.status, 302);
        assert.equal(res.headers.location, '/session/new?request_path=%2Fprotected');
        assert.ok(setCookies(res).some((c) => c.startsWith('pow_user=;')));
      });

      it('a user deleted in the database is signed out on the next request after auth.refreshUser', async () => {
        const user = await newUser();
        const cookie = await signInAs(s.auth, user);
        await db.prisma.user.delete({ where: { id: user.id } });
        await s.auth.refreshUser(user.id);
        const res = await request(s.app).get('/whoami').set('Cookie', cookie);
        assert.equal(res.body.email, null);
      });
    });

    describe('CSRF', () => {
      it('a stale pow form from the app’s own page comes back fresh; anything else gets a page with a link back', async () => {
        const user = await newUser();
        const mine = await sessionFor(s.auth, user);
        // The browser says the form is the app's own: 303 to the form's page, with a flash, nothing changed.
        const stale = await request(s.app)
          .post('/registration')
          .set('Cookie', mine.cookie)
          .set('Sec-Fetch-Site', 'same-origin')
          .type('form')
          .send({ _method: 'PATCH', _csrf: 'stale-token', email: email('stale') });
        assert.equal(stale.status, 303);
        assert.equal(stale.headers.location, '/registration/edit');
        const who = await request(s.app).get('/whoami').set('Cookie', mine.cookie);
        assert.equal(who.body.email, user.email, 'nothing changed');
        assert.match(who.body.flash.info, /^This form had expired/);

        // Another site's form: no redirect, no flash; a page in pow's stylesheet, a link to the start page.
        const forged = await request(s.app)
          .post('/registration')
          .set('Cookie', mine.cookie)
          .set('Sec-Fetch-Site', 'cross-site')
          .set('Referer', 'https://evil.example/page')
          .type('form')
          .send({ _method: 'PATCH', _csrf: 'stale-token' });
        assert.equal(forged.status, 403);
        assert.match(forged.headers['content-type'], /^text\/html/);
        assert.match(forged.text, /<link rel="stylesheet" href="\/pow\/pow.css">/);
        assert.match(forged.text, /<a href="\/">Go to the start page<\/a>/);
        assert.doesNotMatch(forged.text, /style=|<script/);

        // The app's own form with pow's session, a wrong token and no word from the browser: a link
        // back to the page it was on (same origin only).
        const appForm = await request(s.app)
          .post('/protected')
          .set('Cookie', mine.cookie)
          .set('Host', 'app.test')
          .set('Referer', 'http://app.test/settings?tab=2')
          .type('form')
          .send({ _csrf: 'nope' });
        assert.equal(appForm.status, 403);
        assert.match(appForm.text, /<a href="\/settings\?tab=2">Back<\/a>/);
      });

      it('refuses a state-changing request without a token, with a wrong one, or with another session’s (403)', async () => {
        const user = await newUser();
        const other = await newUser();
        const mine = await sessionFor(s.auth, user);
        const theirs = await sessionFor(s.auth, other);
        // /protected is one of the app's routes: pow reads no body there, the token comes in a header.
        for (const token of [undefined, 'nope', theirs.csrfToken]) {
          const req = request(s.app).post('/protected').set('Cookie', mine.cookie).type('form');
          if (token !== undefined) req.set('X-CSRF-Token', token);
          const res = await req.send({ _csrf: mine.csrfToken });
          assert.equal(res.status, 403, String(token));
          assert.match(res.text, /<h1 id="pow-title">This form could not be sent<\/h1>/);
        }
        const ok = await request(s.app)
          .post('/protected')
          .set('Cookie', mine.cookie)
          .set('X-CSRF-Token', mine.csrfToken)
          .type('form')
          .send({ a: '1' });
        assert.deepEqual(ok.body, { ok: true, method: 'POST' });
        // On pow's own routes the token of the form body counts.
        for (const body of [{}, { _csrf: 'nope' }, { _csrf: theirs.csrfToken }]) {
          const res = await request(s.app)
            .post('/session')
            .set('Cookie', mine.cookie)
            .type('form')
            .send({ ...body, _method: 'DELETE' });
          assert.equal(res.status, 403, JSON.stringify(body));
        }
        const header = await request(s.app)
          .post('/protected')
          .set('Cookie', mine.cookie)
          .set('X-CSRF-Token', mine.csrfToken);
        assert.equal(header.status, 200);
      });

      it('protects the sign-in and registration forms of anonymous visitors (login CSRF)', async () => {
        const user = await newUser();
        const noToken = await request(s.app)
          .post('/session')
          .type('form')
          .send({ user_id: user.email, password: PASSWORD });
        assert.equal(noToken.status, 403);
        const reg = await request(s.app)
          .post('/registration')
          .type('form')
          .send({ email: email('new'), password: PASSWORD, password_confirmation: PASSWORD });
        assert.equal(reg.status, 403);
        // Someone else's anonymous token does not work with this visitor's cookie.
        const a = anonymousSession(s.auth);
        const b = anonymousSession(s.auth);
        const cross = await request(s.app)
          .post('/session')
          .set('Cookie', a.cookie)
          .type('form')
          .send({ user_id: user.email, password: PASSWORD, _csrf: b.csrfToken });
        assert.equal(cross.status, 403);
        const good = await request(s.app)
          .post('/session')
          .set('Cookie', a.cookie)
          .type('form')
          .send({ user_id: user.email, password: PASSWORD, _csrf: a.csrfToken });
        assert.equal(good.status, 302);
      });

      it('refuses a cross-site request even with a valid token (Sec-Fetch-Site)', async () => {
        const user = await newUser();
        const mine = await sessionFor(s.auth, user);
        const res = await request(s.app)
          .post('/protected')
          .set('Cookie', mine.cookie)
          .set('Sec-Fetch-Site', 'cross-site')
          .type('form')
          .send({ _csrf: mine.csrfToken });
        assert.equal(res.status, 403);
        const same = await request(s.app)
          .post('/protected')
          .set('Cookie', mine.cookie)
          .set('Sec-Fetch-Site', 'same-origin')
          .type('form')
          .send({ _csrf: mine.csrfToken });
        assert.equal(same.status, 200);
      });

      it('answers JSON clients with a JSON 403', async () => {
        const res = await request(s.app).post('/session').set('Accept', 'application/json').send({ a: 1 });
        assert.equal(res.status, 403);
        assert.equal(res.body.error.code, 403);
      });

      it('applies the _method override of POST forms after the CSRF check', async () => {
        const user = await newUser();
        const mine = await sessionFor(s.auth, user);
        const res = await request(s.app)
          .post('/session')
          .set('Cookie', mine.cookie)
          .type('form')
          .send({ _method: 'DELETE', _csrf: mine.csrfToken });
        assert.equal(res.status, 302);
        assert.equal(res.headers.location, '/session/new');
        assert.equal(await s.pow.sessions.load(mine.token), null);
        // Only from the body of a POST: a GET with ?_method=DELETE stays a GET.
        const get = await request(s.app).get('/session/new?_method=DELETE');
        assert.equal(get.status, 200);
      });

      it('refuses an oversized urlencoded body with 413', async () => {
        const res = await request(s.app)
          .post('/session')
          .type('form')
          .send({ big: 'x'.repeat(200 * 1024) });
        assert.equal(res.status, 413);
      });
    });

    describe('sign-out', () => {
      it('signs out: the old cookie is anonymous, the flash survives the redirect once', async () => {
        const user = await newUser();
        const mine = await sessionFor(s.auth, user);
        const jar = new CookieJar().store(mine.cookie);
        const res = await request(s.app)
          .delete('/session')
          .set('Cookie', jar.header())
          .set('X-CSRF-Token', mine.csrfToken);
        assert.equal(res.status, 302);
        assert.equal(res.headers.location, '/session/new');
        jar.store(res.headers['set-cookie']);
        assert.equal(jar.get('pow_user'), undefined);
        assert.ok(jar.get('pow_user_anon'), 'flash carried in the anonymous cookie');
        const next = await request(s.app).get('/whoami').set('Cookie', jar.header());
        assert.deepEqual(next.body, {
          email: null,
          flash: { info: 'Your account has been deleted. Sorry to see you go!' },
        });
        jar.store(next.headers['set-cookie']);
        const again = await request(s.app).get('/whoami').set('Cookie', jar.header());
        assert.deepEqual(again.body.flash, {});
        assert.equal((await request(s.app).get('/whoami').set('Cookie', mine.cookie)).body.email, null);
      });

      it('signing out with an expired session redirects to sign-in instead of failing', async () => {
        const user = await newUser();
        const mine = await sessionFor(s.auth, user);
        s.clock.advance(31 * MIN);
        const res = await request(s.app)
          .post('/session')
          .set('Cookie', mine.cookie)
          .type('form')
          .send({ _method: 'DELETE', _csrf: mine.csrfToken });
        assert.equal(res.status, 302);
        assert.equal(res.headers.location, '/session/new');
        assert.ok(setCookies(res).some((c) => c.startsWith('pow_user=;')));
        const jar = new CookieJar().store(mine.cookie).store(res.headers['set-cookie']);
        const next = await request(s.app).get('/whoami').set('Cookie', jar.header());
        assert.deepEqual(next.body, {
          email: null,
          flash: { error: 'Your session has expired. Please sign in again.' },
        });
        // Even with no cookie left at all (browser restarted), a stale sign-out form redirects.
        const noCookie = await request(s.app)
          .post('/session')
          .type('form')
          .send({ _method: 'DELETE', _csrf: mine.csrfToken });
        assert.equal(noCookie.status, 302);
        assert.equal(noCookie.headers.location, '/session/new');
        // But a signed-in user's sign-out still needs a valid token (no forged sign-out).
        const other = await sessionFor(s.auth, user);
        const forged = await request(s.app)
          .post('/session')
          .set('Cookie', other.cookie)
          .type('form')
          .send({ _method: 'DELETE' });
        assert.equal(forged.status, 403);
        assert.equal(
          (await request(s.app).get('/whoami').set('Cookie', other.cookie)).body.email,
          user.email,
        );
        // Any other form posted without a session and without a token is still a 403.
        const elsewhere = await request(s.app).post('/registration').type('form').send({ _method: 'DELETE' });
        assert.equal(elsewhere.status, 403);
      });
    });

    describe('guards, redirects and error handling', () => {
      it('requireAuthenticated keeps the request path for GET only', async () => {
        const get = await request(s.app).get('/protected?x=1');
        assert.equal(get.status, 302);
        assert.equal(get.headers.location, '/session/new?request_path=%2Fprotected%3Fx%3D1');
        const anon = anonymousSession(s.auth);
        const post = await request(s.app)
          .post('/protected')
          .set('Cookie', anon.cookie)
          .type('form')
          .send({ _csrf: anon.csrfToken });
        assert.equal(post.status, 302);
        assert.equal(post.headers.location, '/session/new');
      });

      it('after sign-in goes back to a safe request_path, refusing off-site targets', async () => {
        const user = await newUser();
        const target = '/protected?x=1';
        const cases: Array<[string, string]> = [
          [target, target],
          ['//evil.com', '/'],
          ['https://evil.com/x', '/'],
          ['/\\evil.com', '/'],
          ['javascript:alert(1)', '/'],
        ];
        for (const [requestPath, expected] of cases) {
          const anon = anonymousSession(s.auth);
          const res = await request(s.app)
            .post(`/session?request_path=${encodeURIComponent(requestPath)}`)
            .set('Cookie', anon.cookie)
            .type('form')
            .send({ user_id: user.email, password: PASSWORD, _csrf: anon.csrfToken });
          assert.equal(res.status, 302, requestPath);
          assert.equal(res.headers.location, expected, requestPath);
        }
      });

      it('requireNotAuthenticated redirects a signed-in user away from sign-in', async () => {
        const user = await newUser();
        const cookie = await signInAs(s.auth, user);
        const res = await request(s.app).get('/session/new').set('Cookie', cookie);
        assert.equal(res.status, 302);
        assert.equal(res.headers.location, '/');
      });

      it('answers JSON clients with 401 / 403 JSON', async () => {
        const res = await request(s.app).get('/protected').set('Accept', 'application/json');
        assert.equal(res.status, 401);
        assert.deepEqual(res.body, { error: { code: 401, message: 'Not authenticated.' } });
        const user = await newUser();
        const cookie = await signInAs(s.auth, user);
        const already = await request(s.app)
          .get('/session/new')
          .set('Cookie', cookie)
          .set('Accept', 'application/json');
        assert.equal(already.status, 403);
        assert.equal(already.body.error.code, 403);
      });

      it('page() sends Cache-Control: no-store and names the controller and action', async () => {
        const res = await request(s.app).get('/session/new');
        assert.equal(res.headers['cache-control'], 'no-store');
        assert.deepEqual(res.body.page, ['session', 'new']);
      });

      it('speaks German to Accept-Language: de', async () => {
        const user = await newUser();
        const anon = anonymousSession(s.auth);
        const res = await request(s.app)
          .post('/session')
          .set('Cookie', anon.cookie)
          .set('Accept-Language', 'de-DE,de;q=0.9,en;q=0.5')
          .type('form')
          .send({ user_id: user.email, password: 'wrong password, sorry', _csrf: anon.csrfToken });
        assert.equal(res.status, 401);
        assert.equal(
          res.body.flash.error,
          'Die angegebenen Anmeldedaten haben nicht funktioniert. Bitte überprüfen Sie Ihre Angaben und versuchen Sie es noch einmal.',
        );
        const english = await request(s.app)
          .post('/session')
          .set('Cookie', anon.cookie)
          .type('form')
          .send({ user_id: user.email, password: 'wrong password, sorry', _csrf: anon.csrfToken });
        assert.equal(
          english.body.flash.error,
          'The provided login details did not work. Please verify your credentials, and try again.',
        );
      });

      it('forwards a failing store to the error handler (no hanging request, no unhandled rejection)', async () => {
        const user = await newUser();
        const cookie = await signInAs(s.auth, user);
        s.errors.length = 0;
        s.store.failGets = true;
        try {
          const res = await request(s.app).get('/whoami').set('Cookie', cookie).timeout(5000);
          assert.equal(res.status, 500);
          assert.equal(res.body.error, 'store down');
          assert.equal(s.errors.length, 1);
        } finally {
          s.store.failGets = false;
        }
      });
    });

    it('asyncHandler forwards a rejected handler to the error handler', async () => {
      const app = expressLib();
      app.get(
        '/boom',
        asyncHandler(async () => {
          throw new Error('boom');
        }),
      );
      app.get(
        '/sync-boom',
        asyncHandler(() => {
          throw new Error('sync boom');
        }),
      );
      app.use((err: Error, _req: any, res: any, _next: any) => res.status(500).json({ error: err.message }));
      assert.deepEqual((await request(app).get('/boom').timeout(5000)).body, { error: 'boom' });
      assert.deepEqual((await request(app).get('/sync-boom').timeout(5000)).body, { error: 'sync boom' });
    });

    describe('account operations', () => {
      it('registers and signs the new user in', async () => {
        const jar = new CookieJar();
        const csrf = await formToken(s.app, jar);
        const address = email('registered');
        const res = await request(s.app)
          .post('/registration')
          .set('Cookie', jar.header())
          .type('form')
          .send({ email: address, password: PASSWORD, password_confirmation: PASSWORD, _csrf: csrf });
        assert.equal(res.status, 302);
        jar.store(res.headers['set-cookie']);
        assert.equal((await request(s.app).get('/whoami').set('Cookie', jar.header())).body.email, address);
      });

      it('translates field errors in the request’s locale', async () => {
        const anon = anonymousSession(s.auth);
        const res = await request(s.app)
          .post('/registration')
          .set('Cookie', anon.cookie)
          .set('Accept-Language', 'de')
          .type('form')
          .send({
            email: 'not-an-email',
            password: 'short',
            password_confirmation: 'other',
            _csrf: anon.csrfToken,
          });
        assert.equal(res.status, 422);
        // Sentences that name the field, every error at once (the mismatch while the password is too short).
        assert.deepEqual(res.body.errors, {
          email: ['Geben Sie eine E-Mail-Adresse im richtigen Format ein, etwa name@example.com.'],
          password: ['Passwort muss mindestens 15 Zeichen lang sein.'],
          password_confirmation: [
            'Passwort bestätigen stimmt nicht mit dem Passwort überein. Geben Sie in beide Felder dasselbe Passwort ein.',
          ],
        });
      });

      it('a password change rotates this session and ends the others', async () => {
        const user = await newUser();
        const here = await sessionFor(s.auth, user);
        const elsewhere = await sessionFor(s.auth, user);
        const newPassword = 'another long passphrase for pow';
        const res = await request(s.app).post('/registration').set('Cookie', here.cookie).type('form').send({
          _method: 'PATCH',
          _csrf: here.csrfToken,
          password: newPassword,
          password_confirmation: newPassword,
          current_password: PASSWORD,
        });
        assert.equal(res.status, 302, res.text);
        assert.equal(res.headers.location, '/registration/edit');
        const jar = new CookieJar().store(here.cookie).store(res.headers['set-cookie']);
        assert.notEqual(jar.header(), here.cookie);
        assert.equal(
          (await request(s.app).get('/whoami').set('Cookie', jar.header())).body.email,
          user.email,
        );
        assert.equal((await request(s.app).get('/whoami').set('Cookie', here.cookie)).body.email, null);
        assert.equal((await request(s.app).get('/whoami').set('Cookie', elsewhere.cookie)).body.email, null);
      });

      it('a wrong current password is refused and keeps the session', async () => {
        const user = await newUser();
        const here = await sessionFor(s.auth, user);
        const res = await request(s.app)
          .patch('/registration')
          .set('Cookie', here.cookie)
          .set('X-CSRF-Token', here.csrfToken)
          .type('form')
          .send({ email: email('changed'), current_password: 'not my password at all' });
        assert.equal(res.status, 422);
        assert.deepEqual(res.body.errors.current_password, [
          'Current password is not right. Enter the password you sign in with.',
        ]);
        assert.equal((await request(s.app).get('/whoami').set('Cookie', here.cookie)).body.email, user.email);
      });

      it('deletes the account and signs out', async () => {
        const user = await newUser();
        const here = await sessionFor(s.auth, user);
        const res = await request(s.app)
          .delete('/registration')
          .set('Cookie', here.cookie)
          .set('X-CSRF-Token', here.csrfToken);
        assert.equal(res.status, 302);
        assert.equal(res.headers.location, '/session/new');
        assert.equal(await db.prisma.user.findFirst({ where: { id: user.id } }), null);
        assert.equal((await request(s.app).get('/whoami').set('Cookie', here.cookie)).body.email, null);
      });
    });

    describe('two user types in one app', () => {
      it('a user cookie never authenticates the admin key and vice versa, even with the same id', async () => {
        const user = await newUser();
        // The same row signs in as both types here: same numeric id for both.
        const userCookie = await signInAs(s.auth, user);
        const adminCookie = await signInAs(s.admin, user);
        assert.match(userCookie, /^pow_user=/);
        assert.match(adminCookie, /^pow_admin=/);

        const asUser = await request(s.app).get('/admin/protected').set('Cookie', userCookie);
        assert.equal(asUser.status, 302);
        assert.equal(asUser.headers.location, '/admin/session/new?request_path=%2Fadmin%2Fprotected');
        const asAdmin = await request(s.app).get('/protected').set('Cookie', adminCookie);
        assert.equal(asAdmin.status, 302);
        assert.equal(asAdmin.headers.location, '/session/new?request_path=%2Fprotected');

        // A user token under the admin cookie name fails the admin signature: no lookup.
        const forged = `pow_admin=${userCookie.slice('pow_user='.length)}`;
        s.store.calls.length = 0;
        const forgedRes = await request(s.app).get('/admin/whoami').set('Cookie', forged);
        assert.equal(forgedRes.body.email, null);
        assert.equal(s.store.calls.filter((c) => c.namespace.startsWith('admin:')).length, 0);

        const both = joinCookies(userCookie, adminCookie);
        assert.equal(
          (await request(s.app).get('/admin/protected').set('Cookie', both)).body.email,
          user.email,
        );
        assert.equal((await request(s.app).get('/protected').set('Cookie', both)).body.email, user.email);
        // Both keys are set on one request without overwriting each other.
        const keys = await request(s.app).get('/admin/both').set('Cookie', both);
        assert.deepEqual(keys.body, {
          user: user.email,
          admin: user.email,
          locals: [user.email, user.email],
          pow: 'admin',
        });
        const onlyUser = await request(s.app).get('/admin/both').set('Cookie', userCookie);
        assert.deepEqual(onlyUser.body, {
          user: user.email,
          admin: null,
          locals: [user.email, null],
          pow: 'admin',
        });
      });

      it('signing out the admin leaves the user signed in; admin forms pass the user middleware', async () => {
        const user = await newUser();
        const u = await sessionFor(s.auth, user);
        const a = await sessionFor(s.admin, user);
        const both = joinCookies(u.cookie, a.cookie);
        // The admin form's token belongs to the admin session; the user middleware runs first.
        const res = await request(s.app)
          .post('/admin/session')
          .set('Cookie', both)
          .type('form')
          .send({ _method: 'DELETE', _csrf: a.csrfToken });
        assert.equal(res.status, 302);
        assert.equal(res.headers.location, '/admin/session/new');
        assert.ok(setCookies(res).some((c) => c.startsWith('pow_admin=;')));
        assert.ok(!setCookies(res).some((c) => c.startsWith('pow_user=')));
        assert.equal((await request(s.app).get('/whoami').set('Cookie', u.cookie)).body.email, user.email);
        assert.equal((await request(s.app).get('/admin/whoami').set('Cookie', a.cookie)).body.email, null);
        // A user token is still refused for a user route when it is not the user's.
        const wrong = await request(s.app)
          .post('/protected')
          .set('Cookie', both)
          .type('form')
          .send({ _csrf: 'x' + a.csrfToken });
        assert.equal(wrong.status, 403);
      });

      it('admin sign-in through the admin form, then the admin landing page', async () => {
        const user = await newUser();
        const jar = new CookieJar();
        const res = await signInViaForm(s.app, jar, String(user.email), PASSWORD, '/admin');
        assert.equal(res.status, 302);
        assert.equal(res.headers.location, '/admin');
        assert.ok(jar.get('pow_admin'));
        assert.equal(jar.get('pow_user'), undefined);
        assert.equal((await request(s.app).get('/whoami').set('Cookie', jar.header())).body.email, null);
        assert.equal(
          (await request(s.app).get('/admin/whoami').set('Cookie', jar.header())).body.email,
          user.email,
        );
      });
    });

    describe('pow/testing', () => {
      it('signInAs gives a Cookie header value usable with fetch on a real server', async () => {
        const user = await newUser();
        const cookie = await signInAs(s.auth, user);
        const server = s.app.listen(0, '127.0.0.1');
        try {
          await new Promise((resolve) => server.once('listening', resolve));
          const { port } = server.address();
          const res = await fetch(`http://127.0.0.1:${port}/protected`, {
            headers: { cookie },
            redirect: 'manual',
          });
          assert.equal(res.status, 200);
          assert.equal(((await res.json()) as { email: string }).email, user.email);
        } finally {
          await new Promise((resolve) => server.close(resolve));
        }
      });
    });
  });
}

describe('throttling (Express 5 and 4)', () => {
  for (const [version, expressLib] of versions) {
    it(`${version}: the 11th failure for one account from 11 addresses is refused with a pause message an unknown account gets too; the lock lifts`, async () => {
      const s = buildApp(expressLib, db);
      const user = await createUser(s.pow, { email: email('locked'), password: PASSWORD });
      const attempt = async (ip: string, identifier: string, password: string) => {
        const anon = anonymousSession(s.auth);
        return request(s.app)
          .post('/session')
          .set('Cookie', anon.cookie)
          .set('X-Forwarded-For', ip)
          .type('form')
          .send({ user_id: identifier, password, _csrf: anon.csrfToken });
      };
      const wrong = [];
      for (let i = 1; i <= 10; i++) {
        // Identifier variants normalise to one account.
        wrong.push(
          await attempt(
            `198.51.100.${i}`,
            i % 2 ? ` ${String(user.email).toUpperCase()}` : String(user.email),
            'wrong password number ' + i,
          ),
        );
      }
      for (const res of wrong) assert.equal(res.status, 401);
      const locked = await attempt('198.51.100.11', String(user.email), PASSWORD);
      assert.equal(locked.status, 401);
      assert.deepEqual(
        locked.body.flash,
        {
          error:
            'Signing in with these details is paused after too many failed attempts. Wait 15 minutes and try again, or reset your password if you have forgotten it.',
        },
        'the message says what to do',
      );
      assert.notDeepEqual(locked.body, wrong[0].body);
      assert.equal(locked.headers['retry-after'], undefined);
      // An identifier with no account locks the same way: the message tells nothing about the account.
      const nobody = email('nobody-locked');
      for (let i = 1; i <= 10; i++) await attempt(`198.51.101.${i}`, nobody, 'wrong password number ' + i);
      const unknownLocked = await attempt('198.51.101.11', nobody, PASSWORD);
      assert.equal(unknownLocked.status, 401);
      assert.deepEqual(unknownLocked.body, locked.body);
      assert.equal(
        setCookies(locked).some((c) => c.startsWith('pow_user=')),
        false,
      );

      s.clock.advance(15 * MIN + 1000);
      const lifted = await attempt('198.51.100.12', String(user.email), PASSWORD);
      assert.equal(lifted.status, 302);

      // A successful sign-in resets the account counter.
      for (let i = 0; i < 9; i++) await attempt(`203.0.113.${i}`, String(user.email), 'wrong again ' + i);
      assert.equal((await attempt('203.0.113.99', String(user.email), PASSWORD)).status, 302);
      for (let i = 0; i < 9; i++) await attempt(`203.0.113.${i}`, String(user.email), 'wrong again ' + i);
      assert.equal((await attempt('203.0.113.98', String(user.email), PASSWORD)).status, 302);
    });

    it(`${version}: one address trying many accounts gets 429 with Retry-After`, async () => {
      const s = buildApp(expressLib, db, { throttle: { maxFailuresPerAddress: 5, windowMs: 10 * MIN } });
      const user = await createUser(s.pow, { email: email('victim'), password: PASSWORD });
      const attempt = async (identifier: string, password: string, ip = '192.0.2.7') => {
        const anon = anonymousSession(s.auth);
        return request(s.app)
          .post('/session')
          .set('Cookie', anon.cookie)
          .set('X-Forwarded-For', ip)
          .type('form')
          .send({ user_id: identifier, password, _csrf: anon.csrfToken });
      };
      for (let i = 0; i < 5; i++)
        assert.equal((await attempt(`nobody-${i}@example.com`, 'whatever password')).status, 401);
      s.clock.advance(4 * MIN);
      const limited = await attempt(String(user.email), PASSWORD);
      assert.equal(limited.status, 429);
      assert.equal(limited.headers['retry-after'], String(6 * 60));
      assert.equal(limited.body.retryAfter, 6 * 60);
      assert.equal(
        limited.body.flash.error,
        'Too many failed sign-in attempts. Please wait a while and try again.',
      );
      // Another address is not affected.
      assert.equal((await attempt(String(user.email), PASSWORD, '192.0.2.8')).status, 302);
      // The limit lifts with the window.
      s.clock.advance(6 * MIN + 1000);
      assert.equal((await attempt(String(user.email), PASSWORD)).status, 302);
    });
  }

  // Issue 16, defect 2: sign-in found a phone number after stripping separators, but the
  // per-account counter used the raw input, so every spelling had its own ten tries.
  it('every spelling of a phone number counts against its one account (issue 16, defect 2)', async () => {
    const s = buildApp(express5, db);
    const pow = createPow({
      prisma: db.prisma,
      store: s.store,
      secret: SECRET,
      clock: s.clock.now,
      hashing: { insecureTestParameters: true },
      userIdFields: ['email', 'phone'],
    });
    const auth = powExpress(pow);
    const app = express5();
    app.set('trust proxy', true);
    app.use(auth.middleware());
    app.post(
      '/session',
      wrap(async (req, res) => {
        const result = await auth.signIn(req, res, req.body.user_id, req.body.password);
        res.status(result.ok ? 200 : result.status).end();
      }),
    );
    await createUser(pow, { email: email('phone'), phone: '+49 30 9876543', password: PASSWORD });
    const attempt = async (identifier: string, password: string, ip: string) => {
      const anon = anonymousSession(auth);
      return request(app)
        .post('/session')
        .set('Cookie', anon.cookie)
        .set('X-Forwarded-For', ip)
        .type('form')
        .send({ user_id: identifier, password, _csrf: anon.csrfToken });
    };
    const spellings = [
      '+49 30 9876543',
      '+49309876543',
      '+49-30-9876543',
      '+49 (30) 987 65 43',
      '+49.30.9876543',
    ];
    for (let i = 0; i < 10; i++) {
      const res = await attempt(
        spellings[i % spellings.length],
        `wrong password ${i}`,
        `198.51.100.${i + 1}`,
      );
      assert.equal(res.status, 401);
    }
    for (const spelling of ['+49/30/9876543', '+49 (0)30 9876543']) {
      assert.equal((await attempt(spelling, PASSWORD, '198.51.100.77')).status, 401, `${spelling} is locked`);
    }
    s.clock.advance(15 * MIN + 1000);
    assert.equal(
      (await attempt('+49 30 98 76 54 3', PASSWORD, '198.51.100.78')).status,
      200,
      'the lock lifts',
    );
  });

  it('counters live in the store, so two app instances share them', async () => {
    const s = buildApp(express5, db, { throttle: { maxFailuresPerAccount: 4 } });
    // A second instance: its own pow + powExpress, same store and database.
    const pow2 = createPow({
      prisma: db.prisma,
      store: s.store,
      secret: SECRET,
      clock: s.clock.now,
      hashing: { insecureTestParameters: true },
    });
    const auth2 = powExpress(pow2, { throttle: { maxFailuresPerAccount: 4 } });
    const app2 = express5();
    app2.use(auth2.middleware());
    app2.post(
      '/session',
      wrap(async (req, res) => {
        const result = await auth2.signIn(req, res, req.body.user_id, req.body.password);
        res.status(result.ok ? 200 : result.status).end();
      }),
    );
    const user = await createUser(s.pow, { email: email('shared'), password: PASSWORD });
    const attempt = async (app: any, auth: PowExpress, password: string) => {
      const anon = anonymousSession(auth);
      return request(app)
        .post('/session')
        .set('Cookie', anon.cookie)
        .type('form')
        .send({ user_id: user.email, password, _csrf: anon.csrfToken });
    };
    await attempt(s.app, s.auth, 'bad one two three');
    await attempt(s.app, s.auth, 'bad one two three');
    await attempt(app2, auth2, 'bad one two three');
    await attempt(app2, auth2, 'bad one two three');
    assert.equal((await attempt(s.app, s.auth, PASSWORD)).status, 401);
    assert.equal((await attempt(app2, auth2, PASSWORD)).status, 401);
    await s.auth.clearSignInFailures(` ${String(user.email).toUpperCase()}`);
    assert.equal((await attempt(app2, auth2, PASSWORD)).status, 200);
  });
});

describe('configuration', () => {
  it('secure cookies use the __Host- prefix and the Secure attribute', async () => {
    const clock = fakeClock();
    const pow = createPow({
      prisma: db.prisma,
      store: memoryStore(),
      secret: SECRET,
      clock: clock.now,
      hashing: { insecureTestParameters: true },
    });
    const auth = powExpress(pow, { secureCookies: true });
    assert.equal(auth.cookieName, '__Host-pow_user');
    const app = express5();
    app.set('trust proxy', true);
    app.use(auth.middleware());
    app.post(
      '/session',
      wrap(async (req, res) => {
        const result = await auth.signIn(req, res, req.body.user_id, req.body.password);
        res.status(result.ok ? 200 : 401).end();
      }),
    );
    const user = await createUser(pow, { email: email('secure'), password: PASSWORD });
    const anon = anonymousSession(auth);
    const res = await request(app)
      .post('/session')
      .set('Cookie', anon.cookie)
      .set('X-Forwarded-Proto', 'https')
      .type('form')
      .send({ user_id: user.email, password: PASSWORD, _csrf: anon.csrfToken });
    assert.equal(res.status, 200);
    const cookie = setCookies(res).find((c) => c.startsWith('__Host-pow_user='));
    assert.ok(cookie);
    assert.match(cookie!, /; Secure/);
    assert.match(cookie!, /; Path=\//);
    assert.doesNotMatch(cookie!, /Domain=/i);
  });

  it('NODE_ENV set after powExpress() (from an .env loaded later) still decides Secure and the __Host- prefix', async () => {
    const clock = fakeClock();
    const pow = createPow({
      prisma: db.prisma,
      store: memoryStore(),
      secret: SECRET,
      clock: clock.now,
      hashing: { insecureTestParameters: true },
    });
    const saved = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    try {
      // The config module runs first, then the entry loads .env (NODE_ENV=production), then mounts pow.
      const auth = powExpress(pow);
      process.env.NODE_ENV = 'production';
      const app = express5();
      app.set('trust proxy', true);
      app.use(auth.middleware());
      process.env.NODE_ENV = 'development'; // too late to matter: resolved when the app mounted pow
      app.post(
        '/session',
        wrap(async (req, res) => {
          const result = await auth.signIn(req, res, req.body.user_id, req.body.password);
          res.status(result.ok ? 200 : 401).end();
        }),
      );
      assert.equal(auth.cookieName, '__Host-pow_user');
      const user = await createUser(pow, { email: email('late-env'), password: PASSWORD });
      const anon = anonymousSession(auth);
      const res = await request(app)
        .post('/session')
        .set('Cookie', anon.cookie)
        .set('X-Forwarded-Proto', 'https')
        .type('form')
        .send({ user_id: user.email, password: PASSWORD, _csrf: anon.csrfToken });
      assert.equal(res.status, 200);
      const cookie = setCookies(res).find((c) => c.startsWith('__Host-pow_user='));
      assert.ok(cookie, 'the session cookie has the __Host- name');
      assert.match(cookie!, /; Secure/);
    } finally {
      if (saved === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = saved;
    }
  });

  it('a custom error handler replaces the guard responses; a custom key and locale resolver apply', async () => {
    const clock = fakeClock();
    const pow = createPow({
      prisma: db.prisma,
      store: memoryStore(),
      secret: SECRET,
      clock: clock.now,
      hashing: { insecureTestParameters: true },
    });
    let ran = false;
    const auth = powExpress(pow, {
      currentUserKey: 'member',
      errorHandler: (kind, _req, res) => {
        res.status(kind === 'not_authenticated' ? 401 : 418).json({ custom: kind });
      },
      i18n: {
        resolveLocale: (req) => (req.headers['x-lang'] as string | undefined) ?? undefined,
        messages: { de: { 'auth.not_authenticated': 'Bitte anmelden!' } },
      },
    });
    const app = express5();
    app.use(auth.middleware());
    app.get('/api/me', auth.requireAuthenticated, (req: any, res) => {
      ran = true;
      res.json({ id: req.member.id });
    });
    app.get('/t', (req, res) => {
      res.json({ text: req.pow.t('auth.not_authenticated') });
    });
    const res = await request(app).get('/api/me');
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, { custom: 'not_authenticated' });
    assert.equal(ran, false, 'the route handler never runs');
    const user = await createUser(pow, { email: email('member'), password: PASSWORD });
    const ok = await request(app)
      .get('/api/me')
      .set('Cookie', await signInAs(auth, user));
    assert.deepEqual(ok.body, { id: user.id });
    assert.deepEqual((await request(app).get('/t').set('x-lang', 'de-CH')).body, { text: 'Bitte anmelden!' });
    assert.deepEqual((await request(app).get('/t').set('Accept-Language', 'de')).body, {
      text: 'Bitte anmelden!',
    });
    // pow's own routes need the token, so the custom handler answers the refusal.
    const posted = await request(app).post('/session');
    assert.equal(posted.status, 418);
  });

  it('json: true answers JSON whatever the Accept header; routes overrides chain', async () => {
    const clock = fakeClock();
    const pow = createPow({
      prisma: db.prisma,
      store: memoryStore(),
      secret: SECRET,
      clock: clock.now,
      hashing: { insecureTestParameters: true },
    });
    const api = powExpress(pow, { json: true, cookieName: 'api_session' });
    const app = express5();
    app.use(api.middleware());
    app.get('/me', api.requireAuthenticated, (_req, res) => {
      res.end();
    });
    const res = await request(app).get('/me').set('Accept', 'text/html');
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 401);

    const custom = powExpress(pow, { routes: { afterSignInPath: () => '/dashboard' } });
    const fake = { method: 'GET', originalUrl: '/x', query: {} } as any;
    assert.equal(custom.routes.afterRegistrationPath(fake), '/dashboard');
    assert.equal(custom.routes.userAlreadyAuthenticatedPath(fake), '/dashboard');
  });

  it('a guard used without auth.middleware() fails with a clear error', async () => {
    const clock = fakeClock();
    const pow = createPow({
      prisma: db.prisma,
      store: memoryStore(),
      secret: SECRET,
      clock: clock.now,
      hashing: { insecureTestParameters: true },
    });
    const auth = powExpress(pow);
    const app = express5();
    app.get('/p', auth.requireAuthenticated, (_req, res) => {
      res.end();
    });
    app.use((err: any, _req: any, res: any, _next: any) =>
      res.status(500).json({ code: err.code, fix: err.fix }),
    );
    const res = await request(app).get('/p');
    assert.equal(res.status, 500);
    assert.equal(res.body.code, 'POW_MIDDLEWARE_MISSING');
    assert.match(res.body.fix, /auth\.middleware\(\)/);
  });

  it('refuses unknown message keys and a __Host- cookie without Secure at start-up', () => {
    const clock = fakeClock();
    const pow = createPow({
      prisma: db.prisma,
      store: memoryStore(),
      secret: SECRET,
      clock: clock.now,
      hashing: { insecureTestParameters: true },
    });
    assert.throws(
      () => powExpress(pow, { i18n: { messages: { en: { 'session.signed_inn': 'Hi' } } } }),
      /session\.signed_inn.*not a pow message key/,
    );
    assert.throws(() => powExpress(pow, { cookieName: '__Host-x', secureCookies: false }), /__Host-/);
    assert.throws(() => powExpress(pow, { mountPath: 'admin' }), /mountPath/);
  });
});
