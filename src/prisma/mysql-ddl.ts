/**
 * The MySQL/MariaDB path. Prisma's WebAssembly schema engine panics for MySQL ("Unsupported adapter
 * provider: Mysql"), so pow renders the DDL for what it adds itself and applies it with its own
 * migration runner. Both follow Prisma (prisma-engines) byte for byte:
 *
 * - Rendering mirrors sql-schema-connector's MySQL renderer and sql-ddl's mysql module: backticked
 *   identifiers, four-space indentation, `NULL`/`NOT NULL`, `DEFAULT CHARACTER SET utf8mb4 COLLATE
 *   utf8mb4_unicode_ci`, indexes inline in CREATE TABLE (`UNIQUE INDEX \`User_email_key\`(\`email\`)`)
 *   followed by `PRIMARY KEY (...)`, steps as `-- CreateTable` / `-- AlterTable` / `-- CreateIndex`
 *   / `-- AddForeignKey` in Prisma's step order, statements ending in ";\n", steps separated by a
 *   blank line. MySQL creates foreign-key indexes implicitly; Prisma adds none, neither does pow.
 * - Only additions are rendered (new tables, new columns, new indexes, new foreign keys). Anything
 *   else is POW_MYSQL_UNSUPPORTED_CHANGE: run `prisma migrate dev` where the native engine exists.
 * - The runner copies `prisma migrate deploy` on MySQL: advisory lock `GET_LOCK('prisma_migrate', 10)`,
 *   the same `_prisma_migrations` DDL, "database schema is not empty" when tables exist without
 *   history, failed migrations block further ones, and per migration: insert (id = UUID v4,
 *   checksum = SHA-256 hex of migration.sql, started_at = now), run the script, then
 *   `applied_steps_count = applied_steps_count + 1` and `finished_at = now` (or `logs` on failure).
 */
import { randomUUID } from 'node:crypto';
import { PowError } from '../shared/pow-error.js';
import {
  parseSchemaFiles,
  nativeTypeAttribute,
  positionalArg,
  fieldAttribute,
  unquote,
  type SchemaTexts,
} from './schema-ast.js';
import type { Func, Value } from './prisma-ast.js';
import {
  calculateTables,
  diffTables,
  droppedObjects,
  isEmptyDiff,
  type SqlColumn,
  type SqlForeignKey,
  type SqlIndex,
  type SqlTable,
  type TableDiff,
} from './sql-model.js';
import { readMigrationsDir, providerInLock, type MigrationsDirListing } from './migrations-dir.js';
import { mysqlConnectionParts, redactUrl } from './database-url.js';
import { MIGRATIONS_TABLE_DDL, migrationChecksum } from './migration-records.js';

const INDENT = '    ';

function q(name: string): string {
  return `\`${name}\``;
}

function unsupported(what: string): PowError {
  return new PowError({
    code: 'POW_MYSQL_UNSUPPORTED_CHANGE',
    message: `pow renders MySQL migrations only for what it adds (tables, columns, indexes, foreign keys); this change needs ${what}.`,
    fix: 'Create this migration with `npx prisma migrate dev` on a machine where Prisma can download its native schema engine.',
  });
}

const NATIVE_NO_ARGS: Record<string, string> = {
  Int: 'INTEGER',
  UnsignedInt: 'INTEGER UNSIGNED',
  SmallInt: 'SMALLINT',
  UnsignedSmallInt: 'SMALLINT UNSIGNED',
  MediumInt: 'MEDIUMINT',
  UnsignedMediumInt: 'MEDIUMINT UNSIGNED',
  BigInt: 'BIGINT',
  UnsignedBigInt: 'BIGINT UNSIGNED',
  Float: 'FLOAT',
  Double: 'DOUBLE',
  TinyBlob: 'TINYBLOB',
  Blob: 'BLOB',
  MediumBlob: 'MEDIUMBLOB',
  LongBlob: 'LONGBLOB',
  TinyText: 'TINYTEXT',
  Text: 'TEXT',
  MediumText: 'MEDIUMTEXT',
  LongText: 'LONGTEXT',
  Date: 'DATE',
  Year: 'YEAR',
  Json: 'JSON',
};

const NATIVE_WITH_SIZE: Record<string, string> = {
  VarChar: 'VARCHAR',
  Char: 'CHAR',
  Binary: 'BINARY',
  VarBinary: 'VARBINARY',
  Bit: 'BIT',
};

