/**
 * Sign-in through an OpenID Connect provider over real HTTP: a real provider in-process
 * (oidc-provider), an Express app with pow's session and `powOAuth`, users in a real SQLite
 * database, and a cookie-keeping client that follows redirects between the app and the provider
 * as a browser does. Covers sign-up with the provider, sign-out and sign-in again, linking to a
 * password account after signing in, unlinking, refusal of silent linking by e-mail, a tampered
 * state, a replayed callback and an unresponsive provider.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  createPow,
  createUser,
  fakeClock,
  flushDeliveries,
  memoryStore,
  smtpMailer,
} from '../../src/runtime/index.js';
import type { Pow } from '../../src/runtime/core/types.js';
import { createTwoFactor, type TwoFactor } from '../../src/runtime/extensions/two-factor.js';
import { timeStep, totpCode } from '../../src/runtime/extensions/totp.js';
import { createExtTestDatabase, type ExtTestDatabase } from '../helpers/prisma-ext-client.js';
import { firstLink, startSmtpServer, tokenFromLink, type SmtpTestServer } from '../helpers/smtp-server.js';
import { powExpress } from '../../src/runtime/express/index.js';
import { powOAuth, type PowOAuth } from '../../src/runtime/express/oauth.js';
import { openIdProvider } from '../../src/runtime/oauth/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/prisma-test-client.js';
import { startOidcProvider, type OidcTestProvider } from '../helpers/oidc-provider.js';

const SECRET = 'oauth-test-secret-'.repeat(3);
const PASSWORD = 'correct staple battery horse kayak';

/** Cookies per origin, redirects followed across origins: enough of a browser for OAuth. */
class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  private cookieFor(url: URL): string {
    return [...(this.jars.get(url.origin) ?? new Map<string, string>())]
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
  }

  private keep(url: URL, headers: Headers): void {
    const jar = this.jars.get(url.origin) ?? new Map<string, string>();
    this.jars.set(url.origin, jar);
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || attributes.some((a) => /max-age=0/i.test(a))) jar.delete(name);
      else jar.set(name, value);
    }
  }

  async request(
    method: string,
    start: string,
    options: { json?: unknown; headers?: Record<string, string>; follow?: boolean; stopAt?: string } = {},
  ): Promise<{ url: URL; status: number; body: any; hops: URL[] }> {
    let url = new URL(start);
    const hops: URL[] = [];
    let currentMethod = method;
    let body: string | undefined = options.json === undefined ? undefined : JSON.stringify(options.json);
    for (let hop = 0; hop < 12; hop += 1) {
      if (options.stopAt && hop > 0 && url.href.startsWith(options.stopAt))
        return { url, status: 0, body: null, hops };
      const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
      const cookie = this.cookieFor(url);
      if (cookie) headers.cookie = cookie;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(url, { method: currentMethod, headers, body, redirect: 'manual' });
      this.keep(url, response.headers);
      const location = response.headers.get('location');
      const text = await response.text();
      if (options.follow === false || !location || response.status < 300 || response.status >= 400) {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        return { url, status: response.status, body: parsed, hops };
      }
      hops.push(url);
      url = new URL(location, url);
      currentMethod = 'GET';
      body = undefined;
    }
    throw new Error(`too many redirects from ${start}`);
  }

  cookieHeader(origin: string): string {
    return this.cookieFor(new URL(origin));
  }

  get(url: string, options?: { follow?: boolean; stopAt?: string }) {
    return this.request('GET', url, options);
  }
}

