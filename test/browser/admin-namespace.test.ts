/**
 * A second user type in a real browser (Debian's Chromium through playwright-core): the SQLite
 * example app after `pow install` and `pow gen.templates --namespace admin` (installed and booted
 * once for the file). A user and an admin are signed in side by side in two tabs of one browser:
 * own pages under /admin, own cookie, own navigation; signing one out leaves the other signed in.
 * The admin pages are screenshotted at 1280 and 390 px and checked with axe-core.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { axeSummary, checkPage, startSite } from '../helpers/browser.js';

const USER = 'user@example.com';
const ADMIN = 'admin@example.com';
const PASSWORD = 'purple-otter-maps-42-quietly';

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

async function register(page: Page, url: string, email: string): Promise<void> {
  await page.goto(url);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await page.fill('#password_confirmation', PASSWORD);
  await page.click('form.pow-form button[type=submit]');
}

test('admin namespace in Chromium: a user and an admin side by side in two tabs', async (t) => {
  const { site, browser, close } = await startSite({
    async beforeBoot(project) {
      const gen = await project.pow(['gen.templates', '--namespace', 'admin', '--registration', '--yes']);
      assert.equal(gen.code, 0, gen.stdout + gen.stderr);
      const migrate = await project.pow(['migrate']);
      assert.equal(migrate.code, 0, migrate.stdout + migrate.stderr);
    },
  });
  t.after(close);
  const base = site.url;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  context.setDefaultTimeout(10_000);
  const userTab = await context.newPage();
  const adminTab = await context.newPage();

  await t.test('the admin pages live under /admin with their own stylesheet and links', async () => {
    await adminTab.goto(`${base}/admin/session/new`);
    assert.equal(await text(adminTab, 'h1'), 'Sign in');
    assert.equal(await adminTab.getAttribute('link[rel=stylesheet]', 'href'), '/admin/pow/pow.css');
    const hrefs = await adminTab.locator('a[href]').evaluateAll(
      // Browser-side callback: elements are typed loosely (no DOM library in the tests' types).
      (links: Array<{ getAttribute(name: string): string | null }>) =>
        links.map((a) => a.getAttribute('href')),
    );
    for (const href of hrefs) {
      if (href === '#main') continue;
      assert.match(href ?? '', /^\/admin(\/|$)/, `admin page links stay under /admin: ${href}`);
    }
    await checkPage(t, adminTab, 'admin-sign-in');
    await adminTab.goto(`${base}/admin/registration/new`);
    assert.equal(await text(adminTab, 'h1'), 'Register');
    await checkPage(t, adminTab, 'admin-registration');
  });

  await t.test('a user and an admin register in two tabs and are both signed in', async () => {
    await register(userTab, `${base}/registration/new`, USER);
    await userTab.waitForURL(`${base}/`);
    await register(adminTab, `${base}/admin/registration/new`, ADMIN);
    await adminTab.waitForURL((url) => url.pathname.startsWith('/admin') || url.pathname === '/');

    const names = (await context.cookies()).map((cookie) => cookie.name).sort();
    assert.ok(names.includes('pow_user') && names.includes('pow_admin'), `two cookies: ${names.join(', ')}`);

    await userTab.goto(`${base}/registration/edit`);
    assert.match(await text(userTab, '.pow-nav-user'), new RegExp(`Signed in as ${USER}`));
    await adminTab.goto(`${base}/admin/registration/edit`);
    assert.match(await text(adminTab, '.pow-nav-user'), new RegExp(`Signed in as ${ADMIN}`));
    await checkPage(t, adminTab, 'admin-account');

    // The admin is not signed in as a user by their admin session, and the other way round.
    const visitor = await browser.newContext();
    try {
      const adminOnly = (await context.cookies()).filter((cookie) => cookie.name !== 'pow_user');
      await visitor.addCookies(adminOnly);
      const tab = await visitor.newPage();
      await tab.goto(`${base}/dashboard`);
      assert.equal(
        tab.url(),
        `${base}/session/new?request_path=%2Fdashboard`,
        'an admin cookie is no user session',
      );
    } finally {
      await visitor.close();
    }
  });

  await t.test('signing the admin out leaves the user signed in', async () => {
    await adminTab.getByRole('button', { name: 'Sign out' }).click();
    await adminTab.waitForURL(`${base}/admin/session/new`);
    await adminTab.goto(`${base}/admin/registration/edit`);
    assert.match(adminTab.url(), /\/admin\/session\/new\?request_path=%2Fadmin%2Fregistration%2Fedit$/);

    await userTab.reload();
    assert.equal(userTab.url(), `${base}/registration/edit`);
    assert.match(await text(userTab, '.pow-nav-user'), new RegExp(`Signed in as ${USER}`));
    await userTab.goto(`${base}/dashboard`);
    assert.equal(await text(userTab, 'h1'), 'Dashboard');
  });

  t.diagnostic(axeSummary());
});
