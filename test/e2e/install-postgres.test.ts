/**
 * `pow install` end to end on the app with its own User model on PostgreSQL
 * (fixtures/express5-ts-existing-user, a fresh `pow_e2e_<random>` database): the existing model
 * gains the `credential` relation and `UserCredential` (columns and table mapped to snake_case like
 * its own), the migration equals the
 * schema engine's diff, `pow migrate` leaves no drift, strict tsc passes, and the booted app passes
 * the browser walk with the app's required `name`, which install put on the sign-up form.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffDatabaseToSchema, diffSchemas } from '../../src/prisma/schema-engine.js';
import type { RunningApp } from '../helpers/app-process.js';
import { assertNoHashInAppQueries } from '../helpers/app-queries.js';
import { FIXTURES_DIR, hashTree } from '../helpers/fixtures.js';
import {
  INIT_MIGRATION,
  MIGRATION_DIR,
  assertAuthFlow,
  bootWithTsx,
  e2eProject,
  prismaGenerate,
  protectDashboard,
  typecheck,
  withoutWarnings,
} from '../helpers/e2e-project.js';

const FIXTURE = 'express5-ts-existing-user';
const SCHEMA = 'prisma/schema.prisma';

test(`pow install on ${FIXTURE}: PostgreSQL, existing User model, end to end`, async (t) => {
  const project = await e2eProject(FIXTURE, 'postgresql');
  let app: RunningApp | null = null;
  t.after(async () => {
    await app?.stop();
    await project.dispose();
  });

  await t.test(
    'install patches the existing model and puts the required User.name on the sign-up form',
    async () => {
      const res = await project.pow(['install', '--yes']);
      assert.equal(res.code, 0, res.stderr);
      assert.match(
        res.stdout,
        /^update {4}prisma\/schema\.prisma \(adds User\.credential, UserCredential and PowSession to the schema\)$/m,
      );
      assert.match(res.stdout, /^update {4}src\/app\.ts \(mounts pow in the app\)$/m);
      assert.match(res.stdout, /^registration: the sign-up form now asks for User\.name \(/m);
      assert.doesNotMatch(res.stdout, /Manual steps/);
      const schema = project.read(SCHEMA);
      assert.match(schema, /\n\n {2}credential UserCredential\?\n\n {2}@@map\("users"\)/);
      assert.match(
        schema,
        /\nmodel UserCredential \{\n {2}userId +String +@id @map\("user_id"\)\n {2}passwordHash String +@map\("password_hash"\)\n/,
      );
      assert.match(schema, /\n {2}@@map\("user_credentials"\)\n\}/);
      assert.ok(!project.read('src/app.ts').includes('app.engine('), 'ejs is already the view engine');
    },
  );

  await t.test("the migration is the schema engine's diff", async () => {
    const sql = project.read(`${MIGRATION_DIR}/migration.sql`);
    assert.match(
      sql,
      /CREATE TABLE "user_credentials" \(\n {4}"user_id" TEXT NOT NULL,\n {4}"password_hash" TEXT NOT NULL,/,
    );
    assert.doesNotMatch(sql, /ALTER TABLE "users" ADD COLUMN/, 'no secret column on the users table');
    const before = { [SCHEMA]: readFileSync(join(FIXTURES_DIR, FIXTURE, SCHEMA), 'utf8') };
    assert.equal(
      withoutWarnings(sql),
      await diffSchemas('postgresql', before, { [SCHEMA]: project.read(SCHEMA) }),
    );
  });

  await t.test('pow migrate applies both migrations; no drift; a second run is up to date', async () => {
    const first = await project.pow(['migrate']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(
      first.stdout,
      new RegExp(`Applied 2 migrations .*\\n {2}${INIT_MIGRATION}\\n {2}20260102030405_pow_install\\n`),
    );
    assert.doesNotMatch(first.stdout, /postgres:[^@/]*@/, 'no password in the output');
    assert.match((await project.pow(['migrate'])).stdout, /already up to date/);
    assert.equal(await diffDatabaseToSchema(project.db.url, { [SCHEMA]: project.read(SCHEMA) }), '');
  });

  await t.test('the generated registration lists User.name; a re-run writes nothing', async () => {
    const controller = 'src/controllers/pow/registration.ts';
    const config = 'src/pow/config.ts';
    assert.match(project.read(controller), /const USER_FIELDS = \['email', 'name'\];/);
    assert.match(
      project.read(config),
      /userFields: \[\n {4}\{ name: 'name', type: 'String', required: true \},\n {2}\],/,
    );
    assert.match(
      project.read('views/pow/registration/new.ejs'),
      /<input id="name" name="name" type="text" required/,
    );
    const before = hashTree(project.dir);
    const res = await project.pow(['install', '--yes']);
    assert.equal(res.code, 0, res.stderr);
    assert.doesNotMatch(res.stdout, /Manual steps/);
    assert.equal(hashTree(project.dir), before);
  });

  await t.test('prisma generate, then strict tsc --noEmit passes', async () => {
    await prismaGenerate(project);
    await typecheck(project);
  });

  protectDashboard(project, 'src/app.ts', 'app');
  app = await bootWithTsx(project, 'src/server.ts');
  await assertAuthFlow(t, app.url, { extraFields: { name: 'Ada Lovelace' } });
  await assertNoHashInAppQueries(t, project, app.url, { extraFields: { name: 'Grace Hopper' } });
});
