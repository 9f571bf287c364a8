/**
 * The Redis store on a private Redis Cluster of three masters (issue 17, "Scale-out"): every
 * session behaviour of the other stores (the shared session suite), with a user's sessions and
 * tokens hash-tagged onto one slot next to their index, and nothing that scans or crosses slots:
 * the cluster's nodes have KEYS disabled and SCAN renamed, and Redis itself refuses a command or
 * script over keys of several slots (CROSSSLOT).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createClient, createCluster } from 'redis';
import { redisClusterOptions, redisStore } from '../../src/runtime/index.js';
import type { Store } from '../../src/runtime/core/types.js';
import { sessionSuite } from '../helpers/db-session-suite.js';
import { createTestDatabase } from '../helpers/prisma-test-client.js';
import { CLUSTER_SCAN, privateRedisCluster, type PrivateRedisCluster } from '../helpers/fault-servers.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One client per node of the cluster, to look at what the store wrote (tests only). */
async function nodeClients(cluster: PrivateRedisCluster) {
  const clients = await Promise.all(
    cluster.urls.map(async (url) => {
      const client = createClient({ url });
      client.on('error', () => {});
      await client.connect();
      return client;
    }),
  );
  return {
    /** Every key under `prefix` on every node. */
    async keys(prefix: string): Promise<string[]> {
      const out: string[] = [];
      for (const client of clients) {
        let cursor = '0';
        do {
          const [next, batch] = (await client.sendCommand([
            CLUSTER_SCAN,
            cursor,
            'MATCH',
            `${prefix}:*`,
            'COUNT',
            '1000',
          ])) as [string, string[]];
          cursor = next;
          out.push(...batch);
        } while (cursor !== '0');
      }
      return out.sort();
    },
    slot: async (key: string) => Number(await clients[0].sendCommand(['CLUSTER', 'KEYSLOT', key])),
    close: () => Promise.all(clients.map((client) => client.close())),
  };
}

