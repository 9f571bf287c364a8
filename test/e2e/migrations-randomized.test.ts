/**
 * Issue 22, the randomized check: one installed copy of the SQLite example app goes through a
 * seeded, reproducible sequence of what teams do between pow runs, and after every step a fresh
 * database migrated from the history (Prisma's schema engine, in-process) must have no drift
 * against schema.prisma, the history must hold no two identical migrations, and replaying it must
 * build the schema exactly (no un-migrated change left behind). The steps:
 *
 * - team-migrated: the team adds a field and writes its migration (what `prisma migrate dev` writes);
 * - team-unmigrated: the team adds a field or a model without a migration; pow install refuses
 *   (exit 3), then `--include-schema-changes` writes it as its own migration;
 * - extension: pow install with one more extension (a migration of pow's, sometimes redefining User
 *   on SQLite), sometimes together with an un-migrated team change;
 * - killed: the next pow run is cut right after its migration file was in place (the state a kill
 *   leaves without a journal: the migration, nothing else) and re-run: no duplicate;
 * - switch: the team moves the app from SQLite to PostgreSQL (once, at step 2 or 3, seeded): pow
 *   refuses the old history with its steps, the test follows them (old history moved aside, `pow
 *   migrate --init` on a new PostgreSQL database), and every later step and check runs on
 *   PostgreSQL (fresh databases on the shared server, created and dropped per check).
 *
 * POW_RANDOM_SEED picks the sequence (default 22; the seed is in the test's diagnostics); the test
 * stops after POW_RANDOM_STEPS steps (default 8) or once 60 s have passed (install included),
 * whichever first, but always runs at least 5 steps. Kinds are drawn without repeats until each
 * has come once (a seeded bag), so the 5 steps hold the switch and every other kind, some after it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHistory } from '../../src/prisma/history.js';
import { migrationContentHash, nextMigrationName } from '../../src/prisma/migrations.js';
import { applyMigrations, diffDatabaseToSchema, diffSchemas } from '../../src/prisma/schema-engine.js';
import {
  createDatabase,
  e2eProject,
  POW_NOW,
  type E2EDatabase,
  type E2EProject,
} from '../helpers/e2e-project.js';
import { addToModel, writeMigration } from '../helpers/schema-edits.js';

const SCHEMA = 'prisma/schema.prisma';
const MIGRATIONS = 'prisma/migrations';
const SEED = Number(process.env.POW_RANDOM_SEED ?? 22);
const MAX_STEPS = Number(process.env.POW_RANDOM_STEPS ?? 8);
/** The whole test, install included: ~75 s on a quiet machine (steps stop starting after this). */
const BUDGET_MS = 60_000;
const MIN_STEPS = 5;
const EXTENSIONS = ['invitation', 'email-confirmation', 'sessions', 'reset-password'];