const DEFAULT_TYPES: Record<string, string> = {
  String: 'VARCHAR(191)',
  Int: 'INTEGER',
  BigInt: 'BIGINT',
  Float: 'DOUBLE',
  Decimal: 'DECIMAL(65, 30)',
  Boolean: 'BOOLEAN',
  DateTime: 'DATETIME(3)',
  Json: 'JSON',
  Bytes: 'LONGBLOB',
};

interface RenderContext {
  datasourceName: string;
  enums: Map<string, string[]>;
}

function args(attr: { args?: { value: unknown }[] }): string[] {
  return (attr.args ?? []).map((a) => String(a.value));
}

/** Column type as Prisma renders it for MySQL; also the DATETIME precision for now() defaults. */
function columnType(column: SqlColumn, ctx: RenderContext): { type: string; precision: number | null } {
  const field = column.field;
  const enumValues = ctx.enums.get(field.type);
  if (enumValues) {
    return {
      type: `ENUM(${enumValues.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')})`,
      precision: null,
    };
  }
  const native = nativeTypeAttribute(field, ctx.datasourceName);
  if (native) {
    const a = args(native);
    if (NATIVE_NO_ARGS[native.name]) return { type: NATIVE_NO_ARGS[native.name], precision: null };
    if (NATIVE_WITH_SIZE[native.name])
      return { type: `${NATIVE_WITH_SIZE[native.name]}(${a[0]})`, precision: null };
    if (native.name === 'TinyInt' || native.name === 'UnsignedTinyInt') {
      if (field.type === 'Boolean') return { type: 'BOOLEAN', precision: null };
      return { type: native.name === 'TinyInt' ? 'TINYINT' : 'TINYINT UNSIGNED', precision: null };
    }
    if (native.name === 'Decimal')
      return { type: a.length === 2 ? `DECIMAL(${a[0]}, ${a[1]})` : 'DECIMAL', precision: null };
    if (native.name === 'DateTime' || native.name === 'Timestamp' || native.name === 'Time') {
      const p = a.length > 0 ? Number(a[0]) : null;
      const base =
        native.name === 'DateTime' ? 'DATETIME' : native.name === 'Timestamp' ? 'TIMESTAMP' : 'TIME';
      return { type: p === null ? base : `${base}(${p})`, precision: p };
    }
    throw unsupported(`the native type @${ctx.datasourceName}.${native.name}`);
  }
  const type = DEFAULT_TYPES[field.type];
  if (!type) throw unsupported(`a column of type ${field.type}`);
  return { type, precision: field.type === 'DateTime' ? 3 : null };
}

function renderDefault(
  column: SqlColumn,
  precision: number | null,
): { sql: string | null; autoIncrement: boolean } {
  const attr = fieldAttribute(column.field, 'default');
  if (!attr) return { sql: null, autoIncrement: false };
  const value = positionalArg(attr) as Value | undefined;
  if (value && typeof value === 'object' && !Array.isArray(value) && (value as Func).type === 'function') {
    const fn = value as Func;
    switch (fn.name) {
      case 'autoincrement':
        return { sql: null, autoIncrement: true };
      case 'now':
        return { sql: `CURRENT_TIMESTAMP(${precision ?? 3})`, autoIncrement: false };
      case 'uuid':
      case 'cuid':
      case 'nanoid':
      case 'ulid':
        return { sql: null, autoIncrement: false };
      case 'dbgenerated': {
        const inner = unquote(fn.params?.[0] as Value | undefined);
        return { sql: inner || null, autoIncrement: false };
      }
      default:
        throw unsupported(`the default ${fn.name}()`);
    }
  }
  if (typeof value === 'string' && value.startsWith('"')) {
    return { sql: `'${(unquote(value) ?? '').replace(/'/g, "''")}'`, autoIncrement: false };
  }
  if (typeof value === 'boolean' || value === 'true' || value === 'false')
    return { sql: String(value), autoIncrement: false };
  if (typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))) {
    return { sql: String(value), autoIncrement: false };
  }
  if (typeof value === 'string' && column.field.type && value.length > 0) {
    // An enum value: MySQL enums are strings.
    return { sql: `'${value.replace(/'/g, "''")}'`, autoIncrement: false };
  }
  throw unsupported(`the default value ${String(value)}`);
}

function renderColumn(column: SqlColumn, ctx: RenderContext): string {
  const { type, precision } = columnType(column, ctx);
  const def = renderDefault(column, precision);
  let out = `${q(column.name)} ${type}${column.required ? ' NOT NULL' : ' NULL'}`;
  if (def.autoIncrement) out += ' AUTO_INCREMENT';
  if (def.sql !== null) out += ` DEFAULT ${def.sql}`;
  return out;
}