describe('OAuth sign-in through oidc-provider, over HTTP', () => {
  let db: TestDatabase;
  let idp: OidcTestProvider;
  let server: Server;
  let base: string;
  let oauth: PowOAuth;
  /** What the flows announced on pow.securityEvents (the security log listens there). */
  const events: Array<{ name: string; userId: unknown; detail?: Record<string, string> }> = [];

  before(async () => {
    db = await createTestDatabase('sqlite');
    // The app's port must be known before the provider registers its callback URL.
    server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    idp = await startOidcProvider({
      clients: [
        {
          clientId: 'pow-app',
          clientSecret: 'pow-app-secret-0123456789',
          redirectUris: [`${base}/auth/acme/callback`, `${base}/auth/hurried/callback`],
        },
      ],
      accounts: [
        { sub: 'ann-sub', email: 'ann@example.com', email_verified: true, name: 'Ann' },
        { sub: 'bea-sub', email: 'bea@example.com', email_verified: true, name: 'Bea' },
        { sub: 'mal-sub', email: 'victim@example.com', email_verified: true, name: 'Mallory' },
      ],
    });

    const pow = createPow({
      prisma: db.prisma,
      store: memoryStore(),
      secret: SECRET,
      hashing: { insecureTestParameters: true },
    });
    const auth = powExpress(pow, { secureCookies: false });
    oauth = powOAuth(auth, {
      prisma: db.prisma,
      baseUrl: base,
      providers: () => [
        openIdProvider('acme', {
          issuer: idp.issuer,
          clientId: 'pow-app',
          clientSecret: 'pow-app-secret-0123456789',
          // Generous: the suite runs on busy 2-core machines. "hurried" is for the deadline test.
          timeoutMs: 10_000,
        }),
        openIdProvider('hurried', {
          issuer: idp.issuer,
          clientId: 'pow-app',
          clientSecret: 'pow-app-secret-0123456789',
          timeoutMs: 2_500,
        }),
      ],
    });
    pow.securityEvents.listen((event) => {
      events.push({ name: event.name, userId: event.userId, detail: event.detail });
    });
    await createUser(pow, { email: 'victim@example.com', password: PASSWORD });
    await createUser(pow, { email: 'bea@example.com', password: PASSWORD });

    const app = express();
    app.use(express.json());
    app.use(auth.middleware());
    app.get('/auth/:provider/new', async (req, res) => {
      await oauth.begin(req, res, req.params.provider, { returnTo: req.query.return_to });
    });
    app.get('/auth/:provider/callback', async (req, res) => {
      const result = await oauth.callback(req, res, req.params.provider);
      res.json(
        result.ok
          ? { ok: true, action: result.action, email: result.user.email, returnTo: result.returnTo }
          : result,
      );
    });
    app.get('/me', (req, res) => res.json({ email: auth.currentUser(req)?.email ?? null }));
    app.get('/csrf', (req, res) => res.json({ token: auth.csrfToken(req) }));
    app.post('/login', async (req, res) => {
      const result = await auth.signIn(req, res, req.body.email, req.body.password);
      res.status(result.ok ? 200 : 401).json({ ok: result.ok });
    });
    app.post('/logout', async (req, res) => {
      await auth.signOut(req, res);
      res.json({ ok: true });
    });
    app.get('/identities', async (req, res) => res.json(await oauth.identities(req)));
    app.post('/auth/:provider/unlink', async (req, res) =>
      res.json(await oauth.unlink(req, req.params.provider)),
    );
    app.use(auth.errorHandler());
    server.on('request', app);
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await idp.close();
    await db.cleanup();
  });

  const post = async (browser: Browser, path: string, json?: unknown) => {
    const { body } = await browser.get(`${base}/csrf`);
    return browser.request('POST', `${base}${path}`, {
      json: json ?? {},
      headers: { 'x-csrf-token': body.token },
    });
  };

  test('sign up with the provider, sign out, sign in again', async () => {
    const browser = new Browser();
    idp.nextLogin('ann-sub');
    const first = await browser.get(`${base}/auth/acme/new?return_to=/dashboard`);
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, {
      ok: true,
      action: 'signed_up',
      email: 'ann@example.com',
      returnTo: '/dashboard',
    });
    assert.ok(
      first.hops.some((h) => h.origin === new URL(idp.issuer).origin),
      'went through the provider',
    );
    assert.deepEqual((await browser.get(`${base}/me`)).body, { email: 'ann@example.com' });
    const user = await db.prisma.user.findFirst({
      where: { email: 'ann@example.com' },
      include: { credential: true },
    });
    assert.equal(user.credential, null, 'no password was set');
    const identity = await db.prisma.userIdentity.findFirst({ where: { userId: user.id } });
    assert.deepEqual(Object.keys(identity).sort(), [
      'createdAt',
      'id',
      'provider',
      'providerUserId',
      'userId',
    ]);
    assert.deepEqual(
      [identity.provider, identity.providerUserId],
      ['acme', 'ann-sub'],
      'the provider id, no token',
    );

    await post(browser, '/logout');
    assert.deepEqual((await browser.get(`${base}/me`)).body, { email: null });

    const again = await browser.get(`${base}/auth/acme/new`);
    assert.equal(again.body.action, 'signed_in');
    assert.deepEqual((await browser.get(`${base}/me`)).body, { email: 'ann@example.com' });
    assert.equal(
      await db.prisma.user.count({ where: { email: 'ann@example.com' } }),
      1,
      'one account, not two',
    );
  });

  test('a provider e-mail that matches an account is not linked silently', async () => {
    const browser = new Browser();
    idp.nextLogin('mal-sub');
    const attempt = await browser.get(`${base}/auth/acme/new`);
    assert.deepEqual(attempt.body, { ok: false, reason: 'email_taken', provider: 'acme' });
    assert.deepEqual((await browser.get(`${base}/me`)).body, { email: null }, 'nobody is signed in');
    assert.equal(await db.prisma.userIdentity.count({ where: { providerUserId: 'mal-sub' } }), 0);
  });

  test('link to a password account after signing in, then unlink; the last way in stays', async () => {
    events.length = 0;
    const bea = await db.prisma.user.findFirst({ where: { email: 'bea@example.com' } });
    const browser = new Browser();
    const login = await browser.request('POST', `${base}/login`, {
      json: { email: 'bea@example.com', password: PASSWORD },
    });
    assert.equal(login.status, 200);
    idp.nextLogin('bea-sub');
    const linked = await browser.get(`${base}/auth/acme/new`);
    assert.deepEqual(linked.body, { ok: true, action: 'linked', email: 'bea@example.com', returnTo: null });
    assert.deepEqual(
      (await browser.get(`${base}/identities`)).body.map((i: { provider: string; subject: string }) => [
        i.provider,
        i.subject,
      ]),
      [['acme', 'bea-sub']],
    );

    // Signed out, the provider now signs Bea in.
    await post(browser, '/logout');
    idp.nextLogin('bea-sub');
    assert.equal((await browser.get(`${base}/auth/acme/new`)).body.action, 'signed_in');
    assert.deepEqual((await browser.get(`${base}/me`)).body, { email: 'bea@example.com' });

    // Bea has a password, so the provider may go.
    assert.deepEqual((await post(browser, '/auth/acme/unlink')).body, { ok: true });
    assert.deepEqual((await browser.get(`${base}/identities`)).body, []);
    // The security log hears both, with the provider's name and nothing secret.
    assert.deepEqual(
      events.filter((e) => e.name.startsWith('identity-')),
      [
        { name: 'identity-linked', userId: bea.id, detail: { provider: 'acme' } },
        { name: 'identity-unlinked', userId: bea.id, detail: { provider: 'acme' } },
      ],
    );

    // Ann signed up through the provider and has no password: her only way in stays.
    const ann = new Browser();
    idp.nextLogin('ann-sub');
    assert.equal((await ann.get(`${base}/auth/acme/new`)).body.action, 'signed_in');
    assert.deepEqual((await post(ann, '/auth/acme/unlink')).body, {
      ok: false,
      reason: 'last_sign_in_method',
    });
    assert.equal(
      events.filter((e) => e.name === 'identity-unlinked').length,
      1,
      'a refused unlink is no event',
    );
  });

  test('an identity linked to one account is never moved to another', async () => {
    const browser = new Browser();
    await browser.request('POST', `${base}/login`, {
      json: { email: 'victim@example.com', password: PASSWORD },
    });
    idp.nextLogin('ann-sub');
    const attempt = await browser.get(`${base}/auth/acme/new`);
    assert.deepEqual(attempt.body, { ok: false, reason: 'identity_taken', provider: 'acme' });
    assert.deepEqual((await browser.get(`${base}/me`)).body, { email: 'victim@example.com' });
  });

  test('a tampered state and a replayed callback are refused, and nobody is signed in', async () => {
    const browser = new Browser();
    const callback = `${base}/auth/acme/callback`;
    idp.nextLogin('ann-sub');
    const stopped = await browser.get(`${base}/auth/acme/new`, { stopAt: callback });
    const tampered = new URL(stopped.url);
    tampered.searchParams.set('state', 'forged-state');
    assert.deepEqual((await browser.get(tampered.href)).body, {
      ok: false,
      reason: 'state_mismatch',
      provider: 'acme',
    });
    assert.deepEqual((await browser.get(`${base}/me`)).body, { email: null });
    // The pending sign-in was used up by the refused attempt: the genuine callback is refused too.
    assert.deepEqual((await browser.get(stopped.url.href)).body, {
      ok: false,
      reason: 'expired',
      provider: 'acme',
    });

    idp.nextLogin('ann-sub');
    const genuine = await browser.get(`${base}/auth/acme/new`, { stopAt: callback });
    assert.equal((await browser.get(genuine.url.href)).body.action, 'signed_in');
    await post(browser, '/logout');
    assert.deepEqual((await browser.get(genuine.url.href)).body, {
      ok: false,
      reason: 'expired',
      provider: 'acme',
    });

    // Another browser that started its own sign-in cannot use this browser's callback.
    const other = new Browser();
    await other.get(`${base}/auth/acme/new`, { stopAt: callback });
    assert.deepEqual((await other.get(genuine.url.href)).body, {
      ok: false,
      reason: 'state_mismatch',
      provider: 'acme',
    });
    assert.deepEqual((await other.get(`${base}/me`)).body, { email: null });
  });

  test('an unknown provider is a 404', async () => {
    assert.equal((await new Browser().get(`${base}/auth/nope/new`)).status, 404);
  });

  test('a provider that does not answer gives 503 with Retry-After, not a hang', async () => {
    const browser = new Browser();
    idp.nextLogin('ann-sub');
    const stopped = await browser.get(`${base}/auth/hurried/new`, {
      stopAt: `${base}/auth/hurried/callback`,
    });
    assert.ok(stopped.url.href.startsWith(`${base}/auth/hurried/callback?`), stopped.url.href);
    idp.stall(8_000);
    try {
      const answer = await fetch(stopped.url, {
        headers: { accept: 'application/json', cookie: browser.cookieHeader(base) },
      });
      assert.equal(answer.status, 503);
      assert.ok(Number(answer.headers.get('retry-after')) > 0);
      await answer.text();
    } finally {
      idp.stall(0);
    }
  });
});

