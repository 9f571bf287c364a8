/**
 * The magic-link extension over real HTTP (src/runtime/extensions/magic-link.ts and
 * src/runtime/express/magic-link.ts): a fake clock, a real SQLite database, a real in-process
 * SMTP server and small JSON routes calling `auth.*` the way the generated controller does (the
 * generated pages are covered end to end in test/e2e/extensions-sqlite.test.ts).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import express from 'express';
import { createClient } from 'redis';
import {
  createPow,
  fakeClock,
  flushDeliveries,
  memoryStore,
  redisStore,
  smtpMailer,
  type FakeClock,
} from '../../src/runtime/index.js';
import type { ExtensionName, Pow, Store, UserRecord } from '../../src/runtime/core/types.js';
import type { SecurityEvent } from '../../src/runtime/core/security-events.js';
import { RATE_LIMIT_NAMESPACE } from '../../src/runtime/core/rate-limit.js';
import { powExpress, type PowExpress, type PowExpressOptions } from '../../src/runtime/express/index.js';
import { createExtTestDatabase, REDIS_URL } from '../helpers/prisma-ext-client.js';
import { HttpClient, type HttpResponse } from '../helpers/http-client.js';
import { createTwoFactor } from '../../src/runtime/extensions/two-factor.js';
import { timeStep, totpCode } from '../../src/runtime/extensions/totp.js';
import { firstLink, startSmtpServer, tokenFromLink, type SmtpTestServer } from '../helpers/smtp-server.js';

const SECRET = 'magic-link-integration-secret-'.repeat(2);
const PASSWORD = 'violet kettle drums at midnight 93';
const BASE_URL = 'https://app.test';
const MIN = 60_000;
const SUBJECT = 'Your sign-in link for app.test';
const TWO_FACTOR_KEY = 'magic-link-two-factor-key-0123456789abcdef';

interface Setup {
  db: Awaited<ReturnType<typeof createExtTestDatabase>>;
  pow: Pow;
  auth: PowExpress;
  clock: FakeClock;
  smtp: SmtpTestServer;
  url: string;
  events: SecurityEvent[];
  /** Store writes outside the rate limiter's counters. */
  writes(): number;
  dump(): string;
  user(email: string, confirmed?: boolean): Promise<UserRecord>;
  browser(): HttpClient;
}

type JsonBody = Record<string, unknown>;

async function setup(
  t: TestContext,
  options: { extensions?: ExtensionName[]; auth?: Partial<PowExpressOptions>; redis?: boolean } = {},
): Promise<Setup> {
  const db = await createExtTestDatabase('sqlite');
  const clock = fakeClock();
  const smtp = await startSmtpServer();
  const mailer = smtpMailer(smtp.url, { from: 'pow@app.test', pool: true });
  const memory = memoryStore();
  let store: Store = memory;
  let closeStore = () => memory.close();
  let dump = () => JSON.stringify(memory.dump());
  if (options.redis) {
    const client = createClient({ url: REDIS_URL });
    client.on('error', () => {});
    await client.connect();
    const prefix = `pow_magic_link_${randomBytes(6).toString('hex')}`;
    store = redisStore(client, { prefix });
    dump = () => {
      throw new Error('no dump of the Redis store here');
    };
    closeStore = async () => {
      const keys = await client.keys(`${prefix}:*`);
      if (keys.length > 0) await client.del(keys);
      await client.close();
    };
  }
  let writes = 0;
  const put = store.put.bind(store);
  store.put = async (...args) => {
    if (args[0] !== RATE_LIMIT_NAMESPACE) writes++;
    return put(...args);
  };
  const pow = createPow({
    prisma: db.prisma,
    store,
    secret: SECRET,
    extensions: options.extensions ?? ['email-confirmation', 'persistent-session', 'magic-link'],
    hashing: { insecureTestParameters: true },
    clock: clock.now,
  });
  const events: SecurityEvent[] = [];
  pow.securityEvents.listen((event) => {
    events.push(event);
  });
  const auth = powExpress(pow, { prisma: db.prisma, baseUrl: BASE_URL, mail: { mailer }, ...options.auth });

  const app = express();
  const r = express.Router();
  const json = (res: express.Response, body: JsonBody) => res.json(body);
  r.get('/csrf', (req, res) => json(res, { csrf: auth.csrfToken(req) }));
  r.get('/me', (req, res) =>
    json(res, { email: (auth.currentUser(req)?.email as string | undefined) ?? null }),
  );
  r.post('/session', async (req, res) => {
    const result = await auth.signIn(
      req,
      res,
      String(req.body.user_id ?? ''),
      String(req.body.password ?? ''),
    );
    json(res, { ok: result.ok });
  });
  r.post('/magic-link', auth.page('magic_link', 'create'), async (req, res) => {
    const result = await auth.requestMagicLink(req, req.body.email);
    if (!result.ok) res.status(result.status).set('Retry-After', String(result.retryAfterSeconds));
    json(res, { ...result });
  });
  r.get('/magic-link/:token', async (req, res) => {
    json(res, { state: (await auth.verifyMagicLink(req, req.params.token)).state });
  });
  r.post('/magic-link/:token', async (req, res) => {
    const result = await auth.signInWithMagicLink(req, res, req.params.token);
    if (!result.ok) res.status(result.status);
    json(res, result.ok ? { ok: true } : { ok: false, reason: result.reason, message: result.messageKey });
  });
  r.post('/two-factor/challenge', async (req, res) => {
    const result = await auth.completeTwoFactor(req, res, { code: req.body.code });
    json(res, result.ok ? { ok: true } : { ok: false, key: result.messageKey });
  });
  app.use('/', auth.middleware(), r);
  app.use(auth.errorHandler());
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await flushDeliveries();
    await mailer.close?.();
    await smtp.close();
    await closeStore();
    await db.cleanup();
  });
  return {
    db,
    pow,
    auth,
    clock,
    smtp,
    url,
    events,
    writes: () => writes,
    dump,
    async user(email, confirmed = true) {
      const created = await pow.users.create({ email, password: PASSWORD, password_confirmation: PASSWORD });
      assert.ok(created.ok);
      if (!confirmed || !pow.extensions.includes('email-confirmation')) return created.value;
      const marked = await auth.extensions!.markConfirmed(created.value);
      assert.ok(marked.ok);
      return marked.value;
    },
    browser: () => new HttpClient(url),
  };
}

