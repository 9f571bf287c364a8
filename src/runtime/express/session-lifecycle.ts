/**
 * Where sessions begin and end: sign-in (with the throttle), sign-up limits, account updates
 * (which rotate the session; a password change ends the user's other sessions), deletion and
 * sign-out. CSRF tokens rotate at sign-in: the new session gets a fresh secret and the anonymous
 * cookie is cleared; a new one is made after sign-out.
 */
import type { FieldErrors, Result, UserParams, UserRecord } from '../core/types.js';
import { SIGNED_IN_AT } from '../core/sessions.js';
import { createCsrfSecret } from './csrf.js';
import { normalizeAddress } from './throttle.js';
import { HashingBusyError } from '../core/hash-queue.js';
import { isStoreUnavailable, STORE_RETRY_AFTER_SECONDS } from '../stores/unavailable-error.js';
import { PowHttpError } from './errors.js';
import { confirmDeletion } from './confirm-deletion.js';
import type { ExpressExtensions } from './extensions.js';
import type { Middleware } from './middleware.js';
import type { RequestState, StateMemo } from './request-state.js';
import type { ExpressSettings } from './settings.js';
import type { StateCookies } from './state-cookies.js';
import type { PowExpress, Request, Response, SignInResult } from './types.js';

/** What began a session: see `SessionLifecycle.startSession`. */
export type SessionStart = 'sign-in' | 'rotate' | 'restore';

export interface SessionLifecycle {
  /**
   * Rotates to a fresh session for `user` (ends the request's previous one, sets the cookie).
   * `how` says what began it: a sign-in (the default), a rotation of the request's own session
   * (an account update keeps the sign-in's time) or a remember-me restore (no sign-in time).
   */
  startSession(req: Request, res: Response, user: UserRecord, how?: SessionStart): Promise<RequestState>;
  /** Ends the request's session (if any) and clears its cookie. */
  endSession(req: Request, res: Response): Promise<void>;
  /** Counts a sign-up from this request's address; a form error when over the limit. */
  signUpRefused(req: Request): Promise<{ ok: false; errors: FieldErrors } | null>;
  /**
   * The gates every sign-in passes once its first factor is proven (a password, a provider, a
   * sign-in link): an unconfirmed address is refused (a confirmation link is mailed), an account
   * with two-factor on waits for its code (`reason: 'two-factor'`, nobody signed in yet); then
   * the session starts and remember-me follows `signInOptions` or the form. The caller announces
   * the sign-in (its own security event).
   */
  finishSignIn(
    req: Request,
    res: Response,
    user: UserRecord,
    signInOptions?: Parameters<PowExpress['signIn']>[4],
    /** The first factor (`password`, `oauth`, `magic-link`): the second step's sign-in event names it. */
    method?: string,
  ): Promise<SignInResult>;
  signIn: PowExpress['signIn'];
  signOut: PowExpress['signOut'];
  register(req: Request, params: UserParams): Promise<Result<UserRecord>>;
  updateUser: PowExpress['updateUser'];
  deleteUser: PowExpress['deleteUser'];
}

export interface SessionLifecycleDeps {
  readonly memo: StateMemo;
  readonly cookies: StateCookies;
  readonly middleware: Pick<Middleware, 'loadState' | 'attach'>;
  readonly extensions: ExpressExtensions;
}

function clientAddress(req: Request): string | undefined {
  return req.ip ?? req.socket?.remoteAddress ?? undefined;
}

function userAgentOf(req: Request): string | undefined {
  const ua = req.headers['user-agent'];
  return typeof ua === 'string' ? ua : undefined;
}

