/**
 * The two-factor extension's runtime (src/runtime/extensions/two-factor.ts and
 * src/runtime/express/two-factor.ts) on a real SQLite database with the `UserTwoFactor` table, a
 * fake clock and, for the second step, real HTTP through small JSON routes calling `auth.*`
 * (the generated pages are walked in Chromium by test/browser/two-factor.test.ts).
 *
 * What is checked here: a TOTP code is good once (also when two requests race with it), a
 * recovery code is single use, secrets are encrypted at rest and bound to their user, the
 * password alone signs nobody in, the pending second step is bound to its browser and expires,
 * wrong codes are throttled like passwords, and "remember this device" ends with a password change.
 */
import { describe, it, before, after, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createPow, fakeClock, memoryStore, type FakeClock } from '../../src/runtime/index.js';
import type { Pow, UserRecord } from '../../src/runtime/core/types.js';
import type { SecurityEvent } from '../../src/runtime/core/security-events.js';
import { powExpress, type PowExpress } from '../../src/runtime/express/index.js';
import { createTwoFactor, type TwoFactor } from '../../src/runtime/extensions/two-factor.js';
import { timeStep, totpCode } from '../../src/runtime/extensions/totp.js';
import {
  createExtHarness,
  seedUser,
  PASSWORD,
  NEW_PASSWORD,
  type ExtHarness,
} from '../helpers/prisma-ext-client.js';
import { createExtTestDatabase, type ExtTestDatabase } from '../helpers/prisma-ext-client.js';
import { HttpClient, type HttpResponse } from '../helpers/http-client.js';

const KEY = 'two-factor-test-encryption-key-0123456789';
const SECOND = 1000;
const MIN = 60 * SECOND;

/** The secret of a set-up as an app would read it (no spaces). */
async function setUp(tf: TwoFactor, user: UserRecord): Promise<string> {
  const begun = await tf.beginSetup(user);
  assert.ok(begun.ok);
  return begun.setup.secret.replace(/ /g, '');
}

/** Turns two-factor on for `user`; returns the secret and the recovery codes. */
async function enable(h: ExtHarness, tf: TwoFactor, user: UserRecord) {
  const secret = await setUp(tf, user);
  const confirmed = await tf.confirmSetup(user, totpCode(secret, timeStep(h.clock.now())));
  assert.ok(confirmed.ok, 'the current code confirms the set-up');
  return { secret, recoveryCodes: confirmed.recoveryCodes };
}

