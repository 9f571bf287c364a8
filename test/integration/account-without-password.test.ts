/**
 * Accounts without a password (signed up through an OAuth provider, a passkey or a sign-in link)
 * over real HTTP: they change their account without a current password, and confirm a deletion
 * with a recent sign-in (`session.reauthenticateMs`, 10 minutes by default) instead of a password
 * they do not have. An older session, or one restored from a remember-me cookie, is asked to sign
 * in again; an account update (which rotates the session) keeps the time of the sign-in it began
 * with. Accounts with a password still need it. Users in a real SQLite database; sessions in the
 * memory store; time is a fake pow clock.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { createPow, memoryStore, fakeClock, type FakeClock } from '../../src/runtime/index.js';
import type { Pow, UserRecord } from '../../src/runtime/core/types.js';
import { asyncHandler, powExpress, type PowExpress } from '../../src/runtime/express/index.js';
import { CookieJar, sessionFor } from '../../src/runtime/express/testing.js';
import { createTestDatabase, type TestDatabase } from '../helpers/prisma-test-client.js';

const SECRET = 'account-without-password-secret-'.repeat(2);
const PASSWORD = 'correct staple battery horse kayak';
const MIN = 60_000;

interface Setup {
  app: express.Express;
  clock: FakeClock;
  pow: Pow;
  auth: PowExpress;
}

function buildApp(db: TestDatabase, reauthenticateMs?: number): Setup {
  const clock = fakeClock();
  const pow = createPow({
    prisma: db.prisma,
    store: memoryStore(),
    secret: SECRET,
    clock: clock.now,
    extensions: ['persistent-session'],
    hashing: { insecureTestParameters: true },
    ...(reauthenticateMs === undefined ? {} : { session: { reauthenticateMs } }),
  });
  const auth = powExpress(pow, { prisma: db.prisma });
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(auth.middleware());
  app.get(
    '/account',
    auth.requireAuthenticated,
    asyncHandler(async (req, res) => {
      res.json({ hasPassword: await auth.hasPassword(req), csrf: auth.csrfToken(req) });
    }),
  );
  app.get('/csrf', (req, res) => {
    res.json({ csrf: auth.csrfToken(req) });
  });
  app.post(
    '/session',
    asyncHandler(async (req, res) => {
      const result = await auth.signIn(req, res, req.body.user_id, req.body.password, {
        rememberMe: req.body.remember_me === 'true',
      });
      res.status(result.ok ? 200 : result.status).json({ ok: result.ok });
    }),
  );
  app.patch(
    '/registration',
    auth.requireAuthenticated,
    asyncHandler(async (req, res) => {
      const result = await auth.updateUser(req, {
        email: req.body.email,
        current_password: req.body.current_password,
      });
      if (result.ok === false)
        return res.status(422).json({ errors: auth.translateErrors(req, result.errors) });
      res.json({ email: result.value.email });
    }),
  );
  app.delete(
    '/registration',
    auth.requireAuthenticated,
    asyncHandler(async (req, res) => {
      const result = await auth.deleteUser(req, res, { currentPassword: req.body.delete_password ?? '' });
      if (result.ok === false) {
        const errors = auth.translateErrors(req, { delete_password: result.errors.current_password ?? [] });
        return res
          .status(422)
          .json({ errors, keys: (result.errors.current_password ?? []).map((e) => e.key) });
      }
      res.json({ deleted: true });
    }),
  );
  app.use(auth.errorHandler());
  return { app, clock, pow, auth };
}

let db: TestDatabase;
let seq = 0;
const email = (label: string) => `${label}-${++seq}@example.com`;

before(async () => {
  db = await createTestDatabase('sqlite');
});
after(async () => {
  await db?.cleanup();
});

/** A browser: its cookie jar, and the requests it makes (with its CSRF token once it has one). */
function browserOf(setup: Setup, cookie = '') {
  const jar = new CookieJar();
  if (cookie) jar.store([cookie]);
  const keep = (res: request.Response) => (jar.store(res.headers['set-cookie']), res);
  return {
    jar,
    get: async (path: string) => keep(await request(setup.app).get(path).set('Cookie', jar.header())),
    send: async (method: 'post' | 'patch' | 'delete', path: string, body: Record<string, string>) => {
      const csrf = keep(await request(setup.app).get('/csrf').set('Cookie', jar.header())).body
        .csrf as string;
      const agent = request(setup.app);
      const call =
        method === 'post' ? agent.post(path) : method === 'patch' ? agent.patch(path) : agent.delete(path);
      return keep(
        await call
          .set('Cookie', jar.header())
          .type('form')
          .send({ ...body, _csrf: csrf }),
      );
    },
  };
}