function renderIndexClause(index: SqlIndex): string {
  const kind = index.kind === 'unique' ? 'UNIQUE ' : index.kind === 'fulltext' ? 'FULLTEXT ' : '';
  return `${kind}INDEX ${q(index.name)}(${index.columns.map(q).join(', ')})`;
}

function renderCreateTable(table: SqlTable, ctx: RenderContext): string {
  let out = `CREATE TABLE ${q(table.name)} (\n`;
  out += table.columns.map((c) => INDENT + renderColumn(c, ctx)).join(',\n');
  if (table.indexes.length > 0 || table.primaryKey.length > 0) out += ',\n\n';
  out += table.indexes.map((i) => INDENT + renderIndexClause(i)).join(',\n');
  if (table.primaryKey.length > 0) {
    if (table.indexes.length > 0) out += ',\n';
    out += `${INDENT}PRIMARY KEY (${table.primaryKey.map(q).join(', ')})`;
  }
  out += '\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci';
  return out;
}

function renderCreateIndex(table: SqlTable, index: SqlIndex): string {
  const kind = index.kind === 'unique' ? 'UNIQUE ' : index.kind === 'fulltext' ? 'FULLTEXT ' : '';
  return `CREATE ${kind}INDEX ${q(index.name)} ON ${q(table.name)}(${index.columns.map(q).join(', ')})`;
}

function renderAddForeignKey(table: SqlTable, fk: SqlForeignKey): string {
  return (
    `ALTER TABLE ${q(table.name)} ADD CONSTRAINT ${q(fk.name)} FOREIGN KEY (${fk.columns.map(q).join(', ')}) ` +
    `REFERENCES ${q(fk.referencedTable)}(${fk.referencedColumns.map(q).join(', ')}) ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`
  );
}

export interface MysqlMigration {
  /** The script, or "" when there is nothing to do. */
  sql: string;
  diff: TableDiff;
}

/** The table-level difference pow's MySQL path works from. */
export function mysqlTableDiff(
  before: SchemaTexts,
  after: SchemaTexts,
): { diff: TableDiff; ctx: RenderContext } {
  const prev = parseSchemaFiles(before);
  const next = parseSchemaFiles(after);
  const diff = diffTables(calculateTables(prev, 'mysql'), calculateTables(next, 'mysql'));
  return { diff, ctx: { datasourceName: next.datasource?.name ?? 'db', enums: next.enums } };
}

/**
 * Renders the MySQL migration from `before` to `after` in Prisma's format (without the warnings
 * header, which the migration writer adds for every provider). Only additions are supported.
 */
export function renderMysqlMigration(before: SchemaTexts, after: SchemaTexts): MysqlMigration {
  const { diff, ctx } = mysqlTableDiff(before, after);
  if (isEmptyDiff(diff)) return { sql: '', diff };
  const drops = droppedObjects(diff);
  if (drops.length > 0) throw unsupported(`dropping ${drops.join(', ')}`);
  for (const altered of diff.alteredTables) {
    if (altered.changedColumns.length > 0) {
      throw unsupported(
        `changing ${altered.changedColumns.map((c) => `${altered.after.name}.${c.after.name}`).join(', ')}`,
      );
    }
  }
  if (diff.droppedIndexes.length > 0)
    throw unsupported(`dropping the index ${diff.droppedIndexes[0].index.name}`);
  if (diff.droppedForeignKeys.length > 0)
    throw unsupported(`dropping the foreign key ${diff.droppedForeignKeys[0].foreignKey.name}`);
  if (diff.primaryKeyChanged.length > 0)
    throw unsupported(`changing the primary key of ${diff.primaryKeyChanged[0].name}`);

  const steps: { kind: string; statements: string[] }[] = [];
  for (const altered of diff.alteredTables) {
    if (altered.addedColumns.length === 0) continue;
    const lines = altered.addedColumns.map((c) => `ADD COLUMN ${renderColumn(c, ctx)}`);
    steps.push({
      kind: 'AlterTable',
      statements: [`ALTER TABLE ${q(altered.before.name)} ${lines.join(`,\n${INDENT}`)}`],
    });
  }
  for (const table of diff.createdTables) {
    steps.push({ kind: 'CreateTable', statements: [renderCreateTable(table, ctx)] });
  }
  for (const { table, index, tableIsNew } of diff.createdIndexes) {
    if (tableIsNew) continue; // inline in CREATE TABLE on MySQL
    steps.push({ kind: 'CreateIndex', statements: [renderCreateIndex(table, index)] });
  }
  for (const { table, foreignKey } of diff.addedForeignKeys) {
    steps.push({ kind: 'AddForeignKey', statements: [renderAddForeignKey(table, foreignKey)] });
  }
  const sql = steps.map((s) => `-- ${s.kind}\n${s.statements.map((st) => `${st};\n`).join('')}`).join('\n');
  return { sql, diff };
}

