/**
 * The team's schema changes that no migration creates (issue 22): before pow writes a migration it
 * knows three schemas, (1) the one the migration history builds (replayed on a scratch database by
 * the schema engine), (2) the team's current schema file and (3) the file after pow's edit. pow's
 * migration is the diff from (2) to (3) only. When (1) and (2) differ, the team changed the schema
 * without a migration: pow names each model and field, and either writes that change as a
 * separate, clearly named migration before its own (on request) or stops with the fix. Mixing the
 * two would give migrations that fail on a fresh database (SQLite's table redefinition copies the
 * un-migrated column) or an app whose queries fail on the missing column.
 *
 * Replaying needs the schema engine: SQLite (a temp file) and PostgreSQL (a throw-away database on
 * the server of DATABASE_URL). MySQL/MariaDB, which the engine cannot run, replay with pow's own
 * runner on a throw-away database of DATABASE_URL's server and compare tables and columns
 * (information_schema) with the schema's. A project without a reachable server is not checked;
 * the caller says so.
 */
import { isAbsolute, join } from 'node:path';
import type { PrismaProvider } from '../inspect/project-info.js';
import { readMigrationsDir, type MigrationsDirListing } from './migrations-dir.js';
import { parseSchemaFiles, type SchemaTexts } from './schema-ast.js';
import { calculateTables, type SqlTable } from './sql-model.js';

/** The name of the migration pow writes for the team's un-migrated change (`--include-schema-changes`). */
export const TEAM_CHANGES_MIGRATION_NAME = 'team_schema_changes';

export interface SchemaDrift {
  /** The SQL that brings the history's schema to the team's file (a migration's script). */
  sql: string;
  /** One line per model or field, e.g. "User.nickname (field added)", "Tag (model added)". */
  changes: string[];
}

export type HistoryCheck =
  | { kind: 'no-history' }
  | { kind: 'in-step' }
  | { kind: 'drift'; drift: SchemaDrift }
  | { kind: 'unchecked'; why: string };

export interface HistoryCheckInput {
  provider: PrismaProvider;
  root: string;
  /** Migrations folder, relative to root or absolute. */
  migrationsDir: string;
  /** The team's schema files (path → text). */
  schema: SchemaTexts;
  /** Database URL (PostgreSQL: the server the history is replayed on). */
  url?: string;
  /** The migrations folder as already read (default: read migrationsDir). */
  listing?: MigrationsDirListing;
}

