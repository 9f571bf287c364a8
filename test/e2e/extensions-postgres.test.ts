/**
 * The four extensions end to end on PostgreSQL, with real mail (the SQLite twin is
 * extensions-sqlite.test.ts).
 *
 * The app with its own User model (fixtures/express5-ts-existing-user, a fresh `pow_e2e_<random>`
 * database): `pow install --yes` with all four extensions at once; the required `User.name` gets a
 * `@default` and a team migration, as the printed manual step for the invitation extension says
 * (invitees are created from the e-mail alone, so a form field cannot fill it); `pow migrate`, no drift,
 * `prisma generate` and strict `tsc`. The app boots with SMTP_URL pointing at an in-process SMTP
 * server and browser-like clients walk registration with confirmation, sign-out, reset password
 * (the link parks its token in a cookie and redirects to a token-free page), remember-me across a
 * "browser restart" and an invitation, reading the links from the captured mails. Last, every row
 * of every table of the database is searched for the raw tokens that were mailed or set as cookies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { diffDatabaseToSchema, diffSchemas } from '../../src/prisma/schema-engine.js';
import type { RunningApp } from '../helpers/app-process.js';
import { e2eProject, prismaGenerate, protectDashboard, typecheck } from '../helpers/e2e-project.js';
import {
  flash,
  mailedPath,
  register as registerWith,
  rememberCookie,
  rememberToken,
  setCookie,
  signIn,
  signedIn,
  startMailedApp,
} from '../helpers/extensions-e2e.js';
import { HttpClient, csrfTokenFrom, type HttpResponse } from '../helpers/http-client.js';
import { firstLink, tokenFromLink, type SmtpTestServer } from '../helpers/smtp-server.js';

const FIXTURE = 'express5-ts-existing-user';
const BASE_URL = 'https://app.example.test';
const PASSWORD = 'purple-otter-maps-42-quietly';
const NEW_PASSWORD = 'seven orange lanterns over harbor 18';
const ALL = ['email-confirmation', 'reset-password', 'persistent-session', 'invitation'];
const SCHEMA = 'prisma/schema.prisma';
const TEAM_MIGRATION = 'prisma/migrations/20260102030406_user_name_default';
const CONFIG = 'src/pow/config.ts';

/**
 * An HttpClient that hands every pow cookie value the server sets to `record` (the value, and
 * the token before its signature when it is signed).
 */
class RecordingClient extends HttpClient {
  constructor(
    baseUrl: string,
    private readonly record: (value: string) => void,
  ) {
    super(baseUrl);
  }

