/**
 * Every guide under docs/guides/ does what it says. A guide's example files (examples/<guide>/:
 * the files of the app after the guide's change, quoted by the guide through snippet markers that
 * test/docs/snippets.test.ts checks) are copied over a real `pow install` of the SQLite example
 * app, and the outcome the guide promises is checked over HTTP. Commands a guide tells the reader
 * to run are run as written (and must appear in the guide). One install is shared by all guides;
 * each guide runs in its own copy, in this process.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
// The runtime's source (the apps load the built one, dist/): createUser only calls pow.users.create.
import { createUser } from '../../src/runtime/index.js';
import { hashContent } from '../../src/generate/index.js';
import { diffSchemas } from '../../src/prisma/schema-engine.js';
import type { E2EProject } from '../helpers/e2e-project.js';
import { runPow } from '../helpers/fixtures.js';
import { csrfTokenFrom } from '../helpers/http-client.js';
import { firstLink, startSmtpServer, tokenFromLink } from '../helpers/smtp-server.js';
import { REDIS_URL } from '../helpers/db-redis.js';
import {
  EXAMPLES_DIR,
  PASSWORD,
  assertGuideRuns,
  childEnv,
  exampleFiles,
  installedApp,
  mustPass,
  signIn,
  start,
  variant,
  type RunningGuideApp,
  type Variant,
} from './guide-app.js';

/** Prisma's CLI without its update check and engine download (this machine is offline). */
const PRISMA_OFFLINE = {
  PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};

let base: E2EProject;
before(async () => {
  base = await installedApp();
});
after(async () => {
  await base?.dispose();
});

/** A copy with the guide's example files, started in-process; stopped and removed after. */
async function run(
  guide: string | null,
  body: (app: RunningGuideApp, copy: Variant) => Promise<void>,
  options: {
    prepare?: (copy: Variant) => Promise<void>;
    env?: Record<string, string>;
    ownClient?: boolean;
    /** Type-check this guide's example files in the copy (when `prepare` copies them in). */
    typecheck?: string;
  } = {},
) {
  const copy = variant(base, guide, { ownClient: options.ownClient });
  try {
    await options.prepare?.(copy);
    const app = await start(copy, options.env);
    try {
      await body(app, copy);
    } finally {
      await app.close();
    }
  } finally {
    keepForTypecheck(copy, options.typecheck ?? guide);
  }
}

/** Copies whose example files the last test type-checks; removed after it. */
const typecheckQueue: Array<{ copy: Variant; guide: string }> = [];
function keepForTypecheck(copy: Variant, guide: string | null) {
  if (guide !== null && exampleFiles(guide).some((file) => file.endsWith('.ts')))
    typecheckQueue.push({ copy, guide });
  else copy.remove();
}
after(() => {
  for (const { copy } of typecheckQueue) copy.remove();
});

/** Signs out through the header's sign-out button. */
async function signOut(browser: ReturnType<RunningGuideApp['browser']>) {
  const page = await browser.get('/registration/edit');
  return browser.post('/session', { _csrf: csrfTokenFrom(page.body), _method: 'DELETE' });
}

