/**
 * Issue 22, item 1: the team changes the schema without a migration, then re-runs pow. pow replays
 * the migration history (the schema engine, on a scratch database), sees that it builds another
 * schema than prisma/schema.prisma, and names each model and field:
 * - `pow install --yes` stops (exit 3, POW_SCHEMA_NOT_MIGRATED) with both fixes and writes nothing;
 *   `pow status --check` and `pow diff` report the drift;
 * - `--include-schema-changes` writes the team's change as its own migration
 *   (`<timestamp>_team_schema_changes`), before pow's, which holds pow's change only;
 * - `pow migrate` on the dev database and on a fresh one then builds exactly the schema (the
 *   engine's drift check), and the next steps never name a command that does nothing.
 * On SQLite the team's column sits in a table pow's migration redefines (the invitation extension's
 * foreign key): the redefinition copies it only after the team's migration has created it.
 * Items 1 and 4 run on MariaDB too, where the path differs: the engine cannot run MySQL, so pow
 * replays the history with its own runner on a scratch database and compares tables and columns.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffDatabaseToSchema } from '../../src/prisma/schema-engine.js';
import { mysqlTableDifferences, mysqlTables } from '../../src/prisma/mysql-ddl.js';
import { hashTree } from '../helpers/fixtures.js';
import { createDatabase, e2eProject, type E2EProject, type E2EProvider } from '../helpers/e2e-project.js';
import { addToModel } from '../helpers/schema-edits.js';

const SCHEMA = 'prisma/schema.prisma';
const MIGRATIONS = 'prisma/migrations';
const FIXTURES: Record<E2EProvider, string> = {
  sqlite: 'express5-ts-esm-sqlite',
  postgresql: 'express4-js-cjs-postgres',
  mysql: 'express5-ts-multifile-mysql',
};
const NAMES: Record<E2EProvider, string> = { sqlite: 'SQLite', postgresql: 'PostgreSQL', mysql: 'MariaDB' };
/** POW_NOW is frozen at 03:04:05: pow's first migration takes :05, the next ones :06, :07. */
const TEAM = '20260102030406_team_schema_changes';
const USERNAME = ['--user-id-field', 'email', '--user-id-field', 'username'];

