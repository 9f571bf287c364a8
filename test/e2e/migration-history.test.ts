/**
 * Issue 22: migration histories that do not start with pow.
 * - No history (an app on `prisma db push`, as the fixtures ship): `pow inspect` and `pow install`
 *   say so; `pow migrate` refuses to apply pow's migration alone (a new database would lack the
 *   app's tables) and, with --init (the prompt's "yes"), writes the init migration of the app's
 *   models before pow's; a fresh database then has no drift against the schema.
 * - A database with the app's tables but no `_prisma_migrations` (db push): --init records what the
 *   database holds as the applied init (baseline), then applies pow's migration.
 * - `pow status` compares the folder with `_prisma_migrations`: pending, edited after applied
 *   (checksum, as Prisma), drift for --check.
 * - Provider switch (sqlite → postgresql): pow install and pow migrate refuse the old history with
 *   the exact steps; followed, they give a new history (init + migration_lock.toml) that builds a
 *   fresh PostgreSQL database without drift, and later pow runs extend it (the team's un-migrated
 *   change too, with --include-schema-changes); postgresql → sqlite the same way, lighter; and
 *   sqlite → mysql, where pow's MySQL renderer writes the new init (the engine cannot).
 * - MariaDB (the engine cannot read or replay MySQL: pow's renderer and runner, its own reader of
 *   `_prisma_migrations`): no history, `pow migrate --init` on an empty database (init from the
 *   schema) and on one set up with db push (baseline, checked against information_schema); status
 *   reads MariaDB's records (pending, edited by checksum, failed); the migrate fast path too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { diffDatabaseToSchema, diffSchemas } from '../../src/prisma/schema-engine.js';
import { mysqlTableDifferences, mysqlTables, renderMysqlMigration } from '../../src/prisma/mysql-ddl.js';
import { runPow } from '../helpers/fixtures.js';
import {
  assertAuthFlow,
  bootWithTsx,
  createDatabase,
  e2eProject,
  prismaGenerate,
  protectDashboard,
  type E2EProject,
} from '../helpers/e2e-project.js';
import { MARIADB } from '../helpers/prisma-test-client.js';
import { addToModel } from '../helpers/schema-edits.js';

const SCHEMA = 'prisma/schema.prisma';
const MIGRATIONS = 'prisma/migrations';
/** POW_NOW is 03:04:05: pow's migration takes :05, the init sorts one second before it. */
const INIT = '20260102030404_init';
const POW = '20260102030405_pow_install';

