/**
 * The app's own User model stays exactly as it was (issue 15, item 2 and acceptance: "pre-existing
 * routes give identical status and body"), with the extensions that keep state per user.
 *
 * A copy of fixtures/express5-ts-existing-user whose User has no column to sign in with (no e-mail),
 * an optional `name`, and a required `password` column of the app's own (filled by pow with the
 * `userDefaults` mark), plus a JSON route that returns whole User rows. `pow install` with
 * email-confirmation, reset-password and invitation must then add no column to the app's table:
 * the e-mail and the extensions' fields live in pow's credential table, reached through the
 * relation. Checked on SQLite and PostgreSQL:
 * - the whole-row route answers the same before and after install, and after a user signed up,
 *   confirmed, invited someone and reset a password (new rows carry only the app's columns);
 * - sign-up, confirmation, sign-in, invitation (the invitee gets the app's `userDefaults`) and
 *   password reset work over HTTP, with mailed links;
 * - the e-mail's unique index is in pow's table: a second sign-up with it creates no second account.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningApp } from '../helpers/app-process.js';
import { copyFixture, runPow } from '../helpers/fixtures.js';
import {
  MIGRATION_DIR,
  POW_NOW,
  TEST_POW_SECRET,
  bootWithTsx,
  createDatabase,
  prismaGenerate,
  protectDashboard,
  requireBuild,
  seedMigrationHistory,
  typecheck,
  type E2EProject,
} from '../helpers/e2e-project.js';
import { HttpClient, csrfTokenFrom } from '../helpers/http-client.js';
import { firstLink } from '../helpers/smtp-server.js';
import {
  flash,
  mailedPath,
  register,
  signIn,
  signedIn,
  startMailedApp,
  type MailedApp,
} from '../helpers/extensions-e2e.js';
import { projectSql } from '../helpers/project-sql.js';

const FIXTURE = 'express5-ts-existing-user';
const SCHEMA = 'prisma/schema.prisma';
const BASE_URL = 'https://app.example.test';
const PASSWORD = 'purple-otter-maps-42-quietly';
const NEW_PASSWORD = 'seven orange lanterns over harbor 18';
const EXTENSIONS = ['email-confirmation', 'reset-password', 'invitation'];
/** The route of the app's own JSON API that returns whole User rows. */
const USERS_ROUTE = `
// The app's own JSON API: whole User rows.
app.get('/api/users', async (_req, res) => {
  res.json(await db.user.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }));
});
`;

async function setUp(provider: 'sqlite' | 'postgresql'): Promise<E2EProject> {
  requireBuild();
  const copy = copyFixture(FIXTURE);
  const path = (file: string) => join(copy.dir, file);
  const read = (file: string) => readFileSync(path(file), 'utf8');
  const write = (file: string, text: string) => writeFileSync(path(file), text);
  write(
    SCHEMA,
    read(SCHEMA)
      .replace('provider = "postgresql"', `provider = "${provider}"`)
      .replace(/\n {2}email +String +@unique\n/, '\n')
      .replace(/\n {2}name( +)String\n/, '\n  name$1String?\n  password String\n'),
  );
  write('src/app.ts', read('src/app.ts') + USERS_ROUTE);
  if (provider === 'sqlite') {
    write(
      'src/lib/db.ts',
      "import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';\n" +
        "import { PrismaClient } from '../generated/prisma/client.js';\n\n" +
        "const adapter = new PrismaBetterSqlite3({ url: process.env.DATABASE_URL ?? 'file:./dev.db' });\n\n" +
        'const db = new PrismaClient({ adapter });\n\nexport { db };\n',
    );
  }
  await seedMigrationHistory(copy, provider);
  const db = await createDatabase(provider, copy.dir);
  const env = { DATABASE_URL: db.url, POW_SECRET: TEST_POW_SECRET, POW_NOW };
  return {
    ...copy,
    db,
    env,
    pow: (args) => runPow(args, { cwd: copy.dir, env }),
    read,
    write,
    async dispose() {
      copy.cleanup();
      await db.drop();
    },
  };
}

type UserRow = Record<string, unknown>;

async function users(baseUrl: string): Promise<{ status: number; rows: UserRow[] }> {
  const res = await new HttpClient(baseUrl).get('/api/users');
  return { status: res.status, rows: JSON.parse(res.body) as UserRow[] };
}

