import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  deliverLater,
  flushDeliveries,
  memoryMailer,
  type Mailer,
  type MailMessage,
} from '../../src/runtime/mail/index.js';

const message: MailMessage = { to: 'a@example.com', subject: 'Hello', html: '<p>hi</p>', text: 'hi' };

test('deliverLater never sends synchronously and sends after the current tick', async () => {
  const mailer = memoryMailer();
  deliverLater(mailer, message);
  assert.equal(mailer.messages.length, 0);
  await flushDeliveries();
  assert.deepEqual(mailer.messages, [message]);
});

test('deliverLater builds a deferred message off the request path', async () => {
  const mailer = memoryMailer();
  let built = false;
  deliverLater(mailer, async () => {
    built = true;
    return message;
  });
  assert.equal(built, false);
  await flushDeliveries();
  assert.equal(built, true);
  assert.equal(mailer.messages.length, 1);
});

test('a failing mailer reports to onError and never throws', async () => {
  const failing: Mailer = {
    async send() {
      throw new Error('SMTP down');
    },
  };
  const seen: Array<{ error: unknown; meta: unknown }> = [];
  assert.doesNotThrow(() =>
    deliverLater(failing, message, (error, meta) => {
      seen.push({ error, meta });
    }),
  );
  await flushDeliveries();
  assert.equal(seen.length, 1);
  assert.equal((seen[0]!.error as Error).message, 'SMTP down');
  assert.deepEqual(seen[0]!.meta, { to: 'a@example.com', subject: 'Hello' });
});

test('a failing builder and a throwing error handler are contained', async () => {
  const mailer = memoryMailer();
  const errors: unknown[] = [];
  deliverLater(
    mailer,
    () => {
      throw new Error('render failed');
    },
    (error, meta) => {
      errors.push(error);
      assert.equal(meta, null);
      throw new Error('handler failed too');
    },
  );
  await flushDeliveries();
  assert.equal(errors.length, 1);
  assert.equal(mailer.messages.length, 0);
});

test('the default error handler logs one line without the body', async (t) => {
  const lines: string[] = [];
  t.mock.method(process.stderr, 'write', (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  const failing: Mailer = {
    async send() {
      throw new Error('421 try later');
    },
  };
  deliverLater(failing, { ...message, text: 'secret-token-in-body', html: 'secret-token-in-body' });
  await flushDeliveries();
  t.mock.restoreAll();
  const joined = lines.join('');
  assert.match(joined, /pow: failed to deliver "Hello": 421 try later/);
  assert.doesNotMatch(joined, /secret-token-in-body/);
});