function migrationNames(project: E2EProject, dir = MIGRATIONS): string[] {
  return readdirSync(join(project.dir, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

function drift(project: E2EProject, url: string): Promise<string> {
  return diffDatabaseToSchema(url, { [SCHEMA]: project.read(SCHEMA) }, { baseDir: project.dir });
}

test('SQLite without a migration history: reported, pow migrate --init writes the init before pow’s, status reads the checksums', async (t) => {
  const project = await e2eProject('express5-ts-esm-sqlite', 'sqlite', { history: false });
  t.after(() => project.dispose());

  const inspect = await project.pow(['inspect']);
  assert.equal(inspect.code, 0, inspect.stderr);
  assert.match(
    inspect.stdout,
    /Migrations +prisma\/migrations \(no migration history: `pow migrate` writes the init/,
  );

  const install = await project.pow(['install', '--yes']);
  assert.equal(install.code, 0, install.stdout + install.stderr);
  assert.match(install.stdout, /has no migration history .*does not create Post on a new database/);
  assert.match(install.stdout, /npx pow migrate {4}# no migration history: it writes the init migration/);
  assert.deepEqual(migrationNames(project), [POW]);

  const refused = await project.pow(['migrate']);
  assert.equal(refused.code, 3, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /has no migration of your own models \(Post\)/);
  assert.match(refused.stderr, /Run `pow migrate --init`/);
  assert.deepEqual(migrationNames(project), [POW], 'nothing written without the answer');

  const init = await project.pow(['migrate', '--init']);
  assert.equal(init.code, 0, init.stdout + init.stderr);
  assert.deepEqual(migrationNames(project), [INIT, POW]);
  const sql = project.read(`${MIGRATIONS}/${INIT}/migration.sql`);
  assert.match(sql, /CREATE TABLE "Post"/);
  assert.doesNotMatch(sql, /"User"|pow_sessions/, "pow's tables come from pow's migration");
  assert.match(init.stdout, new RegExp(`Applied 2 migrations .*\\n {2}${INIT}\\n {2}${POW}\\n`));
  assert.equal(await drift(project, project.db.url), '');
  rmSync(join(project.dir, 'fresh.db'), { force: true });
  const fresh = await project.pow(['migrate', '--url', 'file:./fresh.db']);
  assert.equal(fresh.code, 0, fresh.stdout + fresh.stderr);
  assert.equal(await drift(project, 'file:./fresh.db'), '');

  const status = await project.pow(['status', '--check']);
  assert.equal(status.code, 0, status.stdout + status.stderr);
  assert.match(status.stdout, /Migrations against the database \(_prisma_migrations\):\n {2}all applied/);

  // A later pow migration is pending until migrated; an applied one edited afterwards is drift.
  const invitation = await project.pow(['install', '--yes', '--extension', 'invitation']);
  assert.equal(invitation.code, 0, invitation.stdout + invitation.stderr);
  const [later] = migrationNames(project).filter((n) => n !== INIT && n !== POW);
  const pending = await project.pow(['status']);
  assert.match(pending.stdout, new RegExp(`pending +${later} \\(\`pow migrate\` applies it\\)`));
  project.write(
    `${MIGRATIONS}/${POW}/migration.sql`,
    `${project.read(`${MIGRATIONS}/${POW}/migration.sql`)}\n-- edited\n`,
  );
  const edited = await project.pow(['status', '--check']);
  assert.equal(edited.code, 3, edited.stdout + edited.stderr);
  assert.match(edited.stdout, new RegExp(`edited +${POW} \\(changed after it was applied\\)`));
  assert.match(edited.stdout, new RegExp(`migration ${POW} was edited after the database applied it`));
});

const FIXTURES = { sqlite: 'express5-ts-esm-sqlite', postgresql: 'express4-js-cjs-postgres' } as const;
const NAMES = { sqlite: 'SQLite', postgresql: 'PostgreSQL' } as const;

/** A fresh database of the project's provider, migrated by `pow migrate`: no drift. */
async function assertFreshInStep(project: E2EProject, provider: 'sqlite' | 'postgresql'): Promise<void> {
  const fresh = await createDatabase(provider, project.dir);
  // An absolute SQLite path: a Prisma 6-style project resolves relative ones from its schema's folder.
  const url = provider === 'sqlite' ? `file:${join(project.dir, 'fresh.db')}` : fresh.url;
  try {
    const migrate = await project.pow(['migrate', '--url', url]);
    assert.equal(migrate.code, 0, migrate.stdout + migrate.stderr);
    assert.equal(await drift(project, url), '');
  } finally {
    await fresh.drop();
    rmSync(join(project.dir, 'fresh.db'), { force: true });
  }
}

/** Runs SQL on the project's database (SQLite file or PostgreSQL), as `prisma db push` or a team would. */
async function execSql(project: E2EProject, sql: string): Promise<unknown[]> {
  if (project.db.provider === 'sqlite') {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(project.dir, 'dev.db'));
    try {
      if (/^\s*SELECT/i.test(sql)) return db.prepare(sql).all();
      db.exec(sql);
      return [];
    } finally {
      db.close();
    }
  }
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: project.db.url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

for (const provider of ['sqlite', 'postgresql'] as const) {
  test(`${NAMES[provider]} database set up with db push: pow migrate --init records its tables as the applied init, then applies pow’s`, async (t) => {
    const project = await e2eProject(FIXTURES[provider], provider, { history: false });
    t.after(() => project.dispose());
    // `prisma db push` of the app's schema: its tables, no _prisma_migrations.
    await execSql(project, await diffSchemas(provider, 'empty', { [SCHEMA]: project.read(SCHEMA) }));
    await execSql(project, `INSERT INTO "Post" (title, body) VALUES ('kept', 'row')`);
    assert.equal((await project.pow(['install', '--yes'])).code, 0);

    const refused = await project.pow(['migrate']);
    assert.equal(refused.code, 3, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /the database has their tables without a migration history/);
    const res = await project.pow(['migrate', '--init']);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, new RegExp(`Baselined: ${INIT} recorded as applied`));
    assert.match(res.stdout, new RegExp(`Applied 1 migration .*\\n {2}${POW}\\n`));
    assert.doesNotMatch(project.read(`${MIGRATIONS}/${INIT}/migration.sql`), /"User"/);
    assert.equal(await drift(project, project.db.url), '');
    const [row] = (await execSql(project, 'SELECT title FROM "Post"')) as { title: string }[];
    assert.equal(row?.title, 'kept', 'the baseline runs nothing: the rows stay');
    await assertFreshInStep(project, provider);
    const status = await project.pow(['status', '--check']);
    assert.equal(status.code, 0, status.stdout + status.stderr);
  });
}

test('provider switch sqlite → postgresql: refused with the steps of a new history; followed, a fresh database has no drift and the app answers', async (t) => {
  const project = await e2eProject('express5-ts-esm-sqlite', 'sqlite');
  const pgDb = await createDatabase('postgresql', project.dir);
  t.after(async () => {
    await pgDb.drop();
    await project.dispose();
  });
  assert.equal((await project.pow(['install', '--yes'])).code, 0);
  assert.equal((await project.pow(['migrate'])).code, 0);
  project.write(SCHEMA, project.read(SCHEMA).replace('provider = "sqlite"', 'provider = "postgresql"'));
  const env = { ...project.env, DATABASE_URL: pgDb.url };
  const pow = (args: string[]) => runPow(args, { cwd: project.dir, env });

  for (const args of [['install', '--yes', '--extension', 'invitation'], ['migrate']]) {
    const refused = await pow(args);
    assert.equal(refused.code, 3, refused.stdout + refused.stderr);
    assert.match(
      refused.stderr,
      /migration_lock\.toml says provider "sqlite", but the schema uses "postgresql"/,
    );
    assert.match(
      refused.stderr,
      /`mv prisma\/migrations prisma\/migrations_sqlite`\), then run `pow migrate --init`/,
    );
  }
  // The steps, as the fix line gives them.
  renameSync(join(project.dir, MIGRATIONS), join(project.dir, 'prisma/migrations_sqlite'));
  const init = await pow(['migrate', '--init']);
  assert.equal(init.code, 0, init.stdout + init.stderr);
  const [name] = migrationNames(project);
  assert.match(name, /^\d{14}_init$/);
  assert.match(project.read(`${MIGRATIONS}/migration_lock.toml`), /^provider = "postgresql"$/m);
  const sql = project.read(`${MIGRATIONS}/${name}/migration.sql`);
  assert.match(sql, /CREATE TABLE "Post"/);
  assert.match(sql, /CREATE TABLE "User"/, 'a full init: the history starts over');
  assert.equal(await drift(project, pgDb.url), '');

  // pow's next change extends the new history; a fresh PostgreSQL database migrates without drift.
  const more = await pow(['install', '--yes', '--extension', 'invitation']);
  assert.equal(more.code, 0, more.stdout + more.stderr);
  assert.equal(migrationNames(project).length, 2);

  // The team's un-migrated change on the new provider: refused, then written as its own
  // PostgreSQL migration (never under a name of the old SQLite history, which pow's manifest lists).
  project.write(SCHEMA, addToModel(project.read(SCHEMA), 'User', 'nickname String?'));
  const teamRefused = await pow(['install', '--yes', '--extension', 'invitation']);
  assert.equal(teamRefused.code, 3, teamRefused.stdout + teamRefused.stderr);
  assert.match(teamRefused.stderr, /User\.nickname \(field added\)/);
  const beforeTeam = migrationNames(project);
  const included = await pow(['install', '--yes', '--include-schema-changes', '--extension', 'invitation']);
  assert.equal(included.code, 0, included.stdout + included.stderr);
  const [team, ...others] = migrationNames(project).filter((n) => !beforeTeam.includes(n));
  assert.deepEqual(others, [], "the team's change only: pow has nothing to add");
  assert.match(team, /^\d{14}_team_schema_changes$/);
  assert.ok(!migrationNames(project, 'prisma/migrations_sqlite').includes(team), 'a name of its own');
  assert.match(
    project.read(`${MIGRATIONS}/${team}/migration.sql`),
    /ALTER TABLE "User" ADD COLUMN {5}"nickname" TEXT;/,
  );
  assert.equal((await pow(['migrate'])).code, 0);
  assert.equal(await drift(project, pgDb.url), '');
  const fresh = await createDatabase('postgresql', project.dir);
  try {
    const migrate = await pow(['migrate', '--url', fresh.url]);
    assert.equal(migrate.code, 0, migrate.stdout + migrate.stderr);
    assert.equal(await drift(project, fresh.url), '');
  } finally {
    await fresh.drop();
  }

  // The app on the new database: its client module switched to the pg adapter (the team's part of
  // a provider switch), the client regenerated; its own pages and pow's answer, sign-up included.
  assert.equal((await pow(['migrate'])).code, 0);
  project.write(
    'src/db.ts',
    "import { PrismaPg } from '@prisma/adapter-pg';\nimport { PrismaClient } from './generated/prisma/client.js';\n\nconst adapter = new PrismaPg({ connectionString: process.env.DATABASE_URL });\n\nexport const prisma = new PrismaClient({ adapter });\n",
  );
  project.env.DATABASE_URL = pgDb.url;
  await prismaGenerate(project);
  protectDashboard(project, 'src/app.ts', 'app');
  const app = await bootWithTsx(project, 'src/server.ts');
  t.after(() => app.stop());
  const home = await fetch(`${app.url}/`);
  assert.equal(
    home.status,
    200,
    "the app's own home page answers (its dashboard, which reads Post, is checked signed in below)",
  );
  await assertAuthFlow(t, app.url);
});

/** Every .prisma file of the project (multi-file schemas), path → text. */
function schemaFiles(project: E2EProject): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(project.dir, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.prisma')) out[child] = project.read(child);
    }
  };
  walk('prisma');
  return out;
}

/**
 * MySQL's drift check (the engine cannot diff MySQL): the database's tables and columns
 * (information_schema) against the schema's, in the history check's words; empty when in step.
 */
async function mysqlDrift(project: E2EProject, url: string): Promise<string[]> {
  return mysqlTableDifferences(await mysqlTables(url), schemaFiles(project));
}

/** `pow migrate` into a fresh MariaDB database: every table and column of the schema. */
async function assertFreshMariadbInStep(project: E2EProject): Promise<void> {
  const fresh = await createDatabase('mysql', project.dir);
  try {
    const migrate = await project.pow(['migrate', '--url', fresh.url]);
    assert.equal(migrate.code, 0, migrate.stdout + migrate.stderr);
    assert.deepEqual(await mysqlDrift(project, fresh.url), []);
  } finally {
    await fresh.drop();
  }
}

test('provider switch postgresql → sqlite: refused with the steps; followed, a new SQLite history builds a fresh database without drift, and extends with the team’s change', async (t) => {
  const project = await e2eProject(FIXTURES.postgresql, 'postgresql');
  t.after(() => project.dispose());
  assert.equal((await project.pow(['install', '--yes'])).code, 0);
  assert.equal((await project.pow(['migrate'])).code, 0);
  project.write(SCHEMA, project.read(SCHEMA).replace('provider = "postgresql"', 'provider = "sqlite"'));
  const devDb = `file:${join(project.dir, 'dev.db')}`;
  project.env.DATABASE_URL = devDb;
  const refused = await project.pow(['migrate']);
  assert.equal(refused.code, 3, refused.stdout + refused.stderr);
  assert.match(
    refused.stderr,
    /`mv prisma\/migrations prisma\/migrations_postgresql`\), then run `pow migrate --init`/,
  );
  renameSync(join(project.dir, MIGRATIONS), join(project.dir, 'prisma/migrations_postgresql'));
  const init = await project.pow(['migrate', '--init']);
  assert.equal(init.code, 0, init.stdout + init.stderr);
  assert.match(project.read(`${MIGRATIONS}/migration_lock.toml`), /^provider = "sqlite"$/m);
  assert.equal(await drift(project, devDb), '');
  project.write(SCHEMA, addToModel(project.read(SCHEMA), 'Post', 'summary String?'));
  const included = await project.pow(['install', '--yes', '--include-schema-changes']);
  assert.equal(included.code, 0, included.stdout + included.stderr);
  assert.match(migrationNames(project).at(-1)!, /^\d{14}_team_schema_changes$/);
  await assertFreshInStep(project, 'sqlite');
});

