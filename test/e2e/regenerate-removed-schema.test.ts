/**
 * Issue 23, item 1: a schema field or model pow added that the team removed stays removed. For each
 * thing pow adds (looped), on SQLite (a User model pow creates) and PostgreSQL (the app's own User
 * model): after `pow install` with every extension and the database session store, the team takes
 * it out of prisma/schema.prisma and migrates that (what `prisma migrate dev` writes). Then
 * `pow install --yes` adds it back neither to the schema nor in a migration, `pow status --check`
 * lists it as removed by the team with the command that restores it (and passes: a removal is not
 * drift), and `pow migrate` on a fresh database builds exactly the schema (the engine's drift
 * check). `--reapply prisma:<label>` then brings one back, with its migration.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { diffDatabaseToSchema, diffSchemas } from '../../src/prisma/schema-engine.js';
import { createDatabase, e2eProject, type E2EProject, type E2EProvider } from '../helpers/e2e-project.js';
import { removeFromSchema, writeMigration } from '../helpers/schema-edits.js';

const SCHEMA = 'prisma/schema.prisma';
const MANIFEST = '.pow/manifest.json';
const MIGRATIONS = 'prisma/migrations';
const ALL = ['email-confirmation', 'reset-password', 'persistent-session', 'invitation'];
/** The team's migration, one minute after pow's (POW_NOW is frozen at 03:04:05). */
const TEAM_MIGRATION = '20260102030505_team_removes_a_field';

/** What the team removes in one step: the labels `pow status` lists (relations go with their pair). */
const REMOVALS: Record<E2EProvider, string[][]> = {
  // fixtures/express5-ts-esm-sqlite: pow creates the User model.
  sqlite: [
    ['User.email'],
    ['User.emailConfirmedAt'],
    ['User.unconfirmedEmail'],
    ['User.invitationAcceptedAt'],
    ['User.invitedById', 'User.invitedBy', 'User.invitedUsers'],
    ['User.credential', 'UserCredential'],
    ['UserCredential.updatedAt'],
    ['PowSession'],
  ],
  // fixtures/express5-ts-existing-user: pow adds fields to the app's User model.
  postgresql: [
    ['User.emailConfirmedAt'],
    ['User.unconfirmedEmail'],
    ['User.invitationAcceptedAt'],
    ['User.invitedById', 'User.invitedBy', 'User.invitedUsers'],
    ['User.credential', 'UserCredential'],
    ['UserCredential.updatedAt'],
    ['PowSession'],
  ],
  mysql: [],
};
const FIXTURES: Record<E2EProvider, string> = {
  sqlite: 'express5-ts-esm-sqlite',
  postgresql: 'express5-ts-existing-user',
  mysql: '',
};

function migrationNames(project: E2EProject): string[] {
  return readdirSync(join(project.dir, MIGRATIONS), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** `pow migrate` into a fresh database, then the engine's drift check against the schema. */
async function freshDrift(project: E2EProject, provider: E2EProvider): Promise<string> {
  const db = await createDatabase(provider, project.dir);
  const url = provider === 'sqlite' ? 'file:./fresh.db' : db.url;
  try {
    const migrate = await project.pow(['migrate', '--url', url]);
    assert.equal(migrate.code, 0, migrate.stdout + migrate.stderr);
    return await diffDatabaseToSchema(url, { [SCHEMA]: project.read(SCHEMA) }, { baseDir: project.dir });
  } finally {
    await db.drop();
    rmSync(join(project.dir, 'fresh.db'), { force: true });
  }
}

async function removals(t: TestContext, provider: E2EProvider): Promise<void> {
  const project = await e2eProject(FIXTURES[provider], provider);
  t.after(() => project.dispose());
  const install = await project.pow(['install', '--yes', ...ALL.flatMap((e) => ['--extension', e])]);
  assert.equal(install.code, 0, install.stdout + install.stderr);
  const powSchema = project.read(SCHEMA);
  const manifest = project.read(MANIFEST);
  const history = migrationNames(project);

  /** Back to the state right after the install, then the team removes `labels` and migrates that. */
  const teamRemoves = async (labels: string[]): Promise<string> => {
    project.write(MANIFEST, manifest);
    rmSync(join(project.dir, MIGRATIONS, TEAM_MIGRATION), { recursive: true, force: true });
    const teamSchema = labels.reduce(removeFromSchema, powSchema);
    project.write(SCHEMA, teamSchema);
    const teamSql = await diffSchemas(provider, { [SCHEMA]: powSchema }, { [SCHEMA]: teamSchema });
    writeMigration(project.dir, TEAM_MIGRATION, teamSql);
    const rerun = await project.pow(['install', '--yes']);
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    return teamSchema;
  };

  for (const labels of REMOVALS[provider]) {
    await t.test(`${labels.join(' + ')} removed by the team stays removed (${provider})`, async () => {
      const teamSchema = await teamRemoves(labels);
      assert.equal(project.read(SCHEMA), teamSchema, 'the schema is left as the team made it');
      assert.deepEqual(migrationNames(project), [...history, TEAM_MIGRATION], 'no migration re-adds it');

      const status = await project.pow(['status', '--check']);
      assert.equal(status.code, 0, status.stdout + status.stderr);
      for (const label of labels) {
        const id = `prisma:${label}`.replace('.', '\\.');
        assert.match(
          status.stdout,
          new RegExp(`^ {2}removed {3}${id} in ${SCHEMA} .*pow install --reapply ${id}\\b`, 'm'),
        );
      }
      assert.match(status.stdout, /Re-run of pow install: up to date/);
      assert.deepEqual(migrationNames(project), [...history, TEAM_MIGRATION]);
      assert.equal(await freshDrift(project, provider), '');
    });
  }

  await t.test(`--reapply brings a removed field back, with its migration (${provider})`, async () => {
    const label = 'User.emailConfirmedAt';
    await teamRemoves([label]);
    const res = await project.pow(['install', '--yes', '--reapply', `prisma:${label}`]);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(project.read(SCHEMA), /^\s+emailConfirmedAt\s+DateTime\?/m);
    const added = migrationNames(project).filter((n) => !history.includes(n) && n !== TEAM_MIGRATION);
    assert.equal(added.length, 1, `one new migration: ${added.join(', ')}`);
    assert.match(project.read(`${MIGRATIONS}/${added[0]}/migration.sql`), /email_?confirmed_?at/i);
    assert.equal(await freshDrift(project, provider), '');
  });
}

test('SQLite: every schema addition the team removes stays removed', async (t) => {
  await removals(t, 'sqlite');
});

test('PostgreSQL: every schema addition the team removes stays removed', async (t) => {
  await removals(t, 'postgresql');
});
