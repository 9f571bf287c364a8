/**
 * The Express side of the extensions (src/runtime/express/extensions.ts) over real HTTP, with a
 * fake clock, a real SQLite database with the extension columns, a real in-process SMTP server
 * and small JSON routes calling `auth.*` (the generated controllers are covered end to end in
 * test/e2e/extensions-sqlite.test.ts). What needs a clock or a store dump is tested here:
 * remember-me expiry and theft, reset-token lifetime, "no raw token" in Redis, Host-header
 * injection, the admin mount path in mailed links, rate limits and configuration errors.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import express from 'express';
import { createClient } from 'redis';
import {
  createPow,
  fakeClock,
  memoryStore,
  redisStore,
  smtpMailer,
  flushDeliveries,
  type FakeClock,
} from '../../src/runtime/index.js';
import type { ExtensionName, Pow, Store, UserRecord } from '../../src/runtime/core/types.js';
import {
  powExpress,
  type PowExpress,
  type PowExpressOptions,
  type PowMailOptions,
} from '../../src/runtime/express/index.js';
import { createExtTestDatabase, REDIS_URL, type ExtTestDatabase } from '../helpers/prisma-ext-client.js';
import { HttpClient, type HttpResponse } from '../helpers/http-client.js';
import { firstLink, startSmtpServer, tokenFromLink, type SmtpTestServer } from '../helpers/smtp-server.js';

const SECRET = 'express-extensions-secret-'.repeat(2);
const PASSWORD = 'violet kettle drums at midnight 93';
const NEW_PASSWORD = 'seven orange lanterns over harbor 18';
const BASE_URL = 'https://app.test';
const MIN = 60_000;
const ALL: ExtensionName[] = ['email-confirmation', 'reset-password', 'persistent-session', 'invitation'];

interface Setup {
  db: ExtTestDatabase;
  pow: Pow;
  auth: PowExpress;
  clock: FakeClock;
  smtp: SmtpTestServer;
  url: string;
  store: Store;
  dumpStore(): Promise<string>;
  user(email: string, confirmed?: boolean): Promise<UserRecord>;
  browser(): HttpClient;
}

type JsonBody = Record<string, unknown>;

async function setup(
  t: TestContext,
  options: {
    store?: 'memory' | 'redis';
    mountPath?: string;
    auth?: Partial<PowExpressOptions>;
    /** Mail options beside the test's mailer (appName, supportEmail). */
    mail?: Partial<PowMailOptions>;
    /** The app's `views` setting (with the ejs view engine), as an app written with `app.set`. */
    views?: string;
  } = {},
): Promise<Setup> {
  const db = await createExtTestDatabase('sqlite');
  const clock = fakeClock();
  const smtp = await startSmtpServer();
  const mailer = smtpMailer(smtp.url, { from: 'pow@app.test', pool: true });
  let store: Store;
  let dumpStore: () => Promise<string>;
  let closeStore: () => Promise<void>;
  if (options.store === 'redis') {
    const client = createClient({ url: REDIS_URL });
    client.on('error', () => {});
    await client.connect();
    const prefix = `pow_express_ext_${randomBytes(6).toString('hex')}`;
    store = redisStore(client, { prefix });
    dumpStore = async () => {
      const keys = await client.keys(`${prefix}:*`);
      const values: string[] = [];
      for (const key of keys) {
        const type = await client.type(key);
        if (type === 'string') values.push(String(await client.get(key)));
        else if (type === 'hash') values.push(JSON.stringify(await client.hGetAll(key)));
        else if (type === 'zset') values.push(JSON.stringify(await client.zRange(key, 0, -1)));
        else if (type === 'set') values.push(JSON.stringify(await client.sMembers(key)));
      }
      return JSON.stringify([keys, values]);
    };
    closeStore = async () => {
      const keys = await client.keys(`${prefix}:*`);
      if (keys.length > 0) await client.del(keys);
      await client.close();
    };
  } else {
    const memory = memoryStore();
    store = memory;
    dumpStore = async () => JSON.stringify(memory.dump());
    closeStore = () => memory.close();
  }
  const pow = createPow({
    prisma: db.prisma,
    store,
    secret: SECRET,
    extensions: ALL,
    hashing: { insecureTestParameters: true },
    clock: clock.now,
  });
  const mountPath = options.mountPath ?? '';
  const auth = powExpress(pow, {
    prisma: db.prisma,
    baseUrl: BASE_URL,
    mountPath,
    mail: { mailer, ...options.mail },
    ...options.auth,
  });

  const app = express();
  app.set('trust proxy', false);
  if (options.views !== undefined) {
    app.set('view engine', 'ejs');
    app.set('views', options.views);
  }
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
    json(res, result.ok ? { ok: true } : { ok: false, status: result.status, reason: result.reason ?? null });
  });
  r.delete('/session', async (req, res) => {
    await auth.signOut(req, res);
    json(res, { ok: true });
  });
  r.patch('/registration', auth.requireAuthenticated, async (req, res) => {
    const result = await auth.updateUser(req, { ...req.body });
    json(res, result.ok ? { ok: true, pending: result.emailConfirmationRequired ?? false } : { ok: false });
  });
  r.post('/reset-password', async (req, res) => {
    const result = await auth.requestPasswordReset(req, req.body.email);
    if (!result.ok) res.status(result.status).set('Retry-After', String(result.retryAfterSeconds));
    json(res, { ...result });
  });
  r.patch('/reset-password/:token', async (req, res) => {
    const result = await auth.resetPassword(req, req.params.token, { ...req.body });
    json(res, { ok: result.ok, error: result.ok ? null : result.error });
  });
  // The token-free reset pages (security bar F8), as the generated controller has them.
  r.get('/reset-password/:token/edit', (req, res) => {
    auth.keepResetToken(req, res, req.params.token);
    res.redirect(auth.routes.path('reset_password.form'));
  });
  r.get('/reset-password/edit', async (req, res) => {
    const user = await auth.verifyResetToken(req, auth.keptResetToken(req));
    if (!user) auth.forgetResetToken(req, res);
    json(res, { email: (user?.email as string | undefined) ?? null });
  });
  r.patch('/reset-password', async (req, res) => {
    const result = await auth.resetPassword(req, auth.keptResetToken(req), { ...req.body });
    if (result.ok || result.error === 'invalid_token') auth.forgetResetToken(req, res);
    json(res, { ok: result.ok, error: result.ok ? null : result.error });
  });
  r.get('/confirm-email/:token', async (req, res) => {
    const result = await auth.confirmEmail(req, res, req.params.token);
    json(res, { ok: result.ok, status: result.ok ? result.status : result.error });
  });
  r.post('/confirm-email', async (req, res) => {
    const result = await auth.resendConfirmation(req, req.body.email);
    if (!result.ok) res.status(result.status).set('Retry-After', String(result.retryAfterSeconds));
    json(res, { ...result });
  });
  r.post('/registration', async (req, res) => {
    const result = await auth.registerWithConfirmation(req, { ...req.body });
    if (!result.ok) res.status(422);
    json(res, result.ok ? { ok: true } : { ok: false, errors: Object.keys(result.errors) });
  });
  r.post('/invitation', async (req, res) => {
    const result = await auth.invite(req, { email: req.body.email });
    json(res, { ok: result.ok });
  });
  app.use(mountPath || '/', auth.middleware(), r);
  app.use(auth.errorHandler());
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${mountPath}`;

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
    store,
    dumpStore,
    async user(email, confirmed = true) {
      const created = await pow.users.create({ email, password: PASSWORD, password_confirmation: PASSWORD });
      assert.ok(created.ok);
      if (!confirmed) return created.value;
      const marked = await auth.extensions!.markConfirmed(created.value);
      assert.ok(marked.ok);
      return marked.value;
    },
    browser: () => new HttpClient(url.replace(/\/admin$/, '')),
  };
}

/** A client bound to the mount path: `path` is relative to it. */
async function call(
  s: Setup,
  browser: HttpClient,
  method: string,
  path: string,
  form: Record<string, string> = {},
): Promise<HttpResponse & { json: JsonBody }> {
  const prefix = new URL(s.url).pathname.replace(/\/$/, '');
  let res: HttpResponse;
  if (method === 'GET') res = await browser.get(prefix + path);
  else {
    const csrf = (JSON.parse((await browser.get(`${prefix}/csrf`)).body) as { csrf: string }).csrf;
    res = await browser.post(prefix + path, {
      ...form,
      _csrf: csrf,
      ...(method !== 'POST' ? { _method: method } : {}),
    });
  }
  let json: JsonBody = {};
  try {
    json = JSON.parse(res.body) as JsonBody;
  } catch {
    // redirects and errors
  }
  return { ...res, json };
}

const me = async (s: Setup, browser: HttpClient) => (await call(s, browser, 'GET', '/me')).json.email;

const storeText = (s: Setup) => s.dumpStore();

const setCookie = (res: HttpResponse, name: string) =>
  res.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));

test('remember-me: expiry of the session, rotation, theft after the grace window, password change', async (t) => {
  const s = await setup(t);
  await s.user('ada@example.com');
  const a = s.browser();
  const signIn = await call(s, a, 'POST', '/session', {
    user_id: 'ada@example.com',
    password: PASSWORD,
    remember_me: 'on',
  });
  assert.deepEqual(signIn.json, { ok: true });
  const line = setCookie(signIn, 'pow_user_remember')!;
  assert.match(line, /Max-Age=2592000; HttpOnly; SameSite=Lax/);
  const first = a.cookies.get('pow_user_remember')!;

  // The session expires (30 min idle); the next GET is signed in again from the cookie, rotated.
  s.clock.advance(31 * MIN);
  assert.equal(await me(s, a), 'ada@example.com');
  const second = a.cookies.get('pow_user_remember')!;
  assert.notEqual(second, first);

  // A POST is never restored from the cookie (its CSRF token belonged to the ended session).
  s.clock.advance(31 * MIN);
  const post = await a.post('/session', { user_id: 'x', password: 'y' });
  assert.equal(post.status, 302);
  assert.equal(post.location, '/session/new', 'session expired: sign in again');
  assert.equal(a.cookies.get('pow_user_remember'), second, 'not used, not rotated');

  // The old value after the grace window: a theft signal. Every token and session of the user ends.
  s.clock.advance(2 * MIN);
  const thief = s.browser();
  thief.cookies.set('pow_user_remember', first);
  assert.equal(await me(s, thief), null);
  assert.equal(thief.cookies.has('pow_user_remember'), false, 'the refused cookie is cleared');
  a.cookies.delete('pow_user');
  assert.equal(await me(s, a), null, "the victim's newer token was revoked too");

  // A password change keeps remember-me in this browser only.
  const b = s.browser();
  const c = s.browser();
  for (const browser of [b, c]) {
    await call(s, browser, 'POST', '/session', {
      user_id: 'ada@example.com',
      password: PASSWORD,
      remember_me: 'true',
    });
  }
  const changed = await call(s, b, 'PATCH', '/registration', {
    current_password: PASSWORD,
    password: NEW_PASSWORD,
    password_confirmation: NEW_PASSWORD,
  });
  assert.deepEqual(changed.json, { ok: true, pending: false });
  assert.ok(setCookie(changed, 'pow_user_remember'), 'a new token for this browser');
  b.cookies.delete('pow_user');
  c.cookies.delete('pow_user');
  assert.equal(await me(s, b), 'ada@example.com');
  assert.equal(await me(s, c), null, 'the other browser lost it');
});

test('sign-out after the session expired still forgets the remember-me token', async (t) => {
  const s = await setup(t);
  await s.user('ada@example.com');
  const a = s.browser();
  await call(s, a, 'POST', '/session', {
    user_id: 'ada@example.com',
    password: PASSWORD,
    remember_me: 'true',
  });
  const token = a.cookies.get('pow_user_remember')!;
  const csrf = (JSON.parse((await a.get('/csrf')).body) as { csrf: string }).csrf;
  s.clock.advance(31 * MIN);
  const out = await a.post('/session', { _csrf: csrf, _method: 'DELETE' });
  assert.equal(out.status, 302, 'a sign-out after expiry is a redirect, never an error');
  assert.match(setCookie(out, 'pow_user_remember') ?? '', /Max-Age=0/);
  const replay = s.browser();
  replay.cookies.set('pow_user_remember', token);
  assert.equal(await me(s, replay), null);
});

test('unconfirmed accounts: 403 with a new link, no session and no remember-me; confirming rotates a signed-in session', async (t) => {
  const s = await setup(t);
  await s.user('una@example.com', false);
  const a = s.browser();
  const res = await call(s, a, 'POST', '/session', {
    user_id: 'una@example.com',
    password: PASSWORD,
    remember_me: 'true',
  });
  assert.deepEqual(res.json, { ok: false, status: 403, reason: 'unconfirmed' });
  assert.equal(setCookie(res, 'pow_user'), undefined);
  assert.equal(setCookie(res, 'pow_user_remember'), undefined);
  const mail = await s.smtp.waitForMail((m) => m.to === 'una@example.com');
  assert.equal(mail.subject, 'Confirm your email for app.test');

  // A confirmed user changes the address while signed in; following the link rotates the session.
  await s.user('ada@example.com');
  const b = s.browser();
  await call(s, b, 'POST', '/session', { user_id: 'ada@example.com', password: PASSWORD });
  const changed = await call(s, b, 'PATCH', '/registration', {
    email: 'ada@example.org',
    current_password: PASSWORD,
  });
  assert.deepEqual(changed.json, { ok: true, pending: true });
  const link = firstLink(await s.smtp.waitForMail((m) => m.to === 'ada@example.org'));
  const before = b.cookies.get('pow_user');
  const confirmed = await call(s, b, 'GET', new URL(link).pathname);
  assert.deepEqual(confirmed.json, { ok: true, status: 'confirmed' });
  assert.notEqual(b.cookies.get('pow_user'), before, 'a new session id');
  assert.equal(await me(s, b), 'ada@example.org');
});

test('reset password: links from baseUrl (not Host), 1 h lifetime, throttle lifted, mail rate limit', async (t) => {
  const s = await setup(t, { auth: { mailRateLimit: { max: 2, windowMs: 15 * MIN } } });
  await s.user('ada@example.com');
  const a = s.browser();
  const evil = await a.request('POST', '/reset-password', {
    form: {
      _csrf: (JSON.parse((await a.get('/csrf')).body) as { csrf: string }).csrf,
      email: 'ada@example.com',
    },
    headers: { host: 'evil.test', 'x-forwarded-host': 'evil.test' },
  });
  assert.equal(evil.status, 200);
  const old = firstLink(await s.smtp.waitForMail((m) => m.to === 'ada@example.com'));
  assert.ok(old.startsWith(`${BASE_URL}/reset-password/`), old);

  // 1 h 1 min later the link is dead (issue 16, defect 7: it lived 2 h).
  s.clock.advance(61 * MIN);
  const expired = await call(s, a, 'PATCH', `/reset-password/${tokenFromLink(old)}`, {
    password: NEW_PASSWORD,
    password_confirmation: NEW_PASSWORD,
  });
  assert.deepEqual(expired.json, { ok: false, error: 'invalid_token' });

  for (let i = 0; i < 4; i++) {
    await call(s, a, 'POST', '/session', { user_id: 'ada@example.com', password: 'wrong wrong wrong' });
  }
  assert.match(await storeText(s), /user:account:/, 'failed sign-ins are counted');
  s.smtp.clear();
  await call(s, a, 'POST', '/reset-password', { email: 'ada@example.com' });
  const fresh = tokenFromLink(
    firstLink(await s.smtp.waitForMail((m) => m.subject === 'Reset your app.test password')),
  );
  const done = await call(s, a, 'PATCH', `/reset-password/${fresh}`, {
    password: NEW_PASSWORD,
    password_confirmation: NEW_PASSWORD,
  });
  assert.deepEqual(done.json, { ok: true, error: null });
  // The failed sign-ins before the reset no longer count against the account.
  assert.doesNotMatch(await storeText(s), /user:account:/);

  // Two mail requests per window (the clock moved past the first one's window above).
  assert.equal((await call(s, a, 'POST', '/reset-password', { email: 'nobody@example.com' })).status, 200);
  const limited = await call(s, a, 'POST', '/reset-password', { email: 'ada@example.com' });
  assert.equal(limited.status, 429, 'the third mail request from this address in the window');
  assert.ok(Number(limited.headers.get('retry-after')) > 0);
});

// Issue 16, defect 3: reset, confirmation and invitation mails were limited per source address
// only (from 40 addresses one victim received 40 reset mails and 40 confirmation mails), and
// sign-ups not at all.
test('mail bombing: mails per recipient are capped whatever the source; sign-ups per address (issue 16, defect 3)', async (t) => {
  // The per-address limit off stands in for requests from 40 addresses.
  const s = await setup(t, { auth: { rateLimits: { mailRequestsPerAddress: false } } });
  await s.user('victim@example.com');
  await s.user('pending@example.com', false);
  const a = s.browser();
  for (let i = 0; i < 40; i++) {
    const reset = await call(s, a, 'POST', '/reset-password', { email: 'Victim@Example.com' });
    assert.deepEqual(reset.json, { ok: true }, 'the answer never changes');
    const resend = await call(s, a, 'POST', '/confirm-email', { email: 'pending@example.com' });
    assert.deepEqual(resend.json, { ok: true });
  }
  await flushDeliveries();
  const count = (to: string, subject: string) =>
    s.smtp.messages.filter((m) => m.to === to && m.subject === subject).length;
  assert.equal(count('victim@example.com', 'Reset your app.test password'), 3);
  assert.equal(count('pending@example.com', 'Confirm your email for app.test'), 3);
  // The cap is per recipient: someone else still gets theirs; the window lifts it.
  await s.user('other@example.com');
  await call(s, a, 'POST', '/reset-password', { email: 'other@example.com' });
  s.clock.advance(61 * MIN);
  await call(s, a, 'POST', '/reset-password', { email: 'victim@example.com' });
  await flushDeliveries();
  assert.equal(count('other@example.com', 'Reset your app.test password'), 1);
  assert.equal(count('victim@example.com', 'Reset your app.test password'), 4);

  // Sign-ups from one address: 10 per hour, then a form error and Retry-After, nothing created.
  const signUp = (n: number) =>
    call(s, a, 'POST', '/registration', {
      email: `new-${n}@example.com`,
      password: PASSWORD,
      password_confirmation: PASSWORD,
    });
  for (let i = 0; i < 10; i++) assert.deepEqual((await signUp(i)).json, { ok: true });
  const refused = await signUp(10);
  assert.equal(refused.status, 422);
  assert.deepEqual(refused.json, { ok: false, errors: ['base'] });
  assert.ok(Number(refused.headers.get('retry-after')) > 0);
  assert.equal(await s.pow.users.getBy({ email: 'new-10@example.com' }), null);
});

test('reset link: the token moves into a cookie for the reset pages only, the form URL has none (F8)', async (t) => {
  const s = await setup(t);
  await s.user('ada@example.com');
  const a = s.browser();
  await call(s, a, 'POST', '/reset-password', { email: 'ada@example.com' });
  const link = firstLink(await s.smtp.waitForMail((m) => m.subject === 'Reset your app.test password'));
  const token = tokenFromLink(link);
  assert.equal(new URL(link).pathname, `/reset-password/${token}/edit`, 'the mailed link is unchanged');

  // Only the format is checked on the link: no store lookup tells a valid token from a spent one.
  const opened = await a.get(new URL(link).pathname);
  assert.equal(opened.status, 302);
  assert.equal(opened.location, '/reset-password/edit');
  const line = setCookie(opened, 'pow_user_reset')!;
  assert.match(line, /^pow_user_reset=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}; /);
  assert.match(line, /; Path=\/reset-password; Max-Age=3600; HttpOnly; SameSite=Lax$/);
  assert.equal(a.cookies.get('pow_user_reset')!.split('.')[0], token);

  assert.deepEqual((await call(s, a, 'GET', '/reset-password/edit')).json, { email: 'ada@example.com' });
  assert.deepEqual(
    (await call(s, s.browser(), 'GET', '/reset-password/edit')).json,
    { email: null },
    'another browser has no token',
  );
  const forged = s.browser();
  forged.cookies.set('pow_user_reset', `${token}.${'A'.repeat(43)}`);
  assert.deepEqual((await call(s, forged, 'GET', '/reset-password/edit')).json, { email: null });
  const unsigned = s.browser();
  unsigned.cookies.set('pow_user_reset', token);
  assert.deepEqual((await call(s, unsigned, 'GET', '/reset-password/edit')).json, { email: null });

  // A mangled link drops what an earlier link kept.
  const mangled = s.browser();
  mangled.cookies.set('pow_user_reset', a.cookies.get('pow_user_reset')!);
  const bad = await mangled.get('/reset-password/not-a-token/edit');
  assert.equal(bad.location, '/reset-password/edit');
  assert.match(setCookie(bad, 'pow_user_reset') ?? '', /^pow_user_reset=; Path=\/reset-password; Max-Age=0/);
  assert.deepEqual((await call(s, mangled, 'GET', '/reset-password/edit')).json, { email: null });
  assert.equal(setCookie(await s.browser().get('/reset-password/x/edit'), 'pow_user_reset'), undefined);

  // Validation errors keep the token; success uses it up and clears the cookie.
  const mismatch = await call(s, a, 'PATCH', '/reset-password', {
    password: NEW_PASSWORD,
    password_confirmation: 'something else',
  });
  assert.deepEqual(mismatch.json, { ok: false, error: 'invalid' });
  assert.equal(setCookie(mismatch, 'pow_user_reset'), undefined);
  const done = await call(s, a, 'PATCH', '/reset-password', {
    password: NEW_PASSWORD,
    password_confirmation: NEW_PASSWORD,
  });
  assert.deepEqual(done.json, { ok: true, error: null });
  assert.match(setCookie(done, 'pow_user_reset') ?? '', /Max-Age=0/);
  assert.equal(a.cookies.has('pow_user_reset'), false);
  assert.ok(await s.pow.users.authenticate('ada@example.com', NEW_PASSWORD));

  // Single use: the same link again is kept, then refused by the form.
  await a.get(new URL(link).pathname);
  assert.deepEqual((await call(s, a, 'GET', '/reset-password/edit')).json, { email: null });
  assert.equal(a.cookies.has('pow_user_reset'), false, 'an invalid token is forgotten');
  const replay = await call(s, s.browser(), 'PATCH', '/reset-password', {
    password: PASSWORD,
    password_confirmation: PASSWORD,
  });
  assert.deepEqual(replay.json, { ok: false, error: 'invalid_token' });
});

test('reset cookie: under the mount path; Secure, and __Secure- instead of __Host- with secure cookies', async (t) => {
  const s = await setup(t, { mountPath: '/admin' });
  const res = await s.browser().get('/admin/reset-password/' + 'a'.repeat(43) + '/edit');
  assert.equal(res.location, '/admin/reset-password/edit');
  assert.match(setCookie(res, 'pow_user_reset') ?? '', /; Path=\/admin\/reset-password; Max-Age=3600; /);

  const secure = powExpress(s.pow, {
    prisma: s.db.prisma,
    baseUrl: BASE_URL,
    mail: { mailer: { send: async () => {} } },
    secureCookies: true,
    extensionOptions: { tokenTtlMs: { reset_password: 30 * MIN } },
  });
  assert.equal(secure.cookieName, '__Host-pow_user');
  const headers = new Map<string, unknown>();
  const fakeRes = {
    headersSent: false,
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), value),
  };
  secure.keepResetToken({ headers: {} } as never, fakeRes as never, 'b'.repeat(43));
  const [line] = headers.get('set-cookie') as string[];
  assert.match(
    line!,
    /^__Secure-pow_user_reset=b{43}\.[A-Za-z0-9_-]{43}; Path=\/reset-password; Max-Age=1800; HttpOnly; Secure; SameSite=Lax$/,
  );
  const cookie = line!.split(';')[0]!;
  assert.equal(secure.keptResetToken({ headers: { cookie } } as never), 'b'.repeat(43));
  assert.equal(s.auth.keptResetToken({ headers: { cookie } } as never), null, 'another name and key');

  const none = powExpress(createPow({ prisma: s.db.prisma, store: memoryStore(), secret: SECRET }), {});
  assert.throws(() => none.keptResetToken({ headers: {} } as never), { code: 'POW_EXTENSION_DISABLED' });
});

test('admin mount path: mailed links stay under /admin; invite needs a signed-in user', async (t) => {
  const s = await setup(t, { mountPath: '/admin' });
  await s.user('root@example.com');
  const a = s.browser();
  const anonymous = await call(s, a, 'POST', '/invitation', { email: 'ivy@example.com' });
  assert.equal(anonymous.status, 302, 'not signed in: sent to sign in');
  assert.match(anonymous.location ?? '', /^\/admin\/session\/new/);

  await call(s, a, 'POST', '/reset-password', { email: 'root@example.com' });
  const reset = firstLink(await s.smtp.waitForMail((m) => m.subject === 'Reset your app.test password'));
  assert.match(reset, /^https:\/\/app\.test\/admin\/reset-password\/[A-Za-z0-9_-]{43}\/edit$/);

  await call(s, a, 'POST', '/session', { user_id: 'root@example.com', password: PASSWORD });
  const invited = await call(s, a, 'POST', '/invitation', { email: 'ivy@example.com' });
  assert.deepEqual(invited.json, { ok: true });
  const invitation = firstLink(await s.smtp.waitForMail((m) => m.to === 'ivy@example.com'));
  assert.match(invitation, /^https:\/\/app\.test\/admin\/invitation\/[A-Za-z0-9_-]{43}\/edit$/);
});

test('mails: the configured app name and support address, in the default locale with its lang', async (t) => {
  const s = await setup(t, {
    mail: { appName: 'Acme Shop', supportEmail: 'help@acme.test' },
    auth: { i18n: { defaultLocale: 'de' } },
  });
  await s.user('ada@example.com');
  await call(s, s.browser(), 'POST', '/reset-password', { email: 'ada@example.com' });
  const mail = await s.smtp.waitForMail((m) => m.to === 'ada@example.com');
  assert.equal(mail.subject, 'Passwort für Acme Shop zurücksetzen');
  assert.match(mail.html, /^<!DOCTYPE html>\n<html lang="de">/);
  assert.match(mail.html, />Neues Passwort wählen<\/a>/);
  assert.match(mail.html, /Dieser Link ist 1 Stunde lang gültig\./);
  assert.match(mail.html, /<a href="mailto:help@acme\.test"[^>]*>help@acme\.test<\/a>/);
  assert.match(mail.text, /^Acme Shop\n\nPasswort zurücksetzen\n/);
  assert.match(mail.text, /Fragen\? Schreiben Sie an help@acme\.test\n$/);
});

test("mails from the app's own templates when its views folder is a relative path", async (t) => {
  // `app.set('views', 'views')` (relative to the working directory, as Express resolves it): the
  // mailer folder is still found, and rendered by the app's view engine.
  // Inside the working directory: a path that climbs above it could resolve right by accident.
  mkdirSync('.test-cache', { recursive: true });
  const dir = mkdtempSync(join(process.cwd(), '.test-cache/mail-views-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'views/pow/mailer'), { recursive: true });
  writeFileSync(join(dir, 'views/pow/mailer/reset_password.html.ejs'), '<p>Team reset: <%= url %></p>\n');
  writeFileSync(join(dir, 'views/pow/mailer/reset_password.text.ejs'), 'Team reset: <%= url %>\n');
  const s = await setup(t, {
    views: relative(process.cwd(), join(dir, 'views')),
    mail: { views: 'pow/mailer' },
  });
  await s.user('ada@example.com');
  await call(s, s.browser(), 'POST', '/reset-password', { email: 'ada@example.com' });
  const mail = await s.smtp.waitForMail((m) => m.to === 'ada@example.com');
  assert.match(
    mail.html,
    /^<p>Team reset: https:\/\/app\.test\/reset-password\/[A-Za-z0-9_-]{43}\/edit<\/p>/,
  );
  assert.match(mail.text, /^Team reset: https:\/\/app\.test\/reset-password\//);
});

test('Redis store: no raw token from a mail or cookie in the store dump or the database', async (t) => {
  const s = await setup(t, { store: 'redis' });
  await s.user('ada@example.com');
  await s.user('una@example.com', false);
  const a = s.browser();
  const raw: string[] = [];
  await call(s, a, 'POST', '/session', {
    user_id: 'ada@example.com',
    password: PASSWORD,
    remember_me: 'true',
  });
  raw.push(a.cookies.get('pow_user_remember')!.split('.')[0]!);
  await call(s, a, 'POST', '/invitation', { email: 'ivy@example.com' });
  await call(s, s.browser(), 'POST', '/reset-password', { email: 'ada@example.com' });
  await call(s, s.browser(), 'POST', '/session', { user_id: 'una@example.com', password: PASSWORD });
  for (const subject of [
    "You've been invited to app.test",
    'Reset your app.test password',
    'Confirm your email for app.test',
  ]) {
    raw.push(tokenFromLink(firstLink(await s.smtp.waitForMail((m) => m.subject === subject))));
  }
  const dump = (await s.dumpStore()) + (await s.db.dumpTables());
  assert.match(dump, /ivy@example\.com/, 'the dump holds the data');
  assert.ok(dump.length > 500);
  for (const token of raw) assert.ok(!dump.includes(token), 'a raw token is stored');
});

test('configuration errors at startup', async () => {
  const db = {
    user: {
      findFirst: async () => null,
      findMany: async () => [],
      create: async () => ({}),
      update: async () => ({}),
      delete: async () => ({}),
    },
  };
  const prisma = db;
  const pow = createPow({
    prisma,
    store: memoryStore(),
    secret: SECRET,
    extensions: ['reset-password'],
    hashing: { insecureTestParameters: true },
  });
  assert.throws(() => powExpress(pow, {}), /need the Prisma client/);
  assert.throws(() => powExpress(pow, { prisma: db }), { code: 'POW_MAIL_NOT_CONFIGURED' });
  const mailer = { send: async () => {} };
  assert.throws(
    () => powExpress(pow, { prisma: db, mail: { mailer } }),
    /baseUrl.* is not set: pow builds the links/,
  );
  assert.doesNotThrow(() => powExpress(pow, { prisma: db, mail: { mailer }, baseUrl: BASE_URL }));
  // The app name and support address go into every mail (the subject header too): one line each.
  for (const bad of [{ appName: 'Acme\r\nBcc: x@evil.test' }, { supportEmail: '' }, { appName: 42 }]) {
    assert.throws(
      () => powExpress(pow, { prisma: db, mail: { mailer, ...(bad as object) }, baseUrl: BASE_URL }),
      /mail\.(appName|supportEmail) must be a one-line, non-empty string/,
    );
  }
  const quiet = createPow({
    prisma,
    store: memoryStore(),
    secret: SECRET,
    extensions: ['persistent-session'],
    hashing: { insecureTestParameters: true },
  });
  assert.doesNotThrow(() => powExpress(quiet, { prisma: db }), 'remember-me alone sends no mail');
  const none = powExpress(createPow({ prisma, store: memoryStore(), secret: SECRET }), {});
  assert.equal(none.extensions, null);
  await assert.rejects(none.requestPasswordReset({} as never, 'a@b.c'), { code: 'POW_EXTENSION_DISABLED' });
});
