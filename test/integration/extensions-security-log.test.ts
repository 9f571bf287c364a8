/**
 * The security-log extension over real HTTP (powExpress with small JSON routes, a real SQLite
 * database with the `UserSecurityEvent` table, a real in-process SMTP server, a fake clock):
 * every existing flow emits its event for the right user, with the request's address and agent;
 * no stored row holds a secret; old rows are pruned and never shown; a user reads only their own
 * events; the new-device mail goes out for a new browser only, and a mail outage does not fail or
 * slow a sign-in. (The generated page is covered in test/browser/security-log.test.ts.)
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  createPow,
  fakeClock,
  memoryStore,
  smtpMailer,
  flushDeliveries,
  type FakeClock,
} from '../../src/runtime/index.js';
import type { Pow, UserRecord } from '../../src/runtime/core/types.js';
import { powExpress, type PowExpress } from '../../src/runtime/express/index.js';
import { safeDetail } from '../../src/runtime/extensions/security-log.js';
import { createExtTestDatabase, type ExtTestDatabase } from '../helpers/prisma-ext-client.js';
import { HttpClient, type HttpResponse } from '../helpers/http-client.js';
import { firstLink, startSmtpServer, tokenFromLink, type SmtpTestServer } from '../helpers/smtp-server.js';

const SECRET = 'security-log-test-secret-'.repeat(2);
const PASSWORD = 'violet kettle drums at midnight 93';
const NEW_PASSWORD = 'seven orange lanterns over harbor 18';
const RESET_PASSWORD = 'quiet amber rivers under winter 42';
const WRONG = 'definitely not the password 11';
const BASE_URL = 'https://app.test';
const DAY = 24 * 60 * 60 * 1000;
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';

interface EventRow {
  id: number;
  userId: number;
  name: string;
  at: Date;
  ip: string | null;
  userAgent: string | null;
  device: string | null;
  detail: string | null;
}

interface Setup {
  db: ExtTestDatabase;
  pow: Pow;
  auth: PowExpress;
  clock: FakeClock;
  smtp: SmtpTestServer;
  url: string;
  user(email: string): Promise<UserRecord>;
  browser(userAgent?: string): HttpClient;
  rows(userId?: number): Promise<EventRow[]>;
  /** Polls until `names` (in any order, at least these) are logged for the user. */
  waitFor(userId: number, names: string[]): Promise<EventRow[]>;
}

type JsonBody = Record<string, unknown>;

