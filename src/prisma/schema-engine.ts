/**
 * Prisma's schema engine, run in-process as WebAssembly (@prisma/schema-engine-wasm) with a driver
 * adapter, because the native engine binary cannot be downloaded on every machine pow runs on
 * (see /work/shared/notes/prisma-offline.md). Loaded lazily: only commands that diff or migrate pay
 * for the 5 MB module.
 *
 * What this file measured and relies on (Node 20.20, schema-engine-wasm 7.10.0-7):
 * - Node 20 cannot import the package entry (it imports a .wasm file as an ES module), so the JS
 *   glue is imported and the .wasm compiled by hand (`__wbg_set_wasm`, `__wbindgen_start`).
 * - `SchemaEngine.new` connects through the adapter factory at once; `free()` does NOT dispose the
 *   adapters it opened (a pg pool then keeps the process alive for 10 s), so every adapter the
 *   factory hands out is tracked and disposed here.
 * - A schema → schema diff needs no database: the SQLite flavour queries nothing, the PostgreSQL
 *   flavour only a version probe at `new`, which an offline adapter answers (any other query fails
 *   loudly). So `pow install` needs neither a database nor a driver package to write a migration.
 *   `diffSchemas(..., { url })` runs the same diff connected (PostgreSQL: in a throw-away
 *   `pow_shadow_<random>` database); tests keep both in agreement.
 * - @prisma/adapter-pg cannot decode PostgreSQL's internal `"char"` type (OID 18), which the
 *   engine's introspection queries return (pg_class.relkind ...): "Column type 'char' could not be
 *   deserialized". pow's pg client reports those columns as text, which they are.
 * - MySQL/MariaDB: the WebAssembly engine panics ("Unsupported adapter provider: Mysql"); pow
 *   renders MySQL DDL itself (mysql-ddl.ts).
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
} from '@prisma/driver-adapter-utils';
import { PowError } from '../shared/pow-error.js';
import { withoutDatasourceUrls, type SchemaTexts } from './schema-ast.js';
import { readMigrationsDir, type MigrationsDirListing } from './migrations-dir.js';
import { redactUrl, sqliteFilePath } from './database-url.js';

export { redactUrl, sqliteFilePath };

export type EngineProvider = 'sqlite' | 'postgresql';

/** The subset of the wasm-bindgen glue pow uses. */
interface EngineInstance {
  diff(params: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  introspect(params: unknown): Promise<{ schema: { files: { path: string; content: string }[] } }>;
  markMigrationApplied(input: unknown): Promise<unknown>;
  version(params?: unknown): Promise<string>;
  free(): void;
}
interface EngineGlue {
  version(): string;
  SchemaEngine: {
    new: (options: unknown, log: (line: string) => void, adapter: object) => Promise<EngineInstance>;
  };
}

const NO_FILTER = { externalTables: [] as string[], externalEnums: [] as string[] };

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, unknown>) => { exports: Record<string, unknown> };
}

interface PanicRegistry {
  message?: string;
  set_message(message: string): void;
}

let gluePromise: Promise<EngineGlue> | null = null;