  override async request(
    method: string,
    path: string,
    options: { form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<HttpResponse> {
    const res = await super.request(method, path, options);
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      const value = decodeURIComponent(pair.slice(pair.indexOf('=') + 1).trim());
      if (!pair.startsWith('pow_') || value.length < 16) continue;
      this.record(value);
      if (value.includes('.')) this.record(value.slice(0, value.lastIndexOf('.')));
    }
    return res;
  }
}

test(`extensions on ${FIXTURE}: PostgreSQL, every flow over HTTP with real mail`, async (t) => {
  const project = await e2eProject(FIXTURE, 'postgresql');
  let smtp: SmtpTestServer | null = null;
  let app: RunningApp | null = null;
  t.after(async () => {
    await app?.stop();
    await smtp?.close();
    await project.dispose();
  });

  await t.test('install with all four extensions, the manual step, migrate, generate, tsc', async () => {
    const args = ['install', '--yes'];
    for (const name of ALL) args.push('--extension', name);
    const res = await project.pow(args);
    assert.equal(res.code, 0, res.stderr + res.stdout);
    // User.name: the sign-up form asks for it, but the invitation extension creates invitees from
    // the e-mail alone, so it needs a default (a manual step). Follow it, a @default with a team
    // migration (what `prisma migrate dev` would write), then install again: the forms follow.
    assert.match(
      res.stdout,
      /prisma\/schema\.prisma: User\.name is required and has no default, so the invitation extension cannot create invited users/,
    );
    assert.match(res.stdout, /name String @default\(""\)/);
    assert.match(res.stdout, /^registration: the sign-up form now asks for User\.name /m);
    assert.match(
      project.read(CONFIG),
      /extensions: \['email-confirmation', 'reset-password', 'persistent-session', 'invitation'\]/,
    );
    const installed = project.read(SCHEMA);
    const edited = installed.replace(/\n {2}name {6}String\n/, '\n  name      String   @default("")\n');
    assert.notEqual(edited, installed, 'User.name gets a default');
    project.write(SCHEMA, edited);
    mkdirSync(join(project.dir, TEAM_MIGRATION), { recursive: true });
    const sql = await diffSchemas('postgresql', { [SCHEMA]: installed }, { [SCHEMA]: edited });
    assert.match(sql, /ALTER COLUMN "name" SET DEFAULT ''/);
    project.write(`${TEAM_MIGRATION}/migration.sql`, sql);
    const again = await project.pow(['install', '--yes']);
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.doesNotMatch(again.stdout, /Manual steps|now asks for/);
    assert.match(project.read('src/controllers/pow/registration.ts'), /const USER_FIELDS = \['email'\];/);

    const migrated = await project.pow(['migrate']);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, /Applied 3 migrations/);
    assert.equal(
      await diffDatabaseToSchema(project.db.url, { [SCHEMA]: project.read(SCHEMA) }),
      '',
      'no drift',
    );
    await prismaGenerate(project);
    await typecheck(project);
    protectDashboard(project, 'src/app.ts', 'app');
  });

  const mailed = await startMailedApp(project, BASE_URL);
  ({ app, smtp } = mailed);
  const { rawTokens, mailTo, mailCount } = mailed;
  const base = mailed.app.url;
  /** Every cookie value the app sets (session, remember-me, the parked reset token...). */
  const cookieTokens = new Set<string>();
  const newBrowser = () => new RecordingClient(base, (value) => cookieTokens.add(value));

  const register = (browser: HttpClient, email: string) => registerWith(browser, email, PASSWORD);
  const signOut = async (browser: HttpClient): Promise<HttpResponse> => {
    const page = await browser.get('/registration/edit');
    return browser.post('/session', { _csrf: csrfTokenFrom(page.body), _method: 'DELETE' });
  };

  const ada = newBrowser();
  const adaEmail = 'ada@example.com';

  await t.test('registration: confirmation mail, the link confirms, sign-in works', async () => {
    const res = await register(ada, adaEmail);
    assert.equal(res.status, 302, res.body.slice(0, 1000));
    assert.equal(res.location, '/session/new');
    const landing = await ada.follow(res);
    assert.match(flash(landing.body), /You'll need to confirm your email address before you can sign in/);
    assert.equal(await signedIn(ada), false);
    const mail = await mailTo(adaEmail, 'Confirm your email for express5-ts-existing-user');
    assert.equal(mail.from, 'pow@app.example.test');
    const link = firstLink(mail);

    const unconfirmed = await signIn(ada, adaEmail, PASSWORD);
    assert.equal(unconfirmed.status, 302);
    assert.equal(unconfirmed.location, '/session/new');
    assert.equal(setCookie(unconfirmed, 'pow_user'), undefined, 'unconfirmed: no session cookie');

    const confirm = await ada.get(mailedPath(link, BASE_URL));
    assert.equal(confirm.status, 302);
    assert.equal(confirm.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(confirm.location, '/session/new');
    assert.match(flash((await ada.follow(confirm)).body), /The email address has been confirmed\./);

    const ok = await signIn(ada, adaEmail, PASSWORD);
    assert.equal(ok.status, 302, ok.body.slice(0, 1000));
    assert.equal(await signedIn(ada), true);
  });

  await t.test('sign out', async () => {
    const out = await signOut(ada);
    assert.equal(out.status, 302);
    assert.equal(await signedIn(ada), false);
  });

  await t.test('reset password: the link parks its token, new password works, old refused', async () => {
    const b = newBrowser();
    const page = await b.get('/reset-password/new');
    assert.equal(page.status, 200);
    const before = mailCount();
    const requested = await b.post('/reset-password', { _csrf: csrfTokenFrom(page.body), email: adaEmail });
    assert.equal(requested.status, 302);
    assert.match(flash((await b.follow(requested)).body), /If an account for the provided email exists/);
    const mail = await mailTo(adaEmail, 'Reset your express5-ts-existing-user password', before);
    const link = mailedPath(firstLink(mail), BASE_URL);
    const token = tokenFromLink(firstLink(mail));

    const opened = await b.get(link);
    assert.equal(opened.status, 302);
    assert.equal(opened.location, '/reset-password/edit');
    assert.equal(opened.headers.get('referrer-policy'), 'no-referrer');
    assert.match(setCookie(opened, 'pow_user_reset') ?? '', /; Path=\/reset-password; Max-Age=\d+; HttpOnly/);
    const form = await b.get(opened.location!);
    assert.equal(form.status, 200);
    assert.ok(!form.body.includes(token), 'the page does not carry the token');
    const done = await b.post('/reset-password', {
      _csrf: csrfTokenFrom(form.body),
      _method: 'PATCH',
      password: NEW_PASSWORD,
      password_confirmation: NEW_PASSWORD,
    });
    assert.equal(done.status, 302, done.body.slice(0, 1000));
    assert.equal(done.location, '/session/new');
    assert.match(setCookie(done, 'pow_user_reset') ?? '', /Max-Age=0/, 'the kept token is forgotten');
    assert.match(flash((await b.follow(done)).body), /The password has been updated\./);
    await mailTo(adaEmail, 'Your express5-ts-existing-user password was changed', before);

    // Single use.
    const reused = await b.get(link);
    assert.equal(reused.location, '/reset-password/edit');
    const refused = await b.get(reused.location!);
    assert.equal(refused.status, 302);
    assert.equal(refused.location, '/reset-password/new');

    assert.equal((await signIn(newBrowser(), adaEmail, PASSWORD)).status, 401, 'old password refused');
    assert.equal((await signIn(ada, adaEmail, NEW_PASSWORD)).status, 302, 'the new one works');
    assert.equal(await signedIn(ada), true);
  });

  await t.test('remember-me: the session cookie dropped, the next request is signed in again', async () => {
    const browser = newBrowser();
    const ticked = await signIn(browser, adaEmail, NEW_PASSWORD, true);
    assert.equal(ticked.status, 302);
    const line = setCookie(ticked, 'pow_user_remember');
    assert.ok(line, 'ticked: a remember-me cookie');
    assert.match(line, /; Max-Age=2592000/);
    assert.match(line, /; HttpOnly/);
    const first = rememberCookie(browser)!;
    rawTokens.add(rememberToken(first));

    browser.cookies.delete('pow_user');
    browser.cookies.delete('pow_user_anon');
    const restored = await browser.get('/dashboard');
    assert.equal(restored.status, 200, 'signed in again from the remember-me cookie');
    assert.ok(setCookie(restored, 'pow_user'), 'a fresh session');
    const second = rememberCookie(browser)!;
    assert.notEqual(second, first, 'the remember-me token rotated');
    rawTokens.add(rememberToken(second));

    const out = await signOut(browser);
    assert.equal(out.status, 302);
    assert.match(setCookie(out, 'pow_user_remember') ?? '', /Max-Age=0/);
    const replay = await fetch(`${base}/dashboard`, {
      headers: { cookie: `pow_user_remember=${second}` },
      redirect: 'manual',
    });
    assert.equal(replay.status, 302, 'the old remember-me cookie no longer works');
  });

  await t.test(
    'invitation: a signed-in user invites, the invitee sets a password and is signed in',
    async () => {
      assert.equal(await signedIn(ada), true);
      const page = await ada.get('/invitation/new');
      assert.equal(page.status, 200);
      const before = mailCount();
      const res = await ada.post('/invitation', {
        _csrf: csrfTokenFrom(page.body),
        email: 'ivy@example.com',
      });
      assert.equal(res.status, 302, res.body.slice(0, 1000));
      assert.equal(res.location, '/invitation/new');
      assert.match(flash((await ada.follow(res)).body), /An email with an invitation link has been sent\./);
      const mail = await mailTo(
        'ivy@example.com',
        "You've been invited to express5-ts-existing-user",
        before,
      );

      const ivy = newBrowser();
      const link = mailedPath(firstLink(mail), BASE_URL);
      const form = await ivy.get(link);
      assert.equal(form.status, 200);
      assert.equal(form.headers.get('referrer-policy'), 'no-referrer');
      assert.match(form.body, /value="ivy@example.com"/);
      const accepted = await ivy.post(link.replace(/\/edit$/, ''), {
        _csrf: csrfTokenFrom(form.body),
        _method: 'PATCH',
        email: 'ivy@example.com',
        password: PASSWORD,
        password_confirmation: PASSWORD,
      });
      assert.equal(accepted.status, 302, accepted.body.slice(0, 1000));
      assert.equal(await signedIn(ivy), true, 'the invitee is signed in');
    },
  );

  await t.test('no raw token from a mail or cookie is in the database', async () => {
    assert.ok(rawTokens.size >= 5, `tokens collected: ${rawTokens.size}`);
    const cookieCount = [...cookieTokens].length;
    assert.ok(cookieCount >= 8, `cookie values collected: ${cookieCount}`);
    const client = new pg.Client({ connectionString: project.db.url });
    await client.connect();
    let dump = '';
    const tables: string[] = [];
    try {
      const { rows } = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
      );
      for (const { table_name: table } of rows) {
        tables.push(table);
        const data = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${table}" t`);
        for (const { row } of data.rows) dump += row + '\n';
      }
    } finally {
      await client.end();
    }
    for (const table of ['users', 'pow_sessions']) {
      assert.ok(tables.includes(table), `${table} is dumped: ${tables.join(', ')}`);
    }
    assert.ok(dump.includes('ivy@example.com'), 'the dump holds the users');
    for (const purpose of ['email_confirmation:', 'reset_password:', 'persistent_session:', 'invitation:']) {
      assert.ok(dump.includes(purpose), `the dump holds the ${purpose} token records`);
    }
    for (const token of rawTokens)
      assert.ok(!dump.includes(token), `a mailed/remember-me token is stored: ${token}`);
    for (const value of cookieTokens) assert.ok(!dump.includes(value), `a cookie value is stored: ${value}`);
  });
});