test('provider switch sqlite → mysql (MariaDB): refused with the steps; followed, pow’s MySQL renderer writes the new history, a fresh database gets every table, the team’s change extends it', async (t) => {
  const project = await e2eProject('express5-ts-esm-sqlite', 'sqlite');
  const mysqlDb = await createDatabase('mysql', project.dir);
  t.after(async () => {
    await mysqlDb.drop();
    await project.dispose();
  });
  assert.equal((await project.pow(['install', '--yes'])).code, 0);
  assert.equal((await project.pow(['migrate'])).code, 0);
  project.write(SCHEMA, project.read(SCHEMA).replace('provider = "sqlite"', 'provider = "mysql"'));
  project.env.DATABASE_URL = mysqlDb.url;
  const refused = await project.pow(['migrate']);
  assert.equal(refused.code, 3, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /migration_lock\.toml says provider "sqlite", but the schema uses "mysql"/);
  assert.match(
    refused.stderr,
    /`mv prisma\/migrations prisma\/migrations_sqlite`\), then run `pow migrate --init`/,
  );
  renameSync(join(project.dir, MIGRATIONS), join(project.dir, 'prisma/migrations_sqlite'));
  const init = await project.pow(['migrate', '--init']);
  assert.equal(init.code, 0, init.stdout + init.stderr);
  const [name] = migrationNames(project);
  assert.match(name, /^\d{14}_init$/);
  assert.match(project.read(`${MIGRATIONS}/migration_lock.toml`), /^provider = "mysql"$/m);
  const sql = project.read(`${MIGRATIONS}/${name}/migration.sql`);
  assert.match(sql, /CREATE TABLE `Post`/);
  assert.match(sql, /CREATE TABLE `User`/, 'a full init: the history starts over');
  assert.deepEqual(await mysqlDrift(project, mysqlDb.url), []);

  // The team's un-migrated change on the new provider: refused, then its own MySQL migration.
  project.write(SCHEMA, addToModel(project.read(SCHEMA), 'Post', 'summary String?'));
  const teamRefused = await project.pow(['install', '--yes']);
  assert.equal(teamRefused.code, 3, teamRefused.stdout + teamRefused.stderr);
  assert.match(teamRefused.stderr, /Post\.summary \(field added\)/);
  const included = await project.pow(['install', '--yes', '--include-schema-changes']);
  assert.equal(included.code, 0, included.stdout + included.stderr);
  const team = migrationNames(project).at(-1)!;
  assert.match(team, /^\d{14}_team_schema_changes$/);
  assert.ok(!migrationNames(project, 'prisma/migrations_sqlite').includes(team), 'a name of its own');
  assert.match(
    project.read(`${MIGRATIONS}/${team}/migration.sql`),
    /ALTER TABLE `Post` ADD COLUMN `summary`/,
  );
  assert.equal((await project.pow(['migrate'])).code, 0);
  assert.deepEqual(await mysqlDrift(project, mysqlDb.url), []);
  await assertFreshMariadbInStep(project);
});

