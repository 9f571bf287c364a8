/**
 * The CLI's fast path (issue 18, src/cli/fast-path.ts, migrate-fast-path.ts): a re-run whose
 * inputs are unchanged answers from its stamp in .pow/cache with the same bytes and exit code as
 * the full run; any single changed input (the schema, an option, a file the team edited, a
 * template, the database) takes the full path again. DEBUG=pow makes the CLI say which path it took.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inputsDigest } from '../../src/cli/input-stamp.js';
import { copyFixture, REPO_ROOT, runPow, type TempProject } from '../helpers/fixtures.js';

const NOW = { POW_NOW: '2026-01-02T03:04:05Z' };
const FAST = /^pow: inputs unchanged/m;

function withCopy(t: { after(fn: () => void): void }): TempProject {
  const copy = copyFixture('express5-ts-esm-sqlite', { nodeModules: false });
  t.after(() => copy.cleanup());
  return copy;
}

const pow = (argv: string[], dir: string, env: Record<string, string> = {}) =>
  runPow([...argv, '--cwd', dir], { env: { ...NOW, DEBUG: 'pow', ...env } });

/** Runs the command twice and returns both results (the second may be fast). */
async function twice(argv: string[], dir: string, env: Record<string, string> = {}) {
  return [await pow(argv, dir, env), await pow(argv, dir, env)] as const;
}

