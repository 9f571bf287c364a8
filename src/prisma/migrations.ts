/**
 * The migration writer: the migration `prisma migrate dev --name <name>` would create for pow's
 * schema change, returned as file contents (the planner writes them).
 *
 * - The change is computed from the schema before pow's edit to the schema after it, so a later run
 *   (an extension added) yields exactly the delta and a run without changes yields null. Changes the
 *   team made to the schema but never migrated are not pulled into pow's migration.
 * - SQLite/PostgreSQL: the SQL is the schema engine's diff (`prisma migrate diff --script`), run in
 *   process. MySQL/MariaDB: pow's renderer (mysql-ddl.ts). `generator` says which.
 * - Like `migrate dev`, the script starts with Prisma's "Warnings" comment when a step can fail on
 *   existing data (a required column added to a table, a unique constraint added); `migrate diff`
 *   leaves that comment out, the rest is identical.
 * - Layout: `<migrationsDir>/<YYYYMMDDHHMMSS>_<name>/migration.sql`, timestamp in UTC from the
 *   injected clock (moved past the newest existing migration so the new one sorts last), and
 *   `<migrationsDir>/migration_lock.toml` with Prisma's exact text when it does not exist yet.
 * - Nothing that drops a table or column unless `allowDrop` (POW_MIGRATION_DESTRUCTIVE otherwise).
 * - Upgrades from a `User.passwordHash` column: the migration that creates the credential model
 *   ends with a step that copies the stored hashes into it (credential-backfill.ts).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { PowError } from '../shared/pow-error.js';
import type { PrismaProvider } from '../inspect/project-info.js';
import { parseSchemaFiles, type SchemaTexts } from './schema-ast.js';
import { credentialBackfillSql } from './credential-backfill.js';
import {
  calculateTables,
  destructiveStatements,
  diffTables,
  droppedObjects,
  isEmptyDiff,
  migrateDevWarnings,
  redefinedTables,
} from './sql-model.js';
import {
  assertHistoryProvider,
  migrationLockToml,
  readMigrationsDir,
  MIGRATION_LOCK_FILE,
  type MigrationDirEntry,
  type MigrationsDirListing,
} from './migrations-dir.js';

export type MigrationGenerator = 'schema-engine' | 'pow-mysql-templates';

export interface PlanMigrationInput {
  provider: PrismaProvider;
  /** Schema files before pow's change (path → text). */
  before: SchemaTexts;
  /** Schema files after pow's change. */
  after: SchemaTexts;
  /** Project root; `migrationsDir` is relative to it. */
  root: string;
  /** Migrations folder relative to root, e.g. "prisma/migrations". */
  migrationsDir: string;
  /** Migration name; slugified like Prisma's CLI does ("Add pow auth" → "add_pow_auth"). */
  name: string;
  /** Clock for the folder timestamp. */
  now: () => Date;
  /** Allow a migration that drops tables or columns. */
  allowDrop?: boolean;
  /** The migrations folder as already read (skips reading `root/migrationsDir`). */
  existing?: MigrationsDirListing;
  /** PostgreSQL: run the diff on this server (in a throw-away database) instead of offline. */
  diffUrl?: string;
  /**
   * pow's own migration left by an interrupted run (see ownPendingMigration), already taken out of
   * `existing`. Default: the newest migration of the folder when it carries this run's name.
   */
  pending?: MigrationDirEntry | null;
  /**
   * Migration names pow used before that are no longer in the folder (its manifest lists them: an
   * old history moved aside after a provider switch, a migration the team deleted). A new migration
   * never takes one of them: the file would count as one the team removed, and not be written.
   */
  usedBefore?: readonly string[];
}

export interface PlannedMigration {
  /** Folder name, `<timestamp>_<name>`. */
  name: string;
  /** Files to write: path relative to root (forward slashes) → text. */
  files: Record<string, string>;
  /** The migration script (what migration.sql contains). */
  sql: string;
  /** Which path produced the SQL. */
  generator: MigrationGenerator;
  /** Lines of the Warnings comment, if any (for the CLI report). */
  warnings: string[];
}

const ENGINE_PROVIDERS = new Set(['sqlite', 'postgresql']);

/** Prisma CLI's migration name slug (@sindresorhus/slugify with "_", lowercased), max 200 chars. */
export function slugifyMigrationName(name: string): string {
  let out = '';
  let prev = '';
  for (const ch of name) {
    const lower = ch.toLowerCase();
    const isUpper = ch !== lower;
    const isAlnum = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9');
    if (isUpper && prev && prev >= 'a' && prev <= 'z') out += '_';
    out += isAlnum ? lower : '_';
    prev = ch;
  }
  const parts = out.split('_').filter(Boolean);
  return parts.join('_').slice(0, 200);
}

