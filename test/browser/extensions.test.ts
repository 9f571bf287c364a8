/**
 * The reset-password, persistent-session and magic-link extensions in a real browser (Debian's
 * Chromium through playwright-core), against the SQLite example app after `pow install --extension
 * reset-password --extension persistent-session --extension magic-link` (LINK_EXTENSIONS_APP of
 * test/helpers/browser.ts: set up once for the files that share it, booted once for this one): a password reset through the link of the captured e-mail (whose token never shows
 * in the address bar), "keep me logged in" across a browser restart, and signing in by a mailed
 * link. Pages are screenshotted at 1280 and 390 px and checked with
 * axe-core, as in auth-pages.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { axeSummary, checkPage, LINK_EXTENSIONS_APP, startSite } from '../helpers/browser.js';
import { firstLink, startSmtpServer } from '../helpers/smtp-server.js';

const EMAIL = 'grace@example.com';
const PASSWORD = 'purple-otter-maps-42-quietly';
const NEW_PASSWORD = 'seven-green-lanterns-glow-softly';
/** The origin mailed links use (POW_BASE_URL); the test swaps in the app's real one. */
const MAIL_ORIGIN = 'http://pow.test';

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

test('extensions in Chromium: reset password by e-mail, remember me across a restart', async (t) => {
  const smtp = await startSmtpServer();
  t.after(() => smtp.close());
  const { site, browser, close } = await startSite({
    prepared: LINK_EXTENSIONS_APP,
    env: { SMTP_URL: smtp.url, MAIL_FROM: 'pow@example.com', POW_BASE_URL: MAIL_ORIGIN },
  });
  t.after(close);
  const base = site.url;
  const newContext = async (storageState?: Awaited<ReturnType<BrowserContext['storageState']>>) => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'en-US',
      storageState,
    });
    context.setDefaultTimeout(10_000);
    return context;
  };
  const signIn = async (page: Page, password: string, remember: boolean) => {
    await page.goto(`${base}/session/new`);
    await page.fill('#user_id', EMAIL);
    await page.fill('#password', password);
    if (remember) await page.check('#remember_me');
    await page.click('form.pow-form button[type=submit]');
  };

  const context = await newContext();
  const page = await context.newPage();

  await t.test('the sign-in page offers "keep me logged in" and "forgot your password?"', async () => {
    await page.goto(`${base}/registration/new`);
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await page.fill('#password_confirmation', PASSWORD);
    await page.click('form.pow-form button[type=submit]');
    await page.waitForURL(`${base}/`);
    await page.goto(`${base}/registration/edit`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/session/new`);
    assert.equal(await page.getByLabel('Keep me signed in').getAttribute('type'), 'checkbox');
    assert.ok(await page.getByRole('link', { name: 'Forgot your password?' }).isVisible());
    await checkPage(t, page, 'sign-in-extensions');
  });

  await t.test('reset password: the link of the e-mail opens the form, the new password works', async () => {
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL(`${base}/reset-password/new`);
    assert.equal(await text(page, 'h1'), 'Reset password');
    assert.equal(await page.getAttribute('#email', 'autocomplete'), 'email');
    assert.equal(await page.getAttribute('#email', 'type'), 'email');
    await checkPage(t, page, 'reset-password');

    await page.fill('#email', EMAIL);
    await page.click('form.pow-form button[type=submit]');
    await page.waitForURL(/\/session\/new$/);
    assert.match(await text(page, '.pow-flash-info'), /If an account for the provided email exists/);
    await checkPage(t, page, 'reset-password-sent');

    const mail = await smtp.waitForMail((m) => m.to === EMAIL, 15_000);
    const link = new URL(firstLink(mail));
    assert.equal(link.origin, MAIL_ORIGIN, 'links use POW_BASE_URL, never the Host header');
    // The link's token moves into a cookie for the reset pages: the address bar shows none (F8).
    const token = /^\/reset-password\/([A-Za-z0-9_-]{43})\/edit$/.exec(link.pathname)?.[1];
    assert.ok(token, `a reset link: ${link.pathname}`);
    const opened = await page.goto(`${base}${link.pathname}${link.search}`);
    assert.equal(page.url(), `${base}/reset-password/edit`);
    assert.ok(!page.url().includes(token), 'no token in the address bar');
    assert.equal(opened?.headers()['referrer-policy'], 'no-referrer');
    assert.equal(opened?.headers()['cache-control'], 'no-store');
    assert.ok(!(await page.content()).includes(token), 'nor in the page');
    const kept = (await context.cookies()).find((cookie) => cookie.name === 'pow_user_reset');
    assert.equal(kept?.path, '/reset-password');
    assert.equal(kept?.httpOnly, true);
    assert.equal(kept?.sameSite, 'Lax');
    assert.equal(await text(page, 'h1'), 'Choose a new password');
    assert.equal(await page.getAttribute('#password', 'autocomplete'), 'new-password');
    await checkPage(t, page, 'reset-password-edit');

    await page.fill('#password', NEW_PASSWORD);
    await page.fill('#password_confirmation', 'something else entirely');
    await page.click('form.pow-form button[type=submit]');
    await page.waitForSelector('#password_confirmation-error');
    assert.ok(!page.url().includes(token), 'the form posts to a URL without the token');
    assert.equal(
      await page.getAttribute('#password_confirmation', 'aria-describedby'),
      'password_confirmation-error',
    );
    await checkPage(t, page, 'reset-password-errors');

    await page.fill('#password', NEW_PASSWORD);
    await page.fill('#password_confirmation', NEW_PASSWORD);
    await page.click('form.pow-form button[type=submit]');
    await page.waitForURL(/\/session\/new$/);
    assert.match(await text(page, '.pow-flash-info'), /The password has been updated\./);
    assert.equal(
      (await context.cookies()).some((cookie) => cookie.name === 'pow_user_reset'),
      false,
      'the kept token is forgotten after the reset',
    );

    // The link is spent; the old password is gone, the new one signs in.
    await page.goto(`${base}${link.pathname}${link.search}`);
    assert.equal(page.url(), `${base}/reset-password/new`, 'a used link does not open the form again');
    assert.match(await text(page, '.pow-flash-error'), /The reset token has expired\./);
    await signIn(page, PASSWORD, false);
    await page.waitForSelector('#form-error');
    assert.match(await text(page, '#form-error'), /The provided login details did not work/);
    await signIn(page, NEW_PASSWORD, false);
    await page.waitForURL(`${base}/`);
    await context.close();
  });

  await t.test('keep me logged in: still signed in after the browser restarts; without it, not', async () => {
    /** Signs in, then "restarts the browser": a new context with the old one's persistent cookies only. */
    const restartAfterSignIn = async (remember: boolean) => {
      const before = await newContext();
      const tab = await before.newPage();
      await signIn(tab, NEW_PASSWORD, remember);
      await tab.waitForURL(`${base}/`);
      const state = await before.storageState();
      await before.close();
      // A browser keeps cookies with an expiry across a restart and drops the session ones.
      const kept = state.cookies.filter((cookie) => cookie.expires !== -1);
      const dropped = state.cookies.filter((cookie) => cookie.expires === -1).map((c) => c.name);
      assert.ok(dropped.length > 0, 'the session cookie ends with the browser session');
      return { context: await newContext({ ...state, cookies: kept }), kept: kept.map((c) => c.name) };
    };

    const remembered = await restartAfterSignIn(true);
    try {
      assert.equal(remembered.kept.length, 1, `one remember-me cookie: ${remembered.kept.join(', ')}`);
      const tab = await remembered.context.newPage();
      await tab.goto(`${base}/dashboard`);
      assert.equal(tab.url(), `${base}/dashboard`, 'signed in again from the remember-me cookie');
      assert.equal(await text(tab, 'h1'), 'Dashboard');
      await tab.goto(`${base}/registration/edit`);
      assert.match(await text(tab, '.pow-nav-user'), new RegExp(`Signed in as ${EMAIL}`));
    } finally {
      await remembered.context.close();
    }

    const forgotten = await restartAfterSignIn(false);
    try {
      assert.deepEqual(forgotten.kept, [], 'no persistent cookie without "keep me logged in"');
      const tab = await forgotten.context.newPage();
      await tab.goto(`${base}/dashboard`);
      assert.equal(tab.url(), `${base}/session/new?request_path=%2Fdashboard`);
    } finally {
      await forgotten.context.close();
    }
  });

  await t.test(
    'magic link: asked from the sign-in page, the mailed link shows a button that signs in once',
    async () => {
      const asker = await newContext();
      const tab = await asker.newPage();
      try {
        await tab.goto(`${base}/session/new`);
        await tab.getByRole('link', { name: 'Email me a sign-in link' }).click();
        await tab.waitForURL(`${base}/magic-link/new`);
        assert.equal(await text(tab, 'h1'), 'Sign in with a link');
        await checkPage(t, tab, 'magic-link');
        const before = smtp.messages.length;
        await tab.fill('#email', EMAIL);
        await tab.click('form.pow-form button[type=submit]');
        await tab.waitForURL(`${base}/magic-link/sent`);
        assert.equal(await text(tab, 'h1'), 'Check your email');
        await checkPage(t, tab, 'magic-link-sent');
        const mail = await smtp.waitForMail(
          (m) => m.subject.startsWith('Your sign-in link for ') && smtp.messages.indexOf(m) >= before,
          15_000,
        );
        const link = new URL(firstLink(mail));
        assert.equal(link.origin, MAIL_ORIGIN);
        await tab.goto(`${base}${link.pathname}`);
        assert.equal(await text(tab, 'h1'), 'Sign in');
        assert.match(await text(tab, '#pow-description'), new RegExp(`sign in as ${EMAIL}`));
        await checkPage(t, tab, 'magic-link-show');
        await tab.getByRole('button', { name: 'Sign in' }).click();
        await tab.waitForURL(`${base}/`);
        await tab.goto(`${base}/dashboard`);
        assert.equal(await text(tab, 'h1'), 'Dashboard', 'signed in');

        const other = await asker.browser()!.newContext({ viewport: { width: 1280, height: 800 } });
        try {
          const late = await other.newPage();
          await late.goto(`${base}${link.pathname}`);
          assert.equal(await text(late, 'h1'), 'This link cannot be used');
          assert.match(await text(late, '#form-error'), /already been used/);
          assert.equal(await late.getByRole('button', { name: 'Sign in' }).count(), 0, 'no button');
          await checkPage(t, late, 'magic-link-used');
        } finally {
          await other.close();
        }
      } finally {
        await asker.close();
      }
    },
  );

  t.diagnostic(axeSummary());
});
