/**
 * The Express side of the `two-factor` extension (the TOTP and recovery-code logic is in
 * extensions/two-factor.ts):
 *
 * - The second step: after the right password, a user with two-factor on gets no session. pow
 *   stores a pending sign-in (who, and the "keep me logged in" choice) for `twoFactor.pendingMs`
 *   (5 min) under the SHA-256 of a random token, and gives the browser that token in a signed
 *   cookie (`<cookieName>_2fa`, HttpOnly, SameSite=Lax, Max-Age = the same 5 min). Only that
 *   browser, within that time, can finish the sign-in with a code; the session starts only then.
 * - Throttle: every code typed counts against the account (`signInFailuresPerAccount`, keyed by
 *   the user) and the client address (`signInFailuresPerAddress`) of the sign-in throttle's
 *   limiter, before it is checked; a right code clears the account's count and hands the address
 *   its attempt back, as a right password does.
 * - Remember this device: a cookie (`<cookieName>_2fa_device`, Max-Age = `twoFactor.rememberDeviceMs`)
 *   holding the user id, its expiry and an HMAC (key derived from the pow secret) over both and
 *   the user's device binding (when two-factor was turned on, and the password hash). Turning
 *   two-factor off, or any password change, changes the binding, so every remembered device then
 *   asks for a code again. The cookie names one user: another user signing in on that browser
 *   is asked for their code.
 * - A passkey as the second step (with the passkeys extension, for a user who has one): options
 *   offering only the pending user's passkeys, under a challenge bound to the pending sign-in
 *   (two-factor-passkey.ts); its answer goes through the same throttle and the same finish as a
 *   code. A passkey alone never asks for a second step: two-factor is on only with TOTP.
 * - Set-up, confirmation, new recovery codes and turning off act on the signed-in user of the
 *   request only; new codes and turning off need the account's password (confirm-deletion.ts's
 *   check), with wrong guesses counted like failed sign-ins (two-factor-password.ts).
 * - Every account event goes out through the host's `emit` (the request's address, user agent
 *   and device); a finished second step is a `sign-in` with the factor it used.
 */
import { PowError } from '../../shared/pow-error.js';
import type { ExpressSecurityLog } from './security-log.js';
import type { Pow, UserRecord } from '../core/types.js';
import type { RateLimiter } from '../core/rate-limit.js';
import { randomToken, safeEqual, sha256Hex, hmacSha256Base64url } from '../core/crypto.js';
import {
  createTwoFactor,
  type Announce,
  type BeginSetupResult,
  type ConfirmSetupResult,
  type TwoFactor,
  type TwoFactorOptions,
  type TwoFactorStatus,
} from '../extensions/two-factor.js';
import type { PasskeyOptionsJSON } from '../extensions/passkeys/index.js';
import type { SecondFactorPasskeys } from './passkeys.js';
import { passwordConfirmed } from './two-factor-password.js';
import {
  createSigner,
  deriveKey,
  readCookie,
  serializeCookie,
  setCookieHeader,
  type CookieAttributes,
} from './cookies.js';
import { normalizeAddress } from './throttle.js';
import type {
  DisableTwoFactorResult,
  RegenerateRecoveryCodesResult,
  Request,
  Response,
  SignInOptions,
  SignInResult,
  TwoFactorStepResult,
} from './types.js';

/** Where pending second steps live in the pow store. */
export const TWO_FACTOR_NAMESPACE = 'pow:two-factor';

interface PendingSignIn {
  userType: string;
  userId: string | number;
  /** The "keep me logged in" choice of the password step (null: the form had none). */
  rememberMe: boolean | null;
  /** The first factor (`password`, `oauth`, `magic-link`), for the sign-in event at the end. */
  method?: string;
  createdAt: number;
}

export interface TwoFactorHost {
  readonly pow: Pow;
  readonly prisma: object;
  readonly options: TwoFactorOptions | undefined;
  /** The session cookie's name and attributes, read on use (they resolve when the app mounts pow). */
  cookieName(): string;
  cookieAttributes(): CookieAttributes;
  readonly limiter: RateLimiter;
  currentUser(req: Request): UserRecord | null;
  notAuthenticated(): Error;
  /** Starts the session and runs what follows a sign-in (remember-me). */
  signInNow(req: Request, res: Response, user: UserRecord, options: SignInOptions): Promise<void>;
  /** Emits an account event with the request's address, user agent and device (security-log.ts). */
  emit: ExpressSecurityLog['emit'];
  /** The passkeys of a second step, or null without the passkeys extension (read on use). */
  passkeys(): SecondFactorPasskeys | null;
}

