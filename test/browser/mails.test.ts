/**
 * Every mail pow generates, as a mail app shows it: the owned templates
 * (views/pow/mailer/*.ejs, the shared layout included) rendered the way the app renders them, in
 * English and German, opened in Chromium at 1280 and 390 px. Each must have 0 axe violations of
 * any impact, no sideways scrolling at 390 px (the long token link wraps), the button's words and
 * the link's lifetime visible, and a text twin carrying the link. Screenshots go to
 * test-artifacts/screenshots/mail-<name>-<locale>-<width>.png; the reset mail is then set beside
 * the anchors' (design-mail-reset-<width>.png, docs/design.md).
 * The path through a running app and a real SMTP server is checked in confirmation-invitation.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { DEFAULT_TEMPLATES, type MailName } from '../../src/runtime/mail/index.js';
import { formatLifetime } from '../../src/runtime/mail/lifetime.js';
import { DEFAULT_TOKEN_TTL_MS } from '../../src/runtime/extensions/tokens.js';
import { createTranslator } from '../../src/runtime/i18n/index.js';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { SCREENSHOT_DIR, WIDTHS, axeSummary, checkPage, launchChromium } from '../helpers/browser.js';
import { axeNote, shootAnchor, sideBySide, type Panel } from '../helpers/design-anchors.js';
import { generatedMailDir, mailLocals, renderGenerated } from '../helpers/mail-templates.js';

/** The token each mail's link carries (its lifetime is stated), or null for plain links. */
const TOKEN_OF: Record<MailName, keyof typeof DEFAULT_TOKEN_TTL_MS | null> = {
  reset_password: 'reset_password',
  email_confirmation: 'email_confirmation',
  invitation: 'invitation',
  password_changed: null,
  email_changed: null,
  registration_attempt: null,
  new_device: null,
  magic_link: 'magic_link',
};

test('every generated mail in Chromium at 1280 and 390 px: axe-clean, no sideways scroll, button, lifetime, text twin', async (t) => {
  const dir = await generatedMailDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const browser = await launchChromium();
  t.after(() => browser.close());
  const translator = createTranslator({});
  // A long address and a long app name: the worst case for narrow screens.
  const url = `https://accounts.shop.example/reset-password/${'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-ABCDE'}/edit`;

  for (const locale of ['en', 'de']) {
    for (const name of Object.keys(DEFAULT_TEMPLATES) as MailName[]) {
      await t.test(`${name} (${locale})`, async (t) => {
        const token = TOKEN_OF[name];
        const linkLifetime = token ? formatLifetime(DEFAULT_TOKEN_TTL_MS[token], locale) : '';
        const locals = mailLocals(locale, {
          url,
          appName: 'Acme Shop',
          email: 'ada.lovelace.with.a.long.address@example.com',
          linkLifetime,
          supportEmail: 'help@acme.example',
        });
        const mail = await renderGenerated(dir, name, locals);
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
        t.after(() => context.close());
        const page = await context.newPage();
        await page.setContent(mail.html, { waitUntil: 'load' });

        const check = await checkPage(t, page, `mail-${name}-${locale}`);
        assert.deepEqual(check.lesser, [], 'no axe violations of any impact');

        const label = translator.t(locale, `mail.${name}.action`, { app: 'Acme Shop' });
        const button = page.getByRole('link', { name: label, exact: true });
        assert.equal(await button.count(), 1, `one button "${label}"`);
        assert.equal(await button.getAttribute('href'), url);
        assert.match(await page.title(), /Acme Shop/, 'the subject (title) names the app');
        if (linkLifetime) {
          const stated = translator.t(locale, 'mail.link_lifetime', { lifetime: linkLifetime });
          assert.equal(await page.getByText(stated, { exact: true }).count(), 1, stated);
          assert.ok(mail.text.includes(stated), 'the text twin states the lifetime too');
        }
        // At 390 px the fallback link wraps inside the screen.
        await page.setViewportSize({ width: 390, height: 800 });
        const fallback = page.getByRole('link', { name: url, exact: true });
        const box = await fallback.boundingBox();
        assert.ok(
          box && box.x >= 0 && box.x + box.width <= 390,
          `the link stays on screen: ${JSON.stringify(box)}`,
        );
        const buttonBox = await button.boundingBox();
        assert.ok(buttonBox && buttonBox.x + buttonBox.width <= 390, 'the button stays on screen');

        assert.ok(mail.text.includes(`\n${url}\n`), 'the text twin has the link on a line of its own');
        assert.doesNotMatch(mail.text, /<[a-z]/i, 'the text twin is text');
      });
    }
  }

  await t.test(
    'design anchors: the reset mail beside Devise, Rails 8 and phx.gen.auth (docs/design.md)',
    async () => {
      for (const width of WIDTHS) {
        const panels: Panel[] = [
          {
            title: 'pow (reset_password, en)',
            image: join(SCREENSHOT_DIR, `mail-reset_password-en-${width}.png`),
            note: 'axe: 0 violations',
          },
        ];
        for (const [title, file] of [
          ['Devise reset_password_instructions', 'devise-reset-mail.html'],
          ['Rails 8 passwords_mailer/reset', 'rails-reset-mail.html'],
          ['phx.gen.auth log-in mail (text only)', 'phoenix-login-mail.txt'],
        ] as const) {
          const shot = await shootAnchor(browser, file, width);
          // A text-only mail has no HTML of its own to check (the page around it is the test's).
          const note = file.endsWith('.txt') ? 'text only: no HTML part' : axeNote(shot.violations);
          panels.push({ title, image: shot.file, note });
          t.diagnostic(
            `${file} at ${width}px: ${axeNote(shot.violations)}${shot.overflow ? ', scrolls sideways' : ''}`,
          );
        }
        const out = await sideBySide(browser, `mail-reset-${width}`, panels, width === 390 ? 390 : 640);
        assert.ok(statSync(out).size > 10_000, `${out} written`);
      }
    },
  );
  t.diagnostic(axeSummary());
});
