/**
 * The corpus of real apps (issue 15, scope item 8): one generic driver for every fixture under
 * fixtures/real-* (apps reconstructed from public Express + Prisma repositories, see each
 * fixture's README.md). A fixture's test is a manifest (manifests.ts) and one line calling
 * `realAppTest`.
 *
 * What the driver checks, for every app:
 *   1. a copy with a fresh database; the app's own schema migrated (its `init` migration, applied
 *      by `pow migrate`), the client generated, and `tsc --noEmit -p <its tsconfig>` clean
 *      (baseline: the app type-checks before pow touches it);
 *   2. the app booted with its own start command (`npm run <script>`), every pre-existing route
 *      called as a client that never signed in (the manifest's calls, in order: the first ones
 *      create the data through the app's own API), status and body recorded;
 *   3. `pow install --yes`, `pow migrate`, `prisma generate`, then `tsc --noEmit -p <its tsconfig>`
 *      with 0 errors;
 *   4. the app's tables emptied (identities reset) and the same calls replayed against the
 *      app booted again with its own start command: identical status and body, route by route;
 *   5. sign-up and sign-in over HTTP (form, CSRF token, POST), then every route again, signed in
 *      and signed out: no body contains the password, a password hash or token written by pow,
 *      the session cookie's value or a CSRF token;
 *   6. every server stopped, the temp copy removed and the database dropped, even on failure.
 *
 * Where the app reads its configuration: `env: 'dotenv'` apps keep their `.env` (the test writes
 * the database URL into it, and POW_SECRET after install, as the next steps tell a developer);
 * nothing is passed through the process environment, so a generated file that reads the
 * environment before the app loaded `.env` shows. `env: 'process'` apps get DATABASE_URL and
 * POW_SECRET from the environment (they never loaded a `.env` themselves).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { startApp } from '../../helpers/app-process.js';
import {
  INIT_MIGRATION,
  TEST_POW_SECRET,
  createDatabase,
  requireBuild,
  seedMigrationHistory,
  type E2EDatabase,
  type E2EProvider,
} from '../../helpers/e2e-project.js';
import { REPO_ROOT, copyFixture, runPow, type PowResult, type TempProject } from '../../helpers/fixtures.js';
import { HttpClient, csrfTokenFrom } from '../../helpers/http-client.js';
import { MARIADB } from '../../helpers/prisma-test-client.js';

const exec = promisify(execFile);
const BIN = join(REPO_ROOT, 'node_modules/.bin');

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One request to a pre-existing route of the app; bodies are sent as JSON. */
export interface RouteCall {
  method: Method;
  path: string;
  body?: unknown;
  /** Sent instead of the manifest's `headers` (e.g. `{}` to call without the app's API key). */
  headers?: Record<string, string>;
  /**
   * false: not replayed in the leak runs of step 5 (a create with a unique key, or a delete of a
   * given row: a second call fails by design, or crashes an Express 4 app whose handler has no
   * try/catch). Default true.
   */
  repeat?: boolean;
}

export interface RealAppManifest {
  /** Folder under fixtures/. */
  fixture: string;
  provider: E2EProvider;
  /** The package.json script that starts the app (`npm run <script>`). */
  script: string;
  /** The app's own tsconfig (relative to the app). */
  tsconfig: string;
  /** Where the app gets DATABASE_URL and POW_SECRET (see the file comment). */
  env: 'dotenv' | 'process';
  /** Headers every call sends (e.g. the app's API key). */
  headers?: Record<string, string>;
  /** Rows for apps without a create route, inserted (as SQL) before each run of the calls. */
  seedSql?: string[];
  /** Every pre-existing route, in order; the first calls create the data. */
  calls: RouteCall[];
  /**
   * Answers known to change after `pow install`, by label ("GET /user") with the reason: still
   * compared, reported as TODO instead of failing the run, until pow keeps them as they were. An
   * entry here is an open defect of pow (closing note), never a way to accept a change.
   */
  knownChanges?: Record<string, string>;
  /**
   * Calls made after sign-up, before the leak runs, that tie the new account to the app's data
   * (e.g. a published post authored by it, so `include: { author: true }` returns its row).
   * `{{email}}` in a body or path is replaced by the account's email.
   */
  afterSignUp?: RouteCall[];
  /** Registration fields the app's User requires besides email and password. */
  signUpFields?: Record<string, string>;
  /**
   * The app's required User columns without a default, which `pow install` adds to its
   * registration form (see assertRegistrationFields).
   */
  registrationFields?: string[];
}