async function call(
  browser: HttpClient,
  method: 'GET' | 'POST',
  path: string,
  form: Record<string, string> = {},
): Promise<HttpResponse & { json: JsonBody }> {
  let res: HttpResponse;
  if (method === 'GET') res = await browser.get(path);
  else {
    const csrf = (JSON.parse((await browser.get('/csrf')).body) as { csrf: string }).csrf;
    res = await browser.post(path, { ...form, _csrf: csrf });
  }
  let json: JsonBody = {};
  try {
    json = JSON.parse(res.body) as JsonBody;
  } catch {
    // redirects
  }
  return { ...res, json };
}

const me = async (browser: HttpClient) => (await call(browser, 'GET', '/me')).json.email;

/** Asks for a link for `email` and returns the mailed link's path and token. */
async function requestLink(s: Setup, email: string): Promise<{ path: string; token: string; text: string }> {
  const before = s.smtp.messages.length;
  const res = await call(s.browser(), 'POST', '/magic-link', { email });
  assert.deepEqual(res.json, { ok: true });
  const mail = await s.smtp.waitForMail(
    (m) => m.to === email.toLowerCase() && m.subject === SUBJECT && s.smtp.messages.indexOf(m) >= before,
  );
  const link = firstLink(mail);
  assert.ok(link.startsWith(`${BASE_URL}/magic-link/`), link);
  return { path: new URL(link).pathname, token: tokenFromLink(link), text: mail.text };
}

test('a link signs in once: the GET only looks, the POST uses it; a second use is refused', async (t) => {
  const s = await setup(t);
  await s.user('ada@example.com');
  const { path, token, text } = await requestLink(s, 'Ada@Example.com');
  assert.match(text, /This link expires in 15 minutes/);
  assert.ok(!s.dump().includes(token), 'the store holds no raw token');

  // A mail scanner (or the person) fetches the link: nothing is used, however often.
  const scanner = s.browser();
  for (let i = 0; i < 3; i++) assert.deepEqual((await call(scanner, 'GET', path)).json, { state: 'active' });
  assert.equal(await me(scanner), null, 'a GET signs nobody in');

  // Rotation like a password sign-in: a session this browser had before ends, a new id begins.
  await s.user('bob@example.com');
  const browser = s.browser();
  await call(browser, 'POST', '/session', { user_id: 'bob@example.com', password: PASSWORD });
  const earlier = browser.cookies.get('pow_user')!;
  assert.equal(await me(browser), 'bob@example.com');
  const used = await call(browser, 'POST', path);
  assert.deepEqual(used.json, { ok: true });
  assert.equal(await me(browser), 'ada@example.com');
  assert.notEqual(browser.cookies.get('pow_user'), earlier, 'a new session id');
  const stale = s.browser();
  stale.cookies.set('pow_user', earlier);
  assert.equal(await me(stale), null, 'the earlier session ended');
  const magic = () => s.events.filter((event) => event.name === 'magic-link-sign-in');
  assert.equal(magic().length, 1);
  assert.equal(
    String(magic()[0]!.userId),
    String((await s.pow.users.getBy({ email: 'ada@example.com' }))!.id),
  );
  assert.equal(magic()[0]!.ip, '127.0.0.1');
  assert.ok(!JSON.stringify(s.events).includes(token), 'the event carries no token');

  const again = s.browser();
  const second = await call(again, 'POST', path);
  assert.equal(second.status, 410);
  assert.deepEqual(second.json, { ok: false, reason: 'used', message: 'magic_link.already_used' });
  assert.equal(await me(again), null);
  assert.deepEqual((await call(again, 'GET', path)).json, { state: 'used' });
  assert.equal(magic().length, 1, 'no event for a refused link');
});

