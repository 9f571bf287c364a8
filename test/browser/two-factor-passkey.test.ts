/**
 * A passkey as the second step after the password, in a real browser (Debian's Chromium through
 * playwright-core) with the DevTools protocol's virtual authenticator, on the SQLite example app
 * after `pow install --extension two-factor --extension passkeys` and `pow gen.templates
 * --namespace admin --extension two-factor --extension passkeys` (installed and booted once for
 * the file). A user with two-factor on and a passkey types the password, then uses the passkey on
 * the second-step page and is signed in; a browser holding only another user's passkey is refused
 * (by the browser, which is offered only the account's passkeys, and by pow, when the page is made
 * to offer any). New recovery codes are made on the two-factor page. Then the same under /admin.
 *
 * The browser visits http://localhost:<port>: WebAuthn refuses an IP address as RP id.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { axeSummary, checkPage, startSite } from '../helpers/browser.js';
import { typecheck } from '../helpers/e2e-project.js';
import { timeStep, totpCode } from '../../src/runtime/extensions/totp.js';

const PASSWORD = 'purple-otter-maps-42-quietly';
const TWO_FACTOR_KEY = 'browser-test-two-factor-key-0123456789-abcdef';
const CONFIG = 'src/pow/config.ts';
const ADMIN_CONFIG = 'src/pow/admin/config.ts';

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** The code an authenticator app shows now. */
const codeOf = (secret: string) => totpCode(secret, timeStep(Date.now()));

function useLocalhostBaseUrl(source: string): string {
  const edited = source.replace(
    /baseUrl: fromEnv\([^)]*\)/,
    // Test-only: the port is known when the app starts (the test harness picks it).
    'baseUrl: `http://localhost:${process.env.PORT}`',
  );
  assert.notEqual(edited, source, 'the config sets baseUrl');
  return edited;
}