test('MariaDB without a migration history: pow migrate --init writes the init from the schema (pow’s MySQL renderer)', async (t) => {
  const project = await e2eProject('express5-ts-multifile-mysql', 'mysql', { history: false });
  t.after(() => project.dispose());
  const dir = MIGRATIONS;
  const refused = await project.pow(['migrate']);
  assert.equal(refused.code, 3, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /has no migration of your own models \(Post, Tag\)/);
  const res = await project.pow(['migrate', '--init']);
  assert.equal(res.code, 0, res.stdout + res.stderr);
  const [name] = migrationNames(project, dir);
  assert.match(name, /^\d{14}_init$/);
  assert.match(project.read(`${dir}/migration_lock.toml`), /^provider = "mysql"$/m);
  assert.match(res.stdout, /the init migration of your schema \(Post, Tag\)/);
  assert.deepEqual(await mysqlDrift(project, project.db.url), []);
  // Post, Tag and the join table of their implicit many-to-many relation, as Prisma writes it.
  assert.deepEqual([...(await mysqlTables(project.db.url)).keys()].sort(), ['Post', 'Tag', '_PostToTag']);
  const initSql = project.read(`${dir}/${name}/migration.sql`);
  assert.match(
    initSql,
    /CREATE TABLE `_PostToTag` \(\n {4}`A` INTEGER NOT NULL,\n {4}`B` INTEGER NOT NULL,\n\n {4}UNIQUE INDEX `_PostToTag_AB_unique`\(`A`, `B`\),\n {4}INDEX `_PostToTag_B_index`\(`B`\)\n\)/,
  );
  assert.match(
    initSql,
    /ALTER TABLE `_PostToTag` ADD CONSTRAINT `_PostToTag_A_fkey` FOREIGN KEY \(`A`\) REFERENCES `Post`\(`id`\) ON DELETE CASCADE ON UPDATE CASCADE;/,
  );

  // pow's own migration extends the history; a fresh database gets every table of the schema.
  const install = await project.pow(['install', '--yes']);
  assert.equal(install.code, 0, install.stdout + install.stderr);
  assert.equal(migrationNames(project, dir).length, 2);
  assert.equal((await project.pow(['migrate'])).code, 0);
  assert.deepEqual(await mysqlDrift(project, project.db.url), []);
  await assertFreshMariadbInStep(project);
});