describe('two-factor runtime (SQLite)', () => {
  let h: ExtHarness;
  let tf: TwoFactor;
  const events: SecurityEvent[] = [];
  before(async () => {
    h = await createExtHarness({ store: 'memory', extensions: ['two-factor'] });
    tf = createTwoFactor(h.pow, h.db.prisma, { encryptionKey: KEY, issuer: 'Example' });
    h.pow.securityEvents.listen((event) => {
      events.push(event);
    });
  });
  after(async () => {
    await h?.close();
  });

  it('set-up: QR code as SVG and the key as text; on only after a right code; ten recovery codes', async () => {
    const user = await seedUser(h, 'setup@example.com');
    const begun = await tf.beginSetup(user);
    assert.ok(begun.ok);
    assert.match(begun.setup.qrSvg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(begun.setup.uri, /^otpauth:\/\/totp\/Example:setup%40example\.com\?/);
    assert.match(begun.setup.secret, /^[A-Z2-7]{4}( [A-Z2-7]{4})+$/);
    const again = await tf.beginSetup(user);
    assert.ok(again.ok);
    assert.equal(again.setup.secret, begun.setup.secret, 'a reload shows the same secret');
    assert.equal(await tf.isEnabled(user.id), false, 'not on before a code confirmed it');

    const secret = begun.setup.secret.replace(/ /g, '');
    const wrong = await tf.confirmSetup(
      user,
      '000000' === totpCode(secret, timeStep(h.clock.now())) ? '111111' : '000000',
    );
    assert.equal(wrong.ok, false);
    assert.deepEqual(Object.keys(wrong.ok ? {} : wrong.errors), ['code']);
    assert.equal(await tf.isEnabled(user.id), false);

    const confirmed = await tf.confirmSetup(user, totpCode(secret, timeStep(h.clock.now())));
    assert.ok(confirmed.ok);
    assert.equal(confirmed.recoveryCodes.length, 10);
    assert.equal(new Set(confirmed.recoveryCodes).size, 10);
    for (const code of confirmed.recoveryCodes) assert.match(code, /^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
    assert.deepEqual(await tf.status(user.id), { enabled: true, recoveryCodesLeft: 10 });
    assert.ok(events.some((e) => e.name === 'two-factor-enabled' && e.userId === user.id));
    const refused = await tf.beginSetup(user);
    assert.deepEqual(refused, { ok: false, reason: 'already-enabled' });
  });

  it('a code is good once: the same code again, or a code of an earlier step, is refused', async () => {
    const user = await seedUser(h, 'reuse@example.com');
    const { secret } = await enable(h, tf, user);
    // The confirmation code's step is used: that code does not sign in.
    assert.equal(await tf.verifyCode(user.id, totpCode(secret, timeStep(h.clock.now()))), 'reused');
    h.clock.advance(30 * SECOND);
    const code = totpCode(secret, timeStep(h.clock.now()));
    assert.equal(await tf.verifyCode(user.id, code), 'ok');
    assert.equal(await tf.verifyCode(user.id, code), 'reused', 'the same code a second time');
    assert.equal(await tf.verifyCode(user.id, ` ${code.slice(0, 3)} ${code.slice(3)} `), 'reused');
    // The next step's code works once, after which the previous step (still inside the drift window) is refused.
    h.clock.advance(30 * SECOND);
    const previous = totpCode(secret, timeStep(h.clock.now()) - 1);
    assert.equal(await tf.verifyCode(user.id, totpCode(secret, timeStep(h.clock.now()))), 'ok');
    assert.equal(await tf.verifyCode(user.id, previous), 'reused');
    assert.equal(await tf.verifyCode(user.id, '12345'), 'invalid');
    // Two requests racing with one new code: exactly one is accepted.
    h.clock.advance(30 * SECOND);
    const raced = totpCode(secret, timeStep(h.clock.now()));
    const verdicts = await Promise.all([tf.verifyCode(user.id, raced), tf.verifyCode(user.id, raced)]);
    assert.deepEqual(verdicts.sort(), ['ok', 'reused']);
    // Codes more than one step away are wrong, not merely early or late.
    assert.equal(await tf.verifyCode(user.id, totpCode(secret, timeStep(h.clock.now()) + 3)), 'invalid');
  });

  it('a recovery code is single use (also in a race), read case-insensitively, stored only as a hash', async () => {
    const user = await seedUser(h, 'recovery@example.com');
    const { recoveryCodes } = await enable(h, tf, user);
    const [first, second] = recoveryCodes as [string, string];
    assert.equal(await tf.verifyRecoveryCode(user.id, first.toUpperCase().replace(/-/g, ' ')), true);
    assert.equal(await tf.verifyRecoveryCode(user.id, first), false, 'the second use is refused');
    assert.equal((await tf.status(user.id)).recoveryCodesLeft, 9);
    assert.ok(events.some((e) => e.name === 'recovery-code-used' && e.userId === user.id));
    const raced = await Promise.all([
      tf.verifyRecoveryCode(user.id, second),
      tf.verifyRecoveryCode(user.id, second),
    ]);
    assert.deepEqual(raced.sort(), [false, true]);
    assert.equal((await tf.status(user.id)).recoveryCodesLeft, 8);
    assert.equal(await tf.verifyRecoveryCode(user.id, 'aaaa-bbbb-cccc-dddd'), false);
    const dump = await h.dumpAll();
    for (const code of recoveryCodes) {
      assert.ok(!dump.includes(code) && !dump.includes(code.replace(/-/g, '')), 'no recovery code in clear');
    }
  });

  it('secrets are encrypted at rest, bound to their user, and unreadable with another key', async () => {
    const user = await seedUser(h, 'sealed@example.com');
    const other = await seedUser(h, 'other@example.com');
    const { secret } = await enable(h, tf, user);
    await enable(h, tf, other);
    const dump = await h.dumpAll();
    assert.ok(!dump.includes(secret), 'the TOTP secret is not in the database dump');
    const row = await h.db.prisma.userTwoFactor.findUnique({ where: { userId: user.id } });
    assert.match(row.secret, /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);

    // The same database read with another key (or none) fails loudly, never as "no second factor".
    const wrongKey = createTwoFactor(h.pow, h.db.prisma, { encryptionKey: `${KEY}-other` });
    await assert.rejects(wrongKey.verifyCode(user.id, totpCode(secret, timeStep(h.clock.now()) + 1)), {
      code: 'POW_TWO_FACTOR_KEY',
    });
    const noKey = createTwoFactor(h.pow, h.db.prisma, {});
    await assert.rejects(noKey.verifyCode(user.id, '123456'), { code: 'POW_TWO_FACTOR_KEY' });

    // A ciphertext copied into another user's row does not decrypt there.
    await h.db.prisma.userTwoFactor.update({ where: { userId: other.id }, data: { secret: row.secret } });
    await assert.rejects(tf.verifyCode(other.id, totpCode(secret, timeStep(h.clock.now()) + 1)), {
      code: 'POW_TWO_FACTOR_KEY',
    });
    assert.throws(() => createTwoFactor(h.pow, h.db.prisma, { encryptionKey: 'short' }).encrypts, {
      code: 'POW_CONFIG_INVALID',
    });
  });

  it('without a key the secret is stored as it is (documented trade-off)', async () => {
    const plain = createTwoFactor(h.pow, h.db.prisma, {});
    const user = await seedUser(h, 'plain@example.com');
    const secret = await setUp(plain, user);
    const row = await h.db.prisma.userTwoFactor.findUnique({ where: { userId: user.id } });
    assert.equal(row.secret, `plain.${secret}`);
    assert.equal(plain.encrypts, false);
  });

  it('turning off deletes secret and codes; the device binding changes with the password', async () => {
    const user = await seedUser(h, 'off@example.com');
    await enable(h, tf, user);
    const binding = await tf.deviceBinding(user.id);
    assert.ok(binding);
    const changed = await h.pow.users.setPassword(user, NEW_PASSWORD);
    assert.ok(changed.ok);
    const after = await tf.deviceBinding(user.id);
    assert.ok(after && after !== binding, 'a new password: remembered devices no longer match');
    assert.equal(await tf.disable(user), true);
    assert.equal(await h.db.prisma.userTwoFactor.findUnique({ where: { userId: user.id } }), null);
    assert.equal(await tf.deviceBinding(user.id), null);
    assert.ok(events.some((e) => e.name === 'two-factor-disabled' && e.userId === user.id));
  });
});

// ---- the second step over HTTP ---------------------------------------------------------------

interface Web {
  db: ExtTestDatabase;
  pow: Pow;
  auth: PowExpress;
  clock: FakeClock;
  events: SecurityEvent[];
  browser(): HttpClient;
  /** A user with two-factor on; returns its secret. */
  enabledUser(email: string): Promise<{ user: UserRecord; secret: string; recoveryCodes: string[] }>;
}

type Json = Record<string, unknown>;

async function web(t: TestContext): Promise<Web> {
  const db = await createExtTestDatabase('sqlite');
  const clock = fakeClock();
  const store = memoryStore();
  const pow = createPow({
    prisma: db.prisma,
    store,
    secret: 'two-factor-http-secret-'.repeat(3),
    extensions: ['persistent-session', 'two-factor'],
    hashing: { insecureTestParameters: true },
    clock: clock.now,
  });
  const auth = powExpress(pow, {
    prisma: db.prisma,
    baseUrl: 'https://app.test',
    twoFactor: { encryptionKey: KEY },
    rateLimits: { signInFailuresPerAccount: { max: 5 } },
  });
  const events: SecurityEvent[] = [];
  pow.securityEvents.listen((event) => {
    events.push(event);
  });
  const app = express();
  const r = express.Router();
  const json = (res: express.Response, body: Json) => res.json(body);
  r.get('/csrf', (req, res) => json(res, { csrf: auth.csrfToken(req) }));
  r.get('/me', (req, res) =>
    json(res, { email: (auth.currentUser(req)?.email as string | undefined) ?? null }),
  );
  r.post('/session', async (req, res) => {
    const result = await auth.signIn(req, res, String(req.body.user_id), String(req.body.password));
    json(
      res,
      result.ok ? { ok: true } : { ok: false, reason: result.reason ?? null, key: result.messageKey },
    );
  });
  r.delete('/session', async (req, res) => {
    await auth.signOut(req, res);
    json(res, { ok: true });
  });
  r.post('/two-factor/challenge', async (req, res) => {
    const result = await auth.completeTwoFactor(req, res, {
      code: req.body.code,
      recoveryCode: req.body.recovery_code,
      rememberDevice: req.body.remember_device,
    });
    json(
      res,
      result.ok
        ? { ok: true }
        : { ok: false, status: result.status, key: result.messageKey, expired: result.expired ?? false },
    );
  });
  r.get('/two-factor/challenge', async (req, res) =>
    json(res, { pending: await auth.twoFactorChallenge(req) }),
  );
  r.delete('/two-factor', async (req, res) => {
    const result = await auth.disableTwoFactor(req, res, req.body.disable_password);
    json(res, result.ok ? { ok: true } : { ok: false, errors: auth.translateErrors(req, result.errors) });
  });
  r.patch('/registration', async (req, res) => {
    const result = await auth.updateUser(req, { ...req.body });
    json(res, { ok: result.ok });
  });
  app.use(auth.middleware(), r);
  app.use(auth.errorHandler());
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
    await db.cleanup();
  });
  const service = createTwoFactor(pow, db.prisma, { encryptionKey: KEY });
  return {
    db,
    pow,
    auth,
    clock,
    events,
    browser: () => new HttpClient(url),
    async enabledUser(email) {
      const created = await pow.users.create({ email, password: PASSWORD, password_confirmation: PASSWORD });
      assert.ok(created.ok);
      const begun = await service.beginSetup(created.value);
      assert.ok(begun.ok);
      const secret = begun.setup.secret.replace(/ /g, '');
      const confirmed = await service.confirmSetup(created.value, totpCode(secret, timeStep(clock.now())));
      assert.ok(confirmed.ok);
      // The next codes belong to later steps than the confirmation's.
      clock.advance(30 * SECOND);
      return { user: created.value, secret, recoveryCodes: confirmed.recoveryCodes };
    },
  };
}

