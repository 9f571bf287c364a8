/**
 * Passkeys in a real browser (Debian's Chromium through playwright-core) with the DevTools
 * protocol's virtual authenticator (CTAP2, resident keys, user verification), on the SQLite
 * example app after `pow install --extension passkeys` and
 * `pow gen.templates --namespace admin --extension passkeys` (installed and booted once for the
 * file). A user adds a passkey on the account's passkeys page, signs out, signs in with it and no
 * password, and removes it after a confirmation; a removed passkey no longer signs in. Every page
 * runs under pow's strict Content-Security-Policy: the scripts are same-origin files.
 *
 * The browser visits http://localhost:<port>: WebAuthn refuses an IP address as RP id, so the
 * app's base URL (the RP id and origin pow checks) is set to that origin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { axeSummary, checkPage, startSite } from '../helpers/browser.js';

const EMAIL = 'ada@example.com';
const PASSWORD = 'purple-otter-maps-42-quietly';
const CONFIG = 'src/pow/config.ts';
const ADMIN_CONFIG = 'src/pow/admin/config.ts';

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** The app's origin as the browser sees it: the port it listens on, on localhost. */
function useLocalhostBaseUrl(source: string): string {
  const edited = source.replace(
    /baseUrl: fromEnv\([^)]*\)/,
    // Test-only: the port is known when the app starts (the test harness picks it).
    'baseUrl: `http://localhost:${process.env.PORT}`',
  );
  assert.notEqual(edited, source, 'the config sets baseUrl');
  return edited;
}

