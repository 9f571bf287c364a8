/**
 * The forgery rule of `auth.middleware()` (src/runtime/express/forgery.ts, docs/security.md) over
 * real HTTP, on Express 5 and Express 4: the app's routes answer exactly as before pow for clients
 * that carry no pow cookie (bodies, streams, `_method` untouched), requests that carry pow's session
 * are checked by token or by the browser's Fetch Metadata / Origin, and pow's own routes always need
 * the token.
 *
 * Users live in a real SQLite database (Prisma client); sessions in the memory store.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import express5 from 'express';
import request from 'supertest';
import { createPow, createUser, memoryStore } from '../../src/runtime/index.js';
import { asyncHandler, powExpress, type PowExpress } from '../../src/runtime/express/index.js';
import { anonymousSession, sessionFor, type TestSession } from '../../src/runtime/express/testing.js';
import { createTestDatabase, type TestDatabase } from '../helpers/prisma-test-client.js';

const require = createRequire(import.meta.url);
const express4 = require('express4') as typeof express5;

const SECRET = 'forgery-secret-'.repeat(3);
const PASSWORD = 'correct staple battery horse kayak';
const BASE_URL = 'https://app.example';

/** The routes of an app that existed before pow: a JSON API, a webhook, a form with its own parser. */
function mountAppRoutes(app: any, expressLib: typeof express5): void {
  const api = expressLib.Router();
  api.use(expressLib.json());
  api.post('/posts', (req: any, res: any) =>
    res.status(201).json({ created: req.body, user: req.currentUser ?? null }),
  );
  api.put('/posts/:id', (req: any, res: any) => res.json({ id: req.params.id, updated: req.body }));
  api.patch('/posts/:id', (req: any, res: any) => res.json({ id: req.params.id, patched: req.body }));
  api.delete('/posts/:id', (req: any, res: any) => res.status(204).end());
  api.post('/echo-text', expressLib.text(), (req: any, res: any) => res.json({ text: req.body }));
  app.use('/api', api);
  // A webhook verifies a signature over the exact bytes it was sent.
  app.post('/webhooks/stripe', expressLib.raw({ type: '*/*' }), (req: any, res: any) => {
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    res.json({ sha256: createHash('sha256').update(bytes).digest('hex'), length: bytes.length });
  });
  // The app's own form route and parser; a field called _method is data here, not an override.
  app.post('/contact', expressLib.urlencoded({ extended: false }), (req: any, res: any) =>
    res.json({ method: req.method, body: req.body }),
  );
  // A route that reads the stream itself.
  app.put('/upload', (req: any, res: any) => {
    let size = 0;
    req.on('data', (chunk: Buffer) => (size += chunk.length));
    req.on('end', () => res.json({ size, parsed: req.body !== undefined }));
  });
  app.delete('/sessions/all', (_req: any, res: any) => res.json({ cleared: true }));
}

/** pow's routes as the generated routes file mounts them (sign-in, sign-out). */
function mountPowRoutes(app: any, expressLib: typeof express5, auth: PowExpress): void {
  const router = expressLib.Router();
  router.get('/session/new', auth.requireNotAuthenticated, (req: any, res: any) =>
    res.json({ csrf: auth.csrfToken(req) }),
  );
  router.post(
    '/session',
    auth.requireNotAuthenticated,
    asyncHandler(async (req: any, res: any) => {
      const result = await auth.signIn(req, res, req.body?.user_id, req.body?.password);
      if (!result.ok) return res.status(result.status).json({ error: result.messageKey });
      res.redirect('/');
    }),
  );
  router.delete(
    '/session',
    asyncHandler(async (req: any, res: any) => {
      await auth.signOut(req, res);
      res.redirect('/session/new');
    }),
  );
  app.use(router);
}

interface Apps {
  before: any;
  after: any;
  auth: PowExpress;
}

function buildApps(expressLib: typeof express5, db: TestDatabase, baseUrl?: string): Apps {
  const pow = createPow({
    prisma: db.prisma,
    store: memoryStore(),
    secret: SECRET,
    hashing: { insecureTestParameters: true },
  });
  const auth = powExpress(pow, baseUrl ? { baseUrl } : {});
  const before = expressLib();
  mountAppRoutes(before, expressLib);
  // As `pow install` wires the entry: pow's middleware and routes before the app's routes.
  const after = expressLib();
  after.use(auth.middleware());
  mountPowRoutes(after, expressLib, auth);
  mountAppRoutes(after, expressLib);
  return { before, after, auth };
}