function migrationNames(project: E2EProject): string[] {
  return readdirSync(join(project.dir, MIGRATIONS), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

function drift(project: E2EProject, url: string): Promise<string> {
  return diffDatabaseToSchema(url, { [SCHEMA]: project.read(SCHEMA) }, { baseDir: project.dir });
}

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
 * `pow migrate` into a fresh database: no drift against the schema (the engine's diff; on MariaDB,
 * which the engine cannot read, every table and column of the schema per information_schema).
 */
async function assertFreshDatabaseInStep(project: E2EProject, provider: E2EProvider): Promise<void> {
  const db = await createDatabase(provider, project.dir);
  const url = provider === 'sqlite' ? 'file:./fresh.db' : db.url;
  try {
    const migrate = await project.pow(['migrate', '--url', url]);
    assert.equal(migrate.code, 0, migrate.stdout + migrate.stderr);
    if (provider === 'mysql') {
      assert.deepEqual(mysqlTableDifferences(await mysqlTables(url), schemaFiles(project)), []);
      return;
    }
    assert.equal(await drift(project, url), '');
  } finally {
    await db.drop();
    rmSync(join(project.dir, 'fresh.db'), { force: true });
  }
}

async function unmigratedUsername(t: TestContext, provider: 'sqlite' | 'postgresql'): Promise<void> {
  const project = await e2eProject(FIXTURES[provider], provider);
  t.after(() => project.dispose());

  await t.test('install and migrate', async () => {
    const res = await project.pow(['install', '--yes']);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.equal((await project.pow(['migrate'])).code, 0);
  });
  const history = migrationNames(project);

  await t.test('the team adds username by hand: pow install stops, names it, writes nothing', async () => {
    project.write(SCHEMA, addToModel(project.read(SCHEMA), 'User', 'username String? @unique'));
    const before = hashTree(project.dir);
    const res = await project.pow(['install', '--yes', ...USERNAME]);
    assert.equal(res.code, 3, res.stdout + res.stderr);
    assert.match(
      res.stderr,
      /prisma\/schema\.prisma has changes that no migration in prisma\/migrations creates: User\.username \(field added\)/,
    );
    assert.match(res.stderr, /npx prisma migrate dev --name/);
    assert.match(
      res.stderr,
      new RegExp(
        `--include-schema-changes and pow writes them as their own migration, ${MIGRATIONS}/${TEAM}`,
      ),
    );
    assert.doesNotMatch(res.stdout, /pow migrate/, 'no next step that does nothing');
    assert.equal(hashTree(project.dir), before);
  });

  await t.test('pow status --check and pow diff report the drift', async () => {
    const status = await project.pow(['status', '--check']);
    assert.equal(status.code, 3, status.stdout + status.stderr);
    assert.match(status.stdout, /Schema changes without a migration.*\n {2}User\.username \(field added\)/);
    assert.match(
      status.stdout,
      /the schema has changes no migration creates: User\.username \(field added\)/,
    );
    const diff = await project.pow(['diff']);
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(
      diff.stdout,
      /drift +the schema has changes no migration creates: User\.username \(field added\)/,
    );
  });

  await t.test(
    '--include-schema-changes: the team change is its own migration; migrate: no drift',
    async () => {
      const res = await project.pow(['install', '--yes', '--include-schema-changes', ...USERNAME]);
      assert.equal(res.code, 0, res.stdout + res.stderr);
      assert.deepEqual(migrationNames(project), [...history, TEAM], 'username needs no migration of pow');
      const sql = project.read(`${MIGRATIONS}/${TEAM}/migration.sql`);
      assert.match(sql, /"username"/);
      assert.match(res.stdout, /pow migrate {4}# apply the migration/);
      const migrate = await project.pow(['migrate']);
      assert.equal(migrate.code, 0, migrate.stdout + migrate.stderr);
      assert.match(migrate.stdout, new RegExp(`Applied 1 migration .*\\n {2}${TEAM}\\n`));
      assert.equal(await drift(project, project.db.url), '');
      await assertFreshDatabaseInStep(project, provider);
      const status = await project.pow(['status', '--check']);
      assert.equal(status.code, 0, status.stdout + status.stderr);
    },
  );
}

test("SQLite: an un-migrated schema change of the team is reported, never mixed into pow's migration", async (t) => {
  await unmigratedUsername(t, 'sqlite');
});

test("PostgreSQL: an un-migrated schema change of the team is reported, never mixed into pow's migration", async (t) => {
  await unmigratedUsername(t, 'postgresql');
});

/**
 * Item 1 on MariaDB, where the path differs: the engine cannot replay MySQL, so pow applies the
 * history with its own runner to a scratch database of the same server and compares its tables and
 * columns with the schema's; the team's migration comes from pow's MySQL renderer.
 */
test("MariaDB: an un-migrated schema change of the team is reported, never mixed into pow's migration", async (t) => {
  const project = await e2eProject(FIXTURES.mysql, 'mysql');
  t.after(() => project.dispose());
  const res = await project.pow(['install', '--yes']);
  assert.equal(res.code, 0, res.stdout + res.stderr);
  assert.doesNotMatch(res.stdout, /not compared with the migration history/);
  assert.equal((await project.pow(['migrate'])).code, 0);
  const history = migrationNames(project);
  // The team's own file (User lives in prisma/schema/pow.prisma, pow's file, in this multi-file app).
  const postFile = 'prisma/schema/post.prisma';
  project.write(postFile, addToModel(project.read(postFile), 'Post', 'nickname String?'));

  const refused = await project.pow(['install', '--yes', '--extension', 'invitation']);
  assert.equal(refused.code, 3, refused.stdout + refused.stderr);
  assert.match(
    refused.stderr,
    /has changes that no migration in prisma\/migrations creates: Post\.nickname \(field added\)/,
  );
  assert.deepEqual(migrationNames(project), history, 'nothing written');
  const status = await project.pow(['status', '--check']);
  assert.equal(status.code, 3, status.stdout + status.stderr);
  assert.match(status.stdout, /Post\.nickname \(field added\)/);

  const included = await project.pow([
    'install',
    '--yes',
    '--include-schema-changes',
    '--extension',
    'invitation',
  ]);
  assert.equal(included.code, 0, included.stdout + included.stderr);
  const [team, pow] = migrationNames(project).filter((n) => !history.includes(n));
  assert.equal(team, TEAM);
  assert.match(
    project.read(`${MIGRATIONS}/${team}/migration.sql`),
    /ALTER TABLE `Post` ADD COLUMN `nickname` VARCHAR\(191\) NULL;/,
  );
  assert.doesNotMatch(project.read(`${MIGRATIONS}/${pow}/migration.sql`), /nickname/);
  const migrate = await project.pow(['migrate']);
  assert.equal(migrate.code, 0, migrate.stdout + migrate.stderr);
  assert.deepEqual(mysqlTableDifferences(await mysqlTables(project.db.url), schemaFiles(project)), []);
  await assertFreshDatabaseInStep(project, 'mysql');
  const clean = await project.pow(['status', '--check']);
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
});

test('SQLite: a table pow redefines copies the team column only after the team migration created it', async (t) => {
  const project = await e2eProject(FIXTURES.sqlite, 'sqlite');
  t.after(() => project.dispose());
  const res = await project.pow(['install', '--yes']);
  assert.equal(res.code, 0, res.stdout + res.stderr);
  const history = migrationNames(project);
  project.write(SCHEMA, addToModel(project.read(SCHEMA), 'User', 'nickname String?'));

  const refused = await project.pow(['install', '--yes', '--extension', 'invitation']);
  assert.equal(refused.code, 3, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /User\.nickname \(field added\)/);

  const included = await project.pow([
    'install',
    '--yes',
    '--include-schema-changes',
    '--extension',
    'invitation',
  ]);
  assert.equal(included.code, 0, included.stdout + included.stderr);
  const added = migrationNames(project).filter((n) => !history.includes(n));
  assert.deepEqual(added, [TEAM, '20260102030407_pow_install']);
  assert.match(project.read(`${MIGRATIONS}/${TEAM}/migration.sql`), /ADD COLUMN "nickname"/);
  const pow = project.read(`${MIGRATIONS}/${added[1]}/migration.sql`);
  assert.match(pow, /INSERT INTO "new_User"/, 'the case of the issue: pow redefines User');
  assert.doesNotMatch(pow, /ADD COLUMN "nickname"/);
  await assertFreshDatabaseInStep(project, 'sqlite');
});

/**
 * Issue 22, item 4: a run killed right after pow's migration file was in place (before the schema
 * and the manifest: files are written in path order, prisma/migrations/ before prisma/schema.prisma).
 * The re-run recognises its own pending migration by content and keeps it: no second, identical
 * migration, and a fresh database migrates without `duplicate column name`.
 */
for (const provider of ['sqlite', 'postgresql', 'mysql'] as const) {
  test(`${NAMES[provider]}: a re-run after an interrupted run writes no duplicate migration`, async (t) => {
    const project = await e2eProject(FIXTURES[provider], provider);
    t.after(() => project.dispose());
    assert.equal((await project.pow(['install', '--yes'])).code, 0);
    assert.equal((await project.pow(['migrate'])).code, 0);
    const history = migrationNames(project);
    const snapshot = mkdtempSync(join(tmpdir(), 'pow-interrupted-'));
    t.after(() => rmSync(snapshot, { recursive: true, force: true }));
    cpSync(project.dir, snapshot, { recursive: true, filter: (src) => !src.includes('node_modules') });

    const full = await project.pow(['install', '--yes', ...USERNAME]);
    assert.equal(full.code, 0, full.stdout + full.stderr);
    const [pending] = migrationNames(project).filter((n) => !history.includes(n));
    const sql = project.read(`${MIGRATIONS}/${pending}/migration.sql`);
    // The state the kill left: everything as before the run, plus the migration file.
    rmSync(join(project.dir, MIGRATIONS, pending), { recursive: true });
    cpSync(snapshot, project.dir, { recursive: true, force: true });
    mkdirSync(join(project.dir, MIGRATIONS, pending));
    project.write(`${MIGRATIONS}/${pending}/migration.sql`, sql);

    const rerun = await project.pow(['install', '--yes', ...USERNAME]);
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    assert.deepEqual(migrationNames(project), [...history, pending], 'the same one migration');
    assert.equal(project.read(`${MIGRATIONS}/${pending}/migration.sql`), sql);
    assert.match(Object.values(schemaFiles(project)).join('\n'), /username/);
    await assertFreshDatabaseInStep(project, provider);
  });
}
