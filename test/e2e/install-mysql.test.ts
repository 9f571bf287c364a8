/**
 * `pow install` end to end on the multi-file MySQL schema (fixtures/express5-ts-multifile-mysql,
 * MariaDB, a fresh `pow_e2e_<random>` database): pow's models go into an owned
 * `prisma/schema/pow.prisma`, the migration comes from pow's MySQL templates (the WebAssembly
 * schema engine has no MySQL support), `pow migrate` creates the tables and columns, strict tsc
 * passes, and the booted app (entry `src/index.ts`, app variable `server`) passes the browser walk.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningApp } from '../helpers/app-process.js';
import { assertNoHashInAppQueries } from '../helpers/app-queries.js';
import { hashTree } from '../helpers/fixtures.js';
import { MARIADB } from '../helpers/prisma-test-client.js';
import {
  INIT_MIGRATION,
  MIGRATION_DIR,
  assertAuthFlow,
  bootWithTsx,
  e2eProject,
  prismaGenerate,
  protectDashboard,
  typecheck,
} from '../helpers/e2e-project.js';

const FIXTURE = 'express5-ts-multifile-mysql';

test(`pow install on ${FIXTURE}: MariaDB, multi-file schema, end to end`, async (t) => {
  const project = await e2eProject(FIXTURE, 'mysql');
  let app: RunningApp | null = null;
  t.after(async () => {
    await app?.stop();
    await project.dispose();
  });

  await t.test("install: pow.prisma owned, the team's schema files untouched, MySQL templates", async () => {
    const res = await project.pow(['install', '--yes']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^create {4}prisma\/schema\/pow\.prisma \(new file\)$/m);
    assert.doesNotMatch(res.stdout, /prisma\/schema\/(schema|post|tag)\.prisma/);
    assert.match(res.stdout, /^update {4}src\/index\.ts \(mounts pow in the app\)$/m);
    assert.match(res.stdout, /migration: .*migration\.sql: SQL from pow's MySQL templates/);
    const powSchema = project.read('prisma/schema/pow.prisma');
    assert.match(powSchema, /^model User \{\n/);
    assert.match(powSchema, /email +String +@unique @db\.VarChar\(191\)/);
    assert.match(powSchema, /^model PowSession \{\n/m);
    const entry = project.read('src/index.ts');
    assert.match(entry, /server\.use\(auth\.middleware\(\)\);\nserver\.use\(powRoutes\);\n/);
    const sql = project.read(`${MIGRATION_DIR}/migration.sql`);
    assert.match(sql, /CREATE TABLE `User`/);
    assert.match(sql, /CREATE TABLE `pow_sessions`/);
  });

  await t.test('a second identical run writes nothing', async () => {
    const before = hashTree(project.dir);
    const res = await project.pow(['install', '--yes']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Up to date/);
    assert.equal(hashTree(project.dir), before);
  });

  await t.test('pow migrate creates the tables and columns; a second run is up to date', async () => {
    const first = await project.pow(['migrate']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(
      first.stdout,
      new RegExp(`Applied 2 migrations .*\\n {2}${INIT_MIGRATION}\\n {2}20260102030405_pow_install\\n`),
    );
    assert.match((await project.pow(['migrate'])).stdout, /already up to date/);

    const mariadb = await import('mariadb');
    const conn = await mariadb.createConnection({ ...MARIADB, database: project.db.name });
    try {
      const rows = (await conn.query(
        'SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION',
        [project.db.name],
      )) as { t: string; c: string }[];
      const columns = (table: string) => rows.filter((r) => r.t === table).map((r) => r.c);
      assert.deepEqual(columns('User'), ['id', 'email', 'createdAt', 'updatedAt'], 'no secret column');
      assert.deepEqual(columns('UserCredential'), ['userId', 'passwordHash', 'updatedAt']);
      assert.deepEqual(columns('pow_sessions'), ['namespace', 'key', 'value', 'expiresAt']);
      assert.ok(columns('Post').length > 0, "the app's own tables are there");
      const applied = (await conn.query(
        'SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name',
      )) as { name: string }[];
      assert.deepEqual(
        applied.map((r) => r.name),
        [INIT_MIGRATION, '20260102030405_pow_install'],
      );
    } finally {
      await conn.end();
    }
  });

  await t.test('prisma generate, then strict tsc --noEmit passes', async () => {
    await prismaGenerate(project);
    await typecheck(project);
  });

  protectDashboard(project, 'src/index.ts', 'server');
  app = await bootWithTsx(project, 'src/index.ts');
  await assertAuthFlow(t, app.url);
  await assertNoHashInAppQueries(t, project, app.url);
});