type Send = (app: any) => request.Test;

/** Requests of clients that never signed in: the same answers with and without pow. */
const anonymousRequests: Array<[string, Send]> = [
  [
    'JSON POST',
    (app) =>
      request(app)
        .post('/api/posts')
        .send({ title: 'Hello', tags: ['a'] }),
  ],
  ['JSON PUT', (app) => request(app).put('/api/posts/7').send({ title: 'Edited' })],
  ['JSON PATCH', (app) => request(app).patch('/api/posts/7').send({ title: 'Patched' })],
  ['DELETE without a body', (app) => request(app).delete('/api/posts/7')],
  [
    'DELETE with a JSON Accept header',
    (app) => request(app).delete('/api/posts/7').set('Accept', 'application/json'),
  ],
  [
    'JSON POST from another site (CORS)',
    (app) => request(app).post('/api/posts').set('Origin', 'https://elsewhere.example').send({ x: 1 }),
  ],
  [
    'JSON POST marked cross-site',
    (app) => request(app).post('/api/posts').set('Sec-Fetch-Site', 'cross-site').send({ x: 1 }),
  ],
  ['text/plain POST', (app) => request(app).post('/api/echo-text').type('text/plain').send('plain words')],
  [
    'webhook with a raw body',
    (app) =>
      request(app)
        .post('/webhooks/stripe')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('id=evt_1&amount=100&_method=DELETE&_csrf=x'),
  ],
  [
    'webhook with a JSON body',
    (app) =>
      request(app).post('/webhooks/stripe').set('Content-Type', 'application/json').send('{"id":"evt_2"}'),
  ],
  [
    'form POST with _method, own parser',
    (app) => request(app).post('/contact').type('form').send({ name: 'Ada', _method: 'DELETE' }),
  ],
  ['stream read by the route', (app) => request(app).put('/upload').type('form').send('a=1&b=2')],
  ['unknown path (404)', (app) => request(app).post('/api/nowhere').send({ x: 1 })],
  ['DELETE of an app path', (app) => request(app).delete('/sessions/all')],
  [
    'malformed JSON (400 from the app parser)',
    (app) => request(app).post('/api/posts').type('json').send('{nope'),
  ],
];

function sameAnswer(before: request.Response, after: request.Response, label: string): void {
  assert.equal(after.status, before.status, `${label}: status`);
  assert.equal(after.text, before.text, `${label}: body`);
  assert.equal(after.headers['content-type'], before.headers['content-type'], `${label}: content type`);
  assert.equal(after.headers['set-cookie'], undefined, `${label}: no cookie set`);
}

const versions: Array<[string, typeof express5]> = [
  ['Express 5', express5],
  ['Express 4', express4],
];

let db: TestDatabase;
let seq = 0;

before(async () => {
  db = await createTestDatabase('sqlite');
});
after(async () => {
  await db?.cleanup();
});