// ---- applying migrations ------------------------------------------------------------------------

/** Prisma's `_prisma_migrations` table on MySQL (sql-schema-connector, MysqlFlavour). */
export const MYSQL_MIGRATIONS_TABLE_DDL = MIGRATIONS_TABLE_DDL.mysql;
export { migrationChecksum };

/** UTC timestamp with milliseconds, as MySQL DATETIME(3) text. */
function utcDatetime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

interface MariadbConnection {
  query(sql: string | { sql: string; [k: string]: unknown }, values?: unknown[]): Promise<unknown>;
  end(): Promise<void>;
}

const connectionParts = mysqlConnectionParts;

async function mariadbDriver(): Promise<{
  createConnection(opts: Record<string, unknown>): Promise<MariadbConnection>;
}> {
  try {
    const mod = (await import('mariadb')) as unknown as { default?: unknown; createConnection?: unknown };
    return (mod.createConnection ? mod : mod.default) as never;
  } catch (error) {
    throw new PowError({
      code: 'POW_PRISMA_ADAPTER_MISSING',
      message: 'pow needs the mariadb driver to run MySQL/MariaDB migrations.',
      fix: 'npm install mariadb @prisma/adapter-mariadb',
      cause: error,
    });
  }
}

async function connect(url: string, multipleStatements = false): Promise<MariadbConnection> {
  const driver = await mariadbDriver();
  const parts = connectionParts(url);
  const options = {
    host: parts.host,
    port: parts.port,
    user: parts.user,
    password: parts.password,
    database: parts.database,
    multipleStatements,
    // Dates are written as UTC text; keep the session in UTC like Prisma's connector.
    timezone: '+00:00',
    dateStrings: true,
  };
  try {
    return await driver.createConnection(options);
  } catch (error) {
    if ((error as { errno?: number }).errno === 1049) {
      // Unknown database: create it like `prisma migrate deploy` does.
      const admin = await driver.createConnection({ ...options, database: undefined });
      try {
        await admin.query(
          `CREATE DATABASE \`${parts.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`,
        );
      } finally {
        await admin.end();
      }
      return driver.createConnection(options);
    }
    throw new PowError({
      code: 'POW_DATABASE_UNREACHABLE',
      message: `Cannot connect to ${redactUrl(url)}: ${(error as Error).message}`,
      fix: 'Start the database server, or fix the URL in DATABASE_URL (or prisma.config.ts).',
      cause: error,
    });
  }
}

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: string | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: string | null;
  started_at: string;
  applied_steps_count: number;
}

/**
 * `prisma migrate deploy` for MySQL/MariaDB, without Prisma's engine. Returns the names applied.
 * `now` is injectable for tests; Prisma uses the clock.
 */
