/**
 * The Express side of pow's extensions (reset password, e-mail confirmation, remember-me,
 * invitations, sessions, magic links): wires `powExtensions` (src/runtime/extensions) into `powExpress`.
 *
 * - Setup: the services get the app's Prisma client, links built from the configured `baseUrl`
 *   and the mount path (never the Host header), and mail rendered with the app's own view engine
 *   (`mail.views`, through `app.render`) or an explicit `templateDir` + `renderFile`. A successful
 *   password reset clears the sign-in throttle of the account.
 * - Sign-in: an unconfirmed account gets a new confirmation link and no session (403 with
 *   `email_confirmation.email_confirmation_required`). A ticked "keep me logged in" issues a
 *   remember-me token in a signed cookie (HttpOnly, SameSite=Lax, Secure like the session cookie,
 *   Max-Age = the token's server-side validity).
 * - Middleware: a GET/HEAD without a live session but with a remember-me cookie starts a fresh
 *   session (new id, not a "recent sign-in") and rotates the cookie. Forms (POST) are never
 *   restored this way: their CSRF token belonged to the ended session.
 * - Sign-out forgets the remember-me token; a password change revokes them all (the current
 *   browser gets a new one when it had one); account deletion revokes every token.
 * - Requests that send mail are rate-limited per client address (security bar F9), sign-ups too,
 *   and mails per recipient (the services' `sendMail`), all on the user type's one limiter.
 * - Reset links: the token of a mailed link is kept in a signed cookie sent only to the reset
 *   pages (HttpOnly, SameSite=Lax, Max-Age = the token's validity), so the form is served under a
 *   URL without it (security bar F8). The cookie holds nothing the link did not already carry.
 */
import { resolve as resolvePath } from 'node:path';
import { PowError } from '../../shared/pow-error.js';
import { MAILING_EXTENSIONS } from '../core/extension-names.js';
import type { FieldErrors, Pow, Result, SessionRecord, UserParams, UserRecord } from '../core/types.js';
import type { RateLimiter } from '../core/rate-limit.js';
import {
  powExtensions,
  type ExtensionMailOptions,
  type MailLinkName,
  type PowExtensions,
} from '../extensions/index.js';
import type { Mailer, RenderFile } from '../mail/types.js';
import { deferredSetting, type Deferred, type Setting } from '../core/deferred.js';
import type { Translator } from '../i18n/index.js';
import {
  createSigner,
  readCookie,
  serializeCookie,
  setCookieHeader,
  type CookieAttributes,
} from './cookies.js';
import { isWellFormedToken, updateTokenData } from '../extensions/tokens.js';
import { rememberMeData } from '../extensions/sessions.js';
import { createAccountSessionsApi, type AccountSessionsApi } from './account-sessions.js';
import { createExpressSecurityLog, type ExpressSecurityLog } from './security-log.js';
import { createTwoFactorHooks, type TwoFactorApi, type TwoFactorHooks } from './two-factor.js';
import { createPasskeysApi, type PasskeysApi } from './passkeys.js';
import { createMagicLinkApi, type MagicLinkApi } from './magic-link.js';
import { SAFE_METHODS } from './csrf.js';
import { normalizeAddress } from './throttle.js';
import type { SessionStart } from './session-lifecycle.js';
import type {
  MailRequestResult,
  PowExpress,
  PowExpressOptions,
  PowMailOptions,
  PowPathName,
  Request,
  Response,
  RoutesCallbacks,
  SignInOptions,
  SignInResult,
  UpdateUserResult,
} from './types.js';

/**
 * The path a mail links to. "Reset your password" in the password-changed and e-mail-changed
 * mails goes to the sign-in page when the routes file has no reset page (reset-password is not
 * installed, or its route was dropped); the token links are pages the extensions require.
 */
function mailLinkPath(routes: RoutesCallbacks, name: MailLinkName, params?: { token: string }): string {
  const page: PowPathName = params === undefined && !routes.has(name) ? 'session.new' : name;
  return routes.path(page, params);
}

/** The longest path both paths are under, by whole segments ("/a/b/c", "/a/b" → "/a/b"; at least "/"). */
export function commonPathPrefix(first: string, second: string): string {
  const a = first.split('/');
  const b = second.split('/');
  let shared = 0;
  while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared++;
  return a.slice(0, shared).join('/') || '/';
}

