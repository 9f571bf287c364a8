/**
 * The email-confirmation and invitation extensions in a real browser (Debian's Chromium through
 * playwright-core), against the SQLite example app after
 * `pow install --extension email-confirmation --extension invitation` (installed and booted once
 * for the file), with mail captured by the in-process SMTP server:
 * - sign up → no session, a confirmation mail → its link confirms the address → sign-in works;
 * - a signed-in user invites an address → the invitation mail → the accept page → a password →
 *   the invitee is signed in.
 * Pages are screenshotted at 1280 and 390 px and checked with axe-core, as in auth-pages.test.ts.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { axeSummary, checkPage, startSite } from '../helpers/browser.js';
import {
  firstLink,
  startSmtpServer,
  type CapturedMail,
  type SmtpTestServer,
} from '../helpers/smtp-server.js';

const EMAIL = 'hedy@example.com';
const INVITEE = 'ivy@example.com';
const PASSWORD = 'purple-otter-maps-42-quietly';
const INVITEE_PASSWORD = 'seven-green-lanterns-glow-softly';
/** The origin mailed links use (POW_BASE_URL); the test swaps in the app's real one. */
const MAIL_ORIGIN = 'http://pow.test';

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** The next mail to `to` with `subject` that arrives after this call (earlier ones are skipped). */
function nextMail(smtp: SmtpTestServer, to: string, subject: string): () => Promise<CapturedMail> {
  const seen = smtp.messages.length;
  return () =>
    smtp.waitForMail((m) => smtp.messages.indexOf(m) >= seen && m.to === to && m.subject === subject, 15_000);
}

/** The path of a mailed link, checked to be on the configured origin (never the Host header). */
function linkPath(mail: CapturedMail): string {
  const link = new URL(firstLink(mail));
  assert.equal(link.origin, MAIL_ORIGIN, 'links use POW_BASE_URL, never the Host header');
  return link.pathname + link.search;
}