for (const redis of [false, true]) {
  test(`two clicks at once: exactly one signs in; using one link ends the others${redis ? ' (Redis store)' : ''}`, async (t) => {
    const s = await setup(t, { redis });
    await s.user('par@example.com');
    const first = await requestLink(s, 'par@example.com');
    const second = await requestLink(s, 'par@example.com');
    const browsers = [s.browser(), s.browser(), s.browser(), s.browser()];
    const results = await Promise.all(browsers.map((b) => call(b, 'POST', second.path)));
    assert.equal(results.filter((r) => r.json.ok === true).length, 1, 'one winner');
    assert.deepEqual((await call(s.browser(), 'GET', first.path)).json, { state: 'invalid' });
  });
}

test('expiry: 15 minutes by default; tokenTtlMs.magic_link changes it and the mail says so', async (t) => {
  const s = await setup(t);
  await s.user('exp@example.com');
  const link = await requestLink(s, 'exp@example.com');
  s.clock.advance(15 * MIN - 1000);
  assert.deepEqual((await call(s.browser(), 'GET', link.path)).json, { state: 'active' });
  s.clock.advance(2000);
  const late = await call(s.browser(), 'POST', link.path);
  assert.equal(late.status, 410);
  assert.deepEqual(late.json, { ok: false, reason: 'invalid', message: 'magic_link.invalid_token' });

  const short = await setup(t, { auth: { extensionOptions: { tokenTtlMs: { magic_link: 5 * MIN } } } });
  await short.user('short@example.com');
  const shortLink = await requestLink(short, 'short@example.com');
  assert.match(shortLink.text, /This link expires in 5 minutes/);
  assert.equal(short.auth.magicLinkMinutes(), 5);
  short.clock.advance(5 * MIN + 1000);
  assert.equal((await call(short.browser(), 'POST', shortLink.path)).json.reason, 'invalid');
});

test('an unknown address gets the same answer after the same store work, and no mail', async (t) => {
  const s = await setup(t);
  await s.user('known@example.com');
  const ask = async (email: string) => {
    const before = s.writes();
    const res = await call(s.browser(), 'POST', '/magic-link', { email });
    return { status: res.status, json: res.json, writes: s.writes() - before };
  };
  const known = await ask('known@example.com');
  const unknown = await ask('nobody@example.com');
  const malformed = await ask('not an address');
  assert.deepEqual(unknown.json, known.json);
  assert.equal(unknown.status, known.status);
  assert.equal(malformed.status, known.status);
  assert.equal(unknown.writes, known.writes, 'the same store writes');
  await flushDeliveries();
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.deepEqual(
    s.smtp.messages.map((m) => m.to),
    ['known@example.com'],
    'only the account gets a mail',
  );
});

test('throttled per typed address (known or not) and per client address, like the other mail forms', async (t) => {
  const s = await setup(t);
  await s.user('limit@example.com');
  const ask = (email: string) => call(s.browser(), 'POST', '/magic-link', { email });
  for (let i = 0; i < 5; i++) {
    assert.equal((await ask('LIMIT@example.com')).status, 200);
    assert.equal((await ask('ghost@example.com')).status, 200);
  }
  const known = await ask('limit@example.com');
  const unknown = await ask('ghost@example.com');
  assert.equal(known.status, 429);
  assert.equal(unknown.status, 429, 'an unknown address is refused alike');
  assert.deepEqual(known.json, unknown.json);
  assert.equal(known.json.messageKey, 'auth.too_many_requests');
  assert.ok(Number(known.headers.get('retry-after')) > 0);
  assert.equal((await ask('other@example.com')).status, 200, 'another address is not affected');
  await flushDeliveries();
  const mails = s.smtp.messages.filter((m) => m.to === 'limit@example.com' && m.subject === SUBJECT);
  assert.equal(mails.length, 5, 'every answered request for the account was mailed, no more');

  const perAddress = await setup(t, { auth: { rateLimits: { mailRequestsPerAddress: { max: 2 } } } });
  const client = perAddress.browser();
  assert.equal((await call(client, 'POST', '/magic-link', { email: 'a@example.com' })).status, 200);
  assert.equal((await call(client, 'POST', '/magic-link', { email: 'b@example.com' })).status, 200);
  const third = await call(client, 'POST', '/magic-link', { email: 'c@example.com' });
  assert.equal(third.status, 429);
  assert.equal(third.json.messageKey, 'auth.too_many_requests');
});

