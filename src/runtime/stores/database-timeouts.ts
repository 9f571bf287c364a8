/**
 * Pool and statement timeouts for the app's Prisma client, so a stopped or paused database fails
 * queries within seconds instead of holding connections (and requests) for the whole outage.
 * pow's own deadline (stores/deadline.ts) bounds each request anyway; these bound the pool, so
 * it recovers by itself once the server is back instead of staying full of stuck connections.
 *
 * The generated `src/pow/prisma.ts` passes them to the driver adapter:
 *
 *   new PrismaPg(pgPoolOptions(url))          // PostgreSQL (@prisma/adapter-pg)
 *   new PrismaMariaDb(mariadbPoolOptions(url)) // MySQL / MariaDB (@prisma/adapter-mariadb)
 */

/** The one source of these defaults (ms). */
export const DATABASE_TIMEOUTS = Object.freeze({
  /** Opening a connection (TCP + TLS + auth). */
  connectMs: 2000,
  /** Waiting for a free connection of the pool. */
  acquireMs: 3000,
  /** One query: pow's queries take milliseconds; the app's share the pool and this bound. */
  queryMs: 5000,
  /** A transaction left open by a crashed request holds locks: end it. */
  idleInTransactionMs: 10_000,
});

type Overrides = Partial<Record<keyof typeof DATABASE_TIMEOUTS, number>>;

/**
 * `pg.Pool` options (for `new PrismaPg(...)`): `connectionTimeoutMillis` bounds connect and pool
 * waits, `query_timeout` is enforced by the client (it also fires when the server is paused or
 * unreachable), `statement_timeout` and `idle_in_transaction_session_timeout` by the server, and
 * TCP keep-alive finds dead peers.
 */
export function pgPoolOptions(connectionString: string, overrides: Overrides = {}) {
  const t = { ...DATABASE_TIMEOUTS, ...overrides };
  return {
    connectionString,
    connectionTimeoutMillis: t.connectMs,
    query_timeout: t.queryMs,
    statement_timeout: t.queryMs,
    idle_in_transaction_session_timeout: t.idleInTransactionMs,
    keepAlive: true,
  };
}

/**
 * The connection URL for `new PrismaMariaDb(...)` with the mariadb driver's timeouts added as
 * query options (values already in the URL win): `connectTimeout`, `acquireTimeout` (pool wait),
 * `queryTimeout` (MariaDB's `max_statement_time`, per query; ignored by MySQL servers) and TCP
 * keep-alive. `socketTimeout` is left off: it would also close idle pooled connections.
 */
export function mariadbPoolOptions(url: string, overrides: Overrides = {}): string {
  const t = { ...DATABASE_TIMEOUTS, ...overrides };
  const parsed = new URL(url);
  const set = (name: string, value: number | boolean) => {
    if (!parsed.searchParams.has(name)) parsed.searchParams.set(name, String(value));
  };
  set('connectTimeout', t.connectMs);
  set('acquireTimeout', t.acquireMs);
  set('queryTimeout', t.queryMs);
  set('keepAliveDelay', 10_000);
  return parsed.toString();
}
