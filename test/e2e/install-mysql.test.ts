/**
 * `pow install` end to end on the multi-file MySQL schema (fixtures/express5-ts-multifile-mysql,
 * MariaDB, a fresh `pow_e2e_<random>` database), with the extensions that add tables and pages:
 * two-factor, passkeys, security-log, sessions, magic-link and oauth (an OpenID Connect provider).
 * pow's models go into an owned `prisma/schema/pow.prisma`, the migration comes from pow's MySQL
 * templates (the WebAssembly schema engine has no MySQL support), `pow migrate` creates the tables
 * and columns, strict tsc passes, and the app booted with its own start command (entry
 * `src/index.ts`, app variable `server`, an in-process SMTP server and OIDC provider) passes the
 * browser walk, then every extension over HTTP on MariaDB: two-factor on (codes computed here),
 * sign-in with a code, the security log, a passkey added and used (software authenticator), a
 * magic link read from the mail, an OAuth sign-up that writes a `UserIdentity` row, the sessions
 * page, and the app's own pages before and after. Last: `pow status` has no drift (files and
 * `_prisma_migrations`), and a fresh database migrated from the history has exactly the tables a
 * fresh database built from the schema files has (MySQL has no schema engine here: both are read
 * back from information_schema and compared).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningApp } from '../helpers/app-process.js';
import { assertNoHashInAppQueries } from '../helpers/app-queries.js';
import { hashTree } from '../helpers/fixtures.js';
import { followToCallback } from '../helpers/follow-redirects.js';
import { HttpClient, csrfTokenFrom, type HttpResponse } from '../helpers/http-client.js';
import { mysqlSchemaSnapshot, snapshotDiff } from '../helpers/mysql-schema.js';
import { startOidcProvider, type OidcTestProvider } from '../helpers/oidc-provider.js';
import { MARIADB } from '../helpers/prisma-test-client.js';
import { projectSql } from '../helpers/project-sql.js';
import { softAuthenticator } from '../helpers/soft-authenticator.js';
import type { SmtpTestServer } from '../helpers/smtp-server.js';
import { firstLink } from '../helpers/smtp-server.js';
import {
  flash,
  mailedPath,
  register,
  setCookie,
  signIn,
  signedIn,
  startMailedApp,
} from '../helpers/extensions-e2e.js';
import {
  INIT_MIGRATION,
  MIGRATION_DIR,
  assertAuthFlow,
  createDatabase,
  e2eProject,
  prismaGenerate,
  protectDashboard,
  startCommand,
  typecheck,
} from '../helpers/e2e-project.js';
import { timeStep, totpCode } from '../../src/runtime/extensions/totp.js';

const FIXTURE = 'express5-ts-multifile-mysql';
const BASE_URL = 'https://app.example.test';
const RP_ID = 'app.example.test';
const PASSWORD = 'purple-otter-maps-42-quietly';
const EXTENSIONS = ['two-factor', 'passkeys', 'security-log', 'sessions', 'magic-link', 'oauth'];
const CLIENT = { clientId: 'pow-mysql-app', clientSecret: 'pow-mysql-app-secret-0123456789' };
const CALLBACK = `${BASE_URL}/auth/company/callback`;
const POST_TITLE = 'Hello from the team on MariaDB';
/** The longest subject OpenID Connect allows (255 characters): more than MySQL's default VARCHAR(191). */
const OLI_SUB = `oli-${'0123456789'.repeat(25)}x`;

/** The code an authenticator app shows now, `ahead` steps later (the server accepts one step of drift). */
const codeOf = (secret: string, ahead = 0) => totpCode(secret, timeStep(Date.now()) + ahead);

async function signOut(browser: HttpClient): Promise<HttpResponse> {
  const page = await browser.get('/registration/edit');
  return browser.post('/session', { _csrf: csrfTokenFrom(page.body), _method: 'DELETE' });
}

/** POSTs the page's CSRF token to a JSON endpoint (what views/pow/passkeys.js does); the parsed answer. */
async function jsonOptions(
  browser: HttpClient,
  page: string,
  path: string,
): Promise<Record<string, unknown>> {
  const form = await browser.get(page);
  const res = await browser.post(path, { _csrf: csrfTokenFrom(form.body) }, { accept: 'application/json' });
  assert.equal(res.status, 200, res.body.slice(0, 1000));
  return JSON.parse(res.body) as Record<string, unknown>;
}

