/**
 * The one Store contract suite (conventions: "same contract test suite passes for memory,
 * Prisma (SQLite, PostgreSQL, MariaDB) and Redis stores"). Each backend's test file calls
 * `storeContract(...)` with a factory.
 *
 * Time: memory and Prisma stores follow the pow clock, so `advance(ms)` moves a fake clock;
 * Redis TTLs are real time, so its `advance(ms)` sleeps (keep `shortTtlMs` small).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Store } from '../../src/runtime/core/types.js';

export interface ContractBackend {
  store: Store;
  /** Let `ms` of store time pass. */
  advance(ms: number): Promise<void>;
  cleanup(): Promise<void>;
  /** Raw dump of what is stored (for "no raw token at rest" checks), if the backend offers it. */
  dump?(): Promise<string>;
}

export interface ContractOptions {
  /** A TTL that `advance` can outlive cheaply. Default 1000 (fake clock); Redis uses ~150. */
  shortTtlMs?: number;
}

export function storeContract(
  name: string,
  make: () => Promise<ContractBackend>,
  options: ContractOptions = {},
): void {
  const ttl = options.shortTtlMs ?? 1000;
  const LONG = 60_000;

  describe(`Store contract: ${name}`, () => {
    let backend: ContractBackend;
    let store: Store;
    let ns: string;
    let n = 0;
    const freshNs = () => `c${++n}-${randomBytes(3).toString('hex')}`;

    before(async () => {
      backend = await make();
      store = backend.store;
    });
    after(async () => {
      await backend?.cleanup();
    });

    it('put/get round-trips JSON values; unknown keys are null', async () => {
      ns = freshNs();
      const value = { a: 1, nested: { list: [1, 'two', null], flag: true }, text: 'ünïcödé ✓ "quotes"' };
      await store.put(ns, 'k1', value, LONG);
      assert.deepEqual(await store.get(ns, 'k1'), value);
      assert.equal(await store.get(ns, 'missing'), null);
      await store.put(ns, 'num', 42, LONG);
      assert.equal(await store.get(ns, 'num'), 42);
      await store.put(ns, 'str', 'plain', LONG);
      assert.equal(await store.get(ns, 'str'), 'plain');
    });

    it('getLinked reads a record and the record its field names, as two gets would', async () => {
      assert.equal(typeof store.getLinked, 'function', 'every pow store offers getLinked');
      if (!store.getLinked) return;
      const a = freshNs();
      const b = freshNs();
      await store.put(a, 'ptr', { rk: 'u1:s1', other: 1 }, LONG);
      await store.put(b, 'u1:s1', { id: 's1', data: { x: 'ü' } }, LONG);
      assert.deepEqual(await store.getLinked(a, 'ptr', 'rk', b), [
        { rk: 'u1:s1', other: 1 },
        { id: 's1', data: { x: 'ü' } },
      ]);
      assert.deepEqual(await store.getLinked(a, 'missing', 'rk', b), [null, null]);
      await store.put(a, 'no-link', { rk: 7 }, LONG);
      assert.deepEqual(await store.getLinked(a, 'no-link', 'rk', b), [{ rk: 7 }, null]);
      await store.put(a, 'plain', 'text', LONG);
      assert.deepEqual(await store.getLinked(a, 'plain', 'rk', b), ['text', null]);
      await store.put(a, 'dangling', { rk: 'u1:gone' }, LONG);
      assert.deepEqual(await store.getLinked(a, 'dangling', 'rk', b), [{ rk: 'u1:gone' }, null]);
      await store.put(b, 'u1:short', { id: 'short' }, ttl);
      await store.put(a, 'short', { rk: 'u1:short' }, LONG);
      await backend.advance(ttl * 2);
      assert.deepEqual(
        await store.getLinked(a, 'short', 'rk', b),
        [{ rk: 'u1:short' }, null],
        'expired record',
      );
    });

    it('getLinked: an expired pointer is absent, its live record is not read; links follow exact keys', async () => {
      if (!store.getLinked) return;
      const a = freshNs();
      const b = freshNs();
      await store.put(b, 'u2:s2', { id: 's2' }, LONG);
      await store.put(a, 'gone', { rk: 'u2:s2' }, ttl);
      await store.put(a, 'kept', { rk: 'u2:s2', note: 'it\'s "quoted" ü' }, LONG);
      await backend.advance(ttl * 2);
      assert.deepEqual(await store.getLinked(a, 'gone', 'rk', b), [null, null], 'expired pointer');
      assert.deepEqual(await store.getLinked(a, 'kept', 'rk', b), [
        { rk: 'u2:s2', note: 'it\'s "quoted" ü' },
        { id: 's2' },
      ]);
      // Keys differ from their upper-case spelling (MySQL's default collation ignores case).
      assert.deepEqual(
        await store.getLinked(a, 'KEPT', 'rk', b),
        [null, null],
        'pointer key compared exactly',
      );
      await store.put(a, 'upper', { rk: 'U2:S2' }, LONG);
      assert.deepEqual(
        await store.getLinked(a, 'upper', 'rk', b),
        [{ rk: 'U2:S2' }, null],
        'record key compared exactly',
      );
      // The link in another namespace, a key with characters JSON escapes, a nested link.
      await store.put(a, 'wrong-ns', { rk: 'u2:s2' }, LONG);
      assert.deepEqual(await store.getLinked(a, 'wrong-ns', 'rk', a), [{ rk: 'u2:s2' }, null]);
      const odd = 'u"3\\:s/ü\n';
      await store.put(b, odd, { id: 'odd' }, LONG);
      await store.put(a, 'odd', { rk: odd }, LONG);
      assert.deepEqual(await store.getLinked(a, 'odd', 'rk', b), [{ rk: odd }, { id: 'odd' }]);
      await store.put(a, 'nested', { x: { rk: 'u2:s2' }, rk: null }, LONG);
      assert.deepEqual(await store.getLinked(a, 'nested', 'rk', b), [{ x: { rk: 'u2:s2' }, rk: null }, null]);
      await store.put(a, 'list', ['u2:s2'], LONG);
      assert.deepEqual(await store.getLinked(a, 'list', 'rk', b), [['u2:s2'], null]);
    });

    it('returned values are copies, not shared references', async () => {
      ns = freshNs();
      const value = { list: [1] };
      await store.put(ns, 'k', value, LONG);
      value.list.push(2);
      const read = await store.get<{ list: number[] }>(ns, 'k');
      assert.deepEqual(read, { list: [1] });
      read!.list.push(3);
      assert.deepEqual(await store.get(ns, 'k'), { list: [1] });
    });

    it('put overwrites the value and resets the TTL', async () => {
      ns = freshNs();
      await store.put(ns, 'k', 'v1', ttl);
      await store.put(ns, 'k', 'v2', LONG);
      await backend.advance(ttl * 2);
      assert.equal(await store.get(ns, 'k'), 'v2');
    });

    it('namespaces are separate', async () => {
      const a = freshNs();
      const b = freshNs();
      await store.put(a, 'same', 'in a', LONG);
      assert.equal(await store.get(b, 'same'), null);
      await store.put(b, 'same', 'in b', LONG);
      assert.equal(await store.get(a, 'same'), 'in a');
      await store.delete(b, 'same');
      assert.equal(await store.get(a, 'same'), 'in a');
    });

    it('delete removes a record; deleting a missing key is fine', async () => {
      ns = freshNs();
      await store.put(ns, 'k', 1, LONG);
      await store.delete(ns, 'k');
      assert.equal(await store.get(ns, 'k'), null);
      await store.delete(ns, 'never-there');
    });

    it('an expired record is never returned, before any sweep runs', async () => {
      ns = freshNs();
      await store.put(ns, 'short', 'gone soon', ttl);
      await store.put(ns, 'long', 'stays', LONG);
      assert.equal(await store.get(ns, 'short'), 'gone soon');
      await backend.advance(ttl + Math.max(50, ttl / 2));
      assert.equal(await store.get(ns, 'short'), null);
      assert.deepEqual(
        (await store.all(ns, '')).map((r) => r.key),
        ['long'],
      );
      assert.equal(
        await store.putIfAbsent(ns, 'short', 'again', LONG),
        true,
        'an expired key counts as absent',
      );
    });

    it('all(prefix) returns every live record whose key starts with the prefix, and only those', async () => {
      ns = freshNs();
      await store.put(ns, 'user:1:a', 'a', LONG);
      await store.put(ns, 'user:1:b', 'b', LONG);
      await store.put(ns, 'user:12:c', 'c', LONG);
      await store.put(ns, 'other', 'x', LONG);
      await store.put(freshNs(), 'user:1:z', 'other namespace', LONG);
      const rows = await store.all<string>(ns, 'user:1:');
      assert.deepEqual(rows.map((r) => [r.key, r.value]).sort(), [
        ['user:1:a', 'a'],
        ['user:1:b', 'b'],
      ]);
      assert.equal((await store.all(ns, 'user:')).length, 3);
      assert.equal((await store.all(ns, '')).length, 4);
      assert.deepEqual(await store.all(ns, 'nothing-here'), []);
    });

    it('all(prefix) treats pattern characters literally (%, _, *, ?, [)', async () => {
      ns = freshNs();
      await store.put(ns, 'a%b:1', 1, LONG);
      await store.put(ns, 'axb:2', 2, LONG);
      await store.put(ns, 'a_b:3', 3, LONG);
      await store.put(ns, 'a*b:4', 4, LONG);
      await store.put(ns, 'a[b]:5', 5, LONG);
      assert.deepEqual(
        (await store.all(ns, 'a%b')).map((r) => r.value),
        [1],
      );
      assert.deepEqual(
        (await store.all(ns, 'a_b')).map((r) => r.value),
        [3],
      );
      assert.deepEqual(
        (await store.all(ns, 'a*b')).map((r) => r.value),
        [4],
      );
      assert.deepEqual(
        (await store.all(ns, 'a[b]')).map((r) => r.value),
        [5],
      );
      assert.deepEqual(
        (await store.all(ns, 'a?b')).map((r) => r.value),
        [],
      );
    });

    it('increment counts from 1 in a fixed window that later increments do not extend', async () => {
      ns = freshNs();
      assert.equal(await store.increment(ns, 'c', ttl), 1);
      assert.equal(await store.increment(ns, 'c', ttl), 2);
      await backend.advance(ttl / 2);
      assert.equal(await store.increment(ns, 'c', ttl), 3);
      assert.equal(await store.get(ns, 'c'), 3);
      await backend.advance(ttl / 2 + Math.max(50, ttl / 2));
      assert.equal(await store.get(ns, 'c'), null, 'the window started at the first increment');
      assert.equal(await store.increment(ns, 'c', ttl), 1, 'a new window starts from 1');
    });

    it('decrement takes 1 off a live counter, never below 0, never creating one, keeping its window', async () => {
      ns = freshNs();
      assert.equal(typeof store.decrement, 'function');
      await store.decrement!(ns, 'none');
      assert.equal(await store.get(ns, 'none'), null);
      await store.increment(ns, 'd', ttl);
      await store.increment(ns, 'd', ttl);
      await store.decrement!(ns, 'd');
      assert.equal(await store.get(ns, 'd'), 1);
      await store.decrement!(ns, 'd');
      await store.decrement!(ns, 'd');
      assert.equal(await store.get(ns, 'd'), 0);
      assert.equal(await store.increment(ns, 'd', ttl), 1);
      await backend.advance(ttl + Math.max(50, ttl / 2));
      assert.equal(await store.get(ns, 'd'), null, 'the window is not extended');
    });

    it('increment is atomic under concurrency', async () => {
      ns = freshNs();
      const results = await Promise.all(Array.from({ length: 25 }, () => store.increment(ns, 'hits', LONG)));
      assert.deepEqual(
        [...results].sort((a, b) => a - b),
        Array.from({ length: 25 }, (_, i) => i + 1),
      );
      assert.equal(await store.get(ns, 'hits'), 25);
    });

    it('putIfAbsent creates once; concurrent callers get exactly one true', async () => {
      ns = freshNs();
      assert.equal(await store.putIfAbsent(ns, 'lock', 'first', LONG), true);
      assert.equal(await store.putIfAbsent(ns, 'lock', 'second', LONG), false);
      assert.equal(await store.get(ns, 'lock'), 'first');
      const wins = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.putIfAbsent(ns, 'race', i, LONG)),
      );
      assert.equal(wins.filter(Boolean).length, 1);
      const winner = wins.indexOf(true);
      assert.equal(await store.get(ns, 'race'), winner);
    });

    it('refuses a missing or non-positive TTL (nothing lives forever)', async () => {
      ns = freshNs();
      await assert.rejects(store.put(ns, 'k', 1, 0));
      await assert.rejects(store.put(ns, 'k', 1, -5));
      await assert.rejects(store.put(ns, 'k', 1, undefined as unknown as number));
      await assert.rejects(store.increment(ns, 'k', Number.POSITIVE_INFINITY));
      assert.equal(await store.get(ns, 'k'), null);
    });

    it('keys are case-sensitive where the backend allows; pow only writes lower-case keys', async () => {
      ns = freshNs();
      await store.put(ns, 'abc', 'lower', LONG);
      assert.equal(await store.get(ns, 'abc'), 'lower');
      // Exact match only: a different key never returns this record.
      assert.equal(await store.get(ns, 'abcd'), null);
      assert.equal(await store.get(ns, 'ab'), null);
      assert.equal(await store.get(ns, 'ABC'), null, 'no case-insensitive match, even on MySQL collations');
      assert.deepEqual(await store.all(ns, 'AB'), []);
    });

    it('stores large values (a session with data, a long user agent)', async () => {
      ns = freshNs();
      const big = { userAgent: 'x'.repeat(2000), data: { flash: 'y'.repeat(5000) } };
      await store.put(ns, 'big', big, LONG);
      assert.deepEqual(await store.get(ns, 'big'), big);
    });
  });
}
