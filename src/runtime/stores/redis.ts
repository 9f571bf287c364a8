/**
 * Store backed by Redis (node-redis v4/v5 client, or anything with `sendCommand`).
 *
 * Keys are `pow:<namespace>:<key>`, values JSON text, TTLs `PX` milliseconds. `increment` is
 * INCR + `PEXPIRE … NX` in one Lua script (a fixed window: later increments do not extend it),
 * `decrement` a DECR that never goes below 0 or creates a key;
 * `putIfAbsent` is `SET … NX PX`; `all` is `SCAN MATCH` + `MGET`.
 *
 * Expiry is Redis's own, in real time: a fake pow clock does not move it (tests use short real
 * TTLs). Session timeouts are still checked against pow's clock from the record timestamps.
 */
import { createRequire } from 'node:module';
import type { Store } from '../core/types.js';
import { configError } from '../core/errors.js';
import { deferredSetting, type Setting } from '../core/deferred.js';
import { checkNamespaceKey, checkTtl, serialize } from './shared.js';
import { ownedRedisConnection } from './redis-connection.js';

/** The client surface used: node-redis's `sendCommand` (v4 and v5). */
export interface RedisLike {
  sendCommand(args: string[]): Promise<unknown>;
}

export interface RedisStoreOptions {
  /** Prefix of every key. Default "pow". */
  prefix?: string;
}

const INCREMENT_SCRIPT = `local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1], 'NX')
return n`;

// DECR keeps the key's TTL; a missing or zero counter is left alone.
const DECREMENT_SCRIPT = `local n = tonumber(redis.call('GET', KEYS[1]))
if n and n > 0 then return redis.call('DECR', KEYS[1]) end
return 0`;

/** Escapes glob metacharacters for SCAN MATCH. */
function globEscape(value: string): string {
  return value.replace(/[\\*?[\]]/g, (c) => `\\${c}`);
}

/**
 * `redisStore(client)` uses a connected client the app owns (and never closes it; create it with
 * `createClient(redisClientOptions(url))` to get pow's fault handling);
 * `redisStore("redis://host:6379")` opens its own connection on first use (redis-connection.ts),
 * replaces it when it stops answering, and `close()` ends it;
 * `redisStore(fromEnv('REDIS_URL'))` does the same with a URL read at start-up (`auth.middleware()`)
 * or on first use, so an app that loads .env in its entry has loaded it by then.
 */
export function redisStore(
  clientOrUrl: RedisLike | string | (() => string | undefined),
  options: RedisStoreOptions = {},
): Store {
  const prefix = options.prefix ?? 'pow';
  if (typeof prefix !== 'string' || prefix.length === 0 || prefix.includes('*'))
    throw configError('redisStore.prefix', 'must be a non-empty string');
  let owned: ReturnType<typeof ownedRedisConnection> | undefined;

  if (typeof clientOrUrl === 'string' || typeof clientOrUrl === 'function') {
    const url = deferredSetting<string>(
      clientOrUrl,
      {
        key: 'redisStore(url)',
        purpose: 'pow keeps sessions, tokens and throttle counters in Redis',
        expected: 'a redis:// or rediss:// URL, e.g. redis://localhost:6379',
        problem: (value) =>
          typeof value === 'string' && /^rediss?:\/\//.test(value)
            ? null
            : 'must start with redis:// or rediss://',
      },
      { required: true },
    ) as Setting<string>;
    // `redis` is an optional peer of pow (`pow install --session-store redis` adds it): say so at
    // start-up rather than at the first request. It is imported on first use only.
    try {
      createRequire(import.meta.url).resolve('redis');
    } catch {
      throw configError('redisStore', 'needs the package redis, which is not installed', 'npm install redis');
    }
    owned = ownedRedisConnection(() => url.get());
  } else if (!clientOrUrl || typeof (clientOrUrl as RedisLike).sendCommand !== 'function') {
    throw configError('redisStore', 'needs a node-redis client (createClient()) or a redis:// URL');
  }
  const appClient = owned ? undefined : (clientOrUrl as RedisLike);

  async function send(args: string[]): Promise<unknown> {
    if (appClient) return appClient.sendCommand(args);
    const { client } = await owned!.get();
    return client.sendCommand(args);
  }

  const keyOf = (namespace: string, key: string) => `${prefix}:${namespace}:${key}`;
  const parse = <T>(value: unknown): T | null =>
    typeof value === 'string' ? (JSON.parse(value) as T) : null;

  return {
    async get<T>(namespace: string, key: string): Promise<T | null> {
      checkNamespaceKey(namespace, key);
      return parse<T>(await send(['GET', keyOf(namespace, key)]));
    },

    async put(namespace, key, value, ttlMs) {
      checkNamespaceKey(namespace, key);
      checkTtl(ttlMs);
      await send(['SET', keyOf(namespace, key), serialize(value), 'PX', String(Math.ceil(ttlMs))]);
    },

    async delete(namespace, key) {
      checkNamespaceKey(namespace, key);
      await send(['DEL', keyOf(namespace, key)]);
    },

    async all<T>(namespace: string, keyPrefix: string) {
      checkNamespaceKey(namespace, keyPrefix);
      const base = keyOf(namespace, '');
      const pattern = `${globEscape(base)}${globEscape(keyPrefix)}*`;
      const keys = new Set<string>();
      let cursor = '0';
      do {
        const reply = (await send(['SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000'])) as [string, string[]];
        cursor = String(reply[0]);
        for (const key of reply[1]) keys.add(String(key));
      } while (cursor !== '0');
      const list = [...keys].sort();
      const out: Array<{ key: string; value: T }> = [];
      for (let i = 0; i < list.length; i += 500) {
        const chunk = list.slice(i, i + 500);
        const values = (await send(['MGET', ...chunk])) as unknown[];
        chunk.forEach((fullKey, index) => {
          const value = parse<T>(values[index]);
          // A key may expire between SCAN and MGET: it is then simply absent.
          if (value !== null) out.push({ key: fullKey.slice(base.length), value });
        });
      }
      return out;
    },

    async increment(namespace, key, ttlMs) {
      checkNamespaceKey(namespace, key);
      checkTtl(ttlMs);
      const reply = await send([
        'EVAL',
        INCREMENT_SCRIPT,
        '1',
        keyOf(namespace, key),
        String(Math.ceil(ttlMs)),
      ]);
      return Number(reply);
    },

    async decrement(namespace, key) {
      checkNamespaceKey(namespace, key);
      await send(['EVAL', DECREMENT_SCRIPT, '1', keyOf(namespace, key)]);
    },

    async putIfAbsent(namespace, key, value, ttlMs) {
      checkNamespaceKey(namespace, key);
      checkTtl(ttlMs);
      const reply = await send([
        'SET',
        keyOf(namespace, key),
        serialize(value),
        'PX',
        String(Math.ceil(ttlMs)),
        'NX',
      ]);
      return reply === 'OK';
    },

    // Only a connection the store owns is replaced; an app's client is the app's to manage.
    recover: owned ? () => owned.recycle() : undefined,

    async close() {
      await owned?.close(); // the app's own client stays open
    },
  };
}
