/**
 * `pow status`: the migrations folder against what the database recorded in `_prisma_migrations`,
 * as `prisma migrate status` does: migrations not applied yet (pending), migration files edited
 * after they were applied (the stored checksum, sha256 of migration.sql, no longer matches: the
 * database was built from other SQL than the folder now holds), migrations the database applied
 * that the folder lacks, and failed ones. SQLite, PostgreSQL and MySQL/MariaDB.
 */
import { isAbsolute, join } from 'node:path';
import type { PrismaInfo } from '../inspect/project-info.js';
import { migrationChecksum, readAppliedMigrations } from './migration-records.js';
import { readMigrationsDir } from './migrations-dir.js';

export interface DatabaseHistory {
  /** False when the database could not be compared; `why` says why. */
  checked: boolean;
  why?: string;
  pending: string[];
  edited: string[];
  missingFromFolder: string[];
  failed: string[];
}

export async function compareHistoryWithDatabase(input: {
  root: string;
  prisma: Pick<PrismaInfo, 'provider' | 'migrationsDir' | 'schemaPath' | 'urlLocation' | 'multiFile'>;
  url: string | null;
}): Promise<DatabaseHistory> {
  const empty = { pending: [], edited: [], missingFromFolder: [], failed: [] };
  const { prisma, root } = input;
  if (prisma.provider !== 'sqlite' && prisma.provider !== 'postgresql' && prisma.provider !== 'mysql') {
    return { checked: false, why: `pow does not read ${prisma.provider} migration records`, ...empty };
  }
  if (!input.url) return { checked: false, why: 'no database URL', ...empty };
  const dir = isAbsolute(prisma.migrationsDir) ? prisma.migrationsDir : join(root, prisma.migrationsDir);
  const listing = await readMigrationsDir(dir);
  const { sqliteBaseDir } = await import('./migrate.js');
  let applied: Awaited<ReturnType<typeof readAppliedMigrations>>;
  try {
    applied = await readAppliedMigrations(prisma.provider, input.url, sqliteBaseDir(root, prisma));
  } catch (error) {
    return {
      checked: false,
      why: `the database is unreachable (${(error as Error).message.split('\n')[0]})`,
      ...empty,
    };
  }
  const records = new Map<string, { checksum: string; finished: boolean; rolledBack: boolean }>();
  for (const row of applied ?? []) if (!row.rolledBack) records.set(row.name, row);
  const out: DatabaseHistory = {
    checked: true,
    ...empty,
    pending: [],
    edited: [],
    missingFromFolder: [],
    failed: [],
  };
  const inFolder = new Set<string>();
  for (const m of listing.migrations) {
    inFolder.add(m.name);
    const record = records.get(m.name);
    if (!record) out.pending.push(m.name);
    else if (!record.finished) out.failed.push(m.name);
    else if (m.script !== null && record.checksum !== migrationChecksum(m.script)) out.edited.push(m.name);
  }
  for (const name of records.keys()) if (!inFolder.has(name)) out.missingFromFolder.push(name);
  return out;
}
