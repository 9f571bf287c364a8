/**
 * Throttling counts every guess (issue 17, item 4): 200 wrong passwords sent at once are
 * verified exactly the configured number of times, per account and per address, on every store.
 * Each attempt is counted with one atomic store increment before its password is verified
 * (express/throttle.ts), so no read-then-write gap lets parallel guesses through.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createPow, createUser, memoryStore, prismaStore, redisStore } from '../../src/runtime/index.js';
import type { Store } from '../../src/runtime/core/types.js';
import { powExpress, type PowExpress } from '../../src/runtime/express/index.js';
import { anonymousSession } from '../../src/runtime/express/testing.js';
import { createTestDatabase, type Provider, type TestDatabase } from '../helpers/prisma-test-client.js';
import { createTestRedis, type TestRedis } from '../helpers/db-redis.js';
import { spyHasher } from '../helpers/spy-hasher.js';

const SECRET = 'throttle-parallel-secret-'.repeat(2);
const PASSWORD = 'correct staple battery horse kayak';
const PARALLEL = 200;
const PER_ACCOUNT = 10;
const PER_ADDRESS = 50;

interface Harness {
  url: string;
  auth: PowExpress;
  spy: ReturnType<typeof spyHasher>;
  pow: ReturnType<typeof createPow>;
  close(): Promise<void>;
}

async function harness(store: Store, db: TestDatabase): Promise<Harness> {
  const spy = spyHasher();
  const pow = createPow({
    prisma: db.prisma,
    store,
    secret: SECRET,
    hashing: { hasher: spy.hasher },
    // 200 requests at once queue for the test databases' small pools (MariaDB: 5 connections,
    // a commit each); this test is about counting, so no call may hit the deadline here.
    storeTimeoutMs: 30_000,
  });
  const auth = powExpress(pow, {
    throttle: { maxFailuresPerAccount: PER_ACCOUNT, maxFailuresPerAddress: PER_ADDRESS },
  });
  const app = express();
  app.set('trust proxy', true);
  app.use(auth.middleware());
  app.post('/session', async (req, res, next) => {
    try {
      const result = await auth.signIn(req, res, req.body?.user_id, req.body?.password);
      res.status(result.ok ? 200 : result.status).end();
    } catch (error) {
      next(error);
    }
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    auth,
    spy,
    pow,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function post(h: Harness, userId: string, password: string, address: string): Promise<number> {
  const anon = anonymousSession(h.auth);
  const response = await fetch(`${h.url}/session`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: anon.cookie,
      'x-forwarded-for': address,
    },
    body: new URLSearchParams({ user_id: userId, password, _csrf: anon.csrfToken }).toString(),
  });
  await response.arrayBuffer();
  return response.status;
}

function tally(statuses: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const status of statuses) out[status] = (out[status] ?? 0) + 1;
  return out;
}

type StoreCase = {
  name: string;
  provider: Provider;
  store: (db: TestDatabase) => Promise<{ store: Store; cleanup(): Promise<void> }>;
};

const CASES: StoreCase[] = [
  {
    name: 'memory',
    provider: 'sqlite',
    store: async () => ({ store: memoryStore(), cleanup: async () => {} }),
  },
  {
    name: 'Redis',
    provider: 'sqlite',
    store: async () => {
      const redis: TestRedis = await createTestRedis();
      return { store: redisStore(redis.client, { prefix: redis.prefix }), cleanup: () => redis.cleanup() };
    },
  },
  {
    name: 'Prisma on PostgreSQL',
    provider: 'postgresql',
    store: async (db) => ({ store: prismaStore(db.prisma), cleanup: async () => {} }),
  },
  {
    name: 'Prisma on MariaDB',
    provider: 'mysql',
    store: async (db) => ({ store: prismaStore(db.prisma), cleanup: async () => {} }),
  },
  {
    name: 'Prisma on SQLite',
    provider: 'sqlite',
    store: async (db) => ({ store: prismaStore(db.prisma), cleanup: async () => {} }),
  },
];

for (const c of CASES) {
  describe(`${PARALLEL} parallel wrong passwords: ${c.name}`, () => {
    let db: TestDatabase;
    let store: { store: Store; cleanup(): Promise<void> };
    let h: Harness;
    before(async () => {
      db = await createTestDatabase(c.provider);
      store = await c.store(db);
      h = await harness(store.store, db);
    });
    after(async () => {
      await h?.close();
      await store?.cleanup();
      await db?.cleanup();
    });

    it(`one account: exactly ${PER_ACCOUNT} verified against its hash, the rest answered like a wrong password`, async () => {
      const email = `victim-${randomBytes(4).toString('hex')}@example.com`;
      await createUser(h.pow, { email, password: PASSWORD });
      h.spy.reset();
      // Every guess from its own address, so only the account limit applies.
      const verifiedHashes: string[] = [];
      const inner = h.spy.hasher.verify;
      h.spy.hasher.verify = (hash, password) => (verifiedHashes.push(hash), inner(hash, password));
      try {
        const statuses = await Promise.all(
          Array.from({ length: PARALLEL }, (_, i) =>
            post(h, email, `wrong guess number ${i}`, `10.17.${i >> 8}.${i & 255}`),
          ),
        );
        assert.deepEqual(tally(statuses), { 401: PARALLEL });
      } finally {
        h.spy.hasher.verify = inner;
      }
      // Locked attempts spend one verify against a dummy hash (equal cost): group by hash.
      const byHash = new Map<string, number>();
      for (const hash of verifiedHashes) byHash.set(hash, (byHash.get(hash) ?? 0) + 1);
      assert.equal(verifiedHashes.length, PARALLEL, 'every attempt costs one verify');
      assert.deepEqual(
        [...byHash.values()].sort((a, b) => a - b),
        [PER_ACCOUNT, PARALLEL - PER_ACCOUNT],
      );
      // Still locked for the right password, within the window.
      assert.equal(await post(h, email, PASSWORD, '10.18.0.1'), 401);
    });

    it(`one address: exactly ${PER_ADDRESS} attempts verified, the rest 429 without a verify`, async () => {
      h.spy.reset();
      const address = `10.19.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
      const statuses = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          post(h, `nobody-${i}@example.com`, 'wrong guess', address),
        ),
      );
      assert.deepEqual(tally(statuses), { 401: PER_ADDRESS, 429: PARALLEL - PER_ADDRESS });
      assert.equal(h.spy.calls.verify, PER_ADDRESS);
    });
  });
}