/** `auth.twoFactorChallenge`: what the second-step page offers. */
export interface TwoFactorChallenge {
  rememberDeviceDays: number;
  /** The pending user has a passkey (and the passkeys extension is on): "Use a passkey". */
  passkey: boolean;
}

/** `auth.twoFactorPasskeyOptions`: WebAuthn options for the second step, or no pending sign-in. */
export type TwoFactorPasskeyOptionsResult =
  { ok: true; options: PasskeyOptionsJSON } | { ok: false; status: 401; messageKey: string; expired: true };

export interface TwoFactorApi {
  twoFactorStatus(req: Request): Promise<TwoFactorStatus>;
  beginTwoFactorSetup(req: Request): Promise<BeginSetupResult>;
  confirmTwoFactorSetup(req: Request, code: unknown): Promise<ConfirmSetupResult>;
  disableTwoFactor(req: Request, res: Response, currentPassword: unknown): Promise<DisableTwoFactorResult>;
  regenerateRecoveryCodes(req: Request, currentPassword: unknown): Promise<RegenerateRecoveryCodesResult>;
  twoFactorChallenge(req: Request): Promise<TwoFactorChallenge | null>;
  twoFactorPasskeyOptions(req: Request): Promise<TwoFactorPasskeyOptionsResult>;
  completeTwoFactor(
    req: Request,
    res: Response,
    input: { code?: unknown; recoveryCode?: unknown; passkey?: unknown; rememberDevice?: unknown },
  ): Promise<TwoFactorStepResult>;
}

export interface TwoFactorHooks {
  readonly service: TwoFactor;
  readonly api: TwoFactorApi;
  /**
   * After the right password: for a user with two-factor on (and no remembered device), stores
   * the pending sign-in, sets its cookie and returns the refusal the sign-in answers with.
   */
  secondStep(
    req: Request,
    res: Response,
    user: UserRecord,
    options: SignInOptions | undefined,
    method?: string,
  ): Promise<Extract<SignInResult, { ok: false }> | null>;
}

/** A form field or JSON answer that was given (not blank). */
function given(value: unknown): boolean {
  return (typeof value === 'string' && value.trim() !== '') || (typeof value === 'object' && value !== null);
}

function truthy(value: unknown): boolean {
  return (
    value === true || (typeof value === 'string' && ['true', 'on', '1', 'yes'].includes(value.toLowerCase()))
  );
}

function bodyField(req: Request, name: string): unknown {
  const body = (req as { body?: unknown }).body;
  return body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
}

/** The reason a wrong answer of each factor is logged with, and what the page says. */
const FAILURES = {
  passkey: 'invalid-passkey',
  'recovery-code': 'invalid-recovery-code',
  totp: 'invalid-code',
};
const FAILURE_MESSAGES: Record<string, string> = {
  'invalid-passkey': 'two_factor.invalid_passkey',
  'invalid-recovery-code': 'two_factor.invalid_recovery_code',
  'invalid-code': 'two_factor.invalid_code',
  'reused-code': 'two_factor.reused_code',
};

