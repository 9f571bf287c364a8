/**
 * The one mail layout (src/runtime/mail/layout.ts and its owned copy, the generated
 * views/pow/mailer/layout.{html,text}.ejs): both render every mail alike, and a mail says the app's
 * name, has a button with words, the link as a fallback that wraps, the link's lifetime, `lang`,
 * a plain-text twin, and names a support address only when one is configured.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import {
  DEFAULT_TEMPLATES,
  formatLifetime,
  renderMail,
  type MailName,
} from '../../src/runtime/mail/index.js';
import { en } from '../../src/runtime/i18n/locales/en.js';
import { de } from '../../src/runtime/i18n/locales/de.js';
import { generatedMailDir, mailLocals, renderGenerated } from '../helpers/mail-templates.js';

const NAMES = Object.keys(DEFAULT_TEMPLATES) as MailName[];

test('the generated templates and the runtime defaults render every mail the same, in en and de', async (t) => {
  const dir = await generatedMailDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const locale of ['en', 'de']) {
    for (const supportEmail of ['', 'help@acme.example']) {
      for (const name of NAMES) {
        const locals = mailLocals(locale, { supportEmail });
        const owned = await renderGenerated(dir, name, locals);
        const fallback = await renderMail(undefined, name, locals);
        const label = `${name} (${locale}, support ${supportEmail || 'none'})`;
        assert.equal(owned.subject, fallback.subject, label);
        assert.equal(owned.html, fallback.html, `${label}: html`);
        assert.equal(owned.text, fallback.text, `${label}: text`);
      }
    }
  }
});

test('a mail: app name in subject and body, a button with words, the link as wrapping fallback, lifetime, lang', async (t) => {
  const dir = await generatedMailDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const locals = mailLocals('en');
  const url = String(locals.url);
  const mail = await renderGenerated(dir, 'reset_password', locals);
  assert.equal(mail.subject, 'Reset your Acme Shop password');
  assert.match(mail.html, /^<!DOCTYPE html>\n<html lang="en">/);
  assert.match(mail.html, /<title>Reset your Acme Shop password<\/title>/);
  assert.match(mail.html, />Acme Shop<\/p>/);
  assert.doesNotMatch(mail.html, /<style|<link|class=/, 'inline styles only');
  const links = [...mail.html.matchAll(/<a href="([^"]*)" style="([^"]*)">([^<]*)<\/a>/g)];
  assert.deepEqual(
    links.map((m) => m[3]),
    ['Choose a new password', url],
    'the button has words; the raw link is only the fallback',
  );
  assert.ok(links.every((m) => m[1] === url));
  assert.match(links[1]![2]!, /word-break:break-all;overflow-wrap:anywhere/);
  assert.match(mail.html, /This link expires in 1 hour\./);
  // The text twin: the same words, the link on its own line, before any other link.
  assert.match(mail.text, /^Acme Shop\n\nReset your password\n/);
  assert.ok(mail.text.includes(`Choose a new password:\n${url}\n`), mail.text);
  assert.match(mail.text, /This link expires in 1 hour\./);
  assert.equal(/https?:\/\/\S+/.exec(mail.text)?.[0], url);

  const german = await renderGenerated(dir, 'reset_password', mailLocals('de'));
  assert.match(german.html, /<html lang="de">/);
  assert.equal(german.subject, 'Passwort für Acme Shop zurücksetzen');
  assert.match(german.html, /Dieser Link ist 1 Stunde lang gültig\./);
});

test('plain links (notices) state no lifetime; the support address appears only when configured', async (t) => {
  const dir = await generatedMailDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const notice = await renderGenerated(dir, 'password_changed', mailLocals('en', { linkLifetime: '' }));
  assert.doesNotMatch(notice.html, /expires/);
  assert.doesNotMatch(notice.html + notice.text, /Questions\?|mailto:|contact/i);
  const helped = await renderGenerated(
    dir,
    'password_changed',
    mailLocals('en', { linkLifetime: '', supportEmail: 'help@acme.example' }),
  );
  assert.match(
    helped.html,
    /Questions\? Write to <a href="mailto:help@acme.example" style="[^"]*">help@acme.example<\/a><\/p>/,
  );
  assert.match(
    helped.text,
    /\n--\nThis email was sent by Acme Shop to ada@example.com\. Questions\? Write to help@acme.example\n$/,
  );
});

test('no catalogue promises a contact it cannot give', () => {
  for (const catalogue of [en, de]) {
    assert.doesNotMatch(JSON.stringify(catalogue.mail), /contact us|kontaktieren Sie uns/i);
  }
});

test('lifetimes in words, in the mail language, never promising more time than the token has', () => {
  const HOUR = 3_600_000;
  assert.equal(formatLifetime(HOUR, 'en'), '1 hour');
  assert.equal(formatLifetime(48 * HOUR, 'en'), '48 hours');
  assert.equal(formatLifetime(7 * 24 * HOUR, 'en'), '7 days');
  assert.equal(formatLifetime(30 * 60_000, 'en'), '30 minutes');
  assert.equal(formatLifetime(90 * 60_000 + 59_000, 'en'), '90 minutes');
  assert.equal(formatLifetime(HOUR, 'de'), '1 Stunde');
  assert.equal(formatLifetime(48 * HOUR, 'de'), '48 Stunden');
  assert.equal(formatLifetime(7 * 24 * HOUR, 'de'), '7 Tage');
  assert.equal(formatLifetime(HOUR, 'not a locale!'), '1 hour');
});

test('values in a mail are escaped in the HTML part', async (t) => {
  const dir = await generatedMailDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const mail = await renderGenerated(
    dir,
    'invitation',
    mailLocals('en', { invitedByUserId: '<img src=x onerror=alert(1)>', appName: 'A & <B>' }),
  );
  assert.doesNotMatch(mail.html, /<img|<B>/);
  assert.match(mail.html, /&lt;img src=x onerror=alert\(1\)&gt; invited you to A &amp; &lt;B&gt;/);
});
