/**
 * pow's generated pages in a real browser (Debian's Chromium through playwright-core), against the
 * SQLite example app after `pow install` (BASIC_APP of test/helpers/browser.ts: set up once for the
 * files that share it, booted once for this one): sign up, the
 * protected /dashboard, edit account, sign out, a wrong password, sign in, keyboard-only sign-in
 * and a German browser. Every page is screenshotted at 1280 and 390 px
 * (test-artifacts/screenshots/) and checked with axe-core: no serious or critical violations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { statSync } from 'node:fs';
import {
  SCREENSHOT_DIR,
  WIDTHS,
  axeSummary,
  checkPage,
  focused,
  runAxe,
  startSite,
  tabTo,
  type AxeViolation,
} from '../helpers/browser.js';
import { ANCHORS_DIR, axeNote, shootAnchor, sideBySide, type Panel } from '../helpers/design-anchors.js';

const EMAIL = 'ada@example.com';
const NEW_EMAIL = 'ada.lovelace@example.com';
const PASSWORD = 'purple-otter-maps-42-quietly';
const GENERIC_ERROR = /The provided login details did not work/;

/** The text of the first element matching `selector`, whitespace collapsed. */
async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

test('generated pages in Chromium: sign up, sign in, account, keyboard, locale', async (t) => {
  const { site, browser, close } = await startSite();
  t.after(close);
  const base = site.url;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();

  await t.test('a protected page sends a visitor to sign-in, remembering the page', async () => {
    await page.goto(`${base}/dashboard`);
    assert.equal(page.url(), `${base}/session/new?request_path=%2Fdashboard`);
    assert.equal(await page.title(), 'Sign in');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await text(page, 'h1'), 'Sign in');
    // One main landmark, a labelled form with the right autocomplete hints.
    assert.equal(await page.locator('main').count(), 1);
    assert.equal(await page.getAttribute('#user_id', 'autocomplete'), 'username');
    assert.equal(await page.getAttribute('#user_id', 'type'), 'email');
    assert.equal(await page.getAttribute('#password', 'autocomplete'), 'current-password');
    assert.equal(await text(page, 'label[for=user_id]'), 'Email');
    await checkPage(t, page, 'sign-in');
  });

  await t.test(
    'sign up: field errors are announced and tied to their inputs, then the account is created',
    async () => {
      await page.getByRole('link', { name: 'Register' }).first().click();
      await page.waitForURL(`${base}/registration/new`);
      assert.equal(await page.getAttribute('a[href="/registration/new"]', 'aria-current'), 'page');
      // The account identifier: a password manager saves it with the new password.
      assert.equal(await page.getAttribute('#email', 'autocomplete'), 'username');
      assert.equal(await page.getAttribute('#email', 'type'), 'email');
      assert.equal(await page.getAttribute('#password', 'autocomplete'), 'new-password');
      await checkPage(t, page, 'registration');

      // The server's own checks: skip the browser's (required, type=email).
      await page.evaluate(`document.querySelector('form.pow-form').setAttribute('novalidate', '')`);
      await page.fill('#email', 'not-an-email');
      await page.fill('#password', 'short');
      await page.fill('#password_confirmation', 'different');
      await page.click('form.pow-form button[type=submit]');
      await page.waitForSelector('#email-error');
      assert.equal(await page.getAttribute('#email', 'aria-invalid'), 'true');
      assert.equal(await page.getAttribute('#email', 'aria-describedby'), 'email-error');
      assert.match(await text(page, '#email-error'), /Enter an email address in the right format/);
      assert.equal(await page.getAttribute('#password', 'aria-describedby'), 'password-hint password-error');
      assert.equal(await page.inputValue('#email'), 'not-an-email', 'the email is kept');
      assert.equal(await page.inputValue('#password'), '', 'a password is never sent back');
      assert.equal(await page.getAttribute('.pow-error-summary', 'role'), 'alert');
      await checkPage(t, page, 'registration-errors');

      await page.fill('#email', EMAIL);
      await page.fill('#password', PASSWORD);
      await page.fill('#password_confirmation', PASSWORD);
      await page.click('form.pow-form button[type=submit]');
      await page.waitForURL(`${base}/`);
      await page.goto(`${base}/dashboard`);
      assert.equal(page.url(), `${base}/dashboard`);
      assert.equal(await text(page, 'h1'), 'Dashboard');
    },
  );

  await t.test(
    'edit account: the current password is required, then the change is confirmed in a flash',
    async () => {
      await page.goto(`${base}/registration/edit`);
      assert.equal(await page.title(), 'Edit account');
      assert.match(await text(page, '.pow-nav-user'), new RegExp(`Signed in as ${EMAIL}`));
      assert.equal(await page.getAttribute('a[href="/registration/edit"]', 'aria-current'), 'page');
      await checkPage(t, page, 'account');

      await page.fill('#email', NEW_EMAIL);
      await page.fill('#current_password', 'not my password');
      await page.click('form.pow-form button[type=submit]');
      await page.waitForSelector('#current_password-error');
      assert.equal(
        await page.getAttribute('#current_password', 'aria-describedby'),
        'current_password-hint current_password-error',
      );
      assert.match(await text(page, '#current_password-error'), /Current password is not right/);
      await checkPage(t, page, 'account-errors');

      await page.fill('#email', NEW_EMAIL);
      await page.fill('#current_password', PASSWORD);
      await page.click('form.pow-form button[type=submit]');
      await page.waitForURL(`${base}/registration/edit`);
      const flash = page.locator('.pow-flash-info');
      assert.ok(await flash.isVisible(), 'the flash is visible');
      assert.equal(await flash.getAttribute('role'), 'status');
      assert.match(await text(page, '.pow-flash-info'), /Your account has been updated\./);
      assert.equal(await page.inputValue('#email'), NEW_EMAIL);
      await checkPage(t, page, 'account-updated');
    },
  );

  await t.test('sign out from the navigation: the protected page is closed again', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/session/new`);
    await page.goto(`${base}/dashboard`);
    assert.equal(page.url(), `${base}/session/new?request_path=%2Fdashboard`);
  });

  await t.test(
    'a wrong password shows the generic message, for known and unknown accounts alike',
    async () => {
      await page.fill('#user_id', NEW_EMAIL);
      await page.fill('#password', 'not-the-password-at-all');
      await page.click('form.pow-form button[type=submit]');
      await page.waitForSelector('#form-error');
      assert.match(await text(page, '#form-error'), GENERIC_ERROR);
      assert.equal(await page.getAttribute('.pow-error-summary', 'role'), 'alert');
      assert.equal(await page.getAttribute('#password', 'aria-describedby'), 'form-error');
      assert.equal(await page.inputValue('#user_id'), NEW_EMAIL, 'the email is kept');
      assert.equal(await page.inputValue('#password'), '', 'the password is not');
      const known = await text(page, '#form-error');
      await checkPage(t, page, 'sign-in-error');

      await page.fill('#user_id', 'nobody@example.com');
      await page.fill('#password', 'not-the-password-at-all');
      await page.click('form.pow-form button[type=submit]');
      await page.waitForSelector('#form-error');
      assert.equal(await text(page, '#form-error'), known, 'an unknown account gets the same message');
    },
  );

  await t.test('sign in returns to the page that asked for it', async () => {
    await page.fill('#user_id', NEW_EMAIL);
    await page.fill('#password', PASSWORD);
    await page.click('form.pow-form button[type=submit]');
    await page.waitForURL(`${base}/dashboard`);
    assert.equal(await text(page, 'h1'), 'Dashboard');
    await context.close();
  });

  await t.test('keyboard only: skip link, then sign in with Tab, typing and Enter', async () => {
    const keyboard = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    keyboard.setDefaultTimeout(10_000);
    try {
      const kp = await keyboard.newPage();
      await kp.goto(`${base}/dashboard`);
      // The first Tab reaches the skip link, which becomes visible and moves focus to the content.
      await kp.keyboard.press('Tab');
      assert.match(await focused(kp), /^a .*Skip to content/i);
      assert.ok(await kp.locator('.pow-skip-link').isVisible(), 'the focused skip link is visible');
      const box = await kp.locator('.pow-skip-link').boundingBox();
      assert.ok(box && box.y >= 0, 'the focused skip link is on screen');
      await kp.keyboard.press('Enter');
      assert.match(await focused(kp), /^main#main/);
      // From the content, the first stop is the sign-in field, then the password.
      const presses = await tabTo(kp, '#user_id');
      assert.equal(presses, 1, 'the identifier field is the first stop after the skip link');
      await kp.keyboard.type(NEW_EMAIL);
      await kp.keyboard.press('Tab');
      assert.match(await focused(kp), /^input#password/);
      const outline = (await kp.evaluate(`getComputedStyle(document.activeElement).outlineStyle`)) as string;
      assert.notEqual(outline, 'none', 'the focused field shows a focus ring');
      await kp.screenshot({ path: join(SCREENSHOT_DIR, 'sign-in-keyboard-focus-1280.png'), caret: 'hide' });
      await kp.keyboard.type(PASSWORD);
      await kp.keyboard.press('Enter');
      await kp.waitForURL(`${base}/dashboard`);
      assert.equal(await text(kp, 'h1'), 'Dashboard');
    } finally {
      await keyboard.close();
    }
  });

  await t.test('a German browser (Accept-Language: de) gets the pages in German', async () => {
    const german = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'de-DE' });
    german.setDefaultTimeout(10_000);
    try {
      const dp = await german.newPage();
      await dp.goto(`${base}/session/new`);
      assert.equal(await dp.getAttribute('html', 'lang'), 'de');
      assert.equal(await dp.title(), 'Anmelden');
      assert.equal(await text(dp, 'h1'), 'Anmelden');
      assert.equal(await text(dp, 'label[for=password]'), 'Passwort');
      await dp.fill('#user_id', NEW_EMAIL);
      await dp.fill('#password', 'falsches-passwort-123');
      await dp.click('form.pow-form button[type=submit]');
      await dp.waitForSelector('#form-error');
      assert.match(await text(dp, '#form-error'), /Die angegebenen Anmeldedaten haben nicht funktioniert/);
      await checkPage(t, dp, 'sign-in-error-de');
      await dp.goto(`${base}/registration/new`);
      assert.equal(await text(dp, 'h1'), 'Registrieren');
      await checkPage(t, dp, 'registration-de');
    } finally {
      await german.close();
    }
  });

  await t.test(
    'design anchors: the sign-in page beside phx.gen.auth, Rails 8, Devise and shadcn (docs/design.md)',
    async () => {
      // pow's sign-in as a visitor meets it, counted with axe like the anchors (every impact).
      const visitor = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
      let ours: AxeViolation[];
      try {
        const vp = await visitor.newPage();
        await vp.goto(`${base}/session/new`);
        ours = (await runAxe(vp)).violations;
      } finally {
        await visitor.close();
      }
      assert.deepEqual(ours, [], 'pow: no axe violations of any impact on sign-in');
      for (const width of WIDTHS) {
        const panels: Panel[] = [
          { title: 'pow', image: join(SCREENSHOT_DIR, `sign-in-${width}.png`), note: axeNote(ours) },
        ];
        for (const [title, file] of [
          ['phx.gen.auth (Phoenix 1.8)', 'phoenix-log-in.html'],
          ['Rails 8 generate authentication', 'rails-sign-in.html'],
          ['Devise views', 'devise-log-in.html'],
        ] as const) {
          const shot = await shootAnchor(browser, file, width);
          panels.push({ title, image: shot.file, note: axeNote(shot.violations) });
          t.diagnostic(
            `${file} at ${width}px: ${axeNote(shot.violations)}${shot.overflow ? ', scrolls sideways' : ''}`,
          );
        }
        // shadcn ships its own render of the block (desktop only): shown as it is.
        if (width === 1280) {
          panels.push({
            title: "shadcn login-01 (shadcn's own render)",
            image: join(ANCHORS_DIR, 'shadcn-login-01-light.png'),
          });
        }
        const out = await sideBySide(browser, `sign-in-${width}`, panels, width === 390 ? 390 : 640);
        assert.ok(statSync(out).size > 10_000, `${out} written`);
      }
    },
  );

  t.diagnostic(axeSummary());
});
