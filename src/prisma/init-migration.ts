/**
 * A migration history without the team's own migrations (issue 22, "no history"): an app set up
 * with `prisma db push`, an example without `prisma/migrations`, or a provider switch whose old
 * history was moved aside. `pow migrate` then writes the init migration first (asking, or with
 * --init / --baseline), so a fresh database gets the app's own tables, not pow's alone:
 *
 * - empty database: the init is built from the schema, what `prisma migrate dev --name init` writes.
 *   When pow's migrations are already in the folder (pow install ran on the project), the init
 *   holds the schema without what pow added (the manifest's `prisma:` labels), and sorts before
 *   pow's first migration;
 * - a database with the app's tables but no `_prisma_migrations`: the init is what the database
 *   holds (the engine's diff from nothing to the database), recorded as applied without running it
 *   (`prisma migrate resolve --applied`), the baseline of https://pris.ly/d/migrate-baseline.
 *
 * Either way the result is proven before anything is written: the history with the init, replayed
 * on a scratch database, must build exactly the schema (the engine's diff), else pow refuses and
 * names what differs. MySQL/MariaDB: an empty database and no migrations only (pow's renderer, the
 * engine cannot replay there).
 */
import { join } from 'node:path';
import type { Manifest } from '../generate/manifest.js';
import type { PrismaProvider } from '../inspect/project-info.js';
import { PowError } from '../shared/pow-error.js';
import {
  migrationLockToml,
  readMigrationsDir,
  MIGRATION_LOCK_FILE,
  type MigrationsDirListing,
} from './migrations-dir.js';
import { isPowMigration, migrationTimestamp, nextMigrationName } from './migrations.js';
import { parseSchemaFiles, splitLines, type SchemaTexts } from './schema-ast.js';

export const INIT_NAME = 'init';

export interface InitMigrationPlan {
  /** `init`: apply it; `baseline`: the database already holds it, record it as applied. */
  kind: 'init' | 'baseline';
  /** Folder name, `<timestamp>_init`. */
  name: string;
  sql: string;
  /** Files to write, relative to the project root: the migration and, when missing, the lock file. */
  files: Record<string, string>;
  /** The app's own models the init creates (for the prompt and the report). */
  models: string[];
}

export interface InitMigrationInput {
  provider: PrismaProvider;
  root: string;
  /** Migrations folder, relative to root. */
  migrationsDir: string;
  schema: SchemaTexts;
  url: string;
  /** Base directory of relative SQLite URLs. */
  baseDir: string;
  manifest: Manifest | null;
  now: () => Date;
  listing?: MigrationsDirListing;
}

/** True when the folder holds no migration of the team's own (none at all, or pow's only). */
export function lacksTeamHistory(listing: MigrationsDirListing): boolean {
  return listing.migrations.every((m) => isPowMigration(m.name));
}

/**
 * The init migration the history lacks, or null when it needs none (the team has migrations, the
 * database was migrated before, or pow's migrations build every model). Throws
 * POW_INIT_MIGRATION_MISMATCH when no init makes the history build the schema.
 */