export async function applyMysqlMigrations(
  url: string,
  migrationsDir: string,
  options: { now?: () => Date; listing?: MigrationsDirListing } = {},
): Promise<string[]> {
  const now = options.now ?? (() => new Date());
  const listing = options.listing ?? (await readMigrationsDir(migrationsDir));
  if (listing.lockfile !== null) {
    const locked = providerInLock(listing.lockfile) ?? '<PROVIDER NOT FOUND>';
    if (locked !== 'mysql') {
      throw new PowError({
        code: 'POW_MIGRATION_PROVIDER_MISMATCH',
        message: `The migrations in ${migrationsDir} were created for ${locked}, but the datasource is mysql (Prisma error P3019).`,
        fix: 'Start a new migration history for MySQL (move the old prisma/migrations away), or point pow at the matching database.',
      });
    }
  }
  const conn = await connect(url, true);
  const database = connectionParts(url).database;
  try {
    await conn.query("SELECT GET_LOCK('prisma_migrate', 10)");
    const tables = (await conn.query(
      `SELECT DISTINCT BINARY table_info.table_name AS table_name
       FROM information_schema.tables AS table_info
       JOIN information_schema.columns AS column_info
         ON BINARY column_info.table_name = BINARY table_info.table_name
       WHERE table_info.table_schema = ? AND column_info.table_schema = ? AND table_info.table_type = 'BASE TABLE'
       ORDER BY BINARY table_info.table_name`,
      [database, database],
    )) as { table_name: string | Buffer }[];
    const names = tables.map((t) =>
      Buffer.isBuffer(t.table_name) ? t.table_name.toString('utf8') : String(t.table_name),
    );
    if (!names.includes('_prisma_migrations')) {
      if (names.length > 0) {
        throw new PowError({
          code: 'POW_DATABASE_NOT_EMPTY',
          message: `The database ${database} has tables but no migration history (Prisma error P3005).`,
          fix: 'Baseline it first: https://pris.ly/d/migrate-baseline (`npx prisma migrate resolve --applied <migration>`).',
          exitCode: 3,
        });
      }
      await conn.query(MYSQL_MIGRATIONS_TABLE_DDL);
    }
    const rows = (await conn.query(
      'SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count FROM `_prisma_migrations` ORDER BY `started_at` ASC',
    )) as MigrationRow[];
    const failed = rows.filter((r) => r.finished_at === null && r.rolled_back_at === null);
    if (failed.length > 0) {
      throw new PowError({
        code: 'POW_MIGRATION_FAILED_BEFORE',
        message: `Found failed migrations in the target database (Prisma error P3009): ${failed
          .map((f) => `\`${f.migration_name}\` started at ${f.started_at}`)
          .join(', ')}.`,
        fix: 'Fix the database by hand, then mark it: `npx prisma migrate resolve --rolled-back <name>` (or --applied).',
        exitCode: 3,
      });
    }
    const applied = new Set(rows.filter((r) => r.rolled_back_at === null).map((r) => r.migration_name));
    const done: string[] = [];
    for (const migration of listing.migrations) {
      if (applied.has(migration.name)) continue;
      if (migration.script === null) {
        throw new PowError({
          code: 'POW_MIGRATE_FAILED',
          message: `Failed to read migration script at ${migration.name}/migration.sql: ${migration.error ?? ''}`,
          fix: 'Restore the migration file, then run pow migrate again.',
        });
      }
      const id = randomUUID();
      await conn.query(
        'INSERT INTO `_prisma_migrations` (`id`, `checksum`, `started_at`, `migration_name`) VALUES (?, ?, ?, ?)',
        [id, migrationChecksum(migration.script), utcDatetime(now()), migration.name],
      );
      try {
        if (migration.script.trim() !== '') await conn.query(migration.script);
      } catch (error) {
        const logs = (error as Error).message;
        await conn.query('UPDATE `_prisma_migrations` SET `logs` = ? WHERE `id` = ?', [logs, id]);
        throw new PowError({
          code: 'POW_MIGRATE_FAILED',
          message: `Migration \`${migration.name}\` failed to apply (Prisma error P3018): ${logs}`,
          fix: `Fix the database or the migration, then \`npx prisma migrate resolve --rolled-back ${migration.name}\` and run pow migrate again.`,
          cause: error,
        });
      }
      await conn.query(
        'UPDATE `_prisma_migrations` SET `applied_steps_count` = `applied_steps_count` + ? WHERE `id` = ?',
        [1, id],
      );
      await conn.query('UPDATE `_prisma_migrations` SET `finished_at` = ? WHERE `id` = ?', [
        utcDatetime(now()),
        id,
      ]);
      done.push(migration.name);
    }
    return done;
  } finally {
    await conn.query("SELECT RELEASE_LOCK('prisma_migrate')").catch(() => undefined);
    await conn.end();
  }
}

/**
 * `prisma migrate resolve --applied <name>` on MySQL/MariaDB: records a migration of the folder as
 * applied without running it (baselining a database set up with `prisma db push`). Creates
 * `_prisma_migrations` as Prisma does; the row is the one Prisma's engine writes (checksum of
 * migration.sql, started and finished now, no steps counted).
 */
