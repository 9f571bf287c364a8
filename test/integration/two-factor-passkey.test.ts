/**
 * A passkey as the second step after the password (two-factor + passkeys), over real HTTP with a
 * software authenticator (test/helpers/two-factor-web.ts): the options offer only the pending
 * user's passkeys, the answer finishes the sign-in like a right code (session, "remember this
 * device", a `sign-in` event with the factor), and is refused when replayed, after the pending
 * step expired, or when it is another user's passkey. Chromium's virtual authenticator walks the
 * pages in test/browser/two-factor-passkey.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD } from '../helpers/prisma-ext-client.js';
import { call, me, MIN, ORIGIN, RP_ID, SECOND, twoFactorWeb } from '../helpers/two-factor-web.js';

test('password, then a passkey of the account: signed in; a replayed answer finishes nothing', async (t) => {
  const w = await twoFactorWeb(t);
  const { user, device } = await w.enabledUser('ada@example.com', { passkey: true });
  const a = w.browser();
  const signIn = await call(a, 'POST', '/session', { user_id: 'ada@example.com', password: PASSWORD });
  assert.deepEqual(signIn.json, { ok: false, reason: 'two-factor', key: 'two_factor.code_required' });
  assert.deepEqual((await call(a, 'GET', '/two-factor/challenge')).json, {
    pending: { rememberDeviceDays: 30, passkey: true },
  });

  const options = await call(a, 'POST', '/two-factor/passkey-options');
  assert.equal(options.status, 200);
  const allowed = (options.json.allowCredentials as Array<{ id: string }>).map((c) => c.id);
  assert.deepEqual(allowed, [device!.id], "only the pending user's passkey is offered");
  device!.counter = 1;
  const answer = JSON.stringify(device!.authenticate(options.json, ORIGIN, RP_ID));

  // Another browser (no pending sign-in) cannot use the answer.
  const other = w.browser();
  assert.equal((await call(other, 'POST', '/two-factor/challenge', { response: answer })).json.expired, true);

  const done = await call(a, 'POST', '/two-factor/challenge', { response: answer, remember_device: 'true' });
  assert.deepEqual(done.json, { ok: true });
  assert.equal(await me(a), 'ada@example.com');
  assert.ok(a.cookies.has('pow_user_2fa_device'), '"remember this device" works with a passkey too');
  const signedIn = w.events.filter((e) => e.name === 'sign-in' && e.userId === user.id).at(-1);
  assert.deepEqual(signedIn?.detail, { method: 'password', second_factor: 'passkey' });

  // Replayed in the same browser's next second step: its challenge was used, the new one differs.
  await call(a, 'DELETE', '/session');
  a.cookies.delete('pow_user_2fa_device');
  await call(a, 'POST', '/session', { user_id: 'ada@example.com', password: PASSWORD });
  await call(a, 'POST', '/two-factor/passkey-options');
  const replayed = await call(a, 'POST', '/two-factor/challenge', { response: answer });
  assert.deepEqual(replayed.json, {
    ok: false,
    status: 401,
    key: 'two_factor.invalid_passkey',
    expired: false,
  });
  assert.equal(await me(a), null);
  assert.ok(w.events.some((e) => e.name === 'two-factor-failed' && e.detail?.reason === 'invalid-passkey'));

  // And without asking for options first (no challenge of this step at all).
  const fresh = w.browser();
  await call(fresh, 'POST', '/session', { user_id: 'ada@example.com', password: PASSWORD });
  assert.equal(
    (await call(fresh, 'POST', '/two-factor/challenge', { response: answer })).json.key,
    'two_factor.invalid_passkey',
  );
  assert.equal(await me(fresh), null);
});

test('the pending step expires after 5 minutes: a passkey answer then signs nobody in', async (t) => {
  const w = await twoFactorWeb(t);
  const { device } = await w.enabledUser('late@example.com', { passkey: true });
  const a = w.browser();
  await call(a, 'POST', '/session', { user_id: 'late@example.com', password: PASSWORD });
  const options = await call(a, 'POST', '/two-factor/passkey-options');
  device!.counter = 1;
  const answer = JSON.stringify(device!.authenticate(options.json, ORIGIN, RP_ID));
  w.clock.advance(5 * MIN + SECOND);
  const late = await call(a, 'POST', '/two-factor/challenge', { response: answer });
  assert.deepEqual(late.json, { ok: false, status: 401, key: 'two_factor.expired', expired: true });
  assert.equal(await me(a), null);
  // No options for an expired step either.
  const again = await call(a, 'POST', '/two-factor/passkey-options');
  assert.equal(again.status, 401);
  assert.equal(again.json.expired, true);
});

test("another user's passkey is refused, and counts against the throttle like a wrong code", async (t) => {
  const w = await twoFactorWeb(t);
  const { secret } = await w.enabledUser('ada@example.com', { passkey: true });
  const { device: mallorysKey } = await w.enabledUser('mallory@example.com', { passkey: true });
  const a = w.browser();
  await call(a, 'POST', '/session', { user_id: 'ada@example.com', password: PASSWORD });
  for (let i = 0; i < 5; i++) {
    const options = await call(a, 'POST', '/two-factor/passkey-options');
    mallorysKey!.counter += 1;
    // The authenticator signs whatever it is asked: the server must check whose passkey it is.
    const answer = JSON.stringify(mallorysKey!.authenticate(options.json, ORIGIN, RP_ID));
    const refused = await call(a, 'POST', '/two-factor/challenge', { response: answer });
    assert.equal(refused.json.key, 'two_factor.invalid_passkey');
    assert.equal(await me(a), null);
  }
  // Over the account's limit: even the right code is refused now.
  const locked = await call(a, 'POST', '/two-factor/challenge', { code: w.code(secret) });
  assert.equal(locked.json.key, 'two_factor.locked');
  assert.equal(await me(a), null);
});

test('a user with passkeys but two-factor off signs in with the password alone; no passkey offered without one', async (t) => {
  const w = await twoFactorWeb(t);
  const created = await w.pow.users.create({
    email: 'plain@example.com',
    password: PASSWORD,
    password_confirmation: PASSWORD,
  });
  assert.ok(created.ok);
  const a = w.browser();
  assert.deepEqual(
    (await call(a, 'POST', '/session', { user_id: 'plain@example.com', password: PASSWORD })).json,
    {
      ok: true,
    },
  );
  // Two-factor on, no passkey: the second step offers codes only.
  await w.enabledUser('codes@example.com');
  const b = w.browser();
  await call(b, 'POST', '/session', { user_id: 'codes@example.com', password: PASSWORD });
  assert.deepEqual((await call(b, 'GET', '/two-factor/challenge')).json, {
    pending: { rememberDeviceDays: 30, passkey: false },
  });
});