/** `YYYYMMDDHHMMSS` in UTC, Prisma's migration timestamp. */
export function migrationTimestamp(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    p(date.getUTCFullYear(), 4) +
    p(date.getUTCMonth() + 1) +
    p(date.getUTCDate()) +
    p(date.getUTCHours()) +
    p(date.getUTCMinutes()) +
    p(date.getUTCSeconds())
  );
}

function timestampOf(name: string): string | null {
  const head = name.slice(0, 14);
  if (head.length !== 14) return null;
  for (const ch of head) if (ch < '0' || ch > '9') return null;
  return head;
}

function parseTimestamp(ts: string): Date {
  return new Date(
    Date.UTC(
      +ts.slice(0, 4),
      +ts.slice(4, 6) - 1,
      +ts.slice(6, 8),
      +ts.slice(8, 10),
      +ts.slice(10, 12),
      +ts.slice(12, 14),
    ),
  );
}

/** Folder name for a new migration: now, or one second past the newest existing one. */
/**
 * The migration folders of `migrationsDir` that a manifest lists (pow wrote them), whether or not
 * they are still on disk.
 */
export function migrationNamesInManifest(
  files: Readonly<Record<string, unknown>> | undefined,
  migrationsDir: string,
): string[] {
  const prefix = `${migrationsDir.replace(/\\/g, '/').replace(/\/+$/, '')}/`;
  const out = new Set<string>();
  for (const path of Object.keys(files ?? {})) {
    if (!path.startsWith(prefix)) continue;
    const [name, file] = path.slice(prefix.length).split('/');
    if (name && file === 'migration.sql') out.add(name);
  }
  return [...out];
}

export function nextMigrationName(existingNames: string[], name: string, now: Date): string {
  let ts = migrationTimestamp(now);
  const newest = existingNames
    .map(timestampOf)
    .filter((t): t is string => t !== null)
    .sort()
    .pop();
  if (newest && newest >= ts) ts = migrationTimestamp(new Date(parseTimestamp(newest).getTime() + 1000));
  const slug = slugifyMigrationName(name);
  return slug ? `${ts}_${slug}` : ts;
}

function lockProvider(provider: PrismaProvider): string {
  return provider;
}

/**
 * Plans the migration for pow's schema change; null when the change needs no migration.
 */
export async function planMigration(input: PlanMigrationInput): Promise<PlannedMigration | null> {
  const { provider } = input;
  const migrationsDir = input.migrationsDir.replace(/\\/g, '/').replace(/\/+$/, '');
  const beforeSchema = parseSchemaFiles(input.before);
  const afterSchema = parseSchemaFiles(input.after);
  const tableDiff = diffTables(
    calculateTables(beforeSchema, provider),
    calculateTables(afterSchema, provider),
  );

  let sql: string;
  let generator: MigrationGenerator;
  if (provider === 'mysql') {
    generator = 'pow-mysql-templates';
    if (isEmptyDiff(tableDiff)) return null;
    guardDrops(droppedObjects(tableDiff), [], input.allowDrop);
    const { renderMysqlMigration } = await import('./mysql-ddl.js');
    sql = renderMysqlMigration(input.before, input.after).sql;
  } else if (ENGINE_PROVIDERS.has(provider)) {
    generator = 'schema-engine';
    const { diffSchemas, isEmptyMigration } = await import('./schema-engine.js');
    try {
      sql = await diffSchemas(provider, input.before, input.after, { url: input.diffUrl });
    } catch (error) {
      throw await blameTheEdit(error, provider, input.before);
    }
    if (isEmptyMigration(sql)) return null;
    guardDrops(droppedObjects(tableDiff), destructiveStatements(sql), input.allowDrop);
  } else {
    throw new PowError({
      code: 'POW_MIGRATION_PROVIDER_UNSUPPORTED',
      message: `pow cannot write migrations for the "${provider}" provider.`,
      fix: 'Run `npx prisma migrate dev --name add_pow_auth` yourself after pow has edited the schema.',
    });
  }

  const header = migrateDevWarnings(tableDiff, provider === 'sqlite' ? redefinedTables(sql) : new Set());
  const backfill = credentialBackfillSql(provider, beforeSchema, afterSchema);
  const script = header + (backfill ? `${sql}${sql.endsWith('\n') ? '' : '\n'}\n${backfill}` : sql);

  const listing = input.existing ?? (await readMigrationsDir(join(input.root, migrationsDir)));
  const files: Record<string, string> = {};
  const wanted = lockProvider(provider);
  if (listing.lockfile === null) {
    files[`${migrationsDir}/${MIGRATION_LOCK_FILE}`] = migrationLockToml(wanted);
  } else {
    assertHistoryProvider(listing, wanted, migrationsDir);
  }
  // An interrupted run (killed after the migration file was in place, before the schema and the
  // manifest) left this very migration: the re-run recognises it by content and keeps its name,
  // so there is never a second, identical migration.
  const pending = input.pending !== undefined ? input.pending : ownPendingMigration(listing, input.name);
  const name =
    pending && pending.script !== null && sameScript(pending.script, script)
      ? pending.name
      : nextMigrationName(
          [...listing.migrations.map((m) => m.name), ...(input.usedBefore ?? [])],
          input.name,
          input.now(),
        );
  files[`${migrationsDir}/${name}/migration.sql`] = script;
  return {
    name,
    files,
    sql: script,
    generator,
    warnings: header
      ? header
          .split('\n')
          .filter((l) => l.startsWith('  - '))
          .map((l) => l.slice(4))
      : [],
  };
}

