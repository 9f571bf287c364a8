/**
 * Users and admins side by side, end to end on the SQLite example app: `pow install`, then
 * `pow gen.templates --namespace admin --user-model Admin` (registration off by default: files only
 * at the documented namespace paths; the same command again writes nothing; both commands say who
 * can sign up), pow migrate, prisma generate, strict tsc, the first admin created from the terminal
 * with `pow user create` (a weak password and a duplicate are refused and change nothing; `pow user
 * set-password` changes it and ends its sessions), then the booted app walked
 * by one browser (one cookie jar) signed in as a user and as an admin at the same time: each
 * cookie opens only its own pages, signing the admin out leaves the user signed in, admin pages
 * render the admin views, and /admin/registration/new does not exist. One install for the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningApp } from '../helpers/app-process.js';
import { HttpClient, csrfTokenFrom, formActions } from '../helpers/http-client.js';
import { hashTree, runPow } from '../helpers/fixtures.js';
import {
  bootWithTsx,
  e2eProject,
  prismaGenerate,
  protectDashboard,
  typecheck,
} from '../helpers/e2e-project.js';

const FIXTURE = 'express5-ts-esm-sqlite';
const GEN = ['gen.templates', '--namespace', 'admin', '--user-model', 'Admin', '--yes'];

/** What the namespace adds (conventions.md, "Generated app layout"), and nothing else. */
const ADMIN_FILES = [
  'prisma/migrations/20260102030406_pow_admin/migration.sql',
  'src/controllers/admin/pow/session.ts',
  'src/pow/admin/config.ts',
  'src/routes/admin/pow.ts',
  'views/admin/pow/layout-bottom.ejs',
  'views/admin/pow/layout-top.ejs',
  'views/admin/pow/pow.css',
  'views/admin/pow/session/new.ejs',
];

/** path → sha256 of every project file outside node_modules and pow's bookkeeping folder. */
function projectFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (child === 'node_modules' || child === '.pow') continue;
      if (entry.isDirectory()) walk(child);
      else
        out.set(
          child,
          createHash('sha256')
            .update(readFileSync(join(dir, child)))
            .digest('hex'),
        );
    }
  };
  walk('');
  return out;
}

const ADMIN_DASHBOARD = `
// Added by the test the way a developer would: a page only admins may open, with a sign-out button.
app.get('/admin/dashboard', adminAuth.requireAuthenticated, (req, res) => {
  const admin = adminAuth.currentUser(req);
  res.send(
    \`<h1>Admin dashboard</h1><p>Signed in as \${String(admin?.email)}</p>\` +
      \`<form method="post" action="/admin/session"><input type="hidden" name="_method" value="DELETE">\` +
      \`<input type="hidden" name="_csrf" value="\${adminAuth.csrfToken(req)}"><button>Sign out</button></form>\`,
  );
});
`;

/** The Admin rows and their credentials, read straight from the SQLite file. */
async function adminRows(dir: string): Promise<string> {
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(join(dir, 'dev.db'), { readonly: true });
  try {
    return JSON.stringify([
      db.prepare('SELECT * FROM "Admin" ORDER BY id').all(),
      db.prepare('SELECT * FROM "AdminCredential" ORDER BY "userId"').all(),
    ]);
  } finally {
    db.close();
  }
}

