/** A node-redis client for one test file, with a unique key prefix and cleanup of its keys. */
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';

export const REDIS_URL = process.env.POW_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  client: ReturnType<typeof createClient>;
  /** Unique prefix for this test file's keys (pass as `redisStore(client, { prefix })`). */
  prefix: string;
  /** Every key/value under the prefix, as text. */
  dump(): Promise<string>;
  keys(): Promise<string[]>;
  cleanup(): Promise<void>;
}

export async function createTestRedis(): Promise<TestRedis> {
  const client = createClient({ url: REDIS_URL });
  client.on('error', () => {});
  await client.connect();
  const prefix = `pow-test-${randomBytes(6).toString('hex')}`;
  const keys = async () => {
    const out: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 1000 })) out.push(...batch);
    return out;
  };
  return {
    client,
    prefix,
    keys,
    async dump() {
      const list = await keys();
      const values = list.length ? await client.mGet(list) : [];
      return JSON.stringify(list.map((k, i) => [k, values[i]]));
    },
    async cleanup() {
      const list = await keys();
      if (list.length) await client.del(list);
      await client.close();
    },
  };
}