/** Loads and instantiates the WebAssembly schema engine once per process. */
export function loadSchemaEngine(): Promise<EngineGlue> {
  gluePromise ??= (async () => {
    const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
    if (!g.PRISMA_WASM_PANIC_REGISTRY) {
      g.PRISMA_WASM_PANIC_REGISTRY = {
        message: undefined,
        set_message(message: string) {
          this.message = message;
        },
      };
    }
    const require = createRequire(import.meta.url);
    let gluePath: string;
    try {
      gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    } catch (error) {
      throw new PowError({
        code: 'POW_SCHEMA_ENGINE_MISSING',
        message: 'The Prisma schema engine (@prisma/schema-engine-wasm) is not installed.',
        fix: 'Reinstall pow (`npm install pow`); it depends on @prisma/schema-engine-wasm.',
        cause: error,
      });
    }
    const glue = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as EngineGlue & {
      __wbg_set_wasm(exports: unknown): void;
    };
    // lib "ES2023" without DOM has no WebAssembly typings; Node has the global.
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    // POW_SCHEMA_ENGINE_WASM: another build of the same engine (same wasm-bindgen glue), e.g. the
    // schema_engine_bg.wasm bundled in the `prisma` CLI package, to compare their output.
    const wasmPath = process.env.POW_SCHEMA_ENGINE_WASM || gluePath.replace(/\.js$/, '.wasm');
    const wasmModule = new wasm.Module(readFileSync(wasmPath));
    const instance = new wasm.Instance(wasmModule, { './schema_engine_bg.js': glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  gluePromise.catch(() => {
    gluePromise = null;
  });
  return gluePromise;
}

/** Version (git hash) of the loaded engine. */
export async function schemaEngineVersion(): Promise<string> {
  return (await loadSchemaEngine()).version();
}

// ---- driver adapters ----------------------------------------------------------------------------

type Factory = SqlMigrationAwareDriverAdapterFactory;

async function importAdapter<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new PowError({
        code: 'POW_PRISMA_ADAPTER_MISSING',
        message: `pow needs ${name} to reach the database.`,
        fix: `npm install ${name}`,
        cause: error,
      });
    }
    throw error;
  }
}

async function sqliteFactory(file: string): Promise<Factory> {
  const { PrismaBetterSqlite3 } = await importAdapter(
    '@prisma/adapter-better-sqlite3 better-sqlite3',
    () => import('@prisma/adapter-better-sqlite3'),
  );
  return new PrismaBetterSqlite3({ url: file === ':memory:' ? ':memory:' : `file:${file}` });
}

interface PgResultLike {
  fields?: { dataTypeID: number }[];
}

/** PostgreSQL's internal "char" type (OID 18), which @prisma/adapter-pg cannot decode. */
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

function retypeCharColumns<T>(result: T): T {
  for (const r of Array.isArray(result) ? (result as PgResultLike[]) : [result as PgResultLike]) {
    for (const field of r?.fields ?? []) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
  }
  return result;
}

async function pgModule() {
  return (await importAdapter('pg', () => import('pg'))).default;
}

let pgClientClass: unknown = null;

/** A pg Client that reports `"char"` columns as text (see the file comment). */
async function powPgClient(): Promise<unknown> {
  if (pgClientClass) return pgClientClass;
  const pg = await pgModule();
  class PowPgClient extends pg.Client {
    // pg's query() has many overloads; this forwards them all and retypes the result.
    query(...args: unknown[]): never {
      const last = args[args.length - 1];
      if (typeof last === 'function') {
        args[args.length - 1] = (err: unknown, res: unknown) =>
          (last as (e: unknown, r: unknown) => void)(err, err ? res : retypeCharColumns(res));
        return (super.query as (...a: unknown[]) => never)(...args);
      }
      const config = args[0] as { callback?: unknown } | undefined;
      if (config && typeof config === 'object' && typeof config.callback === 'function') {
        const cb = config.callback as (e: unknown, r: unknown) => void;
        config.callback = (err: unknown, res: unknown) => cb(err, err ? res : retypeCharColumns(res));
        return (super.query as (...a: unknown[]) => never)(...args);
      }
      const out = (super.query as (...a: unknown[]) => unknown)(...args);
      if (out && typeof (out as Promise<unknown>).then === 'function') {
        return (out as Promise<unknown>).then(retypeCharColumns) as never;
      }
      return out as never;
    }
  }
  pgClientClass = PowPgClient;
  return PowPgClient;
}

async function pgFactory(url: string): Promise<Factory> {
  const { PrismaPg } = await importAdapter('@prisma/adapter-pg pg', () => import('@prisma/adapter-pg'));
  const Client = await powPgClient();
  return new PrismaPg({ connectionString: url, Client } as never) as unknown as Factory;
}

/**
 * An adapter for schema → schema diffs without a database. The PostgreSQL flavour asks one thing at
 * connect time (does the schema exist, server version); everything else is refused loudly.
 */
function offlineFactory(provider: EngineProvider): Factory {
  const adapterProvider = provider === 'postgresql' ? 'postgres' : 'sqlite';
  const refuse = (what: string): never => {
    throw new Error(
      `pow's offline schema engine adapter received an unexpected ${what}; pass a database URL to diff against a real server.`,
    );
  };
  const adapter: SqlDriverAdapter = {
    provider: adapterProvider,
    adapterName: 'pow-offline',
    async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
      if (
        provider === 'postgresql' &&
        query.sql.includes('pg_namespace') &&
        query.sql.includes('version()')
      ) {
        // exists (Boolean), version() (Text), numeric_version (Int32)
        return {
          columnNames: ['exists', 'version', 'numeric_version'],
          columnTypes: [5, 7, 0],
          rows: [[true, 'PostgreSQL 16.4 (pow offline diff)', 160004]],
        };
      }
      return refuse(`query: ${query.sql.slice(0, 120)}`);
    },
    async executeRaw(query: SqlQuery): Promise<number> {
      return refuse(`statement: ${query.sql.slice(0, 120)}`);
    },
    async executeScript(): Promise<void> {
      return refuse('script');
    },
    async startTransaction(): Promise<never> {
      return refuse('transaction');
    },
    async dispose(): Promise<void> {},
  };
  return {
    provider: adapterProvider,
    adapterName: 'pow-offline',
    async connect() {
      return adapter;
    },
    async connectToShadowDb() {
      return adapter;
    },
  };
}

