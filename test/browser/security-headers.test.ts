/**
 * pow's pages under their own Content-Security-Policy in Chromium (docs/security.md, "Headers"):
 * the SQLite example app with reset-password (LINK_EXTENSIONS_APP of test/helpers/browser.ts,
 * shared with extensions.test.ts), every page of the sign-up, sign-in, account and reset flows, and the app's page behind `requireAuthenticated`. Each response
 * carries the policy, the stylesheet applies (no inline style was needed), and the browser reports
 * no violation: neither a `securitypolicyviolation` event nor a console message. A control
 * injects an image from another origin to show that a violation would be seen.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page, Response } from 'playwright-core';
import { POW_PAGE_CSP } from '../../src/runtime/express/security-headers.js';
import { LINK_EXTENSIONS_APP, startSite } from '../helpers/browser.js';

const EMAIL = 'csp@example.com';
const PASSWORD = 'purple-otter-maps-42-quietly';

/** Records every CSP violation the page reports, from before its first script runs. */
const RECORD_VIOLATIONS = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI);
  });
`;

async function violations(page: Page): Promise<string[]> {
  return (await page.evaluate('window.__cspViolations ?? []')) as string[];
}

/** The font pow.css gives the body (the browser default is a serif font). */
async function bodyFont(page: Page): Promise<string> {
  return (await page.evaluate('getComputedStyle(document.body).fontFamily')) as string;
}

test('pow pages render under their Content-Security-Policy in Chromium with no violation', async (t) => {
  const { site, browser, close } = await startSite({ prepared: LINK_EXTENSIONS_APP });
  t.after(close);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  context.setDefaultTimeout(10_000);
  await context.addInitScript(RECORD_VIOLATIONS);
  const page = await context.newPage();
  const consoleCsp: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) consoleCsp.push(message.text());
  });

  const visit = async (path: string, expectCsp: string): Promise<Response> => {
    const res = await page.goto(`${site.url}${path}`);
    assert.ok(res, path);
    const headers = await res.allHeaders();
    assert.equal(headers['content-security-policy'], expectCsp, `${path}: CSP`);
    assert.equal(headers['x-frame-options'], 'DENY', `${path}: X-Frame-Options`);
    assert.equal(headers['x-content-type-options'], 'nosniff', `${path}: nosniff`);
    assert.equal(headers['cache-control'], 'no-store', `${path}: no-store`);
    return res;
  };
  const noViolation = async (where: string) => {
    assert.deepEqual(await violations(page), [], `${where}: CSP violations`);
    assert.deepEqual(consoleCsp, [], `${where}: CSP console messages`);
  };

  await t.test(
    'sign-up, sign-in and reset pages: policy sent, stylesheet applied, no violation',
    async () => {
      for (const path of ['/session/new', '/registration/new', '/reset-password/new']) {
        await visit(path, POW_PAGE_CSP);
        assert.doesNotMatch(await bodyFont(page), /^"?Times/, `${path}: pow.css applies`);
        await noViolation(path);
      }
    },
  );

  await t.test('signed up and signed in: the account page and the guarded app page', async () => {
    await visit('/registration/new', POW_PAGE_CSP);
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await page.fill('#password_confirmation', PASSWORD);
    await page.click('form.pow-form button[type=submit]');
    await page.waitForLoadState('load');
    await noViolation('after sign-up');
    await visit('/registration/edit', POW_PAGE_CSP);
    await noViolation('/registration/edit');
    // The app's own page behind requireAuthenticated: only the anti-framing directive.
    await visit('/dashboard', "frame-ancestors 'none'");
    await noViolation('/dashboard');
    // A failed form re-renders with its errors under the same policy.
    await visit('/registration/edit', POW_PAGE_CSP);
    await page.fill('#current_password', 'not my password at all');
    await page.click('form.pow-form button[type=submit]');
    await page.waitForLoadState('load');
    await noViolation('a refused account update');
  });

  await t.test('control: a violation would be seen', async () => {
    await visit('/registration/edit', POW_PAGE_CSP);
    await page.evaluate(`(() => {
      const img = document.createElement('img');
      img.src = 'http://127.0.0.2:9/blocked.png';
      document.body.append(img);
    })()`);
    await page.waitForFunction('window.__cspViolations.length > 0');
    assert.match((await violations(page))[0] ?? '', /^img-src http:\/\/127\.0\.0\.2:9\/blocked\.png/);
  });
});
