/**
 * The two-factor extension in a real browser (Debian's Chromium through playwright-core), on the
 * SQLite example app with the account extensions (two-factor, persistent-session and others) for
 * users and under /admin (ACCOUNT_EXTENSIONS_APP of test/helpers/browser.ts: set up once for the
 * files that share it, booted once for this one, with POW_TWO_FACTOR_KEY set). The test reads the
 * secret from the set-up page (the key shown for typing by hand, the same one the QR code holds)
 * and computes the codes itself, as an authenticator app would. Ends with a dump of every row of every table: no TOTP secret and no
 * recovery code in clear.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { ACCOUNT_EXTENSIONS_APP, axeSummary, checkPage, startSite } from '../helpers/browser.js';
import { projectSql } from '../helpers/project-sql.js';
import { typecheck } from '../helpers/e2e-project.js';
import { timeStep, totpCode } from '../../src/runtime/extensions/totp.js';

const PASSWORD = 'purple-otter-maps-42-quietly';
const TWO_FACTOR_KEY = 'browser-test-two-factor-key-0123456789-abcdef';

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** The code an authenticator app shows now, `ahead` steps later (the server accepts one step of drift). */
const codeOf = (secret: string, ahead = 0) => totpCode(secret, timeStep(Date.now()) + ahead);

