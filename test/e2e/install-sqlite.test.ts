/**
 * `pow install` end to end on the SQLite example app (fixtures/express5-ts-esm-sqlite, with the
 * migration history its team would have, see seedMigrationHistory): dry run,
 * install, the migration equals the schema engine's diff, a second run writes nothing,
 * `pow migrate` (twice) leaves no drift, `prisma generate` + strict `tsc --noEmit`, then the app
 * boots and a browser-like client walks every page. One install shared by all the checks.
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

const FIXTURE = 'express5-ts-esm-sqlite';
const SCHEMA = 'prisma/schema.prisma';

test(`pow install on ${FIXTURE}: SQLite, end to end`, async (t) => {
  const project = await e2eProject(FIXTURE, 'sqlite');
  let app: RunningApp | null = null;
  t.after(async () => {
    await app?.stop();
    await project.dispose();
  });

  await t.test('--dry-run prints the plan and writes nothing', async () => {
    const before = hashTree(project.dir);
    const res = await project.pow(['install', '--dry-run']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^create {4}src\/pow\/config\.ts \(new file\)$/m);
    assert.match(res.stdout, /\(dry run: nothing written\)/);
    assert.equal(hashTree(project.dir), before);
  });

  await t.test('install: one line per file, the migration path, next steps', async () => {
    const res = await project.pow(['install', '--yes']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stderr, '');
    for (const line of [
      'create    src/pow/config.ts (new file)',
      'create    src/routes/pow.ts (new file)',
      'create    src/controllers/pow/session.ts (new file)',
      'create    src/controllers/pow/registration.ts (new file)',
      'create    views/pow/session/new.ejs (new file)',
      `create    ${MIGRATION_DIR}/migration.sql (new file)`,
      "create    .gitattributes (marks pow's own files as generated)",
    ]) {
      assert.ok(res.stdout.split('\n').includes(line), `missing line: ${line}\n${res.stdout}`);
    }
    assert.match(res.stdout, /^update {4}src\/app\.ts \(mounts pow in the app\)$/m);
    assert.match(
      res.stdout,
      /^update {4}prisma\/schema\.prisma \(adds User, UserCredential and PowSession to the schema\)$/m,
    );
    assert.match(res.stdout, /migration: .*migration\.sql: SQL from Prisma's schema engine/);
    assert.match(
      res.stdout,
      /Next steps:\n {2}1\. npm install .*\n {2}2\. npx pow migrate .*\n {2}3\. npx prisma generate/,
    );
    // .env (git-ignored by the fixture) got a new secret, so there is no "Set POW_SECRET" step.
    assert.match(project.read('.env'), /^POW_SECRET=[\w-]{64}$/m);
    assert.doesNotMatch(res.stdout, /Set POW_SECRET/);
    assert.match(res.stdout, /npm run dev \(the "dev" script does not load \.env: add --env-file=\.env/);

    const app = project.read('src/app.ts');
    assert.match(app, /^import \{ auth \} from '\.\/pow\/config\.js';$/m);
    assert.match(app, /^import \{ powRoutes \} from '\.\/routes\/pow\.js';$/m);
    assert.match(
      app,
      /app\.use\(express\.urlencoded\(\{ extended: false \}\)\);\napp\.use\(auth\.middleware\(\)\);\napp\.use\(powRoutes\);\n/,
    );
    const pkg = JSON.parse(project.read('package.json')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    assert.equal(pkg.dependencies.pow, '^0.1.0');
    assert.equal(pkg.devDependencies['pow-cli'], '^0.1.0', 'the CLI is a devDependency');
    assert.equal(pkg.dependencies.ejs, '3.1.10', 'kept as it was');
    const env = project.read('.env.example');
    assert.match(env, /^POW_SECRET=$/m);
    // The port of src/server.ts: Number(process.env.PORT ?? 3000).
    assert.match(env, /^POW_BASE_URL=http:\/\/localhost:3000$/m);
    assert.doesNotMatch(env, /REDIS_URL/);
    assert.equal(project.read('.gitattributes'), '.pow/** linguist-generated\n');
  });

  await t.test("the migration is the schema engine's diff from the old schema to the new", async () => {
    const sql = project.read(`${MIGRATION_DIR}/migration.sql`);
    const before = { [SCHEMA]: readFileSync(join(FIXTURES_DIR, FIXTURE, SCHEMA), 'utf8') };
    const after = { [SCHEMA]: project.read(SCHEMA) };
    assert.equal(withoutWarnings(sql), await diffSchemas('sqlite', before, after));
  });

  await t.test('a second identical run writes nothing and says so', async () => {
    const before = hashTree(project.dir);
    const res = await project.pow(['install', '--yes']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Up to date: pow install has nothing to change, no file was written\./);
    assert.doesNotMatch(res.stdout, /^(create|update|delete) /m);
    assert.equal(hashTree(project.dir), before);
  });

  await t.test('pow migrate applies the migration once; the database matches the schema', async () => {
    const first = await project.pow(['migrate']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(
      first.stdout,
      new RegExp(`Applied 2 migrations .*\\n {2}${INIT_MIGRATION}\\n {2}20260102030405_pow_install\\n`),
    );
    const second = await project.pow(['migrate']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /already up to date/);
    const drift = await diffDatabaseToSchema(
      project.db.url,
      { [SCHEMA]: project.read(SCHEMA) },
      { baseDir: project.dir },
    );
    assert.equal(drift, '');
  });

  await t.test('prisma generate, then strict tsc --noEmit passes', async () => {
    await prismaGenerate(project);
    await typecheck(project);
  });

  protectDashboard(project, 'src/app.ts', 'app');
  app = await bootWithTsx(project, 'src/server.ts');
  await assertAuthFlow(t, app.url);
  await assertNoHashInAppQueries(t, project, app.url);
});
