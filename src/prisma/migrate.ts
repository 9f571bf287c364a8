/**
 * `pow migrate`: applies pending migrations from the project's migrations folder, like
 * `prisma migrate deploy`. SQLite/PostgreSQL go through Prisma's schema engine (WebAssembly), which
 * records `_prisma_migrations` itself; MySQL/MariaDB through pow's runner, which records the same
 * rows. Safe to run twice: the second run applies nothing.
 */
import { dirname, isAbsolute, join } from 'node:path';
import type { PrismaInfo } from '../inspect/project-info.js';
import { PowError } from '../shared/pow-error.js';
import type { MigrationGenerator } from './migrations.js';

export interface MigrateInput {
  /** Project root (absolute). */
  root: string;
  prismaInfo: Pick<PrismaInfo, 'provider' | 'migrationsDir' | 'schemaPath' | 'urlLocation' | 'multiFile'>;
  /** Database URL (already resolved from the environment). */
  url: string;
  /** Clock for `_prisma_migrations` timestamps on the MySQL path (tests). */
  now?: () => Date;
}

export interface MigrateResult {
  /** Migration folder names applied by this run, in order; empty when up to date. */
  applied: string[];
  /** Which path applied them. */
  path: MigrationGenerator;
}

/**
 * Base directory for a relative SQLite path: the schema's folder for Prisma 6-style projects (URL in
 * the schema), the project root (where prisma.config.ts lives) otherwise.
 */
export function sqliteBaseDir(root: string, prisma: MigrateInput['prismaInfo']): string {
  if (prisma.urlLocation === 'schema') {
    const schemaPath = isAbsolute(prisma.schemaPath) ? prisma.schemaPath : join(root, prisma.schemaPath);
    return prisma.multiFile ? schemaPath : dirname(schemaPath);
  }
  return root;
}

export async function migrate(input: MigrateInput): Promise<MigrateResult> {
  const { root, prismaInfo, url } = input;
  if (!url) {
    throw new PowError({
      code: 'POW_DATABASE_URL_MISSING',
      message: 'No database URL: pow migrate needs one to apply migrations.',
      fix: 'Set DATABASE_URL (or the variable prisma.config.ts reads), e.g. in .env.',
    });
  }
  const migrationsDir = isAbsolute(prismaInfo.migrationsDir)
    ? prismaInfo.migrationsDir
    : join(root, prismaInfo.migrationsDir);
  if (prismaInfo.provider === 'mysql') {
    const { applyMysqlMigrations } = await import('./mysql-ddl.js');
    return {
      applied: await applyMysqlMigrations(url, migrationsDir, { now: input.now }),
      path: 'pow-mysql-templates',
    };
  }
  if (prismaInfo.provider === 'sqlite' || prismaInfo.provider === 'postgresql') {
    const { applyMigrations } = await import('./schema-engine.js');
    const applied = await applyMigrations(prismaInfo.provider, url, migrationsDir, {
      baseDir: sqliteBaseDir(root, prismaInfo),
    });
    if (prismaInfo.provider === 'sqlite') {
      // The database pow created or migrated runs in WAL mode (applied-migrations.ts says why).
      const { useWalMode } = await import('./applied-migrations.js');
      try {
        useWalMode(root, url, sqliteBaseDir(root, prismaInfo));
      } catch {
        // No better-sqlite3 beside the app: the migrations are applied; the mode stays the default.
      }
    }
    return { applied, path: 'schema-engine' };
  }
  throw new PowError({
    code: 'POW_MIGRATION_PROVIDER_UNSUPPORTED',
    message: `pow migrate does not support the "${prismaInfo.provider}" provider.`,
    fix: 'Run `npx prisma migrate deploy` instead.',
  });
}

/**
 * Baselines a database that has the app's tables but no `_prisma_migrations` (set up with
 * `prisma db push`): records the first migration of the folder as applied without running it, as
 * `prisma migrate resolve --applied <name>` does. Returns its name.
 */
export async function baselineFirstMigration(input: MigrateInput): Promise<string> {
  const { root, prismaInfo } = input;
  const migrationsDir = isAbsolute(prismaInfo.migrationsDir)
    ? prismaInfo.migrationsDir
    : join(root, prismaInfo.migrationsDir);
  const { readMigrationsDir } = await import('./migrations-dir.js');
  const first = (await readMigrationsDir(migrationsDir)).migrations[0];
  if (!first) {
    throw new PowError({
      code: 'POW_MIGRATIONS_MISSING',
      message: `${prismaInfo.migrationsDir} has no migration to record as applied.`,
      fix: 'Write the init migration first: `pow install --include-schema-changes` (or `npx prisma migrate dev --name init`).',
    });
  }
  await recordMigrationApplied(input, first.name);
  return first.name;
}

/**
 * `prisma migrate resolve --applied <name>`: records one migration of the folder as applied without
 * running it. SQLite/PostgreSQL through the schema engine, MySQL/MariaDB through pow's runner.
 */
export async function recordMigrationApplied(input: MigrateInput, name: string): Promise<void> {
  const { root, prismaInfo, url } = input;
  const migrationsDir = isAbsolute(prismaInfo.migrationsDir)
    ? prismaInfo.migrationsDir
    : join(root, prismaInfo.migrationsDir);
  if (prismaInfo.provider === 'mysql') {
    const { markMysqlMigrationApplied } = await import('./mysql-ddl.js');
    await markMysqlMigrationApplied(url, migrationsDir, name, { now: input.now });
    return;
  }
  const { markMigrationApplied } = await import('./schema-engine.js');
  await markMigrationApplied(prismaInfo.provider, url, migrationsDir, name, {
    baseDir: sqliteBaseDir(root, prismaInfo),
  });
}
