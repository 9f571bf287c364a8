/**
 * Whether a database already has every migration of a folder, asked with one query of
 * `_prisma_migrations` through the app's own driver (better-sqlite3, pg), without the schema engine
 * (issue 18: `pow migrate` with nothing to apply answers at once). Any doubt (no driver, no table,
 * a failed or rolled-back migration, an edited migration.sql, an unreachable server, MySQL) answers
 * "unknown", and `pow migrate` takes its full path, which says what is wrong.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { sqliteFilePath } from './database-url.js';

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

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
    out.set(name, createHash('sha256').update(readFileSync(file)).digest('hex'));
  }
  return out;
}

/** Every folder migration applied as it is now, and no failed one pending resolution. */
function allApplied(folder: Map<string, string>, rows: readonly MigrationRow[]): boolean {
  const applied = new Map<string, string>();
  for (const row of rows) {
    if (row.rolled_back_at !== null && row.rolled_back_at !== undefined) continue;
    // Started but not finished: a failed migration the full path must report (P3009).
    if (row.finished_at === null || row.finished_at === undefined) return false;
    applied.set(row.migration_name, row.checksum);
  }
  for (const [name, checksum] of folder) if (applied.get(name) !== checksum) return false;
  return true;
}

const QUERY = 'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations';

/** The drivers the app (or pow-cli beside it) has installed: the app's first. */
function resolverFor(root: string): (id: string) => string {
  const fromApp = createRequire(join(root, 'package.json'));
  const fromPow = createRequire(import.meta.url);
  return (id) => {
    try {
      return fromApp.resolve(id);
    } catch {
      return fromPow.resolve(id);
    }
  };
}

function requireFrom(root: string): (id: string) => unknown {
  const resolveId = resolverFor(root);
  const load = createRequire(import.meta.url);
  return (id) => load(resolveId(id));
}

/**
 * better-sqlite3's compiled addon, handed over directly: its own lookup (the `bindings` package)
 * probes a dozen paths and took longer than the query.
 */
function sqliteAddon(root: string): string | undefined {
  const file = join(
    dirname(resolverFor(root)('better-sqlite3/package.json')),
    'build/Release/better_sqlite3.node',
  );
  return existsSync(file) ? file : undefined;
}

async function sqliteRows(root: string, url: string, baseDir: string): Promise<MigrationRow[] | null> {
  const file = sqliteFilePath(url, baseDir);
  if (file === ':memory:' || !existsSync(file)) return null;
  type Database = { prepare(sql: string): { all(): MigrationRow[] }; close(): void };
  const Driver = requireFrom(root)('better-sqlite3') as new (
    file: string,
    options: { readonly: boolean; fileMustExist: boolean; nativeBinding?: string },
  ) => Database;
  const nativeBinding = sqliteAddon(root);
  const db = new Driver(file, {
    readonly: true,
    fileMustExist: true,
    ...(nativeBinding ? { nativeBinding } : {}),
  });
  try {
    return db.prepare(QUERY).all();
  } finally {
    db.close();
  }
}

async function postgresRows(root: string, url: string): Promise<MigrationRow[] | null> {
  type Client = {
    connect(): Promise<void>;
    query(sql: string): Promise<{ rows: MigrationRow[] }>;
    end(): Promise<void>;
  };
  const pg = requireFrom(root)('pg') as { Client: new (options: object) => Client };
  const parsed = new URL(url);
  // Prisma's `?schema=` names the schema that holds _prisma_migrations.
  const schema = parsed.searchParams.get('schema') ?? 'public';
  parsed.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: parsed.toString(), connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    const table = `"${schema.replace(/"/g, '""')}"._prisma_migrations`;
    return (await client.query(QUERY.replace('_prisma_migrations', table))).rows;
  } finally {
    await client.end();
  }
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
  type Database = { pragma(sql: string, options: { simple: true }): unknown; close(): void };
  const Driver = requireFrom(root)('better-sqlite3') as new (
    file: string,
    options: { fileMustExist: boolean; timeout: number; nativeBinding?: string },
  ) => Database;
  const nativeBinding = sqliteAddon(root);
  const db = new Driver(file, {
    fileMustExist: true,
    timeout: 5000,
    ...(nativeBinding ? { nativeBinding } : {}),
  });
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
    const rows =
      input.provider === 'sqlite'
        ? await sqliteRows(input.root, input.url, input.sqliteBaseDir)
        : input.provider === 'postgresql'
          ? await postgresRows(input.root, input.url)
          : null;
    return rows === null ? null : allApplied(folder, rows);
  } catch {
    return null;
  }
}