/** What `powExpress` lends the extension layer. */
export interface ExtensionHost {
  readonly pow: Pow;
  readonly userType: string;
  readonly cookieName: string;
  readonly routes: RoutesCallbacks;
  readonly translator: Translator;
  readonly cookieAttributes: CookieAttributes;
  /** Absolute origin for links, or undefined; read on first use (it may come from the environment). */
  baseUrl(): string | undefined;
  currentUser(req: Request): UserRecord | null;
  /** The request's live session and its token, or null when signed out. */
  currentSession(req: Request): { token: string; session: SessionRecord } | null;
  /** Rotates to a fresh session for `user` (sets the cookie); `how`: see SessionLifecycle.startSession. */
  startSession(req: Request, res: Response, user: UserRecord, how?: SessionStart): Promise<void>;
  /** The gates after a first factor, then the session (SessionLifecycle.finishSignIn). */
  finishSignIn(
    req: Request,
    res: Response,
    user: UserRecord,
    options?: SignInOptions,
    method?: string,
  ): Promise<SignInResult>;
  clearSignInFailures(identifier: string): Promise<void>;
  /** Seconds until the sign-in pause of this identifier lifts, or null (throttle.ts `paused`). */
  signInPaused(identifier: string): Promise<number | null>;
  /** The limiter of this user type (core/rate-limit.ts). */
  readonly limiter: RateLimiter;
  /** Counts a sign-up from this request's address; a form error when over the limit. */
  signUpRefused(req: Request): Promise<{ ok: false; errors: FieldErrors } | null>;
  /** The error a guard throws for a signed-out visitor (PowHttpError not_authenticated). */
  notAuthenticated(): Error;
}

/** Hooks the core of `powExpress` calls, plus the public methods of `PowExpress`. */
export interface ExpressExtensions {
  readonly services: PowExtensions | null;
  readonly rememberMeCookieName: string;
  /** Account events of the flows (with the request's address, agent, device) and the security log. */
  readonly security: ExpressSecurityLog;
  /** Called for every request of the middleware (remembers the app for mail rendering). */
  seeRequest(req: Request): void;
  /** True when this request should be signed in from its remember-me cookie. */
  wantsRestore(req: Request, signedIn: boolean): boolean;
  restore(req: Request, res: Response): Promise<void>;
  /** After a correct password: a refusal (unconfirmed account), or null to go on. */
  refuseSignIn(user: UserRecord): Promise<Extract<SignInResult, { ok: false }> | null>;
  /**
   * After a correct password of a confirmed account: two-factor's pending second step (no
   * session yet), or null to sign in now.
   */
  secondStep(
    req: Request,
    res: Response,
    user: UserRecord,
    options: SignInOptions | undefined,
    /** The first factor, named again by the sign-in event when the second step is finished. */
    method?: string,
  ): Promise<Extract<SignInResult, { ok: false }> | null>;
  afterSignIn(
    req: Request,
    res: Response,
    user: UserRecord,
    options: SignInOptions | undefined,
  ): Promise<void>;
  beforeSignOut(req: Request, res: Response): Promise<void>;
  register(params: UserParams, create: () => Promise<Result<UserRecord>>): Promise<Result<UserRecord>>;
  updateUser(user: UserRecord, params: UserParams): Promise<UpdateUserResult | null>;
  afterPasswordChange(req: Request, res: Response, user: UserRecord): Promise<void>;
  afterDelete(req: Request, res: Response, user: UserRecord): Promise<void>;
  api: Pick<
    PowExpress,
    | 'registerWithConfirmation'
    | 'confirmEmail'
    | 'resendConfirmation'
    | 'requestPasswordReset'
    | 'keepResetToken'
    | 'keptResetToken'
    | 'forgetResetToken'
    | 'verifyResetToken'
    | 'resetPassword'
    | 'invite'
    | 'verifyInvitation'
    | 'acceptInvitation'
  > &
    AccountSessionsApi &
    TwoFactorApi &
    PasskeysApi &
    ExpressSecurityLog['api'] &
    MagicLinkApi;
}