/** The security log's event names, newest first. */
async function loggedEvents(browser: HttpClient): Promise<string[]> {
  const page = await browser.get('/security-log');
  assert.equal(page.status, 200);
  return [...page.body.matchAll(/data-event="([^"]+)"/g)].map((m) => m[1]!);
}

test(`pow install on ${FIXTURE}: MariaDB, multi-file schema, every extension with tables, end to end`, async (t) => {
  const project = await e2eProject(FIXTURE, 'mysql');
  let oidc: OidcTestProvider | null = null;
  let smtp: SmtpTestServer | null = null;
  let app: RunningApp | null = null;
  t.after(async () => {
    await app?.stop();
    await smtp?.close();
    await oidc?.close();
    await project.dispose();
  });
  const installArgs = ['install', '--yes', '--provider', 'oidc:company'];
  for (const name of EXTENSIONS) installArgs.push('--extension', name);

  await t.test("install: pow.prisma owned, the team's schema files untouched, MySQL templates", async () => {
    const res = await project.pow(installArgs);
    assert.equal(res.code, 0, res.stderr + res.stdout);
    assert.match(res.stdout, /^create {4}prisma\/schema\/pow\.prisma \(new file\)$/m);
    assert.doesNotMatch(res.stdout, /prisma\/schema\/(schema|post|tag)\.prisma/);
    assert.match(res.stdout, /^update {4}src\/index\.ts \(mounts pow in the app\)$/m);
    assert.match(res.stdout, /migration: .*migration\.sql: SQL from pow's MySQL templates/);
    const powSchema = project.read('prisma/schema/pow.prisma');
    assert.match(powSchema, /^model User \{\n/);
    assert.match(powSchema, /email +String +@unique @db\.VarChar\(191\)/);
    assert.match(powSchema, /^model PowSession \{\n/m);
    for (const model of ['UserTwoFactor', 'UserPasskey', 'UserSecurityEvent', 'UserIdentity'])
      assert.match(powSchema, new RegExp(`^model ${model} \\{\\n`, 'm'), `${model} is in pow.prisma`);
    const entry = project.read('src/index.ts');
    assert.match(entry, /server\.use\(auth\.middleware\(\)\);\nserver\.use\(powRoutes\);\n/);
    const sql = project.read(`${MIGRATION_DIR}/migration.sql`);
    assert.match(sql, /CREATE TABLE `User`/);
    assert.match(sql, /CREATE TABLE `pow_sessions`/);
    assert.match(sql, /CREATE TABLE `UserPasskey`/);
    assert.match(sql, /CREATE TABLE `UserTwoFactor`/);
    assert.match(sql, /CREATE TABLE `UserSecurityEvent`/);
    assert.match(sql, /CREATE TABLE `UserIdentity`/);
  });

  await t.test('a second identical run writes nothing', async () => {
    const before = hashTree(project.dir);
    const res = await project.pow(installArgs);
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
        'SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION',
        [project.db.name],
      )) as { t: string; c: string; type: string }[];
      const columns = (table: string) => rows.filter((r) => r.t === table).map((r) => r.c);
      const type = (table: string, column: string) =>
        rows.find((r) => r.t === table && r.c === column)?.type ?? `${table}.${column} missing`;
      assert.deepEqual(columns('User'), ['id', 'email', 'createdAt', 'updatedAt'], 'no secret column');
      assert.deepEqual(columns('UserCredential'), ['userId', 'passwordHash', 'updatedAt']);
      assert.deepEqual(columns('pow_sessions'), ['namespace', 'key', 'value', 'expiresAt']);
      assert.ok(columns('Post').length > 0, "the app's own tables are there");
      // What the extensions store outgrows VARCHAR(191): sealed secrets, keys, user agents.
      assert.equal(type('UserPasskey', 'credentialId'), 'varchar(512)');
      assert.equal(type('UserPasskey', 'publicKey'), 'text');
      assert.equal(type('UserPasskey', 'counter'), 'bigint(20)');
      assert.equal(type('UserTwoFactor', 'secret'), 'text');
      assert.equal(type('UserTwoFactor', 'recoveryCodes'), 'text');
      assert.equal(type('UserSecurityEvent', 'userAgent'), 'text');
      assert.equal(type('UserSecurityEvent', 'detail'), 'text');
      assert.equal(type('UserSecurityEvent', 'at'), 'datetime(3)');
      assert.equal(type('UserIdentity', 'providerUserId'), 'varchar(255)');
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
  await projectSql(
    project,
    `INSERT INTO "Post" ("title", "body") VALUES ('${POST_TITLE}', 'Written before pow came.')`,
  );
  oidc = await startOidcProvider({
    clients: [{ ...CLIENT, redirectUris: [CALLBACK] }],
    accounts: [{ sub: OLI_SUB, email: 'oli@example.com', email_verified: true, name: 'Oli' }],
  });
  const mailed = await startMailedApp(project, BASE_URL, {
    command: startCommand(project),
    env: {
      POW_TWO_FACTOR_KEY: 'mysql-e2e-two-factor-key-0123456789-abcdef',
      COMPANY_ISSUER: oidc.issuer,
      COMPANY_CLIENT_ID: CLIENT.clientId,
      COMPANY_CLIENT_SECRET: CLIENT.clientSecret,
    },
  });
  ({ app, smtp } = mailed);
  const { mailTo, mailCount } = mailed;
  const base = mailed.app.url;

  await t.test("the app's own pages: the home page is public, the dashboard asks for sign-in", async () => {
    const visitor = new HttpClient(base);
    const home = await visitor.get('/');
    assert.equal(home.status, 200);
    assert.match(home.body, /<h1>Welcome<\/h1>/);
    const dashboard = await visitor.get('/dashboard');
    assert.equal(dashboard.status, 302);
    assert.equal(dashboard.location, '/session/new?request_path=%2Fdashboard');
  });

  await assertAuthFlow(t, base);
  await assertNoHashInAppQueries(t, project, base);

  const mia = new HttpClient(base);
  const miaEmail = 'mia@example.com';
  let secret = '';

  await t.test("register, and the dashboard shows the app's own rows from MariaDB", async () => {
    const res = await register(mia, miaEmail, PASSWORD);
    assert.equal(res.status, 302, res.body.slice(0, 1000));
    const dashboard = await mia.get('/dashboard');
    assert.equal(dashboard.status, 200);
    assert.ok(dashboard.body.includes(POST_TITLE), dashboard.body);
  });

  await t.test('two-factor: set up with a computed code, ten recovery codes', async () => {
    const setup = await mia.get('/two-factor/new');
    assert.equal(setup.status, 200, setup.body.slice(0, 1000));
    secret = /data-secret="([A-Z2-7]+)"/.exec(setup.body)?.[1] ?? '';
    assert.match(secret, /^[A-Z2-7]{32}$/);
    const done = await mia.follow(
      await mia.post('/two-factor', { _csrf: csrfTokenFrom(setup.body), code: codeOf(secret) }),
    );
    assert.equal(done.status, 200, done.body.slice(0, 1000));
    const codes = [...done.body.matchAll(/<code>([^<]+)<\/code>/g)].map((m) => m[1]!.trim());
    assert.equal(codes.length, 10, done.body.slice(0, 2000));
    assert.match((await mia.get('/two-factor')).body, /Two-factor authentication is on/);
    const [row] = await projectSql(project, 'SELECT "secret", "enabledAt" FROM "UserTwoFactor"');
    assert.ok(row?.enabledAt, 'turned on in MariaDB');
    assert.ok(!String(row?.secret).includes(secret), 'the secret is sealed');
  });

  await t.test('sign out, then the password leads to the code step; a fresh code signs in', async () => {
    assert.equal((await signOut(mia)).status, 302);
    assert.equal(await signedIn(mia), false);
    const first = await signIn(mia, miaEmail, PASSWORD);
    assert.equal(first.status, 302, first.body.slice(0, 1000));
    assert.equal(first.location, '/two-factor/challenge');
    assert.equal(await signedIn(mia), false, 'not signed in before the code');
    const challenge = await mia.get('/two-factor/challenge');
    assert.equal(challenge.status, 200);
    // The code of set-up is spent: the next step's code, as an app a few seconds ahead shows it.
    const ok = await mia.post('/two-factor/challenge', {
      _csrf: csrfTokenFrom(challenge.body),
      code: codeOf(secret, 1),
    });
    assert.equal(ok.status, 302, ok.body.slice(0, 1000));
    assert.equal(await signedIn(mia), true);
  });

  await t.test('the security log shows the events, newest first', async () => {
    const events = await loggedEvents(mia);
    // Newest first: the sign-out before the two-step sign-in, two-factor turned on before that.
    const order = ['sign-out', 'two-factor-enabled'].map((name) => events.indexOf(name));
    assert.ok(order[0]! >= 0 && order[0]! < order[1]!, events.join(', '));
    const rows = await projectSql(project, 'SELECT "name", "userAgent", "at" FROM "UserSecurityEvent"');
    assert.ok(rows.length >= events.length, 'the rows are in MariaDB');
    assert.ok(
      rows.every((row) => row.at instanceof Date && !Number.isNaN(row.at.getTime())),
      'DATETIME(3) values read back',
    );
  });

  const device = softAuthenticator();
  await t.test(
    'passkeys: add one on the passkeys page, then sign in with it in another browser',
    async () => {
      const options = await jsonOptions(mia, '/passkeys', '/passkeys/registration-options');
      const answer = device.register(options, BASE_URL) as { response: { transports: string[] } };
      // The browser sends the transports list; a long one must not break the insert (VARCHAR(191)).
      answer.response.transports = [
        'internal',
        ...Array.from({ length: 60 }, () => 'usb'),
        ...['hybrid', 'nfc', 'ble', 'smart-card', 'cable', 'future-a', 'future-b', 'future-c'],
      ];
      const page = await mia.get('/passkeys');
      const added = await mia.post('/passkeys', {
        _csrf: csrfTokenFrom(page.body),
        response: JSON.stringify(answer),
        label: 'Laptop key',
      });
      assert.equal(added.status, 302, added.body.slice(0, 1000));
      assert.equal(added.location, '/passkeys');
      const list = await mia.follow(added);
      assert.match(flash(list.body), /added/i, list.body.slice(0, 2000));
      assert.match(list.body, /Laptop key/);
      const [stored] = await projectSql(project, 'SELECT "credentialId", "transports" FROM "UserPasskey"');
      assert.equal(stored?.credentialId, device.id);
      assert.equal(
        stored?.transports,
        'internal,usb,hybrid,nfc,ble,smart-card,cable,future-a',
        'each once, eight at most',
      );

      const phone = new HttpClient(base);
      const signInOptions = await jsonOptions(phone, '/session/new', '/passkeys/sign-in-options');
      const form = await phone.get('/session/new');
      const res = await phone.post('/passkeys/session', {
        _csrf: csrfTokenFrom(form.body),
        response: JSON.stringify(device.authenticate(signInOptions, BASE_URL, RP_ID)),
      });
      assert.equal(res.status, 302, res.body.slice(0, 1000));
      assert.ok(setCookie(res, 'pow_user'), 'a session');
      assert.equal(await signedIn(phone), true, 'no password, no code: the passkey verified the user');
      const events = await loggedEvents(phone);
      assert.deepEqual(events.slice(0, 2), ['sign-in', 'passkey-added'], events.join(', '));
      const log = await phone.get('/security-log');
      assert.match(log.body, /Laptop key/, 'the passkey sign-in names the passkey');

      // The sessions page of the phone lists both browsers; ending the others signs the laptop out.
      const sessions = await phone.get('/sessions');
      assert.equal(sessions.status, 200);
      assert.ok([...sessions.body.matchAll(/data-session-id=/g)].length >= 2, sessions.body.slice(0, 2000));
      const ended = await phone.post('/sessions/others', {
        _csrf: csrfTokenFrom(sessions.body),
        _method: 'DELETE',
      });
      assert.equal(ended.status, 302, ended.body.slice(0, 1000));
      assert.equal(await signedIn(mia), false, 'the other session ended');
      assert.equal(await signedIn(phone), true, 'this one stays');
    },
  );

  await t.test('magic link: the mailed link, then its button, signs in', async () => {
    const noaEmail = 'noa@example.com';
    const noa = new HttpClient(base);
    assert.equal((await register(noa, noaEmail, PASSWORD)).status, 302);
    assert.equal((await signOut(noa)).status, 302);
    const page = await noa.get('/magic-link/new');
    const before = mailCount();
    const asked = await noa.post('/magic-link', { _csrf: csrfTokenFrom(page.body), email: noaEmail });
    assert.equal(asked.status, 302, asked.body.slice(0, 1000));
    assert.equal(asked.location, '/magic-link/sent');
    const mail = await mailTo(noaEmail, `Your sign-in link for ${FIXTURE}`, before);
    const link = mailedPath(firstLink(mail), BASE_URL);
    const button = await noa.get(link);
    assert.equal(button.status, 200);
    const done = await noa.post(link, { _csrf: csrfTokenFrom(button.body) });
    assert.equal(done.status, 302, done.body.slice(0, 1000));
    assert.equal(await signedIn(noa), true);
    assert.equal((await new HttpClient(base).get(link)).status, 410, 'single use');
    assert.ok((await loggedEvents(noa)).includes('magic-link-sign-in'));
  });

  const oli = new HttpClient(base);
  await t.test('OAuth: sign up through the OpenID Connect provider; an identity row in MariaDB', async () => {
    const signInPage = await oli.get('/session/new');
    assert.match(signInPage.body, /href="\/auth\/company\/new"/);
    const start = await oli.get('/auth/company/new');
    assert.equal(start.status, 303, start.body.slice(0, 1000));
    const authorize = start.headers.get('location')!;
    assert.ok(authorize.startsWith(oidc!.issuer), authorize);
    const callback = await followToCallback(authorize, CALLBACK);
    const back = await oli.get(callback.pathname + callback.search);
    assert.equal(back.status, 302, back.body.slice(0, 1000));
    assert.equal(await signedIn(oli), true);
    const rows = await projectSql(
      project,
      `SELECT i."provider", i."providerUserId", u."email" FROM "UserIdentity" i JOIN "User" u ON u."id" = i."userId"`,
    );
    assert.deepEqual(
      rows.map((r) => ({ ...r })),
      [{ provider: 'company', providerUserId: OLI_SUB, email: 'oli@example.com' }],
    );
  });

  await t.test("the app's own pages after the walks", async () => {
    const home = await new HttpClient(base).get('/');
    assert.equal(home.status, 200);
    assert.match(home.body, /<h1>Welcome<\/h1>/);
    const dashboard = await oli.get('/dashboard');
    assert.equal(dashboard.status, 200);
    assert.ok(dashboard.body.includes(POST_TITLE));
  });

  await t.test('pow status: no drift in the files, and every migration applied unedited', async () => {
    const res = await project.pow(['status', '--check']);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /Re-run of pow install:.* up to date/);
    assert.match(
      res.stdout,
      /Migrations against the database \(_prisma_migrations\):\n {2}all applied, none edited since/,
    );
    assert.match(res.stdout, /No drift/);
  });

  await t.test(
    "a fresh database migrated from the history has the schema files' tables, no more, no less",
    async () => {
      const { applyMysqlMigrations, renderMysqlMigration } = await import('../../src/prisma/mysql-ddl.js');
      const files: Record<string, string> = {};
      for (const name of ['schema.prisma', 'post.prisma', 'tag.prisma', 'pow.prisma'])
        files[`prisma/schema/${name}`] = project.read(`prisma/schema/${name}`);
      const fromHistory = await createDatabase('mysql', project.dir);
      const fromSchema = await createDatabase('mysql', project.dir);
      try {
        await applyMysqlMigrations(fromHistory.url, `${project.dir}/prisma/migrations`);
        const { sql } = renderMysqlMigration(
          { 'prisma/schema/schema.prisma': files['prisma/schema/schema.prisma']! },
          files,
        );
        const mariadb = await import('mariadb');
        const conn = await mariadb.createConnection({
          ...MARIADB,
          database: fromSchema.name,
          multipleStatements: true,
        });
        try {
          await conn.query(sql);
        } finally {
          await conn.end();
        }
        const history = await mysqlSchemaSnapshot(fromHistory.name);
        assert.ok(history.some((line) => line.startsWith('column UserPasskey.credentialId')));
        assert.deepEqual(snapshotDiff(history, await mysqlSchemaSnapshot(fromSchema.name)), []);
        assert.deepEqual(
          snapshotDiff(history, await mysqlSchemaSnapshot(project.db.name)),
          [],
          'the app database too',
        );
      } finally {
        await fromHistory.drop();
        await fromSchema.drop();
      }
    },
  );
});