/** Compares the migration history with the team's schema (see the module comment). */
export async function checkHistory(input: HistoryCheckInput): Promise<HistoryCheck> {
  const dir = isAbsolute(input.migrationsDir) ? input.migrationsDir : join(input.root, input.migrationsDir);
  const listing = input.listing ?? (await readMigrationsDir(dir));
  if (listing.migrations.length === 0) return { kind: 'no-history' };
  if (input.provider === 'mysql') return checkMysqlHistory(input, listing);
  if (input.provider !== 'sqlite' && input.provider !== 'postgresql') {
    return {
      kind: 'unchecked',
      why: `pow cannot replay a ${input.provider} migration history (Prisma's WebAssembly schema engine supports SQLite and PostgreSQL)`,
    };
  }
  if (input.provider === 'postgresql' && !input.url) {
    return {
      kind: 'unchecked',
      why: 'no database URL to replay the migration history on (set DATABASE_URL)',
    };
  }
  const { replayHistory } = await import('./schema-engine.js');
  let replay: Awaited<ReturnType<typeof replayHistory>>;
  try {
    replay = await replayHistory(input.provider, dir, input.schema, {
      url: input.url,
      baseDir: input.root,
      listing,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'POW_MIGRATION_HISTORY_BROKEN' || code === 'POW_SCHEMA_DIFF_FAILED') throw error;
    return {
      kind: 'unchecked',
      why: `the migration history could not be replayed (${(error as Error).message.split('\n')[0]})`,
    };
  }
  if (replay.sql === '') return { kind: 'in-step' };
  return {
    kind: 'drift',
    drift: {
      sql: replay.sql,
      changes: namedChanges(replay.introspected, input.schema, input.provider, replay.sql),
    },
  };
}

/**
 * The models and fields that differ between the history (introspected: models named after their
 * tables) and the team's schema, matched by table and column names, in the team's names.
 */
export function namedChanges(
  introspected: string,
  schema: SchemaTexts,
  provider: string,
  sql: string,
): string[] {
  const history = tablesOf({ 'history.prisma': introspected }, provider);
  const team = tablesOf(schema, provider);
  const out: string[] = [];
  for (const table of team.values()) {
    const old = history.get(table.name);
    if (!old) {
      out.push(`${table.model.name} (model added)`);
      continue;
    }
    const oldColumns = new Set(old.columns.map((c) => c.name));
    const newColumns = new Set(table.columns.map((c) => c.name));
    for (const column of table.columns) {
      if (!oldColumns.has(column.name)) out.push(`${table.model.name}.${column.field.name} (field added)`);
    }
    for (const column of old.columns) {
      if (!newColumns.has(column.name)) out.push(`${table.model.name}.${column.name} (field removed)`);
    }
  }
  for (const table of history.values()) {
    if (!team.has(table.name)) out.push(`${table.model.name} (model removed)`);
  }
  if (out.length > 0) return out;
  // Same tables and columns: types, defaults, indexes or constraints changed. Name the tables the SQL touches.
  const touched = new Set<string>();
  for (const match of sql.matchAll(/(?:TABLE|ON)\s+[`"]?([A-Za-z0-9_]+)[`"]?/g)) touched.add(match[1]);
  for (const table of team.values()) {
    if (touched.has(table.name) || touched.has(`new_${table.name}`))
      out.push(`${table.model.name} (changed)`);
  }
  return out.length > 0 ? out : ['(indexes or constraints changed)'];
}

function tablesOf(schema: SchemaTexts, provider: string): Map<string, SqlTable> {
  const tables = new Map<string, SqlTable>();
  for (const table of calculateTables(parseSchemaFiles(schema), provider)) tables.set(table.name, table);
  return tables;
}

/** The error message's list: "User.nickname (field added), Tag (model added)". */
export function describeDrift(drift: SchemaDrift): string {
  return drift.changes.join(', ');
}

/**
 * The MySQL/MariaDB check: the history applied by pow's runner to a scratch database, its tables
 * and columns against the schema's (mysql-ddl.ts). The team's added models and fields become their
 * migration through pow's MySQL renderer (the schema without them → the schema); anything else
 * (a removal) is named, with an empty script: pow's renderer writes additions only, and the
 * `--include-schema-changes` path refuses it (mysql-ddl's POW_MYSQL_UNSUPPORTED_CHANGE words).
 */
async function checkMysqlHistory(
  input: HistoryCheckInput,
  listing: MigrationsDirListing,
): Promise<HistoryCheck> {
  if (!input.url) {
    return {
      kind: 'unchecked',
      why: 'no database URL to replay the migration history on (set DATABASE_URL)',
    };
  }
  const { replayMysqlHistory, mysqlTableDifferences, renderMysqlMigration } = await import('./mysql-ddl.js');
  let changes: string[];
  try {
    changes = mysqlTableDifferences(await replayMysqlHistory(input.url, listing), input.schema, {
      joinTables: 'ignore',
    });
  } catch (error) {
    return {
      kind: 'unchecked',
      why: `the migration history could not be replayed (${(error as Error).message.split('\n')[0]})`,
    };
  }
  if (changes.length === 0) return { kind: 'in-step' };
  const added = changes.filter((c) => c.endsWith(' (model added)') || c.endsWith(' (field added)'));
  if (added.length !== changes.length) return { kind: 'drift', drift: { sql: '', changes } };
  const { withoutModelsAndFields } = await import('./init-migration.js');
  const labels = added.map((c) => c.slice(0, c.lastIndexOf(' (')));
  const sql = renderMysqlMigration(withoutModelsAndFields(input.schema, new Set(labels)), input.schema).sql;
  return { kind: 'drift', drift: { sql, changes } };
}
