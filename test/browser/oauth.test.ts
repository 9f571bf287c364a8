/**
 * Sign-in through an OpenID Connect provider in a real browser (Debian's Chromium through
 * playwright-core), on the SQLite example app after
 * `pow install --extension oauth --provider oidc:company` and
 * `pow gen.templates --namespace admin --extension oauth --provider oidc:company --registration`,
 * booted once against a real provider started in-process (oidc-provider, test/helpers/oidc-provider.ts)
 * whose client knows the app's callback URLs. Covers: sign-up with the provider, sign-out and
 * sign-in again, the refused unlink of the only way in, refusal of silent linking by e-mail,
 * linking to a password account after signing in, signing in with it, unlinking, the pages in
 * German, admins signing in through the provider under /admin, and sign-up with GitHub through a
 * stand-in for its endpoints (the config's github() is given the stand-in's URLs, a team edit).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { freePort } from '../helpers/app-process.js';
import { checkPage, startSite } from '../helpers/browser.js';
import { startOidcProvider } from '../helpers/oidc-provider.js';
import { startGitHubStandIn } from '../helpers/github-standin.js';

const PASSWORD = 'purple-otter-maps-42-quietly';
const CLIENT = { clientId: 'pow-browser-app', clientSecret: 'pow-browser-app-secret-0123456789' };

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

test('oauth in Chromium: sign up, sign in, link, unlink and refusals with an OpenID Connect provider', async (t) => {
  // The provider registers exact callback URLs, so the app's port is chosen first.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const oidc = await startOidcProvider({
    clients: [
      {
        ...CLIENT,
        redirectUris: [`${base}/auth/company/callback`, `${base}/admin/auth/company/callback`],
      },
    ],
    accounts: [
      { sub: 'ann-sub', email: 'ann@example.com', email_verified: true, name: 'Ann' },
      { sub: 'bob-sub', email: 'bob@example.com', email_verified: true, name: 'Bob' },
      { sub: 'cem-sub', email: 'cem@example.com', email_verified: true, name: 'Cem' },
    ],
  });
  t.after(() => oidc.close());
  const githubStandIn = await startGitHubStandIn({
    clientId: 'gh-browser-client',
    clientSecret: 'gh-browser-secret',
    user: {
      id: 4242,
      login: 'dee',
      name: 'Dee',
      emails: [{ email: 'dee@example.com', primary: true, verified: true }],
    },
  });
  t.after(() => githubStandIn.close());
  const { browser, close } = await startSite({
    installArgs: ['--extension', 'oauth', '--provider', 'oidc:company', '--provider', 'github'],
    env: {
      PORT: String(port),
      POW_BASE_URL: base,
      COMPANY_ISSUER: oidc.issuer,
      COMPANY_CLIENT_ID: CLIENT.clientId,
      COMPANY_CLIENT_SECRET: CLIENT.clientSecret,
      // The admin namespace reads its own variables (its callback URLs differ).
      ADMIN_COMPANY_ISSUER: oidc.issuer,
      ADMIN_COMPANY_CLIENT_ID: CLIENT.clientId,
      ADMIN_COMPANY_CLIENT_SECRET: CLIENT.clientSecret,
      GITHUB_CLIENT_ID: 'gh-browser-client',
      GITHUB_CLIENT_SECRET: 'gh-browser-secret',
      TEST_GITHUB_ENDPOINTS: JSON.stringify(githubStandIn.endpoints),
    },
    async beforeBoot(project) {
      // The team's edit for tests: GitHub's endpoints are the stand-in's.
      const config = project.read('src/pow/config.ts');
      const generated = "clientSecret: fromEnv('GITHUB_CLIENT_SECRET') })";
      assert.ok(config.includes(generated), config);
      project.write(
        'src/pow/config.ts',
        config.replace(
          generated,
          "clientSecret: fromEnv('GITHUB_CLIENT_SECRET'), endpoints: JSON.parse(process.env.TEST_GITHUB_ENDPOINTS ?? '{}') })",
        ),
      );
      const gen = await project.pow([
        'gen.templates',
        '--namespace',
        'admin',
        '--extension',
        'oauth',
        '--provider',
        'oidc:company',
        '--registration',
        '--yes',
      ]);
      assert.equal(gen.code, 0, gen.stdout + gen.stderr);
      const migrate = await project.pow(['migrate']);
      assert.equal(migrate.code, 0, migrate.stdout + migrate.stderr);
    },
  });
  t.after(close);
  const contexts: BrowserContext[] = [];
  t.after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
  });
  const newBrowser = async (locale = 'en-US') => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    return context.newPage();
  };
  const signedIn = async (page: Page, prefix = ''): Promise<boolean> => {
    await page.goto(`${base}${prefix}/registration/edit`);
    return page.url() === `${base}${prefix}/registration/edit`;
  };
  const signOut = async (page: Page) => {
    await page.goto(`${base}/registration/edit`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/session/new`);
  };
  const continueWithCompany = async (page: Page, prefix = '') => {
    await page.goto(`${base}${prefix}/session/new`);
    await page.getByRole('link', { name: 'Continue with Company' }).click();
  };
  const connected = (page: Page) => text(page, 'li.pow-device[data-provider=company] .pow-device-meta');

  const ann = await newBrowser();

  await t.test('sign up with the provider: a new account without a password, signed in', async () => {
    oidc.nextLogin('ann-sub');
    await ann.goto(`${base}/registration/new`);
    assert.ok(
      await ann.getByRole('link', { name: 'Continue with Company' }).isVisible(),
      'a button on sign-up',
    );
    await ann.getByRole('link', { name: 'Continue with Company' }).click();
    await ann.waitForURL(`${base}/`);
    assert.equal(await signedIn(ann), true);
    assert.equal(await ann.inputValue('#email'), 'ann@example.com', "the account has the provider's address");
    assert.equal(await text(ann, '#pow-connected-title'), 'Connected accounts');
    assert.match(await connected(ann), /^Connected /);
    await checkPage(t, ann, 'oauth-connected-accounts');
  });

  await t.test('sign out, then sign in again with the provider', async () => {
    await signOut(ann);
    assert.equal(await signedIn(ann), false);
    await ann.goto(`${base}/session/new`);
    assert.equal(await text(ann, '.pow-divider'), 'or');
    await checkPage(t, ann, 'oauth-sign-in');
    oidc.nextLogin('ann-sub');
    await continueWithCompany(ann);
    await ann.waitForURL(`${base}/`);
    assert.equal(await signedIn(ann), true);
  });

  await t.test('the only way to sign in cannot be disconnected', async () => {
    await ann.goto(`${base}/registration/edit`);
    await ann.getByRole('button', { name: 'Disconnect Company' }).click();
    await ann.waitForURL(`${base}/registration/edit`);
    assert.match(
      await text(ann, '.pow-flash-error'),
      /Company can't be disconnected: it is the only way to sign in to your account\./,
    );
    assert.match(await connected(ann), /^Connected /, 'still connected');
  });

  const bob = await newBrowser();

  await t.test("a provider account with a password account's e-mail is not linked silently", async () => {
    await bob.goto(`${base}/registration/new`);
    await bob.fill('#email', 'bob@example.com');
    await bob.fill('#password', PASSWORD);
    await bob.fill('#password_confirmation', PASSWORD);
    await bob.click('form.pow-form button[type=submit]');
    await bob.waitForURL(`${base}/`);
    await signOut(bob);

    oidc.nextLogin('bob-sub');
    await continueWithCompany(bob);
    await bob.waitForURL(`${base}/session/new`);
    assert.match(
      await text(bob, '.pow-flash-error'),
      /An account with the email address from Company already exists\. Sign in with your password, then connect Company on your account page\./,
    );
    assert.equal(await signedIn(bob), false, 'nobody is signed in');
  });

  await t.test('signed in with the password, the account page connects the provider', async () => {
    await bob.goto(`${base}/session/new`);
    await bob.fill('#user_id', 'bob@example.com');
    await bob.fill('#password', PASSWORD);
    await bob.click('form.pow-form button[type=submit]');
    await bob.waitForURL(`${base}/`);
    await bob.goto(`${base}/registration/edit`);
    assert.equal(await connected(bob), 'Not connected');
    oidc.nextLogin('bob-sub');
    await bob.getByRole('link', { name: 'Connect Company' }).click();
    await bob.waitForURL(`${base}/registration/edit`);
    assert.match(await text(bob, '.pow-flash-info'), /Company is now connected to your account\./);
    assert.match(await connected(bob), /^Connected /);

    // Now the provider signs Bob in.
    await signOut(bob);
    oidc.nextLogin('bob-sub');
    await continueWithCompany(bob);
    await bob.waitForURL(`${base}/`);
    assert.equal(await signedIn(bob), true);
    assert.equal(await bob.inputValue('#email'), 'bob@example.com', 'as Bob');
  });

  await t.test('with a password, the provider can be disconnected', async () => {
    await bob.goto(`${base}/registration/edit`);
    await bob.getByRole('button', { name: 'Disconnect Company' }).click();
    await bob.waitForURL(`${base}/registration/edit`);
    assert.match(await text(bob, '.pow-flash-info'), /Company is no longer connected to your account\./);
    assert.equal(await connected(bob), 'Not connected');
    // Signed out, the provider account is Bob's e-mail again: refused, not linked.
    await signOut(bob);
    oidc.nextLogin('bob-sub');
    await continueWithCompany(bob);
    await bob.waitForURL(`${base}/session/new`);
    assert.equal(await signedIn(bob), false);
  });

  await t.test(
    'sign up with GitHub (a stand-in for its endpoints): its verified primary address',
    async () => {
      const dee = await newBrowser();
      await dee.goto(`${base}/session/new`);
      assert.deepEqual(
        await dee.locator('.pow-providers a').allTextContents(),
        ['Continue with Company', 'Continue with GitHub'],
        'one button per provider, in the order they were added',
      );
      await dee.getByRole('link', { name: 'Continue with GitHub' }).click();
      await dee.waitForURL(`${base}/`);
      assert.equal(await signedIn(dee), true);
      assert.equal(await dee.inputValue('#email'), 'dee@example.com');
      assert.match(await text(dee, 'li.pow-device[data-provider=github] .pow-device-meta'), /^Connected /);
      assert.equal(await connected(dee), 'Not connected');
      // An account without a password: no current password to give, and deletion confirmed by the
      // sign-in that just happened (session.reauthenticateMs).
      assert.equal(await dee.locator('#current_password').count(), 0, 'no current password field');
      assert.match(await text(dee, '#password-hint'), /^Your account has no password/);
      assert.match(await text(dee, '#pow-delete-warning'), /a recent sign-in confirms it/);
      assert.equal(await dee.locator('#delete_password').count(), 0);
      await dee.getByRole('button', { name: 'Delete my account' }).click();
      await dee.waitForURL((url) => !url.pathname.startsWith('/registration'));
      assert.equal(await signedIn(dee), false, 'deleted and signed out');
    },
  );

  await t.test('in German', async () => {
    const german = await newBrowser('de-DE');
    await german.goto(`${base}/session/new`);
    assert.ok(await german.getByRole('link', { name: 'Weiter mit Company' }).isVisible());
    oidc.nextLogin('ann-sub');
    await german.getByRole('link', { name: 'Weiter mit Company' }).click();
    await german.waitForURL(`${base}/`);
    await german.goto(`${base}/registration/edit`);
    assert.equal(await text(german, '#pow-connected-title'), 'Verbundene Konten');
    assert.ok(await german.getByRole('button', { name: 'Company trennen' }).isVisible());
    await checkPage(t, german, 'oauth-connected-accounts-de');
  });

  await t.test('under /admin: admins sign in through the provider, apart from the users', async () => {
    const admin = await newBrowser();
    oidc.nextLogin('cem-sub');
    await continueWithCompany(admin, '/admin');
    await admin.waitForURL(`${base}/admin`);
    assert.match(await text(admin, 'main'), /signed in to the Admin area as cem@example\.com/);
    assert.equal(await signedIn(admin, '/admin'), true);
    assert.match(await text(admin, 'li.pow-device[data-provider=company] .pow-device-meta'), /^Connected /);
    assert.equal(await signedIn(admin), false, 'not a user of the default user type');
    await checkPage(t, admin, 'oauth-admin-sign-in');
  });
});