for (const [version, expressLib] of versions) {
  describe(`forgery rule on ${version}`, () => {
    let apps: Apps;
    let signedIn: TestSession;
    let signedInId: unknown;
    before(async () => {
      apps = buildApps(expressLib, db);
      const user = await createUser(apps.auth.pow, {
        email: `forgery-${++seq}@example.com`,
        password: PASSWORD,
      });
      signedIn = await sessionFor(apps.auth, user);
      signedInId = user.id;
    });

    describe('clients without pow’s cookie', () => {
      for (const [label, send] of anonymousRequests) {
        it(`${label}: same status and body as before pow`, async () => {
          const before = await send(apps.before);
          const after = await send(apps.after);
          sameAnswer(before, after, label);
        });
      }

      it('the webhook sees the exact bytes it was sent', async () => {
        const payload = 'id=evt_1&amount=100&_csrf=x';
        const res = await request(apps.after)
          .post('/webhooks/stripe')
          .set('Content-Type', 'application/x-www-form-urlencoded')
          .send(payload);
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, {
          sha256: createHash('sha256').update(payload).digest('hex'),
          length: payload.length,
        });
      });

      it('a cookie of the anonymous visitor (CSRF secret, flash) grants nothing and is not checked', async () => {
        const visitor = anonymousSession(apps.auth);
        const before = await request(apps.before)
          .post('/api/posts')
          .set('Cookie', visitor.cookie)
          .type('form')
          .send({ a: '1' });
        const after = await request(apps.after)
          .post('/api/posts')
          .set('Cookie', visitor.cookie)
          .type('form')
          .send({ a: '1' });
        assert.equal(after.status, before.status);
        assert.equal(after.text, before.text);
      });
    });

    describe('requests with pow’s session cookie', () => {
      const withSession = (send: request.Test) => send.set('Cookie', signedIn.cookie);

      it('a cross-site Origin is refused with a JSON 403 for a JSON client', async () => {
        const res = await withSession(request(apps.after).post('/api/posts'))
          .set('Origin', 'https://evil.example')
          .send({ title: 'forged' });
        assert.equal(res.status, 403);
        assert.match(res.headers['content-type'], /application\/json/);
        assert.deepEqual(Object.keys(res.body), ['error']);
        assert.equal(res.body.error.code, 403);
        assert.match(res.body.error.message, /could not be verified/);
      });

      it('Sec-Fetch-Site cross-site and same-site are refused, same-origin and none pass', async () => {
        for (const [site, status] of [
          ['cross-site', 403],
          ['same-site', 403],
          ['same-origin', 201],
          ['none', 201],
        ] as const) {
          const res = await withSession(request(apps.after).post('/api/posts'))
            .set('Sec-Fetch-Site', site)
            // Fetch Metadata wins over Origin.
            .set('Origin', site === 'same-origin' ? 'https://evil.example' : 'https://app.example')
            .send({ title: site });
          assert.equal(res.status, status, site);
        }
      });

      it('the signed-in user reaches the app route with a same-origin request', async () => {
        const res = await withSession(request(apps.after).post('/api/posts'))
          .set('Sec-Fetch-Site', 'same-origin')
          .send({ title: 'mine' });
        assert.equal(res.status, 201);
        assert.equal(res.body.user.id, signedInId);
      });

      it('without Fetch Metadata, an Origin equal to the Host passes and another is refused', async () => {
        const same = await withSession(request(apps.after).put('/api/posts/1'))
          .set('Host', 'app.example')
          .set('Origin', 'http://app.example')
          .send({ a: 1 });
        assert.equal(same.status, 200);
        const other = await withSession(request(apps.after).put('/api/posts/1'))
          .set('Host', 'app.example')
          .set('Origin', 'http://app.example.evil.example')
          .send({ a: 1 });
        assert.equal(other.status, 403);
        const opaque = await withSession(request(apps.after).put('/api/posts/1'))
          .set('Origin', 'null')
          .send({ a: 1 });
        assert.equal(opaque.status, 403);
      });

      it('with neither header, form-sendable bodies need the token and JSON passes', async () => {
        const form = await withSession(request(apps.after).post('/contact')).type('form').send({ name: 'x' });
        assert.equal(form.status, 403);
        assert.match(form.text, /could not be verified/);
        const text = await withSession(request(apps.after).post('/api/echo-text'))
          .type('text/plain')
          .send('x');
        assert.equal(text.status, 403);
        const multipart = await withSession(request(apps.after).post('/contact')).field('name', 'x');
        assert.equal(multipart.status, 403);
        const noBody = await withSession(request(apps.after).delete('/api/posts/3'));
        assert.equal(noBody.status, 403);
        const json = await withSession(request(apps.after).post('/api/posts')).send({ title: 'json' });
        assert.equal(json.status, 201);
        const tokened = await withSession(request(apps.after).post('/contact'))
          .set('X-CSRF-Token', signedIn.csrfToken)
          .type('form')
          .send({ name: 'x' });
        assert.deepEqual(tokened.body, { method: 'POST', body: { name: 'x' } });
      });

      it('a valid token does not save a request the browser marks cross-site', async () => {
        const res = await withSession(request(apps.after).post('/api/posts'))
          .set('Sec-Fetch-Site', 'cross-site')
          .set('X-CSRF-Token', signedIn.csrfToken)
          .send({ a: 1 });
        assert.equal(res.status, 403);
      });

      it('a valid token does not save a request from a foreign Origin', async () => {
        // No base URL configured: the request's own Host is the app's origin.
        const foreign = await withSession(request(apps.after).post('/contact'))
          .set('Origin', 'https://evil.example')
          .set('X-CSRF-Token', signedIn.csrfToken)
          .type('form')
          .send({ name: 'x' });
        assert.equal(foreign.status, 403);
        const own = await withSession(request(apps.after).post('/contact'))
          .set('Host', 'app.example')
          .set('Origin', 'https://app.example')
          .set('X-CSRF-Token', signedIn.csrfToken)
          .type('form')
          .send({ name: 'x' });
        assert.deepEqual(own.body, { method: 'POST', body: { name: 'x' } });
      });

      it('pow does not read the body of an app route, even for a signed-in user', async () => {
        const payload = 'id=evt_3&_method=DELETE';
        const res = await withSession(request(apps.after).post('/webhooks/stripe'))
          .set('Sec-Fetch-Site', 'same-origin')
          .set('Content-Type', 'application/x-www-form-urlencoded')
          .send(payload);
        assert.equal(res.body.sha256, createHash('sha256').update(payload).digest('hex'));
        const contact = await withSession(request(apps.after).post('/contact'))
          .set('Sec-Fetch-Site', 'same-origin')
          .type('form')
          .send({ _method: 'DELETE' });
        assert.deepEqual(contact.body, { method: 'POST', body: { _method: 'DELETE' } });
      });

      it('the token of a body parsed before pow’s middleware counts', async () => {
        const app = expressLib();
        app.use(expressLib.urlencoded({ extended: false }));
        app.use(apps.auth.middleware());
        app.post('/notes', (_req: any, res: any) => res.json({ saved: true }));
        const refused = await withSession(request(app).post('/notes')).type('form').send({ note: 'x' });
        assert.equal(refused.status, 403);
        const ok = await withSession(request(app).post('/notes'))
          .type('form')
          .send({ note: 'x', _csrf: signedIn.csrfToken });
        assert.deepEqual(ok.body, { saved: true });
      });
    });

    describe('pow’s own routes', () => {
      it('the sign-in form needs the token even without any cookie, and from the same origin', async () => {
        for (const path of ['/session', '/SESSION', '/session/', '//session', '/sessi%6Fn']) {
          const res = await request(apps.after)
            .post(path)
            .set('Sec-Fetch-Site', 'same-origin')
            .type('form')
            .send({ user_id: 'someone@example.com', password: PASSWORD });
          assert.equal(res.status, 403, path);
        }
        const json = await request(apps.after)
          .post('/session')
          .send({ user_id: 'someone@example.com', password: PASSWORD });
        assert.equal(json.status, 403);
        assert.equal(json.body.error.code, 403, 'a JSON body gets a JSON refusal');
      });

      it('the sign-in form with a valid token is refused from a foreign Origin', async () => {
        const user = await createUser(apps.auth.pow, {
          email: `forgery-${++seq}@example.com`,
          password: PASSWORD,
        });
        const visitor = anonymousSession(apps.auth);
        const send = (origin: string | null) => {
          const req = request(apps.after).post('/session').set('Cookie', visitor.cookie);
          if (origin) req.set('Origin', origin);
          return req.type('form').send({ user_id: user.email, password: PASSWORD, _csrf: visitor.csrfToken });
        };
        const foreign = await send('https://evil.example');
        assert.equal(foreign.status, 403);
        assert.equal(foreign.headers['set-cookie'], undefined, 'no session');
        assert.equal((await send('null')).status, 403);
        assert.equal((await send(null)).status, 302, 'the same form without an Origin signs in');
      });

      it('with the visitor’s token, the sign-in form works', async () => {
        const user = await createUser(apps.auth.pow, {
          email: `forgery-${++seq}@example.com`,
          password: PASSWORD,
        });
        const visitor = anonymousSession(apps.auth);
        const res = await request(apps.after)
          .post('/session')
          .set('Cookie', visitor.cookie)
          .type('form')
          .send({ user_id: user.email, password: PASSWORD, _csrf: visitor.csrfToken });
        assert.equal(res.status, 302);
      });

      // Express 4's body-parser puts `{}` on every request it does not parse: an app with
      // `express.json()` before pow's middleware still gets its sign-in form read by pow.
      it('the sign-in form works behind the app’s own express.json()', async () => {
        const { auth } = apps;
        const app = expressLib();
        app.use(expressLib.json());
        app.use(auth.middleware());
        mountPowRoutes(app, expressLib, auth);
        const user = await createUser(auth.pow, {
          email: `forgery-${++seq}@example.com`,
          password: PASSWORD,
        });
        const visitor = anonymousSession(auth);
        const res = await request(app)
          .post('/session')
          .set('Cookie', visitor.cookie)
          .type('form')
          .send({ user_id: user.email, password: PASSWORD, _csrf: visitor.csrfToken });
        assert.equal(res.status, 302, res.text);
      });

      it('a pow page at a path the runtime does not know (auth.page) still needs the token', async () => {
        const { auth } = apps;
        const app = expressLib();
        app.use(auth.middleware());
        app.post('/login', auth.page('session', 'create'), (req: any, res: any) =>
          res.json({ signedInAs: req.body?.user_id ?? null }),
        );
        const forged = await request(app).post('/login').type('form').send({ user_id: 'victim@example.com' });
        assert.equal(forged.status, 403);
        const visitor = anonymousSession(auth);
        const ok = await request(app)
          .post('/login')
          .set('Cookie', visitor.cookie)
          .type('form')
          .send({ user_id: 'me@example.com', _csrf: visitor.csrfToken });
        assert.deepEqual(ok.body, { signedInAs: 'me@example.com' });
      });

      it('a forged sign-out form (method override on pow’s route) is refused', async () => {
        const res = await request(apps.after)
          .post('/session')
          .set('Cookie', signedIn.cookie)
          .set('Sec-Fetch-Site', 'same-origin')
          .type('form')
          .send({ _method: 'DELETE' });
        assert.equal(res.status, 403);
        assert.equal((await apps.auth.pow.sessions.load(signedIn.token))?.user.id, signedInId);
      });
    });

    describe('with an admin namespace (gen.templates --namespace admin)', () => {
      it('app routes under /admin pass for clients without a cookie; an admin session is checked', async () => {
        const adminPow = createPow({
          prisma: db.prisma,
          store: memoryStore(),
          secret: SECRET,
          userType: 'admin',
          hashing: { insecureTestParameters: true },
        });
        const admin = powExpress(adminPow, { mountPath: '/admin' });
        const app = expressLib();
        app.use(apps.auth.middleware());
        app.use('/admin', admin.middleware());
        app.post('/admin/session', (_req: any, res: any) => res.json({ signedIn: true }));
        app.post('/admin/api/reports', expressLib.json(), (req: any, res: any) =>
          res.status(201).json({ report: req.body }),
        );
        const anonymous = await request(app).post('/admin/api/reports').send({ a: 1 });
        assert.deepEqual([anonymous.status, anonymous.body], [201, { report: { a: 1 } }]);
        // A user's session is not an admin's: the users' middleware lets the admin route through.
        const asUser = await request(app)
          .post('/admin/api/reports')
          .set('Cookie', signedIn.cookie)
          .set('Sec-Fetch-Site', 'same-origin')
          .send({ a: 2 });
        assert.equal(asUser.status, 201);
        const adminUser = await createUser(adminPow, {
          email: `admin-${++seq}@example.com`,
          password: PASSWORD,
        });
        const adminSession = await sessionFor(admin, adminUser);
        const forged = await request(app)
          .post('/admin/api/reports')
          .set('Cookie', adminSession.cookie)
          .set('Sec-Fetch-Site', 'cross-site')
          .send({ a: 3 });
        assert.equal(forged.status, 403);
        const sameOrigin = await request(app)
          .post('/admin/api/reports')
          .set('Cookie', adminSession.cookie)
          .set('Sec-Fetch-Site', 'same-origin')
          .send({ a: 4 });
        assert.equal(sameOrigin.status, 201);
        // The admin's sign-in form is pow's own route: the token, even without any cookie.
        const noToken = await request(app).post('/admin/session').type('form').send({ user_id: 'x' });
        assert.equal(noToken.status, 403);
      });
    });

    describe('a configured base URL', () => {
      it('an Origin equal to baseUrl passes behind a proxy that rewrites Host', async () => {
        const withBase = buildApps(expressLib, db, BASE_URL);
        const user = await createUser(withBase.auth.pow, {
          email: `forgery-${++seq}@example.com`,
          password: PASSWORD,
        });
        const session = await sessionFor(withBase.auth, user);
        const ok = await request(withBase.after)
          .post('/api/posts')
          .set('Cookie', session.cookie)
          .set('Host', 'internal:3000')
          .set('Origin', BASE_URL)
          .type('form')
          .send({ a: '1' });
        assert.equal(ok.status, 201);
        const refused = await request(withBase.after)
          .post('/api/posts')
          .set('Cookie', session.cookie)
          .set('Origin', 'https://evil.example')
          .send({ a: 1 });
        assert.equal(refused.status, 403);
      });
    });
  });
}
