/**
 * The schema step's check of the migration history against the team's schema (src/prisma/history.ts),
 * and what a run does when the team changed the schema without a migration:
 *
 * - `include` (`--include-schema-changes`, or "yes" to the prompt): the team's change is written as
 *   its own migration, `<timestamp>_team_schema_changes`, sorted before pow's, so a fresh database
 *   gets the team's change, then pow's; pow's migration stays the diff from the team's file to pow's.
 * - `refuse` (the default without a prompt): POW_SCHEMA_NOT_MIGRATED, naming each model and field,
 *   with both fixes; nothing is written.
 * - `report` (dry runs, `pow status`, `pow diff`): planned as `include`, and said in a note.
 */
import { join } from 'node:path';
import type { GenerateContext } from '../generate/index.js';
import type { PrismaInfo } from '../inspect/project-info.js';
import { resolveDatabaseUrl } from '../commands/migrate.js';
import { PowError } from '../shared/pow-error.js';
import type { HistoryCheck, SchemaDrift } from '../prisma/history.js';
import type { MigrationDirEntry, MigrationsDirListing } from '../prisma/migrations-dir.js';
import type { SchemaTexts } from '../prisma/schema-ast.js';

export type SchemaChangesMode = 'refuse' | 'include' | 'report';

export interface TeamChangesInput {
  root: string;
  prisma: PrismaInfo;
  /** The team's schema files, as on disk. */
  schema: SchemaTexts;
  env?: Record<string, string | undefined>;
  mode: SchemaChangesMode;
  /** Asked before refusing, on an interactive run: true → include. */
  confirm?: (drift: SchemaDrift, migrationName: string) => Promise<boolean>;
  now: () => Date;
  /** The command that was run, for the fix line ("pow install"). */
  command: string;
  /** The name of pow's migration of this run ("pow_install"). */
  migrationName: string;
}

export interface TeamChangesResult {
  history: HistoryCheck;
  /** The migrations folder as pow's migration must see it (with the team's migration when written). */
  listing: MigrationsDirListing;
  /** The migration written for the team's change, or null. */
  teamMigration: { name: string; path: string } | null;
  /**
   * pow's own migration left by an interrupted run: the newest migration, with this run's name,
   * without which the history matches the team's schema. Taken out of `listing`; the re-run keeps
   * its name when its content is what pow writes now (planMigration), else refuses.
   */
  pending: MigrationDirEntry | null;
}

/** Checks the history; writes the team's migration into `ctx` or throws, per the mode. */
export async function handleTeamSchemaChanges(
  ctx: GenerateContext,
  input: TeamChangesInput,
): Promise<TeamChangesResult> {
  const { prisma } = input;
  const migrationsDir = prisma.migrationsDir.replace(/\\/g, '/').replace(/\/+$/, '');
  const [
    { checkHistory, TEAM_CHANGES_MIGRATION_NAME },
    { readMigrationsDir, assertHistoryProvider },
    { nextMigrationName, ownPendingMigration, isPowMigration, migrationNamesInManifest },
  ] = await Promise.all([
    import('../prisma/history.js'),
    import('../prisma/migrations-dir.js'),
    import('../prisma/migrations.js'),
  ]);
  const listing = await readMigrationsDir(join(input.root, migrationsDir));
  // A history of another provider (datasource switched): neither replayed nor extended.
  assertHistoryProvider(listing, prisma.provider, migrationsDir);
  // A history of pow's migrations only: the team never migrated its own models (`prisma db push`).
  if (listing.migrations.every((m) => isPowMigration(m.name))) {
    return noHistory(ctx, input, listing, migrationsDir);
  }
  const url = resolveDatabaseUrl(input.root, prisma.urlEnvVar ?? 'DATABASE_URL', input.env ?? process.env);
  const check = (l: MigrationsDirListing) =>
    checkHistory({
      provider: prisma.provider,
      root: input.root,
      migrationsDir,
      schema: input.schema,
      url: url?.url,
      listing: l,
    });
  const history = await check(listing);
  if (history.kind === 'unchecked')
    ctx.note(`schema: not compared with the migration history: ${history.why}`);
  if (history.kind === 'no-history') return noHistory(ctx, input, listing, migrationsDir);
  if (history.kind !== 'drift') return { history, listing, teamMigration: null, pending: null };
  const own = ownPendingMigration(listing, input.migrationName);
  if (own) {
    const without = { ...listing, migrations: listing.migrations.filter((m) => m !== own) };
    const again = await check(without);
    if (again.kind === 'in-step' || again.kind === 'no-history') {
      return { history: again, listing: without, teamMigration: null, pending: own };
    }
  }

  const { drift } = history;
  // Names pow used before (an old history moved aside) are never taken again: see usedBefore.
  const name = nextMigrationName(
    [
      ...listing.migrations.map((m) => m.name),
      ...migrationNamesInManifest(ctx.previous?.files, migrationsDir),
    ],
    TEAM_CHANGES_MIGRATION_NAME,
    input.now(),
  );
  const list = drift.changes.join(', ');
  let include = input.mode !== 'refuse';
  if (!include && input.confirm) include = await input.confirm(drift, name);
  if (!include) {
    throw new PowError({
      code: 'POW_SCHEMA_NOT_MIGRATED',
      message: `${schemaFiles(input.schema)} has changes that no migration in ${migrationsDir} creates: ${list}. pow does not write its migration on top of them (a fresh database would lack them, and the app's queries of those models would fail).`,
      fix: `Migrate them first (\`npx prisma migrate dev --name <what_you_changed>\`), then run ${input.command} again; or re-run with --include-schema-changes and pow writes them as their own migration, ${migrationsDir}/${name}, before its own.`,
      exitCode: 3,
    });
  }
  if (drift.sql === '' && input.mode !== 'report') {
    // MySQL/MariaDB: pow's renderer writes added models and fields only (history.ts).
    throw new PowError({
      code: 'POW_MYSQL_UNSUPPORTED_CHANGE',
      message: `${schemaFiles(input.schema)} has changes that no migration in ${migrationsDir} creates: ${list}. pow renders MySQL migrations for added models and fields only.`,
      fix: `Migrate them with \`npx prisma migrate dev\` on a machine where Prisma can download its native schema engine, then run ${input.command} again.`,
      exitCode: 3,
    });
  }
  const path = `${migrationsDir}/${name}/migration.sql`;
  if (drift.sql !== '')
    ctx.write(path, drift.sql, { ownership: 'owned', origin: 'prisma:team-schema-changes' });
  ctx.note(
    input.mode === 'report'
      ? `schema: ${list}: changed in the schema without a migration; ${input.command} stops on this (fix: \`npx prisma migrate dev\` first, or --include-schema-changes writes ${path})`
      : `migration: ${path}: your schema changes that had no migration (${list}), kept apart from pow's`,
  );
  return {
    history,
    listing: { ...listing, migrations: [...listing.migrations, { name, script: drift.sql }] },
    teamMigration: { name, path },
    pending: null,
  };
}