export async function planInitMigration(input: InitMigrationInput): Promise<InitMigrationPlan | null> {
  const dir = input.migrationsDir.replace(/\\/g, '/').replace(/\/+$/, '');
  const listing = input.listing ?? (await readMigrationsDir(join(input.root, dir)));
  if (!lacksTeamHistory(listing)) return null;
  const { readAppliedMigrations } = await import('./migration-records.js');
  const applied = await readAppliedMigrations({
    provider: input.provider,
    url: input.url,
    baseDir: input.baseDir,
    root: input.root,
  });
  // A migrated database (pow's migrations applied before this check existed): not pow's to rewrite.
  if (applied !== null && applied.length > 0) return null;

  const pows = listing.migrations.map((m) => m.name);
  const name = pows.length === 0 ? nextMigrationName([], INIT_NAME, input.now()) : initBefore(pows[0]);
  const files: Record<string, string> = {};
  if (listing.lockfile === null) files[`${dir}/${MIGRATION_LOCK_FILE}`] = migrationLockToml(input.provider);

  if (input.provider === 'mysql') return planMysqlInit(input, listing, { dir, name, files, pows });
  if (input.provider !== 'sqlite' && input.provider !== 'postgresql') return null;

  const { diffEmptyToDatabase, diffSchemas, replayHistory } = await import('./schema-engine.js');
  const held = await diffEmptyToDatabase(input.url, input.schema, { baseDir: input.baseDir });
  let kind: InitMigrationPlan['kind'];
  let sql: string;
  let models: string[];
  if (held !== '') {
    kind = 'baseline';
    sql = held;
    models = tablesCreated(held);
  } else {
    kind = 'init';
    const own = pows.length === 0 ? input.schema : withoutPowAdditions(input.schema, input.manifest);
    models = parseSchemaFiles(own).models.map((m) => m.name);
    if (models.length === 0) return null;
    sql = await diffSchemas(input.provider, 'empty', own);
  }
  const withInit: MigrationsDirListing = {
    lockfile: listing.lockfile ?? migrationLockToml(input.provider),
    migrations: [{ name, script: sql }, ...listing.migrations],
  };
  const replay = await replayHistory(input.provider, join(input.root, dir), input.schema, {
    url: input.url,
    baseDir: input.baseDir,
    listing: withInit,
  });
  if (replay.sql !== '') {
    const { namedChanges } = await import('./history.js');
    const changes = namedChanges(replay.introspected, input.schema, input.provider, replay.sql).join(', ');
    throw new PowError({
      code: 'POW_INIT_MIGRATION_MISMATCH',
      message:
        kind === 'baseline'
          ? `The database has tables but no migration history, and ${dir} with an init migration of those tables would not build your schema: ${changes}.`
          : `${dir} holds only pow's migrations, and no init migration pow can derive makes them build your schema: ${changes}.`,
      fix:
        kind === 'baseline'
          ? 'Bring the database in step with the schema first (`npx prisma db push`), then run `pow migrate --init` again; or baseline by hand: https://pris.ly/d/migrate-baseline'
          : `If no database has applied them, move ${dir} aside and run \`pow migrate --init\`: pow writes one init migration from your whole schema.`,
      exitCode: 3,
    });
  }
  files[`${dir}/${name}/migration.sql`] = sql;
  return { kind, name, sql, files, models };
}

/**
 * The MySQL/MariaDB init (the WebAssembly engine cannot read or replay MySQL): rendered from the
 * schema by pow's MySQL renderer (without pow's additions when pow's migrations are in the folder),
 * what `prisma migrate dev --name init` writes. A database with tables (`prisma db push`) is the
 * baseline: its tables and columns (information_schema) must be exactly those of the init, else
 * pow refuses and names what differs. Either way the history with the init is replayed on a
 * scratch database of the same server and must build every table and column of the schema.
 */
async function planMysqlInit(
  input: InitMigrationInput,
  listing: MigrationsDirListing,
  at: { dir: string; name: string; files: Record<string, string>; pows: string[] },
): Promise<InitMigrationPlan | null> {
  const { dir, name, files, pows } = at;
  const { mysqlTables, mysqlTableDifferences, renderMysqlMigration, replayMysqlHistory } =
    await import('./mysql-ddl.js');
  const own = pows.length === 0 ? input.schema : withoutPowAdditions(input.schema, input.manifest);
  const models = parseSchemaFiles(own).models.map((m) => m.name);
  if (models.length === 0) return null;
  const held = await mysqlTables(input.url);
  const kind: InitMigrationPlan['kind'] = held.size > 0 ? 'baseline' : 'init';
  if (kind === 'baseline') {
    const differences = mysqlTableDifferences(held, own);
    if (differences.length > 0) {
      throw new PowError({
        code: 'POW_INIT_MIGRATION_MISMATCH',
        message: `The database has tables but no migration history, and they are not those of your schema${pows.length > 0 ? " without pow's additions" : ''}: ${differences.join(', ')}.`,
        fix: 'Bring the database in step with the schema first (`npx prisma db push`), then run `pow migrate --init` again; or baseline by hand: https://pris.ly/d/migrate-baseline',
        exitCode: 3,
      });
    }
  }
  const first = Object.keys(input.schema).sort()[0];
  const sql = renderMysqlMigration({ [first]: 'datasource db {\n  provider = "mysql"\n}\n' }, own).sql;
  const withInit: MigrationsDirListing = {
    lockfile: listing.lockfile ?? migrationLockToml(input.provider),
    migrations: [{ name, script: sql }, ...listing.migrations],
  };
  const differences = mysqlTableDifferences(await replayMysqlHistory(input.url, withInit), input.schema);
  if (differences.length > 0) {
    throw new PowError({
      code: 'POW_INIT_MIGRATION_MISMATCH',
      message: `${dir} with an init migration of your models would not build your schema: ${differences.join(', ')}.`,
      fix: `If no database has applied ${dir}, move it aside and run \`pow migrate --init\`: pow writes one init migration from your whole schema.`,
      exitCode: 3,
    });
  }
  files[`${dir}/${name}/migration.sql`] = sql;
  return { kind, name, sql, files, models };
}

