/**
 * The signed-in user without a database read per request (core/sessions.ts, user-snapshot.ts):
 * each session carries a copy of its user, re-read after `session.userRefreshMs` or at once after
 * `auth.refreshUser`. The promises of docs/guides/session-store.md, "How fresh is the signed-in
 * user", over HTTP on the memory, Redis and Prisma (SQLite) stores, users in a real SQLite
 * database; pow's clock is a fake one, so "within the bound" is checked without waiting.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { createClient } from 'redis';
import {
  createPow,
  createUser,
  fakeClock,
  memoryStore,
  prismaStore,
  redisStore,
} from '../../src/runtime/index.js';
import type { Store } from '../../src/runtime/core/types.js';
import { powExpress, type PowExpress } from '../../src/runtime/express/index.js';
import { sessionFor, type TestSession } from '../../src/runtime/express/testing.js';
import { createTestDatabase, type TestDatabase } from '../helpers/prisma-test-client.js';

const REDIS_URL = process.env.POW_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'user-freshness-secret-'.repeat(3);
const PASSWORD = 'correct staple battery horse kayak';
const PREFIX = `powtest-freshness-${randomBytes(4).toString('hex')}`;
const REFRESH_MS = 60_000;

type StoreKind = 'memory' | 'redis' | 'prisma';

/** The store with every call recorded as `method namespace key` (issue 18: calls per request). */
function countingStore(inner: Store): { store: Store; calls: string[] } {
  const calls: string[] = [];
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        calls.push(`${prop} ${String(args[0])} ${String(args[1]).replace(/^[^:]*:/, '')}`);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls };
}