function schemaFiles(schema: SchemaTexts): string {
  const files = Object.keys(schema).sort();
  return files.length === 1 ? files[0] : `The schema (${files.join(', ')})`;
}

/** The name of the first migration pow writes for a project without a migration history. */
export const INIT_MIGRATION_NAME = 'init';

/**
 * No migration history (an app on `prisma db push`): pow's migration alone would not build the
 * app's own tables on a fresh database. Reported; with `include`, pow writes the init migration
 * from the team's schema (what `prisma migrate dev --name init` writes) before its own, and
 * `pow migrate --baseline` records it as applied on a database that already has those tables.
 */
async function noHistory(
  ctx: GenerateContext,
  input: TeamChangesInput,
  listing: MigrationsDirListing,
  migrationsDir: string,
): Promise<TeamChangesResult> {
  const history: HistoryCheck = { kind: 'no-history' };
  const { parseSchemaFiles } = await import('../prisma/schema-ast.js');
  const models = parseSchemaFiles(input.schema).models.map((m) => m.name);
  if (models.length === 0) return { history, listing, teamMigration: null, pending: null };
  if (listing.migrations.length > 0) {
    // pow's migrations came first; an init now would not sort before them. Said, not guessed.
    ctx.note(
      `schema: ${migrationsDir} holds only pow's migrations: a new database gets no tables of your own models from it (\`prisma db push\`?). \`pow migrate\` writes the init migration of your models before pow's (it asks; \`pow migrate --init\` in scripts), or keep using \`prisma db push\`.`,
    );
    return { history, listing, teamMigration: null, pending: null };
  }
  const { nextMigrationName } = await import('../prisma/migrations.js');
  const name = nextMigrationName([], INIT_MIGRATION_NAME, input.now());
  const path = `${migrationsDir}/${name}/migration.sql`;
  if (input.mode !== 'include') {
    ctx.note(
      `schema: ${migrationsDir} has no migration history (\`prisma db push\`?): pow's migration alone does not create ${models.join(', ')} on a new database. Run \`pow migrate\` next: it writes the init migration from your schema first (it asks; \`pow migrate --init\` in scripts), or records what a database that already has those tables holds as applied. Or re-run with --include-schema-changes to write the init migration ${name} now.`,
    );
    return { history, listing, teamMigration: null, pending: null };
  }
  const sql = await initSql(input.prisma.provider, input.schema);
  ctx.write(path, sql, { ownership: 'owned', origin: 'prisma:init' });
  // A new history (none yet, or a provider switch with the old one moved aside) starts with its lock file.
  let lockfile = listing.lockfile;
  if (lockfile === null) {
    const { migrationLockToml, MIGRATION_LOCK_FILE } = await import('../prisma/migrations-dir.js');
    lockfile = migrationLockToml(input.prisma.provider);
    ctx.write(`${migrationsDir}/${MIGRATION_LOCK_FILE}`, lockfile, {
      ownership: 'owned',
      origin: 'prisma:migration_lock.toml',
    });
  }
  ctx.note(`migration: ${path}: your schema's init migration (${models.join(', ')}), before pow's`);
  return {
    history,
    listing: { lockfile, migrations: [{ name, script: sql }] },
    teamMigration: { name, path },
    pending: null,
  };
}

/** The init migration of a schema: `prisma migrate diff --from-empty`, or pow's MySQL renderer. */
async function initSql(provider: string, schema: SchemaTexts): Promise<string> {
  if (provider === 'mysql') {
    const { renderMysqlMigration } = await import('../prisma/mysql-ddl.js');
    const first = Object.keys(schema).sort()[0];
    return renderMysqlMigration({ [first]: 'datasource db {\n  provider = "mysql"\n}\n' }, schema).sql;
  }
  const { diffSchemas } = await import('../prisma/schema-engine.js');
  return diffSchemas(provider, 'empty', schema);
}