async function call(b: HttpClient, method: string, path: string, form: Record<string, string> = {}) {
  let res: HttpResponse;
  if (method === 'GET') res = await b.get(path);
  else {
    const csrf = (JSON.parse((await b.get('/csrf')).body) as { csrf: string }).csrf;
    res = await b.post(path, { ...form, _csrf: csrf, ...(method !== 'POST' ? { _method: method } : {}) });
  }
  return { ...res, json: JSON.parse(res.body) as Json };
}

const me = async (b: HttpClient) => (await call(b, 'GET', '/me')).json.email;
const code = (w: Web, secret: string) => totpCode(secret, timeStep(w.clock.now()));

test('the password alone signs nobody in; the pending step is bound to its browser and single use', async (t) => {
  const w = await web(t);
  const { secret } = await w.enabledUser('ada@example.com');
  const a = w.browser();
  const signIn = await call(a, 'POST', '/session', { user_id: 'ada@example.com', password: PASSWORD });
  assert.deepEqual(signIn.json, { ok: false, reason: 'two-factor', key: 'two_factor.code_required' });
  assert.match(
    signIn.headers.getSetCookie().find((line) => line.startsWith('pow_user_2fa='))!,
    /Max-Age=300; HttpOnly; SameSite=Lax/,
  );
  assert.equal(a.cookies.has('pow_user'), false, 'no session cookie after the password');
  assert.equal(await me(a), null);
  assert.deepEqual((await call(a, 'GET', '/two-factor/challenge')).json, {
    pending: { rememberDeviceDays: 30, passkey: false },
  });

  // Another browser with the right code: there is no pending sign-in there.
  const other = w.browser();
  const stolen = await call(other, 'POST', '/two-factor/challenge', { code: code(w, secret) });
  assert.equal(stolen.json.expired, true);
  assert.equal(await me(other), null);

  const pendingCookie = a.cookies.get('pow_user_2fa')!;
  const done = await call(a, 'POST', '/two-factor/challenge', { code: code(w, secret) });
  assert.deepEqual(done.json, { ok: true });
  assert.equal(await me(a), 'ada@example.com');
  assert.equal(a.cookies.has('pow_user_2fa'), false, 'the pending cookie is cleared');

  // The pending sign-in is gone: replaying its cookie finishes nothing.
  const replay = w.browser();
  replay.cookies.set('pow_user_2fa', pendingCookie);
  w.clock.advance(30 * SECOND);
  assert.equal(
    (await call(replay, 'POST', '/two-factor/challenge', { code: code(w, secret) })).json.expired,
    true,
  );
  assert.equal(await me(replay), null);
});

