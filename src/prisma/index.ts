/**
 * pow's Prisma layer: schema edits, migrations, the schema engine (WebAssembly) and the MySQL path.
 * The schema engine and the MySQL runner are loaded lazily by the functions that need them.
 */
export {
  ensureAuthSchema,
  usesSnakeCaseColumns,
  INVITATION_RELATION,
  POW_SCHEMA_FILE,
  type AuthSchemaOptions,
  type EnsureAuthSchemaInput,
  type EnsureAuthSchemaResult,
  type SchemaAddition,
  type SessionStoreKind,
  type UserIdType,
} from './ensure-auth-schema.js';
export {
  planMigration,
  nextMigrationName,
  migrationTimestamp,
  slugifyMigrationName,
  type MigrationGenerator,
  type PlanMigrationInput,
  type PlannedMigration,
} from './migrations.js';
export { migrate, sqliteBaseDir, type MigrateInput, type MigrateResult } from './migrate.js';
export {
  applyMigrations,
  diffDatabaseToSchema,
  diffSchemas,
  ensurePostgresDatabase,
  isEmptyMigration,
  loadSchemaEngine,
  providerOfUrl,
  redactUrl,
  schemaEngineVersion,
  sqliteFilePath,
  withShadowDatabase,
  type ApplyOptions,
  type DiffOptions,
  type DriftOptions,
  type EngineProvider,
} from './schema-engine.js';
export {
  applyMysqlMigrations,
  migrationChecksum,
  mysqlTableDiff,
  renderMysqlMigration,
  MYSQL_MIGRATIONS_TABLE_DDL,
  type MysqlMigration,
} from './mysql-ddl.js';
export {
  readMigrationsDir,
  migrationLockToml,
  providerInLock,
  MIGRATION_LOCK_FILE,
  type MigrationDirEntry,
  type MigrationsDirListing,
} from './migrations-dir.js';
export {
  parseSchemaFiles,
  withoutDatasourceUrls,
  type ParsedSchema,
  type ParsedModel,
  type ParsedField,
  type SchemaTexts,
} from './schema-ast.js';