test('install, status and diff: unchanged inputs answer from the stamp with the same bytes; each changed input takes the full path', async (t) => {
  const copy = withCopy(t);
  const first = await pow(['install', '--yes'], copy.dir);
  assert.equal(first.code, 0, first.stderr);
  assert.doesNotMatch(first.stderr, FAST, 'a first install is never answered from a stamp');

  for (const argv of [['install', '--yes'], ['status'], ['status', '--check'], ['diff']]) {
    const [full, fast] = await twice(argv, copy.dir);
    assert.doesNotMatch(full.stderr, FAST, `${argv.join(' ')}: first run takes the full path`);
    assert.match(
      fast.stderr,
      FAST,
      `${argv.join(' ')}: re-run with nothing changed is answered from the stamp`,
    );
    assert.equal(fast.stdout, full.stdout, argv.join(' '));
    assert.equal(fast.code, full.code, argv.join(' '));
  }
  const upToDate = await pow(['install', '--yes'], copy.dir);
  assert.match(upToDate.stdout, /Up to date: pow install has nothing to change/);
  assert.match(upToDate.stderr, FAST);

  /** After `change`, the command takes the full path, then the fast path again. */
  const fullAfter = async (what: string, change: () => void, argv = ['install', '--yes'], env = {}) => {
    change();
    const [full, fast] = await twice(argv, copy.dir, env);
    assert.doesNotMatch(full.stderr, FAST, `${what}: the full path`);
    assert.match(fast.stderr, FAST, `${what}: stamped again`);
    return full;
  };

  // An option changed: another command line, another answer.
  const dry = await fullAfter('--dry-run added', () => {}, ['install', '--yes', '--dry-run']);
  assert.match(dry.stdout, /Up to date/);
  const otherEnv = await fullAfter('an environment variable changed', () => {}, ['install', '--yes'], {
    POW_NOW: '2026-02-03T04:05:06Z',
  });
  assert.match(otherEnv.stdout, /Up to date/);

  // The schema edited by the team: the full path sees the un-migrated change.
  const schema = join(copy.dir, 'prisma/schema.prisma');
  const before = readFileSync(schema, 'utf8');
  const edited = await fullAfter(
    'schema edited',
    () => writeFileSync(schema, before.replace(/model Post \{/, 'model Post {\n  subtitle String?')),
    ['status'],
  );
  assert.match(edited.stdout, /modified\s+prisma\/schema\.prisma/, 'the full path read the edited schema');
  writeFileSync(schema, before);

  // A generated file edited by the team: status reports it (only the full path can know).
  const controller = join(copy.dir, 'src/controllers/pow/session.ts');
  const original = readFileSync(controller, 'utf8');
  const team = await fullAfter(
    'generated file edited',
    () => writeFileSync(controller, `${original}\n// the team's line\n`),
    ['status'],
  );
  assert.match(team.stdout, /modified\s+src\/controllers\/pow\/session\.ts/);
  writeFileSync(controller, original);

  // A template changed: the project's own copy of a template (.pow/templates) is an input.
  const ejected = join(copy.dir, '.pow/templates/views/__namespace__/pow/flash.ejs.ejs');
  const changedTemplate = await fullAfter(
    'template changed',
    () => {
      mkdirSync(join(ejected, '..'), { recursive: true });
      writeFileSync(
        ejected,
        `${readFileSync(join(REPO_ROOT, 'templates/views/__namespace__/pow/flash.ejs.ejs'), 'utf8')}<!-- v2 -->\n`,
      );
    },
    ['diff'],
  );
  assert.match(changedTemplate.stdout, /v2/, 'the full path rendered the changed template');
});

test("pow's own templates and version are inputs of the digest", (t) => {
  const root = mkdtempSync(join(tmpdir(), 'pow-fast-path-digest-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const templates = join(root, 'templates');
  const project = join(root, 'app');
  cpSync(join(REPO_ROOT, 'templates'), templates, { recursive: true });
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{}\n');
  const inputs = {
    root: project,
    argv: ['status'],
    env: {},
    isTTY: false,
    powVersion: '0.1.0',
    templatesDir: templates,
  };
  const digest = inputsDigest(inputs);
  assert.equal(inputsDigest(inputs), digest, 'stable');
  assert.notEqual(inputsDigest({ ...inputs, powVersion: '0.2.0' }), digest, 'pow version');
  const file = join(templates, 'install/pow/prisma.ts.ejs');
  writeFileSync(file, `${readFileSync(file, 'utf8')}// new template version\n`);
  assert.notEqual(inputsDigest(inputs), digest, 'a template of pow changed');
  // Data and caches are not inputs: a SQLite database, the stamps themselves, node_modules.
  const changedTemplates = inputsDigest(inputs);
  writeFileSync(join(project, 'dev.db'), 'rows');
  mkdirSync(join(project, '.pow/cache'), { recursive: true });
  writeFileSync(join(project, '.pow/cache/status.json'), '{}');
  mkdirSync(join(project, 'node_modules'));
  writeFileSync(join(project, 'node_modules/x.js'), '');
  assert.equal(inputsDigest(inputs), changedTemplates);
  writeFileSync(join(project, 'package.json'), '{ "name": "x" }\n');
  assert.notEqual(inputsDigest(inputs), changedTemplates, 'a project file');
});

test('pow migrate puts SQLite in WAL mode; with nothing to apply one query answers; a new migration or another database takes the full path', async (t) => {
  const copy = withCopy(t);
  assert.equal((await pow(['install', '--yes'], copy.dir)).code, 0);
  const env = { DATABASE_URL: 'file:./dev.db' };
  // The fixture has no migration history: --init writes the init of its own models first.
  const applied = await pow(['migrate', '--init'], copy.dir, env);
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /Applied 2 migrations/);
  const { default: Database } = await import('better-sqlite3');
  const mode = new Database(join(copy.dir, 'dev.db'), { readonly: true });
  assert.equal(mode.pragma('journal_mode', { simple: true }), 'wal', 'pow migrate leaves SQLite in WAL mode');
  mode.close();
  const [full, fast] = await twice(['migrate'], copy.dir, env);
  assert.doesNotMatch(full.stderr, /every migration applied/);
  assert.match(fast.stderr, /every migration applied/);
  assert.equal(fast.stdout, full.stdout);
  assert.match(fast.stdout, /Database is already up to date/);
  const json = await twice(['migrate', '--json'], copy.dir, env);
  assert.match(json[1].stderr, /every migration applied/);
  assert.deepEqual(JSON.parse(json[1].stdout), JSON.parse(json[0].stdout));

  // Another database (same inputs otherwise): the query finds nothing applied, full path applies.
  const other = await pow(['migrate'], copy.dir, { DATABASE_URL: 'file:./other.db' });
  assert.match(other.stdout, /Applied 2 migrations/);

  // A new migration in the folder: not applied yet, so the full path applies it.
  const folder = join(copy.dir, 'prisma/migrations/20260301000000_team');
  mkdirSync(folder);
  writeFileSync(join(folder, 'migration.sql'), 'CREATE TABLE "Team" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
  const added = await pow(['migrate'], copy.dir, env);
  assert.doesNotMatch(added.stderr, /every migration applied/);
  assert.match(added.stdout, /Applied 1 migration[\s\S]*20260301000000_team/);
  // The database changed behind pow's back (a migration row deleted): the query sees it.
  const again = await twice(['migrate'], copy.dir, env);
  assert.match(again[1].stderr, /every migration applied/);
  const db = new Database(join(copy.dir, 'dev.db'));
  db.prepare(`DELETE FROM _prisma_migrations WHERE migration_name = '20260301000000_team'`).run();
  db.prepare('DROP TABLE "Team"').run();
  db.close();
  const reapplied = await pow(['migrate'], copy.dir, env);
  assert.doesNotMatch(reapplied.stderr, /every migration applied/);
  assert.match(reapplied.stdout, /Applied 1 migration[\s\S]*20260301000000_team/);
});
