/** Prisma-store specifics run on each SQL database: restart survival, sweeping, raw rows. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type Provider, type TestDatabase } from './prisma-test-client.js';
import { createPow, createUser, fakeClock, prismaStore } from '../../src/runtime/index.js';

export function prismaStoreExtras(provider: Provider): void {
  describe(`prismaStore on ${provider}: restart, sweep, rows`, () => {
    let db: TestDatabase;
    before(async () => {
      db = await createTestDatabase(provider);
    });
    after(async () => {
      await db?.cleanup();
    });

    it('a new store (app restart) keeps live sessions and never resurrects expired ones (row 59)', async () => {
      const clock = fakeClock();
      const config = {
        prisma: db.prisma,
        secret: 'r'.repeat(32),
        clock: clock.now,
        hashing: { insecureTestParameters: true },
      };
      const first = createPow({ ...config, store: prismaStore(db.prisma) });
      const user = await createUser(first, {
        email: `restart-${provider}@example.com`,
        password: 'restart proof passphrase',
      });
      const live = await first.sessions.create(user);
      const stale = await first.sessions.create(user);
      clock.advance(20 * 60_000);
      const active = await first.sessions.load(live.token); // activity keeps `live` going (and renews it)
      assert.ok(active?.renewedToken);
      clock.advance(15 * 60_000); // `stale` is now idle for 35 min
      const second = createPow({ ...config, store: prismaStore(db.prisma) });
      const loaded = await second.sessions.load(active.renewedToken);
      assert.equal(loaded?.user.id, user.id);
      assert.equal(await second.sessions.load(stale.token), null);
      assert.deepEqual(
        (await second.sessions.list(user.id)).map((s) => s.id),
        [live.session.id],
      );
    });

    it('rows hold JSON and a token tag as key; sweep() deletes expired rows', async () => {
      const clock = fakeClock();
      const store = prismaStore(db.prisma, { clock: clock.now, sweepEvery: 0 });
      await store.put('sweep', 'a', { v: 1 }, 1000);
      await store.put('sweep', 'b', { v: 2 }, 60_000);
      const row = await db.prisma.powSession.findFirst({ where: { namespace: 'sweep', key: 'a' } });
      assert.equal(row.value, '{"v":1}');
      assert.equal(row.expiresAt.getTime(), clock.now() + 1000);
      clock.advance(2000);
      assert.equal(
        await db.prisma.powSession.count({ where: { namespace: 'sweep' } }),
        2,
        'expired row still there...',
      );
      assert.equal(await store.get('sweep', 'a'), null, '...but invisible');
      assert.ok((await store.sweep()) >= 1);
      assert.equal(await db.prisma.powSession.count({ where: { namespace: 'sweep' } }), 1);
      const tokenRows = await db.prisma.powSession.findMany({ where: { namespace: 'user:session-token' } });
      assert.ok(tokenRows.length > 0);
      for (const r of tokenRows) assert.match(r.key, /^[A-Za-z0-9_-]{43}$/);
    });
  });
}
