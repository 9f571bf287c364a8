/**
 * The store keys pow lists with `Store.all(namespace, prefix)`: the per-user indexes. One place
 * says which they are, because a store that cannot scan its whole key space (the Redis store on a
 * Redis Cluster, where a SCAN reaches one node and a multi-key command one slot) must know at
 * write time which records to index, and keep each index on the slot of its records.
 *
 * - `<userType>:session`: every key, `<user id>:<session id>` (sessions.ts), listed by the
 *   prefix `<user id>:` to show or revoke a user's sessions.
 * - `<userType>:token`: the keys `u:<purpose>:<user id>:<hash>` (extensions/tokens.ts), listed
 *   by `u:<purpose>:<user id>:` to revoke a user's tokens. The token records themselves
 *   (`<purpose>:<hash>`) are looked up by hash only.
 *
 * A listed key's group is the key up to and including its last ":" (user ids are
 * URI-encoded, hashes and session ids have no ":"), and `all` is always asked for a whole group.
 */

export const SESSION_NAMESPACE_SUFFIX = ':session';
export const TOKEN_NAMESPACE_SUFFIX = ':token';
export const TOKEN_INDEX_KEY_PREFIX = 'u:';

/** The group (the `all` prefix) a listed key belongs to, or null for a key that is never listed. */
export function listedGroup(namespace: string, key: string): string | null {
  const listed =
    namespace.endsWith(SESSION_NAMESPACE_SUFFIX) ||
    (namespace.endsWith(TOKEN_NAMESPACE_SUFFIX) && key.startsWith(TOKEN_INDEX_KEY_PREFIX));
  if (!listed) return null;
  const end = key.lastIndexOf(':');
  return end < 0 ? null : key.slice(0, end + 1);
}