export interface Recorded {
  status: number;
  body: unknown;
}

// ---------------------------------------------------------------------------------------------
// The copy of the app (one function, so switching how pow is resolved is one change).

/**
 * A copy of fixtures/<fixture> in a temp folder in which `pow` (and the app's own packages)
 * resolve: `copyFixture` links in the shared install of the test apps, where pow and pow-cli come
 * from their packed tarballs (scripts/test-apps.mjs), as a user installs them.
 */
export function copyRealApp(fixture: string): TempProject {
  requireBuild();
  return copyFixture(fixture);
}

// ---------------------------------------------------------------------------------------------
// Project set-up.

export interface RealAppProject {
  manifest: RealAppManifest;
  dir: string;
  db: E2EDatabase;
  /** Tables of the app's own schema (from its init migration). */
  appTables: string[];
  /** Environment for the app's processes and pow (empty for dotenv apps: they read .env). */
  env: Record<string, string>;
  pow(args: string[]): Promise<PowResult>;
  read(path: string): string;
  write(path: string, text: string): void;
  dispose(): Promise<void>;
}

export async function setUpRealApp(manifest: RealAppManifest): Promise<RealAppProject> {
  const copy = copyRealApp(manifest.fixture);
  let db: E2EDatabase | undefined;
  try {
    const initSql = await seedInitMigration(copy.dir, manifest.provider);
    db = await createDatabase(manifest.provider, copy.dir);
    const read = (path: string) => readFileSync(join(copy.dir, path), 'utf8');
    const write = (path: string, text: string) => writeFileSync(join(copy.dir, path), text);
    let env: Record<string, string>;
    if (manifest.env === 'dotenv') {
      assert.ok(existsSync(join(copy.dir, '.env')), `${manifest.fixture}: a dotenv app needs its .env`);
      write('.env', setDotenvValue(read('.env'), 'DATABASE_URL', db.url));
      env = {};
    } else {
      env = { DATABASE_URL: db.url, POW_SECRET: TEST_POW_SECRET };
    }
    return {
      manifest,
      dir: copy.dir,
      db,
      appTables: tablesOf(initSql),
      env,
      // The frozen clock names pow's migration folder; it is not configuration of the app.
      pow: (args) => runPow(args, { cwd: copy.dir, env: { ...env, POW_NOW: '2026-01-02T03:04:05Z' } }),
      read,
      write,
      async dispose() {
        copy.cleanup();
        await db?.drop();
      },
    };
  } catch (error) {
    copy.cleanup();
    await db?.drop();
    throw error;
  }
}

/**
 * The app's migration history: one `init` migration of its own schema, as its team would have it
 * (seedMigrationHistory). On MySQL that helper diffs from "the datasource file alone", which for a
 * one-file schema (models beside the datasource) is the whole schema and gives an empty
 * migration; here the models are taken out of that "before" instead.
 */
async function seedInitMigration(dir: string, provider: E2EProvider): Promise<string> {
  if (provider !== 'mysql') return seedMigrationHistory({ dir }, provider);
  const schema: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.prisma')) schema[child] = readFileSync(join(dir, child), 'utf8');
    }
  };
  walk('prisma');
  const empty = Object.fromEntries(
    Object.entries(schema).map(([file, text]) => [
      file,
      text.replace(/^(model|enum|view)\s+\w+\s*\{[\s\S]*?^\}/gm, ''),
    ]),
  );
  const { renderMysqlMigration } = await import('../../../src/prisma/mysql-ddl.js');
  const { migrationLockToml } = await import('../../../src/prisma/migrations-dir.js');
  const sql = renderMysqlMigration(empty, schema).sql;
  assert.notEqual(sql, '', 'the init migration of the app has SQL');
  mkdirSync(join(dir, 'prisma/migrations', INIT_MIGRATION), { recursive: true });
  writeFileSync(join(dir, 'prisma/migrations', INIT_MIGRATION, 'migration.sql'), sql);
  writeFileSync(join(dir, 'prisma/migrations/migration_lock.toml'), migrationLockToml(provider));
  return sql;
}

