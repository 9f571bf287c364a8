/**
 * The routes file is the one source of pow's paths (issue 15, item 6), end to end on the SQLite
 * example app with reset-password and real mail.
 *
 * After `pow install`, the team edits the generated routes file: sign-in moves from
 * `/session/new` to `/login`, sign-out from `DELETE /session` to `DELETE /sign-out`, and the
 * mailed reset link from `/reset-password/:token/edit` to `/forgot-password/:token`, and the
 * stylesheet from `/pow/pow.css` to `/assets/auth.css`. A re-run of
 * `pow install` keeps those edits. The booted app then links, posts, redirects and mails with the
 * new paths only, and the old ones answer 404.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eProject, prismaGenerate, protectDashboard, runBin, typecheck } from '../helpers/e2e-project.js';
import { HttpClient, csrfTokenFrom, formActions, type HttpResponse } from '../helpers/http-client.js';
import { firstLink, tokenFromLink } from '../helpers/smtp-server.js';
import { flash, mailedPath, register, startMailedApp } from '../helpers/extensions-e2e.js';
import type { RunningApp } from '../helpers/app-process.js';
import type { SmtpTestServer } from '../helpers/smtp-server.js';

const FIXTURE = 'express5-ts-esm-sqlite';
const ROUTES = 'src/routes/pow.ts';
const BASE_URL = 'https://app.example.test';
const PASSWORD = 'purple-otter-maps-42-quietly';
const NEW_PASSWORD = 'seven orange lanterns over harbor 18';
const INSTALL = ['install', '--yes', '--extension', 'reset-password'];

/** The team's edits of the generated routes file: [what was generated, what the team wrote]. */
const EDITS: Array<[string, string]> = [
  ["powRoutes.get(\n  '/session/new',", "powRoutes.get(\n  '/login',"],
  ["powRoutes.delete(\n  '/session',", "powRoutes.delete(\n  '/sign-out',"],
  ["powRoutes.get(\n  '/reset-password/:token/edit',", "powRoutes.get(\n  '/forgot-password/:token',"],
  ["powRoutes.get('/pow/pow.css',", "powRoutes.get('/assets/auth.css',"],
];