test('two-factor in Chromium: set-up from the page, sign-in with a code and a recovery code', async (t) => {
  const { site, browser, close } = await startSite({
    prepared: ACCOUNT_EXTENSIONS_APP,
    env: { POW_TWO_FACTOR_KEY: TWO_FACTOR_KEY },
  });
  t.after(close);
  const base = site.url;
  const contexts: BrowserContext[] = [];
  t.after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
  });
  const newBrowser = async (locale = 'en-US') => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    return context.newPage();
  };
  const register = async (page: Page, email: string, prefix = '') => {
    await page.goto(`${base}${prefix}/registration/new`);
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await page.fill('#password_confirmation', PASSWORD);
    await page.click('form.pow-form button[type=submit]');
    await page.waitForURL(`${base}${prefix || '/'}`);
  };
  const passwordStep = async (page: Page, email: string, prefix = '') => {
    await page.goto(`${base}${prefix}/session/new`);
    await page.fill('#user_id', email);
    await page.fill('#password', PASSWORD);
    await page.click('form.pow-form button[type=submit]');
  };
  const signOut = async (page: Page, prefix = '') => {
    await page.goto(`${base}${prefix}/registration/edit`);
    await page.getByRole('button', { name: 'Sign out' }).first().click();
    await page.waitForURL((url) => !url.pathname.endsWith('/registration/edit'));
  };
  const signedIn = async (page: Page): Promise<boolean> => {
    await page.goto(`${base}/dashboard`);
    return page.url() === `${base}/dashboard`;
  };
  /** Turns two-factor on from the pages; returns the secret read from the page and the recovery codes. */
  const enable = async (page: Page, prefix = '') => {
    await page.goto(`${base}${prefix}/two-factor`);
    await page.getByRole('link', { name: 'Turn on two-factor authentication' }).click();
    await page.waitForURL(`${base}${prefix}/two-factor/new`);
    const secret = (await page.getAttribute('code.pow-secret', 'data-secret'))!;
    assert.match(secret, /^[A-Z2-7]{32}$/);
    await page.fill('#code', codeOf(secret));
    await page.click('form.pow-form button[type=submit]');
    assert.equal(await text(page, 'h1'), 'Save your recovery codes');
    const codes = (await page.locator('.pow-recovery-codes code').allTextContents()).map((c) => c.trim());
    return { secret, codes };
  };

  const ada = await newBrowser();
  const EMAIL = 'ada@example.com';
  let secret = '';
  let recoveryCodes: string[] = [];
  let usedCode = '';

  await t.test(
    'set-up: linked from the account page, QR code and key on the page, a wrong code refused',
    async () => {
      await register(ada, EMAIL);
      await ada.goto(`${base}/registration/edit`);
      await ada.getByRole('link', { name: 'Manage two-factor authentication' }).click();
      await ada.waitForURL(`${base}/two-factor`);
      assert.match(await text(ada, '[data-two-factor]'), /^Two-factor authentication is off\./);
      await checkPage(t, ada, 'two-factor-off');
      await ada.getByRole('link', { name: 'Turn on two-factor authentication' }).click();
      await ada.waitForURL(`${base}/two-factor/new`);
      assert.equal(
        (await ada.locator('.pow-qr[role=img] svg path').count()) > 0,
        true,
        'the QR code is inline SVG',
      );
      const shown = (await ada.getAttribute('code.pow-secret', 'data-secret'))!;
      assert.equal((await text(ada, 'code.pow-secret')).replace(/ /g, ''), shown, 'the key is shown as text');
      const code = await ada.locator('#code');
      assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
      assert.equal(await code.getAttribute('inputmode'), 'numeric');
      await checkPage(t, ada, 'two-factor-setup');
      // Dark mode (the shared stylesheet's): the page turns dark, the QR code stays dark on white.
      const style = (selector: string, property: string) =>
        ada.evaluate(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).${property}`);
      await ada.emulateMedia({ colorScheme: 'dark' });
      assert.notEqual(await style('body', 'backgroundColor'), 'rgb(255, 255, 255)');
      assert.equal(await style('.pow-qr', 'backgroundColor'), 'rgb(255, 255, 255)');
      await ada.emulateMedia({ colorScheme: 'light' });

      const right = codeOf(shown);
      await ada.fill('#code', right === '000000' ? '111111' : '000000');
      await ada.click('form.pow-form button[type=submit]');
      assert.match(await text(ada, '.pow-error-summary'), /The code is not right\./);
      assert.match(await text(ada, '#code-error'), /The code is not right\. Enter the 6-digit code/);
      assert.equal(await ada.locator('#code').getAttribute('aria-invalid'), 'true');
      assert.equal(
        await ada.evaluate('document.activeElement && document.activeElement.className'),
        'pow-error-summary',
      );
      assert.equal(
        await ada.getAttribute('code.pow-secret', 'data-secret'),
        shown,
        'the same secret after the error',
      );
      await checkPage(t, ada, 'two-factor-setup-error');
    },
  );

  await t.test('the right code turns it on and shows ten recovery codes once', async () => {
    secret = (await ada.getAttribute('code.pow-secret', 'data-secret'))!;
    usedCode = codeOf(secret);
    await ada.fill('#code', usedCode);
    await ada.click('form.pow-form button[type=submit]');
    assert.equal(await text(ada, 'h1'), 'Save your recovery codes');
    recoveryCodes = (await ada.locator('.pow-recovery-codes code').allTextContents()).map((c) => c.trim());
    assert.equal(recoveryCodes.length, 10);
    const done = 'a.pow-button';
    assert.notEqual(
      await ada.evaluate(`getComputedStyle(document.querySelector('${done}')).color`),
      await ada.evaluate(`getComputedStyle(document.querySelector('${done}')).backgroundColor`),
      'the button-like link has readable text',
    );
    await checkPage(t, ada, 'two-factor-recovery-codes');
    await ada.getByRole('link', { name: 'I have saved my recovery codes' }).click();
    await ada.waitForURL(`${base}/two-factor`);
    assert.match(await text(ada, '[data-two-factor]'), /^Two-factor authentication is on/);
    assert.match(await text(ada, 'main'), /Recovery codes left: 10\./);
    await checkPage(t, ada, 'two-factor-on');
  });

  await t.test('sign-in: the password leads to the second step, not into the account', async () => {
    await signOut(ada);
    await passwordStep(ada, EMAIL);
    await ada.waitForURL(`${base}/two-factor/challenge`);
    assert.equal(await text(ada, 'h1'), 'Two-factor authentication');
    assert.equal(await ada.locator('#code').getAttribute('autocomplete'), 'one-time-code');
    assert.equal(await ada.locator('#code').getAttribute('inputmode'), 'numeric');
    await checkPage(t, ada, 'two-factor-challenge');
    const other = await newBrowser();
    assert.equal(await signedIn(other), false);
    // Not signed in yet: a protected page sends this browser to sign in too.
    assert.equal(await signedIn(ada), false);
  });

  await t.test('a reused code is refused; a fresh code signs in', async () => {
    await ada.goto(`${base}/two-factor/challenge`);
    await ada.fill('#code', usedCode);
    await ada.click('section[aria-labelledby=pow-title] button[type=submit]');
    assert.match(await text(ada, '.pow-error-summary'), /That code has already been used\./);
    assert.equal(await ada.locator('#code').getAttribute('aria-invalid'), 'true');
    await checkPage(t, ada, 'two-factor-challenge-error');
    // The next step's code (an app a few seconds ahead): accepted once.
    usedCode = codeOf(secret, 1);
    await ada.fill('#code', usedCode);
    await ada.click('section[aria-labelledby=pow-title] button[type=submit]');
    await ada.waitForURL(`${base}/`);
    assert.equal(await signedIn(ada), true);
  });

  await t.test('the same code for a second sign-in is refused', async () => {
    await signOut(ada);
    await passwordStep(ada, EMAIL);
    await ada.waitForURL(`${base}/two-factor/challenge`);
    await ada.fill('#code', usedCode);
    await ada.click('section[aria-labelledby=pow-title] button[type=submit]');
    assert.match(await text(ada, '.pow-error-summary'), /That code has already been used\./);
    assert.equal(await signedIn(ada), false);
  });

  await t.test('a recovery code signs in once; its second use is refused', async () => {
    await passwordStep(ada, EMAIL);
    await ada.waitForURL(`${base}/two-factor/challenge`);
    await ada.fill('#recovery_code', recoveryCodes[0]!);
    await ada.getByRole('button', { name: 'Sign in with a recovery code' }).click();
    await ada.waitForURL(`${base}/`);
    assert.equal(await signedIn(ada), true);
    await ada.goto(`${base}/two-factor`);
    assert.match(await text(ada, 'main'), /Recovery codes left: 9\./);

    await signOut(ada);
    await passwordStep(ada, EMAIL);
    await ada.waitForURL(`${base}/two-factor/challenge`);
    await ada.fill('#recovery_code', recoveryCodes[0]!);
    await ada.getByRole('button', { name: 'Sign in with a recovery code' }).click();
    assert.match(
      await text(ada, '.pow-error-summary'),
      /The recovery code is not right, or it has already been used\./,
    );
    assert.equal(await ada.locator('#recovery_code').getAttribute('aria-invalid'), 'true');
    assert.equal(await signedIn(ada), false);
  });

  await t.test('in German', async () => {
    const german = await newBrowser('de-DE');
    await passwordStep(german, EMAIL);
    await german.waitForURL(`${base}/two-factor/challenge`);
    assert.equal(await text(german, 'h1'), 'Zwei-Faktor-Authentifizierung');
    assert.equal(await text(german, 'label[for=remember_device]'), 'Dieses Gerät 30 Tage lang merken');
    await checkPage(t, german, 'two-factor-challenge-de');
  });

  await t.test('turning it off needs the password', async () => {
    await passwordStep(ada, EMAIL);
    await ada.waitForURL(`${base}/two-factor/challenge`);
    await ada.fill('#recovery_code', recoveryCodes[1]!);
    await ada.getByRole('button', { name: 'Sign in with a recovery code' }).click();
    await ada.waitForURL(`${base}/`);
    await ada.goto(`${base}/two-factor`);
    await ada.fill('#disable_password', 'not the password at all 1');
    await ada.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
    assert.match(
      await text(ada, '#disable_password-error'),
      /The password to turn off two-factor authentication is not right\./,
    );
    await checkPage(t, ada, 'two-factor-disable-error');
    await ada.fill('#disable_password', PASSWORD);
    await ada.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
    await ada.waitForURL(`${base}/two-factor`);
    assert.match(await text(ada, '.pow-flash-info'), /Two-factor authentication is off\./);
    await signOut(ada);
    await passwordStep(ada, EMAIL);
    await ada.waitForURL(`${base}/`);
  });

  await t.test('under /admin: set-up and sign-in with a code', async () => {
    const admin = await newBrowser();
    await register(admin, 'root@example.com', '/admin');
    const { secret: adminSecret, codes } = await enable(admin, '/admin');
    assert.equal(codes.length, 10);
    await signOut(admin, '/admin');
    await passwordStep(admin, 'root@example.com', '/admin');
    await admin.waitForURL(`${base}/admin/two-factor/challenge`);
    await admin.fill('#code', codeOf(adminSecret, 1));
    await admin.click('section[aria-labelledby=pow-title] button[type=submit]');
    await admin.waitForURL(`${base}/admin`);
    await checkPage(t, admin, 'admin-two-factor-landing');
    // The admin's secret lives in AdminTwoFactor, the users' in UserTwoFactor.
    const rows = await projectSql(site.project, 'SELECT "userId" FROM "AdminTwoFactor"');
    assert.equal(rows.length, 1);
  });

  await t.test('a dump of every table has no TOTP secret and no recovery code in clear', async () => {
    // Ada again, so a secret and unused codes are stored at dump time.
    await ada.goto(`${base}/registration/edit`);
    const again = await enable(ada);
    const tables = await projectSql(
      site.project,
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    );
    assert.ok(tables.some((row) => row.name === 'UserTwoFactor'));
    let dump = '';
    for (const { name } of tables) {
      const rows = await projectSql(site.project, `SELECT * FROM "${String(name)}"`);
      dump += JSON.stringify(rows, (_key, value: unknown) =>
        typeof value === 'bigint' ? String(value) : value,
      );
    }
    const lower = dump.toLowerCase();
    for (const value of [secret, again.secret]) {
      assert.ok(!dump.includes(value) && !lower.includes(value.toLowerCase()), 'no TOTP secret in clear');
    }
    for (const code of [...recoveryCodes, ...again.codes]) {
      assert.ok(
        !lower.includes(code) && !lower.includes(code.replace(/-/g, '')),
        'no recovery code in clear',
      );
    }
    assert.match(dump, /"secret":"v1\./, 'the stored secrets are sealed');
  });

  await t.test(
    "the generated code (users and admins) type-checks under the app's strict tsconfig",
    async () => {
      await typecheck(site.project);
      assert.match(site.project.read('src/controllers/pow/two-factor.ts'), /auth\.completeTwoFactor\(/);
    },
  );

  t.diagnostic(axeSummary());
});
