import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { storeContract } from '../helpers/db-store-contract.js';
import { sessionSuite } from '../helpers/db-session-suite.js';
import { createTestDatabase } from '../helpers/prisma-test-client.js';
import { createTestRedis, REDIS_URL, type TestRedis } from '../helpers/db-redis.js';
import { redisStore } from '../../src/runtime/index.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Redis TTLs are real time: the contract runs with short real TTLs and `advance` sleeps.
storeContract(
  'Redis',
  async () => {
    const redis = await createTestRedis();
    return {
      store: redisStore(redis.client, { prefix: redis.prefix }),
      advance: sleep,
      dump: () => redis.dump(),
      cleanup: () => redis.cleanup(),
    };
  },
  { shortTtlMs: 150 },
);

// Session timeouts follow pow's (fake) clock through record timestamps; Redis TTLs stay long.
sessionSuite('Redis', async () => {
  const redis = await createTestRedis();
  const db = await createTestDatabase('sqlite');
  return {
    store: redisStore(redis.client, { prefix: redis.prefix }),
    prisma: db.prisma,
    dump: () => redis.dump(),
    async cleanup() {
      await redis.cleanup();
      await db.cleanup();
    },
  };
});

describe('redisStore details', () => {
  let redis: TestRedis;
  before(async () => {
    redis = await createTestRedis();
  });
  after(async () => {
    await redis?.cleanup();
  });

  it('keys are `<prefix>:<namespace>:<key>` with PX TTLs; counters get their TTL once (PEXPIRE NX)', async () => {
    const store = redisStore(redis.client, { prefix: redis.prefix });
    await store.put('user:session', 'abc', { v: 1 }, 60_000);
    const key = `${redis.prefix}:user:session:abc`;
    assert.equal(await redis.client.get(key), '{"v":1}');
    const pttl = await redis.client.pTTL(key);
    assert.ok(pttl > 59_000 && pttl <= 60_000, `pttl ${pttl}`);
    await store.increment('throttle', 'ip', 60_000);
    await sleep(30);
    await store.increment('throttle', 'ip', 60_000);
    const counterTtl = await redis.client.pTTL(`${redis.prefix}:throttle:ip`);
    assert.ok(counterTtl < 59_990, `second increment must not reset the window (pttl ${counterTtl})`);
  });

  it('a store made from a URL opens and closes its own connection; an app client is never closed', async () => {
    const owned = redisStore(REDIS_URL, { prefix: redis.prefix });
    await owned.put('ns', 'k', 'v', 10_000);
    assert.equal(await owned.get('ns', 'k'), 'v');
    await owned.close?.();
    const shared = redisStore(redis.client, { prefix: redis.prefix });
    await shared.close?.();
    assert.equal(redis.client.isOpen, true);
    assert.equal(await shared.get('ns', 'k'), 'v');
  });

  it('an unreachable Redis URL fails fast with a clear error instead of hanging', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve)); // nothing listens there now
    const store = redisStore(`redis://127.0.0.1:${port}`);
    const started = Date.now();
    await assert.rejects(store.get('ns', 'k'), /cannot connect to Redis at 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    assert.ok(Date.now() - started < 4000);
    await store.close?.();
  });

  it('refuses a non-client and a non-redis URL at construction', () => {
    assert.throws(() => redisStore({} as never), /redisStore/);
    assert.throws(() => redisStore('http://localhost:6379'), /redis:\/\//);
  });
});
