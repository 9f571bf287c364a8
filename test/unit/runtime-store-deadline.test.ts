/**
 * Bounded store calls (stores/deadline.ts): an operation that never answers fails with a
 * StoreUnavailableError after the deadline; connection errors become StoreUnavailableError;
 * other errors pass unchanged; the memory store is not wrapped (its synchronous `getNow` path
 * stays as it is); a missed deadline asks the store to recover its connection.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createPow,
  memoryStore,
  StoreUnavailableError,
  DEFAULT_STORE_TIMEOUT_MS,
} from '../../src/runtime/index.js';
import type { Store } from '../../src/runtime/core/types.js';
import { boundedStore, createDeadline } from '../../src/runtime/stores/deadline.js';
import { isOutage } from '../../src/runtime/stores/unavailable-error.js';

function hangingStore(overrides: Partial<Store> = {}): Store & { recovered: number } {
  const never = () => new Promise<never>(() => {});
  const store = {
    recovered: 0,
    get: never,
    put: never,
    delete: never,
    all: never,
    increment: never,
    putIfAbsent: never,
    recover() {
      store.recovered++;
    },
    ...overrides,
  };
  return store as Store & { recovered: number };
}

describe('store deadline', () => {
  it('fails a call that gets no answer after the deadline, and asks the store to recover', async () => {
    const raw = hangingStore();
    const store = boundedStore(raw, createDeadline(100));
    const started = Date.now();
    const results = await Promise.allSettled([
      store.get('n', 'a'),
      store.put('n', 'b', 1, 1000),
      store.increment('n', 'c', 1000),
    ]);
    const took = Date.now() - started;
    for (const result of results) {
      assert.equal(result.status, 'rejected');
      const error = (result as PromiseRejectedResult).reason;
      assert.ok(error instanceof StoreUnavailableError);
      assert.equal(error.status, 503);
      assert.equal(error.headers['Retry-After'], '5');
      assert.equal(error.stack, `${error.name}: ${error.message}`, 'no stack frames to print');
    }
    assert.ok(took >= 100 && took < 1000, `took ${took} ms`);
    assert.equal(raw.recovered, 3);
  });

  it('maps connection errors to StoreUnavailableError and passes other errors on unchanged', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const bug = new TypeError('pow store: key must be a string');
    const store = boundedStore(
      hangingStore({ get: () => Promise.reject(refused), put: () => Promise.reject(bug) }),
      createDeadline(1000),
    );
    await assert.rejects(
      store.get('n', 'k'),
      (error: unknown) => error instanceof StoreUnavailableError && error.cause === refused,
    );
    await assert.rejects(store.put('n', 'k', 1, 10), (error: unknown) => error === bug);
    assert.equal(isOutage(new (class ClientOfflineError extends Error {})('The client is offline')), true);
    assert.equal(isOutage(Object.assign(new Error('x'), { cause: { code: 'P1001' } })), true);
    // pg-pool's connect timeout and pg's query_timeout (pgPoolOptions), as the adapter wraps them.
    assert.equal(
      isOutage(
        Object.assign(new Error('x'), { cause: new Error('timeout exceeded when trying to connect') }),
      ),
      true,
    );
    assert.equal(isOutage(new Error('Query read timeout')), true);
    assert.equal(
      isOutage(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })),
      true,
    );
    assert.equal(isOutage(new Error('Unique constraint failed')), false);
  });

  it('a call that answers in time settles normally; many calls share one timer', async () => {
    const store = boundedStore(hangingStore({ get: async () => 'value' as never }), createDeadline(50));
    const values = await Promise.all(Array.from({ length: 1000 }, () => store.get('n', 'k')));
    assert.ok(values.every((v) => v === 'value'));
  });

  it('createPow leaves the memory store unwrapped; storeTimeoutMs is validated', () => {
    const memory = memoryStore();
    const config = {
      prisma: { user: { findFirst() {}, findMany() {}, create() {}, update() {}, delete() {} } },
      secret: 's'.repeat(32),
    };
    assert.equal(createPow({ ...config, store: memory }).store, memory);
    const custom = hangingStore();
    assert.notEqual(createPow({ ...config, store: custom }).store, custom);
    assert.throws(() => createPow({ ...config, store: memory, storeTimeoutMs: 0 }), /storeTimeoutMs/);
    assert.equal(DEFAULT_STORE_TIMEOUT_MS, 2000);
  });
});

describe("the extensions' own models", () => {
  it("a stalled two-factor or security-log query fails within the instance's storeTimeoutMs", async () => {
    const never = () => new Promise<never>(() => {});
    const stalled = { findUnique: never, upsert: never, updateMany: never, deleteMany: never };
    const prisma = {
      user: { findFirst() {}, findMany() {}, create() {}, update() {}, delete() {} },
      userTwoFactor: stalled,
      userSecurityEvent: { create: never, findMany: never, count: never, deleteMany: never },
    };
    const pow = createPow({ prisma, store: memoryStore(), secret: 's'.repeat(32), storeTimeoutMs: 100 });
    const { createTwoFactor } = await import('../../src/runtime/extensions/two-factor.js');
    const { createSecurityLog } = await import('../../src/runtime/extensions/security-log.js');
    const started = Date.now();
    await assert.rejects(createTwoFactor(pow, prisma).status(1), StoreUnavailableError);
    const log = createSecurityLog(pow, { prisma });
    await assert.rejects(log.list(1, 1), StoreUnavailableError);
    assert.ok(Date.now() - started < 2000, 'within the 100 ms deadline (plus its tick), not the 2 s default');
  });
});