/** `<timestamp of the first migration minus one second>_init`: sorts before pow's first migration. */
function initBefore(first: string): string {
  const ts = first.slice(0, 14);
  const date = new Date(
    Date.UTC(
      +ts.slice(0, 4),
      +ts.slice(4, 6) - 1,
      +ts.slice(6, 8),
      +ts.slice(8, 10),
      +ts.slice(10, 12),
      +ts.slice(12, 14),
    ),
  );
  return `${migrationTimestamp(new Date(date.getTime() - 1000))}_${INIT_NAME}`;
}

function tablesCreated(sql: string): string[] {
  return [...sql.matchAll(/CREATE TABLE\s+(?:"[^"]+"\.)?"([^"]+)"/g)].map((m) => m[1]);
}

/**
 * The schema without what pow added (the manifest's `prisma:` patch labels: "Model" for a model,
 * "Model.field" for a field), and without the fields and block attributes that point at them:
 * the app's own schema before pow's migrations. Lines are cut through the AST's line numbers.
 */
export function withoutPowAdditions(schema: SchemaTexts, manifest: Manifest | null): SchemaTexts {
  const labels = new Set<string>();
  for (const id of Object.keys(manifest?.patches ?? {})) {
    if (!id.startsWith('prisma:')) continue;
    for (const label of id.slice('prisma:'.length).split('+')) if (label) labels.add(label);
  }
  // Files pow owns (prisma/pow.prisma in multi-file schemas) are all pow's.
  for (const [path, file] of Object.entries(manifest?.files ?? {})) {
    if (file.ownership === 'owned' && path in schema) {
      for (const m of parseSchemaFiles({ [path]: schema[path] }).models) labels.add(m.name);
    }
  }
  return withoutModelsAndFields(schema, labels);
}

/**
 * The schema without the models and fields of `labels` ("Model", "Model.field"), and without the
 * fields and block attributes that point at them. Lines are cut through the AST's line numbers.
 */
export function withoutModelsAndFields(schema: SchemaTexts, labels: ReadonlySet<string>): SchemaTexts {
  const parsed = parseSchemaFiles(schema);
  const removedModels = new Set(parsed.models.filter((m) => labels.has(m.name)).map((m) => m.name));
  const drop = new Map<string, Set<number>>();
  const cut = (file: string, line: number) => {
    if (line <= 0) return;
    if (!drop.has(file)) drop.set(file, new Set());
    drop.get(file)!.add(line);
  };
  for (const model of parsed.models) {
    const lines = splitLines(schema[model.file]).lines;
    if (removedModels.has(model.name)) {
      let end = model.line;
      while (end <= lines.length && !/^\s*\}/.test(lines[end - 1])) end++;
      for (let l = model.line; l <= end; l++) cut(model.file, l);
      continue;
    }
    const gone = new Set<string>();
    for (const field of model.fields) {
      if (labels.has(`${model.name}.${field.name}`) || removedModels.has(field.type)) {
        gone.add(field.name);
        cut(model.file, field.line);
      }
    }
    if (gone.size === 0) continue;
    for (const attr of model.blockAttributes) {
      const line = (attr as { location?: { startLine?: number } }).location?.startLine ?? 0;
      const text = lines[line - 1] ?? '';
      if ([...gone].some((f) => new RegExp(`[\\[,\\s]${f}[\\],\\s(]`).test(text))) cut(model.file, line);
    }
  }
  const out: SchemaTexts = {};
  for (const [file, text] of Object.entries(schema)) {
    const gone = drop.get(file);
    if (!gone) {
      out[file] = text;
      continue;
    }
    const { lines, eol } = splitLines(text);
    out[file] = lines.filter((_, i) => !gone.has(i + 1)).join(eol);
  }
  return out;
}
