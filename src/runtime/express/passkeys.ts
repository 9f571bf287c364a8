/**
 * The Express side of the passkeys extension (the logic is extensions/passkeys): what the owned
 * passkeys controller calls.
 *
 * - Each ceremony is bound to the browser that started it: a random id in a signed cookie of its
 *   own (`<cookieName>_passkey`, HttpOnly, SameSite=Lax, Secure like the session cookie, Max-Age
 *   = the challenge's lifetime) names the challenge in pow's store. A response sent from another
 *   browser, or after the challenge expired or was used, finds none.
 * - Registration needs a signed-in user, and the challenge must have been issued to that user.
 * - A passkey sign-in starts a fresh session exactly like a password sign-in (a new session id,
 *   a new CSRF secret), after the same refusals (an unconfirmed e-mail address).
 * - Security events: `passkey-added`, `passkey-removed`, and `sign-in` with `method: passkey`,
 *   through the host's `emit` (the request's address, user agent and device).
 * - Two-factor's second step uses `secondFactor` (express/two-factor-passkey.ts): the pending
 *   user's passkeys only, under a challenge bound to the pending sign-in's token.
 * - Passwordless sign-ins count against the client address's sign-in limit
 *   (`rateLimits.signInFailuresPerAddress`, shared with password sign-ins): each request for
 *   sign-in options is an attempt (it writes a challenge to the store), a successful sign-in gives
 *   it back; over the limit, options are refused with 429 and Retry-After.
 * - The browser library (@simplewebauthn/browser's UMD bundle) is served from the app's own
 *   node_modules by `passkeysBrowserScript`: no CDN, so pow's `script-src 'self'` allows it.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { randomToken } from '../core/crypto.js';
import { PowError } from '../../shared/pow-error.js';
import type { ExpressSecurityLog } from './security-log.js';
import type { Pow, UserRecord } from '../core/types.js';
import type { RateLimiter } from '../core/rate-limit.js';
import { normalizeAddress } from './throttle.js';
import {
  createPasskeyService,
  relyingPartyOf,
  type PasskeyOptionsJSON,
  type PasskeyService,
  type PasskeySignInResult,
  type PasskeySummary,
  type RegisterPasskeyResult,
} from '../extensions/passkeys/index.js';
import { DEFAULT_CHALLENGE_TTL_MS } from '../extensions/passkeys/challenges.js';
import {
  createSigner,
  readCookie,
  serializeCookie,
  setCookieHeader,
  type CookieAttributes,
} from './cookies.js';
import type { Request, Response, SignInResult } from './types.js';

/** What the passkeys API needs from `powExpress` and its extension layer. */
export interface PasskeysHost {
  readonly pow: Pow;
  readonly cookieName: string;
  readonly cookieAttributes: CookieAttributes;
  readonly prisma: unknown;
  /** The limiter of this user type (core/rate-limit.ts). */
  readonly limiter: RateLimiter;
  baseUrl(): string | undefined;
  currentUser(req: Request): UserRecord | null;
  startSession(req: Request, res: Response, user: UserRecord): Promise<void>;
  /** The refusals of a password sign-in after the password was right (unconfirmed address). */
  refuseSignIn(user: UserRecord): Promise<Extract<SignInResult, { ok: false }> | null>;
  notAuthenticated(): Error;
  /** Emits an account event with the request's address, user agent and device (security-log.ts). */
  emit: ExpressSecurityLog['emit'];
}

/** What two-factor's second step uses of passkeys (null when the passkeys extension is off). */
export interface SecondFactorPasskeys {
  /** True when `userId` has at least one passkey. */
  available(userId: string | number): Promise<boolean>;
  /** Options offering only `userId`'s passkeys; `binding` names the pending sign-in. */
  options(binding: string, userId: string | number): Promise<PasskeyOptionsJSON>;
  /** The browser's answer (an object or its JSON text), checked against that pending sign-in's challenge. */
  verify(binding: string, userId: string | number, response: unknown): Promise<PasskeySignInResult>;
}

/** `auth.signInWithPasskey`: the user signed in, or a refusal to show on the sign-in page. */
export type PasskeySignInResponse =
  | { ok: true; user: UserRecord }
  | {
      ok: false;
      /** 401 the passkey did not verify, 403 the address is not confirmed yet. */
      status: 401 | 403;
      messageKey: string;
      reason?: 'unconfirmed';
    };

/** `auth.passkeySignInOptions`: the options, or 429 when the address made too many attempts. */
export type PasskeySignInOptionsResult =
  | { ok: true; options: PasskeyOptionsJSON }
  | { ok: false; status: 429; messageKey: string; retryAfterSeconds: number };