test('the pending step expires after 5 minutes: the right code then signs nobody in', async (t) => {
  const w = await web(t);
  const { secret } = await w.enabledUser('late@example.com');
  const a = w.browser();
  await call(a, 'POST', '/session', { user_id: 'late@example.com', password: PASSWORD });
  w.clock.advance(5 * MIN + SECOND);
  assert.deepEqual((await call(a, 'GET', '/two-factor/challenge')).json, { pending: null });
  const late = await call(a, 'POST', '/two-factor/challenge', { code: code(w, secret) });
  assert.deepEqual(late.json, { ok: false, status: 401, key: 'two_factor.expired', expired: true });
  assert.equal(await me(a), null);
});

test('wrong codes are throttled like passwords: after the limit even the right code is refused', async (t) => {
  const w = await web(t);
  const { secret, user } = await w.enabledUser('guess@example.com');
  const a = w.browser();
  await call(a, 'POST', '/session', { user_id: 'guess@example.com', password: PASSWORD });
  const right = code(w, secret);
  const wrong = right === '000000' ? '111111' : '000000';
  for (let i = 0; i < 5; i++) {
    const res = await call(a, 'POST', '/two-factor/challenge', { code: wrong });
    assert.equal(res.json.key, 'two_factor.invalid_code');
  }
  const locked = await call(a, 'POST', '/two-factor/challenge', { code: right });
  assert.equal(locked.json.key, 'two_factor.locked');
  assert.equal(await me(a), null);
  assert.equal(w.events.filter((e) => e.name === 'two-factor-failed' && e.userId === user.id).length, 5);
  // The lock lifts with its window (15 min); a new password step is needed (the pending one expired).
  w.clock.advance(16 * MIN);
  await call(a, 'POST', '/session', { user_id: 'guess@example.com', password: PASSWORD });
  assert.deepEqual((await call(a, 'POST', '/two-factor/challenge', { code: code(w, secret) })).json, {
    ok: true,
  });
});

