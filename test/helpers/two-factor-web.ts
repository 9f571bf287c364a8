/**
 * An in-process Express 5 app for the two-factor tests over real HTTP: two-factor, passkeys,
 * security-log and remember-me on a real SQLite database (the extension schema of
 * prisma-ext-client.ts), the memory store and a fake clock. Small JSON routes call `auth.*` the
 * way the generated controllers do; the generated pages themselves are walked in Chromium
 * (test/browser/two-factor*.test.ts).
 *
 * `enabledUser` makes a user, adds a passkey of a software authenticator when asked (signed in
 * with the password before two-factor is on, as a user would), then turns two-factor on.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import express from 'express';
import { createPow, fakeClock, memoryStore, type FakeClock } from '../../src/runtime/index.js';
import type { Pow, UserRecord } from '../../src/runtime/core/types.js';
import type { SecurityEvent } from '../../src/runtime/core/security-events.js';
import { powExpress, type PowExpress } from '../../src/runtime/express/index.js';
import { createTwoFactor } from '../../src/runtime/extensions/two-factor.js';
import { timeStep, totpCode } from '../../src/runtime/extensions/totp.js';
import { createExtTestDatabase, PASSWORD, type ExtTestDatabase } from './prisma-ext-client.js';
import { HttpClient, type HttpResponse } from './http-client.js';
import { softAuthenticator, type SoftAuthenticator } from './soft-authenticator.js';

export const ORIGIN = 'https://app.test';
export const RP_ID = 'app.test';
export const SECOND = 1000;
export const MIN = 60 * SECOND;
const KEY = 'two-factor-web-encryption-key-0123456789';
/** A Chrome on Linux, so the log's browser and system can be read from the events. */
export const CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

export type Json = Record<string, unknown>;

export interface EnabledUser {
  user: UserRecord;
  secret: string;
  recoveryCodes: string[];
  /** The software authenticator holding the user's passkey (when asked for one). */
  device: SoftAuthenticator | null;
}

export interface TwoFactorWeb {
  db: ExtTestDatabase;
  pow: Pow;
  auth: PowExpress;
  clock: FakeClock;
  events: SecurityEvent[];
  browser(userAgent?: string): HttpClient;
  enabledUser(email: string, options?: { passkey?: boolean }): Promise<EnabledUser>;
  /** The current TOTP code of `secret`. */
  code(secret: string): string;
}

export async function call(
  b: HttpClient,
  method: string,
  path: string,
  form: Record<string, string> = {},
): Promise<HttpResponse & { json: Json }> {
  let res: HttpResponse;
  if (method === 'GET') res = await b.get(path);
  else {
    const csrf = (JSON.parse((await b.get('/csrf')).body) as { csrf: string }).csrf;
    res = await b.post(path, { ...form, _csrf: csrf, ...(method !== 'POST' ? { _method: method } : {}) });
  }
  return { ...res, json: JSON.parse(res.body) as Json };
}

export const me = async (b: HttpClient): Promise<unknown> => (await call(b, 'GET', '/me')).json.email;

