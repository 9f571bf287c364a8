/**
 * The one reader of `_prisma_migrations` (what a database has applied), for SQLite, PostgreSQL and
 * MySQL/MariaDB, through the app's own driver (better-sqlite3, pg, mariadb), without the schema
 * engine. Its users:
 * - `pow migrate`'s fast path (applied-migrations.ts): every migration of the folder applied, in
 *   one query;
 * - `pow migrate --init`: a database set up with `prisma db push` (tables, no such table) is told
 *   from a migrated one;
 * - `pow status`: each applied migration's checksum against its file, as Prisma does (`checksum` is
 *   the sha256 of migration.sql, hex).
 * It also creates the table, as Prisma's schema engine does per provider, for a baseline.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { mysqlConnectionParts, sqliteFilePath } from './database-url.js';

export interface AppliedMigration {
  name: string;
  checksum: string;
  finished: boolean;
  rolledBack: boolean;
}

/** Prisma's checksum of a migration script: sha256 of its bytes, hex. */
export function migrationChecksum(script: string | Buffer): string {
  return createHash('sha256').update(script).digest('hex');
}

/** Which database, and where the app's drivers are (its root; pow's own install otherwise). */
export interface RecordsTarget {
  provider: string;
  url: string;
  /** Base directory of a relative SQLite path (see sqliteBaseDir in migrate.ts). */
  baseDir: string;
  /** The app's root, whose node_modules holds its drivers. */
  root?: string;
}