test('a reused code and a used recovery code are refused over HTTP too', async (t) => {
  const w = await web(t);
  const { secret, recoveryCodes } = await w.enabledUser('codes@example.com');
  const a = w.browser();
  await call(a, 'POST', '/session', { user_id: 'codes@example.com', password: PASSWORD });
  const used = code(w, secret);
  assert.deepEqual((await call(a, 'POST', '/two-factor/challenge', { code: used })).json, { ok: true });
  await call(a, 'DELETE', '/session');
  await call(a, 'POST', '/session', { user_id: 'codes@example.com', password: PASSWORD });
  const again = await call(a, 'POST', '/two-factor/challenge', { code: used });
  assert.equal(again.json.key, 'two_factor.reused_code');
  assert.ok(w.events.some((e) => e.name === 'two-factor-failed' && e.detail?.reason === 'reused-code'));
  assert.deepEqual(
    (await call(a, 'POST', '/two-factor/challenge', { recovery_code: recoveryCodes[0]! })).json,
    {
      ok: true,
    },
  );
  await call(a, 'DELETE', '/session');
  await call(a, 'POST', '/session', { user_id: 'codes@example.com', password: PASSWORD });
  const second = await call(a, 'POST', '/two-factor/challenge', { recovery_code: recoveryCodes[0]! });
  assert.equal(second.json.key, 'two_factor.invalid_recovery_code');
  assert.equal(await me(a), null);
});

