/**
 * The bound on password hashing (core/hash-queue.ts) over real HTTP: with `hashing.concurrency`
 * hashes running and `hashing.maxQueued` waiting, the next sign-in or sign-up is answered 503 with
 * Retry-After at once instead of piling up; the refused sign-in is not counted by the throttle
 * (its password was never checked), and everything works again once the hashes finish.
 *
 * Users in a real SQLite database (Prisma client), sessions in the memory store, the hasher a
 * real argon2id (test parameters) whose verify the test can hold, to fill the queue on purpose.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { createPow, memoryStore, ARGON2_INSECURE_TEST, argon2Hasher } from '../../src/runtime/index.js';
import type { Hasher, Pow } from '../../src/runtime/core/types.js';
import { asyncHandler, powExpress, type PowExpress } from '../../src/runtime/express/index.js';
import { CookieJar } from '../../src/runtime/express/testing.js';
import { createTestDatabase, type TestDatabase } from '../helpers/prisma-test-client.js';

const SECRET = 'hash-queue-secret-'.repeat(3);
const PASSWORD = 'correct staple battery horse kayak';

/** argon2id (cheap test parameters) whose verifies wait while `hold()` is on, counting starts. */
function gatedHasher() {
  const inner = argon2Hasher({ ...ARGON2_INSECURE_TEST, allowWeak: true });
  let gate: Promise<void> | null = null;
  let open = () => {};
  let verifiesStarted = 0;
  const hasher: Hasher = {
    id: inner.id,
    hash: (password) => inner.hash(password),
    async verify(hash, password) {
      verifiesStarted++;
      if (gate) await gate;
      return inner.verify(hash, password);
    },
    needsRehash: (hash) => inner.needsRehash(hash),
  };
  return {
    hasher,
    verifiesStarted: () => verifiesStarted,
    hold() {
      gate = new Promise<void>((resolve) => (open = resolve));
    },
    release() {
      gate = null;
      open();
    },
  };
}

let db: TestDatabase;
let pow: Pow;
let auth: PowExpress;
let server: Server;
let base: string;
const gated = gatedHasher();

before(async () => {
  db = await createTestDatabase('sqlite');
  pow = createPow({
    prisma: db.prisma,
    store: memoryStore(),
    secret: SECRET,
    // One hash at a time and none waiting: the second concurrent one is refused.
    hashing: { hasher: gated.hasher, concurrency: 1, maxQueued: 0 },
  });
  // Three failures lock an account: the refused attempts below would lock it if they counted.
  auth = powExpress(pow, { secureCookies: false, rateLimits: { signInFailuresPerAccount: { max: 3 } } });
  for (const email of ['first@example.com', 'second@example.com']) {
    const created = await pow.users.create({ email, password: PASSWORD, password_confirmation: PASSWORD });
    assert.ok(created.ok, JSON.stringify(created));
  }

  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(auth.middleware());
  app.get('/session/new', (req, res) => res.json({ csrf: auth.csrfToken(req) }));
  app.post(
    '/session',
    asyncHandler(async (req: any, res: any) => {
      const result = await auth.signIn(req, res, req.body?.user_id, req.body?.password);
      if (result.ok) return res.redirect('/');
      res
        .status(result.status)
        .json({ error: result.messageKey, retryAfter: result.retryAfterSeconds ?? null });
    }),
  );
  app.post(
    '/registration',
    asyncHandler(async (req: any, res: any) => {
      const result = await auth.register(req, {
        email: req.body.email,
        password: req.body.password,
        password_confirmation: req.body.password,
      });
      res.status(result.ok ? 201 : 422).json({ ok: result.ok });
    }),
  );
  app.use(auth.errorHandler());
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  gated.release();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await db?.cleanup();
});

/** Loads the sign-in page (anonymous cookie + CSRF token), then posts the form to `path`. */
async function postForm(path: string, fields: Record<string, string>) {
  const jar = new CookieJar();
  const page = await request(base).get('/session/new');
  jar.store(page.headers['set-cookie']);
  return request(base)
    .post(path)
    .set('Cookie', jar.header())
    .set('Accept', 'application/json')
    .type('form')
    .send({ ...fields, _csrf: page.body.csrf });
}

const signIn = (email: string) => postForm('/session', { user_id: email, password: PASSWORD });

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(condition(), 'timed out waiting');
}

describe('hashing at capacity, over HTTP', () => {
  it('answers a sign-in 503 with Retry-After at once, does not count it, and recovers', async () => {
    // pow's dummy hash (what an unknown user's sign-in verifies against) is made on first use,
    // alongside that sign-in's lookup; made here, it holds no slot during the test.
    await pow.users.spendVerify(PASSWORD);
    gated.hold();
    const started = gated.verifiesStarted();
    // The first sign-in takes the only hashing slot and waits there.
    const first = signIn('first@example.com');
    let firstEnded = '';
    void first.then((res) => (firstEnded = `${res.status} ${res.text}`));
    await until(() => gated.verifiesStarted() === started + 1 || firstEnded !== '');
    assert.equal(firstEnded, '', 'the first sign-in waits for its hash');

    // Four more for another account are refused at once: no slot, no room to wait.
    for (let i = 0; i < 4; i++) {
      const refused = await signIn('second@example.com');
      assert.equal(refused.status, 503);
      assert.match(String(refused.headers['retry-after']), /^[1-9][0-9]*$/);
      assert.equal(refused.body.error, 'auth.unavailable');
      const cookies = ([] as string[]).concat(refused.headers['set-cookie'] ?? []);
      assert.ok(!cookies.some((c) => c.startsWith('pow_session=')), 'no session');
    }
    assert.equal(gated.verifiesStarted(), started + 1, 'the refused sign-ins never reached the hasher');

    // A sign-up needs a hash too: refused the same way, nothing created.
    const signUp = await postForm('/registration', { email: 'third@example.com', password: PASSWORD });
    assert.equal(signUp.status, 503, signUp.text);
    assert.ok(signUp.headers['retry-after']);
    assert.equal(await db.prisma.user.count({ where: { email: 'third@example.com' } }), 0);

    gated.release();
    const firstDone = await first;
    assert.equal(firstDone.status, 302, firstDone.text);

    // Capacity is back; the four refusals were handed back to the throttle (max 3 per account),
    // so the second account is not locked.
    const second = await signIn('second@example.com');
    assert.equal(second.status, 302, second.text);
  });

  it('refuses bad hashing.concurrency and hashing.maxQueued values at start-up', () => {
    const base = { prisma: db.prisma, store: memoryStore(), secret: SECRET };
    for (const [hashing, key] of [
      [{ concurrency: 0 }, 'hashing.concurrency'],
      [{ concurrency: 1.5 }, 'hashing.concurrency'],
      [{ maxQueued: -1 }, 'hashing.maxQueued'],
      [{ maxQueued: '8' }, 'hashing.maxQueued'],
    ] as const) {
      assert.throws(
        () => createPow({ ...base, hashing: { insecureTestParameters: true, ...hashing } as never }),
        (error: Error) => error.message.includes(key),
        key,
      );
    }
    assert.ok(
      createPow({ ...base, hashing: { insecureTestParameters: true, concurrency: 2, maxQueued: 0 } }),
    );
  });
});
