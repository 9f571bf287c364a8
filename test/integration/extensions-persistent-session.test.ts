import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createExtHarness, seedUser, type ExtHarness, type StoreKind } from '../helpers/prisma-ext-client.js';

const DAY = 24 * 60 * 60 * 1000;

for (const kind of ['memory', 'redis', 'prisma'] as StoreKind[]) {
  describe(`remember-me (${kind} store)`, () => {
    let h: ExtHarness;
    const thefts: unknown[] = [];
    before(async () => {
      h = await createExtHarness({
        store: kind,
        extensions: ['email-confirmation', 'persistent-session'],
        extOptions: {
          rememberMeGraceMs: 30_000,
          hooks: { onRememberMeTheft: [(id) => void thefts.push(id)] },
        },
      });
    });
    after(async () => {
      await h?.close();
    });

    it('issues a 256-bit token valid 30 days, stored only hashed', async () => {
      const user = await seedUser(h, 'issue@example.com');
      const issued = await h.ext.issueRememberMe(user, { fingerprint: 'fp-1' });
      assert.ok(issued);
      assert.equal(Buffer.from(issued.token, 'base64url').length, 32);
      assert.equal(issued.maxAgeMs, 30 * DAY);
      assert.equal(issued.expiresAt, h.clock.now() + 30 * DAY);
      assert.ok(!(await h.dumpAll()).includes(issued.token));
    });

    it('rotates on use: the new token works, the old one no longer rotates', async () => {
      const user = await seedUser(h, 'rotate@example.com');
      const issued = (await h.ext.issueRememberMe(user, { fingerprint: 'fp-2' }))!;
      const used = await h.ext.useRememberMe(issued.token);
      assert.ok(used && used.next);
      assert.equal(used.user.id, user.id);
      assert.deepEqual(used.data, { fingerprint: 'fp-2' });
      assert.notEqual(used.next.token, issued.token);
      assert.ok(!(await h.dumpAll()).includes(used.next.token));

      // Within the grace window the old cookie still gets in, without a new token.
      const racing = await h.ext.useRememberMe(issued.token);
      assert.ok(racing && racing.next === null && racing.user.id === user.id);

      const again = await h.ext.useRememberMe(used.next.token);
      assert.ok(again && again.next);
    });

    it('parallel requests with the same cookie all get in; exactly one rotates', async () => {
      const user = await seedUser(h, 'tabs@example.com');
      const issued = (await h.ext.issueRememberMe(user))!;
      const results = await Promise.all(Array.from({ length: 5 }, () => h.ext.useRememberMe(issued.token)));
      assert.ok(
        results.every((r) => r && r.user.id === user.id),
        'every tab stays signed in',
      );
      assert.equal(results.filter((r) => r?.next).length, 1);
    });

    it('replaying a rotated-away token after the grace window revokes everything of that user', async () => {
      const user = await seedUser(h, 'theft@example.com');
      const session = await h.pow.sessions.create(user);
      const stolen = (await h.ext.issueRememberMe(user))!;
      const otherDevice = (await h.ext.issueRememberMe(user))!;
      // The thief uses the cookie first...
      const thief = await h.ext.useRememberMe(stolen.token);
      assert.ok(thief?.next);
      h.clock.advance(31_000);
      // ...then the victim's browser presents the old value: theft signal.
      assert.equal(await h.ext.useRememberMe(stolen.token), null);
      assert.equal(await h.ext.useRememberMe(thief.next.token), null, "the thief's token is revoked");
      assert.equal(
        await h.ext.useRememberMe(otherDevice.token),
        null,
        'all persistent tokens of the user are revoked',
      );
      assert.equal(await h.pow.sessions.load(session.token), null, 'sessions are ended too (default)');
      assert.deepEqual(thefts, [user.id]);
    });

    it('expires on the server after 30 days whatever the cookie says', async () => {
      const user = await seedUser(h, 'expire@example.com');
      const issued = (await h.ext.issueRememberMe(user))!;
      h.clock.advance(30 * DAY + 1000);
      assert.equal(await h.ext.useRememberMe(issued.token), null);
    });

    it('sign-out clears the token; a deleted user loses theirs', async () => {
      const user = await seedUser(h, 'signout@example.com');
      const issued = (await h.ext.issueRememberMe(user))!;
      await h.ext.clearRememberMe(issued.token);
      assert.equal(await h.ext.useRememberMe(issued.token), null);

      const gone = await seedUser(h, 'gone@example.com');
      const goneToken = (await h.ext.issueRememberMe(gone))!;
      await h.pow.users.delete(gone);
      assert.equal(await h.ext.useRememberMe(goneToken.token), null);
    });

    it('revokeRememberMe ends every token of the user only', async () => {
      const a = await seedUser(h, 'revoke-a@example.com');
      const b = await seedUser(h, 'revoke-b@example.com');
      const a1 = (await h.ext.issueRememberMe(a))!;
      const a2 = (await h.ext.issueRememberMe(a))!;
      const b1 = (await h.ext.issueRememberMe(b))!;
      assert.equal(await h.ext.revokeRememberMe(a), 2);
      assert.equal(await h.ext.useRememberMe(a1.token), null);
      assert.equal(await h.ext.useRememberMe(a2.token), null);
      assert.ok(await h.ext.useRememberMe(b1.token));
    });

    it('is purpose-bound and user-type-bound', async () => {
      const user = await seedUser(h, 'bound@example.com');
      const issued = (await h.ext.issueRememberMe(user))!;
      assert.equal(await h.pow.sessions.load(issued.token), null);
      assert.equal(await h.ext.verifyResetToken(issued.token).catch(() => null), null);
      assert.deepEqual(await h.ext.confirmEmail(issued.token), { ok: false, error: 'invalid_token' });
      assert.ok(await h.ext.useRememberMe(issued.token));
    });
  });
}

describe('remember-me across user types', () => {
  let users: ExtHarness;
  before(async () => {
    users = await createExtHarness({ store: 'memory', extensions: ['persistent-session'] });
  });
  after(async () => {
    await users?.close();
  });
  it("an admin Pow on the same store does not accept a user's token", async () => {
    const { createPow } = await import('../../src/runtime/index.js');
    const { powExtensions } = await import('../../src/runtime/extensions/index.js');
    const admin = createPow({
      prisma: users.db.prisma,
      store: users.store,
      secret: 'y'.repeat(40),
      userType: 'admin',
      extensions: ['persistent-session'],
      hashing: { insecureTestParameters: true },
      clock: users.clock.now,
    });
    const adminExt = powExtensions(admin, { prisma: users.db.prisma });
    const user = await seedUser(users, 'typed@example.com');
    const issued = (await users.ext.issueRememberMe(user))!;
    assert.equal(await adminExt.useRememberMe(issued.token), null);
    assert.ok(await users.ext.useRememberMe(issued.token));
  });
});
