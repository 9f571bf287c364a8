/**
 * Whether a database already has every migration of a folder, asked with one query of
 * `_prisma_migrations` through the app's own driver (migration-records.ts: better-sqlite3, pg,
 * mariadb), without the schema engine (issue 18: `pow migrate` with nothing to apply answers at
 * once). Any doubt (no driver, no table, a failed or rolled-back migration, an edited
 * migration.sql, an unreachable server) answers "unknown", and `pow migrate` takes its full path,
 * which says what is wrong.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sqliteFilePath } from './database-url.js';
import {
  migrationChecksum,
  openSqlite,
  readAppliedMigrations,
  type AppliedMigration,
} from './migration-records.js';

/** The folder's migrations (sorted names) and the sha256 of each migration.sql, as Prisma records it. */
function folderChecksums(migrationsDir: string): Map<string, string> | null {
  const out = new Map<string, string>();
  let names: string[];
  try {
    names = readdirSync(migrationsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return null;
  }
  for (const name of names) {
    const file = join(migrationsDir, name, 'migration.sql');
    if (!existsSync(file)) return null;
    out.set(name, migrationChecksum(readFileSync(file)));
  }
  return out;
}

/** Every folder migration applied as it is now, and no failed one pending resolution. */
function allApplied(folder: Map<string, string>, rows: readonly AppliedMigration[]): boolean {
  const applied = new Map<string, string>();
  for (const row of rows) {
    if (row.rolledBack) continue;
    // Started but not finished: a failed migration the full path must report (P3009).
    if (!row.finished) return false;
    applied.set(row.name, row.checksum);
  }
  for (const [name, checksum] of folder) if (applied.get(name) !== checksum) return false;
  return true;
}

/**
 * Puts a SQLite database in WAL mode with a busy timeout (issue 18): readers no longer wait for a
 * writer, so a burst of sign-ins does not stall the app's other requests. The journal mode is a
 * property of the file, so setting it once (pow migrate creates the file) holds for every later
 * connection, the app's Prisma client included. Returns the mode the file is in afterwards.
 */
export function useWalMode(root: string, url: string, baseDir: string): string | null {
  const file = sqliteFilePath(url, baseDir);
  if (file === ':memory:' || !existsSync(file)) return null;
  const db = openSqlite(root, file, { fileMustExist: true, timeout: 5000 });
  try {
    return String(db.pragma('journal_mode = WAL', { simple: true }));
  } finally {
    db.close();
  }
}

/**
 * True when the database at `url` has applied every migration of `migrationsDir` (unchanged since)
 * and has no failed one; false or null otherwise (null: could not tell; the full path decides).
 */
export async function everyMigrationApplied(input: {
  root: string;
  provider: string;
  url: string;
  migrationsDir: string;
  /** Base directory of a relative SQLite path (see sqliteBaseDir in migrate.ts). */
  sqliteBaseDir: string;
}): Promise<boolean | null> {
  const folder = folderChecksums(input.migrationsDir);
  if (folder === null || folder.size === 0) return null;
  try {
    const rows = await readAppliedMigrations({
      provider: input.provider,
      url: input.url,
      baseDir: input.sqliteBaseDir,
      root: input.root,
    });
    return rows === null ? null : allApplied(folder, rows);
  } catch {
    return null;
  }
}