/**
 * The engine refused the diff. When the team's schema on its own is valid, the fault is in pow's
 * edit (a file not on disk): saying "schema.prisma:40" of a 36-line file and "run prisma validate"
 * would send the team after a problem their file does not have.
 */
async function blameTheEdit(error: unknown, provider: string, before: SchemaTexts): Promise<unknown> {
  if (!(error instanceof PowError) || error.code !== 'POW_SCHEMA_DIFF_FAILED') return error;
  const { diffSchemas } = await import('./schema-engine.js');
  try {
    await diffSchemas(provider, 'empty', before);
  } catch {
    return error; // the team's own schema is invalid: the engine's file and line are theirs
  }
  return new PowError({
    code: 'POW_SCHEMA_EDIT_INVALID',
    message: `Your schema is valid, but Prisma refuses it with pow's additions (nothing was written; the file and line below are of pow's edited version, not of the file on disk):\n${error.message}`,
    fix: 'Check which model pow takes for the users (`pow inspect`, --user-model) and whether a model of yours already uses a table or name pow adds; if neither explains it, this is a bug in pow: report it with the schema.',
    exitCode: 3,
    cause: error,
  });
}

function guardDrops(schemaDrops: string[], sqlDrops: string[], allowDrop: boolean | undefined): void {
  if (allowDrop || (schemaDrops.length === 0 && sqlDrops.length === 0)) return;
  const what =
    schemaDrops.length > 0 ? schemaDrops.join(', ') : sqlDrops.map((s) => s.split('\n')[0]).join('; ');
  throw new PowError({
    code: 'POW_MIGRATION_DESTRUCTIVE',
    message: `The migration would drop ${what}; pow does not write destructive migrations by default.`,
    fix: 'Review the schema change; if dropping is intended, re-run with --allow-drop (or write the migration with `npx prisma migrate dev`).',
    exitCode: 3,
  });
}

/** Content hash of a migration script (line endings normalised), to recognise pow's own migration. */
export function migrationContentHash(script: string): string {
  return createHash('sha256').update(script.replace(/\r\n?/g, '\n')).digest('hex');
}

function sameScript(a: string, b: string): boolean {
  return migrationContentHash(a) === migrationContentHash(b);
}

/**
 * The newest migration of the folder when it is one of pow's with this name (`<timestamp>_<slug>`):
 * the candidate for the pending migration of an interrupted run. Only the newest: an identical
 * migration earlier in the history was applied and undone since, so a new one is needed.
 */
export function ownPendingMigration(listing: MigrationsDirListing, name: string): MigrationDirEntry | null {
  const newest = listing.migrations[listing.migrations.length - 1];
  if (!newest || newest.script === null) return null;
  const slug = slugifyMigrationName(name);
  return timestampOf(newest.name) !== null && newest.name.slice(15) === slug ? newest : null;
}

/** True for a migration pow names (`<timestamp>_pow_install`, `<timestamp>_pow_admin`, ...). */
export function isPowMigration(name: string): boolean {
  return timestampOf(name) !== null && name.slice(15).startsWith('pow_');
}
