/**
 * Session behaviour that must be the same on every store (security bar D16): rotation, renewal
 * and its race, idle and absolute timeouts, revocation, deleted users, user-type isolation.
 * Users live in a real database (the Prisma client given); time is a fake pow clock. On Redis the
 * store's own TTLs are real time and long here, so expiry is what pow checks from record
 * timestamps — the point of the "timestamps AND TTL" design.
 */
import { DEFAULT_TIMEOUTS } from '../../src/runtime/core/sessions.js';
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createPow, createUser, fakeClock, type FakeClock } from '../../src/runtime/index.js';
import type { Pow, Store, UserRecord } from '../../src/runtime/core/types.js';
import type { TestPrismaClient } from './prisma-test-client.js';

export interface SessionSuiteBackend {
  store: Store;
  prisma: TestPrismaClient;
  /** Everything the store holds, as text (for "no raw token at rest"). */
  dump?(): Promise<string>;
  cleanup(): Promise<void>;
}

const MIN = 60_000;
const SECRET = 's'.repeat(40);
const PASSWORD = 'correct staple battery horse kayak';

export function sessionSuite(name: string, make: (clock: FakeClock) => Promise<SessionSuiteBackend>): void {
  describe(`Sessions on ${name}`, () => {
    const clock = fakeClock();
    let backend: SessionSuiteBackend;
    let pow: Pow;
    let admin: Pow;
    let user: UserRecord;
    let seq = 0;

    before(async () => {
      backend = await make(clock);
      const base = {
        prisma: backend.prisma,
        store: backend.store,
        secret: SECRET,
        clock: clock.now,
        hashing: { insecureTestParameters: true },
      };
      pow = createPow({
        ...base,
        session: { idleMs: 30 * MIN, absoluteMs: 4 * 60 * MIN, renewAfterMs: 15 * MIN, renewGraceMs: MIN },
      });
      admin = createPow({ ...base, userType: 'admin' });
    });
    after(async () => {
      await backend?.cleanup();
    });
    beforeEach(async () => {
      user = await createUser(pow, {
        email: `u${++seq}-${name}@example.com`.toLowerCase().replace(/[^a-z0-9@.-]/g, ''),
        password: PASSWORD,
      });
    });

    it('create issues 256 random bits plus their HMAC tag; sign-in rotation (create + delete old) kills the old token', async () => {
      const before = await pow.sessions.create(user, { ip: '203.0.113.9', userAgent: 'test-agent' });
      assert.match(before.token, /^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
      assert.equal(Buffer.from(before.token.slice(0, 43), 'base64url').length, 32);
      const after = await pow.sessions.create(user);
      await pow.sessions.delete(before.token);
      assert.notEqual(after.token, before.token);
      assert.notEqual(after.session.id, before.session.id);
      assert.equal(await pow.sessions.load(before.token), null);
      const loaded = await pow.sessions.load(after.token);
      assert.equal(loaded?.user.id, user.id);
      assert.equal(loaded?.session.userType, 'user');
      assert.equal('passwordHash' in (loaded?.user ?? {}), false);
      assert.equal('credential' in (loaded?.user ?? {}), false);
      assert.deepEqual(
        (await pow.sessions.list(user.id)).map((s) => s.id),
        [after.session.id],
      );
      assert.equal(before.session.ip, '203.0.113.9');
      if (backend.dump) {
        const dump = await backend.dump();
        assert.ok(dump.length > 0);
        // Only the tag (a keyed hash) is stored, never the random part.
        assert.equal(dump.includes(after.token.slice(0, 43)), false, 'raw token found at rest');
        assert.equal(dump.includes(before.token.slice(0, 43)), false, 'raw token found at rest');
        assert.equal(dump.includes(PASSWORD), false);
      }
    });

    it('renews the token after renewAfterMs; the old one works for the grace period only', async () => {
      const { token, session } = await pow.sessions.create(user);
      clock.advance(10 * MIN);
      const fresh = await pow.sessions.load(token);
      assert.equal(fresh?.renewedToken, undefined, 'no renewal before renewAfterMs');
      clock.advance(6 * MIN);
      const renewed = await pow.sessions.load(token);
      assert.ok(renewed?.renewedToken, 'renewed after 16 min');
      assert.notEqual(renewed.renewedToken, token);
      assert.equal(renewed.session.id, session.id, 'same session, new token');
      assert.equal(renewed.session.createdAt, session.createdAt);
      assert.equal(renewed.session.issuedAt, clock.now());
      // Within the grace period the old token still works and does not renew again.
      clock.advance(30_000);
      const graced = await pow.sessions.load(token);
      assert.equal(graced?.session.id, session.id);
      assert.equal(graced?.renewedToken, undefined);
      clock.advance(31_000);
      assert.equal(await pow.sessions.load(token), null, 'old token refused after the grace period');
      assert.equal((await pow.sessions.load(renewed.renewedToken))?.session.id, session.id);
      assert.equal((await pow.sessions.list(user.id)).length, 1);
    });

    it('renewal race: 10 parallel requests with a stale token all stay signed in; one live session remains', async () => {
      const { token, session } = await pow.sessions.create(user);
      clock.advance(20 * MIN);
      const results = await Promise.all(Array.from({ length: 10 }, () => pow.sessions.load(token)));
      assert.equal(results.filter((r) => r === null).length, 0, 'nobody was signed out');
      for (const r of results) assert.equal(r!.user.id, user.id);
      const renewals = results.map((r) => r!.renewedToken).filter((t): t is string => typeof t === 'string');
      assert.equal(renewals.length, 1, 'exactly one request renewed');
      const sessions = await pow.sessions.list(user.id);
      assert.deepEqual(
        sessions.map((s) => s.id),
        [session.id],
      );
      clock.advance(2 * MIN);
      assert.equal(await pow.sessions.load(token), null);
      assert.equal((await pow.sessions.load(renewals[0]))?.session.id, session.id);
    });

    it('idle timeout: no request for longer than idleMs signs out (server-side)', async () => {
      const { token } = await pow.sessions.create(user);
      clock.advance(29 * MIN);
      const kept = await pow.sessions.load(token); // activity at 29 min, renews the token
      assert.ok(kept);
      let current = kept.renewedToken ?? token;
      clock.advance(29 * MIN);
      const again = await pow.sessions.load(current);
      assert.ok(again, 'activity moved the idle window');
      current = again.renewedToken ?? current;
      clock.advance(30 * MIN + 1);
      assert.equal(await pow.sessions.load(current), null);
      assert.deepEqual(await pow.sessions.list(user.id), []);
    });

    it('absolute timeout: continuous activity still ends at absoluteMs', async () => {
      const { token } = await pow.sessions.create(user);
      let current = token;
      for (let t = 0; t < 4 * 60 - 20; t += 20) {
        clock.advance(20 * MIN);
        const loaded = await pow.sessions.load(current);
        assert.ok(loaded, `still signed in at ${t + 20} min`);
        current = loaded.renewedToken ?? current;
      }
      clock.advance(20 * MIN);
      assert.equal(await pow.sessions.load(current), null, 'signed out after 4 h whatever the activity');
    });

    it('list / revoke / revokeOthers / revokeAll per user', async () => {
      const other = await createUser(pow, { email: `other${++seq}@example.com`, password: PASSWORD });
      const a = await pow.sessions.create(user, { userAgent: 'A' });
      clock.advance(1000);
      const b = await pow.sessions.create(user, { userAgent: 'B' });
      clock.advance(1000);
      const c = await pow.sessions.create(user, { userAgent: 'C' });
      const o = await pow.sessions.create(other);
      assert.deepEqual(
        (await pow.sessions.list(user.id)).map((s) => s.userAgent),
        ['A', 'B', 'C'],
      );
      await pow.sessions.revoke(user.id, a.session.id);
      assert.equal(await pow.sessions.load(a.token), null);
      await pow.sessions.revokeOthers(user.id, b.token);
      assert.equal(await pow.sessions.load(c.token), null);
      assert.ok(await pow.sessions.load(b.token));
      assert.deepEqual(
        (await pow.sessions.list(user.id)).map((s) => s.id),
        [b.session.id],
      );
      assert.ok(await pow.sessions.load(o.token), "another user's session is untouched");
      await pow.sessions.revoke(other.id, b.session.id); // wrong user: no effect
      assert.ok(await pow.sessions.load(b.token));
      await pow.sessions.revokeAll(user.id);
      assert.equal(await pow.sessions.load(b.token), null);
      assert.deepEqual(await pow.sessions.list(user.id), []);
      assert.equal((await pow.sessions.list(other.id)).length, 1);
    });

    it('a user deleted in the database ends the session after sessions.refreshUser and removes it from the store', async () => {
      const { token } = await pow.sessions.create(user);
      await backend.prisma.user.delete({ where: { id: user.id } });
      await pow.sessions.refreshUser(user.id);
      assert.equal(await pow.sessions.load(token), null);
      assert.deepEqual(await pow.sessions.list(user.id), []);
    });

    it('users.delete ends every session of the user', async () => {
      const a = await pow.sessions.create(user);
      const b = await pow.sessions.create(user);
      await pow.users.delete(user);
      assert.equal(await pow.sessions.load(a.token), null);
      assert.equal(await pow.sessions.load(b.token), null);
      assert.deepEqual(await pow.sessions.list(user.id), []);
    });

    it('re-reads the user once its copy is older than userRefreshMs (role changed in the database is seen)', async () => {
      const { token } = await pow.sessions.create(user);
      await backend.prisma.user.update({ where: { id: user.id }, data: { role: 'editor' } });
      assert.equal((await pow.sessions.load(token))?.user.role ?? null, null, 'the copy is still fresh');
      clock.advance(DEFAULT_TIMEOUTS.userRefreshMs);
      assert.equal((await pow.sessions.load(token))?.user.role, 'editor');
    });

    it('user types are isolated: an admin token is never accepted for users and vice versa', async () => {
      const adminSession = await admin.sessions.create(user); // same numeric id on purpose
      const userSession = await pow.sessions.create(user);
      assert.equal(await pow.sessions.load(adminSession.token), null);
      assert.equal(await admin.sessions.load(userSession.token), null);
      assert.equal((await admin.sessions.load(adminSession.token))?.session.userType, 'admin');
      await admin.sessions.revokeAll(user.id);
      assert.ok(
        await pow.sessions.load(userSession.token),
        'signing the admin out leaves the user signed in',
      );
      assert.equal(await admin.sessions.load(adminSession.token), null);
    });

    it('save writes session data back; it cannot change the owner or resurrect a deleted session', async () => {
      const { token } = await pow.sessions.create(user);
      const loaded = await pow.sessions.load(token);
      assert.ok(loaded);
      loaded.session.data.flash = { info: 'Welcome!' };
      loaded.session.userId = '999999';
      await pow.sessions.save(token, loaded.session);
      const again = await pow.sessions.load(token);
      assert.deepEqual(again?.session.data, { flash: { info: 'Welcome!' } });
      assert.equal(again?.session.userId, String(user.id));
      await pow.sessions.delete(token);
      await pow.sessions.save(token, loaded.session);
      assert.equal(await pow.sessions.load(token), null);
      assert.deepEqual(await pow.sessions.list(user.id), []);
    });

    it('unknown, tampered and malformed tokens are refused', async () => {
      const { token } = await pow.sessions.create(user);
      const flipped = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
      assert.equal(await pow.sessions.load(flipped), null);
      assert.equal(await pow.sessions.load(''), null);
      assert.equal(await pow.sessions.load(token + 'x'), null);
      assert.equal(await pow.sessions.load(undefined as unknown as string), null);
      assert.equal(await pow.sessions.load('../../etc/passwd'), null);
      assert.ok(await pow.sessions.load(token));
    });
  });
}
