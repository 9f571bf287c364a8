/**
 * The rows of `_prisma_migrations` (what a database has applied), read directly with the app's
 * driver: `pow migrate` tells a database set up with `prisma db push` (tables, no such table) from
 * a migrated one, and `pow status` compares each applied migration's checksum with its file, as
 * Prisma does (`checksum` is the sha256 of migration.sql, hex).
 */
import { createHash } from 'node:crypto';
import { sqliteFilePath } from './database-url.js';

export interface AppliedMigration {
  name: string;
  checksum: string;
  finished: boolean;
  rolledBack: boolean;
}

/** Prisma's checksum of a migration script: sha256 of its bytes, hex. */
export function migrationChecksum(script: string): string {
  return createHash('sha256').update(script, 'utf8').digest('hex');
}

/**
 * The applied migrations in application order, or null when the database has no
 * `_prisma_migrations` table (never migrated). SQLite, PostgreSQL and MySQL/MariaDB.
 */
export async function readAppliedMigrations(
  provider: string,
  url: string,
  baseDir: string,
): Promise<AppliedMigration[] | null> {
  const query =
    'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at, migration_name';
  type Row = {
    migration_name: string;
    checksum: string;
    finished_at: unknown;
    rolled_back_at: unknown;
  };
  let rows: Row[];
  if (provider === 'sqlite') {
    const { existsSync } = await import('node:fs');
    const file = sqliteFilePath(url, baseDir);
    if (file !== ':memory:' && !existsSync(file)) return null;
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const table = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
        .get();
      if (!table) return null;
      rows = db.prepare(query).all() as Row[];
    } finally {
      db.close();
    }
  } else if (provider === 'postgresql') {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
    } catch (error) {
      if ((error as { code?: string }).code === '3D000') return null; // no such database yet
      throw error;
    }
    try {
      const exists = await client.query("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present");
      if (!exists.rows[0]?.present) return null;
      rows = (await client.query(query)).rows as Row[];
    } finally {
      await client.end();
    }
  } else if (provider === 'mysql') {
    const { readMysqlMigrationRows } = await import('./mysql-ddl.js');
    const found = await readMysqlMigrationRows(url);
    if (found === null) return null;
    rows = found;
  } else {
    return null;
  }
  return rows.map((r) => ({
    name: r.migration_name,
    checksum: r.checksum,
    finished: r.finished_at !== null && r.finished_at !== undefined,
    rolledBack: r.rolled_back_at !== null && r.rolled_back_at !== undefined,
  }));
}

/**
 * `_prisma_migrations` as Prisma's schema engine creates it (its SQLite and PostgreSQL flavours),
 * for a database set up with `prisma db push` that gets its first record by baselining (the
 * WebAssembly engine's markMigrationApplied expects the table). No-op when it exists.
 */
export async function ensureMigrationsTable(provider: string, url: string, baseDir: string): Promise<void> {
  if (provider === 'sqlite') {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(sqliteFilePath(url, baseDir));
    try {
      db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`);
    } finally {
      db.close();
    }
    return;
  }
  if (provider !== 'postgresql') return;
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`);
  } finally {
    await client.end();
  }
}
