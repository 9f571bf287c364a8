import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sessionSuite } from '../helpers/db-session-suite.js';
import { createTestDatabase, type TestDatabase } from '../helpers/prisma-test-client.js';
import { createPow, createUser, memoryStore, randomToken, fakeClock } from '../../src/runtime/index.js';
import type { LoadedSession, Store } from '../../src/runtime/core/types.js';

sessionSuite('the memory store', async (clock) => {
  const db = await createTestDatabase('sqlite');
  const store = memoryStore({ clock: clock.now });
  return {
    store,
    prisma: db.prisma,
    dump: async () => JSON.stringify(store.dump()),
    async cleanup() {
      await store.close();
      await db.cleanup();
    },
  };
});

describe('session tokens', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('sqlite');
  });
  after(async () => {
    await db?.cleanup();
  });

  it('10,000 tokens are all distinct and carry 32 random bytes', () => {
    const tokens = new Set(Array.from({ length: 10_000 }, () => randomToken()));
    assert.equal(tokens.size, 10_000);
    for (const token of [...tokens].slice(0, 100)) assert.equal(Buffer.from(token, 'base64url').length, 32);
  });

  it('a malformed, forged or foreign token is refused without any store lookup; the store keeps only the tag', async () => {
    const clock = fakeClock();
    const inner = memoryStore();
    const lookups: string[] = [];
    // Every read path is counted: `get`, and the memory store's synchronous `getNow` and `peekLinked`.
    const store: Store = {
      ...inner,
      get: (ns, key) => (lookups.push(`${ns}/${key}`), inner.get(ns, key)),
      getNow: (ns, key) => (lookups.push(`${ns}/${key}`), inner.getNow!(ns, key)),
      peekLinked: (ns, key, link, linkedNs) => (
        lookups.push(`${ns}/${key}`),
        inner.peekLinked(ns, key, link, linkedNs)
      ),
    };
    const pow = createPow({
      prisma: db.prisma,
      store,
      secret: 'k'.repeat(32),
      clock: clock.now,
      hashing: { insecureTestParameters: true },
    });
    const user = await createUser(pow, {
      email: 'tokens@example.com',
      password: 'a perfectly fine passphrase',
    });
    const { token } = await pow.sessions.create(user);
    const [random, tag] = token.split('.');
    const admins = createPow({
      prisma: db.prisma,
      store,
      secret: 'k'.repeat(32),
      userType: 'admin',
      clock: clock.now,
      hashing: { insecureTestParameters: true },
    });
    const otherSecret = createPow({
      prisma: db.prisma,
      store,
      secret: 'j'.repeat(32),
      clock: clock.now,
      hashing: { insecureTestParameters: true },
    });
    const flipped = (text: string, at: number) =>
      `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
    for (const bad of [
      '',
      'short',
      random,
      token + '=',
      token.slice(1),
      `${token.slice(0, 86)}!`,
      `${flipped(random, 0)}.${tag}`,
      `${random}.${flipped(tag, 42)}`,
      `${random}.${random}`,
      `${random}_${tag}`,
      'x'.repeat(4096),
    ]) {
      assert.equal(pow.sessions.isGenuine(bad), false);
      assert.equal(await pow.sessions.load(bad), null);
    }
    assert.equal(admins.sessions.isGenuine(token), false, 'a user token is not an admin token');
    assert.equal(await admins.sessions.load(token), null);
    assert.equal(otherSecret.sessions.isGenuine(token), false, 'the tag depends on the secret');
    assert.equal(await otherSecret.sessions.load(token), null);
    assert.deepEqual(lookups, []);
    assert.equal(pow.sessions.isGenuine(token), true);
    assert.ok(await pow.sessions.load(token));
    assert.ok(lookups.length > 0);
    const tokenKeys = inner
      .dump()
      .filter((r) => r.namespace === 'user:session-token')
      .map((r) => r.key);
    assert.deepEqual(tokenKeys, [tag]);
    assert.equal(JSON.stringify(inner.dump()).includes(random), false, 'the random part is not stored');
  });

  it('store TTLs follow the timeouts: an idle session disappears from the store without any load', async () => {
    const clock = fakeClock();
    const store = memoryStore();
    const pow = createPow({
      prisma: db.prisma,
      store,
      secret: 'k'.repeat(32),
      clock: clock.now,
      hashing: { insecureTestParameters: true },
    });
    const user = await createUser(pow, { email: 'ttl@example.com', password: 'a perfectly fine passphrase' });
    await pow.sessions.create(user);
    assert.equal(store.dump().filter((r) => r.namespace === 'user:session').length, 1);
    const record = store.dump().find((r) => r.namespace === 'user:session')!;
    assert.equal(record.expiresAt, clock.now() + 30 * 60_000, 'record TTL = idle timeout');
    const pointer = store.dump().find((r) => r.namespace === 'user:session-token')!;
    assert.equal(pointer.expiresAt, clock.now() + 45 * 60_000, 'token TTL = renewAfter + idle');
    clock.advance(30 * 60_000);
    assert.equal(store.dump().filter((r) => r.namespace === 'user:session').length, 0, 'the record is gone');
    assert.deepEqual(await pow.sessions.list(user.id), []);
    clock.advance(15 * 60_000);
    assert.equal(store.size(), 0, 'and the token pointer after renewAfter + idle');
  });

  it('loadNow answers without a promise on the memory store while nothing is due, and sees every change at once', async () => {
    const clock = fakeClock();
    const store = memoryStore();
    const pow = createPow({
      prisma: db.prisma,
      store,
      secret: 'k'.repeat(32),
      clock: clock.now,
      hashing: { insecureTestParameters: true },
    });
    const user = await createUser(pow, {
      email: 'loadnow@example.com',
      password: 'a perfectly fine passphrase',
    });
    const { token } = await pow.sessions.create(user, { data: { csrf: 'secret' } });
    const loadNow = pow.sessions.loadNow!.bind(pow.sessions);

    const first = loadNow(token);
    assert.ok(first && !(first instanceof Promise), 'answered synchronously');
    assert.deepEqual(first, await pow.sessions.load(token), 'the same answer as load()');
    assert.equal(first.user.email, 'loadnow@example.com');
    assert.ok(first.user.createdAt instanceof Date);
    // What the caller gets is its own: changing it changes neither the store nor the next answer.
    first.session.data.csrf = 'changed';
    first.session.data.flash = { info: { k: 'x' } };
    first.user.email = 'changed@example.com';
    const again = loadNow(token) as LoadedSession;
    assert.deepEqual(again.session.data, { csrf: 'secret' });
    assert.equal(again.user.email, 'loadnow@example.com');
    assert.equal(loadNow('x'.repeat(87)), null, 'a forged token: null, no lookup, no promise');

    // refreshUser: the next call re-reads the user (a promise: it needs the user table).
    const updated = await pow.users.update(user, {
      email: 'renamed@example.com',
      current_password: 'a perfectly fine passphrase',
    });
    assert.ok(updated.ok, JSON.stringify(updated));
    const reread = loadNow(token);
    assert.ok(reread instanceof Promise, 'the copy of the user was dropped: re-read');
    assert.equal((await reread)?.user.email, 'renamed@example.com');
    assert.ok(!(loadNow(token) instanceof Promise), 'then synchronous again');

    // A touch is due after touchEveryMs: the promise path writes lastSeenAt back, once.
    clock.advance(61_000);
    const touched = loadNow(token);
    assert.ok(touched instanceof Promise);
    assert.equal((await touched)?.session.lastSeenAt, clock.now());
    assert.ok(!(loadNow(token) instanceof Promise));

    // Revocation is seen by the very next call: nothing is remembered between calls.
    await pow.sessions.revokeAll(user.id);
    assert.equal(await loadNow(token), null);
    const second = await pow.sessions.create(user);
    assert.ok(loadNow(second.token));
    await pow.users.delete(user);
    assert.equal(await loadNow(second.token), null, 'a deleted user is signed out at once');
  });

  it('renewGraceMs 0 ends the old token at once', async () => {
    const clock = fakeClock();
    const pow = createPow({
      prisma: db.prisma,
      store: memoryStore(),
      secret: 'k'.repeat(32),
      clock: clock.now,
      hashing: { insecureTestParameters: true },
      session: { renewGraceMs: 0, renewAfterMs: 60_000 },
    });
    const user = await createUser(pow, {
      email: 'nograce@example.com',
      password: 'a perfectly fine passphrase',
    });
    const { token } = await pow.sessions.create(user);
    clock.advance(61_000);
    const loaded = await pow.sessions.load(token);
    assert.ok(loaded?.renewedToken);
    assert.equal(await pow.sessions.load(token), null);
    assert.ok(await pow.sessions.load(loaded.renewedToken));
  });
});