test('MariaDB database set up with db push: pow migrate --init checks its tables against the init, records it as applied, applies pow’s; status reads _prisma_migrations', async (t) => {
  const project = await e2eProject('express5-ts-multifile-mysql', 'mysql', { history: false });
  t.after(() => project.dispose());
  // `prisma db push` of the app's schema: its tables, no _prisma_migrations.
  const mariadb = await import('mariadb');
  const pushed = await mariadb.createConnection({
    ...MARIADB,
    database: project.db.name,
    multipleStatements: true,
  });
  try {
    const datasourceOnly = { 'prisma/schema/schema.prisma': 'datasource db {\n  provider = "mysql"\n}\n' };
    await pushed.query(renderMysqlMigration(datasourceOnly, schemaFiles(project)).sql);
    await pushed.query("INSERT INTO `Post` (title, body) VALUES ('kept', 'row')");
  } finally {
    await pushed.end();
  }
  const install = await project.pow(['install', '--yes']);
  assert.equal(install.code, 0, install.stdout + install.stderr);
  assert.deepEqual(migrationNames(project), [POW]);

  const refused = await project.pow(['migrate']);
  assert.equal(refused.code, 3, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /the database has their tables without a migration history/);
  const res = await project.pow(['migrate', '--init']);
  assert.equal(res.code, 0, res.stdout + res.stderr);
  assert.match(res.stdout, new RegExp(`Baselined: ${INIT} recorded as applied`));
  assert.match(res.stdout, new RegExp(`Applied 1 migration .*\\n {2}${POW}\\n`));
  const init = project.read(`${MIGRATIONS}/${INIT}/migration.sql`);
  assert.match(init, /CREATE TABLE `Post`/);
  assert.doesNotMatch(init, /`User`/, "pow's tables come from pow's migration");
  assert.match(project.read(`${MIGRATIONS}/migration_lock.toml`), /^provider = "mysql"$/m);
  assert.deepEqual(await mysqlDrift(project, project.db.url), []);
  const check = await mariadb.createConnection({ ...MARIADB, database: project.db.name });
  try {
    const [row] = (await check.query('SELECT title FROM `Post`')) as { title: string }[];
    assert.equal(row?.title, 'kept', 'the baseline runs nothing: the rows stay');
  } finally {
    await check.end();
  }
  await assertFreshMariadbInStep(project);

  // Nothing to apply: the next run answers from one query of _prisma_migrations (mariadb driver).
  const debug = { ...project.env, DEBUG: 'pow' };
  const full = await runPow(['migrate'], { cwd: project.dir, env: debug });
  const fast = await runPow(['migrate'], { cwd: project.dir, env: debug });
  assert.equal(fast.code, 0, fast.stdout + fast.stderr);
  assert.match(fast.stderr, /every migration applied \(one query of _prisma_migrations\)/);
  assert.equal(fast.stdout, full.stdout);

  const status = await project.pow(['status', '--check']);
  assert.equal(status.code, 0, status.stdout + status.stderr);
  assert.match(status.stdout, /Migrations against the database \(_prisma_migrations\):\n {2}all applied/);

  // Pending, then edited after it was applied, then failed: each read from MariaDB's records.
  const invitation = await project.pow(['install', '--yes', '--extension', 'invitation']);
  assert.equal(invitation.code, 0, invitation.stdout + invitation.stderr);
  const [later] = migrationNames(project).filter((n) => n !== INIT && n !== POW);
  const pending = await project.pow(['status']);
  assert.match(pending.stdout, new RegExp(`pending +${later} \\(\`pow migrate\` applies it\\)`));
  assert.equal((await project.pow(['migrate'])).code, 0);
  const original = project.read(`${MIGRATIONS}/${POW}/migration.sql`);
  project.write(`${MIGRATIONS}/${POW}/migration.sql`, `${original}\n-- edited\n`);
  const edited = await project.pow(['status', '--check']);
  assert.equal(edited.code, 3, edited.stdout + edited.stderr);
  assert.match(edited.stdout, new RegExp(`edited +${POW} \\(changed after it was applied\\)`));
  project.write(`${MIGRATIONS}/${POW}/migration.sql`, original);
  const broken = '20990101000000_broken';
  mkdirSync(join(project.dir, MIGRATIONS, broken));
  project.write(
    `${MIGRATIONS}/${broken}/migration.sql`,
    'ALTER TABLE `NoSuchTable` ADD COLUMN `x` INTEGER;\n',
  );
  const failing = await project.pow(['migrate']);
  assert.notEqual(failing.code, 0, failing.stdout + failing.stderr);
  const failed = await project.pow(['status', '--check']);
  assert.equal(failed.code, 3, failed.stdout + failed.stderr);
  assert.match(failed.stdout, new RegExp(`failed +${broken}`));
  assert.match(failed.stdout, new RegExp(`migration ${broken} failed in the database`));
});

