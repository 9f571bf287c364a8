/**
 * In-process store: for tests, development and single-process apps. Everything is lost when the
 * process exits, and nothing is shared between processes.
 *
 * A value goes in through a JSON round trip (same normalisation as the Redis and SQL stores:
 * dates become strings, `undefined` fields go) and comes out as a deep copy, so callers never
 * share object references with the store. Copying plain JSON data is about four times cheaper
 * than parsing JSON text. A signed-in request reads two records, through `peekLinked`: one call,
 * no copy, since the stored values are frozen (the session layer copies only what it changes).
 */
import type { Store } from '../core/types.js';
import { copyJson, deepFreezeJson, type JsonValue } from '../core/json-values.js';
import { getLinkedByTwoReads } from './linked.js';
import { checkClock, checkNamespaceKey, checkTtl, serialize, type StoreOptions } from './shared.js';

interface Entry {
  /** Deep-frozen: `peekLinked` hands it out as it is, every other read copies it. */
  value: JsonValue;
  expiresAt: number;
}

export interface MemoryStore extends Store {
  getNow<T = unknown>(namespace: string, key: string): T | null;
  peekLinked<A = unknown, B = unknown>(
    namespace: string,
    key: string,
    link: string,
    linkedNamespace: string,
  ): [Readonly<A> | null, Readonly<B> | null];
  /** Number of live records (for tests). */
  size(): number;
  /** Every live record (namespace, key, value as JSON text): for "nothing secret at rest" checks. */
  dump(): Array<{ namespace: string; key: string; value: string; expiresAt: number }>;
  useClock(clock: () => number): void;
  close(): Promise<void>;
}

const SWEEP_EVERY = 1000;

export function memoryStore(options: StoreOptions = {}): MemoryStore {
  let clock = checkClock(options.clock, 'memoryStore.clock');
  const namespaces = new Map<string, Map<string, Entry>>();
  let writes = 0;

  function bucket(namespace: string): Map<string, Entry> {
    let map = namespaces.get(namespace);
    if (!map) {
      map = new Map();
      namespaces.set(namespace, map);
    }
    return map;
  }

  function live(namespace: string, key: string): Entry | undefined {
    const map = namespaces.get(namespace);
    const entry = map?.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= clock()) {
      map!.delete(key);
      return undefined;
    }
    return entry;
  }

  function sweep(): void {
    const now = clock();
    for (const map of namespaces.values()) {
      for (const [key, entry] of map) if (entry.expiresAt <= now) map.delete(key);
    }
  }

  function write(namespace: string, key: string, value: JsonValue, ttlMs: number): void {
    bucket(namespace).set(key, { value: deepFreezeJson(value), expiresAt: clock() + ttlMs });
    if (++writes % SWEEP_EVERY === 0) sweep();
  }

  function getNow<T>(namespace: string, key: string): T | null {
    checkNamespaceKey(namespace, key);
    const entry = live(namespace, key);
    return entry ? (copyJson(entry.value) as T) : null;
  }

  return {
    // In-process and synchronous: it cannot hang, so createPow puts no deadline on it.
    local: true,
    async get<T>(namespace: string, key: string): Promise<T | null> {
      return getNow<T>(namespace, key);
    },
    getNow,
    peekLinked<A, B>(
      namespace: string,
      key: string,
      link: string,
      linkedNamespace: string,
    ): [Readonly<A> | null, Readonly<B> | null] {
      checkNamespaceKey(namespace, key);
      const first = live(namespace, key)?.value ?? null;
      const linked =
        first !== null && typeof first === 'object' && !Array.isArray(first) ? first[link] : undefined;
      if (typeof linked !== 'string') return [first as A | null, null];
      checkNamespaceKey(linkedNamespace, linked);
      return [first as A, (live(linkedNamespace, linked)?.value ?? null) as B | null];
    },
    getLinked(namespace, key, link, linkedNamespace) {
      return getLinkedByTwoReads(
        (ns, k) => Promise.resolve(getNow(ns, k)),
        namespace,
        key,
        link,
        linkedNamespace,
      );
    },
    async put(namespace, key, value, ttlMs) {
      checkNamespaceKey(namespace, key);
      checkTtl(ttlMs);
      write(namespace, key, JSON.parse(serialize(value)) as JsonValue, ttlMs);
    },
    async delete(namespace, key) {
      checkNamespaceKey(namespace, key);
      namespaces.get(namespace)?.delete(key);
    },
    async all<T>(namespace: string, prefix: string) {
      checkNamespaceKey(namespace, prefix);
      const out: Array<{ key: string; value: T }> = [];
      const map = namespaces.get(namespace);
      if (!map) return out;
      for (const key of [...map.keys()]) {
        if (!key.startsWith(prefix)) continue;
        const entry = live(namespace, key);
        if (entry) out.push({ key, value: copyJson(entry.value) as T });
      }
      return out;
    },
    async increment(namespace, key, ttlMs) {
      checkNamespaceKey(namespace, key);
      checkTtl(ttlMs);
      const entry = live(namespace, key);
      if (!entry) {
        write(namespace, key, 1, ttlMs);
        return 1;
      }
      const next = (Number(entry.value) || 0) + 1;
      entry.value = next;
      return next;
    },
    async decrement(namespace, key) {
      checkNamespaceKey(namespace, key);
      const entry = live(namespace, key);
      if (entry) entry.value = Math.max(0, (Number(entry.value) || 0) - 1);
    },
    async putIfAbsent(namespace, key, value, ttlMs) {
      checkNamespaceKey(namespace, key);
      checkTtl(ttlMs);
      if (live(namespace, key)) return false;
      write(namespace, key, JSON.parse(serialize(value)) as JsonValue, ttlMs);
      return true;
    },
    async close() {
      namespaces.clear();
    },
    size() {
      sweep();
      let n = 0;
      for (const map of namespaces.values()) n += map.size;
      return n;
    },
    dump() {
      sweep();
      const out: Array<{ namespace: string; key: string; value: string; expiresAt: number }> = [];
      for (const [namespace, map] of namespaces) {
        for (const [key, entry] of map)
          out.push({ namespace, key, value: JSON.stringify(entry.value), expiresAt: entry.expiresAt });
      }
      return out;
    },
    useClock(next: () => number) {
      clock = next;
    },
  };
}