describe('guides', () => {
  // First: powExpress keeps a process-wide registry of instances for CSRF checks across user
  // types, and a cross-type form post would also consult the (closed) apps of earlier tests.
  test('namespaces: users and admins side by side, each with its own pages and cookie', async () => {
    const command = 'npx pow gen.templates --namespace admin';
    assertGuideRuns('guides/namespaces.md', command);
    const createAdmin = `printf '%s' "$ADMIN_PASSWORD" | npx pow user create --namespace admin --email root@example.com --password-stdin`;
    assertGuideRuns('guides/namespaces.md', createAdmin);
    assertGuideRuns('guides/namespaces.md', 'npx pow migrate');
    assertGuideRuns('guides/namespaces.md', 'npx prisma generate');
    await run(
      'namespaces',
      async (app, copy) => {
        await createUser(app.pow, { email: 'ada@example.com', password: PASSWORD });
        await mustPass(
          copy.pow(
            ['user', 'create', '--namespace', 'admin', '--email', 'root@example.com', '--password-stdin'],
            PASSWORD,
          ),
          createAdmin,
        );
        const browser = app.browser();

        assert.equal((await signIn(browser, 'ada@example.com', PASSWORD)).status, 302);
        assert.equal((await browser.get('/dashboard')).status, 200);
        const refused = await browser.get('/admin/dashboard');
        assert.equal(
          refused.location,
          '/admin/session/new?request_path=%2Fadmin%2Fdashboard',
          'a user is no admin',
        );
        const asAdmin = await signIn(browser, 'ada@example.com', PASSWORD, '/admin/session/new');
        assert.equal(asAdmin.status, 401, asAdmin.body.slice(0, 3000));
        assert.equal((await browser.get('/admin/registration/new')).status, 404, 'no admin sign-up');

        const back = await signIn(
          browser,
          'root@example.com',
          PASSWORD,
          '/admin/session/new?request_path=%2Fadmin%2Fdashboard',
        );
        assert.equal(back.location, '/admin/dashboard');
        const page = await browser.get('/admin/dashboard');
        assert.equal(page.status, 200);
        assert.match(page.body, /Signed in as root@example\.com/);
        assert.ok(browser.cookies.has('pow_user') && browser.cookies.has('pow_admin'), 'two cookies');

        await signOut(browser);
        assert.equal((await browser.get('/dashboard')).status, 302, 'the user signed out');
        assert.equal((await browser.get('/admin/dashboard')).status, 200, 'the admin did not');
      },
      {
        ownClient: true,
        async prepare(copy) {
          const example = copy.read('src/app.ts');
          copy.write('src/app.ts', base.read('src/app.ts'));
          await mustPass(copy.pow(['gen.templates', '--namespace', 'admin', '--yes']), command);
          assert.equal(
            example.replace(/\n\/\/ #region admin-page[\s\S]*?\/\/ #endregion admin-page\n/, ''),
            copy.read('src/app.ts'),
            'examples/namespaces/src/app.ts is the generated src/app.ts plus the admin page',
          );
          copy.write('src/app.ts', example);
          await mustPass(copy.pow(['migrate']), 'pow migrate');
          await copy.bin('prisma', ['generate'], PRISMA_OFFLINE);
        },
      },
    );
  });

  test('redirect-after-sign-in: sign-in lands on the chosen page, or on the page that asked', async () => {
    await run('redirect-after-sign-in', async (app) => {
      await createUser(app.pow, { email: 'ada@example.com', password: PASSWORD });
      const browser = app.browser();
      const res = await signIn(browser, 'ada@example.com', PASSWORD);
      assert.equal(res.location, '/dashboard');
      assert.equal((await signOut(browser)).location, '/', 'afterSignOutPath');

      const asked = await browser.get('/dashboard');
      assert.equal(asked.location, '/session/new?request_path=%2Fdashboard');
      const back = await signIn(
        browser,
        'ada@example.com',
        PASSWORD,
        '/session/new?request_path=%2Fposts%3Fpage%3D2',
      );
      assert.equal(back.location, '/posts?page=2');
      const other = app.browser();
      const evil = await signIn(
        other,
        'ada@example.com',
        PASSWORD,
        '/session/new?request_path=%2F%2Fevil.example',
      );
      assert.equal(evil.location, '/dashboard', 'never another origin');
    });
  });

  test('seed-users: the seed creates accounts that can sign in, and can run twice', async () => {
    assertGuideRuns('guides/seed-users.md', 'npx tsx --env-file=.env prisma/seed.ts');
    assertGuideRuns('guides/seed-users.md', 'npx prisma db seed');
    await run(
      'seed-users',
      async (app) => {
        const res = await signIn(app.browser(), 'grace@example.com', PASSWORD);
        assert.equal(res.status, 302);
        assert.equal(res.location, '/');
      },
      {
        async prepare(copy) {
          copy.write('.env', `${copy.read('.env.example')}\nSEED_PASSWORD=${PASSWORD}\n`);
          const first = await copy.bin('tsx', ['--env-file=.env', 'prisma/seed.ts']);
          assert.match(first, /created {2}ada@example\.com\ncreated {2}grace@example\.com/);
          // `prisma db seed` runs the command of prisma.config.ts (tsx from node_modules/.bin).
          const second = await copy.bin('prisma', ['db', 'seed'], {
            PATH: `${join(copy.dir, 'node_modules/.bin')}:${process.env.PATH}`,
            ...PRISMA_OFFLINE,
          });
          assert.match(second, /exists {3}ada@example\.com\nexists {3}grace@example\.com/);
        },
      },
    );
  });

  test('set-password: the script and the REPL set a password and end the sessions', async () => {
    assertGuideRuns(
      'guides/set-password.md',
      'npx tsx --env-file=.env scripts/set-password.ts ada@example.com',
    );
    assertGuideRuns('guides/set-password.md', 'npx tsx --env-file=.env');
    await run('set-password', async (app, copy) => {
      await createUser(app.pow, { email: 'ada@example.com', password: PASSWORD });
      const browser = app.browser();
      assert.equal((await signIn(browser, 'ada@example.com', PASSWORD)).status, 302);
      assert.equal((await browser.get('/dashboard')).status, 200);

      copy.write(
        '.env',
        copy.read('.env.example').replace(/^POW_SECRET=$/m, `POW_SECRET=${copy.env.POW_SECRET}`),
      );
      const newPassword = 'velvet-harbor-kites-at-dawn-7';
      const out = await copy.bin('tsx', ['--env-file=.env', 'scripts/set-password.ts', 'ada@example.com'], {
        NEW_PASSWORD: newPassword,
      });
      assert.match(out, /Password set for ada@example\.com/);
      assert.equal((await browser.get('/dashboard')).status, 302, 'the old session has ended');
      assert.equal((await signIn(app.browser(), 'ada@example.com', PASSWORD)).status, 401);
      assert.equal((await signIn(app.browser(), 'ada@example.com', newPassword)).status, 302);

      // The REPL lines of the guide, typed into `npx tsx --env-file=.env`.
      execFileSync(join(copy.dir, 'node_modules/.bin/tsx'), ['--env-file=.env'], {
        cwd: copy.dir,
        input: readFileSync(join(EXAMPLES_DIR, 'set-password/repl-input.txt'), 'utf8'),
        env: childEnv(copy.env),
        timeout: 60_000,
      });
      assert.equal(
        (await signIn(app.browser(), 'ada@example.com', 'a-brand-new-passphrase-for-ada')).status,
        302,
      );
    });
  });

  test('session-store: sessions are rows of pow_sessions by default', async () => {
    await run(null, async (app) => {
      await createUser(app.pow, { email: 'ada@example.com', password: PASSWORD });
      const count = async () =>
        (await app.prisma.powSession.findMany({ where: { namespace: 'user:session' } })).length;
      const browser = app.browser();
      assert.equal(await count(), 0);
      await signIn(browser, 'ada@example.com', PASSWORD);
      assert.equal(await count(), 1);
      await signOut(browser);
      assert.equal(await count(), 0);
    });
  });

  test('session-store: after `pow install --session-store redis`, sessions live in Redis', async () => {
    assertGuideRuns('guides/session-store.md', 'npx pow install --session-store redis');
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    const keys = () => redis.keys('myapp:user:session:*');
    try {
      await run(
        'session-store',
        async (app) => {
          await createUser(app.pow, { email: 'ada@example.com', password: PASSWORD });
          const browser = app.browser();
          assert.equal((await signIn(browser, 'ada@example.com', PASSWORD)).status, 302);
          assert.equal((await keys()).length, 1);
          assert.equal((await app.prisma.powSession.findMany()).length, 0, 'nothing in the database');
          assert.equal((await browser.get('/dashboard')).status, 200);
          await signOut(browser);
          assert.equal((await keys()).length, 0);
        },
        {
          env: { REDIS_URL },
          async prepare(copy) {
            // The guide's re-run, then its example config (the re-run's config with a key prefix).
            const example = copy.read('src/pow/config.ts');
            copy.write('src/pow/config.ts', base.read('src/pow/config.ts'));
            const res = await mustPass(
              copy.pow(['install', '--session-store', 'redis', '--yes']),
              'install redis',
            );
            assert.match(res.stdout, /^update {4}src\/pow\/config\.ts/m);
            const regenerated = copy.read('src/pow/config.ts');
            assert.equal(
              example
                .replace(/^ *\/\/ #(end)?region.*\n/gm, '')
                .replace(", { prefix: 'myapp' }", '')
                .replace(', under keys that start with "myapp:"', ''),
              regenerated,
              'examples/session-store/src/pow/config.ts is the re-run config plus the prefix',
            );
            copy.write('src/pow/config.ts', example);
          },
        },
      );
    } finally {
      const left = await redis.keys('myapp:*');
      if (left.length > 0) await redis.del(left);
      await redis.quit();
    }
  });

  test('breadcrumbs: the auth pages show Home › page, from pow.controller/action', async () => {
    await run('breadcrumbs', async (app) => {
      const browser = app.browser();
      const signInPage = await browser.get('/session/new');
      assert.match(
        signInPage.body,
        /<nav class="pow-breadcrumbs" aria-label="Breadcrumb">\s*<ol>\s*<li><a href="\/">Home<\/a><\/li>\s*<li aria-current="page">Sign in<\/li>/,
      );
      await createUser(app.pow, { email: 'ada@example.com', password: PASSWORD });
      await signIn(browser, 'ada@example.com', PASSWORD);
      const edit = await browser.get('/registration/edit');
      assert.match(
        edit.body,
        /<li><a href="\/">Home<\/a><\/li>\s*<li aria-current="page">Edit account<\/li>/,
      );
      const dashboard = await browser.get('/dashboard');
      assert.doesNotMatch(dashboard.body, /pow-breadcrumbs/, 'only on pow pages');
    });
  });

  test('minimal-layout: the sign-in page has no header; the other pages keep it', async () => {
    await run('minimal-layout', async (app) => {
      const browser = app.browser();
      const page = await browser.get('/session/new');
      assert.equal(page.status, 200);
      assert.match(page.body, /<body class="pow pow-minimal"/);
      assert.doesNotMatch(page.body, /pow-header|pow-nav/);
      assert.match(page.body, /<form class="pow-form" method="post" action="\/session">/);
      const register = await browser.get('/registration/new');
      assert.match(register.body, /class="pow-header"/);
      await createUser(app.pow, { email: 'ada@example.com', password: PASSWORD });
      const wrong = await signIn(browser, 'ada@example.com', 'not-the-password-at-all');
      assert.equal(wrong.status, 401);
      assert.match(wrong.body, /pow-minimal[\s\S]*The provided login details did not work/);
      assert.equal((await signIn(browser, 'ada@example.com', PASSWORD)).status, 302);
    });
  });

  test('custom-session-controller: sign-in, failure and sign-out go through the own controller', async () => {
    await run('custom-session-controller', async (app) => {
      const { recentEvents } = await app.load<{ recentEvents: Array<Record<string, unknown>> }>(
        'src/audit.ts',
      );
      const user = await createUser(app.pow, { email: 'ada@example.com', password: PASSWORD });
      const browser = app.browser();
      assert.equal((await signIn(browser, 'ada@example.com', 'not-the-password-at-all')).status, 401);
      const ok = await signIn(browser, 'ada@example.com', PASSWORD, '/session/new?request_path=%2Fdashboard');
      assert.equal(ok.location, '/dashboard');
      await signOut(browser);
      assert.deepEqual(
        recentEvents.map((e) => [e.event, e.userId ?? e.identifier]),
        [
          ['sign_in_failed', 'ada@example.com'],
          ['sign_in', user.id],
          ['sign_out', user.id],
        ],
      );
      assert.ok(recentEvents.every((e) => !JSON.stringify(e).includes(PASSWORD)));
    });
  });

  test('disable-registration: `pow install --no-registration` removes sign-up; seeded users sign in', async () => {
    assertGuideRuns('guides/disable-registration.md', 'npx pow install --no-registration');
    await run(
      null,
      async (app) => {
        const browser = app.browser();
        const page = await browser.get('/session/new');
        assert.doesNotMatch(page.body, /registration\/new/);
        assert.equal((await browser.get('/registration/new')).status, 404);
        await createUser(app.pow, { email: 'ada@example.com', password: PASSWORD });
        assert.equal((await signIn(browser, 'ada@example.com', PASSWORD)).status, 302);
        assert.equal((await browser.get('/dashboard')).status, 200);
      },
      {
        async prepare(copy) {
          const res = await mustPass(
            copy.pow(['install', '--no-registration', '--yes']),
            'install --no-registration',
          );
          assert.match(res.stdout, /^delete {4}src\/controllers\/pow\/registration\.ts/m);
          assert.match(res.stdout, /^delete {4}views\/pow\/registration\/new\.ejs/m);
        },
      },
    );
  });

  test('reset-password: the mailed link redirects to a token-free form; the new password signs in', async () => {
    assertGuideRuns('guides/reset-password.md', 'npx pow install --extension reset-password');
    const smtp = await startSmtpServer();
    const mailEnv = { SMTP_URL: smtp.url, MAIL_FROM: 'pow@example.com', POW_BASE_URL: 'https://example.com' };
    try {
      await run(
        null,
        async (app) => {
          await createUser(app.pow, { email: 'ada@example.com', password: PASSWORD });
          const browser = app.browser();
          const form = await browser.get('/reset-password/new');
          assert.equal(form.status, 200);
          await browser.post('/reset-password', {
            _csrf: csrfTokenFrom(form.body),
            email: 'ada@example.com',
          });
          const link = new URL(firstLink(await smtp.waitForMail((m) => m.to === 'ada@example.com', 15_000)));
          assert.equal(link.origin, 'https://example.com');
          const token = tokenFromLink(link.href);
          assert.equal(link.pathname, `/reset-password/${token}/edit`);

          const opened = await browser.get(link.pathname);
          assert.equal(opened.status, 302);
          assert.equal(opened.location, '/reset-password/edit');
          const cookie = opened.headers.getSetCookie().find((line) => line.startsWith('pow_user_reset='));
          assert.match(cookie ?? '', /; Path=\/reset-password; Max-Age=3600; HttpOnly; SameSite=Lax$/);
          const page = await browser.get('/reset-password/edit');
          assert.equal(page.status, 200);
          assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
          assert.equal(page.headers.get('cache-control'), 'no-store');
          assert.ok(!page.body.includes(token), 'the form page carries no token');
          const NEW_PASSWORD = 'seven-green-lanterns-glow-softly';
          const done = await browser.post('/reset-password', {
            _csrf: csrfTokenFrom(page.body),
            _method: 'PATCH',
            password: NEW_PASSWORD,
            password_confirmation: NEW_PASSWORD,
          });
          assert.equal(done.location, '/session/new');
          assert.equal(browser.cookies.has('pow_user_reset'), false, 'the kept token is dropped');
          await smtp.waitForMail(
            (m) => m.subject === 'Your express5-ts-esm-sqlite password was changed',
            15_000,
          );
          assert.equal((await signIn(browser, 'ada@example.com', NEW_PASSWORD)).status, 302);
          await signOut(browser);

          const again = await browser.follow(await browser.get(link.pathname));
          assert.match(again.body, /The reset token has expired\./);
        },
        {
          env: mailEnv,
          async prepare(copy) {
            await mustPass(
              copy.pow(['install', '--extension', 'reset-password', '--yes']),
              'install --extension reset-password',
            );
          },
        },
      );
    } finally {
      for (const name of Object.keys(mailEnv)) delete process.env[name];
      await smtp.close();
    }
  });

  test('magic-link: the sign-in page links to the form; the mailed link signs in once, by its button', async () => {
    assertGuideRuns('guides/magic-link.md', 'npx pow install --extension magic-link');
    const smtp = await startSmtpServer();
    const mailEnv = { SMTP_URL: smtp.url, MAIL_FROM: 'pow@example.com', POW_BASE_URL: 'https://example.com' };
    try {
      await run(
        null,
        async (app) => {
          await createUser(app.pow, { email: 'ada@example.com', password: PASSWORD });
          const browser = app.browser();
          const signInPage = await browser.get('/session/new');
          assert.match(signInPage.body, /href="\/magic-link\/new">Email me a sign-in link</);
          const form = await browser.get('/magic-link/new');
          const asked = await browser.post('/magic-link', {
            _csrf: csrfTokenFrom(form.body),
            email: 'ada@example.com',
          });
          assert.equal(asked.location, '/magic-link/sent');
          const mail = await smtp.waitForMail((m) => m.to === 'ada@example.com', 15_000);
          assert.equal(mail.subject, 'Your sign-in link for express5-ts-esm-sqlite');
          const link = new URL(firstLink(mail));
          assert.equal(link.origin, 'https://example.com');
          assert.equal(link.pathname, `/magic-link/${tokenFromLink(link.href)}`);

          const page = await browser.get(link.pathname);
          assert.equal(page.status, 200);
          assert.equal((await browser.get('/registration/edit')).status, 302, 'opening it signs nobody in');
          const done = await browser.post(link.pathname, { _csrf: csrfTokenFrom(page.body) });
          assert.equal(done.status, 302);
          assert.equal((await browser.get('/registration/edit')).status, 200, 'the button signs in');
          await signOut(browser);

          const again = await browser.get(link.pathname);
          assert.equal(again.status, 410);
          assert.match(again.body, /This sign-in link has already been used/);
        },
        {
          env: mailEnv,
          async prepare(copy) {
            await mustPass(
              copy.pow(['install', '--extension', 'magic-link', '--yes']),
              'install --extension magic-link',
            );
          },
        },
      );
    } finally {
      for (const name of Object.keys(mailEnv)) delete process.env[name];
      await smtp.close();
    }
  });

  test('sign-in-with-username: a re-run adds the field; people sign in with either', async () => {
    const command = 'npx pow install --user-id-field email --user-id-field username';
    assertGuideRuns('guides/sign-in-with-username.md', command);
    assertGuideRuns('guides/sign-in-with-username.md', 'npx pow migrate');
    assertGuideRuns('guides/sign-in-with-username.md', 'npx prisma generate');
    await run(
      null,
      async (app) => {
        const browser = app.browser();
        const form = await browser.get('/registration/new');
        assert.match(form.body, /name="username"/);
        const created = await browser.post('/registration', {
          _csrf: csrfTokenFrom(form.body),
          email: 'ada@example.com',
          username: 'Ada',
          password: PASSWORD,
          password_confirmation: PASSWORD,
        });
        assert.equal(created.status, 302, created.body.slice(0, 1500));
        await signOut(browser);
        const page = await browser.get('/session/new');
        assert.match(page.body, /Email or username/);
        assert.equal((await signIn(browser, 'ada', PASSWORD)).status, 302, 'by username (any case)');
        await signOut(browser);
        assert.equal((await signIn(browser, 'ada@example.com', PASSWORD)).status, 302, 'by e-mail');
      },
      {
        ownClient: true,
        async prepare(copy) {
          const res = await mustPass(
            copy.pow(['install', '--user-id-field', 'email', '--user-id-field', 'username', '--yes']),
            command,
          );
          assert.match(res.stdout, /migration: .*_pow_install\/migration\.sql/);
          await mustPass(copy.pow(['migrate']), 'pow migrate');
          await copy.bin('prisma', ['generate'], PRISMA_OFFLINE);
        },
      },
    );
  });

  test('translations: Accept-Language, ?lang= and the lang cookie pick the locale; overrides apply', async () => {
    await run('translations', async (app) => {
      const title = (html: string) => /<h1 id="pow-title">([^<]*)<\/h1>/.exec(html)?.[1];
      const english = await app.browser().get('/session/new');
      assert.equal(title(english.body), 'Welcome back');
      const german = await app.browser({ 'accept-language': 'de-DE,de;q=0.9' }).get('/session/new');
      assert.equal(title(german.body), 'Willkommen zurück');
      assert.match(german.body, /<html lang="de">/);
      assert.match(german.body, />Passwort<\/label>/, 'shipped German');
      const byQuery = await app.browser().get('/session/new?lang=de');
      assert.equal(title(byQuery.body), 'Willkommen zurück');
      const french = await app.browser({ cookie: 'lang=fr' }).get('/session/new');
      assert.equal(title(french.body), 'Connexion');
      assert.match(french.body, />Mot de passe<\/label>/);
      assert.match(french.body, /Register/, 'missing French keys fall back to English');

      await createUser(app.pow, { email: 'ada@example.com', password: PASSWORD });
      const browser = app.browser({ 'accept-language': 'de' });
      await signIn(browser, 'ada@example.com', PASSWORD);
      assert.match((await browser.get('/registration/edit')).body, /Angemeldet\. Schön, dass Sie da sind!/);
    });
  });

  test("testing: the guide's test file passes with node's test runner", async () => {
    assertGuideRuns('guides/testing.md', 'DATABASE_URL=file:./test.db npx pow migrate');
    assertGuideRuns(
      'guides/testing.md',
      'DATABASE_URL=file:./test.db npx tsx --env-file=.env --test test/dashboard.test.ts',
    );
    const copy = variant(base, 'testing');
    keepForTypecheck(copy, 'testing');
    // The guide's DATABASE_URL: a test.db next to the app's dev.db.
    const env = { DATABASE_URL: 'file:./test.db' };
    await mustPass(runPow(['migrate'], { cwd: copy.dir, env }), 'migrate test.db');
    writeFileSync(join(copy.dir, '.env'), `POW_SECRET=${copy.env.POW_SECRET}\n`);
    const out = await copy.bin('tsx', ['--env-file=.env', '--test', 'test/dashboard.test.ts'], env);
    assert.match(out, /# pass 3\n# fail 0/);
  });

  test('upgrading: status and diff show what a new pow changes; install applies it, keeping edits', async () => {
    for (const command of [
      'npx pow status',
      'npx pow diff',
      'npx pow install --yes',
      'npx pow status --check',
    ]) {
      assertGuideRuns('guides/upgrading.md', command);
    }
    const copy = variant(base, null);
    try {
      // As if an older pow had written two views with another button (the file, what pow
      // remembers writing in .pow/base, and its hash in the manifest), and the team had then
      // edited one of them on another line.
      const OLD = '<button type="submit" class="pow-button pow-button-v0">';
      const NEW = '<button type="submit" class="pow-button">';
      const INTRO = '      <p class="intro">Accounts are free for members of the club.</p>\n';
      const manifest = JSON.parse(copy.read('.pow/manifest.json')) as {
        files: Record<string, { hash: string }>;
      };
      for (const view of ['views/pow/session/new.ejs', 'views/pow/registration/new.ejs']) {
        const old = copy.read(view).replace(NEW, OLD);
        assert.notEqual(old, copy.read(view));
        copy.write(view, old);
        copy.write(`.pow/base/${view}`, old);
        manifest.files[view].hash = hashContent(old);
      }
      copy.write('.pow/manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
      const registration = copy.read('views/pow/registration/new.ejs');
      copy.write(
        'views/pow/registration/new.ejs',
        registration.replace(/(<h1 id="pow-title">.*\n)/, `$1${INTRO}`),
      );

      const status = await copy.pow(['status']);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /views\/pow\/session\/new\.ejs/);
      assert.equal((await copy.pow(['status', '--check'])).code, 3, 'drift until the re-run');
      const diff = await mustPass(copy.pow(['diff']), 'pow diff');
      assert.match(diff.stdout, new RegExp(`^ *-.*${OLD}`, 'm'));
      assert.match(diff.stdout, new RegExp(`^ *\\+.*${NEW}`, 'm'));

      const res = await mustPass(copy.pow(['install', '--yes']), 'pow install --yes');
      assert.match(res.stdout, /^update {4}views\/pow\/session\/new\.ejs/m);
      assert.match(res.stdout, /^merge {5}views\/pow\/registration\/new\.ejs/m);
      assert.equal(copy.read('views/pow/session/new.ejs'), base.read('views/pow/session/new.ejs'));
      const merged = copy.read('views/pow/registration/new.ejs');
      assert.ok(merged.includes(INTRO) && merged.includes(NEW) && !merged.includes(OLD), merged);
      await mustPass(copy.pow(['status', '--check']), 'pow status --check');
    } finally {
      copy.remove();
    }
  });

  test('schema-change: a required column of your own; pow install puts it on the forms', async () => {
    assertGuideRuns('guides/schema-change.md', 'npx prisma migrate dev --name user-name');
    assertGuideRuns('guides/schema-change.md', 'npx pow install');
    assertGuideRuns('guides/schema-change.md', 'npx prisma generate');
    await run(
      null,
      async (app) => {
        const browser = app.browser();
        const form = await browser.get('/registration/new');
        const fields = { email: 'ada@example.com', password: PASSWORD, password_confirmation: PASSWORD };
        const missing = await browser.post('/registration', { _csrf: csrfTokenFrom(form.body), ...fields });
        assert.equal(missing.status, 422);
        assert.match(missing.body, /id="name-error">Name cannot be empty\./);
        const created = await browser.post('/registration', {
          _csrf: csrfTokenFrom(missing.body),
          ...fields,
          name: 'Ada',
        });
        assert.equal(created.status, 302, created.body.slice(0, 1500));
        const user = await app.prisma.user.findUnique({ where: { email: 'ada@example.com' } });
        assert.equal(user.name, 'Ada');
        assert.match((await browser.get('/registration/edit')).body, /id="name" name="name"[^>]*value="Ada"/);
      },
      {
        ownClient: true,
        typecheck: 'schema-change',
        async prepare(copy) {
          const before = copy.read('prisma/schema.prisma');
          copy.write(
            'prisma/schema.prisma',
            readFileSync(join(EXAMPLES_DIR, 'schema-change/prisma/schema.prisma'), 'utf8'),
          );
          for (const file of [
            'src/controllers/pow/registration.ts',
            'src/pow/config.ts',
            'views/pow/registration/new.ejs',
            'views/pow/registration/edit.ejs',
          ]) {
            copy.write(file, base.read(file));
          }
          // What `prisma migrate dev --name user-name` writes (it needs Prisma's native engine,
          // which this machine cannot download): the schema engine's diff.
          const sql = await diffSchemas(
            'sqlite',
            { 'prisma/schema.prisma': before },
            { 'prisma/schema.prisma': copy.read('prisma/schema.prisma') },
          );
          mkdirSync(join(copy.dir, 'prisma/migrations/20260105000000_user_name'));
          copy.write('prisma/migrations/20260105000000_user_name/migration.sql', sql);
          const res = await mustPass(copy.pow(['install']), 'pow install');
          assert.match(
            res.stdout,
            /^registration: the sign-up form now asks for User\.name \(required columns of User without a default\)$/m,
          );
          assert.doesNotMatch(res.stdout, /Manual steps/);
          assert.doesNotMatch(res.stdout, /_pow_install/, 'your own column: no pow migration');
          assert.match(
            copy.read('src/controllers/pow/registration.ts'),
            /const USER_FIELDS = \['email', 'name'\];/,
          );
          assert.match(
            copy.read('src/pow/config.ts'),
            /userFields: \[\n {4}\{ name: 'name', type: 'String', required: true \},\n {2}\],/,
          );
          for (const view of ['new', 'edit'])
            assert.match(
              copy.read(`views/pow/registration/${view}.ejs`),
              /<input id="name" name="name" type="text" required/,
            );
          await mustPass(copy.pow(['migrate']), 'pow migrate');
          await copy.bin('prisma', ['generate'], PRISMA_OFFLINE);
        },
      },
    );
  });

  test('api-tokens: JSON sign-in returns a bearer token; /api/me needs it; sign-out ends it', async () => {
    await run('api-tokens', async (app) => {
      await createUser(app.pow, { email: 'ada@example.com', password: PASSWORD });
      const json = (method: string, path: string, body?: unknown, token?: string) =>
        fetch(`${app.url}${path}`, {
          method,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });

      assert.equal((await json('GET', '/api/me')).status, 401);
      assert.equal(
        (await json('POST', '/api/session', { email: 'ada@example.com', password: 'wrong-password-here' }))
          .status,
        401,
      );
      const signedIn = await json('POST', '/api/session', { email: 'Ada@Example.com', password: PASSWORD });
      assert.equal(signedIn.status, 201);
      const { token, user } = (await signedIn.json()) as { token: string; user: { email: string } };
      assert.equal(user.email, 'ada@example.com');
      assert.equal(signedIn.headers.get('set-cookie'), null, 'no cookie');

      const me = await json('GET', '/api/me', undefined, token);
      assert.equal(me.status, 200);
      assert.deepEqual(((await me.json()) as { user: { email: string } }).user.email, 'ada@example.com');
      assert.equal((await json('GET', '/api/me', undefined, `${token}x`)).status, 401);
      assert.equal(
        (await app.browser({ authorization: `Bearer ${token}` }).get('/dashboard')).status,
        302,
        'pages want the cookie',
      );

      assert.equal((await json('DELETE', '/api/session', undefined, token)).status, 204);
      assert.equal((await json('GET', '/api/me', undefined, token)).status, 401);

      // Ten failures in a row lock the e-mail out for the window, even with the right password.
      for (let i = 0; i < 10; i++)
        await json('POST', '/api/session', { email: 'ada@example.com', password: `wrong-${i}` });
      assert.equal(
        (await json('POST', '/api/session', { email: 'ada@example.com', password: PASSWORD })).status,
        429,
      );
    });
  });

  test("the example files type-check (strict tsc, against each copy's generated Prisma client)", async () => {
    const copies = [...typecheckQueue, { copy: variant(base, 'getting-started'), guide: 'getting-started' }];
    typecheckQueue.push(copies[copies.length - 1]);
    const files = copies.flatMap(({ copy, guide }) =>
      exampleFiles(guide)
        .filter((file) => file.endsWith('.ts'))
        .map((file) => join(copy.dir, file)),
    );
    // 13 files today (the schema-change guide needs no edited example since install puts the
    // app's required columns on the forms): a floor that catches an empty glob.
    assert.ok(files.length >= 13, files.join('\n'));
    // One program over every copy (the app's own tsconfig options; each file resolves its
    // imports from its copy), so tsc starts once.
    const root = copies[0].copy.dir;
    const app = JSON.parse(base.read('tsconfig.json')) as { compilerOptions: Record<string, unknown> };
    const { rootDir: _rootDir, outDir: _outDir, ...compilerOptions } = app.compilerOptions;
    writeFileSync(
      join(root, 'tsconfig.examples.json'),
      JSON.stringify({ compilerOptions: { ...compilerOptions, noEmit: true }, files }, null, 2),
    );
    await copies[0].copy.bin('tsc', ['-p', 'tsconfig.examples.json']);
  });
});
