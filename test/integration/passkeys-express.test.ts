/**
 * The passkeys extension over real HTTP (supertest on an in-process Express 5 app, SQLite users,
 * the memory store): the ceremonies are bound to the browser by pow's signed cookie, a passkey
 * sign-in starts a session, and every step emits its security event (passkey-added,
 * passkey-removed, sign-in with method=passkey). The software authenticator signs real answers.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { createPow, createUser, memoryStore } from '../../src/runtime/index.js';
import type { Pow, UserRecord } from '../../src/runtime/core/types.js';
import type { SecurityEvent } from '../../src/runtime/core/security-events.js';
import { asyncHandler, powExpress, type PowExpress } from '../../src/runtime/express/index.js';
import { anonymousSession, CookieJar, sessionFor } from '../../src/runtime/express/testing.js';
import { createTestDatabase, type TestDatabase } from '../helpers/prisma-test-client.js';
import { softAuthenticator } from '../helpers/soft-authenticator.js';

const ORIGIN = 'https://app.example.com';
const SECRET = 'passkeys-http-secret-'.repeat(3);
const PASSWORD = 'correct staple battery horse kayak';

describe('passkeys over HTTP', () => {
  let db: TestDatabase;
  let pow: Pow;
  let auth: PowExpress;
  let app: express.Express;
  const events: SecurityEvent[] = [];

  before(async () => {
    db = await createTestDatabase('sqlite');
    pow = createPow({
      prisma: db.prisma,
      store: memoryStore(),
      secret: SECRET,
      extensions: ['passkeys'],
      hashing: { insecureTestParameters: true },
    });
    pow.securityEvents.listen((event) => {
      events.push(event);
    });
    auth = powExpress(pow, { prisma: db.prisma, baseUrl: ORIGIN, secureCookies: false });
    app = express();
    app.use(auth.middleware());
    const body = (req: express.Request, name: string): unknown =>
      (req.body as Record<string, unknown>)?.[name];
    app.post(
      '/passkeys/registration-options',
      asyncHandler(async (req, res) => res.json(await auth.passkeyRegistrationOptions(req, res))),
    );
    app.post(
      '/passkeys',
      asyncHandler(async (req, res) =>
        res.json(
          await auth.registerPasskey(req, res, {
            response: body(req, 'response'),
            label: body(req, 'label'),
          }),
        ),
      ),
    );
    app.delete(
      '/passkeys',
      asyncHandler(async (req, res) =>
        res.json({ removed: await auth.removePasskey(req, body(req, 'passkey_id')) }),
      ),
    );
    app.post(
      '/passkeys/sign-in-options',
      asyncHandler(async (req, res) => {
        const result = await auth.passkeySignInOptions(req, res);
        res.status(result.ok ? 200 : result.status).json(result.ok ? result.options : result);
      }),
    );
    app.post(
      '/passkeys/session',
      asyncHandler(async (req, res) => {
        const result = await auth.signInWithPasskey(req, res, body(req, 'response'));
        res
          .status(result.ok ? 200 : result.status)
          .json(result.ok ? { ok: true, id: result.user.id } : result);
      }),
    );
    app.get('/whoami', (req, res) => {
      res.json({ user: auth.currentUser(req)?.id ?? null });
    });
  });
  after(() => db.cleanup());

  it('adds a passkey, signs in with it in another browser, removes it; each step is a security event', async () => {
    const user: UserRecord = await createUser(pow, { email: 'ada@example.com', password: PASSWORD });
    const device = softAuthenticator();
    const laptop = await sessionFor(auth, user);
    const jar = new CookieJar().store(laptop.cookie);
    const post = (path: string, form: Record<string, string>, cookies: CookieJar, csrf: string) =>
      request(app)
        .post(path)
        .set('Cookie', cookies.header())
        .set('X-CSRF-Token', csrf)
        .type('form')
        .send(form);

    const optionsRes = await post('/passkeys/registration-options', {}, jar, laptop.csrfToken);
    assert.equal(optionsRes.status, 200);
    const binding = (optionsRes.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith('pow_user_passkey='),
    );
    assert.ok(binding, 'the ceremony gets its browser binding cookie');
    assert.match(binding, /HttpOnly/i);
    assert.match(binding, /SameSite=Lax/i);
    assert.match(binding, /Max-Age=300/);
    jar.store(optionsRes.headers['set-cookie']);
    const registered = await post(
      '/passkeys',
      { response: JSON.stringify(device.register(optionsRes.body, ORIGIN)), label: 'Security key' },
      jar,
      laptop.csrfToken,
    );
    assert.equal(registered.body.ok, true, JSON.stringify(registered.body));
    const added = events.find((e) => e.name === 'passkey-added');
    assert.deepEqual(added && { userId: added.userId, detail: added.detail }, {
      userId: user.id,
      detail: { label: 'Security key' },
    });

    // Another browser, signed out: its own binding, then the passkey signs it in.
    const phone = anonymousSession(auth);
    const phoneJar = new CookieJar().store(phone.cookie);
    const signInOptions = await post('/passkeys/sign-in-options', {}, phoneJar, phone.csrfToken);
    assert.equal(signInOptions.status, 200);
    phoneJar.store(signInOptions.headers['set-cookie']);
    const answer = JSON.stringify(device.authenticate(signInOptions.body, ORIGIN, 'app.example.com'));

    // The same answer from a browser without the binding finds no challenge.
    const stranger = anonymousSession(auth);
    const strangerJar = new CookieJar().store(stranger.cookie);
    const stolen = await post('/passkeys/session', { response: answer }, strangerJar, stranger.csrfToken);
    assert.equal(stolen.status, 401);
    assert.equal(stolen.body.messageKey, 'passkeys.expired');

    const signedIn = await post('/passkeys/session', { response: answer }, phoneJar, phone.csrfToken);
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
    phoneJar.store(signedIn.headers['set-cookie']);
    const who = await request(app).get('/whoami').set('Cookie', phoneJar.header());
    assert.equal(who.body.user, user.id, 'a session for the passkey owner');
    const signInEvent = events.find((e) => e.name === 'sign-in');
    assert.equal(signInEvent?.detail?.method, 'passkey');
    assert.equal(signInEvent?.userId, user.id);

    const list = await db.prisma.userPasskey.findMany({ where: { userId: user.id } });
    const removed = await request(app)
      .delete('/passkeys')
      .set('Cookie', jar.header())
      .set('X-CSRF-Token', laptop.csrfToken)
      .type('form')
      .send({ passkey_id: (list[0] as { id: string }).id });
    assert.deepEqual(removed.body, { removed: true });
    const gone = events.find((e) => e.name === 'passkey-removed');
    assert.deepEqual(gone?.detail, { label: 'Security key' });
    for (const event of events) {
      const text = JSON.stringify(event);
      assert.ok(!text.includes(device.id), 'no credential id in an event');
    }
  });
});
