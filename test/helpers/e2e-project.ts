/**
 * End-to-end helpers for `pow install`: a fixture copied to a temp folder with its own fresh
 * database, the steps a developer runs after the install (pow migrate, prisma generate, tsc), the
 * app booted as a child process, and the browser-like walk through pow's pages that every
 * fixture's test shares.
 *
 * The copied app resolves `pow` from the shared install of its packed tarball
 * (scripts/test-apps.mjs, through copyFixture), and runs its tools (prisma, tsc, tsx) from there:
 * run `npm run build` first (`npm test` does, and packs before the test files run).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import { startApp, type RunningApp } from './app-process.js';
import { appsNodeModules, copyFixture, runPow, type PowResult, type TempProject } from './fixtures.js';
import { HttpClient, csrfTokenFrom, formActions } from './http-client.js';
import { MARIADB, PG_URL } from './prisma-test-client.js';

const exec = promisify(execFile);

export type E2EProvider = 'sqlite' | 'postgresql' | 'mysql';

/** A secret for the booted apps (tests only). */
export const TEST_POW_SECRET = 'e2e-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
/** Frozen clock of the migration folder name. */
export const POW_NOW = '2026-01-02T03:04:05Z';
export const MIGRATION_DIR = 'prisma/migrations/20260102030405_pow_install';

/** The apps' tools (prisma, tsc, tsx, pow): the shared install's, as `npx` finds them in an app. */
const BIN = (): string => join(appsNodeModules(), '.bin');

/**
 * Makes sure pow is packed and installed for the copied apps (scripts/test-apps.mjs); fails with a
 * clear message when dist/ is missing.
 */
export function requireBuild(): void {
  appsNodeModules();
}

export interface E2EDatabase {
  provider: E2EProvider;
  /** The URL the app and `pow migrate` use. */
  url: string;
  /** Database name (PostgreSQL/MariaDB) or file (SQLite). */
  name: string;
  drop(): Promise<void>;
}

function randomName(): string {
  return `pow_e2e_${randomBytes(5).toString('hex')}`;
}

