/**
 * The sessions extension ("where you're signed in") in a real browser (Debian's Chromium through
 * playwright-core), on the SQLite example app with the account extensions (sessions,
 * persistent-session and others) for users and under /admin: ACCOUNT_EXTENSIONS_APP of
 * test/helpers/browser.ts, set up once for the files that share it and booted once for this one.
 * Browser contexts are separate browsers: one signs another out from the sessions page, and the
 * other is signed out, remember-me cookie and all. The page is checked in English and German,
 * at 1280 and 390 px with axe-core, and under /admin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { ACCOUNT_EXTENSIONS_APP, axeSummary, checkPage, startSite } from '../helpers/browser.js';

const EMAIL = 'ada@example.com';
const PASSWORD = 'purple-otter-maps-42-quietly';
const FIREFOX_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI_ON_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

test('sessions page in Chromium: one browser signs another out', async (t) => {
  const { site, browser, close } = await startSite({ prepared: ACCOUNT_EXTENSIONS_APP });
  t.after(close);
  const base = site.url;
  const contexts: BrowserContext[] = [];
  t.after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
  });
  const newBrowser = async (options: { userAgent?: string; locale?: string } = {}) => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: options.locale ?? 'en-US',
      ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    return context.newPage();
  };
  const signIn = async (page: Page, remember: boolean, prefix = '') => {
    await page.goto(`${base}${prefix}/session/new`);
    await page.fill('#user_id', EMAIL);
    await page.fill('#password', PASSWORD);
    if (remember) await page.check('#remember_me');
    await page.click('form.pow-form button[type=submit]');
    await page.waitForURL(`${base}${prefix || ''}/`);
  };
  const signedIn = async (page: Page): Promise<boolean> => {
    await page.goto(`${base}/dashboard`);
    return page.url() === `${base}/dashboard`;
  };

  const laptop = await newBrowser();
  const phone = await newBrowser({ userAgent: FIREFOX_ON_WINDOWS });

  await t.test('the page lists both browsers, this one first and marked, with browser and OS', async () => {
    await laptop.goto(`${base}/registration/new`);
    await laptop.fill('#email', EMAIL);
    await laptop.fill('#password', PASSWORD);
    await laptop.fill('#password_confirmation', PASSWORD);
    await laptop.click('form.pow-form button[type=submit]');
    await laptop.waitForURL(`${base}/`);
    await signIn(phone, true);

    await laptop.goto(`${base}/registration/edit`);
    await laptop.getByRole('link', { name: 'Active sessions' }).click();
    await laptop.waitForURL(`${base}/sessions`);
    assert.equal(await text(laptop, 'h1'), 'Active sessions');
    const rows = laptop.locator('section[aria-labelledby=pow-title] li.pow-device');
    assert.equal(await rows.count(), 2);
    assert.match(
      await text(laptop, 'li.pow-device >> nth=0'),
      /^Chrome \d+ on Linux This device Signed in at /,
    );
    assert.match(
      await text(laptop, 'li.pow-device >> nth=1'),
      /^Firefox 128 on Windows 10 Signed in at .+ Last active /,
    );
    assert.equal(
      await rows.nth(0).getByRole('button').count(),
      0,
      'no "sign out" for this device (the sign-out button does that)',
    );
    // The phone ticked "keep me logged in": its token is listed under the remembered browsers.
    assert.equal(await text(laptop, '#pow-remembered-title'), 'Browsers that keep you logged in');
    assert.match(
      await text(laptop, '[data-remember-me-id]'),
      /^Firefox 128 on Windows 10 Signed in at .+ Until /,
    );
    const html = await laptop.content();
    const cookies = await phone.context().cookies();
    for (const cookie of cookies.filter((c) => c.name.startsWith('pow_user'))) {
      assert.ok(
        !html.includes(cookie.value.split('.')[0]!),
        `the page shows no part of the ${cookie.name} cookie`,
      );
    }
    await checkPage(t, laptop, 'sessions');
  });

  await t.test('"Sign out" on the other browser signs it out, remember-me cookie and all', async () => {
    assert.equal(await signedIn(phone), true);
    await laptop.goto(`${base}/sessions`);
    await laptop.getByRole('button', { name: 'Sign out Firefox 128 on Windows 10' }).click();
    await laptop.waitForURL(`${base}/sessions`);
    assert.match(await text(laptop, '.pow-flash-info'), /The session has been signed out\./);
    assert.equal(await laptop.locator('section[aria-labelledby=pow-title] li.pow-device').count(), 1);
    assert.equal(await laptop.locator('[data-remember-me-id]').count(), 0, 'its remember-me token went too');
    assert.match(await text(laptop, '.pow-hint'), /You are signed in on this device only\./);

    // The remember-me cookie is still in that browser, but signs nobody in any more.
    assert.ok((await phone.context().cookies()).some((c) => c.name === 'pow_user_remember'));
    assert.equal(await signedIn(phone), false, 'the other browser is signed out');
    assert.equal(phone.url(), `${base}/session/new?request_path=%2Fdashboard`);
    assert.equal(await signedIn(laptop), true, 'this browser stays signed in');
  });

  await t.test('"Sign out all other sessions" ends every other session and remembered browser', async () => {
    const tablet = await newBrowser({ userAgent: SAFARI_ON_MAC });
    await signIn(phone, true);
    await signIn(tablet, false);
    await laptop.goto(`${base}/sessions`);
    assert.equal(await laptop.locator('section[aria-labelledby=pow-title] li.pow-device').count(), 3);
    assert.match(await text(laptop, 'li.pow-device:has-text("Safari")'), /^Safari 17 on macOS Sonoma /);
    await laptop.getByRole('button', { name: 'Sign out all other sessions' }).click();
    await laptop.waitForURL(`${base}/sessions`);
    assert.match(await text(laptop, '.pow-flash-info'), /All your other sessions have been signed out\./);
    assert.equal(await laptop.locator('li.pow-device').count(), 1);
    assert.equal(await signedIn(phone), false);
    assert.equal(await signedIn(tablet), false);
    assert.equal(await signedIn(laptop), true);
  });

  await t.test('a remembered browser can be forgotten without ending its session', async () => {
    await signIn(phone, true);
    await laptop.goto(`${base}/sessions`);
    await laptop.getByRole('button', { name: 'Forget Firefox 128 on Windows 10' }).click();
    await laptop.waitForURL(`${base}/sessions`);
    assert.match(await text(laptop, '.pow-flash-info'), /That browser is no longer kept logged in\./);
    assert.equal(await signedIn(phone), true, 'its session goes on');
    // A "browser restart": without the session cookie, the forgotten token signs nobody in.
    await phone.context().clearCookies({ name: 'pow_user' });
    assert.equal(await signedIn(phone), false);
  });

  await t.test('an id of a session that is not yours (or gone) changes nothing', async () => {
    const other = await newBrowser();
    await other.goto(`${base}/registration/new`);
    await other.fill('#email', 'grace@example.com');
    await other.fill('#password', PASSWORD);
    await other.fill('#password_confirmation', PASSWORD);
    await other.click('form.pow-form button[type=submit]');
    await other.waitForURL(`${base}/`);
    await other.goto(`${base}/sessions`);
    const graceSession = await other.getAttribute('li.pow-device', 'data-session-id');
    assert.ok(graceSession);
    // Ada's page, with Grace's session id put into the form.
    await signIn(phone, false);
    await laptop.goto(`${base}/sessions`);
    await laptop
      .locator('li.pow-device >> nth=1')
      .locator('input[name=session_id]')
      .evaluate(
        // Browser-side callback: the element is typed loosely (no DOM library in the tests' types).
        (input: { value: string }, id: string) => (input.value = id),
        graceSession,
      );
    await laptop.locator('li.pow-device >> nth=1').getByRole('button').click();
    await laptop.waitForURL(`${base}/sessions`);
    assert.match(await text(laptop, '.pow-flash-error'), /That session has already ended\./);
    assert.equal(await signedIn(other), true, "Grace's session is untouched");
    assert.equal(await signedIn(phone), true, "and so is Ada's other one");
  });

  await t.test('in German', async () => {
    const german = await newBrowser({ locale: 'de-DE' });
    await signIn(german, false);
    await german.goto(`${base}/sessions`);
    assert.equal(await text(german, 'h1'), 'Aktive Sitzungen');
    assert.match(
      await text(german, 'li.pow-device >> nth=0'),
      /^Chrome \d+ unter Linux Dieses Gerät Angemeldet am /,
    );
    assert.ok(await german.getByRole('button', { name: 'Alle anderen Sitzungen abmelden' }).isVisible());
    await checkPage(t, german, 'sessions-de');
  });

  await t.test('under /admin: the admin sessions page lists admin sessions only', async () => {
    const admin = await newBrowser();
    await admin.goto(`${base}/admin/registration/new`);
    await admin.fill('#email', EMAIL);
    await admin.fill('#password', PASSWORD);
    await admin.fill('#password_confirmation', PASSWORD);
    await admin.click('form.pow-form button[type=submit]');
    await admin.waitForURL(`${base}/admin`);
    await admin.goto(`${base}/admin/sessions`);
    assert.equal(await text(admin, 'h1'), 'Active sessions');
    assert.equal(
      await admin.locator('li.pow-device').count(),
      1,
      'the users of the same address are not listed',
    );
    assert.equal(
      await admin.locator('form[action$="/sessions/others"]').count(),
      0,
      'nothing else to sign out',
    );
    assert.match(await text(admin, '.pow-hint'), /You are signed in on this device only\./);
    await checkPage(t, admin, 'admin-sessions');
  });

  t.diagnostic(axeSummary());
});