test('extensions in Chromium: confirm the e-mail of a sign-up, accept an invitation', async (t) => {
  const smtp = await startSmtpServer();
  t.after(() => smtp.close());
  const { site, browser, close } = await startSite({
    installArgs: ['--extension', 'email-confirmation', '--extension', 'invitation'],
    env: { SMTP_URL: smtp.url, MAIL_FROM: 'pow@example.com', POW_BASE_URL: MAIL_ORIGIN },
  });
  t.after(close);
  const base = site.url;
  const newPage = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    context.setDefaultTimeout(10_000);
    return context.newPage();
  };
  const signIn = async (page: Page, email: string, password: string) => {
    await page.goto(`${base}/session/new`);
    await page.fill('#user_id', email);
    await page.fill('#password', password);
    await page.click('form.pow-form button[type=submit]');
  };

  /**
   * A mail as it arrived over SMTP, rendered by the app from its owned templates, opened in a page
   * of its own: axe-clean at 1280 and 390 px (no violation of any impact), the button's words.
   */
  const checkMail = async (t: TestContext, mail: CapturedMail, name: string, button: string) => {
    const viewer = await newPage();
    try {
      await viewer.setContent(mail.html, { waitUntil: 'load' });
      const check = await checkPage(t, viewer, name);
      assert.deepEqual(check.lesser, [], `${name}: no axe violations of any impact`);
      const link = viewer.getByRole('link', { name: button, exact: true });
      assert.equal(
        await link.getAttribute('href'),
        firstLink(mail),
        'the button goes where the text link goes',
      );
    } finally {
      await viewer.context().close();
    }
  };

  const page = await newPage();

  await t.test('sign-up: no session until the link of the confirmation mail is followed', async () => {
    const confirmation = nextMail(smtp, EMAIL, 'Confirm your email for express5-ts-esm-sqlite');
    await page.goto(`${base}/registration/new`);
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await page.fill('#password_confirmation', PASSWORD);
    await page.click('form.pow-form button[type=submit]');
    await page.waitForURL(`${base}/session/new`);
    assert.match(
      await text(page, '.pow-flash-info'),
      /You'll need to confirm your email address before you can sign in/,
    );
    await checkPage(t, page, 'registration-confirmation-required');
    const mail = await confirmation();
    assert.match(mail.text, /Confirm that this email address belongs to your express5-ts-esm-sqlite account/);
    assert.match(mail.text, /This link expires in 48 hours\./);
    await checkMail(t, mail, 'mail-sent-email_confirmation', 'Confirm your email');

    // The right password, but the address is not confirmed: still no session (and a new link).
    const again = nextMail(smtp, EMAIL, 'Confirm your email for express5-ts-esm-sqlite');
    await signIn(page, EMAIL, PASSWORD);
    await page.waitForURL(`${base}/session/new`);
    assert.match(await text(page, '.pow-flash-info'), /You'll need to confirm your email address/);
    await again();
    await page.goto(`${base}/dashboard`);
    assert.equal(page.url(), `${base}/session/new?request_path=%2Fdashboard`, 'not signed in');

    // "Didn't receive a confirmation email?" sends another one, with an answer that tells nothing.
    await page.goto(`${base}/session/new`);
    await page.getByRole('link', { name: "Didn't receive a confirmation email?" }).click();
    await page.waitForURL(`${base}/confirm-email`);
    assert.equal(await text(page, 'h1'), 'Resend confirmation email');
    assert.equal(await page.getAttribute('#email', 'autocomplete'), 'email');
    await checkPage(t, page, 'confirmation-resend');
    const resent = nextMail(smtp, EMAIL, 'Confirm your email for express5-ts-esm-sqlite');
    await page.fill('#email', EMAIL);
    await page.click('form.pow-form button[type=submit]');
    await page.waitForURL(`${base}/session/new`);
    assert.match(
      await text(page, '.pow-flash-info'),
      /If an account for the provided email exists and is not/,
    );

    // The link of the latest mail confirms the address; a second click (mail scanners) is no error.
    const link = linkPath(await resent());
    assert.match(link, /^\/confirm-email\/[A-Za-z0-9_-]{43}$/);
    await page.goto(`${base}${link}`);
    assert.equal(page.url(), `${base}/session/new`);
    assert.match(await text(page, '.pow-flash-info'), /The email address has been confirmed\./);
    await checkPage(t, page, 'confirmation-confirmed');
    await page.goto(`${base}${link}`);
    assert.match(await text(page, '.pow-flash-info'), /The email address has already been confirmed\./);

    await signIn(page, EMAIL, PASSWORD);
    await page.waitForURL(`${base}/`);
    await page.goto(`${base}/dashboard`);
    assert.equal(page.url(), `${base}/dashboard`, 'signed in');
    assert.equal(await text(page, 'h1'), 'Dashboard');
  });

  await t.test('invitation: invite by e-mail, the invitee chooses a password and is signed in', async () => {
    await page.goto(`${base}/registration/edit`);
    await page.getByRole('link', { name: 'Invite a user' }).click();
    await page.waitForURL(`${base}/invitation/new`);
    assert.equal(await text(page, 'h1'), 'Invite a user');
    await checkPage(t, page, 'invitation-new');

    const invitation = nextMail(smtp, INVITEE, "You've been invited to express5-ts-esm-sqlite");
    await page.fill('#email', INVITEE);
    await page.click('form.pow-form button[type=submit]');
    await page.waitForURL(`${base}/invitation/new`);
    assert.match(await text(page, '.pow-flash-info'), /An email with an invitation link has been sent\./);
    await checkPage(t, page, 'invitation-sent');
    const mail = await invitation();
    assert.match(mail.text, new RegExp(`${EMAIL.replace('.', '\\.')} invited you to express5-ts-esm-sqlite`));
    assert.match(mail.text, /This link expires in 7 days\./);
    await checkMail(t, mail, 'mail-sent-invitation', 'Accept the invitation');
    const link = linkPath(mail);
    assert.match(link, /^\/invitation\/[A-Za-z0-9_-]{43}\/edit$/);

    // The invitee, in a browser of their own: no password yet, so no sign-in.
    const invitee = await newPage();
    try {
      await signIn(invitee, INVITEE, INVITEE_PASSWORD);
      await invitee.waitForSelector('#form-error');

      const opened = await invitee.goto(`${base}${link}`);
      assert.equal(opened?.headers()['referrer-policy'], 'no-referrer');
      assert.equal(await text(invitee, 'h1'), 'Accept invitation');
      assert.equal(await invitee.inputValue('#email'), INVITEE);
      assert.equal(await invitee.getAttribute('#password', 'autocomplete'), 'new-password');
      await checkPage(t, invitee, 'invitation-edit');

      await invitee.fill('#password', INVITEE_PASSWORD);
      await invitee.fill('#password_confirmation', 'something else entirely');
      await invitee.click('form.pow-form button[type=submit]');
      await invitee.waitForSelector('#password_confirmation-error');
      assert.equal(
        await invitee.getAttribute('#password_confirmation', 'aria-describedby'),
        'password_confirmation-error',
      );
      await checkPage(t, invitee, 'invitation-edit-errors');

      await invitee.fill('#password', INVITEE_PASSWORD);
      await invitee.fill('#password_confirmation', INVITEE_PASSWORD);
      await invitee.click('form.pow-form button[type=submit]');
      await invitee.waitForURL(`${base}/`);
      await invitee.goto(`${base}/registration/edit`);
      assert.match(await text(invitee, '.pow-nav-user'), new RegExp(`Signed in as ${INVITEE}`));
      await invitee.goto(`${base}/dashboard`);
      assert.equal(invitee.url(), `${base}/dashboard`, 'the invitee is signed in');

      // The invitation is used up; the chosen password signs in.
      await invitee.goto(`${base}/registration/edit`);
      await invitee.getByRole('button', { name: 'Sign out' }).click();
      await invitee.waitForURL(`${base}/session/new`);
      await invitee.goto(`${base}${link}`);
      assert.equal(invitee.url(), `${base}/session/new`);
      assert.match(await text(invitee, '.pow-flash-error'), /The invitation doesn't exist\./);
      await signIn(invitee, INVITEE, INVITEE_PASSWORD);
      await invitee.waitForURL(`${base}/`);
    } finally {
      await invitee.context().close();
    }
  });

  t.diagnostic(axeSummary());
});