/** Sets KEY=value in dotenv text (replaces the first KEY= line, else appends). */
export function setDotenvValue(text: string, key: string, value: string): string {
  const line = `${key}="${value}"`;
  const pattern = new RegExp(`^\\s*(export\\s+)?${key}\\s*=.*$`, 'm');
  if (pattern.test(text)) return text.replace(pattern, line);
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`;
}

function tablesOf(sql: string): string[] {
  return [...sql.matchAll(/CREATE TABLE [`"]([^`"]+)[`"]/g)].map((m) => m[1]);
}

/** Runs a tool of the repo's node_modules/.bin in the app; rejects with its output. */
async function runBin(
  project: RealAppProject,
  bin: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<string> {
  try {
    const { stdout, stderr } = await exec(join(BIN, bin), args, {
      cwd: project.dir,
      env: { ...cleanEnv(), ...project.env, ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout + stderr;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${bin} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}${e.message}`, {
      cause: error,
    });
  }
}

/** The test runner's environment without what would configure the app behind its back. */
function cleanEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(DATABASE_URL|POW_|PORT$|NODE_ENV$|NODE_OPTIONS$|NODE_TEST_CONTEXT$)/.test(key)) continue;
    out[key] = value;
  }
  return out;
}

export function prismaGenerate(project: RealAppProject): Promise<string> {
  return runBin(project, 'prisma', ['generate'], {
    // prisma generate does not need the native schema engine, but without this variable it first
    // tries to download it, which fails offline. Any existing file will do.
    PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  });
}

export function typecheck(project: RealAppProject): Promise<string> {
  return runBin(project, 'tsc', ['--noEmit', '-p', project.manifest.tsconfig]);
}

// ---------------------------------------------------------------------------------------------
// Database access (reset between runs, seed rows, read what pow stored).

async function withSql<T>(
  db: E2EDatabase,
  fn: (query: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>,
): Promise<T> {
  if (db.provider === 'sqlite') {
    const Database = (await import('better-sqlite3')).default;
    const conn = new Database(db.name);
    try {
      return await fn(async (sql) => {
        const statement = conn.prepare(sql);
        if (statement.reader) return statement.all() as Record<string, unknown>[];
        statement.run();
        return [];
      });
    } finally {
      conn.close();
    }
  }
  if (db.provider === 'postgresql') {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return await fn(async (sql) => (await client.query(sql)).rows as Record<string, unknown>[]);
    } finally {
      await client.end();
    }
  }
  const mariadb = await import('mariadb');
  const conn = await mariadb.createConnection({ ...MARIADB, database: db.name });
  try {
    return await fn(async (sql) => {
      const result: unknown = await conn.query(sql);
      return Array.isArray(result) ? (result as Record<string, unknown>[]) : [];
    });
  } finally {
    await conn.end();
  }
}

/** Empties the app's own tables (identities restart), then inserts the manifest's seed rows. */
export async function resetAppData(project: RealAppProject): Promise<void> {
  const { db, appTables } = project;
  const seed = project.manifest.seedSql ?? [];
  await withSql(db, async (query) => {
    if (db.provider === 'postgresql') {
      if (appTables.length > 0) {
        await query(`TRUNCATE TABLE ${appTables.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`);
      }
    } else if (db.provider === 'sqlite') {
      await query('PRAGMA foreign_keys = OFF');
      for (const table of appTables) await query(`DELETE FROM "${table}"`);
      const hasSequence = await query(`SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'`);
      if (hasSequence.length > 0) {
        for (const table of appTables) await query(`DELETE FROM sqlite_sequence WHERE name = '${table}'`);
      }
      await query('PRAGMA foreign_keys = ON');
    } else {
      await query('SET FOREIGN_KEY_CHECKS = 0');
      for (const table of appTables) await query(`TRUNCATE TABLE \`${table}\``);
      await query('SET FOREIGN_KEY_CHECKS = 1');
    }
    for (const statement of seed) await query(statement);
  });
}