/**
 * A provider is a first factor like a password: the sign-in gates after it are the same. An
 * address the provider did not verify gets the confirmation mail and no session; an account with
 * two-factor on waits for its code (no session until then). Users in SQLite with the extensions'
 * columns, mail through an in-process SMTP server.
 */
describe('OAuth sign-in passes the same gates as a password (email confirmation, two-factor)', () => {
  const KEY = 'oauth-gates-two-factor-key-0123456789abcdef';
  let db: ExtTestDatabase;
  let idp: OidcTestProvider;
  let smtp: SmtpTestServer;
  let server: Server;
  let base: string;
  let twoFactor: TwoFactor;
  let gatedPow: Pow;
  let mailer: ReturnType<typeof smtpMailer>;
  const clock = fakeClock(Date.now());
  const events: string[] = [];

  before(async () => {
    db = await createExtTestDatabase('sqlite');
    smtp = await startSmtpServer();
    mailer = smtpMailer(smtp.url, { from: 'pow@app.test' });
    server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    idp = await startOidcProvider({
      clients: [
        {
          clientId: 'pow-gates',
          clientSecret: 'pow-gates-secret-0123456789',
          redirectUris: [`${base}/auth/acme/callback`],
        },
      ],
      accounts: [
        { sub: 'uve-sub', email: 'uve@example.com', email_verified: false, name: 'Uve' },
        { sub: 'tfa-sub', email: 'tfa@example.com', email_verified: true, name: 'Tfa' },
      ],
    });
    const pow = createPow({
      prisma: db.prisma,
      store: memoryStore(),
      secret: SECRET,
      extensions: ['email-confirmation', 'two-factor'],
      hashing: { insecureTestParameters: true },
      clock: clock.now,
    });
    pow.securityEvents.listen((event) => {
      events.push(`${event.name}:${event.detail?.method ?? ''}`);
    });
    const auth = powExpress(pow, {
      prisma: db.prisma,
      secureCookies: false,
      baseUrl: base,
      mail: { mailer },
      twoFactor: { encryptionKey: KEY },
    });
    const gated = powOAuth(auth, {
      prisma: db.prisma,
      baseUrl: base,
      providers: () => [
        openIdProvider('acme', {
          issuer: idp.issuer,
          clientId: 'pow-gates',
          clientSecret: 'pow-gates-secret-0123456789',
          timeoutMs: 10_000,
        }),
      ],
    });
    twoFactor = createTwoFactor(pow, db.prisma, { encryptionKey: KEY });
    gatedPow = pow;
    const app = express();
    app.use(express.json());
    app.use(auth.middleware());
    app.get('/auth/:provider/new', async (req, res) => {
      await gated.begin(req, res, req.params.provider);
    });
    app.get('/auth/:provider/callback', async (req, res) => {
      const result = await gated.callback(req, res, req.params.provider);
      res.json(result.ok ? { ok: true, action: result.action } : { ok: false, reason: result.reason });
    });
    app.get('/me', (req, res) => res.json({ email: auth.currentUser(req)?.email ?? null }));
    app.get('/csrf', (req, res) => res.json({ token: auth.csrfToken(req) }));
    app.get('/confirm/:token', async (req, res) => {
      res.json({ ok: (await auth.confirmEmail(req, res, req.params.token)).ok });
    });
    app.post('/two-factor/challenge', async (req, res) => {
      const result = await auth.completeTwoFactor(req, res, { code: req.body.code });
      res.json({ ok: result.ok });
    });
    app.use(auth.errorHandler());
    server.on('request', app);
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await idp.close();
    await flushDeliveries();
    await mailer.close?.();
    await smtp.close();
    await db.cleanup();
  });

  test('an address the provider did not verify: a confirmation mail, no session until confirmed', async () => {
    const browser = new Browser();
    idp.nextLogin('uve-sub');
    const first = await browser.get(`${base}/auth/acme/new`);
    assert.deepEqual(first.body, { ok: false, reason: 'unconfirmed' });
    assert.deepEqual((await browser.get(`${base}/me`)).body, { email: null }, 'nobody is signed in');
    const mail = await smtp.waitForMail((m) => m.to === 'uve@example.com');
    const token = tokenFromLink(firstLink(mail));
    assert.deepEqual((await browser.get(`${base}/confirm/${token}`)).body, { ok: true });

    idp.nextLogin('uve-sub');
    const again = await browser.get(`${base}/auth/acme/new`);
    assert.deepEqual(again.body, { ok: true, action: 'signed_in' });
    assert.deepEqual((await browser.get(`${base}/me`)).body, { email: 'uve@example.com' });
    assert.ok(events.includes('sign-in:oauth'), 'the sign-in is announced');
  });

  test('an account with two-factor on: the provider alone signs nobody in; the code does', async () => {
    const created = await gatedPow.users.create({
      email: 'tfa@example.com',
      password: PASSWORD,
      password_confirmation: PASSWORD,
    });
    assert.ok(created.ok);
    await db.prisma.user.update({ where: { id: created.value.id }, data: { emailConfirmedAt: new Date() } });
    await db.prisma.userIdentity.create({
      data: { provider: 'acme', providerUserId: 'tfa-sub', userId: created.value.id },
    });
    const begun = await twoFactor.beginSetup(created.value);
    assert.ok(begun.ok);
    const secret = begun.setup.secret.replace(/ /g, '');
    assert.ok((await twoFactor.confirmSetup(created.value, totpCode(secret, timeStep(clock.now())))).ok);
    clock.advance(30_000); // the next code belongs to a later step than the confirmation's

    const browser = new Browser();
    idp.nextLogin('tfa-sub');
    const first = await browser.get(`${base}/auth/acme/new`);
    assert.deepEqual(first.body, { ok: false, reason: 'two-factor' });
    assert.deepEqual((await browser.get(`${base}/me`)).body, { email: null }, 'nobody is signed in');
    const { body } = await browser.get(`${base}/csrf`);
    const finished = await browser.request('POST', `${base}/two-factor/challenge`, {
      json: { code: totpCode(secret, timeStep(clock.now())) },
      headers: { 'x-csrf-token': body.token },
    });
    assert.deepEqual(finished.body, { ok: true });
    assert.deepEqual((await browser.get(`${base}/me`)).body, { email: 'tfa@example.com' });
  });
});
