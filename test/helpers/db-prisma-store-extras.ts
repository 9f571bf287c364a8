/**
 * Prisma-store specifics run on each SQL database: restart survival, sweeping, raw rows, and
 * `getLinked` as one SQL query (counted with Prisma's `query` log event), also on a model whose
 * table and columns are renamed with `@@map`/`@map`.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type Provider, type TestDatabase } from './prisma-test-client.js';
import { createPow, createUser, fakeClock, prismaStore } from '../../src/runtime/index.js';

export function prismaStoreExtras(provider: Provider): void {
  describe(`prismaStore on ${provider}: restart, sweep, rows`, () => {
    let db: TestDatabase;
    const queries: string[] = [];
    before(async () => {
      db = await createTestDatabase(provider, { queries });
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

    for (const model of ['PowSession', 'PowSessionMapped'] as const) {
      it(`getLinked is one SQL query with the same answers as two reads (model ${model})`, async () => {
        const clock = fakeClock();
        const store = prismaStore(db.prisma, { model, clock: clock.now, sweepEvery: 0 });
        await store.put('links-tokens', 'live', { rk: 'u1:s1', sid: 's1' }, 60_000);
        await store.put('links-tokens', 'short', { rk: 'u1:s1' }, 1000);
        await store.put('links-tokens', 'to-short', { rk: 'u1:s2' }, 60_000);
        await store.put('links-sessions', 'u1:s1', { id: 's1', data: { x: 'ü' } }, 60_000);
        await store.put('links-sessions', 'u1:s2', { id: 's2' }, 1000);
        queries.length = 0;
        assert.deepEqual(await store.getLinked!('links-tokens', 'live', 'rk', 'links-sessions'), [
          { rk: 'u1:s1', sid: 's1' },
          { id: 's1', data: { x: 'ü' } },
        ]);
        assert.equal(queries.length, 1, queries.join('\n---\n'));
        const table = model === 'PowSession' ? 'pow_sessions' : 'auth_sessions';
        assert.match(queries[0]!, new RegExp(`FROM [\`"]${table}[\`"] a LEFT JOIN`), 'the mapped table');
        if (model === 'PowSessionMapped') assert.match(queries[0]!, /session_key/, 'the mapped column');
        clock.advance(2000);
        queries.length = 0;
        assert.deepEqual(
          await store.getLinked!('links-tokens', 'short', 'rk', 'links-sessions'),
          [null, null],
          'expired pointer',
        );
        assert.deepEqual(
          await store.getLinked!('links-tokens', 'to-short', 'rk', 'links-sessions'),
          [{ rk: 'u1:s2' }, null],
          'expired record',
        );
        assert.deepEqual(
          await store.getLinked!('links-tokens', 'missing', 'rk', 'links-sessions'),
          [null, null],
          'missing pointer',
        );
        await store.delete('links-sessions', 'u1:s1');
        assert.deepEqual(
          await store.getLinked!('links-tokens', 'live', 'rk', 'links-sessions'),
          [{ rk: 'u1:s1', sid: 's1' }, null],
          'missing record',
        );
        assert.deepEqual(
          queries.map((sql) =>
            / LEFT JOIN /.test(sql) ? 'getLinked' : /^\s*DELETE/i.test(sql) ? 'delete' : sql,
          ),
          ['getLinked', 'getLinked', 'getLinked', 'delete', 'getLinked'],
          'one query per call',
        );
        // A link name that cannot be part of the SQL text takes the two reads, with the same answer.
        await store.put('links-tokens', 'odd-link', { 'r-k': 'u1:s2' }, 60_000);
        await store.put('links-sessions', 'u1:s2', { id: 's2' }, 60_000);
        assert.deepEqual(await store.getLinked!('links-tokens', 'odd-link', 'r-k', 'links-sessions'), [
          { 'r-k': 'u1:s2' },
          { id: 's2' },
        ]);
        if (model === 'PowSessionMapped') {
          // The rows are where the model maps them.
          const rows = await db.prisma.$queryRawUnsafe<Array<{ k: string }>>(
            provider === 'mysql'
              ? 'SELECT `session_key` AS k FROM `auth_sessions`'
              : 'SELECT "session_key" AS k FROM "auth_sessions"',
          );
          assert.deepEqual(rows.map((row) => row.k).sort(), [
            'live',
            'odd-link',
            'short',
            'to-short',
            'u1:s2',
          ]);
        }
      });
    }
  });
}
