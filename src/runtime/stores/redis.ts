/**
 * Store backed by Redis (node-redis v4/v5 client, or anything with `sendCommand`): one server, or
 * a Redis Cluster (node-redis `createCluster`, or several seed URLs / a cluster node's URL).
 *
 * On one server keys are `pow:<namespace>:<key>`, values JSON text, TTLs `PX` milliseconds. `increment` is
 * INCR + `PEXPIRE … NX` in one Lua script (a fixed window: later increments do not extend it),
 * `decrement` a DECR that never goes below 0 or creates a key;
 * `putIfAbsent` is `SET … NX PX`; `all` is `SCAN MATCH` + `MGET`.
 * On a cluster the per-user indexes are hash-tagged and kept in sorted sets on their records' slot
 * (redis-cluster-layout.ts), so no command crosses slots and nothing scans.
 *
 * Expiry is Redis's own, in real time: a fake pow clock does not move it (tests use short real
 * TTLs). Session timeouts are still checked against pow's clock from the record timestamps.
 */
import { createRequire } from 'node:module';
import type { Store } from '../core/types.js';
import { configError } from '../core/errors.js';
import { deferredSetting, type Setting } from '../core/deferred.js';
import { checkNamespaceKey, checkTtl, serialize } from './shared.js';
import { ownedRedisConnection, redisUrls, type RedisSender } from './redis-connection.js';
import {
  clusterLayout,
  DELETE_LISTED,
  INCREMENT_LISTED,
  LIST_GROUP,
  PUT_IF_ABSENT_LISTED,
  PUT_LISTED,
} from './redis-cluster-layout.js';

/** The client surface used: node-redis's `sendCommand` (v4 and v5). */
export interface RedisLike {
  sendCommand(args: string[]): Promise<unknown>;
}

/** node-redis's cluster client (`createCluster()`): a command is routed by its first key. */
export interface RedisClusterLike {
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: string[],
  ): Promise<unknown>;
  /** Present on node-redis's RedisCluster; tells it from a single-server client. */
  readonly masters: unknown;
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

/**
 * `getLinked` on one server: the first record, and the record its JSON field names (under the
 * key prefix of the linked namespace), in one script. A cluster cannot do this (the second key is
 * not declared and may live on another slot), so it reads twice.
 */
const GET_LINKED_SCRIPT = `local first = redis.call('GET', KEYS[1])
if not first then return {false, false} end
local ok, value = pcall(cjson.decode, first)
if not ok or type(value) ~= 'table' or type(value[ARGV[1]]) ~= 'string' then return {first, false} end
return {first, redis.call('GET', ARGV[2] .. value[ARGV[1]])}`;

/** Escapes glob metacharacters for SCAN MATCH. */
function globEscape(value: string): string {
  return value.replace(/[\\*?[\]]/g, (c) => `\\${c}`);
}

/**
 * `redisStore(client)` uses a connected client the app owns (and never closes it; create it with
 * `createClient(redisClientOptions(url))` or `createCluster(redisClusterOptions(urls))` to get
 * pow's fault handling);
 * `redisStore("redis://host:6379")` opens its own connection on first use (redis-connection.ts),
 * replaces it when it stops answering, and `close()` ends it; the URL of a cluster node, or
 * several comma-separated node URLs, connect to a Redis Cluster;
 * `redisStore(fromEnv('REDIS_URL'))` does the same with a URL read at start-up (`auth.middleware()`)
 * or on first use, so an app that loads .env in its entry has loaded it by then.
 */
