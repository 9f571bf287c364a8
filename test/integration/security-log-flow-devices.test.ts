/**
 * Account events of the newer flows reach the security log with who did it: the request's
 * address, user agent and device (the opaque name of the browser's device cookie), because every
 * flow emits through powExpress's request-aware path (express/security-log.ts `emit`), not
 * `pow.securityEvents.emit` directly. Checked for a passkey being added and a sign-in finished by
 * the two-factor step, in the log's table and on the user's log page (test/helpers/two-factor-web.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD } from '../helpers/prisma-ext-client.js';
import { call, CHROME, twoFactorWeb, type TwoFactorWeb } from '../helpers/two-factor-web.js';

interface Row {
  name: string;
  ip: string | null;
  userAgent: string | null;
  device: string | null;
  detail: string | null;
}

/** The user's logged rows, once `names` are all there (the log writes after the response). */
async function logged(w: TwoFactorWeb, userId: number, names: string[]): Promise<Row[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const rows = (await w.db.prisma.userSecurityEvent.findMany({
      where: { userId },
      orderBy: { id: 'asc' },
    })) as Row[];
    if (names.every((name) => rows.some((row) => row.name === name))) return rows;
    if (Date.now() > deadline)
      assert.fail(`expected ${names.join(', ')}, have ${rows.map((r) => r.name).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a passkey added and a two-factor sign-in are logged with the browser and its device', async (t) => {
  const w = await twoFactorWeb(t);
  const { user, secret } = await w.enabledUser('ada@example.com', { passkey: true });
  const a = w.browser();
  await call(a, 'POST', '/session', { user_id: 'ada@example.com', password: PASSWORD });
  assert.deepEqual((await call(a, 'POST', '/two-factor/challenge', { code: w.code(secret) })).json, {
    ok: true,
  });

  const rows = await logged(w, Number(user.id), ['passkey-added', 'sign-in']);
  const added = rows.find((row) => row.name === 'passkey-added')!;
  const twoFactorSignIn = rows.find(
    (row) => row.name === 'sign-in' && JSON.parse(row.detail ?? '{}').second_factor === 'totp',
  );
  assert.ok(twoFactorSignIn, 'the finished second step is a sign-in event');
  for (const row of [added, twoFactorSignIn]) {
    assert.equal(row.userAgent, CHROME);
    assert.match(row.ip ?? '', /127\.0\.0\.1/);
    assert.match(row.device ?? '', /^[A-Za-z0-9_-]{32}$/, `${row.name} names the device`);
  }
  // Two browsers (the one that added the passkey, the one that signed in): two devices.
  assert.notEqual(added.device, twoFactorSignIn.device);

  // The user's log page reads the browser and system from them.
  const page = (await call(a, 'GET', '/security-log')).json as {
    entries: Array<{ name: string; browser: string | null; os: string | null }>;
  };
  for (const name of ['passkey-added', 'sign-in']) {
    const entry = page.entries.find((e) => e.name === name);
    assert.deepEqual(entry && { browser: entry.browser, os: entry.os }, {
      browser: 'Chrome 131',
      os: 'Linux',
    });
  }
});
