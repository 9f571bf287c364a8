/**
 * New recovery codes while two-factor is on, over real HTTP (test/helpers/two-factor-web.ts):
 * only with the account's password, all ten replaced in one write (an old code stops working at
 * once), each new one good once, and a `recovery-codes-regenerated` event. A wrong password
 * changes nothing, and wrong guesses are throttled like failed sign-ins.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD } from '../helpers/prisma-ext-client.js';
import { call, me, twoFactorWeb, type TwoFactorWeb } from '../helpers/two-factor-web.js';
import type { HttpClient } from '../helpers/http-client.js';

/** A browser signed in with the password and a TOTP code. */
async function signedIn(w: TwoFactorWeb, email: string, secret: string): Promise<HttpClient> {
  const b = w.browser();
  await call(b, 'POST', '/session', { user_id: email, password: PASSWORD });
  assert.deepEqual((await call(b, 'POST', '/two-factor/challenge', { code: w.code(secret) })).json, {
    ok: true,
  });
  return b;
}

/** The second step with a recovery code, in a fresh browser. */
async function withRecoveryCode(w: TwoFactorWeb, email: string, code: string) {
  const b = w.browser();
  await call(b, 'POST', '/session', { user_id: email, password: PASSWORD });
  const result = await call(b, 'POST', '/two-factor/challenge', { recovery_code: code });
  return { result: result.json, email: await me(b) };
}

test('new recovery codes: the old ones stop at once, each new one works once', async (t) => {
  const w = await twoFactorWeb(t);
  const { user, secret, recoveryCodes: old } = await w.enabledUser('ada@example.com');
  const a = await signedIn(w, 'ada@example.com', secret);
  const before = await w.db.prisma.userTwoFactor.findUnique({ where: { userId: user.id } });

  const made = await call(a, 'POST', '/two-factor/recovery-codes', { codes_password: PASSWORD });
  assert.equal(made.json.ok, true);
  const codes = made.json.codes as string[];
  assert.equal(codes.length, 10);
  assert.equal(new Set(codes).size, 10);
  assert.ok(codes.every((code) => !old.includes(code)));
  assert.deepEqual((await call(a, 'GET', '/two-factor')).json, { enabled: true, recoveryCodesLeft: 10 });
  const regenerated = w.events.filter((e) => e.name === 'recovery-codes-regenerated');
  assert.equal(regenerated.length, 1);
  assert.equal(regenerated[0]!.userId, user.id);

  // The secret stays (the app keeps working); only the codes changed, stored hashed.
  const after = await w.db.prisma.userTwoFactor.findUnique({ where: { userId: user.id } });
  assert.equal(after.secret, before.secret);
  for (const code of codes) assert.ok(!String(after.recoveryCodes).includes(code), 'no code in clear');

  assert.deepEqual(await withRecoveryCode(w, 'ada@example.com', old[0]!), {
    result: { ok: false, status: 401, key: 'two_factor.invalid_recovery_code', expired: false },
    email: null,
  });
  assert.deepEqual(await withRecoveryCode(w, 'ada@example.com', codes[3]!), {
    result: { ok: true },
    email: 'ada@example.com',
  });
  assert.equal((await withRecoveryCode(w, 'ada@example.com', codes[3]!)).email, null, 'single use');
});

test('a wrong password changes nothing; guesses are paused like failed sign-ins', async (t) => {
  const w = await twoFactorWeb(t);
  const { user, secret, recoveryCodes } = await w.enabledUser('bob@example.com');
  const a = await signedIn(w, 'bob@example.com', secret);
  const before = await w.db.prisma.userTwoFactor.findUnique({ where: { userId: user.id } });

  const blank = await call(a, 'POST', '/two-factor/recovery-codes', { codes_password: '' });
  assert.deepEqual(blank.json, {
    ok: false,
    reason: 'password',
    errors: { codes_password: ['Enter your password to get new recovery codes.'] },
  });
  for (let i = 0; i < 4; i++) {
    const wrong = await call(a, 'POST', '/two-factor/recovery-codes', { codes_password: 'not the password' });
    assert.deepEqual(wrong.json.errors, {
      codes_password: [
        'The password to get new recovery codes is not right. Enter the password you sign in with.',
      ],
    });
  }
  const after = await w.db.prisma.userTwoFactor.findUnique({ where: { userId: user.id } });
  assert.equal(after.recoveryCodes, before.recoveryCodes, 'the codes did not change');
  assert.equal(w.events.filter((e) => e.name === 'recovery-codes-regenerated').length, 0);

  // The limit (5) is reached: now even the right password waits.
  const paused = await call(a, 'POST', '/two-factor/recovery-codes', { codes_password: PASSWORD });
  assert.match((paused.json.errors as Record<string, string[]>).codes_password![0]!, /paused/);
  assert.equal(
    (await w.db.prisma.userTwoFactor.findUnique({ where: { userId: user.id } })).recoveryCodes,
    before.recoveryCodes,
  );
  // The old codes still work.
  assert.equal((await withRecoveryCode(w, 'bob@example.com', recoveryCodes[0]!)).email, 'bob@example.com');
});

test('signed out, or with two-factor off: no codes', async (t) => {
  const w = await twoFactorWeb(t);
  const created = await w.pow.users.create({
    email: 'off@example.com',
    password: PASSWORD,
    password_confirmation: PASSWORD,
  });
  assert.ok(created.ok);
  const b = w.browser();
  // Signed out: the guard of a signed-in page (the error handler sends the browser to sign in).
  const csrf = (JSON.parse((await b.get('/csrf')).body) as { csrf: string }).csrf;
  const anonymous = await b.post('/two-factor/recovery-codes', { codes_password: PASSWORD, _csrf: csrf });
  assert.equal(anonymous.status, 302);
  assert.equal(w.events.filter((e) => e.name === 'recovery-codes-regenerated').length, 0);
  await call(b, 'POST', '/session', { user_id: 'off@example.com', password: PASSWORD });
  const off = await call(b, 'POST', '/two-factor/recovery-codes', { codes_password: PASSWORD });
  assert.deepEqual(off.json, { ok: false, reason: 'not-enabled', errors: {} });
});