/** mulberry32: a small seeded PRNG, so a failing sequence can be replayed with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function migrationNames(project: E2EProject): string[] {
  return readdirSync(join(project.dir, MIGRATIONS), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

type Provider = 'sqlite' | 'postgresql';

async function assertHistoryBuildsSchema(
  project: E2EProject,
  provider: Provider,
  where: string,
): Promise<void> {
  const names = migrationNames(project);
  const hashes = names.map((n) => migrationContentHash(project.read(`${MIGRATIONS}/${n}/migration.sql`)));
  assert.equal(
    new Set(hashes).size,
    hashes.length,
    `${where}: two identical migrations in ${names.join(', ')}`,
  );
  const schema = { [SCHEMA]: project.read(SCHEMA) };
  const dir = mkdtempSync(join(tmpdir(), 'pow-random-db-'));
  const fresh = provider === 'postgresql' ? await createDatabase(provider, dir) : null;
  try {
    const url = fresh ? fresh.url : `file:${join(dir, 'fresh.db')}`;
    await applyMigrations(provider, url, join(project.dir, MIGRATIONS));
    assert.equal(
      await diffDatabaseToSchema(url, schema),
      '',
      `${where}: a fresh ${provider} database drifts from the schema`,
    );
  } finally {
    await fresh?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
  const history = await checkHistory({
    provider,
    root: project.dir,
    migrationsDir: MIGRATIONS,
    schema,
    url: project.env.DATABASE_URL,
  });
  assert.equal(history.kind, 'in-step', `${where}: the history does not build the schema`);
}

test(`randomized team changes, extensions and killed runs (seed ${SEED}): the history always builds the schema`, async (t) => {
  const random = prng(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const project = await e2eProject('express5-ts-esm-sqlite', 'sqlite');
  const snapshot = mkdtempSync(join(tmpdir(), 'pow-random-snap-'));
  let provider: Provider = 'sqlite';
  let pgDb: E2EDatabase | null = null;
  t.after(async () => {
    rmSync(snapshot, { recursive: true, force: true });
    await pgDb?.drop();
    await project.dispose();
  });
  const started = Date.now();
  const installed = await project.pow(['install', '--yes']);
  assert.equal(installed.code, 0, installed.stdout + installed.stderr);
  await assertHistoryBuildsSchema(project, provider, 'after the install');

  const extensions: string[] = [];
  let counter = 0;
  const log: string[] = [];
  const teamField = () => addToModel(project.read(SCHEMA), pick(['Post', 'User']), `t${++counter} String?`);
  const teamModel = () =>
    `${project.read(SCHEMA)}\nmodel Note${++counter} {\n  id   Int    @id @default(autoincrement())\n  text String\n}\n`;
  const install = (extra: string[]) =>
    project.pow(['install', '--yes', ...extensions.flatMap((e) => ['--extension', e]), ...extra]);

  // The provider switch happens once, early, so later steps of every seed run on PostgreSQL.
  const switchAt = 2 + Math.floor(random() * 2);
  const drawn = new Set<string>();
  // At least MIN_STEPS steps even on a loaded machine; more while the time budget lasts.
  for (
    let step = 1;
    step <= Math.max(MAX_STEPS, MIN_STEPS) && (step <= MIN_STEPS || Date.now() - started < BUDGET_MS);
    step += 1
  ) {
    const remaining = EXTENSIONS.filter((e) => !extensions.includes(e));
    const kinds = ['team-migrated', 'team-unmigrated', 'killed', ...(remaining.length ? ['extension'] : [])];
    const fresh = kinds.filter((k) => !drawn.has(k));
    if (fresh.length === 0) drawn.clear();
    const kind = step === switchAt ? 'switch' : pick(fresh.length ? fresh : kinds);
    drawn.add(kind);
    const where: string = `seed ${SEED}, step ${step} (${kind}, ${provider}); so far: ${log.join(' → ')}`;
    if (kind === 'switch') {
      // sqlite → postgresql, as a team does it: the datasource, then the steps pow's refusal gives.
      project.write(SCHEMA, project.read(SCHEMA).replace('provider = "sqlite"', 'provider = "postgresql"'));
      pgDb = await createDatabase('postgresql', project.dir);
      project.env.DATABASE_URL = pgDb.url;
      provider = 'postgresql';
      const refused = await install([]);
      assert.equal(refused.code, 3, `${where}: ${refused.stdout}${refused.stderr}`);
      assert.match(
        refused.stderr,
        /`mv prisma\/migrations prisma\/migrations_sqlite`\), then run `pow migrate --init`/,
      );
      renameSync(join(project.dir, MIGRATIONS), join(project.dir, 'prisma/migrations_sqlite'));
      const init = await project.pow(['migrate', '--init']);
      assert.equal(init.code, 0, `${where}: ${init.stdout}${init.stderr}`);
      assert.match(project.read(`${MIGRATIONS}/migration_lock.toml`), /^provider = "postgresql"$/m);
      const rerun = await install([]);
      assert.equal(rerun.code, 0, `${where}: ${rerun.stdout}${rerun.stderr}`);
    } else if (kind === 'team-migrated') {
      const before = project.read(SCHEMA);
      const after = teamField();
      project.write(SCHEMA, after);
      const name = nextMigrationName(migrationNames(project), `team_${counter}`, new Date(POW_NOW));
      writeMigration(
        project.dir,
        name,
        await diffSchemas(provider, { [SCHEMA]: before }, { [SCHEMA]: after }),
      );
      const res = await install([]);
      assert.equal(res.code, 0, `${where}: ${res.stdout}${res.stderr}`);
    } else if (kind === 'team-unmigrated' || kind === 'extension') {
      const withTeam = kind === 'team-unmigrated' || random() < 0.5;
      if (withTeam) project.write(SCHEMA, random() < 0.7 ? teamField() : teamModel());
      if (kind === 'extension') extensions.push(pick(remaining));
      if (withTeam) {
        const refused = await install([]);
        assert.equal(refused.code, 3, `${where}: ${refused.stdout}${refused.stderr}`);
        assert.match(refused.stderr, /has changes that no migration in prisma\/migrations creates/);
      }
      const res = await install(withTeam ? ['--include-schema-changes'] : []);
      assert.equal(res.code, 0, `${where}: ${res.stdout}${res.stderr}`);
    } else {
      // killed: the next pow run (one more extension, or a team change it includes) cut after its migration.
      const next = remaining.length && random() < 0.6 ? pick(remaining) : null;
      if (next === null) project.write(SCHEMA, teamField());
      rmSync(snapshot, { recursive: true, force: true });
      cpSync(project.dir, snapshot, { recursive: true, filter: (src) => !src.includes('node_modules') });
      const history = migrationNames(project);
      if (next) extensions.push(next);
      const full = await install(next ? [] : ['--include-schema-changes']);
      assert.equal(full.code, 0, `${where}: ${full.stdout}${full.stderr}`);
      const written = migrationNames(project).filter((n) => !history.includes(n));
      const last = written[written.length - 1];
      if (last) {
        // The state of the kill: everything as before the run, plus the run's last migration file.
        const sql = project.read(`${MIGRATIONS}/${last}/migration.sql`);
        for (const name of written) rmSync(join(project.dir, MIGRATIONS, name), { recursive: true });
        cpSync(snapshot, project.dir, { recursive: true, force: true });
        mkdirSync(join(project.dir, MIGRATIONS, last), { recursive: true });
        project.write(`${MIGRATIONS}/${last}/migration.sql`, sql);
        const rerun = await install(next ? [] : ['--include-schema-changes']);
        assert.equal(rerun.code, 0, `${where}: ${rerun.stdout}${rerun.stderr}`);
        assert.deepEqual(
          migrationNames(project),
          [...history, ...written],
          `${where}: the re-run wrote the same migrations`,
        );
      }
    }
    log.push(kind);
    await assertHistoryBuildsSchema(project, provider, where);
  }
  t.diagnostic(
    `seed ${SEED}: ${log.length} steps (${log.join(', ')}), extensions ${extensions.join(', ') || 'none'}, ${Date.now() - started} ms`,
  );
});