test('"keep me signed in" carries over the second step; "remember this device" ends with a password change', async (t) => {
  const w = await web(t);
  const { secret } = await w.enabledUser('device@example.com');
  const a = w.browser();
  await call(a, 'POST', '/session', {
    user_id: 'device@example.com',
    password: PASSWORD,
    remember_me: 'true',
  });
  assert.equal(a.cookies.has('pow_user_remember'), false, 'no remember-me before the code');
  const done = await call(a, 'POST', '/two-factor/challenge', {
    code: code(w, secret),
    remember_device: 'true',
  });
  assert.deepEqual(done.json, { ok: true });
  assert.ok(a.cookies.has('pow_user_remember'), 'the choice of the password step applies now');
  assert.match(
    done.headers.getSetCookie().find((line) => line.startsWith('pow_user_2fa_device='))!,
    /Max-Age=2592000; HttpOnly; SameSite=Lax/,
  );

  // This device: the password is enough now.
  await call(a, 'DELETE', '/session');
  assert.deepEqual(
    (await call(a, 'POST', '/session', { user_id: 'device@example.com', password: PASSWORD })).json,
    {
      ok: true,
    },
  );
  // Another browser still needs the code, also with this browser's device cookie copied over for another user.
  const b = w.browser();
  assert.equal(
    (await call(b, 'POST', '/session', { user_id: 'device@example.com', password: PASSWORD })).json.reason,
    'two-factor',
  );

  // A password change forgets every remembered device.
  const changed = await call(a, 'PATCH', '/registration', {
    current_password: PASSWORD,
    password: NEW_PASSWORD,
    password_confirmation: NEW_PASSWORD,
  });
  assert.deepEqual(changed.json, { ok: true });
  await call(a, 'DELETE', '/session');
  assert.ok(a.cookies.has('pow_user_2fa_device'), 'the cookie is still there, but no longer matches');
  const after = await call(a, 'POST', '/session', { user_id: 'device@example.com', password: NEW_PASSWORD });
  assert.equal(after.json.reason, 'two-factor');

  // And the device cookie expires on its own.
  w.clock.advance(30 * SECOND);
  assert.deepEqual(
    (await call(a, 'POST', '/two-factor/challenge', { code: code(w, secret), remember_device: 'true' })).json,
    { ok: true },
  );
  await call(a, 'DELETE', '/session');
  w.clock.advance(31 * 24 * 60 * MIN);
  assert.equal(
    (await call(a, 'POST', '/session', { user_id: 'device@example.com', password: NEW_PASSWORD })).json
      .reason,
    'two-factor',
  );
});