for (const provider of ['sqlite', 'postgresql'] as const) {
  test(`${NAMES[provider]}: a renamed user model that keeps its table (@@map("User")): named with its file and line, and followed with --user-model`, async (t) => {
    const project = await e2eProject(FIXTURES[provider], provider);
    t.after(() => project.dispose());
    assert.equal((await project.pow(['install', '--yes'])).code, 0);
    assert.equal((await project.pow(['migrate'])).code, 0);
    const history = migrationNames(project);
    const renamed = project
      .read(SCHEMA)
      .replace(/^model User \{/m, 'model Account {')
      .replace(/(model Account \{[\s\S]*?)\n\}/, '$1\n\n  @@map("User")\n}')
      .replace(/ User( +)@relation/, ' Account$1@relation');
    project.write(SCHEMA, renamed);
    const line = renamed.split('\n').indexOf('model Account {') + 1;
    assert.ok(line > 0 && line < renamed.split('\n').length);

    const refused = await project.pow(['install', '--yes']);
    assert.equal(refused.code, 3, refused.stdout + refused.stderr);
    assert.match(
      refused.stderr,
      new RegExp(
        `^error: prisma/schema\\.prisma:${line}: model Account keeps the table of the user model User \\(@@map\\("User"\\)\\)`,
        'm',
      ),
    );
    assert.match(
      refused.stderr,
      /Re-run with --user-model Account, after renaming UserCredential to AccountCredential/,
    );
    assert.doesNotMatch(refused.stderr, /prisma validate/, 'the schema is valid: no advice to validate it');
    assert.deepEqual(migrationNames(project), history);

    // The fix line, followed: pow follows the renamed model; no migration, the tables stay.
    project.write(
      SCHEMA,
      renamed
        .replace(/^model UserCredential \{/m, 'model AccountCredential {')
        .replace(/(model AccountCredential \{[\s\S]*?)\n\}/, '$1\n\n  @@map("UserCredential")\n}')
        .replace(/credential UserCredential\?/, 'credential AccountCredential?'),
    );
    const followed = await project.pow(['install', '--yes', '--user-model', 'Account']);
    assert.equal(followed.code, 0, followed.stdout + followed.stderr);
    const config = provider === 'sqlite' ? 'src/pow/config.ts' : 'pow/config.js';
    assert.match(project.read(config), /Account/);
    assert.deepEqual(migrationNames(project), history, 'a rename with the tables kept needs no migration');
    assert.equal(await drift(project, project.db.url), '');
    await assertFreshInStep(project, provider);
  });
}

test('PostgreSQL app with its own User-less schema and no history: pow migrate --init derives the init without pow’s additions; status reads _prisma_migrations', async (t) => {
  const project = await e2eProject('express4-js-cjs-postgres', 'postgresql', { history: false });
  t.after(() => project.dispose());
  const install = await project.pow(['install', '--yes', '--extension', 'invitation']);
  assert.equal(install.code, 0, install.stdout + install.stderr);
  const [pow] = migrationNames(project);
  const init = await project.pow(['migrate', '--init']);
  assert.equal(init.code, 0, init.stdout + init.stderr);
  const [first, second] = migrationNames(project);
  assert.equal(second, pow);
  assert.match(first, /^\d{14}_init$/);
  assert.ok(first < pow, 'the init sorts before pow’s migration');
  const sql = project.read(`${MIGRATIONS}/${first}/migration.sql`);
  assert.match(sql, /CREATE TABLE "Post"/);
  assert.doesNotMatch(sql, /"User"|"pow_sessions"/);
  assert.equal(await drift(project, project.db.url), '');
  const fresh = await createDatabase('postgresql', project.dir);
  try {
    assert.equal((await project.pow(['migrate', '--url', fresh.url])).code, 0);
    assert.equal(await drift(project, fresh.url), '');
  } finally {
    await fresh.drop();
  }
  const status = await project.pow(['status', '--check']);
  assert.equal(status.code, 0, status.stdout + status.stderr);
  assert.match(status.stdout, /Migrations against the database \(_prisma_migrations\):\n {2}all applied/);
});
