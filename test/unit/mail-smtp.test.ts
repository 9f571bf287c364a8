import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { consoleMailer, deliverLater, flushDeliveries, smtpMailer } from '../../src/runtime/mail/index.js';
import { firstLink, startSmtpServer, tokenFromLink } from '../helpers/smtp-server.js';

test('smtpMailer delivers to a real SMTP server (URL form)', async (t) => {
  const smtp = await startSmtpServer();
  const mailer = smtpMailer(smtp.url, { from: 'pow@test.local' });
  t.after(async () => {
    await mailer.close?.();
    await smtp.close();
  });
  const token = 'A'.repeat(43);
  const link = `https://app.test/reset-password/${token}/edit`;
  await mailer.send({
    to: 'Someone@Example.com',
    subject: 'Reset password link',
    text: `Use ${link}\n`,
    html: `<a href="${link}">x</a>`,
  });
  const mail = await smtp.waitForMail((m) => m.to === 'someone@example.com');
  assert.equal(mail.subject, 'Reset password link');
  assert.equal(mail.from, 'pow@test.local');
  assert.deepEqual(mail.envelopeTo, ['someone@example.com']);
  assert.equal(firstLink(mail), link);
  assert.equal(tokenFromLink(firstLink(mail)), token);
});

test('smtpMailer accepts nodemailer options and a per-message from', async (t) => {
  const smtp = await startSmtpServer();
  const mailer = smtpMailer({
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    ignoreTLS: true,
    from: 'default@test.local',
  });
  t.after(async () => {
    await mailer.close?.();
    await smtp.close();
  });
  await mailer.send({
    to: 'b@example.com',
    subject: 'S',
    text: 'T',
    html: '<p>H</p>',
    from: 'other@test.local',
  });
  const mail = await smtp.waitForMail();
  assert.equal(mail.from, 'other@test.local');
  assert.equal(mail.text.trim(), 'T');
  assert.match(mail.html, /<p>H<\/p>/);
});

test('smtpMailer with pool reuses connections and close() ends them', async (t) => {
  const smtp = await startSmtpServer();
  const mailer = smtpMailer(smtp.url, { from: 'pool@test.local', pool: true, maxConnections: 1 });
  t.after(() => smtp.close());
  for (let i = 0; i < 3; i++) {
    await mailer.send({ to: `p${i}@example.com`, subject: `S${i}`, text: 'T', html: 'H' });
  }
  assert.deepEqual(
    smtp.messages.map((m) => m.to),
    ['p0@example.com', 'p1@example.com', 'p2@example.com'],
  );
  assert.equal(smtp.messages[0]!.from, 'pool@test.local');
  await mailer.close?.();
});

test('a refusing SMTP server surfaces through deliverLater onError only', async (t) => {
  const smtp = await startSmtpServer();
  const mailer = smtpMailer(smtp.url, { from: 'pow@test.local' });
  t.after(async () => {
    await mailer.close?.();
    await smtp.close();
  });
  smtp.failDeliveries(true);
  const errors: unknown[] = [];
  const started = performance.now();
  deliverLater(mailer, { to: 'c@example.com', subject: 'S', text: 'T', html: 'H' }, (error) =>
    errors.push(error),
  );
  assert.ok(performance.now() - started < 5, 'queuing is immediate');
  await flushDeliveries();
  assert.equal(errors.length, 1);
  assert.match(String((errors[0] as Error).message), /550|unavailable/i);
  assert.equal(smtp.messages.length, 0);
});

test('an unreachable SMTP server is reported, not thrown', async () => {
  const smtp = await startSmtpServer();
  const url = smtp.url;
  await smtp.close();
  const mailer = smtpMailer(url, { from: 'pow@test.local', connectionTimeout: 2000 });
  const errors: unknown[] = [];
  deliverLater(mailer, { to: 'c@example.com', subject: 'S', text: 'T', html: 'H' }, (error) =>
    errors.push(error),
  );
  await flushDeliveries();
  await mailer.close?.();
  assert.equal(errors.length, 1);
});

test('consoleMailer prints the message to the given stream', async () => {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  await consoleMailer({ stream }).send({
    to: 'd@example.com',
    subject: 'Hi there',
    text: 'Body https://x.test/t\n',
    html: '<b>x</b>',
  });
  assert.match(out, /To: d@example.com/);
  assert.match(out, /Subject: Hi there/);
  assert.match(out, /Body https:\/\/x.test\/t/);
  assert.doesNotMatch(out, /<b>x<\/b>/);
});

// Issue 16, defect 1 (and its scope line): the mailer refuses, as a last line of defence, any
// recipient with CR/LF or more than one recipient, whatever validation ran before it. On main the
// first two reached the SMTP server as a Bcc header and as two envelope recipients.
test('smtpMailer and deliverLater refuse CR/LF, several recipients and display names (issue 16, defect 1)', async (t) => {
  const smtp = await startSmtpServer();
  const mailer = smtpMailer(smtp.url, { from: 'pow@test.local' });
  t.after(async () => {
    await mailer.close?.();
    await smtp.close();
  });
  const refused = [
    'victim@example.com\r\nBcc: attacker@example.com',
    'victim@example.com\nBcc: attacker@example.com',
    'a@example.com, b@example.com',
    'a@example.com; b@example.com',
    'Victim <v@example.com>',
    '"a,b"@example.com',
    '',
  ];
  const body = { subject: 'Reset password link', text: 'x', html: 'x' };
  for (const to of refused) {
    await assert.rejects(mailer.send({ to, ...body }), /refused to send mail/, JSON.stringify(to));
    const errors: unknown[] = [];
    deliverLater(mailer, { to, ...body }, (error) => errors.push(error));
    await flushDeliveries();
    assert.equal(errors.length, 1, JSON.stringify(to));
  }
  await mailer.send({ to: 'ok@example.com', ...body });
  await smtp.waitForMail((m) => m.to === 'ok@example.com');
  assert.deepEqual(
    smtp.messages.map((m) => m.envelopeTo),
    [['ok@example.com']],
    'only the one bare address reached the server',
  );
});
