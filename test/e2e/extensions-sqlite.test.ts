/**
 * The mailing extensions end to end on the SQLite example app (issues 7, 21), with real mail.
 *
 * One project: `pow install`, the team edits some generated files, then
 * `pow install --extension email-confirmation --extension reset-password
 *  --extension persistent-session --extension invitation --extension magic-link` adds only the delta (one new migration,
 * merged routes/controllers, the team's other edits untouched). After `pow migrate`,
 * `prisma generate` and strict `tsc`, the app boots with SMTP_URL pointing at an in-process SMTP
 * server, and browser-like clients walk every flow of pow-behaviour.md §9 rows 38–57, reading the
 * links from the captured mails and following them. Then the database file is searched for
 * every raw token that was mailed or set as a cookie. Last, `pow gen.templates --namespace admin
 * --extension reset-password --extension magic-link` adds admins: their mailed links and pages stay
 * under /admin, and a sign-in link outlives the lifetime its config gives it by nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../helpers/app-process.js';
import {
  e2eProject,
  prismaGenerate,
  protectDashboard,
  typecheck,
  type E2EProject,
} from '../helpers/e2e-project.js';
import { HttpClient, csrfTokenFrom } from '../helpers/http-client.js';
import { firstLink, tokenFromLink, type CapturedMail, type SmtpTestServer } from '../helpers/smtp-server.js';
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
import { REPO_ROOT } from '../helpers/fixtures.js';

const FIXTURE = 'express5-ts-esm-sqlite';
const MIGRATIONS = 'prisma/migrations';
const BASE_URL = 'https://app.example.test';
const PASSWORD = 'purple-otter-maps-42-quietly';
const NEW_PASSWORD = 'seven orange lanterns over harbor 18';
const ROUTES = 'src/routes/pow.ts';
const SESSION_CONTROLLER = 'src/controllers/pow/session.ts';
const REGISTRATION_VIEW = 'views/pow/registration/new.ejs';
const TEAM_ROUTE = "powRoutes.get('/team-route', (_req, res) => {\n  res.send('team');\n});\n";
const TEAM_COMMENT = '// Team note: sign-in copy reviewed by the product team.\n';
const ALL = ['email-confirmation', 'reset-password', 'persistent-session', 'invitation', 'magic-link'];
const MAGIC_SUBJECT = 'Your sign-in link for express5-ts-esm-sqlite';

function migrationNames(project: E2EProject): string[] {
  return readdirSync(join(project.dir, MIGRATIONS), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

test(`extensions on ${FIXTURE}: install later, then every flow over HTTP with real mail`, async (t) => {
  const project = await e2eProject(FIXTURE, 'sqlite');
  let smtp: SmtpTestServer | null = null;
  let app: RunningApp | null = null;
  t.after(async () => {
    await app?.stop();
    await smtp?.close();
    await project.dispose();
  });

  let firstMigrations: string[] = [];
  await t.test('install without extensions, migrate; the team edits generated files', async () => {
    const res = await project.pow(['install', '--yes']);
    assert.equal(res.code, 0, res.stderr);
    const migrated = await project.pow(['migrate']);
    assert.equal(migrated.code, 0, migrated.stderr);
    firstMigrations = migrationNames(project);
    protectDashboard(project, 'src/app.ts', 'app');
    project.write(ROUTES, project.read(ROUTES) + '\n' + TEAM_ROUTE);
    project.write(SESSION_CONTROLLER, TEAM_COMMENT + project.read(SESSION_CONTROLLER));
    project.write(
      REGISTRATION_VIEW,
      project.read(REGISTRATION_VIEW).replace('<h1 id="pow-title">', '<h1 id="pow-title" class="club">'),
    );
  });

  await t.test('adding the extensions later: one new migration, the team edits kept', async () => {
    const untouched = {
      app: project.read('src/app.ts'),
      view: project.read(REGISTRATION_VIEW),
    };
    const args = ['install', '--yes'];
    for (const name of ALL) args.push('--extension', name);
    const res = await project.pow(args);
    assert.equal(res.code, 0, res.stderr + res.stdout);
    assert.match(res.stdout, /extension reset-password: no schema change/);

    const added = migrationNames(project).filter((name) => !firstMigrations.includes(name));
    assert.equal(added.length, 1, `exactly one new migration: ${added.join(', ')}`);
    const sql = project.read(`${MIGRATIONS}/${added[0]}/migration.sql`);
    for (const column of ['emailConfirmedAt', 'unconfirmedEmail', 'invitedById', 'invitationAcceptedAt']) {
      assert.match(sql, new RegExp(`"${column}"`), `the migration adds ${column}`);
    }
    assert.doesNotMatch(sql, /pow_sessions/, 'only the delta');

    assert.equal(project.read('src/app.ts'), untouched.app, 'the app entry is not touched');
    assert.equal(
      project.read(REGISTRATION_VIEW),
      untouched.view,
      'an edited page the extensions do not change',
    );
    const routes = project.read(ROUTES);
    assert.ok(routes.includes(TEAM_ROUTE), "the team's route stays");
    assert.match(routes, /'\/reset-password\/:token\/edit'/);
    assert.match(routes, /'\/confirm-email\/:token'/);
    assert.match(routes, /'\/invitation\/:token\/edit'/);
    const session = project.read(SESSION_CONTROLLER);
    assert.ok(session.startsWith(TEAM_COMMENT), "the team's comment stays");
    assert.match(session, /result\.reason === 'unconfirmed'/);
    const config = project.read('src/pow/config.ts');
    assert.match(
      config,
      /extensions: \['email-confirmation', 'reset-password', 'persistent-session', 'invitation', 'magic-link'\]/,
    );
    assert.match(config, /tokenTtlMs: \{ magic_link: 15 \* 60 \* 1000 \}/);
    assert.match(res.stdout, /extension magic-link: no schema change/);
    assert.match(routes, /auth\.page\('magic_link', 'sign_in'\)/);
    assert.match(project.read('views/pow/session/new.ejs'), /pow\.path\('magic_link\.new'\)/);
    assert.match(config, /smtpMailer\(url/);
    assert.match(project.read('.env.example'), /^SMTP_URL=$/m);
    for (const path of [
      'src/controllers/pow/reset-password.ts',
      'src/controllers/pow/confirmation.ts',
      'src/controllers/pow/invitation.ts',
      'views/pow/reset-password/edit.ejs',
      'views/pow/invitation/edit.ejs',
      'views/pow/mailer/reset_password.html.ejs',
      'views/pow/mailer/invitation.text.ejs',
      'src/controllers/pow/magic-link.ts',
      'views/pow/magic-link/new.ejs',
      'views/pow/magic-link/sent.ejs',
      'views/pow/magic-link/show.ejs',
      'views/pow/mailer/magic_link.html.ejs',
      'views/pow/mailer/magic_link.text.ejs',
    ]) {
      assert.ok(existsSync(join(project.dir, path)), `${path} is written`);
    }

    const again = await project.pow(args);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Up to date/);
  });

  await t.test('migrate, prisma generate, strict tsc', async () => {
    const migrated = await project.pow(['migrate']);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, /Applied 1 migration/);
    await prismaGenerate(project);
    await typecheck(project);
  });

  const mailed = await startMailedApp(project, BASE_URL);
  ({ app, smtp } = mailed);
  const { rawTokens, mailTo, mailCount } = mailed;
  const base = mailed.app.url;
  const mailServer = mailed.smtp;
  const waitForMails = async (predicate: (mail: CapturedMail) => boolean, count: number) => {
    for (let i = 0; i < 100 && mailServer.messages.filter(predicate).length < count; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(mailServer.messages.filter(predicate).length, count);
  };

  const register = (browser: HttpClient, email: string) => registerWith(browser, email, PASSWORD);

  const ada = new HttpClient(base);
  let adaEmail = 'ada@example.com';

  await t.test(
    'registration with confirmation: not signed in, mail, link confirms, sign-in works (rows 42, 43, 47, 52)',
    async () => {
      const res = await register(ada, adaEmail);
      assert.equal(res.status, 302, res.body.slice(0, 1000));
      assert.equal(res.location, '/session/new');
      const landing = await ada.follow(res);
      assert.match(flash(landing.body), /You'll need to confirm your email address before you can sign in/);
      assert.equal(await signedIn(ada), false);
      const mail = await mailTo(adaEmail, 'Confirm your email for express5-ts-esm-sqlite');
      assert.equal(mail.from, 'pow@app.example.test');
      const link = firstLink(mail);
      assert.match(mail.html, new RegExp(`href="${link.replace(/[.?]/g, '\\$&')}"`));

      // Unconfirmed: the right password sends a new link and signs nobody in; the box sets no cookie.
      const before = mailCount();
      const unconfirmed = await signIn(ada, adaEmail, PASSWORD, true);
      assert.equal(unconfirmed.status, 302);
      assert.equal(unconfirmed.location, '/session/new');
      assert.equal(setCookie(unconfirmed, 'pow_user'), undefined, 'no session cookie');
      assert.equal(setCookie(unconfirmed, 'pow_user_remember'), undefined, 'no remember-me cookie (row 52)');
      assert.match(flash((await ada.follow(unconfirmed)).body), /You'll need to confirm your email address/);
      await mailTo(adaEmail, 'Confirm your email for express5-ts-esm-sqlite', before);
      const wrongBefore = mailCount();
      const wrong = await signIn(ada, adaEmail, 'not the password at all');
      assert.equal(wrong.status, 401);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(mailCount(), wrongBefore, 'a wrong password sends nothing');

      const confirm = await ada.get(mailedPath(link, BASE_URL));
      assert.equal(confirm.status, 302);
      assert.equal(confirm.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(confirm.location, '/session/new');
      assert.match(flash((await ada.follow(confirm)).body), /The email address has been confirmed\./);
      const again = await ada.follow(await ada.get(mailedPath(link, BASE_URL)));
      assert.match(flash(again.body), /already been confirmed/, 'a second click is not an error (row 47)');

      const ok = await signIn(ada, adaEmail, PASSWORD);
      assert.equal(ok.status, 302);
      assert.equal(await signedIn(ada), true);
    },
  );

  await t.test(
    'sign-up with a taken e-mail answers like a fresh sign-up and sends no link (row 44)',
    async () => {
      const first = new HttpClient(base);
      const fresh = await register(first, 'fresh@example.com');
      const browser = new HttpClient(base);
      const before = mailCount();
      const taken = await register(browser, 'ADA@example.com');
      assert.equal(taken.status, fresh.status);
      assert.equal(taken.location, fresh.location);
      assert.equal(flash((await browser.follow(taken)).body), flash((await first.follow(fresh)).body));
      const notice = await mailTo(
        adaEmail,
        'Sign-up attempt at express5-ts-esm-sqlite with your email address',
        before,
      );
      assert.doesNotMatch(notice.text, /confirm-email/, 'the owner gets a notice, no confirmation link');
      await mailTo('fresh@example.com', 'Confirm your email for express5-ts-esm-sqlite');
    },
  );

  await t.test(
    'remember-me: opt-in, survives a browser restart, rotates, cleared on sign-out (rows 48–51)',
    async () => {
      const browser = new HttpClient(base);
      const plain = await signIn(browser, adaEmail, PASSWORD);
      assert.equal(plain.status, 302);
      assert.equal(setCookie(plain, 'pow_user_remember'), undefined, 'unticked: no cookie (row 49)');

      const fresh = new HttpClient(base);
      const ticked = await signIn(fresh, adaEmail, PASSWORD, true);
      const line = setCookie(ticked, 'pow_user_remember');
      assert.ok(line, 'ticked: a remember-me cookie');
      assert.match(line, /; Max-Age=2592000/);
      assert.match(line, /; HttpOnly/);
      assert.match(line, /; SameSite=Lax/);
      const first = rememberCookie(fresh)!;
      rawTokens.add(rememberToken(first));

      // "Browser restart": the session cookie is gone, the remember-me cookie stays.
      fresh.cookies.delete('pow_user');
      fresh.cookies.delete('pow_user_anon');
      const restored = await fresh.get('/dashboard');
      assert.equal(restored.status, 200, 'signed in again from the remember-me cookie');
      assert.ok(setCookie(restored, 'pow_user'), 'a fresh session');
      const second = rememberCookie(fresh)!;
      assert.notEqual(second, first, 'the remember-me token rotated');
      rawTokens.add(rememberToken(second));

      // Several tabs after a restart: all get in (the rotation grace window).
      fresh.cookies.delete('pow_user');
      const tabs = await Promise.all(
        Array.from({ length: 5 }, () =>
          fetch(`${base}/dashboard`, {
            headers: { cookie: `pow_user_remember=${second}` },
            redirect: 'manual',
          }),
        ),
      );
      assert.deepEqual(
        tabs.map((r) => r.status),
        [200, 200, 200, 200, 200],
      );
      for (const tab of tabs) {
        const next = tab.headers
          .getSetCookie()
          .find((l) => l.startsWith('pow_user_remember=') && !/Max-Age=0/.test(l));
        if (next)
          fresh.cookies.set('pow_user_remember', next.slice('pow_user_remember='.length, next.indexOf(';')));
      }
      fresh.cookies.delete('pow_user');
      assert.equal(await signedIn(fresh), true);

      // Sign-out clears the cookie; replaying its last value is anonymous.
      const last = rememberCookie(fresh)!;
      rawTokens.add(rememberToken(last));
      const page = await fresh.get('/registration/edit');
      const out = await fresh.post('/session', { _csrf: csrfTokenFrom(page.body), _method: 'DELETE' });
      assert.equal(out.status, 302);
      assert.match(setCookie(out, 'pow_user_remember') ?? '', /Max-Age=0/);
      const replay = await fetch(`${base}/dashboard`, {
        headers: { cookie: `pow_user_remember=${last}` },
        redirect: 'manual',
      });
      assert.equal(replay.status, 302, 'the old remember-me cookie no longer works (row 51)');
    },
  );

  await t.test('e-mail change waits for confirmation of the new address (rows 45, 46)', async () => {
    const change = async (email: string) => {
      const page = await ada.get('/registration/edit');
      return ada.post('/registration', {
        _csrf: csrfTokenFrom(page.body),
        _method: 'PATCH',
        email,
        password: '',
        password_confirmation: '',
        current_password: PASSWORD,
      });
    };
    const before = mailCount();
    const res = await change('ada.new@example.com');
    assert.equal(res.status, 302, res.body.slice(0, 1000));
    const edit = await ada.follow(res);
    assert.match(flash(edit.body), /You'll need to confirm the new email address before it's updated/);
    assert.match(edit.body, /value="ada@example.com"/, 'the stored e-mail is unchanged');
    const mail = await mailTo('ada.new@example.com', 'Confirm your email for express5-ts-esm-sqlite', before);
    await mailTo(adaEmail, 'Your express5-ts-esm-sqlite email address is being changed', before);

    // The same change again (Pow issue #512) still keeps the old address.
    await change('ada.new@example.com');
    assert.match((await ada.get('/registration/edit')).body, /value="ada@example.com"/);

    const confirmed = await ada.follow(await ada.get(mailedPath(firstLink(mail), BASE_URL)));
    assert.match(flash(confirmed.body), /The email address has been confirmed\./);
    assert.match(confirmed.body, /value="ada.new@example.com"/);
    adaEmail = 'ada.new@example.com';

    // Someone takes the next address before the link is followed: nothing changes.
    const mark = mailCount();
    await change('carol@example.com');
    const carolLink = firstLink(
      await mailTo('carol@example.com', 'Confirm your email for express5-ts-esm-sqlite', mark),
    );
    assert.equal((await register(new HttpClient(base), 'carol@example.com')).status, 302);
    await waitForMails((m) => m.to === 'carol@example.com', 2);
    const failed = await ada.follow(await ada.get(mailedPath(carolLink, BASE_URL)));
    assert.match(flash(failed.body), /The email address couldn't be confirmed\./);
    assert.match(failed.body, /value="ada.new@example.com"/);
  });

  await t.test(
    'reset password: same answer for known and unknown, link works once, everything revoked (rows 38–41, 56)',
    async () => {
      // Browser A: signed in with "keep me logged in".
      const a = new HttpClient(base);
      assert.equal((await signIn(a, adaEmail, PASSWORD, true)).status, 302);
      assert.ok(rememberCookie(a));
      rawTokens.add(rememberToken(rememberCookie(a)!));
      const signedInReset = await a.get('/reset-password/new');
      assert.equal(signedInReset.status, 302, 'the reset pages are for signed-out visitors (row 41)');
      assert.equal(signedInReset.location, '/');

      const b = new HttpClient(base);
      const request = async (email: string) => {
        const page = await b.get('/reset-password/new');
        assert.equal(page.status, 200);
        return b.post('/reset-password', { _csrf: csrfTokenFrom(page.body), email });
      };
      const before = mailCount();
      const known = await request(adaEmail.toUpperCase());
      const knownPage = await b.follow(known);
      const unknown = await request('nobody@example.com');
      const unknownPage = await b.follow(unknown);
      assert.equal(known.status, 302);
      assert.equal(unknown.status, known.status);
      assert.equal(unknown.location, known.location);
      assert.equal(flash(unknownPage.body), flash(knownPage.body));
      assert.match(flash(knownPage.body), /If an account for the provided email exists/);
      const mail = await mailTo(adaEmail, 'Reset your express5-ts-esm-sqlite password', before);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(
        mailServer.messages.slice(before).map((m) => m.subject),
        ['Reset your express5-ts-esm-sqlite password'],
        'exactly one mail, for the existing account',
      );
      const link = mailedPath(firstLink(mail), BASE_URL);
      const token = tokenFromLink(firstLink(mail));

      // Purpose separation: a reset token is no confirmation or invitation token.
      const asConfirmation = await b.follow(await b.get(`/confirm-email/${token}`));
      assert.match(flash(asConfirmation.body), /The confirmation token is invalid or has expired\./);
      const asInvitation = await b.follow(await b.get(`/invitation/${token}/edit`));
      assert.match(flash(asInvitation.body), /The invitation doesn't exist\./);

      // The link keeps its token in a cookie for the reset pages and leaves the address bar (F8).
      const opened = await b.get(link);
      assert.equal(opened.status, 302);
      assert.equal(opened.location, '/reset-password/edit');
      assert.equal(opened.headers.get('referrer-policy'), 'no-referrer');
      assert.match(
        setCookie(opened, 'pow_user_reset') ?? '',
        /; Path=\/reset-password; Max-Age=\d+; HttpOnly/,
      );
      const form = await b.get(opened.location!);
      assert.equal(form.status, 200);
      assert.equal(form.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(form.headers.get('cache-control'), 'no-store');
      assert.ok(!form.body.includes(token), 'the page does not carry the token');
      assert.match(form.body, /<form class="pow-form" method="post" action="\/reset-password">/);
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
      assert.equal(await signedIn(b), false, 'no automatic sign-in');
      await mailTo(adaEmail, 'Your express5-ts-esm-sqlite password was changed', before);

      // Browser A: its session and its remember-me token are gone.
      assert.equal(await signedIn(a), false, 'the other session ended (row 40)');
      a.cookies.delete('pow_user');
      assert.equal(await signedIn(a), false, 'the remember-me token no longer works');

      // Single use.
      const reused = await b.get(link);
      assert.equal(reused.location, '/reset-password/edit');
      const refused = await b.get(reused.location!);
      assert.equal(refused.status, 302);
      assert.equal(refused.location, '/reset-password/new');
      assert.match(flash((await b.follow(refused)).body), /The reset token has expired\./);

      assert.equal(
        (await signIn(new HttpClient(base), adaEmail, PASSWORD)).status,
        401,
        'the old password fails',
      );
      assert.equal((await signIn(ada, adaEmail, NEW_PASSWORD)).status, 302, 'the new one works');
    },
  );

  await t.test(
    'invitation: a signed-in user invites, the invitee sets a password and is signed in (rows 53, 54)',
    async () => {
      const anonymous = await new HttpClient(base).get('/invitation/new');
      assert.equal(anonymous.status, 302);
      assert.match(anonymous.location ?? '', /^\/session\/new/);

      assert.equal(await signedIn(ada), true);
      const invite = async (email: string) => {
        const page = await ada.get('/invitation/new');
        assert.equal(page.status, 200);
        return ada.post('/invitation', { _csrf: csrfTokenFrom(page.body), email });
      };
      const before = mailCount();
      const res = await invite('ivy@example.com');
      assert.equal(res.status, 302, res.body.slice(0, 1000));
      assert.equal(res.location, '/invitation/new');
      const resPage = await ada.follow(res);
      assert.match(flash(resPage.body), /An email with an invitation link has been sent\./);
      const mail = await mailTo('ivy@example.com', "You've been invited to express5-ts-esm-sqlite", before);
      assert.match(
        mail.text,
        new RegExp(`${adaEmail.replace('.', '\\.')} invited you to express5-ts-esm-sqlite`),
      );

      const takenMark = mailCount();
      const taken = await invite('carol@example.com');
      assert.equal(taken.status, res.status);
      assert.equal(taken.location, res.location);
      assert.equal(flash((await ada.follow(taken)).body), flash(resPage.body));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(mailCount(), takenMark, 'no mail for a taken address (row 54)');

      assert.equal(
        (await signIn(new HttpClient(base), 'ivy@example.com', PASSWORD)).status,
        401,
        'no password yet',
      );

      const ivy = new HttpClient(base);
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

      const other = new HttpClient(base);
      const reused = await other.follow(await other.get(link));
      assert.match(flash(reused.body), /The invitation doesn't exist\./);
    },
  );

  await t.test(
    'magic link: same answer for unknown, the page only shows a button, the POST signs in once (issue 21)',
    async () => {
      const browser = new HttpClient(base);
      const signInPage = await browser.get('/session/new');
      assert.match(signInPage.body, /<a href="\/magic-link\/new">Email me a sign-in link<\/a>/);
      const request = async (client: HttpClient, email: string) => {
        const page = await client.get('/magic-link/new');
        assert.equal(page.status, 200);
        return client.post('/magic-link', { _csrf: csrfTokenFrom(page.body), email });
      };
      const before = mailCount();
      const known = await request(browser, adaEmail.toUpperCase());
      const other = new HttpClient(base);
      const unknown = await request(other, 'nobody-magic@example.com');
      assert.equal(known.status, 302);
      assert.equal(known.location, '/magic-link/sent');
      assert.equal(unknown.status, known.status);
      assert.equal(unknown.location, known.location);
      const sent = await browser.follow(known);
      assert.match(sent.body, /<h1 id="pow-title">Check your email<\/h1>/);
      assert.match(sent.body, /within 15 minutes/);
      const card = (body: string) => body.slice(body.indexOf('<section'), body.indexOf('</section>'));
      assert.equal(card((await other.follow(unknown)).body), card(sent.body), 'the same page for both');
      const mail = await mailTo(adaEmail, MAGIC_SUBJECT, before);
      assert.match(mail.text, /This link expires in 15 minutes/);
      assert.match(
        mail.html,
        /<a href="https:\/\/app\.example\.test\/magic-link\/[A-Za-z0-9_-]{43}" style="[^"]*">Sign in<\/a>/,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(
        mailServer.messages.slice(before).map((m) => m.to),
        [adaEmail],
        'no mail to an unknown address',
      );
      const link = mailedPath(firstLink(mail), BASE_URL);

      // A mail scanner fetches the link first: it sees the button, nothing is used.
      for (const client of [new HttpClient(base), browser]) {
        const page = await client.get(link);
        assert.equal(page.status, 200);
        assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
        assert.equal(page.headers.get('cache-control'), 'no-store');
        assert.match(page.body, new RegExp(`action="${link}"`));
        assert.match(page.body, new RegExp(`You are about to sign in as ${adaEmail.replace('.', '\\.')}`));
      }
      assert.equal(await signedIn(browser), false, 'opening the link signs nobody in');
      const page = await browser.get(link);
      const done = await browser.post(link, { _csrf: csrfTokenFrom(page.body) });
      assert.equal(done.status, 302, done.body.slice(0, 1000));
      assert.equal(done.location, '/');
      assert.ok(setCookie(done, 'pow_user'), 'a new session cookie');
      assert.equal(await signedIn(browser), true, 'signed in: the protected page answers');

      // Second use: a clear page, no session.
      const late = new HttpClient(base);
      const reopened = await late.get(link);
      assert.equal(reopened.status, 410);
      assert.match(reopened.body, /This sign-in link has already been used/);
      assert.doesNotMatch(reopened.body, new RegExp(`action="${link}"`), 'no button');
      const formPage = await late.get('/magic-link/new');
      const replay = await late.post(link, { _csrf: csrfTokenFrom(formPage.body) });
      assert.equal(replay.status, 410);
      assert.match(replay.body, /already been used/);
      assert.equal(await signedIn(late), false);

      // Throttled per typed address, known or not, answered like the other mail forms.
      const ghost = new HttpClient(base);
      for (let i = 0; i < 4; i++)
        assert.equal((await request(ghost, 'nobody-magic@example.com')).status, 302);
      const refused = await request(ghost, 'nobody-magic@example.com');
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
      assert.match(refused.body, /class="pow-error-summary"/);
      assert.match(refused.body, /Too many requests\. Please wait a while and try again\./);
      assert.match(refused.body, /value="nobody-magic@example.com"/);
    },
  );

  await t.test('no raw token from a mail or cookie is in the database (row 57)', async () => {
    assert.ok(rawTokens.size >= 8, `tokens collected: ${rawTokens.size}`);
    let dump = '';
    for (const file of ['dev.db', 'dev.db-wal', 'dev.db-journal']) {
      const path = join(project.dir, file);
      if (existsSync(path)) dump += readFileSync(path).toString('latin1');
    }
    assert.ok(dump.includes('ivy@example.com'), 'the dump holds the data');
    for (const token of rawTokens) assert.ok(!dump.includes(token), 'a raw token is stored');
  });

  await t.test(
    'admin namespace with reset-password and magic-link: links and pages under /admin, a sign-in link expires',
    async () => {
      await app?.stop();
      app = null;
      const gen = await project.pow([
        'gen.templates',
        '--namespace',
        'admin',
        '--registration',
        '--extension',
        'reset-password',
        '--extension',
        'magic-link',
        '--yes',
      ]);
      assert.equal(gen.code, 0, gen.stderr + gen.stdout);
      assert.ok(existsSync(join(project.dir, 'src/controllers/admin/pow/reset-password.ts')));
      assert.ok(existsSync(join(project.dir, 'views/admin/pow/mailer/reset_password.html.ejs')));
      assert.ok(
        !existsSync(join(project.dir, 'src/controllers/admin/pow/invitation.ts')),
        'only its own extensions',
      );
      // The team shortens the admins' sign-in links to 3 s (the config's knob), to see one expire.
      const adminConfig = 'src/pow/admin/config.ts';
      assert.match(project.read(adminConfig), /magic_link: 15 \* 60 \* 1000/);
      project.write(
        adminConfig,
        project.read(adminConfig).replace('magic_link: 15 * 60 * 1000', 'magic_link: 3000'),
      );
      const migrated = await project.pow(['migrate']);
      assert.equal(migrated.code, 0, migrated.stderr);
      await prismaGenerate(project);
      app = await startApp(
        project.dir,
        join(REPO_ROOT, 'node_modules/.bin/tsx'),
        ['src/server.ts'],
        {
          ...project.env,
          SMTP_URL: mailServer.url,
          MAIL_FROM: 'pow@app.example.test',
          POW_BASE_URL: BASE_URL,
        },
        60_000,
      );
      const admin = new HttpClient(app.url);
      const page = await admin.get('/admin/registration/new');
      assert.equal(page.status, 200);
      const created = await admin.post('/admin/registration', {
        _csrf: csrfTokenFrom(page.body),
        email: 'root@example.com',
        password: PASSWORD,
        password_confirmation: PASSWORD,
      });
      assert.equal(created.status, 302, created.body.slice(0, 1000));
      const edit = await admin.get('/admin/registration/edit');
      await admin.post('/admin/session', { _csrf: csrfTokenFrom(edit.body), _method: 'DELETE' });

      const form = await admin.get('/admin/reset-password/new');
      assert.equal(form.status, 200);
      assert.match(form.body, /action="\/admin\/reset-password"/);
      const before = mailCount();
      const requested = await admin.post('/admin/reset-password', {
        _csrf: csrfTokenFrom(form.body),
        email: 'root@example.com',
      });
      assert.equal(requested.location, '/admin/session/new');
      const link = firstLink(
        await mailTo('root@example.com', 'Reset your express5-ts-esm-sqlite password', before),
      );
      assert.match(link, /^https:\/\/app\.example\.test\/admin\/reset-password\/[A-Za-z0-9_-]{43}\/edit$/);
      const opened = await admin.get(mailedPath(link, BASE_URL));
      assert.equal(opened.location, '/admin/reset-password/edit');
      assert.match(setCookie(opened, 'pow_admin_reset') ?? '', /; Path=\/admin\/reset-password; /);
      const resetPage = await admin.get(opened.location!);
      assert.equal(resetPage.status, 200);
      const action = /<form[^>]*action="([^"]+)"/.exec(
        resetPage.body.slice(resetPage.body.indexOf('pow-card')),
      )![1]!;
      assert.equal(action, '/admin/reset-password');
      const done = await admin.post(action, {
        _csrf: csrfTokenFrom(resetPage.body),
        _method: 'PATCH',
        password: NEW_PASSWORD,
        password_confirmation: NEW_PASSWORD,
      });
      assert.equal(done.location, '/admin/session/new');
      const signInPage = await admin.get('/admin/session/new');
      const signedInAdmin = await admin.post('/admin/session', {
        _csrf: csrfTokenFrom(signInPage.body),
        user_id: 'root@example.com',
        password: NEW_PASSWORD,
      });
      assert.equal(signedInAdmin.status, 302);
      assert.equal(signedInAdmin.location, '/admin');

      // Sign-in links of admins: under /admin, signing in lands on the admin side; expired after 3 s.
      const signOut = async () => {
        const account = await admin.get('/admin/registration/edit');
        await admin.post('/admin/session', { _csrf: csrfTokenFrom(account.body), _method: 'DELETE' });
      };
      await signOut();
      const askLink = async () => {
        const page = await admin.get('/admin/magic-link/new');
        assert.equal(page.status, 200);
        assert.match(page.body, /action="\/admin\/magic-link"/);
        const mark = mailCount();
        const asked = await admin.post('/admin/magic-link', {
          _csrf: csrfTokenFrom(page.body),
          email: 'root@example.com',
        });
        assert.equal(asked.location, '/admin/magic-link/sent');
        return firstLink(await mailTo('root@example.com', MAGIC_SUBJECT, mark));
      };
      const magic = await askLink();
      assert.match(magic, /^https:\/\/app\.example\.test\/admin\/magic-link\/[A-Za-z0-9_-]{43}$/);
      const magicPage = await admin.get(mailedPath(magic, BASE_URL));
      assert.equal(magicPage.status, 200);
      const viaLink = await admin.post(mailedPath(magic, BASE_URL), { _csrf: csrfTokenFrom(magicPage.body) });
      assert.equal(viaLink.status, 302, viaLink.body.slice(0, 1000));
      assert.equal(viaLink.location, '/admin');
      assert.equal((await admin.get('/admin')).status, 200, 'the admin is signed in');

      await signOut();
      const expiring = mailedPath(await askLink(), BASE_URL);
      // The link was made before its mail went out: 3.5 s after the mail it is past its 3 s.
      await new Promise((resolve) => setTimeout(resolve, 3500));
      const requestForm = await admin.get('/admin/magic-link/new');
      const expired = await admin.post(expiring, { _csrf: csrfTokenFrom(requestForm.body) });
      assert.equal(expired.status, 410);
      assert.match(expired.body, /This sign-in link is invalid or has expired/);
      assert.notEqual((await admin.get('/admin')).status, 200, 'not signed in');
    },
  );
});