test('a paused sign-in refuses the link and leaves it usable; an unconfirmed address gets a confirmation link', async (t) => {
  const s = await setup(t, {
    auth: { rateLimits: { signInFailuresPerAccount: { max: 3, windowMs: 5 * MIN } } },
  });
  await s.user('locked@example.com');
  const link = await requestLink(s, 'locked@example.com');
  for (let i = 0; i < 4; i++)
    await call(s.browser(), 'POST', '/session', { user_id: 'locked@example.com', password: 'wrong guess' });
  const refused = await call(s.browser(), 'POST', link.path);
  assert.equal(refused.status, 401);
  assert.deepEqual(refused.json, { ok: false, reason: 'locked', message: 'session.account_locked' });
  s.clock.advance(5 * MIN + 1000);
  const browser = s.browser();
  assert.deepEqual(
    (await call(browser, 'POST', link.path)).json,
    { ok: true },
    'the link works after the pause',
  );
  assert.equal(await me(browser), 'locked@example.com');

  await s.user('new@example.com', false);
  const before = s.smtp.messages.length;
  assert.equal((await call(s.browser(), 'POST', '/magic-link', { email: 'new@example.com' })).status, 200);
  const mail = await s.smtp.waitForMail(
    (m) => m.to === 'new@example.com' && s.smtp.messages.indexOf(m) >= before,
  );
  assert.equal(mail.subject, 'Confirm your email for app.test', 'no sign-in link for an unconfirmed address');
  const user = await s.pow.users.getBy({ email: 'new@example.com' });
  assert.equal(user!.emailConfirmedAt ?? null, null, 'asking for a link confirms nothing');
});

test('with two-factor on, a link is one factor: nobody is signed in until the code', async (t) => {
  const s = await setup(t, {
    extensions: ['magic-link', 'two-factor'],
    auth: { twoFactor: { encryptionKey: TWO_FACTOR_KEY } },
  });
  const user = await s.user('tf@example.com');
  const twoFactor = createTwoFactor(s.pow, s.db.prisma, { encryptionKey: TWO_FACTOR_KEY });
  const begun = await twoFactor.beginSetup(user);
  assert.ok(begun.ok);
  const secret = begun.setup.secret.replace(/ /g, '');
  assert.ok((await twoFactor.confirmSetup(user, totpCode(secret, timeStep(s.clock.now())))).ok);
  s.clock.advance(30_000); // the next code belongs to a later step than the confirmation's

  const { path } = await requestLink(s, 'tf@example.com');
  const browser = s.browser();
  const used = await call(browser, 'POST', path);
  assert.equal(used.status, 401);
  assert.deepEqual(used.json, { ok: false, reason: 'two-factor', message: 'two_factor.code_required' });
  assert.equal(await me(browser), null, 'the link alone signs nobody in');
  assert.equal(s.events.filter((e) => e.name === 'magic-link-sign-in').length, 0);
  const again = await call(s.browser(), 'POST', path);
  assert.equal(again.json.reason, 'used', 'the link was spent on the first step');

  const finished = await call(browser, 'POST', '/two-factor/challenge', {
    code: totpCode(secret, timeStep(s.clock.now())),
  });
  assert.deepEqual(finished.json, { ok: true });
  assert.equal(await me(browser), 'tf@example.com');
});

test("a password reset ends the account's unused sign-in links", async (t) => {
  const s = await setup(t, { extensions: ['reset-password', 'magic-link'] });
  await s.user('reset@example.com');
  const link = await requestLink(s, 'reset@example.com');
  await s.auth.extensions!.requestPasswordReset('reset@example.com');
  const mail = await s.smtp.waitForMail((m) => m.subject === 'Reset your app.test password');
  const reset = await s.auth.extensions!.resetPassword(tokenFromLink(firstLink(mail)), {
    password: 'seven orange lanterns over harbor 18',
    password_confirmation: 'seven orange lanterns over harbor 18',
  });
  assert.equal(reset.ok, true);
  assert.deepEqual((await call(s.browser(), 'GET', link.path)).json, { state: 'invalid' });
  assert.equal((await call(s.browser(), 'POST', link.path)).json.reason, 'invalid');
});

test('a request form left open too long is shown again with a fresh token, nothing sent', async (t) => {
  const s = await setup(t);
  await s.user('stale@example.com');
  const res = await fetch(`${s.url}/magic-link`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    body: 'email=stale%40example.com&_csrf=stale-token',
  });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/magic-link/new');
  await flushDeliveries();
  assert.equal(s.smtp.messages.length, 0, 'no mail');
});