test('on PostgreSQL: a code is good once, a recovery code once (both in a race), the secret sealed', async (t) => {
  const db = await createExtTestDatabase('postgresql');
  const clock = fakeClock();
  const store = memoryStore();
  t.after(async () => {
    await store.close();
    await db.cleanup();
  });
  const pow = createPow({
    prisma: db.prisma,
    store,
    secret: 'two-factor-postgres-secret-'.repeat(2),
    extensions: ['two-factor'],
    hashing: { insecureTestParameters: true },
    clock: clock.now,
  });
  const tf = createTwoFactor(pow, db.prisma, { encryptionKey: KEY });
  const created = await pow.users.create({
    email: 'pg@example.com',
    password: PASSWORD,
    password_confirmation: PASSWORD,
  });
  assert.ok(created.ok);
  const begun = await tf.beginSetup(created.value);
  assert.ok(begun.ok);
  const secret = begun.setup.secret.replace(/ /g, '');
  const confirmed = await tf.confirmSetup(created.value, totpCode(secret, timeStep(clock.now())));
  assert.ok(confirmed.ok);
  clock.advance(30 * SECOND);
  const code = totpCode(secret, timeStep(clock.now()));
  const verdicts = await Promise.all([1, 2, 3].map(() => tf.verifyCode(created.value.id, code)));
  assert.deepEqual(verdicts.sort(), ['ok', 'reused', 'reused']);
  const recovery = confirmed.recoveryCodes[0]!;
  const used = await Promise.all([1, 2, 3].map(() => tf.verifyRecoveryCode(created.value.id, recovery)));
  assert.deepEqual(used.sort(), [false, false, true]);
  const dump = await db.dumpTables();
  assert.ok(!dump.includes(secret) && !confirmed.recoveryCodes.some((c) => dump.includes(c)));
});

test('two right answers racing for one pending sign-in: exactly one finishes it', async (t) => {
  const w = await web(t);
  const { secret, recoveryCodes } = await w.enabledUser('race@example.com');
  const a = w.browser();
  await call(a, 'POST', '/session', { user_id: 'race@example.com', password: PASSWORD });
  const results = await Promise.all([
    call(a, 'POST', '/two-factor/challenge', { code: code(w, secret) }),
    call(a, 'POST', '/two-factor/challenge', { recovery_code: recoveryCodes[0]! }),
  ]);
  assert.deepEqual(results.map((r) => r.json.ok).sort(), [false, true]);
  assert.equal(results.find((r) => r.json.ok === false)!.json.expired, true);
});

test('turning two-factor off needs the password, and guessing it is throttled like sign-in', async (t) => {
  const w = await web(t);
  const { secret, user } = await w.enabledUser('off@example.com');
  const a = w.browser();
  await call(a, 'POST', '/session', { user_id: 'off@example.com', password: PASSWORD });
  assert.deepEqual((await call(a, 'POST', '/two-factor/challenge', { code: code(w, secret) })).json, {
    ok: true,
  });
  for (let i = 0; i < 5; i++) {
    const wrong = await call(a, 'DELETE', '/two-factor', { disable_password: `not it ${i} at all` });
    assert.deepEqual(wrong.json.errors, {
      disable_password: [
        'The password to turn off two-factor authentication is not right. Enter the password you sign in with.',
      ],
    });
  }
  const locked = await call(a, 'DELETE', '/two-factor', { disable_password: PASSWORD });
  assert.match(
    String((locked.json.errors as Record<string, string[]>).disable_password),
    /paused after too many wrong passwords\. Wait 15 minutes/,
  );
  assert.ok(await w.db.prisma.userTwoFactor.findUnique({ where: { userId: user.id } }), 'still on');
  w.clock.advance(16 * MIN);
  // The lock lifts with its window; the right password then turns two-factor off.
  assert.deepEqual((await call(a, 'DELETE', '/two-factor', { disable_password: PASSWORD })).json, {
    ok: true,
  });
  assert.equal(await w.db.prisma.userTwoFactor.findUnique({ where: { userId: user.id } }), null);
  assert.ok(w.events.some((e) => e.name === 'two-factor-disabled' && e.userId === user.id));
});
