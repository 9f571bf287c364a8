/**
 * Two app instances on one Redis (each with its own connection, as two processes would have):
 * a session made by one is honoured by the other, and sign-in throttle counters are shared and
 * expire with Redis's own (real-time) TTL (security bar C8).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { createClient } from 'redis';
import { createPow, createUser, redisStore } from '../../src/runtime/index.js';
import type { Store } from '../../src/runtime/core/types.js';
import { asyncHandler, powExpress, type PowExpress } from '../../src/runtime/express/index.js';
import { anonymousSession, CookieJar } from '../../src/runtime/express/testing.js';
import { createTestDatabase, type TestDatabase } from '../helpers/prisma-test-client.js';

const REDIS_URL = process.env.POW_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'redis-test-secret-'.repeat(3);
const PASSWORD = 'correct staple battery horse kayak';
const PREFIX = `powtest-express-${randomBytes(4).toString('hex')}`;

describe('pow/express on a shared Redis store', () => {
  let db: TestDatabase;
  const stores: Store[] = [];

  before(async () => {
    db = await createTestDatabase('sqlite');
  });
  after(async () => {
    for (const store of stores) await store.close?.();
    // Remove what the tests wrote.
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
    await db?.cleanup();
  });

  function instance(windowMs: number): {
    app: express.Express;
    auth: PowExpress;
    pow: ReturnType<typeof createPow>;
  } {
    const store = redisStore(REDIS_URL, { prefix: PREFIX });
    stores.push(store);
    const pow = createPow({
      prisma: db.prisma,
      store,
      secret: SECRET,
      hashing: { insecureTestParameters: true },
    });
    const auth = powExpress(pow, { throttle: { maxFailuresPerAccount: 3, windowMs } });
    const app = express();
    app.use(auth.middleware());
    app.post(
      '/session',
      asyncHandler(async (req, res) => {
        const result = await auth.signIn(req, res, req.body.user_id, req.body.password);
        res
          .status(result.ok ? 200 : result.status)
          .json(result.ok ? { ok: true } : { error: result.messageKey });
      }),
    );
    app.get('/whoami', (req, res) => {
      res.json({ email: auth.currentUser(req)?.email ?? null });
    });
    return { app, auth, pow };
  }

  it('shares sessions and throttle counters between instances; the lock lifts with the Redis TTL', async () => {
    const a = instance(1500);
    const b = instance(1500);
    const user = await createUser(a.pow, {
      email: `redis-${randomBytes(4).toString('hex')}@example.com`,
      password: PASSWORD,
    });
    const attempt = (target: typeof a, password: string) => {
      const anon = anonymousSession(target.auth);
      return request(target.app)
        .post('/session')
        .set('Cookie', anon.cookie)
        .type('form')
        .send({ user_id: user.email, password, _csrf: anon.csrfToken });
    };

    // Session made on A works on B (same secret, same store).
    const signedIn = await attempt(a, PASSWORD);
    assert.equal(signedIn.status, 200);
    const jar = new CookieJar().store(signedIn.headers['set-cookie']);
    assert.equal((await request(b.app).get('/whoami').set('Cookie', jar.header())).body.email, user.email);

    // Failures on both instances add up: 2 on A + 1 on B reach the limit of 3.
    assert.equal((await attempt(a, 'wrong password one')).status, 401);
    assert.equal((await attempt(a, 'wrong password two')).status, 401);
    assert.equal((await attempt(b, 'wrong password three')).status, 401);
    const lockedOnA = await attempt(a, PASSWORD);
    const lockedOnB = await attempt(b, PASSWORD);
    assert.equal(lockedOnA.status, 401);
    assert.equal(lockedOnB.status, 401);
    assert.deepEqual(lockedOnA.body, { error: 'session.account_locked' });

    await new Promise((resolve) => setTimeout(resolve, 1700));
    assert.equal((await attempt(b, PASSWORD)).status, 200);
  });
});
