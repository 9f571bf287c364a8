/**
 * Boots the code `pow install` generates (config, controllers, routes, views, stylesheet) for the
 * default users and an "admin" namespace without registration, in one Express app, on Express 5
 * and on Express 4, against pow's runtime and a real SQLite database, and walks the pages like a
 * browser: register, edit the account, sign out, sign in, and the admin pages under /admin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { renderTemplate, templateOutputPath } from '../../src/generate/render.js';
import type { ProjectInfo } from '../../src/inspect/project-info.js';
import {
  buildTemplateContext,
  type TemplateContext,
  type TemplateOptions,
} from '../../src/recipes/template-context.js';
import { createTestDatabase, type TestDatabase } from '../helpers/prisma-test-client.js';
import { privatePostgres } from '../helpers/fault-servers.js';
import { HttpClient, csrfTokenFrom, formActions } from '../helpers/http-client.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const templatesRoot = join(repo, 'templates');

function listTemplates(dir = templatesRoot, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return listTemplates(join(dir, entry.name), rel);
    return entry.name.endsWith('.ejs') && /^(install|views)\//.test(rel) ? [rel] : [];
  });
}

function render(it: TemplateContext): Map<string, string> {
  const files = new Map<string, string>();
  for (const id of listTemplates()) {
    if (id === 'install/pow/prisma.ts.ejs' && !it.prisma.generateClient) continue;
    if (id.includes('registration') && !it.registration) continue;
    const [recipe, ...rest] = id.split('/');
    const path = templateOutputPath(rest.join('/'), {
      tokens: { namespace: it.namespacePath },
      prefix: recipe === 'views' ? it.project.viewsDir : it.project.sourceDir,
    });
    const file = join(templatesRoot, id);
    files.set(path, renderTemplate(readFileSync(file, 'utf8'), it, { id, file }));
  }
  return files;
}

function project(expressMajor: 4 | 5): ProjectInfo {
  return {
    root: '/tmp/app',
    packageName: 'app',
    packageManager: 'npm',
    language: 'ts',
    moduleSystem: 'esm',
    relativeImportExtension: '.js',
    sourceDir: 'src',
    framework: { name: 'express', version: expressMajor === 5 ? '5.2.1' : '4.21.2', major: expressMajor },
    entry: { path: 'src/app.ts', appVariable: 'app', patchable: true },
    views: { dir: 'views', engine: 'ejs' },
    prismaClientModule: { path: 'src/db.ts', exportName: 'db' },
    prisma: null,
  };
}

const USERS: TemplateOptions = { store: 'prisma', userIdFields: ['email', 'username'] };
// The test database has one User table: the admins are a second user type on it (own sessions, cookie, pages).
const ADMIN: TemplateOptions = {
  namespace: 'admin',
  registration: false,
  store: 'memory',
  userModel: 'User',
};

interface Express {
  (): {
    set(name: string, value: unknown): void;
    use(...handlers: unknown[]): void;
    get(path: string, handler: (req: unknown, res: { send(body: string): void }) => void): void;
    listen(port: number, host: string, callback: () => void): Server;
  };
}

/** Writes the generated app into test-artifacts/, boots it and returns its base URL. */
async function bootApp(
  major: 4 | 5,
  cleanups: Array<() => Promise<unknown>>,
  usersOptions = USERS,
  database?: TestDatabase,
): Promise<string> {
  const db = database ?? (await createTestDatabase('sqlite'));
  if (!database) cleanups.push(() => db.cleanup());
  await mkdir(join(repo, 'test-artifacts'), { recursive: true });
  const root = await mkdtemp(join(repo, 'test-artifacts', `templates-app-${major}-`));
  cleanups.push(() => rm(root, { recursive: true, force: true }));

  // The app folder: generated files, the app's prisma module, `pow` linked to this repo's runtime.
  const users = buildTemplateContext(project(major), usersOptions);
  const admin = buildTemplateContext(project(major), ADMIN);
  const files = new Map([...render(users), ...render(admin)]);
  files.set(
    'src/db.ts',
    'export const db = (globalThis as Record<string, unknown>).__powTemplatesPrisma as object;\n',
  );
  files.set('package.json', '{ "type": "module", "private": true }\n');
  files.set(
    'node_modules/pow/package.json',
    JSON.stringify({
      name: 'pow',
      type: 'module',
      exports: { '.': './src/runtime/index.ts', './express': './src/runtime/express/index.ts' },
    }),
  );
  for (const [path, text] of files) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  await symlink(join(repo, 'src'), join(root, 'node_modules/pow/src'), 'dir');
  await symlink(
    join(repo, 'node_modules', major === 5 ? 'express' : 'express4'),
    join(root, 'node_modules/express'),
    'dir',
  );

  (globalThis as Record<string, unknown>).__powTemplatesPrisma = db.prisma;
  process.env.POW_SECRET = 'templates-app-test-secret-0123456789-abcdefghij';
  const load = (path: string) => import(pathToFileURL(join(root, path)).href);
  const express = (await import(pathToFileURL(join(root, 'node_modules/express/index.js')).href))
    .default as Express;
  const { auth } = await load(users.paths.config);
  const { powRoutes } = await load(users.paths.routes);
  const { auth: adminAuth } = await load(admin.paths.config);
  const { powRoutes: adminPowRoutes } = await load(admin.paths.routes);

  // What the entry codemod adds, in this order.
  const app = express();
  app.set('views', join(root, 'views'));
  app.use(auth.middleware());
  app.use(powRoutes);
  app.use('/admin', adminAuth.middleware());
  app.use('/admin', adminPowRoutes);
  app.get('/', (_req, res) => res.send('home'));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  cleanups.unshift(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

for (const major of [5, 4] as const) {
  test(`generated app on Express ${major}: users and /admin pages work end to end`, async (t) => {
    const cleanups: Array<() => Promise<unknown>> = [];
    t.after(async () => {
      for (const cleanup of cleanups) await cleanup();
    });
    const base = await bootApp(major, cleanups);
    const browser = new HttpClient(base);

    // Stylesheet and sign-in page.
    const css = await browser.get('/pow/pow.css');
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /text\/css/);
    const signInPage = await browser.get('/session/new');
    assert.equal(signInPage.status, 200);
    assert.equal(signInPage.headers.get('cache-control'), 'no-store');
    assert.match(signInPage.body, /<label for="user_id">Email or username<\/label>/);
    assert.deepEqual(formActions(signInPage.body), ['/session']);

    // Registration: invalid input re-renders with 422 and field errors, then a valid one signs in.
    const registerPage = await browser.get('/registration/new');
    assert.equal(registerPage.status, 200);
    let csrf = csrfTokenFrom(registerPage.body);
    const invalid = await browser.post('/registration', {
      _csrf: csrf,
      email: 'not-an-email',
      username: 'ada',
      password: 'short',
      password_confirmation: 'x',
    });
    assert.equal(invalid.status, 422);
    assert.match(invalid.body, /name="email"[^>]*aria-invalid="true" aria-describedby="email-error"/);
    assert.match(invalid.body, /id="password-error"/);
    assert.match(invalid.body, /value="not-an-email"/);
    assert.ok(!invalid.body.includes('value="short"'), 'passwords are never echoed');
    const password = 'purple-otter-maps-42-quietly';
    const registered = await browser.post('/registration', {
      _csrf: csrf,
      email: 'ada@example.com',
      username: 'ada',
      password,
      password_confirmation: password,
    });
    assert.equal(registered.status, 302, registered.body);
    assert.equal(registered.location, '/');
    assert.ok(browser.cookies.has('pow_user'));

    // Account settings: the current password is required for a change.
    const edit = await browser.get('/registration/edit');
    assert.equal(edit.status, 200);
    assert.match(edit.body, /Signed in as ada@example\.com/);
    assert.match(edit.body, /name="email"[^>]*value="ada@example.com"/);
    csrf = csrfTokenFrom(edit.body);
    const wrong = await browser.post('/registration', {
      _csrf: csrf,
      _method: 'PATCH',
      email: 'ada@example.org',
      username: 'ada',
      current_password: 'nope',
      password: '',
      password_confirmation: '',
    });
    assert.equal(wrong.status, 422);
    assert.match(wrong.body, /id="current_password-error"/);
    const updated = await browser.post('/registration', {
      _csrf: csrf,
      _method: 'PATCH',
      email: 'ada@example.org',
      username: 'ada',
      current_password: password,
      password: '',
      password_confirmation: '',
    });
    assert.equal(updated.status, 302, updated.body);
    assert.equal(updated.location, '/registration/edit');
    const afterUpdate = await browser.get('/registration/edit');
    assert.match(
      afterUpdate.body,
      /role="status">[^<]*<span[^>]*>[^<]*<\/span>Your account has been updated\./,
    );
    assert.match(afterUpdate.body, /value="ada@example.org"/);

    // Sign out (POST + _method=DELETE + _csrf), then sign in with a wrong and the right password.
    const signedOut = await browser.post('/session', {
      _csrf: csrfTokenFrom(afterUpdate.body),
      _method: 'DELETE',
    });
    assert.equal(signedOut.status, 302);
    assert.equal(signedOut.location, '/session/new');
    assert.ok(!browser.cookies.has('pow_user'));
    const guarded = await browser.get('/registration/edit');
    assert.equal(guarded.status, 302);
    assert.match(guarded.location ?? '', /^\/session\/new\?request_path=%2Fregistration%2Fedit/);
    const signIn = await browser.follow(guarded);
    assert.deepEqual(formActions(signIn.body), ['/session?request_path=%2Fregistration%2Fedit']);
    csrf = csrfTokenFrom(signIn.body);
    const failed = await browser.post('/session?request_path=%2Fregistration%2Fedit', {
      _csrf: csrf,
      user_id: 'ada',
      password: 'wrong password',
    });
    assert.equal(failed.status, 401);
    assert.match(
      failed.body,
      /<li id="form-error"><a href="#user_id">The provided login details did not work/,
    );
    assert.match(failed.body, /<title>Error: Sign in<\/title>/);
    assert.match(failed.body, /name="user_id"[^>]*value="ada"/);
    const signedIn = await browser.post('/session?request_path=%2Fregistration%2Fedit', {
      _csrf: csrf,
      user_id: 'ada',
      password,
    });
    assert.equal(signedIn.status, 302);
    assert.equal(signedIn.location, '/registration/edit', 'back to the page that asked for sign-in');

    // Admin pages: under /admin, no registration, own cookie; the user session is not an admin one.
    const adminBrowser = new HttpClient(base);
    assert.equal((await adminBrowser.get('/admin/registration/new')).status, 404);
    assert.equal((await adminBrowser.get('/admin/pow/pow.css')).status, 200);
    const adminSignIn = await adminBrowser.get('/admin/session/new');
    assert.equal(adminSignIn.status, 200);
    assert.match(adminSignIn.body, /<link rel="stylesheet" href="\/admin\/pow\/pow.css">/);
    assert.deepEqual(formActions(adminSignIn.body), ['/admin/session']);
    assert.ok(!adminSignIn.body.includes('href="/registration'), 'no links to the user pages');
    const adminSignedIn = await adminBrowser.post('/admin/session', {
      _csrf: csrfTokenFrom(adminSignIn.body),
      user_id: 'ada@example.org',
      password,
    });
    assert.equal(adminSignedIn.status, 302, adminSignedIn.body);
    // The admin side lands on its own page, which says which side it is and has a sign-out button
    // even without registration.
    assert.equal(adminSignedIn.location, '/admin');
    const landing = await adminBrowser.follow(adminSignedIn);
    assert.equal(landing.status, 200);
    assert.match(landing.body, /<span class="pow-area">Admin area<\/span>/);
    assert.match(landing.body, /<h1 id="pow-title">Admin<\/h1>/);
    assert.match(landing.body, /You are signed in\./);
    assert.match(landing.body, /<a class="pow-brand" href="\/admin">/);
    assert.deepEqual(formActions(landing.body), ['/admin/session']);
    assert.ok(adminBrowser.cookies.has('pow_admin'));
    assert.ok(!adminBrowser.cookies.has('pow_user'));
    const adminHome = await adminBrowser.get('/admin/session/new');
    assert.equal(adminHome.status, 302, 'a signed-in admin is sent away from the sign-in page');
    assert.equal(
      (await browser.get('/admin/session/new')).status,
      200,
      'a signed-in user is not signed in as admin',
    );
  });
}

test("generated routes: a database outage on pow's pages answers 503 with Retry-After, not 500", async (t) => {
  const cleanups: Array<() => Promise<unknown>> = [];
  t.after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });
  // A private PostgreSQL cluster on a free port: the shared server is never stopped.
  const pg = await privatePostgres();
  cleanups.push(() => pg.destroy());
  const db = await createTestDatabase('postgresql', { pgUrl: pg.url });
  cleanups.push(() => db.cleanup().catch(() => {}));
  // Sessions in memory: the visitor's page loads; the registration then needs the database.
  const base = await bootApp(5, cleanups, { ...USERS, store: 'memory' }, db);
  const browser = new HttpClient(base);
  const page = await browser.get('/registration/new');
  assert.equal(page.status, 200);
  await pg.stop();
  const res = await browser.post('/registration', {
    _csrf: csrfTokenFrom(page.body),
    email: 'outage@example.com',
    username: 'outage',
    password: 'purple-otter-maps-42-quietly',
    password_confirmation: 'purple-otter-maps-42-quietly',
  });
  assert.equal(res.status, 503, res.body.slice(0, 500));
  assert.match(res.headers.get('retry-after') ?? '', /^\d+$/);
  assert.match(res.body, /<title>Temporarily unavailable<\/title>/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  await pg.start();
});