interface Row {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

const QUERY =
  'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at, migration_name';

// ---- the app's drivers ---------------------------------------------------------------------------

/** Resolves a driver from the app first (its version, its native build), then from pow's install. */
function resolverFor(root: string | undefined): (id: string) => string {
  const fromPow = createRequire(import.meta.url);
  const fromApp = root ? createRequire(join(root, 'package.json')) : fromPow;
  return (id) => {
    try {
      return fromApp.resolve(id);
    } catch {
      return fromPow.resolve(id);
    }
  };
}

export function requireDriver<T>(root: string | undefined, id: string): T {
  return createRequire(import.meta.url)(resolverFor(root)(id)) as T;
}

/**
 * better-sqlite3's compiled addon, handed over directly: its own lookup (the `bindings` package)
 * probes a dozen paths and took longer than the query.
 */
function sqliteAddon(root: string | undefined): string | undefined {
  try {
    const file = join(
      dirname(resolverFor(root)('better-sqlite3/package.json')),
      'build/Release/better_sqlite3.node',
    );
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

type SqliteDb = {
  prepare(sql: string): { all(): unknown[]; get(): unknown };
  exec(sql: string): void;
  pragma(sql: string, options: { simple: true }): unknown;
  close(): void;
};

export function openSqlite(
  root: string | undefined,
  file: string,
  options: { readonly?: boolean; fileMustExist?: boolean; timeout?: number } = {},
): SqliteDb {
  const Driver = requireDriver<new (file: string, options: object) => SqliteDb>(root, 'better-sqlite3');
  const nativeBinding = sqliteAddon(root);
  return new Driver(file, { ...options, ...(nativeBinding ? { nativeBinding } : {}) });
}

type PgClient = {
  connect(): Promise<void>;
  query(sql: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
};

/** A pg client on the URL; Prisma's `?schema=` becomes the search path (where _prisma_migrations is). */
function pgClient(root: string | undefined, url: string): PgClient {
  const pg = requireDriver<{ Client: new (options: object) => PgClient }>(root, 'pg');
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  return new pg.Client({
    connectionString: parsed.toString(),
    connectionTimeoutMillis: 5000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
}

type MysqlConnection = {
  query(sql: string, values?: unknown[]): Promise<unknown>;
  end(): Promise<void>;
};

/** A mariadb connection on the URL's database, or null when that database does not exist yet. */
export async function mysqlConnection(
  root: string | undefined,
  url: string,
): Promise<MysqlConnection | null> {
  const mod = requireDriver<{
    createConnection?: (o: object) => Promise<MysqlConnection>;
    default?: { createConnection(o: object): Promise<MysqlConnection> };
  }>(root, 'mariadb');
  const createConnection = mod.createConnection ?? mod.default!.createConnection;
  try {
    return await createConnection({
      ...mysqlConnectionParts(url),
      connectTimeout: 5000,
      timezone: '+00:00',
      dateStrings: true,
    });
  } catch (error) {
    if ((error as { errno?: number }).errno === 1049) return null; // unknown database
    throw error;
  }
}

// ---- reading -------------------------------------------------------------------------------------

async function sqliteRows(target: RecordsTarget): Promise<Row[] | null> {
  const file = sqliteFilePath(target.url, target.baseDir);
  if (file === ':memory:' || !existsSync(file)) return null;
  const db = openSqlite(target.root, file, { readonly: true, fileMustExist: true });
  try {
    const table = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
      .get();
    return table ? (db.prepare(QUERY).all() as Row[]) : null;
  } finally {
    db.close();
  }
}

async function postgresRows(target: RecordsTarget): Promise<Row[] | null> {
  const client = pgClient(target.root, target.url);
  try {
    await client.connect();
  } catch (error) {
    if ((error as { code?: string }).code === '3D000') return null; // no such database yet
    throw error;
  }
  try {
    const exists = await client.query("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present");
    if (!exists.rows[0]?.present) return null;
    return (await client.query(QUERY)).rows as unknown as Row[];
  } finally {
    await client.end();
  }
}

async function mysqlRows(target: RecordsTarget): Promise<Row[] | null> {
  const conn = await mysqlConnection(target.root, target.url);
  if (conn === null) return null;
  try {
    const [present] = (await conn.query(
      "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '_prisma_migrations'",
    )) as { n: number | bigint }[];
    if (!present || Number(present.n) === 0) return null;
    return (await conn.query(QUERY)) as Row[];
  } finally {
    await conn.end();
  }
}

/**
 * The applied migrations in application order, or null when the database (or its
 * `_prisma_migrations` table) does not exist (never migrated). SQLite, PostgreSQL, MySQL/MariaDB;
 * null for other providers.
 */
export async function readAppliedMigrations(target: RecordsTarget): Promise<AppliedMigration[] | null> {
  const rows =
    target.provider === 'sqlite'
      ? await sqliteRows(target)
      : target.provider === 'postgresql'
        ? await postgresRows(target)
        : target.provider === 'mysql'
          ? await mysqlRows(target)
          : null;
  if (rows === null) return null;
  return rows.map((r) => ({
    name: r.migration_name,
    checksum: r.checksum,
    finished: r.finished_at !== null && r.finished_at !== undefined,
    rolledBack: r.rolled_back_at !== null && r.rolled_back_at !== undefined,
  }));
}

// ---- creating ------------------------------------------------------------------------------------

/** Prisma's `_prisma_migrations` per provider (sql-schema-connector's flavours). */
export const MIGRATIONS_TABLE_DDL = {
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`,
  postgresql: `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`,
  mysql: `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             DATETIME(3),
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          DATETIME(3),
    started_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    applied_steps_count     INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
`,
} as const;

/**
 * `_prisma_migrations` as Prisma's schema engine creates it, for a database set up with
 * `prisma db push` that gets its first record by baselining (the WebAssembly engine's
 * markMigrationApplied expects the table). No-op when it exists.
 */
export async function ensureMigrationsTable(target: RecordsTarget): Promise<void> {
  if (target.provider === 'sqlite') {
    const db = openSqlite(target.root, sqliteFilePath(target.url, target.baseDir));
    try {
      db.exec(MIGRATIONS_TABLE_DDL.sqlite);
    } finally {
      db.close();
    }
  } else if (target.provider === 'postgresql') {
    const client = pgClient(target.root, target.url);
    await client.connect();
    try {
      await client.query(MIGRATIONS_TABLE_DDL.postgresql);
    } finally {
      await client.end();
    }
  } else if (target.provider === 'mysql') {
    const conn = await mysqlConnection(target.root, target.url);
    if (conn === null) throw new Error(`the database of ${target.url} does not exist`);
    try {
      const [present] = (await conn.query(
        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '_prisma_migrations'",
      )) as { n: number | bigint }[];
      if (!present || Number(present.n) === 0) await conn.query(MIGRATIONS_TABLE_DDL.mysql);
    } finally {
      await conn.end();
    }
  }
}
