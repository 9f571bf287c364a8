/**
 * Key layout of the Redis store on a Redis Cluster, where a command may only touch keys of one
 * hash slot and a SCAN reaches one node.
 *
 * - A listed key (core/listed-keys.ts: a user's sessions, a user's tokens of one purpose) lives at
 *   `<prefix>:{<namespace>:<group>}<rest>`, e.g. `pow:{user:session:42:}Xq3…` for the session
 *   `42:Xq3…`. The braces are a hash tag: every record of the group, and the group's index
 *   `<prefix>:{<namespace>:<group>}:index`, hash to one slot. The index is a sorted set of the
 *   records' `<rest>`, scored by their expiry (ms, Redis's clock), so `all` reads one sorted set
 *   and one MGET on one slot, and expired entries are dropped as the group is written or listed.
 * - Every other key is `<prefix>:<namespace>:<key>` as on a single server (no hash tag: they spread
 *   over the cluster), and only single-key commands touch it.
 *
 * Every Lua script here declares all the keys it touches, and they share one slot.
 */
import { listedGroup } from '../core/listed-keys.js';

export interface ClusterKey {
  /** The Redis key of the record. */
  key: string;
  /** For a listed key: its group's index (same slot) and its member there. */
  index?: { key: string; member: string };
}

/** Redis's own clock in ms, so expiry scores agree across app instances. */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** Adds the member with its record's expiry; the index lives as long as its longest record. */
const INDEX = `redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end`;

/** KEYS: record, index. ARGV: member, value, ttl ms. */
export const PUT_LISTED = `${NOW}
local ttl = tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
${INDEX}
return 1`;

/** KEYS: record, index. ARGV: member, value, ttl ms. 1 when this call created the record. */
export const PUT_IF_ABSENT_LISTED = `${NOW}
local ttl = tonumber(ARGV[3])
if not redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl, 'NX') then return 0 end
${INDEX}
return 1`;

/** KEYS: record, index. ARGV: member, ttl ms. The new count (a fixed window, as INCREMENT). */
export const INCREMENT_LISTED = `${NOW}
local ttl = tonumber(ARGV[2])
local n = redis.call('INCR', KEYS[1])
if n == 1 then
  redis.call('PEXPIRE', KEYS[1], ttl)
  ${INDEX}
end
return n`;

/** KEYS: record, index. ARGV: member. */
export const DELETE_LISTED = `redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1`;

/** KEYS: index. The live members (expired ones are dropped). */
export const LIST_GROUP = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZRANGE', KEYS[1], 0, -1)`;

export function clusterLayout(prefix: string) {
  const groupBase = (namespace: string, group: string) => `${prefix}:{${namespace}:${group}}`;
  return {
    locate(namespace: string, key: string): ClusterKey {
      const group = listedGroup(namespace, key);
      if (group === null) return { key: `${prefix}:${namespace}:${key}` };
      const base = groupBase(namespace, group);
      const member = key.slice(group.length);
      // A member has no ":" (the group ends at the key's last one), so no record is the index.
      return { key: base + member, index: { key: `${base}:index`, member } };
    },
    /** The index and record-key base of the group `all(namespace, prefix)` asks for. */
    group(namespace: string, keyPrefix: string): { index: string; base: string } {
      if (listedGroup(namespace, `${keyPrefix}x`) !== keyPrefix) {
        throw new TypeError(
          `pow redisStore: on a Redis Cluster, all("${namespace}", "${keyPrefix}") can only list a per-user index ` +
            '(core/listed-keys.ts); other keys are spread over the cluster and cannot be scanned.',
        );
      }
      const base = groupBase(namespace, keyPrefix);
      return { index: `${base}:index`, base };
    },
  };
}