test(`users and admins side by side on ${FIXTURE} (gen.templates --namespace admin)`, async (t) => {
  const project = await e2eProject(FIXTURE, 'sqlite');
  let app: RunningApp | null = null;
  t.after(async () => {
    await app?.stop();
    await project.dispose();
  });

  await t.test('pow install says who can sign up', async () => {
    const res = await project.pow(['install', '--yes']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /\nWho can sign up:\n {2}users \(User\): anyone, at \/registration\/new\n/);
  });

  await t.test('gen.templates writes the documented namespace paths and nothing else', async () => {
    const before = projectFiles(project.dir);
    const res = await project.pow(GEN);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stderr, '');
    assert.match(
      res.stdout,
      /\nWho can sign up:\n {2}users \(User\): anyone, at \/registration\/new\n {2}admin \(Admin\): nobody \(registration is off\); create accounts with `npx pow user create --namespace admin`\n/,
    );
    assert.match(res.stdout, /npx pow user create --namespace admin --email <address> {4}# the first admin/);
    const after = projectFiles(project.dir);
    const created = [...after.keys()].filter((path) => !before.has(path)).sort();
    const changed = [...before.keys()].filter((path) => after.get(path) !== before.get(path)).sort();
    assert.deepEqual(created, ADMIN_FILES);
    assert.deepEqual(changed, ['prisma/schema.prisma', 'src/app.ts']);
    assert.match(
      project.read('src/app.ts'),
      /\napp\.use\(auth\.middleware\(\)\);\napp\.use\('\/admin', adminAuth\.middleware\(\)\);\napp\.use\('\/admin', adminPowRoutes\);\napp\.use\(powRoutes\);\n/,
    );
  });

  await t.test('the same command again writes nothing', async () => {
    const before = hashTree(project.dir);
    const res = await project.pow(GEN);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Up to date: pow gen\.templates has nothing to change, no file was written\./);
    assert.equal(hashTree(project.dir), before);
  });

  await t.test('the developer edits: admin heading, protected pages', async () => {
    const view = 'views/admin/pow/session/new.ejs';
    const heading = `<h1 id="pow-title"><%= pow.t('pages.session.new.title') %></h1>`;
    assert.ok(project.read(view).includes(heading));
    project.write(view, project.read(view).replace(heading, '<h1 id="pow-title">Staff sign in</h1>'));
    protectDashboard(project, 'src/app.ts', 'app');
    const entry = project.read('src/app.ts');
    project.write(
      'src/app.ts',
      entry.replace('\nexport default app;', `${ADMIN_DASHBOARD}\nexport default app;`),
    );

    // Edited files are the team's: a re-run still writes nothing.
    const before = hashTree(project.dir);
    const res = await project.pow(GEN);
    assert.equal(res.code, 0, res.stderr);
    assert.match(
      res.stdout,
      /^skip {6}views\/admin\/pow\/session\/new\.ejs \(modified by you; nothing new from pow\)$/m,
    );
    assert.equal(hashTree(project.dir), before);
  });

  await t.test('pow migrate, prisma generate, strict tsc', async () => {
    const migrated = await project.pow(['migrate']);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, /20260102030405_pow_install\n {2}20260102030406_pow_admin\n/);
    await prismaGenerate(project);
    await typecheck(project);
  });

  const userCli = (args: string[], stdin?: string) =>
    runPow(['user', ...args], { cwd: project.dir, env: project.env, stdin });

  await t.test('the first admin from the terminal: pow user create', async () => {
    const res = await userCli(
      ['create', '--user-model', 'Admin', '--email', ' Root@Example.com ', '--password-stdin'],
      'admin-otter-maps-42-quietly\n',
    );
    assert.equal(res.code, 0, res.stderr);
    assert.equal(
      res.stdout,
      'Created admin root@example.com (Admin id 1). It signs in at /admin/session/new.\n',
    );
    const rows = JSON.parse(await adminRows(project.dir)) as [
      { email: string }[],
      { passwordHash: string }[],
    ];
    assert.deepEqual(
      rows[0].map((row) => row.email),
      ['root@example.com'],
    );
    assert.match(rows[1][0]!.passwordHash, /^\$argon2id\$/, "hashed with the app's hasher");
  });

  await t.test(
    'a weak password, a duplicate, a bad e-mail or no password: refused, nothing changes',
    async () => {
      const before = await adminRows(project.dir);
      const weak = await userCli(
        ['create', '--namespace', 'admin', '--email', 'second@example.com', '--password-stdin'],
        'short',
      );
      assert.equal(weak.code, 1, weak.stdout);
      assert.match(
        weak.stderr,
        /^error: Could not create admin second@example\.com: password .*15.*Nothing was written\.$/m,
      );
      assert.match(weak.stderr, /^Fix: /m);

      const duplicate = await userCli(
        ['create', '--namespace', 'admin', '--email', 'ROOT@example.com', '--password-stdin'],
        'another-otter-maps-42-loudly',
      );
      assert.equal(duplicate.code, 1, duplicate.stdout);
      assert.match(duplicate.stderr, /email has already been taken/);
      assert.match(
        duplicate.stderr,
        /Fix: That account exists: set its password with `npx pow user set-password --namespace admin/,
      );

      const badEmail = await userCli(
        ['create', '--namespace', 'admin', '--email', 'a@x, b@y', '--password-stdin'],
        'another-otter-maps-42-loudly',
      );
      assert.equal(badEmail.code, 1, badEmail.stdout);
      assert.match(badEmail.stderr, /Could not create admin a@x, b@y: email /);

      const noPassword = await userCli(['create', '--namespace', 'admin', '--email', 'third@example.com']);
      assert.equal(noPassword.code, 2);
      assert.match(noPassword.stderr, /asks for the password on a terminal, and this is not one/);
      assert.match(noPassword.stderr, /Fix: Pipe it in with --password-stdin/);

      const unknownType = await userCli(['create', '--namespace', 'staff', '--email', 'x@example.com']);
      assert.equal(unknownType.code, 2);
      assert.match(unknownType.stderr, /--namespace staff: pow set up no such user type here/);
      assert.match(
        unknownType.stderr,
        /Fix: This project has: the users \(User\), --namespace admin \(Admin\)\./,
      );

      assert.equal(await adminRows(project.dir), before);
    },
  );

  app = await bootWithTsx(project, 'src/server.ts');
  const browser = new HttpClient(app.url);
  const user = { email: 'ada@example.com', password: 'purple-otter-maps-42-quietly' };
  const admin = { email: 'root@example.com', password: 'admin-otter-maps-42-quietly' };

  await t.test('admin pages render the admin views; user pages the default ones', async () => {
    const userPage = await browser.get('/session/new');
    assert.equal(userPage.status, 200);
    assert.doesNotMatch(userPage.body, /Staff sign in/);
    assert.match(userPage.body, /href="\/pow\/pow\.css"/);
    assert.deepEqual(formActions(userPage.body), ['/session']);

    const adminPage = await browser.get('/admin/session/new');
    assert.equal(adminPage.status, 200);
    assert.match(adminPage.body, /<h1 id="pow-title">Staff sign in<\/h1>/);
    assert.match(adminPage.body, /data-page="session#new"/);
    assert.match(adminPage.body, /href="\/admin\/pow\/pow\.css"/);
    assert.match(adminPage.body, /class="pow-brand" href="\/admin"/);
    assert.deepEqual(formActions(adminPage.body), ['/admin/session']);
    assert.doesNotMatch(adminPage.body, /href="\/(session|registration)\//, 'no link leaves /admin');
    assert.doesNotMatch(adminPage.body, /registration/);
    const css = await browser.get('/admin/pow/pow.css');
    assert.equal(css.status, 200);
  });

  await t.test('/admin/registration/new does not exist', async () => {
    assert.equal((await browser.get('/admin/registration/new')).status, 404);
    assert.equal((await browser.get('/registration/new')).status, 200);
  });

  await t.test('a user registers; the user cookie does not open the admin page', async () => {
    const page = await browser.get('/registration/new');
    const res = await browser.post('/registration', {
      _csrf: csrfTokenFrom(page.body),
      email: user.email,
      password: user.password,
      password_confirmation: user.password,
    });
    assert.equal(res.status, 302, res.body.slice(0, 2000));
    assert.equal((await browser.get('/dashboard')).status, 200);
    const denied = await browser.get('/admin/dashboard');
    assert.equal(denied.status, 302);
    assert.equal(denied.location, '/admin/session/new?request_path=%2Fadmin%2Fdashboard');
    // The admin sign-in page is the admin's: nobody is signed in there, whatever the user cookie says.
    const signIn = await browser.follow(denied);
    assert.match(signIn.body, /Staff sign in/);
    assert.doesNotMatch(signIn.body, new RegExp(user.email));
  });

  await t.test('the admin signs in in the same browser; both are signed in at once', async () => {
    const signIn = await browser.get('/admin/session/new?request_path=%2Fadmin%2Fdashboard');
    assert.deepEqual(formActions(signIn.body), ['/admin/session?request_path=%2Fadmin%2Fdashboard']);
    const csrf = csrfTokenFrom(signIn.body);
    const asUser = await browser.post('/admin/session?request_path=%2Fadmin%2Fdashboard', {
      _csrf: csrf,
      user_id: user.email,
      password: user.password,
    });
    assert.equal(asUser.status, 401, 'a user account is not an admin account');
    assert.match(asUser.body, /The provided login details did not work/);
    const ok = await browser.post('/admin/session?request_path=%2Fadmin%2Fdashboard', {
      _csrf: csrfTokenFrom(asUser.body),
      user_id: admin.email,
      password: admin.password,
    });
    assert.equal(ok.status, 302, ok.body.slice(0, 2000));
    assert.equal(ok.location, '/admin/dashboard');
    assert.ok(
      browser.cookies.has('pow_user') && browser.cookies.has('pow_admin'),
      [...browser.cookies.keys()].join(),
    );

    const dashboard = await browser.get('/admin/dashboard');
    assert.equal(dashboard.status, 200);
    assert.match(dashboard.body, /Signed in as root@example\.com/);
    assert.equal((await browser.get('/dashboard')).status, 200, 'the user is still signed in');
    // A signed-in admin is sent away from the admin sign-in page, to the admin home.
    const again = await browser.get('/admin/session/new');
    assert.equal(again.status, 302);
    assert.equal(again.location, '/admin');
  });

  await t.test('each cookie alone opens only its own pages', async () => {
    const onlyUser = new HttpClient(app!.url);
    onlyUser.cookies.set('pow_user', browser.cookies.get('pow_user')!);
    assert.equal((await onlyUser.get('/dashboard')).status, 200);
    assert.equal((await onlyUser.get('/admin/dashboard')).status, 302);

    const onlyAdmin = new HttpClient(app!.url);
    onlyAdmin.cookies.set('pow_admin', browser.cookies.get('pow_admin')!);
    assert.equal((await onlyAdmin.get('/admin/dashboard')).status, 200);
    const userPage = await onlyAdmin.get('/dashboard');
    assert.equal(userPage.status, 302);
    assert.equal(userPage.location, '/session/new?request_path=%2Fdashboard');
    assert.equal((await onlyAdmin.get('/registration/edit')).status, 302);

    // The user's token under the admin cookie name fails the admin signature.
    const forged = new HttpClient(app!.url);
    forged.cookies.set('pow_admin', browser.cookies.get('pow_user')!);
    assert.equal((await forged.get('/admin/dashboard')).status, 302);
  });

  await t.test('signing the admin out leaves the user signed in', async () => {
    const dashboard = await browser.get('/admin/dashboard');
    const res = await browser.post('/admin/session', {
      _csrf: csrfTokenFrom(dashboard.body),
      _method: 'DELETE',
    });
    assert.equal(res.status, 302, res.body.slice(0, 2000));
    assert.equal(res.location, '/admin/session/new');
    assert.equal((await browser.get('/admin/dashboard')).status, 302);
    assert.equal((await browser.get('/dashboard')).status, 200);
    const account = await browser.get('/registration/edit');
    assert.equal(account.status, 200);
    assert.match(account.body, new RegExp(`value="${user.email}"`));
    assert.doesNotMatch(account.body, /Staff sign in/);
  });

  await t.test('pow user set-password: a new password, and the admin is signed out everywhere', async () => {
    const admin2 = new HttpClient(app!.url);
    const page = await admin2.get('/admin/session/new');
    const signedIn = await admin2.post('/admin/session', {
      _csrf: csrfTokenFrom(page.body),
      user_id: admin.email,
      password: admin.password,
    });
    assert.equal(signedIn.status, 302, signedIn.body.slice(0, 2000));
    assert.equal((await admin2.get('/admin/dashboard')).status, 200);

    const weak = await userCli(
      ['set-password', '--namespace', 'admin', '--email', admin.email, '--password-stdin'],
      'short',
    );
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /Could not set the password of admin root@example\.com: password /);
    assert.equal((await admin2.get('/admin/dashboard')).status, 200, 'a refused password ends nothing');

    const missing = await userCli(
      ['set-password', '--namespace', 'admin', '--email', 'nobody@example.com', '--password-stdin'],
      'fresh-heron-maps-42-calmly',
    );
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No admin account matches nobody@example\.com\. Nothing was written\./);

    const res = await userCli(
      ['set-password', '--namespace', 'admin', '--email', admin.email, '--password-stdin'],
      'fresh-heron-maps-42-calmly\n',
    );
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Password set for admin root@example\.com; its sessions have ended/);
    assert.equal((await admin2.get('/admin/dashboard')).status, 302, 'the old session ended');

    const again = await admin2.get('/admin/session/new');
    const old = await admin2.post('/admin/session', {
      _csrf: csrfTokenFrom(again.body),
      user_id: admin.email,
      password: admin.password,
    });
    assert.equal(old.status, 401, 'the old password no longer works');
    const fresh = await admin2.post('/admin/session', {
      _csrf: csrfTokenFrom(old.body),
      user_id: admin.email,
      password: 'fresh-heron-maps-42-calmly',
    });
    assert.equal(fresh.status, 302, fresh.body.slice(0, 2000));
  });
});