// ---- running the engine -------------------------------------------------------------------------

interface EngineRun {
  engine: EngineInstance;
  logs: string[];
}

/**
 * Runs `fn` with an engine connected through `factory`, then frees the engine and disposes every
 * adapter it opened. Engine errors become PowError `code`.
 */
async function withEngine<T>(
  factory: Factory,
  datamodels: SchemaTexts | null,
  code: string,
  fn: (run: EngineRun) => Promise<T>,
): Promise<T> {
  const glue = await loadSchemaEngine();
  const { bindMigrationAwareSqlAdapterFactory } = await import('@prisma/driver-adapter-utils');
  const opened: SqlDriverAdapter[] = [];
  const tracking: Factory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect() {
      const adapter = await factory.connect();
      opened.push(adapter);
      return adapter;
    },
    async connectToShadowDb() {
      const adapter = await factory.connectToShadowDb();
      opened.push(adapter);
      return adapter;
    },
  };
  const logs: string[] = [];
  const registry = (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry }).PRISMA_WASM_PANIC_REGISTRY;
  if (registry) registry.message = undefined;
  let engine: EngineInstance | null = null;
  try {
    const models = datamodels
      ? toFiles(datamodels).map((f) => [f.path, f.content] as [string, string])
      : undefined;
    engine = await glue.SchemaEngine.new(
      { datamodels: models },
      (line: string) => logs.push(line),
      bindMigrationAwareSqlAdapterFactory(tracking),
    );
    return await fn({ engine, logs });
  } catch (error) {
    if (error instanceof PowError) throw error;
    const panic = registry?.message;
    if (panic) gluePromise = null; // a panicked instance must not be reused
    const message = panic ? `Schema engine panic: ${panic}` : ((error as Error)?.message ?? String(error));
    throw new PowError({
      code,
      message: firstLines(message),
      fix: engineFix(code),
      cause: error,
    });
  } finally {
    try {
      engine?.free();
    } catch {
      // already freed after a panic
    }
    await Promise.allSettled(opened.map((a) => a.dispose()));
  }
}

function firstLines(message: string): string {
  // Engine errors carry a span trace after the first lines ("   0: sql_schema_connector::...").
  const lines = message.split('\n');
  const cut = lines.findIndex((l) => /^\s+\d+: /.test(l));
  return (cut > 0 ? lines.slice(0, cut) : lines).join('\n').trim();
}

function engineFix(code: string): string {
  switch (code) {
    case 'POW_MIGRATE_FAILED':
      return 'Fix the reported problem (database reachable? a migration failed?), then run `pow migrate` again; `npx prisma migrate status` shows the migration history.';
    case 'POW_MIGRATION_HISTORY_BROKEN':
      return 'A migration in the history fails on an empty database (edited by hand? a duplicate?): fix or remove it so `prisma migrate reset` would succeed, then run pow again.';
    case 'POW_DRIFT_CHECK_FAILED':
      return 'Check that the database URL is reachable and the schema validates (`npx prisma validate`).';
    default:
      return 'Run `npx prisma validate` to check the schema, then run pow again.';
  }
}

