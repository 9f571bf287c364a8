/**
 * Issue 19 in a real browser (Debian's Chromium through playwright-core), against the SQLite example
 * app after `pow install` (BASIC_APP of test/helpers/browser.ts: set up once for the files that
 * share it, booted once for this one): what a person meets around the forms. The rules up front (password hint, minlength), GOV.UK's error pattern (a summary that takes
 * focus and links to each field, "Error: " in the title, sentences that name the field, every error
 * at once, values kept but never passwords), flashes on the redirect to sign-in, after sign-in and
 * sign-out, a stale form in a second tab coming back fresh, delete behind the password, a paused
 * sign-in that says what to do, and every page in dark mode. Pages are screenshotted at 1280 and
 * 390 px (test-artifacts/screenshots/) and checked with axe-core.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { axeSummary, checkPage, startSite } from '../helpers/browser.js';

const EMAIL = 'grace@example.com';
const PASSWORD = 'teal-heron-rides-77-slowly';

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** A description of the focused element: tag, id and class. */
async function focusedElement(page: Page): Promise<string> {
  return (await page.evaluate(
    `(() => { const e = document.activeElement; return e ? e.tagName.toLowerCase() + '#' + e.id + '.' + e.className : ''; })()`,
  )) as string;
}

test('issue 19 in Chromium: rules up front, errors, feedback, stale forms, delete, dark mode', async (t) => {
  const { site, browser, close } = await startSite();
  t.after(close);
  const base = site.url;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();

  await t.test('the redirect to sign-in says why', async () => {
    await page.goto(`${base}/dashboard`);
    assert.equal(page.url(), `${base}/session/new?request_path=%2Fdashboard`);
    assert.equal(await text(page, '.pow-flash-error'), 'Error: Please sign in to see that page.');
    await checkPage(t, page, 'sign-in-redirected');
  });

  await t.test('the password rules are shown before any submit', async () => {
    await page.goto(`${base}/registration/new`);
    assert.ok(await page.locator('#password-hint').isVisible(), 'the hint is visible');
    assert.equal(await text(page, '#password-hint'), 'At least 15 characters. Long passphrases are welcome.');
    assert.equal(await page.getAttribute('#password', 'minlength'), '15');
    assert.equal(await page.getAttribute('#password', 'maxlength'), '4096');
    assert.equal(await page.getAttribute('#password', 'aria-describedby'), 'password-hint');
  });

  await t.test(
    'a failed sign-up: summary focused, "Error:" title, every error as a sentence, values kept',
    async () => {
      // The server's own checks: skip the browser's (required, type=email, minlength).
      await page.evaluate(`document.querySelector('form.pow-form').setAttribute('novalidate', '')`);
      await page.fill('#email', 'grace-at-example');
      await page.fill('#password', 'too short');
      await page.fill('#password_confirmation', 'not the same');
      await page.click('form.pow-form button[type=submit]');
      await page.waitForSelector('.pow-error-summary');
      assert.equal(await page.title(), 'Error: Register');
      assert.match(await focusedElement(page), /^div#\.pow-error-summary$/, 'the summary has the focus');
      assert.equal(await text(page, '.pow-error-summary h2'), 'There is a problem');
      const items = await page.locator('.pow-error-summary li').allTextContents();
      assert.deepEqual(items, [
        'Enter an email address in the right format, like name@example.com.',
        'Password must be at least 15 characters long.',
        'Confirm password does not match the password. Type the same password in both fields.',
      ]);
      // The mismatch sits on the confirmation field, reported while the password is too short.
      assert.match(await text(page, '#password_confirmation-error'), /Confirm password does not match/);
      assert.equal(await page.getAttribute('#password', 'aria-describedby'), 'password-hint password-error');
      assert.equal(await page.inputValue('#email'), 'grace-at-example', 'the email is kept');
      assert.equal(await page.inputValue('#password'), '', 'a password is never sent back');
      await checkPage(t, page, 'registration-error-summary');
      // A link of the summary moves the focus to its field.
      await page.locator('.pow-error-summary a[href="#password"]').click();
      assert.match(await focusedElement(page), /^input#password\./);
    },
  );

  await t.test('sign up, then sign out and in again: each step says what happened', async () => {
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await page.fill('#password_confirmation', PASSWORD);
    await page.click('form.pow-form button[type=submit]');
    await page.waitForURL(`${base}/`);
    await page.goto(`${base}/registration/edit`);
    assert.equal(await page.title(), 'Edit account');
    assert.equal(await text(page, 'h1'), 'Edit account');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/session/new`);
    assert.equal(await text(page, '.pow-flash-info'), 'Information: You are signed out.');
    await checkPage(t, page, 'signed-out');

    await page.goto(`${base}/session/new?request_path=%2Fregistration%2Fedit`);
    await page.fill('#user_id', EMAIL);
    await page.fill('#password', PASSWORD);
    await page.click('form.pow-form button[type=submit]');
    await page.waitForURL(`${base}/registration/edit`);
    assert.equal(await text(page, '.pow-flash-info'), 'Information: You are signed in.');
  });

  await t.test('a form left open in a second tab comes back fresh, with a message', async () => {
    // Tab B opens the account form; tab A saves the account, which renews the session and its
    // token (pow does on every update); tab B's form now carries a stale token.
    const second = await context.newPage();
    await second.goto(`${base}/registration/edit`);
    await page.goto(`${base}/registration/edit`);
    await page.fill('#current_password', PASSWORD);
    await page.click('form.pow-form button[type=submit]');
    await page.waitForSelector('.pow-flash-info');
    await second.fill('#current_password', PASSWORD);
    const response = second.waitForResponse((res) => res.request().method() === 'POST');
    await second.click('form.pow-form button[type=submit]');
    assert.equal((await response).status(), 303, 'a redirect to the form, not a bare 403 text');
    await second.waitForURL(`${base}/registration/edit`);
    assert.match(await text(second, '.pow-flash-info'), /This form had expired/);
    assert.equal(await second.title(), 'Edit account', 'the form again, in pow’s layout');
    await checkPage(t, second, 'stale-form');
    // The fresh form works.
    await second.fill('#current_password', PASSWORD);
    await second.click('form.pow-form button[type=submit]');
    await second.waitForURL(`${base}/registration/edit`);
    assert.match(await text(second, '.pow-flash-info'), /Your account has been updated/);

    // Tab B's form again, then tab A signs out: the stale form leads to sign-in, saying why.
    await second.goto(`${base}/registration/edit`);
    await page.goto(`${base}/registration/edit`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/session/new`);
    await second.fill('#current_password', PASSWORD);
    await second.click('form.pow-form button[type=submit]');
    await second.waitForURL(/\/session\/new\?request_path=%2Fregistration%2Fedit$/);
    assert.match(await text(second, '.pow-flash-error'), /Please sign in to see that page/);

    // A sign-in form left open while tab A signs in: sending it lands signed in, no error page.
    await second.goto(`${base}/session/new`);
    await page.fill('#user_id', EMAIL);
    await page.fill('#password', PASSWORD);
    await page.click('form.pow-form button[type=submit]');
    await page.waitForURL(`${base}/`);
    await second.fill('#user_id', EMAIL);
    await second.fill('#password', PASSWORD);
    await second.click('form.pow-form button[type=submit]');
    await second.waitForURL(`${base}/`);
    await second.close();
  });

  await t.test('deleting the account needs the password again', async () => {
    await page.goto(`${base}/registration/edit`);
    assert.equal(await page.getAttribute('#delete_password', 'autocomplete'), 'current-password');
    await page.evaluate(`document.querySelector('.pow-danger-zone form').setAttribute('novalidate', '')`);
    await page.fill('#delete_password', 'not my password at all');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.waitForSelector('#delete_password-error');
    assert.match(
      await text(page, '#delete_password-error'),
      /The password to delete your account is not right/,
    );
    assert.equal(await page.title(), 'Error: Edit account');
    await checkPage(t, page, 'delete-refused');
    await page.fill('#delete_password', PASSWORD);
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.waitForURL(`${base}/session/new`);
    assert.match(await text(page, '.pow-flash-info'), /Your account has been deleted/);
  });

  await t.test('after too many failed sign-ins the message says what to do, account or not', async () => {
    const messages: string[] = [];
    for (const identifier of [EMAIL, 'nobody-here@example.com']) {
      await page.goto(`${base}/session/new`);
      await page.fill('#user_id', identifier);
      for (let i = 0; i < 11; i++) {
        // The refused form comes back with the identifier kept: only the password is typed again.
        await page.fill('#password', `wrong password number ${i}`);
        const answered = page.waitForResponse((res) => res.request().method() === 'POST');
        await page.click('form.pow-form button[type=submit]');
        assert.equal((await answered).status(), 401);
        await page.waitForSelector('#form-error');
      }
      messages.push(await text(page, '#form-error'));
    }
    assert.match(messages[0]!, /paused after too many failed attempts\. Wait 15 minutes/);
    assert.equal(messages[1], messages[0], 'the same words whether or not the account exists');
    await checkPage(t, page, 'sign-in-paused');
  });

  await t.test('dark mode: the pages follow prefers-color-scheme', async () => {
    const dark = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: 'dark',
      locale: 'en-US',
    });
    dark.setDefaultTimeout(10_000);
    try {
      const dp = await dark.newPage();
      await dp.goto(`${base}/session/new`);
      const background = (await dp.evaluate(`getComputedStyle(document.body).backgroundColor`)) as string;
      assert.equal(background, 'rgb(15, 23, 32)', 'the dark background');
      await checkPage(t, dp, 'dark-sign-in');
      await dp.goto(`${base}/registration/new`);
      await dp.evaluate(`document.querySelector('form.pow-form').setAttribute('novalidate', '')`);
      await dp.click('form.pow-form button[type=submit]');
      await dp.waitForSelector('.pow-error-summary');
      await checkPage(t, dp, 'dark-registration-errors');
    } finally {
      await dark.close();
    }
  });

  await t.test('a German browser gets the error sentences in German', async () => {
    const german = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'de-DE' });
    german.setDefaultTimeout(10_000);
    try {
      const gp = await german.newPage();
      await gp.goto(`${base}/registration/new`);
      await gp.evaluate(`document.querySelector('form.pow-form').setAttribute('novalidate', '')`);
      await gp.fill('#email', 'lovelace@example.com');
      await gp.fill('#password', 'zu kurz');
      await gp.click('form.pow-form button[type=submit]');
      await gp.waitForSelector('.pow-error-summary');
      assert.equal(await gp.title(), 'Fehler: Registrieren');
      assert.equal(await text(gp, '.pow-error-summary h2'), 'Es gibt ein Problem');
      assert.deepEqual(await gp.locator('.pow-error-summary li').allTextContents(), [
        'Passwort muss mindestens 15 Zeichen lang sein.',
        'Geben Sie das Passwort unter „Passwort bestätigen“ noch einmal ein.',
      ]);
    } finally {
      await german.close();
    }
  });

  t.diagnostic(axeSummary());
});