const CHROMIUM =
  process.env.POW_CHROMIUM ??
  ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((path) =>
    existsSync(path),
  );

test(
  'generated pages: no serious or critical axe violations and no sideways scrolling at 1280 and 390 px',
  { skip: CHROMIUM ? false : 'no Chromium found (set POW_CHROMIUM to its path)' },
  async (t) => {
    const cleanups: Array<() => Promise<unknown>> = [];
    t.after(async () => {
      for (const cleanup of cleanups) await cleanup();
    });
    const base = await bootApp(5, cleanups, {
      ...USERS,
      extensions: ['persistent-session', 'reset-password'],
    });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    cleanups.unshift(() => browser.close());
    const axeSource = readFileSync(join(repo, 'node_modules/axe-core/axe.min.js'), 'utf8');
    const password = 'purple-otter-maps-42-quietly';

    for (const width of [1280, 390]) {
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      // axe is served from a fake URL, so the browser compiles it once and caches it.
      await context.route(`${base}/__axe.min.js`, (route) =>
        route.fulfill({ body: axeSource, contentType: 'text/javascript' }),
      );
      const page = await context.newPage();
      const check = async (label: string) => {
        await page.addScriptTag({ url: `${base}/__axe.min.js` });
        // Browser-side code as a string: this file is type-checked without the DOM library.
        const result = (await page.evaluate(`(async () => {
          const { violations } = await axe.run();
          return {
            violations: violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })),
            overflow: document.documentElement.scrollWidth > window.innerWidth,
          };
        })()`)) as {
          violations: Array<{ id: string; impact: string | null; nodes: number }>;
          overflow: boolean;
        };
        const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        assert.deepEqual(serious, [], `${label} at ${width}px`);
        assert.equal(result.overflow, false, `${label} at ${width}px scrolls sideways`);
      };

      await page.goto(`${base}/session/new`);
      await check('sign-in');
      await page.fill('#user_id', 'nobody');
      await page.fill('#password', 'wrong password');
      await page.click('form.pow-form button[type=submit]');
      await check('failed sign-in');

      await page.goto(`${base}/registration/new`);
      // Skip the browser's own checks to get the server's field errors.
      await page.evaluate(
        `document.querySelectorAll('form.pow-form').forEach((form) => form.setAttribute('novalidate', ''))`,
      );
      await page.fill('#email', 'not-an-email');
      await page.fill('#password', 'short');
      await page.click('form.pow-form button[type=submit]');
      await check('registration errors');
      await page.fill('#email', `user${width}@example.com`);
      await page.fill('#password', password);
      await page.fill('#password_confirmation', password);
      await page.click('form.pow-form button[type=submit]');

      await page.goto(`${base}/registration/edit`);
      await page.fill('#current_password', password);
      await page.click('form.pow-form button[type=submit]');
      await page.waitForURL(`${base}/registration/edit`);
      assert.ok(await page.isVisible('.pow-flash-info'), 'the update flash is shown');
      await check('account settings (signed in, flash)');

      await page.goto(`${base}/admin/session/new`);
      await check('admin sign-in');
      await context.close();
    }
  },
);