function toFiles(texts: SchemaTexts) {
  const clean = withoutDatasourceUrls(texts);
  return Object.keys(clean)
    .sort()
    .map((path) => ({ path, content: clean[path] }));
}

/** Which engine provider a connection string belongs to. */
export function providerOfUrl(url: string): EngineProvider | 'mysql' {
  if (url.startsWith('file:')) return 'sqlite';
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return 'postgresql';
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) return 'mysql';
  throw new PowError({
    code: 'POW_DATABASE_URL_INVALID',
    message: `pow cannot tell the database from the URL "${redactUrl(url)}" (expected file:, postgresql:// or mysql://).`,
    fix: 'Set DATABASE_URL (or the variable named in prisma.config.ts) to a valid connection string.',
  });
}

function assertEngineProvider(provider: string): asserts provider is EngineProvider {
  if (provider !== 'sqlite' && provider !== 'postgresql') {
    throw new PowError({
      code: 'POW_SCHEMA_ENGINE_UNSUPPORTED_PROVIDER',
      message: `The WebAssembly schema engine does not support the "${provider}" provider here.`,
      fix:
        provider === 'mysql'
          ? 'pow renders MySQL migrations itself (mysql-ddl.ts); use that path for MySQL/MariaDB.'
          : 'Use SQLite or PostgreSQL, or run `npx prisma migrate dev` on a machine with the native engine.',
    });
  }
}

// ---- public API ---------------------------------------------------------------------------------

export interface DiffOptions {
  /**
   * Run the diff connected to a database instead of offline: PostgreSQL — a server, where a
   * throw-away `pow_shadow_<random>` database is created and dropped; SQLite — a database file or
   * `file::memory:`. Without it the diff runs offline and needs no database nor driver.
   */
  url?: string;
}

/**
 * The SQL `prisma migrate diff --from-schema-datamodel <from> --to-schema-datamodel <to> --script`
 * prints (`from: 'empty'` = `--from-empty`, which on PostgreSQL starts with
 * `CREATE SCHEMA IF NOT EXISTS "public"`). An empty diff is "-- This is an empty migration.\n".
 */
export async function diffSchemas(
  provider: string,
  from: SchemaTexts | 'empty',
  to: SchemaTexts,
  options: DiffOptions = {},
): Promise<string> {
  assertEngineProvider(provider);
  const run = async (factory: Factory) =>
    withEngine(factory, to, 'POW_SCHEMA_DIFF_FAILED', async ({ engine }) => {
      const result = await engine.diff({
        from: from === 'empty' ? { tag: 'empty' } : { tag: 'schemaDatamodel', files: toFiles(from) },
        to: { tag: 'schemaDatamodel', files: toFiles(to) },
        script: true,
        exitCode: null,
        filters: NO_FILTER,
      });
      return result.stdout ?? '';
    });

  if (!options.url) return run(offlineFactory(provider));
  if (provider === 'sqlite') return run(await sqliteFactory(sqliteFilePath(options.url, process.cwd())));
  return withShadowDatabase(options.url, async (shadowUrl) => run(await pgFactory(shadowUrl)));
}

