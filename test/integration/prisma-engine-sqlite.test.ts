/**
 * SQLite end to end through the WebAssembly schema engine: pow's schema edit → migration files →
 * `migrate()` (like `prisma migrate deploy`) → `_prisma_migrations` rows as Prisma writes them →
 * no drift between the database and the schema; then a delta migration for an extension.
 * Each test uses its own temp folder (database file included) and removes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { ensureAuthSchema } from '../../src/prisma/ensure-auth-schema.js';
import { planMigration, type PlannedMigration } from '../../src/prisma/migrations.js';
import { migrate } from '../../src/prisma/migrate.js';
import { diffDatabaseToSchema, diffSchemas, schemaEngineVersion } from '../../src/prisma/schema-engine.js';
import type { PrismaInfo } from '../../src/inspect/project-info.js';

const DS = `datasource db {\n  provider = "sqlite"\n}\n`;
const BASE = DS + `\nmodel Post {\n  id    Int    @id @default(autoincrement())\n  title String\n}\n`;
const PRISMA: Pick<PrismaInfo, 'provider' | 'migrationsDir' | 'schemaPath' | 'urlLocation' | 'multiFile'> = {
  provider: 'sqlite',
  migrationsDir: 'prisma/migrations',
  schemaPath: 'prisma/schema.prisma',
  urlLocation: 'config',
  multiFile: false,
};
const URL_ = 'file:./prisma/dev.db';

function writeAll(root: string, files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

let clock = Date.UTC(2025, 5, 1, 12, 0, 0);
const now = () => new Date((clock += 1000));

async function planAndWrite(
  root: string,
  before: Record<string, string>,
  after: Record<string, string>,
  name: string,
) {
  const planned = await planMigration({
    provider: 'sqlite',
    before,
    after,
    root,
    migrationsDir: 'prisma/migrations',
    name,
    now,
  });
  if (planned) writeAll(root, planned.files);
  return planned;
}

test('the WebAssembly schema engine loads; the offline diff equals a diff on a real SQLite database', async () => {
  assert.match(await schemaEngineVersion(), /^[0-9a-f]{40}$/);
  const edit = ensureAuthSchema({
    files: { 's.prisma': BASE },
    provider: 'sqlite',
    options: { sessionStore: 'prisma', extensions: ['invitation', 'email-confirmation'] },
  });
  const offline = await diffSchemas('sqlite', { 's.prisma': BASE }, edit.files);
  assert.equal(
    offline,
    await diffSchemas('sqlite', { 's.prisma': BASE }, edit.files, { url: 'file::memory:' }),
  );
  assert.ok(offline.includes('CREATE TABLE "User"'), offline);
});

test('install → migrate → _prisma_migrations rows → no drift → extension delta → no change', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pow-prisma-sqlite-'));
  try {
    // The team's project: a Post model with its own first migration, applied.
    const schemaFile = 'prisma/schema.prisma';
    const init = await planAndWrite(root, { [schemaFile]: DS }, { [schemaFile]: BASE }, 'init');
    assert.ok(init);
    assert.deepEqual((await migrate({ root, prismaInfo: PRISMA, url: URL_ })).applied, [init.name]);

    // pow install: schema edit + migration.
    const edit = ensureAuthSchema({
      files: { [schemaFile]: BASE },
      provider: 'sqlite',
      options: { sessionStore: 'prisma', tableName: 'users' },
    });
    const afterInstall = { [schemaFile]: BASE, ...edit.files };
    const powMigration = (await planAndWrite(
      root,
      { [schemaFile]: BASE },
      afterInstall,
      'add_pow_auth',
    )) as PlannedMigration;
    assert.equal(powMigration.generator, 'schema-engine');
    assert.ok(
      !('prisma/migrations/migration_lock.toml' in powMigration.files),
      'lock file already written by the first migration',
    );
    assert.ok(
      powMigration.sql.includes('CREATE TABLE "users"') &&
        powMigration.sql.includes('CREATE TABLE "pow_sessions"'),
    );
    assert.ok(!powMigration.sql.includes('"Post"'), 'only pow changes in the migration');

    const first = await migrate({ root, prismaInfo: PRISMA, url: URL_ });
    assert.deepEqual(first, { applied: [powMigration.name], path: 'schema-engine' });
    assert.deepEqual(
      (await migrate({ root, prismaInfo: PRISMA, url: URL_ })).applied,
      [],
      'second run is a no-op',
    );

    const db = new Database(join(root, 'prisma/dev.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT * FROM _prisma_migrations ORDER BY started_at').all() as Record<
        string,
        unknown
      >[];
      assert.deepEqual(
        rows.map((r) => r.migration_name),
        [init.name, powMigration.name],
      );
      for (const row of rows) {
        const script = readFileSync(
          join(root, 'prisma/migrations', row.migration_name as string, 'migration.sql'),
          'utf8',
        );
        assert.match(
          row.id as string,
          /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        );
        assert.equal(row.checksum, createHash('sha256').update(script).digest('hex'));
        assert.equal(row.applied_steps_count, 1);
        assert.equal(row.logs, null);
        assert.equal(row.rolled_back_at, null);
        assert.ok(row.started_at !== null && row.finished_at !== null);
      }
      const tables = (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
          name: string;
        }[]
      ).map((t) => t.name);
      assert.deepEqual(tables, [
        'Post',
        '_prisma_migrations',
        'pow_sessions',
        'sqlite_sequence',
        'user_credentials',
        'users',
      ]);
    } finally {
      db.close();
    }

    assert.equal(
      await diffDatabaseToSchema(URL_, afterInstall, { baseDir: root }),
      '',
      'no drift after apply',
    );
    const drifted = await diffDatabaseToSchema(
      URL_,
      {
        [schemaFile]: afterInstall[schemaFile].replace(
          '  title String\n',
          '  title String\n  body  String?\n',
        ),
      },
      { baseDir: root },
    );
    assert.ok(drifted.includes('"body"'), drifted);

    // Later: an extension → exactly its columns, applied, still no drift, then nothing more to do.
    const ext = ensureAuthSchema({
      files: afterInstall,
      provider: 'sqlite',
      // The User model pow created above is pow's own: its fields keep going on it.
      options: {
        sessionStore: 'prisma',
        tableName: 'users',
        extensions: ['email-confirmation'],
        userModelIsPows: true,
      },
    });
    const afterExt = { ...afterInstall, ...ext.files };
    const delta = (await planAndWrite(
      root,
      afterInstall,
      afterExt,
      'add_pow_email_confirmation',
    )) as PlannedMigration;
    assert.equal(
      delta.sql,
      '-- AlterTable\nALTER TABLE "users" ADD COLUMN "emailConfirmedAt" DATETIME;\nALTER TABLE "users" ADD COLUMN "unconfirmedEmail" TEXT;\n',
    );
    assert.deepEqual((await migrate({ root, prismaInfo: PRISMA, url: URL_ })).applied, [delta.name]);
    assert.equal(await diffDatabaseToSchema(URL_, afterExt, { baseDir: root }), '');
    assert.equal(
      await planMigration({
        provider: 'sqlite',
        before: afterExt,
        after: afterExt,
        root,
        migrationsDir: 'prisma/migrations',
        name: 'again',
        now,
      }),
      null,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a Prisma 6-style schema (url = env(...) in the datasource) still diffs', async () => {
  const ds6 = `datasource db {\n  provider = "sqlite"\n  url      = env("DATABASE_URL")\n}\n`;
  const edit = ensureAuthSchema({ files: { 's.prisma': ds6 }, provider: 'sqlite' });
  const planned = await planMigration({
    provider: 'sqlite',
    before: { 's.prisma': ds6 },
    after: edit.files,
    root: '/nonexistent',
    migrationsDir: 'prisma/migrations',
    name: 'add_pow_auth',
    now,
    existing: { lockfile: null, migrations: [] },
  });
  assert.ok(planned?.sql.startsWith('-- CreateTable\nCREATE TABLE "User"'), planned?.sql);
});
