/**
 * Store backed by the app's database through Prisma, in this model (see conventions):
 *
 * ```prisma
 * model PowSession {
 *   namespace String
 *   key       String
 *   value     String   // @db.Text on MySQL/MariaDB (records outgrow VARCHAR(191))
 *   expiresAt DateTime
 *   @@id([namespace, key])
 *   @@index([expiresAt])
 *   @@map("pow_sessions")
 * }
 * ```
 *
 * Values are JSON text. Expired rows are filtered out on every read (so they never come back,
 * even before a sweep) and deleted in batches from time to time. `increment` and `putIfAbsent`
 * are atomic: they rely on the primary key (insert or fail) and on conditional UPDATEs
 * (compare-and-set), which every supported database applies atomically. `getLinked` (the token
 * pointer and its session record, on every signed-in request) is one SQL query (sql-linked.ts).
 *
 * Keys pow writes are lower-case (hex hashes, normalised identifiers), so the case-insensitive
 * default collation of MySQL does not matter for them; results are still compared exactly.
 */
import type { Store } from '../core/types.js';
import { configError } from '../core/errors.js';
import { checkClock, checkNamespaceKey, checkTtl, serialize, type StoreOptions } from './shared.js';
import { sqlCounter } from './sql-counter.js';
import { getLinkedByTwoReads } from './linked.js';
import { isPlainLink, sqlLinked } from './sql-linked.js';

type Row = { namespace: string; key: string; value: string; expiresAt: Date };

/** The part of the `PowSession` model delegate this store uses. */
export interface PowSessionDelegate {
  findFirst(args: unknown): Promise<Row | null>;
  findMany(args: unknown): Promise<Row[]>;
  create(args: unknown): Promise<unknown>;
  upsert(args: unknown): Promise<unknown>;
  updateMany(args: unknown): Promise<{ count: number }>;
  deleteMany(args: unknown): Promise<{ count: number }>;
}

export interface PrismaStoreOptions extends StoreOptions {
  /** Prisma model name. Default "PowSession". */
  model?: string;
  /** Delete expired rows after this many writes (a batch DELETE). Default 500; 0 disables it. */
  sweepEvery?: number;
}

const DELEGATE_METHODS = ['findFirst', 'findMany', 'create', 'upsert', 'updateMany', 'deleteMany'] as const;
const MAX_CAS_ATTEMPTS = 100;

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'P2002';
}

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.min(20, attempt) * Math.random()));
}