export function createTwoFactorHooks(host: TwoFactorHost): TwoFactorHooks {
  const { pow } = host;
  const service = createTwoFactor(pow, host.prisma, host.options);
  const { pendingMs, rememberDeviceMs } = service.options;
  const pendingCookieName = () => `${host.cookieName()}_2fa`;
  const deviceCookieName = () => `${host.cookieName()}_2fa_device`;
  const pendingSigner = createSigner(() => pow.secret, `two-factor-pending:${pow.userType}`);
  let deviceMac: ((value: string) => string) | undefined;
  const mac = (value: string) =>
    (deviceMac ??= hmacSha256Base64url(deriveKey(pow.secret, `two-factor-device:${pow.userType}`)))(value);
  const pendingKey = (token: string) => `pending:${sha256Hex(token)}`;
  const announce =
    (req: Request): Announce =>
    (name, userId, detail) =>
      host.emit(req, name, userId, detail);

  const setCookie = (res: Response, name: string, value: string, maxAgeMs: number) =>
    setCookieHeader(
      res,
      name,
      serializeCookie(name, value, {
        ...host.cookieAttributes(),
        maxAge: Math.max(0, Math.floor(maxAgeMs / 1000)),
      }),
    );

  const signedIn = (req: Request): UserRecord => {
    if (!pow.extensions.includes('two-factor')) {
      throw new PowError({
        code: 'POW_EXTENSION_DISABLED',
        message: `The two-factor extension is not enabled for user type "${pow.userType}".`,
        fix: "Add 'two-factor' to `extensions` in createPow({...}) (pow install --extension two-factor).",
      });
    }
    const user = host.currentUser(req);
    if (!user) throw host.notAuthenticated();
    return user;
  };

  /** The pending sign-in of this browser (and its token), or null. */
  const pendingOf = async (req: Request): Promise<{ token: string; pending: PendingSignIn } | null> => {
    const raw = readCookie(req.headers.cookie, pendingCookieName());
    const token = raw === undefined ? null : pendingSigner.unsign(raw);
    if (!token) return null;
    const pending = await pow.store.get<PendingSignIn>(TWO_FACTOR_NAMESPACE, pendingKey(token));
    if (!pending || pending.userType !== pow.userType || pending.createdAt + pendingMs <= pow.clock())
      return null;
    return { token, pending };
  };

  const deviceValue = (userId: string | number, expiresAt: number) =>
    `${Buffer.from(String(userId), 'utf8').toString('base64url')}.${expiresAt}`;

  /** True when this browser's device cookie is live for `user` and two-factor's binding. */
  const rememberedDevice = async (req: Request, user: UserRecord): Promise<boolean> => {
    const raw = readCookie(req.headers.cookie, deviceCookieName());
    if (raw === undefined) return false;
    const parts = raw.split('.');
    if (parts.length !== 3) return false;
    const [id, expires, given] = parts as [string, string, string];
    const expiresAt = Number(expires);
    if (!Number.isSafeInteger(expiresAt) || expiresAt <= pow.clock()) return false;
    if (Buffer.from(id, 'base64url').toString('utf8') !== String(user.id)) return false;
    const binding = await service.deviceBinding(user.id);
    if (binding === null) return false;
    return safeEqual(mac(`${id}.${expires}.${binding}`), given);
  };

  const rememberDevice = async (res: Response, user: UserRecord): Promise<void> => {
    const binding = await service.deviceBinding(user.id);
    if (binding === null) return;
    const expiresAt = pow.clock() + rememberDeviceMs;
    const value = deviceValue(user.id, expiresAt);
    setCookie(res, deviceCookieName(), `${value}.${mac(`${value}.${binding}`)}`, rememberDeviceMs);
  };

  /** Counts one code attempt against the account and the address; a refusal when over a limit. */
  const throttled = async (
    req: Request,
    res: Response,
    userId: string | number,
  ): Promise<Extract<TwoFactorStepResult, { ok: false }> | null> => {
    const address = normalizeAddress(req.ip ?? req.socket?.remoteAddress ?? undefined);
    const byAddress = await host.limiter.hit('signInFailuresPerAddress', address);
    if (!byAddress.allowed) {
      if (!res.headersSent) res.setHeader('Retry-After', String(byAddress.retryAfterSeconds));
      return {
        ok: false,
        status: 429,
        messageKey: 'session.too_many_attempts',
        retryAfterSeconds: byAddress.retryAfterSeconds,
      };
    }
    const byAccount = await host.limiter.hit('signInFailuresPerAccount', `two-factor:${String(userId)}`);
    if (!byAccount.allowed) {
      return {
        ok: false,
        status: 401,
        messageKey: 'two_factor.locked',
        messageParams: { minutes: Math.max(1, Math.ceil(byAccount.retryAfterSeconds / 60)) },
      };
    }
    return null;
  };

  const api: TwoFactorApi = {
    async twoFactorStatus(req) {
      return service.status(signedIn(req).id);
    },

    async beginTwoFactorSetup(req) {
      return service.beginSetup(signedIn(req));
    },

    async confirmTwoFactorSetup(req, code) {
      return service.confirmSetup(signedIn(req), code, announce(req));
    },

    async disableTwoFactor(req, res, currentPassword) {
      const user = signedIn(req);
      const refused = await passwordConfirmed(pow, host.limiter, user, currentPassword, 'disable');
      if (refused) return refused;
      await service.disable(user, announce(req));
      if (readCookie(req.headers.cookie, deviceCookieName()) !== undefined)
        setCookie(res, deviceCookieName(), '', 0);
      return { ok: true };
    },

    async regenerateRecoveryCodes(req, currentPassword) {
      const user = signedIn(req);
      const refused = await passwordConfirmed(pow, host.limiter, user, currentPassword, 'codes');
      if (refused) return { ...refused, reason: 'password' };
      const recoveryCodes = await service.regenerateRecoveryCodes(user, announce(req));
      return recoveryCodes ? { ok: true, recoveryCodes } : { ok: false, reason: 'not-enabled', errors: {} };
    },

    async twoFactorChallenge(req) {
      const found = await pendingOf(req);
      if (found === null) return null;
      const passkeys = host.passkeys();
      return {
        rememberDeviceDays: Math.max(1, Math.round(rememberDeviceMs / 86_400_000)),
        passkey: passkeys !== null && (await passkeys.available(found.pending.userId)),
      };
    },

    async twoFactorPasskeyOptions(req) {
      const found = await pendingOf(req);
      const passkeys = host.passkeys();
      if (!found || !passkeys)
        return { ok: false, status: 401, messageKey: 'two_factor.expired', expired: true };
      // Bound to the pending sign-in: its token names the challenge, its user the passkeys.
      return { ok: true, options: await passkeys.options(found.token, found.pending.userId) };
    },

    async completeTwoFactor(req, res, input) {
      const found = await pendingOf(req);
      if (!found) {
        if (readCookie(req.headers.cookie, pendingCookieName()) !== undefined)
          setCookie(res, pendingCookieName(), '', 0);
        return { ok: false, status: 401, messageKey: 'two_factor.expired', expired: true };
      }
      const { token, pending } = found;
      const refused = await throttled(req, res, pending.userId);
      if (refused) return refused;
      const user = await pow.users.getBy({ id: pending.userId });
      if (!user) {
        await pow.store.delete(TWO_FACTOR_NAMESPACE, pendingKey(token));
        return { ok: false, status: 401, messageKey: 'two_factor.expired', expired: true };
      }
      const passkeys = host.passkeys();
      const factor: 'passkey' | 'recovery-code' | 'totp' =
        given(input.passkey) && passkeys
          ? 'passkey'
          : typeof input.recoveryCode === 'string' && input.recoveryCode.trim() !== ''
            ? 'recovery-code'
            : 'totp';
      let ok: boolean;
      let reason = FAILURES[factor];
      if (factor === 'passkey') {
        ok = (await passkeys!.verify(token, user.id, input.passkey)).ok;
      } else if (factor === 'recovery-code') {
        ok = await service.verifyRecoveryCode(user.id, input.recoveryCode, announce(req));
      } else {
        const verdict = await service.verifyCode(user.id, input.code);
        ok = verdict === 'ok';
        if (verdict === 'reused') reason = 'reused-code';
      }
      if (!ok) {
        await service.failed(user.id, announce(req), { reason });
        return { ok: false, status: 401, messageKey: FAILURE_MESSAGES[reason] };
      }
      // Single use, also when two right answers (a code and a recovery code) race: the first to
      // claim the pending sign-in finishes it; it is gone before the session exists.
      const claimed = await pow.store.putIfAbsent(
        TWO_FACTOR_NAMESPACE,
        `${pendingKey(token)}:done`,
        true,
        pendingMs,
      );
      await pow.store.delete(TWO_FACTOR_NAMESPACE, pendingKey(token));
      if (!claimed) return { ok: false, status: 401, messageKey: 'two_factor.expired', expired: true };
      setCookie(res, pendingCookieName(), '', 0);
      await Promise.all([
        host.limiter.reset('signInFailuresPerAccount', `two-factor:${String(user.id)}`),
        host.limiter.release(
          'signInFailuresPerAddress',
          normalizeAddress(req.ip ?? req.socket?.remoteAddress ?? undefined),
        ),
      ]);
      await host.signInNow(
        req,
        res,
        user,
        pending.rememberMe === null ? {} : { rememberMe: pending.rememberMe },
      );
      if (truthy(input.rememberDevice)) await rememberDevice(res, user);
      await host.emit(req, 'sign-in', user.id, {
        method: pending.method ?? 'password',
        second_factor: factor,
      });
      return { ok: true, user };
    },
  };

  return {
    service,
    api,
    async secondStep(req, res, user, options, method = 'password') {
      if (!pow.extensions.includes('two-factor')) return null;
      if (!(await service.isEnabled(user.id))) return null;
      if (await rememberedDevice(req, user)) return null;
      const token = randomToken();
      const remember = options?.rememberMe ?? bodyField(req, 'remember_me');
      const pending: PendingSignIn = {
        userType: pow.userType,
        userId: user.id,
        rememberMe: remember === undefined ? null : truthy(remember),
        method,
        createdAt: pow.clock(),
      };
      await pow.store.put(TWO_FACTOR_NAMESPACE, pendingKey(token), pending, pendingMs);
      setCookie(res, pendingCookieName(), pendingSigner.sign(token), pendingMs);
      return { ok: false, status: 401, messageKey: 'two_factor.code_required', reason: 'two-factor' };
    },
  };
}