test('passkeys in Chromium: add one, sign in with it and no password, remove it', async (t) => {
  const { site, browser, close } = await startSite({
    installArgs: ['--extension', 'passkeys'],
    async beforeBoot(project) {
      const gen = await project.pow([
        'gen.templates',
        '--namespace',
        'admin',
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
  /** A new browser with a virtual platform authenticator (its own, empty). */
  const newBrowser = async (locale = 'en-US'): Promise<{ page: Page; cdp: CDPSession; id: string }> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
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
  const credentials = async (cdp: CDPSession, id: string) =>
    (await cdp.send('WebAuthn.getCredentials', { authenticatorId: id })).credentials;
  const signUp = async (page: Page, prefix = '') => {
    await page.goto(`${base}${prefix}/registration/new`);
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await page.fill('#password_confirmation', PASSWORD);
    await page.click('form.pow-form button[type=submit]');
    await page.waitForURL(`${base}${prefix || '/'}`);
  };
  const signOut = async (page: Page) => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/session\/new$/);
  };

  const { page, cdp, id } = await newBrowser();

  await t.test('a signed-in user adds a passkey on the passkeys page', async () => {
    await signUp(page);
    await page.goto(`${base}/registration/edit`);
    await page.getByRole('link', { name: 'Passkeys' }).click();
    await page.waitForURL(`${base}/passkeys`);
    assert.equal(await text(page, 'h1'), 'Passkeys');
    assert.match(await text(page, 'main'), /You have no passkeys yet\./);
    await page.fill('#label', 'Work laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.waitForSelector('.pow-flash-info');
    assert.match(await text(page, '.pow-flash-info'), /Your passkey has been added\./);
    assert.equal(page.url(), `${base}/passkeys`);
    const row = page.locator('li.pow-device');
    assert.equal(await row.count(), 1);
    assert.match(await text(page, 'li.pow-device'), /^Work laptop Added .+ Not used yet/);
    const held = await credentials(cdp, id);
    assert.equal(held.length, 1);
    assert.equal(held[0]!.isResidentCredential, true, 'a discoverable credential (resident key)');
    assert.equal(held[0]!.rpId, 'localhost');
    await checkPage(t, page, 'passkeys');
  });

  await t.test('signed out, the passkey signs in without a password', async () => {
    await signOut(page);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL(`${base}/`);
    await page.goto(`${base}/dashboard`);
    assert.equal(page.url(), `${base}/dashboard`, 'a real session');
    await page.goto(`${base}/passkeys`);
    assert.match(await text(page, 'li.pow-device'), /Last used /);
    assert.equal((await credentials(cdp, id))[0]!.signCount, 2, 'the authenticator signed twice');
  });

  await t.test('removing asks first, then the passkey no longer signs in', async () => {
    await page.getByRole('link', { name: 'Remove Work laptop' }).click();
    await page.waitForURL(/\/passkeys\/remove\?id=/);
    assert.equal(await text(page, 'h1'), 'Remove passkey');
    assert.match(await text(page, 'main'), /Remove the passkey "Work laptop"\?/);
    await checkPage(t, page, 'passkeys-remove');
    await page.getByRole('button', { name: 'Remove passkey' }).click();
    await page.waitForURL(`${base}/passkeys`);
    assert.match(await text(page, '.pow-flash-info'), /The passkey has been removed\./);
    assert.match(await text(page, 'main'), /You have no passkeys yet\./);

    await signOut(page);
    // The authenticator still holds the credential; pow no longer knows it.
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForSelector('.pow-error-summary:not([hidden])');
    assert.match(await text(page, '.pow-error-summary'), /That passkey did not work/);
    await page.goto(`${base}/dashboard`);
    assert.notEqual(page.url(), `${base}/dashboard`, 'not signed in');
  });

  await t.test('a cancelled prompt leaves the page with a message, no request made', async () => {
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: id });
    // Without any authenticator, Chromium ends the request with an error after its timeout; a
    // user verification that fails ends it at once.
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: false,
        automaticPresenceSimulation: true,
      },
    });
    await page.goto(`${base}/session/new`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForSelector('#pow-passkey-error:not([hidden])', { timeout: 60_000 });
    assert.match(await text(page, '#pow-passkey-error'), /No passkey was used/);
    assert.equal(page.url(), `${base}/session/new`);
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
  });

  await t.test('in German', async () => {
    const german = await newBrowser('de-DE');
    await german.page.goto(`${base}/session/new`);
    assert.ok(await german.page.getByRole('button', { name: 'Mit einem Passkey anmelden' }).isVisible());
    assert.match(await text(german.page, '.pow-divider'), /oder mit Ihrem Passwort anmelden/);
  });

  await t.test('under /admin: an admin adds a passkey and signs in with it', async () => {
    const admin = await newBrowser();
    await signUp(admin.page, '/admin');
    await admin.page.goto(`${base}/admin/passkeys`);
    await admin.page.getByRole('button', { name: 'Add a passkey' }).click();
    await admin.page.waitForSelector('.pow-flash-info');
    assert.match(await text(admin.page, '.pow-flash-info'), /Your passkey has been added\./);
    // Left blank, the label names the browser it was made on.
    assert.match(await text(admin.page, 'li.pow-device .pow-device-name'), /^Chrome \d+, Linux$/);
    await admin.page.getByRole('button', { name: 'Sign out' }).click();
    await admin.page.waitForURL(/\/admin\/session\/new$/);
    await admin.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await admin.page.waitForURL(`${base}/admin`);
    assert.match(await text(admin.page, '.pow-flash-info'), /You are signed in\./);
    // The users' side did not get the admin's passkey.
    await page.goto(`${base}/session/new`);
    const script = await page.request.get(`${base}/admin/pow/passkeys.js`);
    assert.equal(script.status(), 200);
  });

  await t.test("the scripts are the app's own files and pass the page's policy", async () => {
    const response = await page.request.get(`${base}/pow/simplewebauthn-browser.js`);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-type'] ?? '', /javascript/);
    assert.match(await response.text(), /SimpleWebAuthnBrowser/);
    // A signed-out request (no cookies): the sign-in page with its passkey button.
    const signIn = await fetch(`${site.url}/session/new`);
    assert.match(await signIn.text(), /data-passkey="sign-in"/);
    assert.match(signIn.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.deepEqual(cspViolations, []);
  });

  await t.test('sign-in options count against the address limit: 429 with Retry-After, worded', async () => {
    await page.goto(`${base}/session/new`);
    const csrf = await page.locator('form[data-passkey] input[name=_csrf]').inputValue();
    // Sent by the browser itself (its address is the one counted; browser-side code as a string:
    // the tests are type-checked without the DOM library).
    const refused = (await page.evaluate(`(async () => {
      for (let i = 0; i < 60; i++) {
        const r = await fetch(${JSON.stringify(`${base}/passkeys/sign-in-options`)}, {
          method: 'POST',
          body: new URLSearchParams({ _csrf: ${JSON.stringify(csrf)} }),
        });
        if (r.status === 429) return { at: i, retryAfter: r.headers.get('retry-after'), body: await r.json() };
        if (r.status !== 200) return { at: i, status: r.status };
      }
      return null;
    })()`)) as { at: number; retryAfter?: string; status?: number; body?: { error: string } } | null;
    assert.ok(refused, 'refused within 60 requests (the limit is 50 per 15 minutes)');
    assert.equal(refused.status, undefined, `only 200s before the 429: ${JSON.stringify(refused)}`);
    assert.ok(Number(refused.retryAfter) > 0);
    assert.match(refused.body!.error, /Too many failed sign-in attempts/);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForSelector('#pow-passkey-error:not([hidden])');
    assert.match(await text(page, '#pow-passkey-error'), /Too many failed sign-in attempts/);
  });

  t.diagnostic(axeSummary());
});