export interface PasskeysApi {
  /** passkeys: WebAuthn options for adding a passkey to the signed-in user's account (JSON for the browser). */
  passkeyRegistrationOptions(req: Request, res: Response): Promise<PasskeyOptionsJSON>;
  /** passkeys: verifies the browser's answer and stores the passkey under `label`. */
  registerPasskey(
    req: Request,
    res: Response,
    params: { response: unknown; label?: unknown },
  ): Promise<RegisterPasskeyResult>;
  /** passkeys: WebAuthn options for a passwordless sign-in (JSON for the browser), or a 429 refusal. */
  passkeySignInOptions(req: Request, res: Response): Promise<PasskeySignInOptionsResult>;
  /** passkeys: verifies the browser's answer and starts a session for the passkey's owner. */
  signInWithPasskey(req: Request, res: Response, response: unknown): Promise<PasskeySignInResponse>;
  /** passkeys: the signed-in user's passkeys, oldest first (no key material). */
  listPasskeys(req: Request): Promise<PasskeySummary[]>;
  /** passkeys: one passkey of the signed-in user by id, or null. */
  findPasskey(req: Request, id: unknown): Promise<PasskeySummary | null>;
  /** passkeys: removes one passkey of the signed-in user; false when they have none with that id. */
  removePasskey(req: Request, id: unknown): Promise<boolean>;
  /** passkeys: a handler that serves @simplewebauthn/browser's bundle (a same-origin script). */
  passkeysBrowserScript(req: Request, res: Response): Promise<void>;
}

/** The largest WebAuthn response pow parses (a form field holding JSON). */
const MAX_RESPONSE_LENGTH = 64 * 1024;

/** The browser's answer: an object, or the JSON text of one (a form field). */
function parseResponse(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (value.length > MAX_RESPONSE_LENGTH) return null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return null;
  }
}

function clientAddress(req: Request): string | undefined {
  return req.ip ?? req.socket?.remoteAddress ?? undefined;
}

function userAgentOf(req: Request): string | undefined {
  const ua = req.headers['user-agent'];
  return typeof ua === 'string' ? ua.slice(0, 512) : undefined;
}

let browserBundle: Promise<string> | undefined;

/** @simplewebauthn/browser's UMD bundle (defines `SimpleWebAuthnBrowser`), read once. */
function readBrowserBundle(): Promise<string> {
  browserBundle ??= (async () => {
    const require = createRequire(import.meta.url);
    const main = require.resolve('@simplewebauthn/browser');
    // main: <package>/script/index.js; the bundle: <package>/dist/bundle/index.umd.min.js
    const root = dirname(dirname(main));
    return readFile(join(root, 'dist', 'bundle', 'index.umd.min.js'), 'utf8');
  })().catch((error: unknown) => {
    browserBundle = undefined;
    throw new Error(
      'pow: passkeys need the package @simplewebauthn/browser (served to the browser from the app). Install it: npm install @simplewebauthn/browser@14.0.0',
      { cause: error },
    );
  });
  return browserBundle;
}