export async function markMysqlMigrationApplied(
  url: string,
  migrationsDir: string,
  name: string,
  options: { now?: () => Date } = {},
): Promise<void> {
  const now = options.now ?? (() => new Date());
  const migration = (await readMigrationsDir(migrationsDir)).migrations.find((m) => m.name === name);
  if (!migration || migration.script === null) {
    throw new PowError({
      code: 'POW_MIGRATE_FAILED',
      message: `Failed to read migration script at ${name}/migration.sql: ${migration?.error ?? 'no such migration'}`,
      fix: 'Restore the migration file, then run pow migrate again.',
    });
  }
  const conn = await connect(url);
  try {
    const [present] = (await conn.query(
      "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '_prisma_migrations'",
    )) as { n: number | bigint }[];
    if (!present || Number(present.n) === 0) await conn.query(MYSQL_MIGRATIONS_TABLE_DDL);
    const at = utcDatetime(now());
    await conn.query(
      'INSERT INTO `_prisma_migrations` (`id`, `checksum`, `started_at`, `finished_at`, `migration_name`, `applied_steps_count`) VALUES (?, ?, ?, ?, ?, 0)',
      [randomUUID(), migrationChecksum(migration.script), at, at, name],
    );
  } finally {
    await conn.end();
  }
}

/**
 * The tables of a MySQL/MariaDB database and their columns (information_schema), without
 * `_prisma_migrations`: what `prisma db push` left, or what a replayed history built. Empty for a
 * database that does not exist.
 */
export async function mysqlTables(url: string): Promise<Map<string, Set<string>>> {
  const conn = await connect(url);
  try {
    const rows = (await conn.query(
      `SELECT BINARY table_name AS t, BINARY column_name AS c FROM information_schema.columns
       WHERE table_schema = DATABASE() AND table_name <> '_prisma_migrations'`,
    )) as { t: string | Buffer; c: string | Buffer }[];
    const out = new Map<string, Set<string>>();
    for (const row of rows) {
      const table = String(row.t);
      if (!out.has(table)) out.set(table, new Set());
      out.get(table)!.add(String(row.c));
    }
    return out;
  } finally {
    await conn.end();
  }
}

/**
 * Differences between a database's tables and what a schema describes, one line per model or
 * field in the words of the history check ("Post (model added)", "User.nickname (field added)").
 * Tables and columns only: the MySQL path renders additions only, so a history that has every
 * table and column of the schema has its indexes and foreign keys too.
 */
export function mysqlTableDifferences(
  held: Map<string, Set<string>>,
  schema: SchemaTexts,
  options: { joinTables?: 'report' | 'ignore' } = {},
): string[] {
  const parsed = parseSchemaFiles(schema);
  const tables = calculateTables(parsed, 'mysql');
  const models = new Set(parsed.models.map((m) => m.name));
  // Prisma's implicit many-to-many tables (`_PostToTag`) are part of pow's view of the schema
  // (implicit-relation-tables.ts); one the database holds that the schema no longer describes is
  // named as such, or passed over where the caller asks (`joinTables: 'ignore'`).
  const joinTable = (name: string) => {
    const m = /^_([A-Za-z0-9]+)To([A-Za-z0-9]+)$/.exec(name);
    return m !== null && models.has(m[1]) && models.has(m[2]);
  };
  const out: string[] = [];
  const wanted = new Set<string>();
  for (const table of tables) {
    wanted.add(table.name);
    const columns = held.get(table.name);
    if (!columns) {
      out.push(`${table.model.name} (model added)`);
      continue;
    }
    for (const column of table.columns) {
      if (!columns.has(column.name)) out.push(`${table.model.name}.${column.field.name} (field added)`);
    }
    const described = new Set(table.columns.map((c) => c.name));
    for (const column of columns) {
      if (!described.has(column)) out.push(`${table.model.name}.${column} (field removed)`);
    }
  }
  for (const table of held.keys()) {
    if (wanted.has(table)) continue;
    if (!joinTable(table)) out.push(`${table} (model removed)`);
    else if (options.joinTables !== 'ignore')
      out.push(`${table} (implicit many-to-many table the schema no longer has)`);
  }
  return out;
}

/**
 * Applies a migrations listing to a scratch database on the server of `url` (created and dropped
 * here, as Prisma's shadow database) and returns the tables it built: the MySQL replay of a history.
 */
export async function replayMysqlHistory(
  url: string,
  listing: MigrationsDirListing,
): Promise<Map<string, Set<string>>> {
  const parsed = new URL(url);
  const scratch = `pow_shadow_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  parsed.pathname = `/${scratch}`;
  const scratchUrl = parsed.toString();
  try {
    await applyMysqlMigrations(scratchUrl, '(replay)', { listing });
    return await mysqlTables(scratchUrl);
  } finally {
    const conn = await connect(scratchUrl).catch(() => null);
    if (conn) {
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${scratch}\``);
      } finally {
        await conn.end();
      }
    }
  }
}