export function createSessionLifecycle(
  settings: ExpressSettings,
  deps: SessionLifecycleDeps,
): SessionLifecycle {
  const { pow, limiter, throttle, translator } = settings;
  const { memo, cookies, middleware, extensions } = deps;

  async function startSession(
    req: Request,
    res: Response,
    user: UserRecord,
    how: SessionStart = 'sign-in',
  ): Promise<RequestState> {
    const state = await middleware.loadState(req, res);
    const previous = state.token ?? state.staleToken;
    const signedInAt =
      how === 'sign-in' ? pow.clock() : how === 'rotate' ? state.session?.data[SIGNED_IN_AT] : undefined;
    if (previous) await pow.sessions.delete(previous);
    // The CSRF secret goes in with the record: a sign-in writes the session record once.
    const data: Record<string, unknown> = { csrf: createCsrfSecret() };
    if (typeof signedInAt === 'number') data[SIGNED_IN_AT] = signedInAt;
    const { token, session } = await pow.sessions.create(user, {
      ip: clientAddress(req),
      userAgent: userAgentOf(req),
      data,
    });
    state.token = token;
    state.session = session;
    state.user = user;
    state.cookie = 'valid';
    state.staleToken = null;
    state.csrfToken = undefined;
    state.incoming = null;
    state.sessionDirty = false;
    state.sessionCreated = true;
    cookies.setSessionCookie(res, token);
    // security-log: the browser keeps a device cookie across sessions (new-device mail).
    extensions.security.seeDevice(req, res);
    if (state.anonCookiePresent || state.anon) {
      state.anon = null;
      state.anonDirty = false;
      cookies.clearCookie(res, settings.anonCookieName);
    }
    middleware.attach(req, res, state);
    return state;
  }

  async function endSession(req: Request, res: Response): Promise<void> {
    const state = await middleware.loadState(req, res);
    const token = state.token ?? state.staleToken;
    if (token) await pow.sessions.delete(token);
    if (state.cookie !== 'none') cookies.clearCookie(res, settings.cookieName);
    state.token = null;
    state.session = null;
    state.user = null;
    state.staleToken = null;
    state.cookie = 'none';
    state.csrfToken = undefined;
    state.incoming = null;
    state.anon = {};
    state.sessionDirty = false;
    state.sessionCreated = false;
    middleware.attach(req, res, state);
  }

  /**
   * Sign-ups per client address (issue 16, defect 3): over the limit, a form error for the page
   * and Retry-After on the response; nothing is created or mailed.
   */
  async function signUpRefused(req: Request): Promise<{ ok: false; errors: FieldErrors } | null> {
    const verdict = await limiter.hit('signUpsPerAddress', normalizeAddress(clientAddress(req)));
    if (verdict.allowed) return null;
    const res = memo.stateOf(req)?.res;
    if (res && !res.headersSent) res.setHeader('Retry-After', String(verdict.retryAfterSeconds));
    const message = translator.t(translator.defaultLocale, 'auth.too_many_requests');
    return { ok: false, errors: { base: [{ key: 'auth.too_many_requests', message }] } };
  }

  async function signIn(
    req: Request,
    res: Response,
    identifier: unknown,
    password: unknown,
    signInOptions: Parameters<PowExpress['signIn']>[4],
  ): Promise<SignInResult> {
    const id = typeof identifier === 'string' ? identifier : '';
    const secret = typeof password === 'string' ? password : '';
    const address = clientAddress(req) ?? 'unknown';
    // Count first, then verify, clear on success (throttle.ts): parallel guesses each get a number.
    const verdict = await throttle.attempt(id, address);
    if (!verdict.allowed && verdict.reason === 'address') {
      if (!res.headersSent) res.setHeader('Retry-After', String(verdict.retryAfterSeconds));
      return {
        ok: false,
        status: 429,
        messageKey: 'session.too_many_attempts',
        retryAfterSeconds: verdict.retryAfterSeconds,
      };
    }
    if (!verdict.allowed) {
      // A locked identifier (known account or not: both are counted) costs the time of a verify,
      // and the message says what to do instead of repeating "wrong password".
      await pow.users.spendVerify(secret);
      return {
        ok: false,
        status: 401,
        messageKey: 'session.account_locked',
        messageParams: { minutes: Math.max(1, Math.ceil(verdict.retryAfterSeconds / 60)) },
      };
    }
    let user: UserRecord | null;
    try {
      user = await pow.users.authenticate(id, secret);
    } catch (error) {
      // Refused before its password was checked (a full hashing queue): the attempt is not counted.
      if (error instanceof HashingBusyError) await throttle.handBack(id, address);
      throw error;
    }
    if (!user) {
      recordFailure(req, id);
      return { ok: false, status: 401, messageKey: 'session.invalid_credentials' };
    }
    await throttle.succeeded(id, address);
    const finished = await finishSignIn(req, res, user, signInOptions);
    if (finished.ok) await extensions.security.emit(req, 'sign-in', user.id, { method: 'password' });
    return finished;
  }

  async function finishSignIn(
    req: Request,
    res: Response,
    user: UserRecord,
    signInOptions?: Parameters<PowExpress['signIn']>[4],
    method = 'password',
  ): Promise<SignInResult> {
    // email-confirmation: the first factor is right, but no session until the address is confirmed.
    const refused = await extensions.refuseSignIn(user);
    if (refused) return refused;
    // two-factor: the first factor is not enough; the session starts after the code (two-factor.ts).
    const pending = await extensions.secondStep(req, res, user, signInOptions, method);
    if (pending) return pending;
    await startSession(req, res, user);
    await extensions.afterSignIn(req, res, user, signInOptions);
    return { ok: true, user };
  }

  /**
   * A wrong password for a known account is logged for that account, and so is the lock it may
   * have caused. Looked up after the response's path (emitLater): the refusal takes as long for an
   * account that exists as for one that does not.
   */
  function recordFailure(req: Request, identifier: string): void {
    if (identifier.trim() === '') return;
    extensions.security.emitLater(req, async () => {
      let user: UserRecord | null = null;
      for (const field of pow.userIdFields) {
        user = await pow.users.getBy({ [field]: identifier });
        if (user) break;
      }
      if (!user) return [];
      const events: Array<{ name: 'sign-in-failed' | 'lockout'; userId: string | number }> = [
        { name: 'sign-in-failed', userId: user.id },
      ];
      if (await throttle.locked(identifier)) events.push({ name: 'lockout', userId: user.id });
      return events;
    });
  }

  return {
    startSession,
    endSession,
    signUpRefused,
    finishSignIn,

    async signIn(req, res, identifier, password, signInOptions) {
      try {
        return await signIn(req, res, identifier, password, signInOptions);
      } catch (error) {
        if (!isStoreUnavailable(error)) throw error;
        // The sign-in page renders this like any refusal, with the status and Retry-After.
        if (!res.headersSent) res.setHeader('Retry-After', String(STORE_RETRY_AFTER_SECONDS));
        return {
          ok: false,
          status: 503,
          messageKey: 'auth.unavailable',
          retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
        };
      }
    },

    async signOut(req, res) {
      const user = memo.stateOf(req)?.user ?? null;
      await extensions.beforeSignOut(req, res);
      await endSession(req, res);
      if (user) await extensions.security.emit(req, 'sign-out', user.id);
    },

    async register(req, params) {
      const refused = await signUpRefused(req);
      if (refused) return refused;
      return extensions.register(params, () => pow.users.create(params));
    },

    async updateUser(req, params) {
      const state = memo.requireState(req, 'auth.updateUser()');
      if (!state.user) throw new PowHttpError('not_authenticated');
      const userId = state.user.id;
      const emailBefore = state.user.email;
      // email-confirmation: a new e-mail waits for confirmation (`emailConfirmationRequired`).
      const result =
        (await extensions.updateUser(state.user, params)) ?? (await pow.users.update(state.user, params));
      if (!result.ok) return result;
      // Pow re-creates the session on every account update (new id, fresh CSRF secret).
      const rotated = await startSession(req, state.res, result.value, 'rotate');
      const password = params?.password;
      if (typeof password === 'string' && password !== '' && rotated.token) {
        // A password change ends every other session and remember-me token of the user (security bar D11).
        await pow.sessions.revokeOthers(userId, rotated.token);
        await extensions.afterPasswordChange(req, state.res, result.value);
        await extensions.security.emit(req, 'password-changed', userId);
      }
      // With email-confirmation a new address waits for its link (confirmEmail emits then).
      if (result.value.email !== emailBefore) await extensions.security.emit(req, 'email-changed', userId);
      return result;
    },

    async deleteUser(req, res, confirm) {
      const state = memo.requireState(req, 'auth.deleteUser()');
      if (!state.user) throw new PowHttpError('not_authenticated');
      const user = state.user;
      if (confirm !== undefined) {
        const refused = await confirmDeletion(pow, user, confirm.currentPassword, state.session);
        if (refused) return refused;
      }
      await pow.users.delete(user);
      await pow.sessions.revokeAll(user.id);
      await extensions.afterDelete(req, res, user);
      await endSession(req, res);
      return { ok: true };
    },
  };
}
