/**
 * PostgreSQL through the WebAssembly schema engine, on the real server: the offline diff equals the
 * diff run against a server (throw-away `pow_shadow_*` database), `migrate()` creates the database
 * when missing and applies like `prisma migrate deploy`, `_prisma_migrations` rows are Prisma's,
 * the database shows no drift after apply, and an extension adds exactly its delta.
 * Uses its own database `pow_prisma_pg_<random>`, dropped at the end.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { ensureAuthSchema } from '../../src/prisma/ensure-auth-schema.js';
import { planMigration, type PlannedMigration } from '../../src/prisma/migrations.js';
import { migrate } from '../../src/prisma/migrate.js';
import { diffDatabaseToSchema, diffSchemas } from '../../src/prisma/schema-engine.js';
import type { PrismaInfo } from '../../src/inspect/project-info.js';

const SERVER = process.env.POW_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const DB = `pow_prisma_pg_${randomBytes(4).toString('hex')}`;
const url = (() => {
  const u = new URL(SERVER);
  u.pathname = `/${DB}`;
  return u.toString();
})();

const DS = `datasource db {\n  provider = "postgresql"\n}\n`;
const BASE =
  DS +
  `\nmodel Account {\n  id        String   @id @default(uuid())\n  name      String?\n  createdAt DateTime @default(now())\n\n  @@map("accounts")\n}\n`;
const PRISMA: Pick<PrismaInfo, 'provider' | 'migrationsDir' | 'schemaPath' | 'urlLocation' | 'multiFile'> = {
  provider: 'postgresql',
  migrationsDir: 'prisma/migrations',
  schemaPath: 'prisma/schema.prisma',
  urlLocation: 'config',
  multiFile: false,
};
const root = mkdtempSync(join(tmpdir(), 'pow-prisma-pg-'));
let clock = Date.UTC(2025, 5, 1, 12, 0, 0);
const now = () => new Date((clock += 1000));

after(async () => {
  rmSync(root, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
});

function writeAll(files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

async function query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

test('offline diff equals the diff run on the server (shadow database), and is what the writer writes', async () => {
  const edit = ensureAuthSchema({
    files: { 's.prisma': BASE },
    provider: 'postgresql',
    options: {
      userModel: 'Account',
      sessionStore: 'prisma',
      extensions: ['invitation', 'email-confirmation'],
    },
  });
  const offline = await diffSchemas('postgresql', { 's.prisma': BASE }, edit.files);
  const shadows = async () => {
    const admin = new pg.Client({ connectionString: SERVER });
    await admin.connect();
    try {
      const r = await admin.query(
        "SELECT datname FROM pg_database WHERE datname LIKE 'pow_shadow_%' ORDER BY datname",
      );
      return r.rows.map((x: { datname: string }) => x.datname);
    } finally {
      await admin.end();
    }
  };
  const shadowsBefore = await shadows();
  const online = await diffSchemas('postgresql', { 's.prisma': BASE }, edit.files, { url: SERVER });
  // Other runs on the shared server may create and drop their own shadows meanwhile: only a new
  // one left behind by this diff counts.
  const leftBehind = (await shadows()).filter((name) => !shadowsBefore.includes(name));
  assert.deepEqual(leftBehind, [], 'the pow_shadow_* database was dropped');
  assert.equal(offline, online);
  // The app's Account gets no column: the e-mail (unique) and the extensions' fields are pow's.
  assert.doesNotMatch(offline, /ALTER TABLE "accounts"/, offline);
  assert.ok(
    offline.includes(
      'CREATE UNIQUE INDEX "account_credentials_email_key" ON "account_credentials"("email");',
    ),
    offline,
  );
  const fromEmpty = await diffSchemas('postgresql', 'empty', edit.files);
  assert.ok(
    fromEmpty.startsWith('-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n'),
    'like `migrate diff --from-empty`',
  );

  const planned = await planMigration({
    provider: 'postgresql',
    before: { 's.prisma': BASE },
    after: edit.files,
    root,
    migrationsDir: 'prisma/migrations',
    name: 'x',
    now,
    existing: { lockfile: null, migrations: [] },
  });
  assert.ok(planned!.sql.endsWith(offline));
  assert.ok(
    !planned!.sql.startsWith('/*\n  Warnings:\n'),
    'no unique constraint added to an existing table (the e-mail is in a new one)',
  );
});

test('migrate: creates the database, applies, records _prisma_migrations like Prisma, no drift, delta, no-op', async () => {
  const schemaFile = 'prisma/schema.prisma';
  const init = await planMigration({
    provider: 'postgresql',
    before: { [schemaFile]: DS },
    after: { [schemaFile]: BASE },
    root,
    migrationsDir: 'prisma/migrations',
    name: 'init',
    now,
  });
  writeAll(init!.files);
  const edit = ensureAuthSchema({
    files: { [schemaFile]: BASE },
    provider: 'postgresql',
    options: { userModel: 'Account', sessionStore: 'prisma', extensions: ['invitation'] },
  });
  const afterInstall = { [schemaFile]: BASE, ...edit.files };
  const install = (await planMigration({
    provider: 'postgresql',
    before: { [schemaFile]: BASE },
    after: afterInstall,
    root,
    migrationsDir: 'prisma/migrations',
    name: 'add_pow_auth',
    now,
  })) as PlannedMigration;
  writeAll(install.files);

  const result = await migrate({ root, prismaInfo: PRISMA, url });
  assert.deepEqual(result, { applied: [init!.name, install.name], path: 'schema-engine' });
  assert.deepEqual((await migrate({ root, prismaInfo: PRISMA, url })).applied, []);

  const rows = await query('SELECT * FROM _prisma_migrations ORDER BY started_at');
  assert.deepEqual(
    rows.map((r) => r.migration_name),
    [init!.name, install.name],
  );
  for (const row of rows) {
    const script = readFileSync(
      join(root, 'prisma/migrations', row.migration_name as string, 'migration.sql'),
      'utf8',
    );
    assert.equal(row.checksum, createHash('sha256').update(script).digest('hex'));
    assert.equal(row.applied_steps_count, 1);
    assert.equal(row.logs, null);
    assert.equal(row.rolled_back_at, null);
    assert.ok(row.finished_at instanceof Date && row.started_at instanceof Date);
  }
  const columns = async (table: string) =>
    (
      await query<{ column_name: string; data_type: string; is_nullable: string }>(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`,
      )
    ).map((c) => `${c.column_name} ${c.data_type} ${c.is_nullable}`);
  // The app's table as it was; what it lacks is in pow's table, nullable (rows may predate it).
  assert.deepEqual(await columns('accounts'), [
    'id text NO',
    'name text YES',
    'createdAt timestamp without time zone NO',
  ]);
  assert.deepEqual(await columns('account_credentials'), [
    'userId text NO',
    'passwordHash text NO',
    'email text YES',
    'invitedById text YES',
    'invitationAcceptedAt timestamp without time zone YES',
    'updatedAt timestamp without time zone NO',
  ]);
  assert.equal(await diffDatabaseToSchema(url, afterInstall), '');

  const ext = ensureAuthSchema({
    files: afterInstall,
    provider: 'postgresql',
    options: {
      userModel: 'Account',
      sessionStore: 'prisma',
      extensions: ['invitation', 'email-confirmation'],
    },
  });
  const afterExt = { ...afterInstall, ...ext.files };
  const delta = (await planMigration({
    provider: 'postgresql',
    before: afterInstall,
    after: afterExt,
    root,
    migrationsDir: 'prisma/migrations',
    name: 'add_pow_email_confirmation',
    now,
  })) as PlannedMigration;
  assert.equal(
    delta.sql,
    '-- AlterTable\nALTER TABLE "account_credentials" ADD COLUMN     "emailConfirmedAt" TIMESTAMP(3),\nADD COLUMN     "unconfirmedEmail" TEXT;\n',
  );
  writeAll(delta.files);
  assert.deepEqual((await migrate({ root, prismaInfo: PRISMA, url })).applied, [delta.name]);
  assert.equal(await diffDatabaseToSchema(url, afterExt), '');
  assert.equal(
    await planMigration({
      provider: 'postgresql',
      before: afterExt,
      after: afterExt,
      root,
      migrationsDir: 'prisma/migrations',
      name: 'again',
      now,
    }),
    null,
  );
});