/** The enabled extensions of `pow` that send mail (they need a mailer and a base URL). */
export function mailingExtensions(pow: Pick<Pow, 'extensions'>): string[] {
  return MAILING_EXTENSIONS.filter((name) => pow.extensions.includes(name));
}

function configError(message: string, fix?: string): PowError {
  return new PowError({ code: 'POW_CONFIG_INVALID', message, fix });
}

function truthy(value: unknown): boolean {
  return typeof value === 'string' && ['true', 'on', '1', 'yes'].includes(value.toLowerCase());
}

function bodyField(req: Request, name: string): unknown {
  const body = (req as { body?: unknown }).body;
  return body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
}

interface AppLike {
  get(name: string): unknown;
  render(
    view: string,
    locals: Record<string, unknown>,
    callback: (error: Error | null, html?: string) => void,
  ): void;
}

function viewsRoot(app: AppLike): string | undefined {
  const views = app.get('views');
  const first = Array.isArray(views) ? views[0] : views;
  return typeof first === 'string' ? first : undefined;
}

/**
 * `mail.mailer` as a Mailer. A function (the generated config's `mailer`, which reads SMTP_URL) is
 * called once, at start-up or before the first mail, so the app's .env is loaded by then.
 */
function deferredMailer(mailer: Deferred<Mailer>): Mailer {
  const setting = deferredSetting<Mailer>(
    mailer,
    {
      key: 'powExpress({ mail: { mailer } })',
      purpose: 'pow sends the e-mails of its extensions through it',
      expected: 'a Mailer such as smtpMailer(url) or consoleMailer()',
      problem: (value) =>
        value && typeof value === 'object' && typeof value.send === 'function' ? null : 'is not a Mailer',
    },
    { required: true },
  ) as Setting<Mailer>;
  if (typeof mailer !== 'function') return setting.get();
  let made: Mailer | undefined;
  return {
    send: (message) => (made ??= setting.get()).send(message),
    // A mailer never made has nothing to release.
    close: async () => {
      await made?.close?.();
    },
  };
}

/** Builds the mail options of the services from `PowMailOptions` (app-relative `views` resolved lazily). */
function serviceMail(
  mail: PowMailOptions,
  appOf: () => AppLike | undefined,
  translator: Translator,
): ExtensionMailOptions {
  if (!mail || typeof mail !== 'object' || !mail.mailer) {
    throw configError('powExpress: mail.mailer must be a Mailer (smtpMailer(url), consoleMailer()).');
  }
  if (mail.views !== undefined && (mail.templateDir !== undefined || mail.renderFile !== undefined)) {
    throw configError('powExpress: give mail.views or mail.templateDir + mail.renderFile, not both.');
  }
  for (const key of ['appName', 'supportEmail'] as const) {
    const value = mail[key];
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '' || /[\r\n]/.test(value)))
      throw configError(`powExpress: mail.${key} must be a one-line, non-empty string.`);
  }
  const locale = translator.defaultLocale;
  const out: ExtensionMailOptions = {
    mailer: deferredMailer(mail.mailer),
    ...(mail.from !== undefined ? { from: mail.from } : {}),
    ...(mail.onError !== undefined ? { onError: mail.onError } : {}),
    ...(mail.appName !== undefined ? { appName: mail.appName } : {}),
    ...(mail.supportEmail !== undefined ? { supportEmail: mail.supportEmail } : {}),
    translate: () => (key, params) => translator.t(locale, key, params),
    locale: () => locale,
  };
  if (mail.views === undefined) {
    if (mail.templateDir !== undefined) out.templateDir = mail.templateDir;
    if (mail.renderFile !== undefined) out.renderFile = mail.renderFile;
    return out;
  }
  const relative = mail.views.replace(/^\/+|\/+$/g, '');
  const renderFile: RenderFile = (file, locals) =>
    new Promise<string>((resolve, reject) => {
      const app = appOf();
      if (!app) {
        reject(new Error('pow: no Express app seen yet to render mail templates with'));
        return;
      }
      app.render(file, locals, (error, html) => (error ? reject(error) : resolve(html ?? '')));
    });
  // Read at send time: the app (and its views folder) is known once a request went through.
  // Absolute, as Express resolves a relative `views` setting (against the working directory):
  // `app.render` looks a relative file name up inside the views folder, where "views/pow/mailer/…"
  // of an app with `app.set('views', 'views')` does not exist, and every mail failed.
  Object.defineProperty(out, 'templateDir', {
    enumerable: true,
    get() {
      const app = appOf();
      const root = app ? viewsRoot(app) : undefined;
      return root ? resolvePath(root, relative) : undefined;
    },
  });
  out.renderFile = renderFile;
  return out;
}

