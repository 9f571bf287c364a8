/**
 * The security-log extension in a real browser (Debian's Chromium through playwright-core), on the
 * SQLite example app with the account extensions (sessions, security-log and others) for users
 * and under /admin (ACCOUNT_EXTENSIONS_APP of test/helpers/browser.ts: set up once for the files
 * that share it, booted once for this one), with mail captured by the in-process SMTP server. Browser contexts are separate
 * browsers: a sign-in from a second one mails the new-device notice; the log page shows each
 * event (sign-in, failed sign-in, password change, session revoked), in English and German, and
 * under /admin only the admin's own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { ACCOUNT_EXTENSIONS_APP, axeSummary, checkPage, startSite } from '../helpers/browser.js';
import {
  firstLink,
  startSmtpServer,
  type CapturedMail,
  type SmtpTestServer,
} from '../helpers/smtp-server.js';

const EMAIL = 'ada@example.com';
const PASSWORD = 'purple-otter-maps-42-quietly';
const NEW_PASSWORD = 'seven-orange-lanterns-18-harbor';
const MAIL_ORIGIN = 'https://app.example.test';
const FIREFOX_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
/** The subject names the app: "New sign-in to your <app> account". */
const NEW_DEVICE_SUBJECT = /^New sign-in to your .+ account$/;

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

function newDeviceMails(smtp: SmtpTestServer): CapturedMail[] {
  return smtp.messages.filter((m) => NEW_DEVICE_SUBJECT.test(m.subject));
}

test('security log in Chromium: new-device mail, and the log page shows each event', async (t) => {
  const smtp = await startSmtpServer();
  t.after(() => smtp.close());
  const { site, browser, close } = await startSite({
    prepared: ACCOUNT_EXTENSIONS_APP,
    env: { SMTP_URL: smtp.url, MAIL_FROM: 'pow@example.com', POW_BASE_URL: MAIL_ORIGIN },
  });
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
  const signIn = async (page: Page, password = PASSWORD, prefix = '') => {
    await page.goto(`${base}${prefix}/session/new`);
    await page.fill('#user_id', EMAIL);
    await page.fill('#password', password);
    await page.click('form.pow-form button[type=submit]');
  };

  const a = await newBrowser();
  const b = await newBrowser({ userAgent: FIREFOX_ON_WINDOWS });

  await t.test('a sign-in from a second browser mails a notice with its browser and a link', async () => {
    await a.goto(`${base}/registration/new`);
    await a.fill('#email', EMAIL);
    await a.fill('#password', PASSWORD);
    await a.fill('#password_confirmation', PASSWORD);
    await a.click('form.pow-form button[type=submit]');
    await a.waitForURL(`${base}/`);
    // The first sign-in of the account: nothing to compare with, no mail.
    await a.goto(`${base}/registration/edit`);
    await a.locator('.pow-nav').getByRole('button', { name: 'Sign out' }).click();
    await a.waitForURL(/\/session\/new/);
    await signIn(a);
    await a.waitForURL(`${base}/`);

    const mailed = smtp.waitForMail((m) => NEW_DEVICE_SUBJECT.test(m.subject) && m.to === EMAIL, 15_000);
    await signIn(b);
    await b.waitForURL(`${base}/`);
    const mail = await mailed;
    assert.match(mail.text, /Browser: Firefox 128 on Windows 10/);
    assert.match(mail.text, /When: .+ UTC/);
    assert.equal(firstLink(mail), `${MAIL_ORIGIN}/sessions`, 'the link goes to the sessions page');
    assert.equal(newDeviceMails(smtp).length, 1, 'A was the first sign-in: only B was mailed about');
  });

  await t.test('the log page shows each event, newest first, linked from the account page', async () => {
    // A failed sign-in from B, a password change and a revoked session from A.
    const wrong = await newBrowser({ userAgent: FIREFOX_ON_WINDOWS });
    await signIn(wrong, 'not-the-password-at-all-1');
    await wrong.waitForSelector('.pow-flash-error, .pow-error-summary');
    await a.goto(`${base}/sessions`);
    await a.getByRole('button', { name: 'Sign out Firefox 128 on Windows 10' }).click();
    await a.waitForURL(`${base}/sessions`);
    await a.goto(`${base}/registration/edit`);
    await a.fill('#password', NEW_PASSWORD);
    await a.fill('#password_confirmation', NEW_PASSWORD);
    await a.fill('#current_password', PASSWORD);
    await a.click('form.pow-form button[type=submit]');
    await a.waitForSelector('.pow-flash-info');

    await a.goto(`${base}/registration/edit`);
    await a.locator('main').getByRole('link', { name: 'Security log' }).click();
    await a.waitForURL(`${base}/security-log`);
    assert.equal(await text(a, 'h1'), 'Security log');
    const events = await a.locator('li[data-event]').evaluateAll((items) =>
      // Browser-side callback: loosely typed (no DOM library in the tests' types).
      items.map((item: { getAttribute(name: string): string | null }) => item.getAttribute('data-event')),
    );
    assert.deepEqual(events.slice(0, 4), [
      'password-changed',
      'session-revoked',
      'sign-in-failed',
      'sign-in',
    ]);
    assert.ok(events.includes('sign-out'));
    assert.match(
      await text(a, 'li[data-event="password-changed"]'),
      /^Password changed .+ Chrome \d+ on Linux · From /,
    );
    assert.match(await text(a, 'li[data-event="session-revoked"]'), /^Another session signed out /);
    assert.match(
      await text(a, 'li[data-event="sign-in-failed"]'),
      /^Failed sign-in attempt .+ Firefox 128 on Windows 10/,
    );
    assert.match(await text(a, 'li[data-event="sign-in"]'), /^Signed in .+ Firefox 128 on Windows 10/);
    assert.match(await text(a, '.pow-hint'), /last 90 days/);
    await checkPage(t, a, 'security-log');
  });

  await t.test('in German', async () => {
    const german = await newBrowser({ locale: 'de-DE' });
    await signIn(german, NEW_PASSWORD);
    await german.waitForURL(`${base}/`);
    await german.goto(`${base}/security-log`);
    assert.equal(await text(german, 'h1'), 'Sicherheitsprotokoll');
    assert.match(await text(german, 'li[data-event="password-changed"]'), /^Passwort geändert /);
    assert.match(await text(german, 'li[data-event="sign-in-failed"]'), /^Fehlgeschlagener Anmeldeversuch /);
    await checkPage(t, german, 'security-log-de');
  });

  await t.test('under /admin: the admin log shows the admin events only', async () => {
    const admin = await newBrowser();
    await admin.goto(`${base}/admin/registration/new`);
    await admin.fill('#email', EMAIL);
    await admin.fill('#password', PASSWORD);
    await admin.fill('#password_confirmation', PASSWORD);
    await admin.click('form.pow-form button[type=submit]');
    await admin.waitForURL(`${base}/admin`);
    await admin.getByRole('button', { name: 'Sign out' }).click();
    await signIn(admin, PASSWORD, '/admin');
    await admin.waitForURL(`${base}/admin`);
    await admin.goto(`${base}/admin/security-log`);
    assert.equal(await text(admin, 'h1'), 'Security log');
    const events = await admin.locator('li[data-event]').count();
    assert.equal(events, 2, "the admin's sign-out and sign-in, none of the user's with the same address");
    await checkPage(t, admin, 'admin-security-log');
  });

  t.diagnostic(axeSummary());
});