export function createPasskeysApi(host: PasskeysHost): {
  api: PasskeysApi;
  secondFactor: SecondFactorPasskeys | null;
} {
  const { pow } = host;
  const enabled = pow.extensions.includes('passkeys');
  const ttlMs = DEFAULT_CHALLENGE_TTL_MS;
  let service: PasskeyService | undefined;
  const passkeys = (): PasskeyService => {
    if (!enabled) {
      throw new PowError({
        code: 'POW_EXTENSION_DISABLED',
        message: `The passkeys extension is not enabled for user type "${pow.userType}".`,
        fix: "Add 'passkeys' to `extensions` in createPow({...}) (pow install --extension passkeys).",
      });
    }
    return (service ??= createPasskeyService(pow, {
      prisma: host.prisma,
      challengeTtlMs: ttlMs,
      // With two-factor on, a passkey stands in for password + code: it must verify the user.
      requireUserVerification: pow.extensions.includes('two-factor'),
      relyingParty: () => {
        const base = host.baseUrl();
        if (!base) {
          throw new PowError({
            code: 'POW_CONFIG_INVALID',
            message:
              'powExpress({ baseUrl }) is required with passkeys: it is the origin and RP id passkeys are bound to.',
            fix: 'Set POW_BASE_URL (or baseUrl in the config) to the origin of the app, e.g. https://example.com.',
          });
        }
        return relyingPartyOf(base);
      },
    }));
  };

  // The browser binding of the ceremonies; `__Host-` is kept (the cookie's path is "/"). Named on
  // first use: the session cookie's name may resolve only when the app mounts pow.
  let bindingName: string | undefined;
  const bindingCookie = (): string => {
    if (bindingName === undefined) {
      const name = `${host.cookieName}_passkey`;
      serializeCookie(name, 'x');
      bindingName = name;
    }
    return bindingName;
  };
  const signer = createSigner(() => pow.secret, `passkey-binding:${pow.userType}`);
  const presentedBinding = (req: Request): string | null => {
    const raw = readCookie(req.headers.cookie, bindingCookie());
    return raw === undefined ? null : signer.unsign(raw);
  };
  /** This browser's binding, made (and its cookie set) when it has none yet. */
  const bindingFor = (req: Request, res: Response): string => {
    const binding = presentedBinding(req) ?? randomToken();
    setCookieHeader(
      res,
      bindingCookie(),
      serializeCookie(bindingCookie(), signer.sign(binding), {
        ...host.cookieAttributes,
        maxAge: Math.floor(ttlMs / 1000),
      }),
    );
    return binding;
  };
  const signedIn = (req: Request): UserRecord => {
    passkeys();
    const user = host.currentUser(req);
    if (!user) throw host.notAuthenticated();
    return user;
  };
  const userName = (user: UserRecord): string => {
    for (const field of pow.userIdFields) {
      const value = user[field];
      if (typeof value === 'string' && value !== '') return value;
    }
    return String(user.id);
  };
  const event = (
    req: Request,
    userId: string | number,
    name: 'passkey-added' | 'passkey-removed' | 'sign-in',
    detail: Record<string, string>,
  ) => host.emit(req, name, userId, detail);

  const secondFactor: SecondFactorPasskeys | null = enabled
    ? {
        async available(userId) {
          return (await passkeys().list(userId)).length > 0;
        },
        options: (binding, userId) => passkeys().secondFactorOptions(binding, userId),
        verify: (binding, userId, response) =>
          passkeys().verifySecondFactor(binding, userId, parseResponse(response)),
      }
    : null;

  const api: PasskeysApi = {
    async passkeyRegistrationOptions(req, res) {
      const user = signedIn(req);
      return passkeys().registrationOptions(user, bindingFor(req, res), userName(user));
    },

    async registerPasskey(req, res, params) {
      const user = signedIn(req);
      const binding = presentedBinding(req);
      if (binding === null) return { ok: false, reason: 'expired' };
      const result = await passkeys().register(
        user,
        binding,
        parseResponse(params.response),
        params.label,
        userAgentOf(req),
      );
      if (result.ok) await event(req, user.id, 'passkey-added', { label: result.passkey.label });
      return result;
    },

    async passkeySignInOptions(req, res) {
      const service = passkeys();
      const verdict = await host.limiter.hit(
        'signInFailuresPerAddress',
        normalizeAddress(clientAddress(req)),
      );
      if (!verdict.allowed) {
        return {
          ok: false,
          status: 429,
          messageKey: 'session.too_many_attempts',
          retryAfterSeconds: verdict.retryAfterSeconds,
        };
      }
      return { ok: true, options: await service.signInOptions(bindingFor(req, res)) };
    },

    async signInWithPasskey(req, res, response) {
      const binding = presentedBinding(req);
      const failed = { ok: false, status: 401, messageKey: 'passkeys.sign_in_failed' } as const;
      if (binding === null) {
        passkeys();
        return { ...failed, messageKey: 'passkeys.expired' };
      }
      const result = await passkeys().signIn(binding, parseResponse(response));
      if (!result.ok)
        return result.reason === 'expired' ? { ...failed, messageKey: 'passkeys.expired' } : failed;
      const user = await pow.users.getBy({ id: result.userId });
      if (!user) return failed;
      const refused = await host.refuseSignIn(user);
      if (refused) return { ok: false, status: 403, messageKey: refused.messageKey, reason: 'unconfirmed' };
      await host.startSession(req, res, user);
      await host.limiter.release('signInFailuresPerAddress', normalizeAddress(clientAddress(req)));
      await event(req, user.id, 'sign-in', { method: 'passkey', passkey: result.passkey.label });
      return { ok: true, user };
    },

    async listPasskeys(req) {
      return passkeys().list(signedIn(req).id);
    },

    async findPasskey(req, id) {
      return passkeys().find(signedIn(req).id, id);
    },

    async removePasskey(req, id) {
      const user = signedIn(req);
      const removed = await passkeys().remove(user.id, id);
      if (removed) await event(req, user.id, 'passkey-removed', { label: removed.label });
      return removed !== null;
    },

    async passkeysBrowserScript(_req, res) {
      const script = await readBrowserBundle();
      res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
      res.setHeader('Cache-Control', 'public, max-age=3600');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.end(script);
    },
  };
  return { api, secondFactor };
}