describe('Redis store on a Redis Cluster (private, three masters)', () => {
  let cluster: PrivateRedisCluster;
  let nodes: Awaited<ReturnType<typeof nodeClients>>;
  const stores: Store[] = [];
  const newPrefix = () => `pow-cl-${randomBytes(4).toString('hex')}`;

  before(async () => {
    cluster = await privateRedisCluster(3);
    nodes = await nodeClients(cluster);
  });
  after(async () => {
    for (const store of stores) await store.close?.();
    await nodes?.close();
    await cluster?.destroy();
  });

  it('a cluster node URL, or several, is found to be a cluster; listed keys share their index slot', async () => {
    const prefix = newPrefix();
    // One seed node is enough: the store asks it (INFO cluster) and talks to the whole cluster.
    const store = redisStore(cluster.urls[0], { prefix });
    stores.push(store);
    for (const user of ['42', '7', 'ada%40example.com']) {
      for (const sid of ['s1', 's2', 's3'])
        await store.put('user:session', `${user}:${sid}`, { user, sid }, 60_000);
    }
    const keys = await nodes.keys(prefix);
    assert.ok(keys.includes(`${prefix}:{user:session:42:}s1`), keys.join('\n'));
    assert.ok(keys.includes(`${prefix}:{user:session:42:}:index`));
    for (const user of ['42', '7', 'ada%40example.com']) {
      const mine = keys.filter((key) => key.startsWith(`${prefix}:{user:session:${user}:}`));
      assert.equal(mine.length, 4, 'three records and their index');
      const slots = new Set(await Promise.all(mine.map((key) => nodes.slot(key))));
      assert.equal(slots.size, 1, `${user}: one slot for the records and the index`);
    }
    // The users' groups spread over the cluster rather than on one slot.
    const groupSlots = await Promise.all(
      ['42', '7', 'ada%40example.com'].map((u) => nodes.slot(`{user:session:${u}:}`)),
    );
    assert.equal(new Set(groupSlots).size, 3);

    assert.deepEqual(
      (await store.all('user:session', '42:')).map((row) => row.key),
      ['42:s1', '42:s2', '42:s3'],
    );
    await store.delete('user:session', '42:s2');
    assert.deepEqual(
      (await store.all<{ sid: string }>('user:session', '42:')).map((row) => row.value.sid),
      ['s1', 's3'],
    );
    assert.equal(await store.get('user:session', '42:s2'), null);
    assert.deepEqual(await store.get('user:session', '7:s1'), { user: '7', sid: 's1' });
  });

  it('expired records leave the index; the index itself expires with its last record', async () => {
    const prefix = newPrefix();
    const store = redisStore(cluster.urls.join(','), { prefix });
    stores.push(store);
    await store.put('user:session', '9:short', 1, 150);
    await store.put('user:session', '9:long', 2, 400);
    await sleep(250);
    assert.deepEqual(
      (await store.all('user:session', '9:')).map((row) => row.key),
      ['9:long'],
    );
    await sleep(250);
    assert.deepEqual(await store.all('user:session', '9:'), []);
    assert.deepEqual(await nodes.keys(prefix), [], 'no record and no index left');
  });

  it('token records spread (no hash tag); the per-user token index is listed; counters and locks work', async () => {
    const prefix = newPrefix();
    const store = redisStore(cluster.urls.join(','), { prefix });
    stores.push(store);
    await store.put('user:token', 'reset_password:h1', { userId: 5 }, 60_000);
    await store.put('user:token', 'u:reset_password:5:h1', { expiresAt: 1 }, 60_000);
    await store.put('user:token', 'u:reset_password:5:h2', { expiresAt: 2 }, 60_000);
    const keys = await nodes.keys(prefix);
    assert.ok(keys.includes(`${prefix}:user:token:reset_password:h1`));
    assert.ok(keys.includes(`${prefix}:{user:token:u:reset_password:5:}h2`));
    assert.deepEqual(
      (await store.all('user:token', 'u:reset_password:5:')).map((row) => row.key),
      ['u:reset_password:5:h1', 'u:reset_password:5:h2'],
    );
    const counts = await Promise.all(
      Array.from({ length: 50 }, () => store.increment('pow:throttle', 'a:x', 60_000)),
    );
    assert.deepEqual(
      counts.sort((a, b) => a - b),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    await store.decrement!('pow:throttle', 'a:x');
    assert.equal(await store.increment('pow:throttle', 'a:x', 60_000), 50);
    const wins = await Promise.all(
      Array.from({ length: 20 }, () => store.putIfAbsent('user:lock', 'renew:t', 1, 60_000)),
    );
    assert.equal(wins.filter(Boolean).length, 1);
  });

  it('all() of anything but a per-user index is refused with a clear message (it would scan the cluster)', async () => {
    const store = redisStore(cluster.urls[1], { prefix: newPrefix() });
    stores.push(store);
    await assert.rejects(
      store.all('user:token', 'reset_password:'),
      /on a Redis Cluster, all\("user:token", "reset_password:"\) can only list a per-user index/,
    );
    await assert.rejects(store.all('user:session', '4'), /can only list a per-user index/);
  });

  it("an app's own cluster client (createCluster(redisClusterOptions(urls))) works the same", async () => {
    const client = createCluster(redisClusterOptions(cluster.urls));
    client.on('error', () => {});
    await client.connect();
    try {
      const store = redisStore(client, { prefix: newPrefix() });
      await store.put('user:session', '1:a', 'x', 60_000);
      await store.put('user:session', '1:b', 'y', 60_000);
      assert.deepEqual(
        (await store.all('user:session', '1:')).map((row) => row.value),
        ['x', 'y'],
      );
      await store.close?.();
      assert.ok(client.isOpen, "the app's client stays open");
    } finally {
      await client.close();
    }
  });

  it('several URLs that are not a cluster are refused with a fix', async () => {
    // The shared server answers INFO only: nothing is written to it.
    const single = redisStore('redis://127.0.0.1:6379,redis://127.0.0.1:6379', { prefix: newPrefix() });
    await assert.rejects(
      single.get('n', 'k'),
      /REDIS_URL lists 2 servers, but 127\.0\.0\.1:6379 is not a Redis Cluster node\. Give one URL/,
    );
    await single.close?.();
  });
});

let clusterForSuite: PrivateRedisCluster | undefined;
sessionSuite('Redis Cluster', async () => {
  clusterForSuite = await privateRedisCluster(3);
  const db = await createTestDatabase('sqlite');
  const prefix = `pow-cl-${randomBytes(4).toString('hex')}`;
  const store = redisStore(clusterForSuite.urls.join(','), { prefix });
  const nodes = await nodeClients(clusterForSuite);
  return {
    store,
    prisma: db.prisma,
    async dump() {
      const keys = await nodes.keys(prefix);
      const values: string[] = [];
      const client = createCluster(redisClusterOptions(clusterForSuite!.urls));
      client.on('error', () => {});
      await client.connect();
      for (const key of keys) {
        const read = key.endsWith(':index') ? ['ZRANGE', key, '0', '-1'] : ['GET', key];
        values.push(key, JSON.stringify(await client.sendCommand(key, true, read)));
      }
      await client.close();
      return values.join('\n');
    },
    async cleanup() {
      await store.close?.();
      await nodes.close();
      await db.cleanup();
      await clusterForSuite?.destroy();
    },
  };
});