for (const kind of ['memory', 'redis', 'prisma'] as StoreKind[]) {
  describe(`signed-in user freshness (${kind} store)`, () => {
    let db: TestDatabase;
    let store: Store;
    let calls: string[];
    let auth: PowExpress;
    let app: express.Express;
    const clock = fakeClock(Date.now());
    let count = 0;

    before(async () => {
      db = await createTestDatabase('sqlite');
      ({ store, calls } = countingStore(
        kind === 'memory'
          ? memoryStore()
          : kind === 'redis'
            ? redisStore(REDIS_URL, { prefix: PREFIX })
            : prismaStore(db.prisma),
      ));
      const pow = createPow({
        prisma: db.prisma,
        store,
        secret: SECRET,
        hashing: { insecureTestParameters: true },
        userFields: ['role'],
        clock: clock.now,
        session: { userRefreshMs: REFRESH_MS },
        // A loaded shared machine: a slow answer is not what these tests are about.
        storeTimeoutMs: 15_000,
      });
      auth = powExpress(pow);
      app = express();
      app.use(express.json());
      app.use(auth.middleware());
      // The app's own guard on a column pow knows nothing about.
      const notLocked: express.RequestHandler = (req, res, next) => {
        if (auth.currentUser(req)?.role === 'locked') res.status(403).json({ locked: true });
        else next();
      };
      app.get('/me', auth.requireAuthenticated, notLocked, (req, res) => {
        const user = auth.currentUser(req)!;
        res.json({ email: user.email, role: user.role, createdAtIsDate: user.createdAt instanceof Date });
      });
      app.get('/session/new', (req, res) => {
        res.json({ csrf: auth.context(req).csrfToken });
      });
      app.post('/session', async (req, res) => {
        const result = await auth.signIn(req, res, req.body?.user_id, req.body?.password);
        if (!result.ok) return void res.status(result.status).json({ ok: false });
        auth.flash(req, 'info', 'session.signed_in');
        res.redirect('/flash');
      });
      app.get('/flash', (req, res) => {
        res.json({ flash: auth.context(req).flash, email: auth.currentUser(req)?.email ?? null });
      });
      app.post('/account', auth.requireAuthenticated, async (req, res) => {
        const result = await auth.updateUser(req, req.body);
        res.status(result.ok ? 200 : 422).json({ ok: result.ok });
      });
      app.use(auth.errorHandler());
    });

    after(async () => {
      await store?.close?.();
      if (kind === 'redis') {
        const client = createClient({ url: REDIS_URL });
        await client.connect();
        try {
          for await (const keys of client.scanIterator({ MATCH: `${PREFIX}:*`, COUNT: 100 })) {
            const list = Array.isArray(keys) ? keys : [keys];
            if (list.length) await client.del(list);
          }
        } finally {
          await client.quit();
        }
      }
      await db?.cleanup();
    });

    async function newUser() {
      return createUser(auth.pow, { email: `u${++count}@example.com`, password: PASSWORD });
    }
    const me = (session: TestSession) => request(app).get('/me').set('Cookie', session.cookie);

    it('store calls: a new session writes each record once; a signed-in GET reads in one call and reads no user row', async () => {
      const user = await newUser();
      calls.length = 0;
      const session = await sessionFor(auth, user);
      const writes = calls.filter((call) => call.startsWith('put '));
      assert.deepEqual(
        writes.map((call) => call.split(' ')[1]),
        ['user:session', 'user:session-token'],
        `one write of the record and one of the token pointer: ${calls.join(', ')}`,
      );
      assert.equal(new Set(writes).size, writes.length, 'no record written twice');
      await me(session); // the first request may refresh lastSeenAt; count the next one
      calls.length = 0;
      const res = await me(session);
      assert.equal(res.status, 200);
      // memory: one synchronous read of both records (peekLinked), no promise and no copy;
      // Redis: one script; Prisma: one call.
      const expected = kind === 'memory' ? ['peekLinked'] : ['getLinked'];
      assert.deepEqual(
        calls.map((call) => call.split(' ')[0]),
        expected,
        calls.join(', '),
      );
    });

    it('store calls of a sign-in over HTTP: each record written once (the flash rides in the signed cookie); the flash arrives once', async () => {
      const user = await newUser();
      const cookiesOf = (res: request.Response, jar: Map<string, string>) => {
        for (const line of (res.headers['set-cookie'] as unknown as string[] | undefined) ?? []) {
          const [pair] = line.split(';');
          const [name, ...value] = pair!.split('=');
          if (/Max-Age=0/i.test(line)) jar.delete(name!);
          else jar.set(name!, value.join('='));
        }
        return jar;
      };
      const header = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const jar = new Map<string, string>();
      const form = await request(app).get('/session/new');
      cookiesOf(form, jar);
      calls.length = 0;
      const signIn = await request(app)
        .post('/session')
        .set('Cookie', header(jar))
        .send({ user_id: user.email, password: PASSWORD, _csrf: form.body.csrf });
      assert.equal(signIn.status, 302, JSON.stringify(signIn.body));
      cookiesOf(signIn, jar);
      const writes = calls.filter((call) => call.startsWith('put '));
      const sessionWrites = writes.filter((call) =>
        / user:session(-token)? /.test(` ${call.split(' ').slice(1, 2)} `),
      );
      assert.deepEqual(
        sessionWrites.map((call) => call.split(' ')[1]),
        ['user:session', 'user:session-token'],
        `the session record and its token pointer, once each: ${calls.join(', ')}`,
      );
      assert.equal(new Set(writes).size, writes.length, `no record written twice: ${writes.join(', ')}`);
      const first = await request(app).get('/flash').set('Cookie', header(jar));
      cookiesOf(first, jar);
      assert.deepEqual(first.body, { flash: { info: 'You are signed in.' }, email: user.email });
      const second = await request(app).get('/flash').set('Cookie', header(jar));
      assert.deepEqual(second.body, { flash: {}, email: user.email }, 'shown once');
    });

    it('a role change the app makes is seen within userRefreshMs, and at once after auth.refreshUser', async () => {
      const user = await newUser();
      const session = await sessionFor(auth, user);
      assert.deepEqual((await me(session)).body, { email: user.email, role: null, createdAtIsDate: true });

      await db.prisma.user.update({ where: { id: user.id }, data: { role: 'editor' } });
      // The session's copy is still fresh: the request read no user row.
      assert.equal((await me(session)).body.role, null);
      clock.advance(REFRESH_MS);
      const reread = await me(session);
      assert.equal(reread.body.role, 'editor');
      assert.equal(reread.body.createdAtIsDate, true);

      await db.prisma.user.update({ where: { id: user.id }, data: { role: 'admin' } });
      await auth.refreshUser(user.id);
      assert.equal((await me(session)).body.role, 'admin');
    });

    it('a user the app locks (a column its guard checks) is refused on the next request after auth.refreshUser', async () => {
      const user = await newUser();
      const session = await sessionFor(auth, user);
      assert.equal((await me(session)).status, 200);
      await db.prisma.user.update({ where: { id: user.id }, data: { role: 'locked' } });
      await auth.refreshUser(user.id);
      assert.deepEqual((await me(session)).body, { locked: true });
    });

    it('a deleted user is signed out at once, through pow or outside it after auth.refreshUser', async () => {
      const viaPow = await newUser();
      const a = await sessionFor(auth, viaPow);
      assert.equal((await me(a)).status, 200);
      await auth.pow.users.delete(viaPow);
      assert.equal((await me(a)).status, 302, 'signed out: the guard sends them to sign in');

      const outside = await newUser();
      const b = await sessionFor(auth, outside);
      assert.equal((await me(b)).status, 200);
      await db.prisma.user.delete({ where: { id: outside.id } });
      await auth.refreshUser(outside.id);
      assert.equal((await me(b)).status, 302);
      assert.equal((await auth.pow.sessions.list(outside.id)).length, 0);
    });

    it("a password change ends the user's other sessions at once; the changing one goes on", async () => {
      const user = await newUser();
      const changing = await sessionFor(auth, user);
      const other = await sessionFor(auth, user);
      assert.equal((await me(other)).status, 200);
      const changed = await request(app)
        .post('/account')
        .set('Cookie', changing.cookie)
        .set('X-CSRF-Token', changing.csrfToken)
        .send({
          password: 'another long passphrase for pow',
          password_confirmation: 'another long passphrase for pow',
          current_password: PASSWORD,
        });
      assert.equal(changed.status, 200);
      assert.equal((await me(other)).status, 302);
      const renewed = changed.headers['set-cookie'] as unknown as string[];
      const cookie = renewed.map((line) => line.split(';')[0]).find((pair) => pair.startsWith('pow_user='));
      assert.ok(cookie, 'the changing session got its renewed cookie');
      assert.equal((await request(app).get('/me').set('Cookie', cookie)).status, 200);
    });

    it("an account update through pow is seen by the user's other sessions on their next request", async () => {
      const user = await newUser();
      const editing = await sessionFor(auth, user);
      const other = await sessionFor(auth, user);
      assert.equal((await me(other)).body.email, user.email);
      const updated = await request(app)
        .post('/account')
        .set('Cookie', editing.cookie)
        .set('X-CSRF-Token', editing.csrfToken)
        .send({ email: `renamed${count}@example.com`, current_password: PASSWORD });
      assert.equal(updated.status, 200);
      assert.equal((await me(other)).body.email, `renamed${count}@example.com`);
    });
  });
}