export function createExpressExtensions(host: ExtensionHost, options: PowExpressOptions): ExpressExtensions {
  const { pow, routes } = host;
  const enabled = pow.extensions;
  // Derived from the session cookie's name, which is resolved on first use (settings.ts).
  let rememberMeName: string | undefined;
  const rememberMeCookieName = () => {
    if (rememberMeName === undefined) {
      const name = options.rememberMeCookieName ?? `${host.cookieName}_remember`;
      serializeCookie(name, 'x');
      rememberMeName = name;
    }
    return rememberMeName;
  };
  if (options.rememberMeCookieName !== undefined) serializeCookie(options.rememberMeCookieName, 'x');
  let app: AppLike | undefined;

  let services: PowExtensions | null = null;
  if (enabled.length > 0) {
    if (!options.prisma) {
      throw configError(
        `powExpress: the extensions ${enabled.join(', ')} of user type "${host.userType}" need the Prisma client.`,
        'Pass `prisma` (the client given to createPow) to powExpress(pow, { prisma, ... }).',
      );
    }
    const mails = mailingExtensions(pow);
    if (mails.length > 0 && !options.mail) {
      throw new PowError({
        code: 'POW_MAIL_NOT_CONFIGURED',
        message: `powExpress: the extensions ${mails.join(', ')} of user type "${host.userType}" send mail, but no mailer is configured.`,
        fix: 'Pass `mail: { mailer: smtpMailer(process.env.SMTP_URL), views: "pow/mailer" }` (consoleMailer() in development).',
      });
    }
    // The base URL is read when the first link is built (powExpress checks it at start-up).
    let base: string | undefined;
    const linkBase = (): string => {
      if (base !== undefined) return base;
      const url = host.baseUrl();
      // Keep a path prefix of the base URL (an app served under /app) but never a trailing slash.
      return (base = url ? new URL(url).origin + new URL(url).pathname.replace(/\/+$/, '') : '');
    };
    services = powExtensions(pow, {
      ...options.extensionOptions,
      prisma: options.prisma,
      rateLimiter: host.limiter,
      url: (name: MailLinkName, params?: { token: string }) =>
        linkBase() + mailLinkPath(routes, name, params),
      ...(options.mail ? { mail: serviceMail(options.mail, () => app, host.translator) } : {}),
    });
    services.onPasswordReset(async (user) => {
      // The reset proves control of the address: lift a lock of the account.
      for (const field of pow.userIdFields) {
        const value = user[field];
        if (typeof value === 'string' && value !== '') await host.clearSignInFailures(value);
      }
    });
  }

  const has = (name: Pow['extensions'][number]) => enabled.includes(name);
  const require = (): PowExtensions => {
    if (services) return services;
    throw new PowError({
      code: 'POW_EXTENSION_DISABLED',
      message: `No extension is enabled for user type "${host.userType}".`,
      fix: 'Add the extension to `extensions` in createPow({...}) (pow install --extension <name>).',
    });
  };

  // ---- remember-me cookie ----------------------------------------------------------------------

  const signer = createSigner(() => pow.secret, `remember:${host.userType}`);
  const setRememberCookie = (res: Response, token: string, maxAgeMs: number) =>
    setCookieHeader(
      res,
      rememberMeCookieName(),
      serializeCookie(rememberMeCookieName(), signer.sign(token), {
        ...host.cookieAttributes,
        maxAge: Math.floor(maxAgeMs / 1000),
      }),
    );
  const clearRememberCookie = (res: Response) =>
    setCookieHeader(
      res,
      rememberMeCookieName(),
      serializeCookie(rememberMeCookieName(), '', { ...host.cookieAttributes, maxAge: 0 }),
    );
  const rememberToken = (req: Request): string | null | undefined => {
    const raw = readCookie(req.headers.cookie, rememberMeCookieName());
    if (raw === undefined) return undefined;
    return signer.unsign(raw);
  };

  // ---- reset token cookie (security bar F8) ------------------------------------------------------

  // Scoped to the reset pages, so a `__Host-` name (which requires Path=/) becomes `__Secure-`.
  const resetCookieName = () => `${host.cookieName.replace(/^__Host-/, '__Secure-')}_reset`;
  // Sent to the form page and its target only: the path they share, from the routes file.
  const resetCookiePath = () =>
    commonPathPrefix(routes.path('reset_password.form'), routes.path('reset_password.submit'));
  const resetSigner = createSigner(() => pow.secret, `reset-password:${host.userType}`);
  const requireReset = (): PowExtensions => {
    const ext = require();
    ext.context.require('reset-password');
    return ext;
  };
  const writeResetCookie = (res: Response, value: string, maxAgeSeconds: number) =>
    setCookieHeader(
      res,
      resetCookieName(),
      serializeCookie(resetCookieName(), value, {
        ...host.cookieAttributes,
        path: resetCookiePath(),
        maxAge: maxAgeSeconds,
      }),
    );

  // ---- rate limit of requests that send mail ----------------------------------------------------

  const limited = async (req: Request): Promise<Extract<MailRequestResult, { ok: false }> | null> => {
    const address = normalizeAddress(req.ip ?? req.socket?.remoteAddress ?? undefined);
    const verdict = await host.limiter.hit('mailRequestsPerAddress', address);
    if (verdict.allowed) return null;
    return {
      ok: false,
      status: 429,
      messageKey: 'auth.too_many_requests',
      retryAfterSeconds: verdict.retryAfterSeconds,
    };
  };

  const security = createExpressSecurityLog({
    pow,
    userType: host.userType,
    sessionCookie: () => ({ name: host.cookieName, attributes: host.cookieAttributes }),
    routes,
    translator: host.translator,
    prisma: options.prisma,
    services,
    options: options.securityLog,
    currentUser: host.currentUser,
    notAuthenticated: host.notAuthenticated,
  });

  /** What a remember-me token records about this browser: its user agent and current session. */
  const browserData = (req: Request): Record<string, unknown> => {
    const session = host.currentSession(req)?.session;
    return rememberMeData(session?.userAgent, session?.id);
  };

  const accountSessions = createAccountSessionsApi({
    pow,
    emit: (req, name, userId, detail) => security.emit(req, name, userId, detail),
    currentUser: host.currentUser,
    currentSession: host.currentSession,
    rememberToken,
    notAuthenticated: host.notAuthenticated,
  });

  // ---- two-factor --------------------------------------------------------------------------------

  // Made only when enabled: it needs the two-factor model of the Prisma client.
  const twoFactor: TwoFactorHooks | null = has('two-factor')
    ? createTwoFactorHooks({
        pow,
        prisma: options.prisma as object,
        options: options.twoFactor,
        // Read on use: the session cookie's name and attributes resolve when the app mounts pow.
        cookieName: () => host.cookieName,
        cookieAttributes: () => host.cookieAttributes,
        limiter: host.limiter,
        currentUser: host.currentUser,
        notAuthenticated: host.notAuthenticated,
        signInNow: async (req, res, user, signInOptions) => {
          await host.startSession(req, res, user);
          await hooks.afterSignIn(req, res, user, signInOptions);
        },
        emit: security.emit,
        // Made below; read on use.
        passkeys: () => passkeys.secondFactor,
      })
    : null;
  const requireTwoFactor = (): TwoFactorApi => {
    if (twoFactor) return twoFactor.api;
    throw new PowError({
      code: 'POW_EXTENSION_DISABLED',
      message: `The two-factor extension is not enabled for user type "${host.userType}".`,
      fix: "Add 'two-factor' to `extensions` in createPow({...}) (pow install --extension two-factor).",
    });
  };
  const twoFactorApi: TwoFactorApi = {
    twoFactorStatus: (req) => requireTwoFactor().twoFactorStatus(req),
    beginTwoFactorSetup: (req) => requireTwoFactor().beginTwoFactorSetup(req),
    confirmTwoFactorSetup: (req, code) => requireTwoFactor().confirmTwoFactorSetup(req, code),
    disableTwoFactor: (req, res, password) => requireTwoFactor().disableTwoFactor(req, res, password),
    regenerateRecoveryCodes: (req, password) => requireTwoFactor().regenerateRecoveryCodes(req, password),
    twoFactorChallenge: (req) => requireTwoFactor().twoFactorChallenge(req),
    twoFactorPasskeyOptions: (req) => requireTwoFactor().twoFactorPasskeyOptions(req),
    completeTwoFactor: (req, res, input) => requireTwoFactor().completeTwoFactor(req, res, input),
  };
  const passkeys = createPasskeysApi({
    pow,
    // Read on first use: the cookie settings may resolve only when the app mounts pow.
    get cookieName() {
      return host.cookieName;
    },
    get cookieAttributes() {
      return host.cookieAttributes;
    },
    prisma: options.prisma,
    limiter: host.limiter,
    baseUrl: host.baseUrl,
    currentUser: host.currentUser,
    startSession: host.startSession,
    refuseSignIn: (user) => hooks.refuseSignIn(user),
    notAuthenticated: host.notAuthenticated,
    emit: security.emit,
  });

  const magicLink = createMagicLinkApi({
    pow,
    limiter: host.limiter,
    services: () => {
      const ext = require();
      ext.context.require('magic-link');
      return ext;
    },
    limitedByAddress: limited,
    signInPaused: host.signInPaused,
    clearSignInFailures: host.clearSignInFailures,
    finishSignIn: host.finishSignIn,
    emit: security.emit,
  });

  // ---- the hooks --------------------------------------------------------------------------------

  const hooks: ExpressExtensions = {
    services,
    get rememberMeCookieName() {
      return rememberMeCookieName();
    },
    security,

    seeRequest(req) {
      if (!app) {
        const candidate = (req as { app?: unknown }).app as AppLike | undefined;
        if (candidate && typeof candidate.render === 'function' && typeof candidate.get === 'function')
          app = candidate;
      }
    },

    wantsRestore(req, signedIn) {
      return (
        !signedIn &&
        has('persistent-session') &&
        SAFE_METHODS.has(req.method) &&
        readCookie(req.headers.cookie, rememberMeCookieName()) !== undefined
      );
    },

    async restore(req, res) {
      const token = rememberToken(req);
      const used = token ? await require().useRememberMe(token) : null;
      if (!used) {
        clearRememberCookie(res);
        return;
      }
      // Not a sign-in: a remembered browser has no recent sign-in to confirm a deletion with.
      await host.startSession(req, res, used.user, 'restore');
      await security.emit(req, 'sign-in', used.user.id, { method: 'remember-me' });
      if (!used.next) return;
      setRememberCookie(res, used.next.token, used.next.maxAgeMs);
      // sessions: the token now stands for the new session (revoking that session revokes it
      // too). One more store write per restore, so only when the sessions page exists.
      if (!has('sessions')) return;
      const session = host.currentSession(req)?.session;
      await updateTokenData(pow, 'persistent_session', used.next.token, {
        ...used.data,
        ...rememberMeData(session?.userAgent, session?.id),
      });
    },

    async refuseSignIn(user) {
      if (!services || !has('email-confirmation') || services.isConfirmed(user)) return null;
      await services.sendConfirmation(user);
      return {
        ok: false,
        status: 403,
        messageKey: 'email_confirmation.email_confirmation_required',
        reason: 'unconfirmed',
      };
    },

    async secondStep(req, res, user, signInOptions, method) {
      return twoFactor ? twoFactor.secondStep(req, res, user, signInOptions, method) : null;
    },

    async afterSignIn(req, res, user, signInOptions) {
      if (!services || !has('persistent-session')) return;
      const previous = rememberToken(req);
      if (previous) await services.clearRememberMe(previous);
      const wanted = signInOptions?.rememberMe ?? truthy(bodyField(req, 'remember_me'));
      if (!wanted) {
        if (previous !== undefined) clearRememberCookie(res);
        return;
      }
      const issued = await services.issueRememberMe(user, browserData(req));
      if (issued) setRememberCookie(res, issued.token, issued.maxAgeMs);
    },

    async beforeSignOut(req, res) {
      const token = rememberToken(req);
      if (token === undefined) return;
      if (token !== null && services && has('persistent-session')) await services.clearRememberMe(token);
      clearRememberCookie(res);
    },

    async register(params, create) {
      const result = await create();
      if (result.ok && services && has('email-confirmation') && !services.isConfirmed(result.value)) {
        await services.sendConfirmation(result.value);
      }
      return result;
    },

    async updateUser(user, params) {
      if (!services || !has('email-confirmation')) return null;
      const result = await services.updateUser(user, params);
      if (!result.ok) return result;
      return { ok: true, value: result.user, emailConfirmationRequired: result.emailConfirmationRequired };
    },

    async afterPasswordChange(req, res, user) {
      if (!services || !has('persistent-session')) return;
      await services.revokeRememberMe(user);
      // This browser keeps "keep me logged in" with a fresh token; every other one loses it.
      if (rememberToken(req) === undefined) return;
      const issued = await services.issueRememberMe(user, browserData(req));
      if (issued) setRememberCookie(res, issued.token, issued.maxAgeMs);
      else clearRememberCookie(res);
    },

    async afterDelete(req, res, user) {
      if (services) await services.revokeAllTokens(user);
      if (readCookie(req.headers.cookie, rememberMeCookieName()) !== undefined) clearRememberCookie(res);
    },

    api: {
      ...accountSessions,
      ...twoFactorApi,
      ...passkeys.api,
      ...security.api,
      ...magicLink,

      async registerWithConfirmation(req, params) {
        const ext = require();
        const refused = await host.signUpRefused(req);
        if (refused) return refused;
        return ext.register(params);
      },

      async confirmEmail(req, res, token) {
        const result = await require().confirmEmail(token);
        if (result.ok && result.emailChanged) await security.emit(req, 'email-changed', result.user.id);
        const current = host.currentUser(req);
        if (result.ok && current && String(current.id) === String(result.user.id)) {
          // The account changed under this session: rotate it (new id, fresh user record).
          await host.startSession(req, res, result.user, 'rotate');
        }
        return result;
      },

      async resendConfirmation(req, email) {
        const ext = require();
        const refused = await limited(req);
        if (refused) return refused;
        await ext.resendConfirmation(email);
        return { ok: true };
      },

      async requestPasswordReset(req, email) {
        const ext = require();
        const refused = await limited(req);
        if (refused) return refused;
        await ext.requestPasswordReset(email);
        return { ok: true };
      },

      keepResetToken(req, res, token) {
        const ttlMs = requireReset().context.ttl.reset_password;
        if (isWellFormedToken(token)) {
          writeResetCookie(res, resetSigner.sign(token), Math.max(1, Math.floor(ttlMs / 1000)));
        } else if (readCookie(req.headers.cookie, resetCookieName()) !== undefined) {
          // A mangled link replaces whatever an earlier link kept: the form says "expired".
          writeResetCookie(res, '', 0);
        }
      },

      keptResetToken(req) {
        requireReset();
        const raw = readCookie(req.headers.cookie, resetCookieName());
        const token = raw === undefined ? null : resetSigner.unsign(raw);
        return isWellFormedToken(token) ? token : null;
      },

      forgetResetToken(req, res) {
        requireReset();
        if (readCookie(req.headers.cookie, resetCookieName()) !== undefined) writeResetCookie(res, '', 0);
      },

      async verifyResetToken(_req, token) {
        return require().verifyResetToken(token);
      },

      async resetPassword(req, token, params) {
        const result = await require().resetPassword(token, params);
        if (result.ok) await security.emit(req, 'password-reset', result.user.id);
        return result;
      },

      async invite(req, params) {
        const ext = require();
        const inviter = host.currentUser(req);
        if (!inviter) throw host.notAuthenticated();
        const refused = await limited(req);
        if (refused) return refused;
        return ext.invite(inviter, params);
      },

      async verifyInvitation(_req, token) {
        return require().verifyInvitation(token);
      },

      async acceptInvitation(req, res, token, params) {
        const result = await require().acceptInvitation(token, params);
        if (result.ok) await host.startSession(req, res, result.user);
        return result;
      },
    },
  };
  return hooks;
}