test('two-factor with a passkey in Chromium: the password, then the passkey; another user’s passkey refused', async (t) => {
  const { site, browser, close } = await startSite({
    installArgs: ['--extension', 'two-factor', '--extension', 'passkeys'],
    env: { POW_TWO_FACTOR_KEY: TWO_FACTOR_KEY },
    async beforeBoot(project) {
      const gen = await project.pow([
        'gen.templates',
        '--namespace',
        'admin',
        '--extension',
        'two-factor',
        '--extension',
        'passkeys',
        '--registration',
        '--yes',
      ]);
      assert.equal(gen.code, 0, gen.stdout + gen.stderr);
      const migrate = await project.pow(['migrate']);
      assert.equal(migrate.code, 0, migrate.stdout + migrate.stderr);
      for (const file of [CONFIG, ADMIN_CONFIG]) project.write(file, useLocalhostBaseUrl(project.read(file)));
    },
  });
  t.after(close);
  const base = site.url.replace('127.0.0.1', 'localhost');
  const contexts: BrowserContext[] = [];
  t.after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
  });
  const cspViolations: string[] = [];
  /** A new browser with a virtual platform authenticator of its own. */
  const newBrowser = async (): Promise<{ page: Page; cdp: CDPSession; id: string }> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    return { page, cdp, id: authenticatorId };
  };
  const signCount = async (cdp: CDPSession, id: string) =>
    (await cdp.send('WebAuthn.getCredentials', { authenticatorId: id })).credentials[0]?.signCount ?? 0;
  const signUp = async (page: Page, email: string, prefix = '') => {
    await page.goto(`${base}${prefix}/registration/new`);
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await page.fill('#password_confirmation', PASSWORD);
    await page.click('form.pow-form button[type=submit]');
    await page.waitForURL(`${base}${prefix || '/'}`);
  };
  const addPasskey = async (page: Page, prefix = '') => {
    await page.goto(`${base}${prefix}/passkeys`);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    // The sign-up's welcome may still be on the page until the form's answer arrives.
    await page.locator('.pow-flash-info', { hasText: 'Your passkey has been added.' }).waitFor();
  };
  /** Turns two-factor on from the pages; returns the secret and the recovery codes. */
  const enableTwoFactor = async (page: Page, prefix = '') => {
    await page.goto(`${base}${prefix}/two-factor`);
    await page.getByRole('link', { name: 'Turn on two-factor authentication' }).click();
    await page.waitForURL(`${base}${prefix}/two-factor/new`);
    const secret = (await page.getAttribute('code.pow-secret', 'data-secret'))!;
    await page.fill('#code', codeOf(secret));
    await page.click('form.pow-form button[type=submit]');
    assert.equal(await text(page, 'h1'), 'Save your recovery codes');
    const codes = (await page.locator('.pow-recovery-codes code').allTextContents()).map((c) => c.trim());
    return { secret, codes };
  };
  const signOut = async (page: Page, prefix = '') => {
    await page.goto(`${base}${prefix}/registration/edit`);
    await page.getByRole('button', { name: 'Sign out' }).first().click();
    await page.waitForURL((url) => !url.pathname.endsWith('/registration/edit'));
  };
  const passwordStep = async (page: Page, email: string, prefix = '') => {
    await page.goto(`${base}${prefix}/session/new`);
    await page.fill('#user_id', email);
    await page.fill('#password', PASSWORD);
    await page.locator('form.pow-form:not([data-passkey]) button[type=submit]').click();
    await page.waitForURL(new RegExp(`${prefix}/two-factor/challenge`));
  };
  const signedIn = async (page: Page, prefix = ''): Promise<boolean> => {
    await page.goto(`${base}${prefix}/registration/edit`);
    return page.url() === `${base}${prefix}/registration/edit`;
  };

  const ada = await newBrowser();
  const bob = await newBrowser();

  await t.test(
    'set-up: ada adds a passkey and turns two-factor on; bob has a passkey of his own',
    async () => {
      await signUp(ada.page, 'ada@example.com');
      await addPasskey(ada.page);
      await enableTwoFactor(ada.page);
      await signOut(ada.page);
      await signUp(bob.page, 'bob@example.com');
      await addPasskey(bob.page);
      await signOut(bob.page);
    },
  );

  await t.test('the password, then "Use a passkey" on the second step: signed in', async () => {
    await passwordStep(ada.page, 'ada@example.com');
    assert.equal(await text(ada.page, '#pow-passkey-title'), 'Use a passkey');
    await checkPage(t, ada.page, 'two-factor-challenge-passkey');
    const before = await signCount(ada.cdp, ada.id);
    await ada.page.locator('#remember_device_passkey').check();
    await ada.page.getByRole('button', { name: 'Use a passkey' }).click();
    await ada.page.waitForURL(`${base}/`);
    assert.ok(await signedIn(ada.page), 'a real session');
    assert.equal(await signCount(ada.cdp, ada.id), before + 1, 'the authenticator signed once');
    const cookies = await ada.page.context().cookies();
    assert.ok(
      cookies.some((c) => c.name.endsWith('_2fa_device')),
      '"remember this device" applies to a passkey too',
    );
  });

  await t.test("a browser holding only another user's passkey is refused", async () => {
    // Bob's browser knows ada's password (say, stolen) but holds only bob's passkey.
    await passwordStep(bob.page, 'ada@example.com');
    // The browser is offered ada's passkeys only: bob's authenticator has none of them.
    await bob.page.getByRole('button', { name: 'Use a passkey' }).click();
    await bob.page.waitForSelector('#pow-passkey-error:not([hidden])', { timeout: 60_000 });
    assert.match(await text(bob.page, '#pow-passkey-error'), /No passkey was used/);
    assert.equal(await signedIn(bob.page), false);

    // Made to offer any passkey (the options rewritten on the way), the browser answers with
    // bob's: pow refuses it.
    await passwordStep(bob.page, 'ada@example.com');
    await bob.page.route('**/two-factor/passkey-options', async (route) => {
      const response = await route.fetch();
      const options = (await response.json()) as Record<string, unknown>;
      assert.equal((options.allowCredentials as unknown[]).length, 1, "ada's one passkey");
      await route.fulfill({ response, json: { ...options, allowCredentials: [] } });
    });
    await bob.page.getByRole('button', { name: 'Use a passkey' }).click();
    await bob.page.waitForSelector('.pow-error-summary:not([hidden])');
    assert.match(await text(bob.page, '.pow-error-summary'), /That passkey did not work/);
    assert.match(bob.page.url(), /\/two-factor\/challenge/);
    await bob.page.unroute('**/two-factor/passkey-options');
    assert.equal(await signedIn(bob.page), false);
  });

  await t.test('new recovery codes on the two-factor page, with the password', async () => {
    await ada.page.goto(`${base}/two-factor`);
    await ada.page.fill('#codes_password', 'not the password');
    await ada.page.getByRole('button', { name: 'Get new recovery codes' }).click();
    assert.match(await text(ada.page, '.pow-error-summary'), /new recovery codes is not right/);
    await ada.page.fill('#codes_password', PASSWORD);
    await ada.page.getByRole('button', { name: 'Get new recovery codes' }).click();
    assert.equal(await text(ada.page, 'h1'), 'Save your recovery codes');
    assert.match(await text(ada.page, 'main'), /replace your old recovery codes/);
    assert.equal(await ada.page.locator('.pow-recovery-codes code').count(), 10);
    await checkPage(t, ada.page, 'two-factor-new-recovery-codes');
  });

  await t.test('under /admin: the password, then the passkey', async () => {
    const admin = await newBrowser();
    await signUp(admin.page, 'root@example.com', '/admin');
    await addPasskey(admin.page, '/admin');
    await enableTwoFactor(admin.page, '/admin');
    await signOut(admin.page, '/admin');
    await passwordStep(admin.page, 'root@example.com', '/admin');
    await admin.page.getByRole('button', { name: 'Use a passkey' }).click();
    await admin.page.waitForURL(`${base}/admin`);
    assert.match(await text(admin.page, '.pow-flash-info'), /You are signed in\./);
    assert.ok(await signedIn(admin.page, '/admin'));
  });

  await t.test("the page's scripts pass its policy", async () => {
    assert.deepEqual(cspViolations, []);
  });

  await t.test(
    "the generated code (users and admins) type-checks under the app's strict tsconfig",
    async () => {
      await typecheck(site.project);
      assert.match(
        site.project.read('src/controllers/pow/two-factor.ts'),
        /auth\.twoFactorPasskeyOptions\(req\)/,
      );
      assert.match(
        site.project.read('src/controllers/admin/pow/two-factor.ts'),
        /auth\.twoFactorPasskeyOptions\(req\)/,
      );
    },
  );

  t.diagnostic(axeSummary());
});