async function providerUser(setup: Setup, label: string): Promise<UserRecord> {
  const created = await setup.pow.users.createWithoutPassword({ email: email(label) });
  assert.ok(created.ok, JSON.stringify(created));
  return created.value;
}

/** Signed in the way a provider callback signs in: a session begun now. */
async function signedInBrowser(setup: Setup, user: UserRecord) {
  return browserOf(setup, (await sessionFor(setup.auth, user)).cookie);
}

describe('accounts without a password', () => {
  it('have no password to give: the account page knows, an update needs none', async () => {
    const setup = buildApp(db);
    const user = await providerUser(setup, 'update');
    const browser = await signedInBrowser(setup, user);
    assert.equal((await browser.get('/account')).body.hasPassword, false);
    const updated = await browser.send('patch', '/registration', { email: email('renamed') });
    assert.equal(updated.status, 200, updated.text);
  });

  it('delete themselves within the window after a sign-in, even across an account update', async () => {
    const setup = buildApp(db);
    const user = await providerUser(setup, 'fresh');
    const browser = await signedInBrowser(setup, user);
    setup.clock.advance(6 * MIN);
    // The update rotates the session; the sign-in it began with stays 6 minutes old, not new.
    assert.equal((await browser.send('patch', '/registration', { email: email('moved') })).status, 200);
    setup.clock.advance(3 * MIN);
    const deleted = await browser.send('delete', '/registration', {});
    assert.equal(deleted.status, 200, deleted.text);
    assert.equal(await setup.pow.users.getBy({ id: user.id }), null, 'the account is gone');
  });

  it('are asked to sign in again when the sign-in is older than the window; nothing is deleted', async () => {
    const setup = buildApp(db);
    const user = await providerUser(setup, 'stale');
    const browser = await signedInBrowser(setup, user);
    setup.clock.advance(6 * MIN);
    assert.equal((await browser.send('patch', '/registration', { email: email('stale-moved') })).status, 200);
    setup.clock.advance(5 * MIN); // 11 minutes after the sign-in, though the session was rotated at 6
    const refused = await browser.send('delete', '/registration', {});
    assert.equal(refused.status, 422, refused.text);
    assert.deepEqual(refused.body.keys, ['errors.sign_in_again']);
    assert.match(refused.body.errors.delete_password[0], /sign in again and delete it within 10 minutes/);
    assert.ok(await setup.pow.users.getBy({ id: user.id }), 'still there');
    assert.equal((await browser.get('/account')).status, 200, 'still signed in');
  });

  it('follow the configured window (session.reauthenticateMs)', async () => {
    const setup = buildApp(db, 2 * MIN);
    const user = await providerUser(setup, 'window');
    const browser = await signedInBrowser(setup, user);
    setup.clock.advance(3 * MIN);
    const refused = await browser.send('delete', '/registration', {});
    assert.equal(refused.status, 422);
    assert.match(refused.body.errors.delete_password[0], /within 2 minutes/);
  });

  it('a session restored from a remember-me cookie is not a recent sign-in', async () => {
    const setup = buildApp(db);
    const address = email('remembered');
    const created = await setup.pow.users.create({
      email: address,
      password: PASSWORD,
      password_confirmation: PASSWORD,
    });
    assert.ok(created.ok);
    const browser = browserOf(setup);
    const signIn = await browser.send('post', '/session', {
      user_id: address,
      password: PASSWORD,
      remember_me: 'true',
    });
    assert.equal(signIn.status, 200, signIn.text);
    assert.ok(browser.jar.get('pow_user_remember'), 'a remember-me cookie');
    // The account becomes one without a password (as if it had only ever used a provider).
    await db.prisma.userCredential.delete({ where: { userId: created.value.id } });
    // The session ends (idle); the next request is signed in again from the remember-me cookie.
    setup.clock.advance(31 * MIN);
    browser.jar.cookies.delete('pow_user');
    assert.equal((await browser.get('/account')).status, 200, 'restored');
    const refused = await browser.send('delete', '/registration', {});
    assert.equal(refused.status, 422, refused.text);
    assert.deepEqual(refused.body.keys, ['errors.sign_in_again']);
  });

  it('an account with a password still needs it, however recent the sign-in', async () => {
    const setup = buildApp(db);
    const created = await setup.pow.users.create({
      email: email('password'),
      password: PASSWORD,
      password_confirmation: PASSWORD,
    });
    assert.ok(created.ok);
    const browser = await signedInBrowser(setup, created.value);
    assert.equal((await browser.get('/account')).body.hasPassword, true);
    const refused = await browser.send('delete', '/registration', {});
    assert.equal(refused.status, 422);
    assert.deepEqual(refused.body.keys, ['errors.blank']);
    const deleted = await browser.send('delete', '/registration', { delete_password: PASSWORD });
    assert.equal(deleted.status, 200, deleted.text);
  });
});