/**
 * The app's required User columns are on pow's registration without any edit: `pow install` lists
 * them in the registration controller's USER_FIELDS and, typed, in the config's userFields
 * (src/recipes/app-user-columns.ts), and says so in its report.
 */
export function assertRegistrationFields(
  project: RealAppProject,
  fields: string[],
  installOutput: string,
): void {
  const files = generatedFiles(project.dir);
  const controller = files.find((f) => /const USER_FIELDS = \[/.test(project.read(f)));
  const config = files.find((f) => project.read(f).includes('userIdFields: ['));
  assert.ok(controller, `no generated file declares USER_FIELDS (${files.join(', ')})`);
  assert.ok(config, `no generated file has userIdFields (${files.join(', ')})`);
  const listed = /const USER_FIELDS = \[([^\]]*)\]/.exec(project.read(controller))![1];
  for (const field of fields) {
    assert.match(listed, new RegExp(`'${field}'`), `${controller}: USER_FIELDS lists ${field}`);
    assert.match(
      project.read(config),
      new RegExp(`\\{ name: '${field}', type: '\\w+', required: true \\}`),
      `${config}: userFields has ${field}`,
    );
  }
  assert.match(installOutput, /the sign-up form now asks for /, 'the install report names the columns');
}

function generatedFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'generated' || entry.name.startsWith('.')) continue;
    const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) out.push(...generatedFiles(dir, child));
    else if (/\.(ts|js|mjs|cjs)$/.test(entry.name)) out.push(child);
  }
  return out;
}

