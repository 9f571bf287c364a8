/**
 * Regeneration end to end against real databases (issue 8): install, migrate, then the team edits
 * a page and re-runs `pow install` with a second sign-in field (username). The re-run adds exactly
 * one migration holding only the delta, `pow migrate` applies it on top of the first, and the
 * database matches the schema (Prisma's drift check) on SQLite and PostgreSQL. Later re-runs add
 * nothing, and taking the field out of the options drops nothing. On SQLite the regenerated app is
 * then built (prisma generate, strict tsc) and walked through with the username field filled in.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { diffDatabaseToSchema } from '../../src/prisma/schema-engine.js';
import type { RunningApp } from '../helpers/app-process.js';
import { hashTree } from '../helpers/fixtures.js';
import {
  INIT_MIGRATION,
  MIGRATION_DIR,
  assertAuthFlow,
  bootWithTsx,
  e2eProject,
  prismaGenerate,
  protectDashboard,
  typecheck,
  type E2EProject,
  type E2EProvider,
} from '../helpers/e2e-project.js';
import { HttpClient } from '../helpers/http-client.js';

const SCHEMA = 'prisma/schema.prisma';
const MIGRATIONS = 'prisma/migrations';
const NEW_VIEW = 'views/pow/registration/new.ejs';
const PARAGRAPH = '      <p class="intro">Accounts are free for members of the club.</p>\n';
const FIRST = MIGRATION_DIR.slice(`${MIGRATIONS}/`.length);
/** POW_NOW is frozen, so the next migration is one second after the first (nextMigrationName). */
const DELTA = FIRST.replace(
  /^(\d{13})(\d)/,
  (_m, head: string, last: string) => `${head}${Number(last) + 1}`,
);

function migrationNames(project: E2EProject): string[] {
  return readdirSync(join(project.dir, MIGRATIONS), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

async function drift(project: E2EProject): Promise<string> {
  return diffDatabaseToSchema(project.db.url, { [SCHEMA]: project.read(SCHEMA) }, { baseDir: project.dir });
}

/** install → migrate → edit → re-run with username → migrate → drift, shared by both providers. */
async function regenerate(t: TestContext, project: E2EProject, provider: E2EProvider): Promise<void> {
  await t.test('install and migrate: no drift', async () => {
    const res = await project.pow(['install', '--yes']);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    const migrate = await project.pow(['migrate']);
    assert.equal(migrate.code, 0, migrate.stderr);
    assert.deepEqual(migrationNames(project), [INIT_MIGRATION, FIRST]);
    assert.equal(await drift(project), '');
  });

  await t.test('re-run with username: one new migration with only the delta; the edit is kept', async () => {
    const title = '<h1 id="pow-title"><%= pow.t(\'pages.registration.new.title\') %></h1>\n';
    project.write(NEW_VIEW, project.read(NEW_VIEW).replace(title, `${title}${PARAGRAPH}`));
    const res = await project.pow([
      'install',
      '--yes',
      '--user-id-field',
      'email',
      '--user-id-field',
      'username',
    ]);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(
      res.stdout,
      new RegExp(`^create {4}${MIGRATIONS}/${DELTA}/migration\\.sql \\(new file\\)$`, 'm'),
    );
    assert.match(res.stdout, new RegExp(`^merge {5}${NEW_VIEW} `, 'm'));
    assert.deepEqual(migrationNames(project), [INIT_MIGRATION, FIRST, DELTA]);
    const sql = project.read(`${MIGRATIONS}/${DELTA}/migration.sql`);
    assert.match(sql, /ALTER TABLE "User" ADD COLUMN +"username" TEXT;/);
    assert.match(sql, /CREATE UNIQUE INDEX "User_username_key" ON "User"\("username"\);/);
    assert.doesNotMatch(sql, /CREATE TABLE|DROP/, `only the delta:\n${sql}`);
    const view = project.read(NEW_VIEW);
    assert.ok(view.includes(PARAGRAPH));
    assert.match(view, /<input id="username" name="username"/);
    // The database is behind until the new migration runs; pow status is about files, so it is clean.
    assert.notEqual(await drift(project), '');
    const status = await project.pow(['status', '--check']);
    assert.equal(status.code, 0, status.stdout);
  });

  await t.test('pow migrate applies just the new migration: no drift', async () => {
    const res = await project.pow(['migrate']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, new RegExp(`Applied 1 migration .*\\n {2}${DELTA}\\n`));
    assert.equal(await drift(project), '');
  });

  await t.test('later re-runs add no migration and write nothing', async () => {
    const hash = hashTree(project.dir);
    const res = await project.pow(['install', '--yes']);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /Up to date/);
    assert.equal(hashTree(project.dir), hash);
    const migrate = await project.pow(['migrate']);
    assert.match(migrate.stdout, /already up to date/);
  });

  await t.test(`taking username out of the options drops nothing (${provider})`, async () => {
    const schema = project.read(SCHEMA);
    const res = await project.pow(['install', '--yes', '--user-id-field', 'email']);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.deepEqual(migrationNames(project), [INIT_MIGRATION, FIRST, DELTA]);
    assert.equal(project.read(SCHEMA), schema);
    assert.doesNotMatch(project.read(NEW_VIEW), /name="username"/);
    assert.ok(project.read(NEW_VIEW).includes(PARAGRAPH));
    assert.equal(await drift(project), '');
    // Back to username for the rest of the walk (the column is still there: no migration).
    const back = await project.pow(['install', '--yes', '--user-id-field', 'email,username']);
    assert.equal(back.code, 0, back.stdout + back.stderr);
    assert.deepEqual(migrationNames(project), [INIT_MIGRATION, FIRST, DELTA]);
  });
}

test('regeneration on SQLite: delta migration, no drift, the regenerated app works', async (t) => {
  const project = await e2eProject('express5-ts-esm-sqlite', 'sqlite');
  let app: RunningApp | null = null;
  t.after(async () => {
    await app?.stop();
    await project.dispose();
  });
  await regenerate(t, project, 'sqlite');

  await t.test('prisma generate, then strict tsc --noEmit passes on the regenerated code', async () => {
    await prismaGenerate(project);
    await typecheck(project);
  });

  protectDashboard(project, 'src/app.ts', 'app');
  app = await bootWithTsx(project, 'src/server.ts');
  await t.test('the registration page has the team paragraph and the username field', async () => {
    const page = await new HttpClient(app!.url).get('/registration/new');
    assert.equal(page.status, 200);
    assert.match(page.body, /Accounts are free for members of the club\./);
    assert.match(page.body, /<input id="username" name="username"/);
  });
  await assertAuthFlow(t, app.url, { extraFields: { username: 'ada' } });
});

test('regeneration on PostgreSQL: delta migration, no drift', async (t) => {
  const project = await e2eProject('express4-js-cjs-postgres', 'postgresql');
  t.after(() => project.dispose());
  await regenerate(t, project, 'postgresql');
});
