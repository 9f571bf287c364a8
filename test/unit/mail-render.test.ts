import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ejs from 'ejs';
import { DEFAULT_SUBJECTS, renderMail, type MailName } from '../../src/runtime/mail/index.js';
import { isPowError } from '../../src/shared/pow-error.js';

const user = { id: 1, email: 'a@example.com' };
const url = 'https://app.test/reset-password/abc/edit?x=1&y=2';

test('every default mail renders a subject, html and text with the link', async () => {
  for (const name of Object.keys(DEFAULT_SUBJECTS) as MailName[]) {
    const mail = await renderMail(undefined, name, {
      user,
      url,
      newEmail: 'b@example.com',
      invitedByUserId: 'boss@example.com',
    });
    // No appName: the host of the link (the app's base URL) names the app.
    assert.equal(mail.subject, DEFAULT_SUBJECTS[name].replace('{{app}}', 'app.test'));
    assert.ok(mail.text.includes(url), `${name} text has the link`);
    assert.ok(
      mail.html.includes('https://app.test/reset-password/abc/edit?x=1&amp;y=2'),
      `${name} html has the escaped link`,
    );
  }
});

test('default templates name the app and say what the button does', async () => {
  const reset = await renderMail(undefined, 'reset_password', { user, url, appName: 'Acme' });
  assert.equal(reset.subject, 'Reset your Acme password');
  assert.match(reset.text, /Someone asked to reset the password of your Acme account/);
  assert.match(reset.html, />Choose a new password<\/a>/);
  const invite = await renderMail(undefined, 'invitation', {
    user,
    url,
    appName: 'Acme',
    invitedByUserId: 'boss@example.com',
  });
  assert.equal(invite.subject, "You've been invited to Acme");
  assert.match(invite.text, /boss@example.com invited you to Acme/);
  assert.match(invite.html, />Accept the invitation<\/a>/);
});

test('default html escapes user-controlled values', async () => {
  const mail = await renderMail(undefined, 'invitation', {
    user,
    url,
    invitedByUserId: '<script>alert(1)</script>',
  });
  assert.doesNotMatch(mail.html, /<script>/);
  assert.match(mail.html, /&lt;script&gt;/);
});

test('app templates override defaults per part, rendered with the given renderFile', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pow-mail-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(
    join(dir, 'reset_password.html.ejs'),
    '<p>Custom <%= user.email %>: <a href="<%= url %>">reset</a> (<%= subject %>)</p>',
  );
  const mail = await renderMail(
    dir,
    'reset_password',
    { user, url },
    { renderFile: ejs.renderFile, subject: 'Passwort zurücksetzen' },
  );
  assert.equal(mail.subject, 'Passwort zurücksetzen');
  assert.equal(
    mail.html,
    `<p>Custom a@example.com: <a href="${url.replace('&', '&amp;')}">reset</a> (Passwort zurücksetzen)</p>`,
  );
  // No text template in the folder: the default text part is used.
  assert.match(mail.text, /reset the password of your app.test account/);
});

test('a template file without a renderFile is a PowError, not a silent default', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pow-mail-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'invitation.text.ejs'), 'Hi <%= url %>');
  await assert.rejects(
    renderMail(dir, 'invitation', { user, url }),
    (error: unknown) => isPowError(error) && error.code === 'POW_MAIL_RENDERER_MISSING',
  );
});

test('an unknown mail name needs both template files and a subject', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pow-mail-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await assert.rejects(
    renderMail(dir, 'welcome', { user }),
    (error: unknown) => isPowError(error) && error.code === 'POW_MAIL_TEMPLATE_MISSING',
  );
  await writeFile(join(dir, 'welcome.html.ejs'), '<p>Welcome <%= user.email %></p>');
  await writeFile(join(dir, 'welcome.text.ejs'), 'Welcome <%= user.email %>');
  const mail = await renderMail(dir, 'welcome', { user, subject: 'Welcome' }, { renderFile: ejs.renderFile });
  assert.deepEqual(mail, {
    subject: 'Welcome',
    html: '<p>Welcome a@example.com</p>',
    text: 'Welcome a@example.com',
  });
});

test('default templates and subjects use the translator from the locals, falling back to English', async () => {
  const de: Record<string, string> = {
    'mail.reset_password.heading': 'Passwort zurücksetzen',
    'mail.reset_password.subject': 'Passwort zurücksetzen',
    'mail.reset_password.body': 'Bitte benutze den folgenden Link, um dein Passwort zurückzusetzen:',
  };
  const t = (key: string) => de[key] ?? key;
  const mail = await renderMail(undefined, 'reset_password', { user, url, t });
  assert.equal(mail.subject, 'Passwort zurücksetzen');
  assert.match(mail.text, /^app\.test\n\nPasswort zurücksetzen\n/);
  assert.match(mail.text, /Bitte benutze den folgenden Link/);
  // Missing key: English fallback.
  assert.match(mail.text, /If you did not ask for this, ignore this email/);
});