export function redisStore(
  clientOrUrl: RedisLike | RedisClusterLike | string | (() => string | undefined),
  options: RedisStoreOptions = {},
): Store {
  const prefix = options.prefix ?? 'pow';
  if (typeof prefix !== 'string' || prefix.length === 0 || /[*{}]/.test(prefix))
    throw configError('redisStore.prefix', 'must be a non-empty string without *, { or }');
  let owned: ReturnType<typeof ownedRedisConnection> | undefined;

  if (typeof clientOrUrl === 'string' || typeof clientOrUrl === 'function') {
    const url = deferredSetting<string>(
      clientOrUrl,
      {
        key: 'redisStore(url)',
        purpose: 'pow keeps sessions, tokens and throttle counters in Redis',
        expected:
          'a redis:// or rediss:// URL, e.g. redis://localhost:6379, or for a Redis Cluster the URLs of ' +
          'some of its nodes separated by commas',
        problem: (value) =>
          typeof value === 'string' &&
          redisUrls(value).length > 0 &&
          redisUrls(value).every((url) => /^rediss?:\/\/[^,\s]+$/.test(url))
            ? null
            : 'must be redis:// or rediss:// URLs (several separated by commas for a cluster)',
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
    throw configError(
      'redisStore',
      'needs a node-redis client (createClient() or createCluster()) or a redis:// URL',
    );
  }
  // The app's own client, fixed; or the connection the store owns, (re)opened on use.
  const appSender: RedisSender | undefined = owned ? undefined : senderOf(clientOrUrl as RedisLike);
  const redis = (): RedisSender | Promise<RedisSender> => appSender ?? owned!.get();
  const cluster = clusterLayout(prefix);

  const keyOf = (namespace: string, key: string) => `${prefix}:${namespace}:${key}`;
  /** The record's Redis key, and on a cluster the index of a listed key. */
  const locate = (r: RedisSender, namespace: string, key: string) =>
    r.clustered ? cluster.locate(namespace, key) : { key: keyOf(namespace, key), index: undefined };
  const parse = <T>(value: unknown): T | null =>
    typeof value === 'string' ? (JSON.parse(value) as T) : null;

  /** MGET in chunks (on a cluster the keys given share one slot); a key gone meanwhile is skipped. */
  async function readValues<T>(r: RedisSender, redisKeys: string[], keyOfRedisKey: (key: string) => string) {
    const out: Array<{ key: string; value: T }> = [];
    for (let i = 0; i < redisKeys.length; i += 500) {
      const chunk = redisKeys.slice(i, i + 500);
      const values = (await r.send(chunk[0], ['MGET', ...chunk])) as unknown[];
      chunk.forEach((redisKey, index) => {
        const value = parse<T>(values[index]);
        // A key may expire between listing and MGET: it is then simply absent.
        if (value !== null) out.push({ key: keyOfRedisKey(redisKey), value });
      });
    }
    return out;
  }

  /** `all` on a cluster: the group's index, then its records, all on the group's slot. */
  async function listGroup<T>(r: RedisSender, namespace: string, keyPrefix: string) {
    const { index, base } = cluster.group(namespace, keyPrefix);
    const members = ((await r.send(index, ['EVAL', LIST_GROUP, '1', index])) as unknown[]).map(String).sort();
    return readValues<T>(
      r,
      members.map((member) => base + member),
      (redisKey) => keyPrefix + redisKey.slice(base.length),
    );
  }

  return {
    async get<T>(namespace: string, key: string): Promise<T | null> {
      checkNamespaceKey(namespace, key);
      const r = await redis();
      const { key: redisKey } = locate(r, namespace, key);
      return parse<T>(await r.send(redisKey, ['GET', redisKey]));
    },

    async getLinked<A, B>(
      namespace: string,
      key: string,
      link: string,
      linkedNamespace: string,
    ): Promise<[A | null, B | null]> {
      checkNamespaceKey(namespace, key);
      checkNamespaceKey(linkedNamespace, '');
      const r = await redis();
      const { key: redisKey } = locate(r, namespace, key);
      if (r.clustered) {
        const first = parse<A>(await r.send(redisKey, ['GET', redisKey]));
        const linked = (first as Record<string, unknown> | null)?.[link];
        if (typeof linked !== 'string') return [first, null];
        const { key: linkedKey } = locate(r, linkedNamespace, linked);
        return [first, parse<B>(await r.send(linkedKey, ['GET', linkedKey]))];
      }
      const [first, second] = (await r.send(redisKey, [
        'EVAL',
        GET_LINKED_SCRIPT,
        '1',
        redisKey,
        link,
        keyOf(linkedNamespace, ''),
      ])) as [unknown, unknown];
      return [parse<A>(first), parse<B>(second)];
    },

    async put(namespace, key, value, ttlMs) {
      checkNamespaceKey(namespace, key);
      checkTtl(ttlMs);
      const r = await redis();
      const { key: redisKey, index } = locate(r, namespace, key);
      const ttl = String(Math.ceil(ttlMs));
      if (index) {
        await r.send(redisKey, [
          'EVAL',
          PUT_LISTED,
          '2',
          redisKey,
          index.key,
          index.member,
          serialize(value),
          ttl,
        ]);
      } else {
        await r.send(redisKey, ['SET', redisKey, serialize(value), 'PX', ttl]);
      }
    },

    async delete(namespace, key) {
      checkNamespaceKey(namespace, key);
      const r = await redis();
      const { key: redisKey, index } = locate(r, namespace, key);
      if (index) await r.send(redisKey, ['EVAL', DELETE_LISTED, '2', redisKey, index.key, index.member]);
      else await r.send(redisKey, ['DEL', redisKey]);
    },

    async all<T>(namespace: string, keyPrefix: string) {
      checkNamespaceKey(namespace, keyPrefix);
      const r = await redis();
      if (r.clustered) return listGroup<T>(r, namespace, keyPrefix);
      const base = keyOf(namespace, '');
      const pattern = `${globEscape(base)}${globEscape(keyPrefix)}*`;
      const keys = new Set<string>();
      let cursor = '0';
      do {
        const reply = (await r.send(undefined, ['SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000'])) as [
          string,
          string[],
        ];
        cursor = String(reply[0]);
        for (const key of reply[1]) keys.add(String(key));
      } while (cursor !== '0');
      const list = [...keys].sort();
      return readValues<T>(r, list, (fullKey) => fullKey.slice(base.length));
    },

    async increment(namespace, key, ttlMs) {
      checkNamespaceKey(namespace, key);
      checkTtl(ttlMs);
      const r = await redis();
      const { key: redisKey, index } = locate(r, namespace, key);
      const ttl = String(Math.ceil(ttlMs));
      const reply = index
        ? await r.send(redisKey, ['EVAL', INCREMENT_LISTED, '2', redisKey, index.key, index.member, ttl])
        : await r.send(redisKey, ['EVAL', INCREMENT_SCRIPT, '1', redisKey, ttl]);
      return Number(reply);
    },

    async decrement(namespace, key) {
      checkNamespaceKey(namespace, key);
      const r = await redis();
      const { key: redisKey } = locate(r, namespace, key);
      await r.send(redisKey, ['EVAL', DECREMENT_SCRIPT, '1', redisKey]);
    },

    async putIfAbsent(namespace, key, value, ttlMs) {
      checkNamespaceKey(namespace, key);
      checkTtl(ttlMs);
      const r = await redis();
      const { key: redisKey, index } = locate(r, namespace, key);
      const ttl = String(Math.ceil(ttlMs));
      if (index) {
        const reply = await r.send(redisKey, [
          'EVAL',
          PUT_IF_ABSENT_LISTED,
          '2',
          redisKey,
          index.key,
          index.member,
          serialize(value),
          ttl,
        ]);
        return Number(reply) === 1;
      }
      const reply = await r.send(redisKey, ['SET', redisKey, serialize(value), 'PX', ttl, 'NX']);
      return reply === 'OK';
    },

    // Only a connection the store owns is replaced; an app's client is the app's to manage.
    recover: owned ? () => owned.recycle() : undefined,

    async close() {
      await owned?.close(); // the app's own client stays open
    },
  };
}

/** How the store talks to a client the app passed in: routed by first key on a cluster. */
function senderOf(client: RedisLike | RedisClusterLike): RedisSender {
  if ('masters' in client) {
    const clusterClient = client as RedisClusterLike;
    return { clustered: true, send: (firstKey, args) => clusterClient.sendCommand(firstKey, false, args) };
  }
  const single = client as RedisLike;
  return { clustered: false, send: (_, args) => single.sendCommand(args) };
}