/** Creates `pow_shadow_<random>` on the server of `url`, runs `fn` with its URL, drops it. */
export async function withShadowDatabase<T>(url: string, fn: (shadowUrl: string) => Promise<T>): Promise<T> {
  const pg = await pgModule();
  const name = `pow_shadow_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
    try {
      const shadow = new URL(url);
      shadow.pathname = `/${name}`;
      return await fn(shadow.toString());
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
    }
  } finally {
    await admin.end();
  }
}

export interface ApplyOptions {
  /** Base directory for relative SQLite paths (`file:./dev.db`). Default: process.cwd(). */
  baseDir?: string;
  /** Schema files, so the engine knows the datasource's namespaces (multiSchema). Optional. */
  schema?: SchemaTexts;
}

/**
 * `prisma migrate deploy`: applies the migrations in `migrationsDir` that the database has not
 * recorded, writing `_prisma_migrations` exactly as Prisma does (the engine does the writing).
 * Creates the database when it does not exist, as deploy does. Returns the names applied.
 */
/** The engine's MigrationList for a migrations folder (what the Prisma CLI hands it). */
async function migrationsListOf(migrationsDir: string, listing?: MigrationsDirListing) {
  const list = listing ?? (await readMigrationsDir(migrationsDir));
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: list.lockfile },
    shadowDbInitScript: '',
    migrationDirectories: list.migrations.map((m) => ({
      path: m.name,
      migrationFile: {
        path: 'migration.sql',
        content:
          m.script === null
            ? { tag: 'error', value: m.error ?? 'unreadable' }
            : { tag: 'ok', value: m.script },
      },
    })),
  };
}

export async function applyMigrations(
  provider: string,
  url: string,
  migrationsDir: string,
  options: ApplyOptions = {},
): Promise<string[]> {
  assertEngineProvider(provider);
  const migrationsList = await migrationsListOf(migrationsDir);
  let factory: Factory;
  if (provider === 'sqlite') {
    const file = sqliteFilePath(url, options.baseDir ?? process.cwd());
    if (file !== ':memory:') await mkdir(dirname(file), { recursive: true });
    factory = await sqliteFactory(file);
  } else {
    await ensurePostgresDatabase(url);
    factory = await pgFactory(url);
  }
  return withEngine(factory, options.schema ?? null, 'POW_MIGRATE_FAILED', async ({ engine }) => {
    const out = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    return out.appliedMigrationNames;
  });
}

/** Creates the PostgreSQL database named in `url` when it does not exist (like migrate deploy). */
export async function ensurePostgresDatabase(url: string): Promise<boolean> {
  const pg = await pgModule();
  const probe = new pg.Client({ connectionString: url });
  try {
    await probe.connect();
    return false;
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') {
      throw new PowError({
        code: 'POW_DATABASE_UNREACHABLE',
        message: `Cannot connect to ${redactUrl(url)}: ${(error as Error).message}`,
        fix: 'Start the database server, or fix the URL in DATABASE_URL (or prisma.config.ts).',
        cause: error,
      });
    }
  } finally {
    await probe.end().catch(() => undefined);
  }
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  target.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: target.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  return true;
}

export interface DriftOptions {
  /** Base directory for relative SQLite paths. Default: process.cwd(). */
  baseDir?: string;
}

/**
 * Drift check: the SQL that would bring the live database at `url` to `schema`
 * (`prisma migrate diff --from-config-datasource --to-schema ... --script`). Empty string when the
 * database matches the schema.
 */
export async function diffDatabaseToSchema(
  url: string,
  schema: SchemaTexts,
  options: DriftOptions = {},
): Promise<string> {
  const provider = providerOfUrl(url);
  assertEngineProvider(provider);
  const factory =
    provider === 'sqlite'
      ? await sqliteFactory(sqliteFilePath(url, options.baseDir ?? process.cwd()))
      : await pgFactory(url);
  return withEngine(factory, schema, 'POW_DRIFT_CHECK_FAILED', async ({ engine }) => {
    const result = await engine.diff({
      from: { tag: 'schemaDatasource', files: toFiles(schema), configDir: options.baseDir ?? process.cwd() },
      to: { tag: 'schemaDatamodel', files: toFiles(schema) },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    const sql = result.stdout ?? '';
    return isEmptyMigration(sql) ? '' : sql;
  });
}

/** True for Prisma's rendering of a diff without steps. */
export function isEmptyMigration(sql: string): boolean {
  return sql.trim() === '' || sql.trim() === '-- This is an empty migration.';
}

/** What the migration history builds, replayed on a scratch database (history.ts). */
export interface HistoryReplay {
  /** The SQL from the history's schema to `schema` (empty string when they match). */
  sql: string;
  /** The history's schema as Prisma introspects it (models named after their tables). */
  introspected: string;
}

/**
 * Replays the migrations of `migrationsDir` on a scratch database (SQLite: a temp file;
 * PostgreSQL: a throw-away `pow_shadow_<random>` database on the server of `url`), then diffs it
 * against `schema` and introspects it: the first of the three schemas pow compares before writing
 * a migration. A migration that fails on an empty database fails with POW_MIGRATION_HISTORY_BROKEN.
 */
export async function replayHistory(
  provider: string,
  migrationsDir: string,
  schema: SchemaTexts,
  options: { url?: string; baseDir?: string; listing?: MigrationsDirListing } = {},
): Promise<HistoryReplay> {
  assertEngineProvider(provider);
  const migrationsList = await migrationsListOf(migrationsDir, options.listing);
  const datasourceOnly = `datasource db {\n  provider = "${provider}"\n}\n`;
  const run = (factory: Factory) =>
    withEngine(factory, schema, 'POW_MIGRATION_HISTORY_BROKEN', async ({ engine }) => {
      await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
      const configDir = options.baseDir ?? process.cwd();
      const diff = await engine.diff({
        from: { tag: 'schemaDatasource', files: toFiles(schema), configDir },
        to: { tag: 'schemaDatamodel', files: toFiles(schema) },
        script: true,
        exitCode: null,
        filters: NO_FILTER,
      });
      const introspected = await engine.introspect({
        schema: { files: [{ path: 'schema.prisma', content: datasourceOnly }] },
        baseDirectoryPath: configDir,
        force: true,
        compositeTypeDepth: 0,
        namespaces: null,
      });
      const sql = diff.stdout ?? '';
      return {
        sql: isEmptyMigration(sql) ? '' : sql,
        introspected: introspected.schema.files.map((f) => f.content).join('\n'),
      };
    });
  if (provider === 'sqlite') {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(resolve(tmpdir(), 'pow-history-'));
    try {
      return await run(await sqliteFactory(resolve(dir, 'history.db')));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (!options.url) {
    throw new PowError({
      code: 'POW_DATABASE_URL_MISSING',
      message: 'pow needs a PostgreSQL server to replay the migration history on (in a throw-away database).',
      fix: 'Set DATABASE_URL (or the variable prisma.config.ts reads), e.g. in .env.',
    });
  }
  return withShadowDatabase(options.url, async (shadowUrl) => run(await pgFactory(shadowUrl)));
}

/**
 * `prisma migrate resolve --applied <name>`: records a migration as applied without running it
 * (baselining a database whose tables already exist). Creates `_prisma_migrations` as Prisma does.
 */
export async function markMigrationApplied(
  provider: string,
  url: string,
  migrationsDir: string,
  name: string,
  options: ApplyOptions = {},
): Promise<void> {
  assertEngineProvider(provider);
  const migrationsList = await migrationsListOf(migrationsDir);
  const { ensureMigrationsTable } = await import('./migration-records.js');
  await ensureMigrationsTable({ provider, url, baseDir: options.baseDir ?? process.cwd() });
  const factory =
    provider === 'sqlite'
      ? await sqliteFactory(sqliteFilePath(url, options.baseDir ?? process.cwd()))
      : await pgFactory(url);
  await withEngine(factory, options.schema ?? null, 'POW_MIGRATE_FAILED', async ({ engine }) => {
    await engine.markMigrationApplied({ migrationName: name, migrationsList });
  });
}

/**
 * What the live database holds, as a migration from nothing (`prisma migrate diff --from-empty
 * --to-config-datasource --script`): the init migration of a database set up with `prisma db push`.
 * Empty string for an empty database. `_prisma_migrations` is never part of it (Prisma skips it).
 */
export async function diffEmptyToDatabase(
  url: string,
  schema: SchemaTexts,
  options: DriftOptions = {},
): Promise<string> {
  const provider = providerOfUrl(url);
  assertEngineProvider(provider);
  const configDir = options.baseDir ?? process.cwd();
  let factory: Factory;
  if (provider === 'sqlite') {
    const file = sqliteFilePath(url, configDir);
    if (file !== ':memory:') await mkdir(dirname(file), { recursive: true });
    factory = await sqliteFactory(file);
  } else {
    await ensurePostgresDatabase(url);
    factory = await pgFactory(url);
  }
  return withEngine(factory, schema, 'POW_DRIFT_CHECK_FAILED', async ({ engine }) => {
    const result = await engine.diff({
      from: { tag: 'empty' },
      to: { tag: 'schemaDatasource', files: toFiles(schema), configDir },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    const sql = result.stdout ?? '';
    return isEmptyMigration(sql) ? '' : sql;
  });
}