export async function twoFactorWeb(t: TestContext): Promise<TwoFactorWeb> {
  const db = await createExtTestDatabase('sqlite');
  const clock = fakeClock();
  const store = memoryStore();
  const pow = createPow({
    prisma: db.prisma,
    store,
    secret: 'two-factor-web-secret-'.repeat(3),
    extensions: ['persistent-session', 'two-factor', 'passkeys', 'security-log'],
    hashing: { insecureTestParameters: true },
    clock: clock.now,
  });
  const auth = powExpress(pow, {
    prisma: db.prisma,
    baseUrl: ORIGIN,
    twoFactor: { encryptionKey: KEY },
    // security-log mails new devices; these tests read the log, not the mail.
    mail: { mailer: { send: async () => {} } },
    rateLimits: { signInFailuresPerAccount: { max: 5 } },
  });
  const events: SecurityEvent[] = [];
  pow.securityEvents.listen((event) => {
    events.push(event);
  });
  const app = express();
  const r = express.Router();
  const json = (res: express.Response, body: Json, status = 200) => res.status(status).json(body);
  const field = (req: express.Request, name: string): string => {
    const value: unknown = (req.body as Json | undefined)?.[name];
    return typeof value === 'string' ? value : '';
  };
  r.get('/csrf', (req, res) => json(res, { csrf: auth.csrfToken(req) }));
  r.get('/me', (req, res) =>
    json(res, { email: (auth.currentUser(req)?.email as string | undefined) ?? null }),
  );
  r.post('/session', async (req, res) => {
    const result = await auth.signIn(req, res, field(req, 'user_id'), field(req, 'password'));
    json(
      res,
      result.ok ? { ok: true } : { ok: false, reason: result.reason ?? null, key: result.messageKey },
    );
  });
  r.delete('/session', async (req, res) => {
    await auth.signOut(req, res);
    json(res, { ok: true });
  });
  r.get('/two-factor/challenge', async (req, res) =>
    json(res, { pending: await auth.twoFactorChallenge(req) }),
  );
  r.post('/two-factor/passkey-options', async (req, res) => {
    const result = await auth.twoFactorPasskeyOptions(req);
    json(res, result.ok ? result.options : { ...result }, result.ok ? 200 : result.status);
  });
  r.post('/two-factor/challenge', async (req, res) => {
    const result = await auth.completeTwoFactor(req, res, {
      code: field(req, 'code'),
      recoveryCode: field(req, 'recovery_code'),
      passkey: field(req, 'response'),
      rememberDevice: field(req, 'remember_device'),
    });
    json(
      res,
      result.ok
        ? { ok: true }
        : { ok: false, status: result.status, key: result.messageKey, expired: result.expired ?? false },
    );
  });
  r.get('/two-factor', async (req, res) => json(res, { ...(await auth.twoFactorStatus(req)) }));
  r.post('/two-factor/recovery-codes', async (req, res) => {
    const result = await auth.regenerateRecoveryCodes(req, field(req, 'codes_password'));
    json(
      res,
      result.ok
        ? { ok: true, codes: result.recoveryCodes }
        : { ok: false, reason: result.reason, errors: auth.translateErrors(req, result.errors) },
    );
  });
  r.post('/passkeys/registration-options', async (req, res) =>
    json(res, await auth.passkeyRegistrationOptions(req, res)),
  );
  r.post('/passkeys', async (req, res) => {
    const result = await auth.registerPasskey(req, res, { response: field(req, 'response'), label: 'Key' });
    json(res, { ok: result.ok });
  });
  r.get('/security-log', async (req, res) => json(res, { ...(await auth.listSecurityEvents(req)) }));
  app.use(auth.middleware(), r);
  app.use(auth.errorHandler());
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
    await db.cleanup();
  });
  const service = createTwoFactor(pow, db.prisma, { encryptionKey: KEY });
  const browser = (userAgent = CHROME) => new HttpClient(url, { 'user-agent': userAgent });
  return {
    db,
    pow,
    auth,
    clock,
    events,
    browser,
    code: (secret) => totpCode(secret, timeStep(clock.now())),
    async enabledUser(email, options = {}) {
      const created = await pow.users.create({ email, password: PASSWORD, password_confirmation: PASSWORD });
      assert.ok(created.ok);
      let device: SoftAuthenticator | null = null;
      if (options.passkey) {
        device = softAuthenticator();
        const b = browser();
        assert.deepEqual((await call(b, 'POST', '/session', { user_id: email, password: PASSWORD })).json, {
          ok: true,
        });
        const offered = await call(b, 'POST', '/passkeys/registration-options');
        const added = await call(b, 'POST', '/passkeys', {
          response: JSON.stringify(device.register(offered.json, ORIGIN)),
        });
        assert.deepEqual(added.json, { ok: true });
      }
      const begun = await service.beginSetup(created.value);
      assert.ok(begun.ok);
      const secret = begun.setup.secret.replace(/ /g, '');
      const confirmed = await service.confirmSetup(created.value, totpCode(secret, timeStep(clock.now())));
      assert.ok(confirmed.ok);
      // The next codes belong to later steps than the confirmation's.
      clock.advance(30 * SECOND);
      return { user: created.value, secret, recoveryCodes: confirmed.recoveryCodes, device };
    },
  };
}