async function setup(t: TestContext, extra: { failedSignInsPerAccount?: number } = {}): Promise<Setup> {
  const db = await createExtTestDatabase('sqlite');
  const clock = fakeClock();
  const smtp = await startSmtpServer();
  const mailer = smtpMailer(smtp.url, { from: 'pow@app.test', pool: true });
  const store = memoryStore();
  const pow = createPow({
    prisma: db.prisma,
    store,
    secret: SECRET,
    extensions: ['reset-password', 'persistent-session', 'sessions', 'security-log'],
    hashing: { insecureTestParameters: true },
    clock: clock.now,
  });
  const auth = powExpress(pow, {
    prisma: db.prisma,
    baseUrl: BASE_URL,
    mail: { mailer },
    securityLog: { retentionDays: 30, pageSize: 5 },
    rateLimits: { signInFailuresPerAccount: { max: extra.failedSignInsPerAccount ?? 10 } },
  });

  const app = express();
  app.set('trust proxy', false);
  const r = express.Router();
  const json = (res: express.Response, body: JsonBody) => res.json(body);
  r.get('/csrf', (req, res) => json(res, { csrf: auth.csrfToken(req) }));
  r.post('/session', async (req, res) => {
    const result = await auth.signIn(req, res, String(req.body.user_id), String(req.body.password));
    json(res, { ok: result.ok });
  });
  r.delete('/session', async (req, res) => {
    await auth.signOut(req, res);
    json(res, { ok: true });
  });
  r.patch('/registration', auth.requireAuthenticated, async (req, res) => {
    const result = await auth.updateUser(req, { ...req.body });
    json(res, { ok: result.ok });
  });
  r.post('/reset-password', async (req, res) => {
    json(res, { ...(await auth.requestPasswordReset(req, req.body.email)) });
  });
  r.patch('/reset-password/:token', async (req, res) => {
    const result = await auth.resetPassword(req, req.params.token, { ...req.body });
    json(res, { ok: result.ok });
  });
  r.get('/sessions', auth.requireAuthenticated, async (req, res) => {
    const { sessions } = await auth.listSessions(req);
    json(res, { sessions: sessions.map((s) => ({ id: s.id, current: s.current })) });
  });
  r.delete('/sessions', auth.requireAuthenticated, async (req, res) => {
    json(res, { ok: await auth.revokeSession(req, req.body.session_id) });
  });
  r.delete('/sessions/others', auth.requireAuthenticated, async (req, res) => {
    await auth.revokeOtherSessions(req);
    json(res, { ok: true });
  });
  r.get('/security-log', auth.requireAuthenticated, async (req, res) => {
    json(res, { ...(await auth.listSecurityEvents(req, req.query.page)) });
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
    await store.close();
    await db.cleanup();
  });

  const rows = async (userId?: number): Promise<EventRow[]> =>
    (await db.prisma.userSecurityEvent.findMany({
      where: userId === undefined ? {} : { userId },
      orderBy: { id: 'asc' },
    })) as EventRow[];

  return {
    db,
    pow,
    auth,
    clock,
    smtp,
    url,
    async user(email) {
      const created = await pow.users.create({ email, password: PASSWORD, password_confirmation: PASSWORD });
      assert.ok(created.ok);
      return created.value;
    },
    browser: (userAgent = FIREFOX) => new HttpClient(url, { 'user-agent': userAgent }),
    rows,
    async waitFor(userId, names) {
      const deadline = Date.now() + 5000;
      for (;;) {
        const found = await rows(userId);
        const have = found.map((row) => row.name);
        if (
          names.every(
            (name) => have.filter((n) => n === name).length >= names.filter((x) => x === name).length,
          )
        )
          return found;
        if (Date.now() > deadline)
          assert.fail(`expected ${names.join(', ')} for user ${userId}, have ${have.join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

async function call(
  browser: HttpClient,
  method: string,
  path: string,
  form: Record<string, string> = {},
): Promise<HttpResponse & { json: JsonBody }> {
  let res: HttpResponse;
  if (method === 'GET') res = await browser.get(path);
  else {
    const csrf = (JSON.parse((await browser.get('/csrf')).body) as { csrf: string }).csrf;
    res = await browser.post(path, {
      ...form,
      _csrf: csrf,
      ...(method !== 'POST' ? { _method: method } : {}),
    });
  }
  let json: JsonBody = {};
  try {
    json = JSON.parse(res.body) as JsonBody;
  } catch {
    // not JSON
  }
  return { ...res, json };
}

const signIn = async (browser: HttpClient, email: string, password = PASSWORD) =>
  (await call(browser, 'POST', '/session', { user_id: email, password })).json.ok;

test('each existing flow emits its event for the right user; no stored row holds a secret', async (t) => {
  const s = await setup(t, { failedSignInsPerAccount: 3 });
  const ada = await s.user('ada@example.com');
  const grace = await s.user('grace@example.com');
  const a = s.browser(FIREFOX);

  // sign-in, with the request's address, agent and a device name
  assert.equal(await signIn(a, 'ada@example.com'), true);
  let rows = await s.waitFor(Number(ada.id), ['sign-in']);
  const signInRow = rows.find((row) => row.name === 'sign-in')!;
  assert.equal(signInRow.ip, '127.0.0.1');
  assert.equal(signInRow.userAgent, FIREFOX);
  assert.match(signInRow.device ?? '', /^[A-Za-z0-9_-]{32}$/);
  assert.deepEqual(JSON.parse(signInRow.detail!), { method: 'password' });
  const deviceCookie = a.cookies.get('pow_user_device');
  assert.ok(deviceCookie, 'the browser got a device cookie');

  // sign-in-failed for the known account (logged after the refusal); nothing for an unknown one
  assert.equal(await signIn(s.browser(SAFARI), 'ada@example.com', WRONG), false);
  assert.equal(await signIn(s.browser(SAFARI), 'nobody@example.com', WRONG), false);
  await s.waitFor(Number(ada.id), ['sign-in-failed']);

  // lockout: the third failure (rateLimits max 3) locks grace's account
  for (let i = 0; i < 3; i++)
    assert.equal(await signIn(s.browser(SAFARI), 'grace@example.com', WRONG), false);
  rows = await s.waitFor(Number(grace.id), ['sign-in-failed', 'sign-in-failed', 'sign-in-failed', 'lockout']);
  assert.equal(rows.filter((row) => row.name === 'lockout').length, 1, 'one lockout per lock');

  // password change and e-mail change (account update), each its own event
  assert.deepEqual(
    (
      await call(a, 'PATCH', '/registration', {
        password: NEW_PASSWORD,
        password_confirmation: NEW_PASSWORD,
        current_password: PASSWORD,
      })
    ).json,
    { ok: true },
  );
  assert.deepEqual(
    (await call(a, 'PATCH', '/registration', { email: 'ada@example.org', current_password: NEW_PASSWORD }))
      .json,
    { ok: true },
  );
  await s.waitFor(Number(ada.id), ['password-changed', 'email-changed']);

  // session-revoked: one other session (named by its browser), then all others
  const b = s.browser(SAFARI);
  const c = s.browser(SAFARI);
  assert.equal(await signIn(b, 'ada@example.org', NEW_PASSWORD), true);
  assert.equal(await signIn(c, 'ada@example.org', NEW_PASSWORD), true);
  const listed = (await call(b, 'GET', '/sessions')).json.sessions as Array<{ id: string; current: boolean }>;
  const bSession = listed.find((session) => session.current)!;
  assert.deepEqual((await call(a, 'DELETE', '/sessions', { session_id: bSession.id })).json, { ok: true });
  assert.deepEqual((await call(a, 'DELETE', '/sessions/others')).json, { ok: true });
  rows = await s.waitFor(Number(ada.id), ['session-revoked', 'session-revoked']);
  const revoked = rows.filter((row) => row.name === 'session-revoked').map((row) => JSON.parse(row.detail!));
  assert.deepEqual(revoked, [{ kind: 'session', device: 'Safari 17, macOS Sonoma' }, { kind: 'all-others' }]);

  // sign-out
  assert.deepEqual((await call(a, 'DELETE', '/session')).json, { ok: true });
  await s.waitFor(Number(ada.id), ['sign-out']);

  // password-reset (reset-password extension), from the mailed link
  await call(s.browser(), 'POST', '/reset-password', { email: 'ada@example.org' });
  const resetMail = await s.smtp.waitForMail(
    (mail) => mail.to === 'ada@example.org' && /Reset/.test(mail.subject),
  );
  const token = tokenFromLink(firstLink(resetMail));
  assert.deepEqual(
    (
      await call(s.browser(), 'PATCH', `/reset-password/${token}`, {
        password: RESET_PASSWORD,
        password_confirmation: RESET_PASSWORD,
      })
    ).json,
    { ok: true },
  );
  await s.waitFor(Number(ada.id), ['password-reset']);

  // every row belongs to the user whose account it is about
  const all = await s.rows();
  for (const row of all) assert.ok([Number(ada.id), Number(grace.id)].includes(row.userId));
  assert.deepEqual(
    [...new Set(all.filter((row) => row.userId === Number(grace.id)).map((row) => row.name))].sort(),
    ['lockout', 'sign-in-failed'],
  );

  // no secret in any stored row: passwords, cookies (session, remember-me, device), the reset token
  const dump = await s.db.dumpTables();
  const securityRows = JSON.stringify(all);
  const secrets = [PASSWORD, NEW_PASSWORD, RESET_PASSWORD, WRONG, token, deviceCookie!];
  for (const client of [a, b, c]) for (const value of client.cookies.values()) secrets.push(value);
  for (const secret of secrets) {
    assert.ok(!securityRows.includes(secret), `the security log holds no ${secret.slice(0, 6)}…`);
    assert.ok(!securityRows.includes(decodeURIComponent(secret).split('.')[0]!), 'not even the cookie id');
  }
  assert.ok(dump.includes('"securityEvents"'), 'the dump covered the security log');
});

test('detail words that name a secret are dropped before writing', () => {
  assert.deepEqual(
    safeDetail({
      method: 'password',
      password: 'x',
      resetToken: 'y',
      code: '123456',
      provider: 'github',
      n: 3,
    }),
    { method: 'password', provider: 'github', n: '3' },
  );
});

test('a user reads only their own events, newest first, a page at a time; old ones are pruned', async (t) => {
  const s = await setup(t);
  const ada = await s.user('ada@example.com');
  const grace = await s.user('grace@example.com');
  const a = s.browser();
  const g = s.browser();
  // Seven of ada's sign-ins: two now, five 29 days later (ten minutes apart); one of grace's.
  const MIN = 60_000;
  for (let i = 0; i < 7; i++) {
    if (i === 2) s.clock.advance(29 * DAY);
    assert.equal(await signIn(a, 'ada@example.com'), true);
    s.clock.advance(10 * MIN);
  }
  assert.equal(await signIn(g, 'grace@example.com'), true);
  await s.waitFor(Number(ada.id), Array(7).fill('sign-in'));
  await s.waitFor(Number(grace.id), ['sign-in']);

  const firstResponse = await call(a, 'GET', '/security-log');
  assert.equal(firstResponse.status, 200, firstResponse.body);
  const first = firstResponse.json as {
    entries: Array<{ name: string; at: string; browser: string | null; os: string | null }>;
    hasNext: boolean;
    hasPrevious: boolean;
    retentionDays: number;
  };
  assert.equal(first.entries.length, 5, 'pageSize 5');
  assert.equal(first.hasNext, true);
  assert.equal(first.hasPrevious, false);
  assert.equal(first.retentionDays, 30);
  assert.deepEqual(first.entries[0]!.browser, 'Firefox 128');
  const times = first.entries.map((entry) => Date.parse(entry.at));
  assert.deepEqual(
    times,
    [...times].sort((x, y) => y - x),
    'newest first',
  );
  const second = (await call(a, 'GET', '/security-log?page=2')).json as {
    entries: unknown[];
    hasNext: boolean;
  };
  assert.equal(second.entries.length, 2);
  assert.equal(second.hasNext, false);
  const graceLog = (await call(g, 'GET', '/security-log')).json as { entries: unknown[] };
  assert.equal(graceLog.entries.length, 1, "grace sees her one event, none of ada's");
  assert.equal((await call(s.browser(), 'GET', '/security-log')).status, 302, 'signed out: sent to sign in');

  // 30 days' retention: two days on, the first two sign-ins are past it; they are not shown, and
  // the next event prunes them from the table.
  s.clock.advance(2 * DAY);
  assert.equal(await signIn(a, 'ada@example.com'), true);
  const wrote = Date.now() + 5000;
  while (!(await s.rows(Number(ada.id))).some((row) => new Date(row.at).getTime() === s.clock.now())) {
    assert.ok(Date.now() < wrote, 'the new sign-in is written');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const shown = (await call(a, 'GET', '/security-log?page=2')).json as { entries: unknown[] };
  assert.equal(shown.entries.length, 1, 'five recent sign-ins and this one: six, the old two are gone');
  const deadline = Date.now() + 5000;
  while ((await s.rows(Number(ada.id))).length !== 6 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal((await s.rows(Number(ada.id))).length, 6, 'rows older than 30 days are deleted');
});

test('new-device mail: not for the first sign-in nor a known browser; for a new one; an outage fails nothing', async (t) => {
  const s = await setup(t);
  await s.user('ada@example.com');
  const a = s.browser(FIREFOX);
  assert.equal(await signIn(a, 'ada@example.com'), true, 'the first sign-in');
  await call(a, 'DELETE', '/session');
  assert.equal(await signIn(a, 'ada@example.com'), true, 'the same browser again');
  const b = s.browser(SAFARI);
  assert.equal(await signIn(b, 'ada@example.com'), true, 'a new browser');
  const mail = await s.smtp.waitForMail((m) => m.subject === 'New sign-in to your app.test account');
  assert.equal(mail.to, 'ada@example.com');
  assert.match(mail.text, /Browser: Safari 17 on macOS Sonoma/);
  assert.match(mail.text, /When: .* UTC/);
  assert.equal(firstLink(mail), `${BASE_URL}/sessions`, 'the sessions page');
  await flushDeliveries();
  assert.equal(
    s.smtp.messages.filter((m) => m.subject === 'New sign-in to your app.test account').length,
    1,
    'one mail: the first sign-in and the known browser sent none',
  );

  // SMTP refuses everything: a sign-in from yet another browser still succeeds, without waiting.
  s.smtp.failDeliveries(true);
  const started = Date.now();
  assert.equal(await signIn(s.browser(SAFARI), 'ada@example.com'), true);
  assert.ok(Date.now() - started < 2000, 'the sign-in did not wait for the mail');
  await flushDeliveries();
});

test('a log that cannot be written fails no flow: sign-in, password change and sign-out go on', async (t) => {
  const s = await setup(t);
  await s.user('ada@example.com');
  // The table is gone (a migration not yet applied, a broken database): every write fails.
  await s.db.prisma.$executeRawUnsafe('DROP TABLE "UserSecurityEvent"');
  const a = s.browser();
  const started = Date.now();
  assert.equal(await signIn(a, 'ada@example.com'), true);
  assert.ok(Date.now() - started < 2000, 'the sign-in did not hang on the log');
  assert.equal(await signIn(s.browser(SAFARI), 'ada@example.com', WRONG), false);
  assert.deepEqual(
    (
      await call(a, 'PATCH', '/registration', {
        password: NEW_PASSWORD,
        password_confirmation: NEW_PASSWORD,
        current_password: PASSWORD,
      })
    ).json,
    { ok: true },
  );
  assert.deepEqual((await call(a, 'DELETE', '/session')).json, { ok: true });
  assert.equal(await signIn(s.browser(), 'ada@example.com', NEW_PASSWORD), true);
});