export function prismaStore(
  prisma: object,
  options: PrismaStoreOptions = {},
): Store & { sweep(): Promise<number>; useClock(clock: () => number): void } {
  const model = options.model ?? 'PowSession';
  const delegateKey = model.charAt(0).toLowerCase() + model.slice(1);
  const delegate = (prisma as Record<string, unknown> | null)?.[delegateKey] as
    PowSessionDelegate | undefined;
  if (
    !delegate ||
    DELEGATE_METHODS.some((m) => typeof (delegate as unknown as Record<string, unknown>)[m] !== 'function')
  ) {
    throw configError(
      'prismaStore',
      `needs a Prisma client with the model "${model}" (prisma.${delegateKey})`,
      'Add the PowSession model to schema.prisma (`pow install --store prisma`), migrate, and run `prisma generate`.',
    );
  }
  let clock = checkClock(options.clock, 'prismaStore.clock');
  // One atomic statement per count where the database allows it; else compare-and-set below.
  const counter = sqlCounter(prisma, model);
  // The token pointer and its session record in one query where the provider is known.
  const linkedRead = sqlLinked(prisma, model);
  const sweepEvery = options.sweepEvery ?? 500;
  let writes = 0;

  const now = () => new Date(clock());
  const expiry = (ttlMs: number) => new Date(clock() + ttlMs);
  const id = (namespace: string, key: string) => ({ namespace_key: { namespace, key } });

  async function sweep(): Promise<number> {
    const { count } = await delegate!.deleteMany({ where: { expiresAt: { lte: now() } } });
    return count;
  }

  async function wrote(): Promise<void> {
    if (sweepEvery > 0 && ++writes % sweepEvery === 0) await sweep();
  }

  async function liveRow(namespace: string, key: string): Promise<Row | null> {
    const row = await delegate!.findFirst({ where: { namespace, key, expiresAt: { gt: now() } } });
    return row && row.key === key && row.namespace === namespace ? row : null;
  }

  async function upsert(namespace: string, key: string, value: string, expiresAt: Date): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await delegate!.upsert({
          where: id(namespace, key),
          create: { namespace, key, value, expiresAt },
          update: { value, expiresAt },
        });
        return;
      } catch (error) {
        // Two concurrent upserts of a new key: one insert loses; the retry updates.
        if (!isUniqueViolation(error) || attempt >= 3) throw error;
      }
    }
  }

  async function get<T>(namespace: string, key: string): Promise<T | null> {
    checkNamespaceKey(namespace, key);
    const row = await liveRow(namespace, key);
    return row ? (JSON.parse(row.value) as T) : null;
  }

  return {
    get,
    async getLinked(namespace, key, link, linkedNamespace) {
      checkNamespaceKey(namespace, key);
      return linkedRead && isPlainLink(link)
        ? linkedRead(namespace, key, link, linkedNamespace, now())
        : getLinkedByTwoReads(get, namespace, key, link, linkedNamespace);
    },

    async put(namespace, key, value, ttlMs) {
      checkNamespaceKey(namespace, key);
      checkTtl(ttlMs);
      await upsert(namespace, key, serialize(value), expiry(ttlMs));
      await wrote();
    },

    async delete(namespace, key) {
      checkNamespaceKey(namespace, key);
      await delegate.deleteMany({ where: { namespace, key } });
    },

    async all<T>(namespace: string, prefix: string) {
      checkNamespaceKey(namespace, prefix);
      const where: Record<string, unknown> = { namespace, expiresAt: { gt: now() } };
      if (prefix.length > 0) where.key = { startsWith: prefix };
      const rows = await delegate.findMany({ where, orderBy: { key: 'asc' } } as unknown);
      return rows
        .filter((row) => row.namespace === namespace && row.key.startsWith(prefix))
        .map((row) => ({ key: row.key, value: JSON.parse(row.value) as T }));
    },

    async increment(namespace, key, ttlMs) {
      checkNamespaceKey(namespace, key);
      checkTtl(ttlMs);
      if (counter) {
        const n = await counter.increment(namespace, key, now(), expiry(ttlMs));
        if (n === 1) await wrote();
        return n;
      }
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        try {
          await delegate.create({ data: { namespace, key, value: '1', expiresAt: expiry(ttlMs) } });
          await wrote();
          return 1;
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
        }
        const row = await delegate.findFirst({ where: { namespace, key } });
        if (!row) continue; // deleted meanwhile: try the insert again
        if (row.expiresAt.getTime() <= clock()) {
          // An expired counter restarts a new window, if nobody else restarted it first.
          const { count } = await delegate.updateMany({
            where: { namespace, key, value: row.value, expiresAt: row.expiresAt },
            data: { value: '1', expiresAt: expiry(ttlMs) },
          });
          if (count === 1) return 1;
        } else {
          const next = (Number(JSON.parse(row.value)) || 0) + 1;
          // Compare-and-set on the old value: a concurrent increment makes this match nothing.
          const { count } = await delegate.updateMany({
            where: { namespace, key, value: row.value, expiresAt: { gt: now() } },
            data: { value: String(next) },
          });
          if (count === 1) return next;
        }
        await pause(attempt);
      }
      throw new Error(
        `pow prismaStore: increment of ${namespace}/${key} did not settle after ${MAX_CAS_ATTEMPTS} attempts`,
      );
    },

    async decrement(namespace, key) {
      checkNamespaceKey(namespace, key);
      if (counter) return counter.decrement(namespace, key);
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const row = await liveRow(namespace, key);
        const n = row ? Number(JSON.parse(row.value)) : 0;
        if (!row || !Number.isInteger(n) || n < 1) return;
        const { count } = await delegate.updateMany({
          where: { namespace, key, value: row.value },
          data: { value: String(n - 1) },
        });
        if (count === 1) return;
        await pause(attempt);
      }
    },

    async putIfAbsent(namespace, key, value, ttlMs) {
      checkNamespaceKey(namespace, key);
      checkTtl(ttlMs);
      const json = serialize(value);
      try {
        await delegate.create({ data: { namespace, key, value: json, expiresAt: expiry(ttlMs) } });
        await wrote();
        return true;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      // A row exists: it only counts as absent when it has expired (take it over atomically).
      const { count } = await delegate.updateMany({
        where: { namespace, key, expiresAt: { lte: now() } },
        data: { value: json, expiresAt: expiry(ttlMs) },
      });
      return count === 1;
    },

    sweep,

    useClock(next: () => number) {
      clock = next;
    },
  };
}