for (const provider of ['sqlite', 'postgresql'] as const) {
  test(`the app's User stays as it was with email-confirmation and invitation (${provider})`, async (t) => {
    const project = await setUp(provider);
    let app: RunningApp | null = null;
    let mailed: MailedApp | null = null;
    t.after(async () => {
      await app?.stop();
      await mailed?.app.stop();
      await mailed?.smtp.close();
      await project.dispose();
    });

    let before: { status: number; rows: UserRow[] } | null = null;
    await t.test('before pow: two users of the app, and the whole-row route', async () => {
      const migrated = await project.pow(['migrate']);
      assert.equal(migrated.code, 0, migrated.stderr + migrated.stdout);
      await projectSql(
        project,
        `INSERT INTO "users" ("id", "name", "password", "role", "created_at") VALUES ` +
          `('u1', 'Ada', 'app-own-secret-1', 'user', '2025-01-01 10:00:00'), ` +
          `('u2', NULL, 'app-own-secret-2', 'admin', '2025-01-02 10:00:00')`,
      );
      await prismaGenerate(project);
      app = await bootWithTsx(project, 'src/server.ts');
      before = await users(app.url);
      assert.equal(before.status, 200);
      assert.deepEqual(
        before.rows.map((r) => r.id),
        ['u1', 'u2'],
      );
      await app.stop();
      app = null;
    });

    await t.test('install adds no column to the app’s User: its fields live in UserCredential', async () => {
      const userBefore = /model User \{[^}]*\}/.exec(project.read(SCHEMA))![0];
      const res = await project.pow(['install', '--yes', ...EXTENSIONS.flatMap((e) => ['--extension', e])]);
      assert.equal(res.code, 0, res.stderr + res.stdout);
      const schema = project.read(SCHEMA);
      const userAfter = /model User \{[^}]*\}/.exec(schema)![0];
      // Only the relation field is added (Prisma returns it only when a query names it).
      assert.equal(
        userAfter,
        userBefore.replace('\n\n  @@map', '\n\n  credential UserCredential?\n\n  @@map'),
      );
      const credential = /model UserCredential \{[^}]*\}/.exec(schema)![0];
      for (const field of [
        /\n {2}email +String\? +@unique\n/,
        /\n {2}emailConfirmedAt +DateTime\? +@map\("email_confirmed_at"\)\n/,
        /\n {2}unconfirmedEmail +String\? +@map\("unconfirmed_email"\)\n/,
        /\n {2}invitedById +String\? +@map\("invited_by_id"\)\n/,
        /\n {2}invitationAcceptedAt +DateTime\? +@map\("invitation_accepted_at"\)\n/,
      ])
        assert.match(credential, field);
      const migration = project.read(`${MIGRATION_DIR}/migration.sql`);
      assert.doesNotMatch(migration, /ALTER TABLE "users"/, migration);
      const config = project.read('src/pow/config.ts');
      assert.match(
        config,
        /\n {2}credentialFields: \['email', 'emailConfirmedAt', 'unconfirmedEmail', 'invitedById', 'invitationAcceptedAt'\],\n/,
      );
      assert.match(config, /\n {2}userDefaults: \{ password: '!' \},\n/);
    });

    await t.test('pow migrate, prisma generate, tsc --noEmit', async () => {
      const migrated = await project.pow(['migrate']);
      assert.equal(migrated.code, 0, migrated.stderr + migrated.stdout);
      await prismaGenerate(project);
      // One provider is enough for the types (the generated code is the same).
      if (provider === 'sqlite') await typecheck(project);
      protectDashboard(project, 'src/app.ts', 'app');
    });

    await t.test('after install: the whole-row route answers as before', async () => {
      mailed = await startMailedApp(project, BASE_URL);
      assert.deepEqual(await users(mailed.app.url), before);
    });

    await t.test('sign-up, confirmation, sign-in, invitation, reset over HTTP', async () => {
      assert.ok(mailed, 'the app is running (the previous step started it)');
      const { mailTo, mailCount } = mailed;
      const base = mailed.app.url;

      // Sign-up: the e-mail is stored in pow's table; not signed in until confirmed.
      const ada = new HttpClient(base);
      const signup = await register(ada, 'Ada@Example.com', PASSWORD);
      assert.equal(signup.status, 302, signup.body.slice(0, 1500));
      assert.match(
        flash((await ada.follow(signup)).body),
        /confirm your email address before you can sign in/,
      );
      assert.equal((await signIn(ada, 'ada@example.com', PASSWORD)).location, '/session/new');
      assert.equal(await signedIn(ada), false, 'unconfirmed');

      // Confirmation through the mailed link; then sign-in (the lookup goes through the relation).
      const confirm = await mailTo('ada@example.com', 'Confirm your email for express5-ts-existing-user');
      const confirmed = await ada.get(mailedPath(firstLink(confirm), BASE_URL));
      assert.match(flash((await ada.follow(confirmed)).body), /The email address has been confirmed\./);
      assert.equal((await signIn(ada, 'ADA@example.com ', PASSWORD)).status, 302);
      assert.equal(await signedIn(ada), true);

      // The same e-mail again: answered like a fresh sign-up; the unique index in pow's table holds.
      const mark = mailCount();
      const again = await register(new HttpClient(base), 'ada@example.com', PASSWORD);
      assert.equal(again.status, 302);
      await mailTo(
        'ada@example.com',
        'Sign-up attempt at express5-ts-existing-user with your email address',
        mark,
      );
      const accounts = await projectSql(
        project,
        `SELECT "user_id" FROM "user_credentials" WHERE "email" = 'ada@example.com'`,
      );
      assert.equal(accounts.length, 1, 'one account with the e-mail');

      // Invitation: the invitee row gets the app's constant (userDefaults) and no password.
      const page = await ada.get('/invitation/new');
      const invited = await ada.post('/invitation', {
        _csrf: csrfTokenFrom(page.body),
        email: 'ivy@example.com',
      });
      assert.equal(invited.status, 302, invited.body.slice(0, 1500));
      const invitation = await mailTo('ivy@example.com', "You've been invited to express5-ts-existing-user");
      assert.equal((await signIn(new HttpClient(base), 'ivy@example.com', PASSWORD)).status, 401);
      const ivy = new HttpClient(base);
      const link = mailedPath(firstLink(invitation), BASE_URL);
      const form = await ivy.get(link);
      assert.equal(form.status, 200);
      assert.match(form.body, /value="ivy@example.com"/);
      const accepted = await ivy.post(link.replace(/\/edit$/, ''), {
        _csrf: csrfTokenFrom(form.body),
        _method: 'PATCH',
        email: 'ivy@example.com',
        password: PASSWORD,
        password_confirmation: PASSWORD,
      });
      assert.equal(accepted.status, 302, accepted.body.slice(0, 1500));
      assert.equal(await signedIn(ivy), true, 'the invitee is signed in');

      // Reset: the lookup by e-mail goes through the relation; the new password signs in.
      const b = new HttpClient(base);
      const resetMark = mailCount();
      const resetPage = await b.get('/reset-password/new');
      const requested = await b.post('/reset-password', {
        _csrf: csrfTokenFrom(resetPage.body),
        email: 'ada@example.com',
      });
      assert.equal(requested.status, 302);
      const resetMail = await mailTo(
        'ada@example.com',
        'Reset your express5-ts-existing-user password',
        resetMark,
      );
      const opened = await b.get(mailedPath(firstLink(resetMail), BASE_URL));
      assert.equal(opened.location, '/reset-password/edit');
      const resetForm = await b.get(opened.location!);
      const done = await b.post('/reset-password', {
        _csrf: csrfTokenFrom(resetForm.body),
        _method: 'PATCH',
        password: NEW_PASSWORD,
        password_confirmation: NEW_PASSWORD,
      });
      assert.equal(done.status, 302, done.body.slice(0, 1500));
      assert.equal((await signIn(new HttpClient(base), 'ada@example.com', PASSWORD)).status, 401);
      assert.equal((await signIn(new HttpClient(base), 'ada@example.com', NEW_PASSWORD)).status, 302);

      // What pow stored, in its own table.
      const stored = await projectSql(
        project,
        `SELECT c."email", c."email_confirmed_at", c."invited_by_id", c."invitation_accepted_at", u."password"
           FROM "user_credentials" c JOIN "users" u ON u."id" = c."user_id" ORDER BY c."email"`,
      );
      assert.deepEqual(
        stored.map((r) => [
          r.email,
          r.email_confirmed_at !== null,
          r.invitation_accepted_at !== null,
          r.password,
        ]),
        [
          ['ada@example.com', true, false, '!'],
          ['ivy@example.com', true, true, '!'],
        ],
      );
      assert.equal(stored[0].invited_by_id, null);
      assert.notEqual(stored[1].invited_by_id, null);
    });

    await t.test(
      'after sign-up, confirmation, invitation and reset: the old rows are as before, new rows have only the app’s columns',
      async () => {
        assert.ok(mailed, 'the app is running');
        const after = await users(mailed.app.url);
        assert.equal(after.status, 200);
        assert.deepEqual(after.rows.slice(0, 2), before!.rows);
        assert.equal(after.rows.length, 4);
        const columns = Object.keys(before!.rows[0]!).sort();
        for (const row of after.rows) assert.deepEqual(Object.keys(row).sort(), columns);
        const body = JSON.stringify(after.rows);
        assert.doesNotMatch(body, /@example\.com|\$argon2|credential/i, body);
        assert.deepEqual(
          after.rows.slice(2).map((r) => [r.name, r.password, r.role]),
          [
            [null, '!', 'user'],
            [null, '!', 'user'],
          ],
        );
      },
    );
  });
}