/** A fresh, empty database for one project (SQLite: a file inside the project). */
export async function createDatabase(provider: E2EProvider, projectDir: string): Promise<E2EDatabase> {
  if (provider === 'sqlite') {
    return { provider, url: 'file:./dev.db', name: join(projectDir, 'dev.db'), drop: async () => {} };
  }
  const name = randomName();
  if (provider === 'postgresql') {
    const pg = (await import('pg')).default;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    return {
      provider,
      url: url.toString(),
      name,
      async drop() {
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await client.end();
      },
    };
  }
  const mariadb = await import('mariadb');
  const conn = await mariadb.createConnection({ ...MARIADB });
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  const auth = MARIADB.password ? `${MARIADB.user}:${encodeURIComponent(MARIADB.password)}` : MARIADB.user;
  return {
    provider,
    url: `mysql://${auth}@${MARIADB.host}:${MARIADB.port}/${name}`,
    name,
    async drop() {
      const c = await mariadb.createConnection({ ...MARIADB });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

export interface E2EProject extends TempProject {
  db: E2EDatabase;
  /** DATABASE_URL and POW_SECRET for every child process. */
  env: Record<string, string>;
  /** `pow <args>` in-process in the project, with the frozen clock and the env. */
  pow(args: string[]): Promise<PowResult>;
  read(path: string): string;
  write(path: string, text: string): void;
  /** Removes the temp copy and drops the database. */
  dispose(): Promise<void>;
}

/** Every .prisma file under the fixture's prisma/ folder (path relative to the project → text). */
function fixtureSchema(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.prisma')) out[child] = readFileSync(join(dir, child), 'utf8');
    }
  };
  walk('prisma');
  return out;
}

/** The team's first migration in the seeded history (see seedMigrationHistory). */
export const INIT_MIGRATION = '20250101000000_init';

/**
 * Gives the copied app the migration history its team would have: one `init` migration for the
 * app's own models (what `prisma migrate dev --name init` writes; the fixtures carry none) plus
 * `migration_lock.toml`. `pow migrate` then applies it before pow's own migration, as on a real
 * project. (A database with tables but no `_prisma_migrations` is refused, like `migrate deploy` does.)
 */
export async function seedMigrationHistory(project: { dir: string }, provider: E2EProvider): Promise<string> {
  const schema = fixtureSchema(project.dir);
  let sql: string;
  if (provider === 'mysql') {
    const { renderMysqlMigration } = await import('../../src/prisma/mysql-ddl.js');
    // Before: the file with the datasource only (no models); after: the whole schema.
    const datasourceOnly = Object.fromEntries(
      Object.entries(schema).filter(([, text]) => /\bdatasource\s+\w+\s*\{/.test(text)),
    );
    sql = renderMysqlMigration(datasourceOnly, schema).sql;
  } else {
    const { diffSchemas } = await import('../../src/prisma/schema-engine.js');
    sql = await diffSchemas(provider, 'empty', schema);
  }
  const { migrationLockToml } = await import('../../src/prisma/migrations-dir.js');
  mkdirSync(join(project.dir, 'prisma/migrations', INIT_MIGRATION), { recursive: true });
  writeFileSync(join(project.dir, 'prisma/migrations', INIT_MIGRATION, 'migration.sql'), sql);
  writeFileSync(join(project.dir, 'prisma/migrations/migration_lock.toml'), migrationLockToml(provider));
  return sql;
}

/**
 * Copies a fixture, seeds its migration history (unless `history: false`: an app on `prisma db
 * push`, as the fixtures ship) and gives it a fresh, empty database.
 */
export async function e2eProject(
  fixture: string,
  provider: E2EProvider,
  options: { history?: boolean } = {},
): Promise<E2EProject> {
  requireBuild();
  const copy = copyFixture(fixture);
  let db: E2EDatabase | undefined;
  try {
    if (options.history !== false) await seedMigrationHistory(copy, provider);
    db = await createDatabase(provider, copy.dir);
  } catch (error) {
    copy.cleanup();
    await db?.drop();
    throw error;
  }
  const env = { DATABASE_URL: db.url, POW_SECRET: TEST_POW_SECRET, POW_NOW };
  return {
    ...copy,
    db,
    env,
    pow: (args) => runPow(args, { cwd: copy.dir, env }),
    read: (path) => readFileSync(join(copy.dir, path), 'utf8'),
    write: (path, text) => writeFileSync(join(copy.dir, path), text),
    async dispose() {
      copy.cleanup();
      await db.drop();
    },
  };
}

/** Runs a tool of the repo's node_modules/.bin in the project; rejects with its output on failure. */
export async function runBin(
  project: E2EProject,
  bin: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<string> {
  try {
    const { stdout, stderr } = await exec(join(BIN(), bin), args, {
      cwd: project.dir,
      env: { ...process.env, ...project.env, ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout + stderr;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${bin} ${args.join(' ')} failed in ${project.dir}:\n${e.stdout ?? ''}${e.stderr ?? ''}${e.message}`,
      { cause: error },
    );
  }
}

/** `prisma generate` the way the README tells developers to run it. */
export function prismaGenerate(project: E2EProject): Promise<string> {
  return runBin(project, 'prisma', ['generate'], {
    // prisma generate does not need the native schema engine, but without this variable it first
    // tries to download it, which fails offline. Any existing file will do.
    PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  });
}

/** `tsc --noEmit` with the project's own (strict) tsconfig. */
export function typecheck(project: E2EProject): Promise<string> {
  return runBin(project, 'tsc', ['--noEmit', '-p', '.']);
}

/** Protects `/dashboard` the way the install's next steps tell a developer to. */
export function protectDashboard(project: E2EProject, entry: string, app: string): void {
  const text = project.read(entry);
  const route = `${app}.get('/dashboard', `;
  assert.ok(text.includes(route), `${entry} has no ${route}`);
  project.write(entry, text.replace(route, `${route}auth.requireAuthenticated, `));
}

/**
 * The app's own start command (`scripts.start` of its package.json, e.g. `tsx src/index.ts`), its
 * tool resolved in the shared install's `.bin` as npm would from the app's node_modules.
 */
export function startCommand(project: E2EProject): [string, ...string[]] {
  const pkg = JSON.parse(project.read('package.json')) as { scripts?: { start?: string } };
  const words = pkg.scripts?.start?.trim().split(/\s+/) ?? [];
  assert.ok(words.length > 0, `${project.dir}/package.json has no start script`);
  const [tool, ...args] = words as [string, ...string[]];
  return [join(BIN(), tool), ...args];
}

/** Boots the app with tsx on a free port (POW_SECRET and DATABASE_URL set). */
export function bootWithTsx(project: E2EProject, script: string): Promise<RunningApp> {
  return startApp(project.dir, join(BIN(), 'tsx'), [script], project.env, 60_000);
}

export interface AuthFlowOptions {
  /** Extra registration fields the app requires (e.g. { name: 'Ada' }). */
  extraFields?: Record<string, string>;
}

/**
 * The browser walk every installed app must pass, as subtests sharing one app:
 * protected page → sign-in redirect, CSRF-less POST refused, register, sign out, wrong password
 * (401, generic message), sign in and back to the page that asked, edit account (needs the current
 * password), delete account.
 */
export async function assertAuthFlow(
  t: TestContext,
  baseUrl: string,
  options: AuthFlowOptions = {},
): Promise<void> {
  const browser = new HttpClient(baseUrl);
  const email = 'ada@example.com';
  const password = 'purple-otter-maps-42-quietly';
  const extra = options.extraFields ?? {};

  await t.test('a protected page redirects to sign-in, remembering the page', async () => {
    const res = await browser.get('/dashboard');
    assert.equal(res.status, 302);
    assert.equal(res.location, '/session/new?request_path=%2Fdashboard');
  });

  await t.test('a POST without a CSRF token is refused (403, a page with a link back)', async () => {
    await browser.get('/registration/new');
    const res = await browser.post('/registration', {
      email,
      password,
      password_confirmation: password,
      ...extra,
    });
    assert.equal(res.status, 403);
    assert.match(res.body, /<h1 id="pow-title">This form could not be sent<\/h1>/);
  });

  await t.test('register: signed in, then the protected page opens', async () => {
    const page = await browser.get('/registration/new');
    assert.equal(page.status, 200);
    assert.deepEqual(
      formActions(page.body).filter((a) => a === '/registration'),
      ['/registration'],
    );
    const res = await browser.post('/registration', {
      _csrf: csrfTokenFrom(page.body),
      email,
      password,
      password_confirmation: password,
      ...extra,
    });
    assert.equal(res.status, 302, res.body.slice(0, 2000));
    assert.equal(res.location, '/');
    const dashboard = await browser.get('/dashboard');
    assert.equal(dashboard.status, 200);
    assert.match(dashboard.body, /Dashboard/);
  });

  await t.test('sign out', async () => {
    const page = await browser.get('/registration/edit');
    const res = await browser.post('/session', { _csrf: csrfTokenFrom(page.body), _method: 'DELETE' });
    assert.equal(res.status, 302);
    const dashboard = await browser.get('/dashboard');
    assert.equal(dashboard.status, 302);
  });

  await t.test('wrong password: 401 with the generic message; then sign in returns to the page', async () => {
    const signIn = await browser.follow(await browser.get('/dashboard'));
    assert.equal(signIn.status, 200);
    assert.deepEqual(formActions(signIn.body).slice(-1), ['/session?request_path=%2Fdashboard']);
    const csrf = csrfTokenFrom(signIn.body);
    const wrong = await browser.post('/session?request_path=%2Fdashboard', {
      _csrf: csrf,
      user_id: email,
      password: 'not-the-password-at-all',
    });
    assert.equal(wrong.status, 401);
    assert.match(wrong.body, /The provided login details did not work/);
    const unknown = await browser.post('/session?request_path=%2Fdashboard', {
      _csrf: csrf,
      user_id: 'nobody@example.com',
      password: 'not-the-password-at-all',
    });
    assert.equal(unknown.status, 401, 'an unknown account gets the same answer');
    assert.match(unknown.body, /The provided login details did not work/);
    const ok = await browser.post('/session?request_path=%2Fdashboard', {
      _csrf: csrf,
      user_id: email,
      password,
    });
    assert.equal(ok.status, 302);
    assert.equal(ok.location, '/dashboard');
    assert.equal((await browser.get('/dashboard')).status, 200);
  });

  await t.test('edit account: needs the current password', async () => {
    const page = await browser.get('/registration/edit');
    assert.equal(page.status, 200);
    const csrf = csrfTokenFrom(page.body);
    const update = {
      _csrf: csrf,
      _method: 'PATCH',
      email: 'ada@example.org',
      password: '',
      password_confirmation: '',
      ...extra,
    };
    const refused = await browser.post('/registration', { ...update, current_password: 'wrong' });
    assert.equal(refused.status, 422);
    const ok = await browser.post('/registration', { ...update, current_password: password });
    assert.equal(ok.status, 302, ok.body.slice(0, 2000));
    const after = await browser.get('/registration/edit');
    assert.match(after.body, /value="ada@example.org"/);
  });

  await t.test('delete account: the password again, then signed out and the account is gone', async () => {
    const page = await browser.get('/registration/edit');
    const csrf = csrfTokenFrom(page.body);
    const refused = await browser.post('/registration', { _csrf: csrf, _method: 'DELETE' });
    assert.equal(refused.status, 422, 'not without the password');
    const res = await browser.post('/registration', {
      _csrf: csrf,
      _method: 'DELETE',
      delete_password: password,
    });
    assert.equal(res.status, 302);
    assert.equal((await browser.get('/dashboard')).status, 302);
    const signIn = await browser.get('/session/new');
    const again = await browser.post('/session', {
      _csrf: csrfTokenFrom(signIn.body),
      user_id: 'ada@example.org',
      password,
    });
    assert.equal(again.status, 401);
  });
}

/** The migration SQL without Prisma's "Warnings" header (which `migrate diff` leaves out). */
export function withoutWarnings(sql: string): string {
  return sql.startsWith('/*\n  Warnings:') ? sql.slice(sql.indexOf('*/\n') + 3) : sql;
}