/** Every href and form action of a page. */
function targets(html: string): string[] {
  const hrefs = [...html.matchAll(/<a[^>]*\shref="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  return [...hrefs, ...formActions(html)];
}

/** No link or form of the page goes to a path the team moved away from. */
function assertNoOldPaths(page: HttpResponse, what: string): void {
  for (const target of targets(page.body)) {
    const path = target.split('?')[0]!;
    assert.notEqual(path, '/session/new', `${what} links to the old sign-in path`);
    assert.doesNotMatch(path, /^\/reset-password\/[^/]+\/edit$/, `${what} links to the old reset link path`);
  }
}

test(`a path changed in the routes file of ${FIXTURE} is the path of every link, redirect and mail`, async (t) => {
  const project = await e2eProject(FIXTURE, 'sqlite');
  let app: RunningApp | null = null;
  let smtp: SmtpTestServer | null = null;
  t.after(async () => {
    await app?.stop();
    await smtp?.close();
    await project.dispose();
  });

  await t.test('install, then the team moves sign-in, sign-out and the reset link', async () => {
    const res = await project.pow(INSTALL);
    assert.equal(res.code, 0, res.stderr + res.stdout);
    assert.match(project.read(ROUTES), /^auth\.readPages\(powRoutes\);$/m);
    let routes = project.read(ROUTES);
    for (const [generated, edited] of EDITS) {
      assert.ok(routes.includes(generated), `the generated routes file has ${JSON.stringify(generated)}`);
      routes = routes.replace(generated, edited);
    }
    project.write(ROUTES, routes);
    protectDashboard(project, 'src/app.ts', 'app');
  });

  await t.test('a re-run of pow install keeps the team’s paths', async () => {
    const before = project.read(ROUTES);
    const again = await project.pow(INSTALL);
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.equal(project.read(ROUTES), before, 'the routes file is left as the team wrote it');
  });

  await t.test('migrate, prisma generate, strict tsc', async () => {
    const migrated = await project.pow(['migrate']);
    assert.equal(migrated.code, 0, migrated.stderr);
    await prismaGenerate(project);
    await typecheck(project);
  });

  const mailed = await startMailedApp(project, BASE_URL);
  ({ app, smtp } = mailed);
  const browser = new HttpClient(mailed.app.url);
  const email = 'ada@example.com';

  await t.test('the old paths are gone', async () => {
    assert.equal((await browser.get('/session/new')).status, 404);
    assert.equal((await browser.get(`/reset-password/${'a'.repeat(43)}/edit`)).status, 404);
    assert.equal((await browser.get('/pow/pow.css')).status, 404);
  });

  await t.test('the pages link the stylesheet at its new path, which serves it', async () => {
    const page = await browser.get('/registration/new');
    assert.match(page.body, /<link rel="stylesheet" href="\/assets\/auth\.css">/);
    const css = await browser.get('/assets/auth.css');
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
  });

  await t.test('guards redirect to the new sign-in path; its page and links use the new paths', async () => {
    const guarded = await browser.get('/dashboard');
    assert.equal(guarded.status, 302);
    assert.equal(guarded.location, '/login?request_path=%2Fdashboard');
    const signInPage = await browser.follow(guarded);
    assert.equal(signInPage.status, 200);
    assert.deepEqual(formActions(signInPage.body), ['/session?request_path=%2Fdashboard']);
    assert.ok(targets(signInPage.body).includes('/login'), 'the layout links to /login');
    assert.ok(targets(signInPage.body).includes('/reset-password/new'));
    assertNoOldPaths(signInPage, 'the sign-in page');
    for (const path of ['/registration/new', '/reset-password/new']) {
      const page = await browser.get(path);
      assert.equal(page.status, 200, path);
      assert.ok(targets(page.body).includes('/login'), `${path} links to /login`);
      assertNoOldPaths(page, path);
    }
  });

  await t.test('sign-up, sign-out on the new path, and back to /login', async () => {
    const registered = await register(browser, email, PASSWORD);
    assert.equal(registered.status, 302, registered.body.slice(0, 500));
    const home = await browser.get('/dashboard');
    assert.equal(home.status, 200);
    const account = await browser.get('/registration/edit');
    assert.ok(formActions(account.body).includes('/sign-out'), 'the sign-out form posts to /sign-out');
    assertNoOldPaths(account, 'the account page');
    // Signed in, the sign-in page sends people on (the guard of the moved route).
    assert.equal((await browser.get('/login')).status, 302);

    const signedOut = await browser.post('/sign-out', {
      _csrf: csrfTokenFrom(account.body),
      _method: 'DELETE',
    });
    assert.equal(signedOut.status, 302);
    assert.equal(signedOut.location, '/login');
    assert.equal((await browser.get('/dashboard')).location, '/login?request_path=%2Fdashboard');
    // A sign-out after the session ended is the CSRF rule's exception: a redirect to sign-in, no 403.
    const again = await browser.post('/sign-out', { _csrf: 'stale', _method: 'DELETE' });
    assert.equal(again.status, 302);
    assert.equal(again.location, '/login');
    // The old sign-out path is no route of pow any more.
    assert.equal((await browser.post('/session', { _method: 'DELETE', _csrf: 'x' })).status, 403);
  });

  await t.test('the reset mail links to the new path, which leads on to sign-in at /login', async () => {
    const page = await browser.get('/reset-password/new');
    const requested = await browser.post('/reset-password', { _csrf: csrfTokenFrom(page.body), email });
    assert.equal(requested.status, 302);
    assert.equal(requested.location, '/login');
    const mail = await mailed.mailTo(email, 'Reset your express5-ts-esm-sqlite password');
    const link = firstLink(mail);
    const token = tokenFromLink(link);
    assert.equal(mailedPath(link, BASE_URL), `/forgot-password/${token}`);
    assert.equal((await browser.get(`/reset-password/${token}/edit`)).status, 404, 'the old link path');

    const opened = await browser.get(mailedPath(link, BASE_URL));
    assert.equal(opened.status, 302);
    assert.equal(opened.location, '/reset-password/edit');
    const form = await browser.get(opened.location!);
    assert.equal(form.status, 200);
    assert.deepEqual(formActions(form.body), ['/reset-password']);
    const done = await browser.post('/reset-password', {
      _csrf: csrfTokenFrom(form.body),
      _method: 'PATCH',
      password: NEW_PASSWORD,
      password_confirmation: NEW_PASSWORD,
    });
    assert.equal(done.status, 302, done.body.slice(0, 500));
    assert.equal(done.location, '/login');
    assert.match(flash((await browser.follow(done)).body), /The password has been updated\./);
    const notice = await mailed.mailTo(email, 'Your express5-ts-esm-sqlite password was changed');
    assert.equal(mailedPath(firstLink(notice), BASE_URL), '/reset-password/new');

    const signInPage = await browser.get('/login');
    const signedIn = await browser.post('/session', {
      _csrf: csrfTokenFrom(signInPage.body),
      user_id: email,
      password: NEW_PASSWORD,
    });
    assert.equal(signedIn.status, 302);
    assert.equal((await browser.get('/dashboard')).status, 200);
  });

  await t.test(
    'a page marked twice, or a page pow needs without a route, stops start-up naming both',
    async () => {
      const routes = project.read(ROUTES);
      const load = () =>
        runBin(project, 'tsx', [ROUTES], { SMTP_URL: 'smtp://127.0.0.1:9', POW_BASE_URL: BASE_URL });
      try {
        project.write(
          ROUTES,
          routes.replace("auth.page('registration', 'new')", "auth.page('session', 'new')"),
        );
        await assert.rejects(
          load(),
          /src\/routes\/pow\.ts marks two routes with auth\.page\('session', 'new'\): \/login \(src\/routes\/pow\.ts:\d+\) and \/registration\/new \(src\/routes\/pow\.ts:\d+\)/,
        );
        project.write(ROUTES, routes.replace("auth.page('session', 'new'),\n", ''));
        await assert.rejects(
          load(),
          /src\/routes\/pow\.ts has no route marked auth\.page\('session', 'new'\), which pow needs for signing in and out/,
        );
      } finally {
        project.write(ROUTES, routes);
      }
    },
  );
});