/** Every string value stored in the database: table → column → values. */
async function storedStrings(project: RealAppProject): Promise<Map<string, Map<string, Set<string>>>> {
  const { db } = project;
  return withSql(db, async (query) => {
    let tables: string[];
    if (db.provider === 'sqlite') {
      tables = (await query(`SELECT name FROM sqlite_master WHERE type = 'table'`)).map((r) =>
        String(r.name),
      );
    } else if (db.provider === 'postgresql') {
      tables = (
        await query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)
      ).map((r) => String(r.table_name));
    } else {
      tables = (
        await query(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = '${db.name}'`)
      ).map((r) => String(r.t));
    }
    const out = new Map<string, Map<string, Set<string>>>();
    for (const table of tables) {
      if (table === '_prisma_migrations' || table === 'sqlite_sequence') continue;
      const quoted = db.provider === 'mysql' ? `\`${table}\`` : `"${table}"`;
      const columns = new Map<string, Set<string>>();
      for (const row of await query(`SELECT * FROM ${quoted}`)) {
        for (const [column, value] of Object.entries(row)) {
          if (typeof value !== 'string' || value === '') continue;
          if (!columns.has(column)) columns.set(column, new Set());
          columns.get(column)!.add(value);
        }
      }
      out.set(table, columns);
    }
    return out;
  });
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;
const PASSWORD_HASH = /^\$(argon2(id|i|d)|2[abxy]?|scrypt|pbkdf2[-\w]*)\$/;

/**
 * Values written to the database since `before` that must never reach a client: password hashes
 * (argon2/bcrypt/scrypt/pbkdf2 anywhere), values of columns named like a hash, token, secret,
 * digest or password, strings inside JSON values (session data: the CSRF secret, ...) and the
 * longer values of tables that are not the app's (session ids, ...) unless an app table stores the
 * same value (a user id pow's credential row refers to). Timestamps and `exclude`
 * (e.g. the account's email, which the app may legitimately show) are left out.
 */
export function newSecrets(
  before: Map<string, Map<string, Set<string>>>,
  after: Map<string, Map<string, Set<string>>>,
  appTables: string[],
  exclude: Set<string>,
): Map<string, string> {
  const secrets = new Map<string, string>();
  const add = (value: string, where: string) => {
    if (value.length < 8 || ISO_TIMESTAMP.test(value) || exclude.has(value)) return;
    if (!secrets.has(value)) secrets.set(value, where);
  };
  const appValues = new Set<string>();
  for (const table of appTables)
    for (const values of after.get(table)?.values() ?? []) for (const value of values) appValues.add(value);
  for (const [table, columns] of after) {
    const powTable = !appTables.includes(table);
    for (const [column, values] of columns) {
      const old = before.get(table)?.get(column) ?? new Set<string>();
      for (const value of values) {
        if (old.has(value)) continue;
        const where = `${table}.${column}`;
        if (PASSWORD_HASH.test(value)) add(value, `password hash in ${where}`);
        else if (/hash|token|secret|digest|password/i.test(column)) add(value, where);
        if (/^[[{]/.test(value.trim())) {
          try {
            for (const leaf of jsonStrings(JSON.parse(value)))
              if (leaf.length >= 16 && !appValues.has(leaf)) add(leaf, `${where} (JSON)`);
          } catch {
            /* not JSON */
          }
        } else if (powTable && value.length >= 20 && !appValues.has(value)) {
          // A pow row's long values are secrets (session ids...), except the app's own data it
          // points at: UserCredential.userId is the user's id, which the app's rows carry too (as
          // does the session record, in its JSON).
          add(value, where);
        }
      }
    }
  }
  return secrets;
}

function jsonStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(jsonStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(jsonStrings);
  return [];
}

// ---------------------------------------------------------------------------------------------
// The app as a process, started by its own script.

export interface RunningRealApp {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * `npm run <script>` in the app with PORT set; resolves once any HTTP answer comes back. The
 * environment is the runner's minus anything that would configure the app (see cleanEnv) plus
 * the project's env (nothing for dotenv apps).
 */
export function startRealApp(project: RealAppProject, timeoutMs = 90_000): Promise<RunningRealApp> {
  return startApp(
    project.dir,
    'npm',
    ['run', '--silent', project.manifest.script],
    { PATH: `${BIN}:${process.env.PATH ?? ''}`, ...project.env },
    timeoutMs,
    cleanEnv(),
  );
}

// ---------------------------------------------------------------------------------------------
// Calls.

interface RawResponse {
  status: number;
  body: string;
}

/** One JSON request (node:http, so a GET can carry a body as some apps expect). */
export function callRoute(
  baseUrl: string,
  call: RouteCall,
  defaultHeaders: Record<string, string> = {},
  cookie?: string,
): Promise<RawResponse> {
  const url = new URL(call.path, baseUrl);
  const headers: Record<string, string> = { accept: 'application/json', ...(call.headers ?? defaultHeaders) };
  let payload: string | undefined;
  if (call.body !== undefined) {
    payload = JSON.stringify(call.body);
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  if (cookie) headers.cookie = cookie;
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: call.method, headers, timeout: 30_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${call.method} ${call.path}: no answer within 30 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * The body as compared between runs: parsed JSON when it is JSON, else the text. Normalised:
 * ISO timestamps become "<timestamp>", because createdAt/updatedAt columns take the clock's time
 * at each run (`@default(now())`, `@updatedAt`); nothing else differs between two runs on the
 * same seeded data (ids restart with the emptied tables).
 */
export function normalise(body: string): unknown {
  const stamp = (text: string) =>
    text
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g, '<timestamp>')
      // bcrypt hashes the app itself stores (its own sign-up route) carry a random salt: two runs
      // over the same data never give the same hash. Only their presence is compared.
      .replace(/\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}/g, '<bcrypt hash>');
  try {
    return JSON.parse(stamp(body)) as unknown;
  } catch {
    return stamp(body);
  }
}

export function label(call: RouteCall): string {
  return `${call.method} ${call.path}${call.headers ? ' (own headers)' : ''}`;
}

export async function recordCalls(baseUrl: string, manifest: RealAppManifest): Promise<Recorded[]> {
  const out: Recorded[] = [];
  for (const call of manifest.calls) {
    try {
      const res = await callRoute(baseUrl, call, manifest.headers);
      out.push({ status: res.status, body: normalise(res.body) });
    } catch (error) {
      // No answer (the app crashed or hung): recorded, so the comparison names every route it cost.
      out.push({ status: 0, body: `no answer: ${(error as Error).message}` });
    }
  }
  return out;
}

function fill(value: unknown, email: string): unknown {
  return JSON.parse(JSON.stringify(value ?? null).replaceAll('{{email}}', email)) as unknown;
}

// ---------------------------------------------------------------------------------------------
// Sign-up and sign-in over HTTP.

interface Account {
  email: string;
  password: string;
  browser: HttpClient;
  /** CSRF tokens the forms handed out. */
  csrfTokens: string[];
}

async function signUpAndIn(baseUrl: string, manifest: RealAppManifest): Promise<Account> {
  const browser = new HttpClient(baseUrl);
  const email = 'ada.corpus@example.com';
  const password = 'violet-heron-lamp-73-softly';
  const csrfTokens: string[] = [];
  const form = async (path: string) => {
    const page = await browser.get(path);
    assert.equal(page.status, 200, `GET ${path}: ${page.body.slice(0, 1000)}`);
    const token = csrfTokenFrom(page.body);
    csrfTokens.push(token);
    return token;
  };
  const signedIn = async () => (await browser.get('/registration/edit')).status === 200;

  const registered = await browser.post('/registration', {
    _csrf: await form('/registration/new'),
    email,
    password,
    password_confirmation: password,
    ...manifest.signUpFields,
  });
  assert.equal(registered.status, 302, `sign-up: ${registered.status} ${registered.body.slice(0, 2000)}`);
  assert.ok(await signedIn(), 'signed in after sign-up');

  const out = await browser.post('/session', { _csrf: await form('/registration/edit'), _method: 'DELETE' });
  assert.equal(out.status, 302, `sign-out: ${out.body.slice(0, 1000)}`);
  assert.ok(!(await signedIn()), 'signed out');

  const signIn = await browser.post('/session', {
    _csrf: await form('/session/new'),
    user_id: email,
    password,
  });
  assert.equal(signIn.status, 302, `sign-in: ${signIn.status} ${signIn.body.slice(0, 2000)}`);
  assert.ok(await signedIn(), 'signed in after sign-in');
  // One more form while signed in, so the session's current CSRF token is known too.
  await form('/registration/edit');
  return { email, password, browser, csrfTokens };
}

// ---------------------------------------------------------------------------------------------
// The test.

export interface RealAppTimings {
  [step: string]: number;
}

export function realAppTest(manifest: RealAppManifest): void {
  test(`real app ${manifest.fixture} (${manifest.provider}): pow install keeps it working`, async (t) => {
    const timings: RealAppTimings = {};
    const timed = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
      const started = Date.now();
      try {
        return await fn();
      } finally {
        timings[step] = Date.now() - started;
      }
    };
    const project = await timed('copy + database', () => setUpRealApp(manifest));
    let app: RunningRealApp | null = null;
    t.after(async () => {
      await app?.stop();
      await project.dispose();
      t.diagnostic(`timings (ms): ${JSON.stringify(timings)}`);
    });

    await t.test(
      "baseline: the app's schema migrates, its client generates, its tsconfig passes",
      async () => {
        // The app's own migration history (its `init`), applied like `prisma migrate deploy`.
        const res = await timed('migrate init', () => project.pow(['migrate', '--url', project.db.url]));
        assert.equal(res.code, 0, res.stderr + res.stdout);
        await timed('prisma generate (before)', () => prismaGenerate(project));
        await timed('tsc (before)', () => typecheck(project));
      },
    );

    let before: Recorded[] = [];
    await t.test('before pow: the app boots with its own start command and answers every route', async () => {
      await resetAppData(project);
      app = await timed('boot (before)', () => startRealApp(project));
      before = await timed('calls (before)', () => recordCalls(app!.url, manifest));
      await app.stop();
      app = null;
      // A route that errored before pow is still compared, but a 5xx here usually means the
      // fixture or its data is wrong, not pow: say so early.
      before.forEach((r, i) =>
        assert.ok(
          r.status > 0 && r.status < 500,
          `${label(manifest.calls[i])} answered ${r.status} before pow: ${JSON.stringify(r.body)}`,
        ),
      );
    });

    await t.test('pow install, pow migrate, prisma generate', async () => {
      const install = await timed('pow install', () => project.pow(['install', '--yes']));
      assert.equal(install.code, 0, `pow install failed:\n${install.stderr}\n${install.stdout}`);
      if (manifest.env === 'dotenv') {
        // The install's next steps tell the developer to set POW_SECRET; a dotenv app keeps it in .env.
        project.write('.env', setDotenvValue(project.read('.env'), 'POW_SECRET', TEST_POW_SECRET));
      }
      if (manifest.registrationFields)
        assertRegistrationFields(project, manifest.registrationFields, install.stdout);
      const migrate = await timed('pow migrate', () => project.pow(['migrate']));
      assert.equal(migrate.code, 0, `pow migrate failed:\n${migrate.stderr}\n${migrate.stdout}`);
      await timed('prisma generate (after)', () => prismaGenerate(project));
    });

    await t.test(`tsc --noEmit -p ${manifest.tsconfig} reports 0 errors after install`, async () => {
      await timed('tsc (after)', () => typecheck(project));
    });

    await t.test(
      'after pow: the app boots with its own start command; every route answers as before',
      async (t2) => {
        await resetAppData(project);
        app = await timed('boot (after)', () => startRealApp(project));
        const after = await timed('calls (after)', () => recordCalls(app!.url, manifest));
        for (const [i, call] of manifest.calls.entries()) {
          const todo = manifest.knownChanges?.[label(call)];
          await t2.test(`${i + 1}. ${label(call)}`, todo === undefined ? {} : { todo }, () => {
            assert.deepEqual(after[i], before[i], `${label(call)}: the answer changed after pow install`);
          });
        }
      },
    );

    await t.test('sign-up and sign-in over HTTP; no answer of the app leaks a secret', async () => {
      assert.ok(app, 'the app is running (the previous step booted it)');
      const running = app as RunningRealApp;
      const dbBefore = await storedStrings(project);
      const account = await timed('sign-up + sign-in', () => signUpAndIn(running.url, manifest));
      for (const call of manifest.afterSignUp ?? []) {
        const res = await callRoute(
          running.url,
          {
            ...call,
            path: String(fill(call.path, account.email)),
            // A call without a body sends none (`fill` would make it a JSON null).
            body: call.body === undefined ? undefined : fill(call.body, account.email),
          },
          manifest.headers,
        );
        assert.ok(res.status < 400, `${label(call)} after sign-up: ${res.status} ${res.body.slice(0, 500)}`);
      }
      const stored = newSecrets(
        dbBefore,
        await storedStrings(project),
        project.appTables,
        new Set([account.email]),
      );
      assert.ok(
        [...stored.values()].some((where) => where.startsWith('password hash')),
        `the sign-up stored a password hash somewhere (found: ${[...stored.values()].join(', ')})`,
      );
      const secrets = new Map<string, string>(stored);
      secrets.set(account.password, 'the password');
      for (const [name, value] of account.browser.cookies) {
        secrets.set(value, `cookie ${name}`);
        for (const part of decodeURIComponent(value).split(/[.:]/)) {
          if (part.length >= 16) secrets.set(part, `part of cookie ${name}`);
        }
      }
      for (const token of account.csrfTokens) secrets.set(token, 'a CSRF token');

      const cookie = account.browser.cookieHeader();
      const leaks: string[] = [];
      for (const signedIn of [false, true]) {
        for (const call of manifest.calls.filter((c) => c.repeat !== false)) {
          const res = await callRoute(running.url, call, manifest.headers, signedIn ? cookie : undefined);
          for (const [value, what] of secrets) {
            if (res.body.includes(value)) {
              leaks.push(
                `${label(call)} (${signedIn ? 'signed in' : 'signed out'}, ${res.status}) contains ${what}`,
              );
            }
          }
        }
      }
      assert.deepEqual(leaks, [], 'no answer of the app contains a secret');
    });
  });
}
