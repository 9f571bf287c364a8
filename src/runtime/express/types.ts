/**
 * The public contract of pow's Express layer (`pow/express`), for Express 5 and 4.
 *
 * Generated routes and controllers use only this surface. Request and response types are
 * structural so the same code compiles against @types/express 4 and 5.
 */
import type { SecurityHeadersOptions } from './security-headers.js';
import type { Pow, UserRecord, FieldErrors, UserParams, Result, PrismaLike } from '../core/types.js';
import type { MailErrorHandler, Mailer, RenderFile } from '../mail/types.js';
import type { RateLimitOptions } from '../core/rate-limit.js';
import type {
  AcceptInvitationResult,
  ConfirmEmailResult,
  ExtensionOptions,
  InviteResult,
  PowExtensions,
  ResetPasswordResult,
} from '../extensions/index.js';
import type { DeviceList } from '../extensions/sessions.js';
import type {
  BeginSetupResult,
  ConfirmSetupResult,
  TwoFactorOptions,
  TwoFactorStatus,
} from '../extensions/two-factor.js';
import type { PasskeysApi } from './passkeys.js';
import type { TwoFactorChallenge, TwoFactorPasskeyOptionsResult } from './two-factor.js';
import type { SecurityLogOptions, SecurityLogPage } from '../extensions/security-log.js';
import type { SecurityEventName } from '../core/security-events.js';

// Express's own types, imported as types only so that the runtime does not pin an Express major.
import type { Request, Response, NextFunction, RequestHandler, ErrorRequestHandler } from 'express';

export type { Request, Response, NextFunction, RequestHandler, ErrorRequestHandler };

/** Redirect targets, Pow's routes callbacks. Each may be overridden on its own. */
export interface RoutesCallbacks {
  afterSignInPath(req: Request): string;
  afterSignOutPath(req: Request): string;
  afterRegistrationPath(req: Request): string;
  afterUserUpdatedPath(req: Request): string;
  afterUserDeletedPath(req: Request): string;
  userNotAuthenticatedPath(req: Request): string;
  userAlreadyAuthenticatedPath(req: Request): string;
  /**
   * Paths of pow's own pages, prefixed with the mount path (e.g. "/admin/session/new"): the paths
   * of the routes file when it calls `auth.readPages`, else pow's defaults. Throws for a page the
   * routes file has no route for.
   */
  path(name: PowPathName, params?: Record<string, string>): string;
  /** Whether the routes file has a route for this page (links to optional pages check it). */
  has(name: PowPathName): boolean;
}

export type PowPathName =
  | 'session.new'
  | 'session.create'
  | 'session.delete'
  | 'registration.new'
  | 'registration.create'
  | 'registration.edit'
  | 'registration.update'
  | 'registration.delete'
  | 'reset_password.new'
  | 'reset_password.create'
  | 'reset_password.edit'
  | 'reset_password.update'
  | 'reset_password.form'
  | 'reset_password.submit'
  | 'confirmation.show'
  | 'confirmation.new'
  | 'confirmation.create'
  /** The older name of confirmation.new. */
  | 'confirmation.resend'
  | 'invitation.new'
  | 'invitation.create'
  | 'invitation.edit'
  | 'invitation.update'
  | 'sessions.index'
  | 'sessions.delete'
  | 'sessions.delete_others'
  /** oauth: off to the provider (`:provider` is its name); signed in, it links the provider. */
  | 'oauth.new'
  /** oauth: where the provider sends the browser back (registered with the provider). */
  | 'oauth.callback'
  /** oauth: unlinks the provider from the signed-in user. */
  | 'oauth.delete'
  | 'two_factor.show'
  | 'two_factor.new'
  | 'two_factor.create'
  | 'two_factor.delete'
  | 'two_factor.challenge'
  | 'two_factor.verify'
  | 'two_factor.passkey_options'
  | 'two_factor.recovery_codes'
  /** passkeys: the list on the account, adding one (options, then the answer), removing one (confirm, then delete). */
  | 'passkeys.index'
  | 'passkeys.registration_options'
  | 'passkeys.create'
  | 'passkeys.confirm_delete'
  | 'passkeys.delete'
  /** passkeys: passwordless sign-in (options, then the answer). */
  | 'passkeys.sign_in_options'
  | 'passkeys.sign_in'
  /** passkeys: the owned browser glue (served from the views folder) and @simplewebauthn/browser. */
  | 'passkeys.script'
  | 'passkeys.browser'
  | 'security_log.index'
  /** magic-link: the request form, its target, the "check your mail" page. */
  | 'magic_link.new'
  | 'magic_link.create'
  | 'magic_link.sent'
  /** magic-link: the mailed link (a confirmation page), and the button's target that signs in. */
  | 'magic_link.show'
  | 'magic_link.sign_in'
  /** The stylesheet of pow's views, served by the routes file. */
  | 'layout.stylesheet';

export interface I18nOptions {
  /** Default "en". Shipped: "en", "de". */
  defaultLocale?: string;
  /** Pick a locale per request; default reads Accept-Language. */
  resolveLocale?: (req: Request) => string | undefined;
  /** Extra or overriding messages per locale: { en: { "session.signed_in": "..." } }. */
  messages?: Record<string, Record<string, string>>;
}

/** @deprecated Use `rateLimits.signInFailuresPerAccount` / `rateLimits.signInFailuresPerAddress`. */
export interface ThrottleOptions {
  /** Failed sign-ins per account within `windowMs` before the account is temporarily locked. Default 10. */
  maxFailuresPerAccount?: number;
  /** Failed sign-ins per source address within `windowMs` before 429. Default 50. */
  maxFailuresPerAddress?: number;
  /** Default 15 min. */
  windowMs?: number;
}

export interface PowExpressOptions {
  /**
   * Over pow's security headers (security-headers.ts): `pages` for pow's own pages, refusals and
   * 503 page (a strict Content-Security-Policy, `no-store`, `nosniff`, no framing), `authenticated`
   * for responses of `requireAuthenticated`. A value of `false` leaves a header out, e.g.
   * `{ authenticated: { 'X-Frame-Options': 'SAMEORIGIN', 'Content-Security-Policy': "frame-ancestors 'self'" } }`.
   */
  securityHeaders?: SecurityHeadersOptions;
  /** Key on `req` and `res.locals` for the signed-in user. Default "current" + userType ("currentUser"). */
  currentUserKey?: string;
  /** Cookie name; default "pow_<userType>" ("__Host-pow_<userType>" in production over HTTPS). */
  cookieName?: string;
  /** Where this user type's routes are mounted: "" for users, "/admin" for admins. */
  mountPath?: string;
  /**
   * Absolute origin for links in e-mails, e.g. "https://example.com". Never taken from Host. A
   * function, e.g. `fromEnv('POW_BASE_URL')`, is read at start-up (`auth.middleware()`).
   */
  baseUrl?: string | (() => string | undefined);
  routes?: Partial<Omit<RoutesCallbacks, 'path' | 'has'>>;
  /**
   * Where people land after signing in or registering when no `request_path` says otherwise:
   * an app path ("/dashboard") or the name of one of pow's pages ("registration.edit", resolved
   * through `routes.path`). Default: the mount path ("/"). `routes.afterSignInPath` overrides it.
   */
  landingPath?: string;
  i18n?: I18nOptions;
  /**
   * Every rate limit of this user type, in one table (defaults in `DEFAULT_RATE_LIMITS`): failed
   * sign-ins per account (10 / 15 min, then a temporary lock) and per client address (50 / 15 min,
   * then 429), sign-ups per client address (10 / h), requests that send mail per client address
   * (20 / 15 min), mails of one kind per recipient (3 / h; more are not sent), sign-in link
   * requests per typed address (5 / h, then 429). Each is
   * `{ max, windowMs }` or `false` (off). Counters live in the pow store, shared by every instance.
   */
  rateLimits?: RateLimitOptions;
  /** @deprecated Use `rateLimits.signInFailuresPerAccount` / `.signInFailuresPerAddress`. */
  throttle?: ThrottleOptions;
  /**
   * Send Secure cookies (and name the session cookie `__Host-…`). Default: NODE_ENV === "production",
   * read when the app mounts `auth.middleware()`, so a NODE_ENV the app loads from .env counts.
   */
  secureCookies?: boolean;
  /** Respond with JSON 401/403 instead of redirects (APIs). Default: by Accept header. */
  json?: boolean;
  /**
   * Replaces the default responses of the guards and the CSRF check (redirect + flash, or JSON
   * 401/403). It must end the response or call `next(err)`; `auth.defaultErrorResponse` is
   * the default, for handlers that only want to change some kinds.
   */
  errorHandler?: PowErrorHandler;
  /** Largest urlencoded body the middleware reads itself, in bytes. Default 100 KiB. */
  bodyLimit?: number;
  /** Called when persisting flash or CSRF data after a response failed (default: console.error). */
  onCommitError?: (error: unknown, req: Request) => void;

  // ---- extensions (src/runtime/express/extensions.ts) ----------------------------------------

  /**
   * The app's PrismaClient (the one given to `createPow`). Required when `pow.extensions` is not
   * empty: the extensions write the columns they own (`emailConfirmedAt`, `invitedById`, ...).
   */
  prisma?: PrismaLike;
  /** How extension mails are sent and rendered. Required with reset-password, email-confirmation, invitation or magic-link. */
  mail?: PowMailOptions;
  /** Token lifetimes, remember-me grace window, enumeration protection (see ExtensionOptions). */
  extensionOptions?: Pick<
    ExtensionOptions,
    'tokenTtlMs' | 'rememberMeGraceMs' | 'revokeSessionsOnTheft' | 'preventUserEnumeration'
  >;
  /**
   * two-factor: the key that encrypts TOTP secrets at rest (`fromEnv('POW_TWO_FACTOR_KEY')`), the
   * issuer name apps show, how long the second step waits (5 min) and how long "remember this
   * device" lasts (30 days).
   */
  twoFactor?: TwoFactorOptions;
  /**
   * security-log: how long events are kept (`retentionDays`, default 90), entries per page,
   * whether a sign-in from a new browser is mailed (`newDeviceMail`, default true).
   */
  securityLog?: SecurityLogOptions;
  /** Remember-me cookie name; default "<cookieName>_remember". */
  rememberMeCookieName?: string;
  /** @deprecated Use `rateLimits.mailRequestsPerAddress`. */
  mailRateLimit?: { max?: number; windowMs?: number } | false;
}

/** Mail delivery of the extensions. */
export interface PowMailOptions {
  /**
   * `smtpMailer(url)`, `consoleMailer()` (development), or your own adapter; or a function returning
   * one, called at start-up (`auth.middleware()`), so it may read the environment the app loads.
   */
  mailer: Mailer | (() => Mailer);
  /**
   * Folder of the app's mail templates relative to the app's views folder (`app.get('views')`),
   * e.g. "pow/mailer": `<name>.html.ejs` / `<name>.text.ejs` there are rendered with the app's view
   * engine (`app.render`). Missing files fall back to pow's built-in texts.
   */
  views?: string;
  /** Or: an absolute folder of mail templates and the function that renders them (`ejs.renderFile`). */
  templateDir?: string;
  renderFile?: RenderFile;
  /** Sender, when the mailer has no default. */
  from?: string;
  /**
   * The app's name, in every mail's subject ("Reset your Acme password") and at the top of its
   * body. Default: the host of `baseUrl`. The generated config sets the package.json name.
   */
  appName?: string;
  /** An address people can write to for help, named in every mail's footer. No such line without it. */
  supportEmail?: string;
  /** Delivery failures (default: one line on stderr, never the body). */
  onError?: MailErrorHandler;
}

/** Options of `auth.signIn`. */
export interface SignInOptions {
  /**
   * Issue a remember-me cookie (persistent-session). Default: the `remember_me` field of the
   * submitted form ("true", "on", "1"); a missing field means no.
   */
  rememberMe?: boolean;
}

/** The answer of `auth.signIn`. */
export type SignInResult =
  | { ok: true; user: UserRecord }
  | {
      ok: false;
      /**
       * 401 wrong credentials, 403 e-mail not confirmed (a new link was mailed), 429 throttled,
       * 503 the store or database did not answer (`retryAfterSeconds` set; nothing was verified).
       */
      status: 401 | 403 | 429 | 503;
      messageKey: string;
      /** Values for the message (`session.account_locked` has `minutes`): `auth.t(req, messageKey, messageParams)`. */
      messageParams?: Record<string, string | number>;
      retryAfterSeconds?: number;
      /**
       * `unconfirmed` (403): the password was right but the address is not confirmed yet.
       * `two-factor` (401): the password was right and the account has two-factor on: nobody is
       * signed in yet; send the browser to the `two_factor.challenge` page for its code.
       */
      reason?: 'unconfirmed' | 'two-factor';
    };

/** `auth.completeTwoFactor`: the second step of a sign-in. */
export type TwoFactorStepResult =
  | { ok: true; user: UserRecord }
  | {
      ok: false;
      /** 401 wrong, reused or missing code (or no pending sign-in), 429 throttled by address. */
      status: 401 | 429;
      messageKey: string;
      messageParams?: Record<string, string | number>;
      retryAfterSeconds?: number;
      /** No pending sign-in in this browser (it expired, or never was): start again with the password. */
      expired?: true;
    };

/** `auth.disableTwoFactor`: refused unless the password given is the account's. */
export type DisableTwoFactorResult = { ok: true } | { ok: false; errors: FieldErrors };

/**
 * `auth.regenerateRecoveryCodes`: ten new codes (shown once; the old ones no longer work), or
 * refused: the password is not the account's (`errors.codes_password`), or two-factor is off.
 */
export type RegenerateRecoveryCodesResult =
  | { ok: true; recoveryCodes: string[] }
  | { ok: false; reason: 'password' | 'not-enabled'; errors: FieldErrors };

/** Requests that send mail answer the same for every address, unless rate-limited. */
export type MailRequestResult =
  { ok: true } | { ok: false; status: 429; messageKey: string; retryAfterSeconds: number };

/**
 * `auth.verifyMagicLink`: whether a mailed sign-in link can still be used (the confirmation page),
 * without using it.
 */
export type MagicLinkState = { state: 'active'; user: UserRecord } | { state: 'used' | 'invalid' };

/** The answer of `auth.signInWithMagicLink`. */
export type MagicLinkSignInResult =
  | { ok: true; user: UserRecord }
  | {
      ok: false;
      /**
       * `used`: the link signed in before (a second click); `invalid`: unknown, expired, or mailed
       * to an address the account no longer has; `locked`: the account's sign-in is paused after
       * failed passwords (the link stays usable); `unconfirmed`: the address is not confirmed (a
       * confirmation link was mailed); `two-factor`: the account has two-factor on, nobody is
       * signed in yet (send the browser to the `two_factor.challenge` page for its code; the link
       * is used); `unavailable`: the store or database did not answer.
       */
      reason: 'used' | 'invalid' | 'locked' | 'unconfirmed' | 'two-factor' | 'unavailable';
      status: 401 | 403 | 410 | 503;
      messageKey: string;
      messageParams?: Record<string, string | number>;
      retryAfterSeconds?: number;
    };

/** `auth.deleteUser`: refused when the password given to confirm it is not the account's. */
export type DeleteUserResult = { ok: true } | { ok: false; errors: FieldErrors };

/** `auth.updateUser`: `emailConfirmationRequired` when a new e-mail waits for confirmation. */
export type UpdateUserResult =
  { ok: true; value: UserRecord; emailConfirmationRequired?: boolean } | { ok: false; errors: FieldErrors };

/** `auth.registerWithConfirmation`: `{ ok: true }` also for a taken e-mail (nothing tells them apart). */
export type RegisterWithConfirmationResult = { ok: true } | { ok: false; errors: FieldErrors };

/** Why a guard or the CSRF check refused a request. */
export type PowErrorKind =
  /** `requireAuthenticated` without a signed-in user: redirect to sign-in (HTML) or 401 (JSON). */
  | 'not_authenticated'
  /** `requireNotAuthenticated` with a signed-in user: redirect (HTML) or 403 (JSON). */
  | 'already_authenticated'
  /** A state-changing request without a valid CSRF token: 403. */
  | 'invalid_csrf'
  /** A form posted after the session ended (its CSRF secret went with it): like not_authenticated. */
  | 'session_expired';

export type PowErrorHandler = (kind: PowErrorKind, req: Request, res: Response, next: NextFunction) => void;

/** Per-request helpers, available as `req.pow` and `res.locals.pow` (for views). */
export interface PowRequestContext {
  /** Translate a message key for this request's locale. */
  t(key: string, params?: Record<string, string | number>): string;
  locale: string;
  /** CSRF token for forms: `<input type="hidden" name="_csrf" value="<%= pow.csrfToken %>">`. */
  csrfToken: string;
  /** Flash messages from the previous request, consumed on read. */
  flash: { info?: string; error?: string };
  /** Controller and action of the page being rendered (for breadcrumbs and layouts). */
  controller?: string;
  action?: string;
  /** Path helper for this user type's pages. */
  path: RoutesCallbacks['path'];
  /** Whether this user type's routes file has a route for the page (hide links to pages it dropped). */
  has: RoutesCallbacks['has'];
  /** Mount path of this user type ("" or "/admin"). */
  mountPath: string;
  /** The user type this context belongs to ("user", "admin"). */
  userType: string;
  /** The password policy's limits, so forms state them before a submit (`minlength`, the hint). */
  passwordRules: { readonly minLength: number; readonly maxBytes: number };
}

export interface PowExpress extends PasskeysApi {
  readonly pow: Pow;
  readonly currentUserKey: string;
  readonly cookieName: string;
  readonly mountPath: string;
  readonly routes: RoutesCallbacks;
  /**
   * Loads the session from the signed cookie, the current user (re-read per request), the
   * locale, flash and CSRF token. Unsafe requests to pow's own routes need the CSRF token (403
   * when missing or wrong); on the app's routes, only requests that carry this user type's
   * session are checked, by token or by `Sec-Fetch-Site` / `Origin` (forgery.ts,
   * docs/security.md). Mount once per user type, before its routes.
   */
  middleware(): RequestHandler;
  requireAuthenticated: RequestHandler;
  requireNotAuthenticated: RequestHandler;
  /** Maps pow errors to an HTML redirect with flash, or JSON 401/403 for APIs. */
  errorHandler(): ErrorRequestHandler;
  /**
   * Marks a route as one of pow's pages: sets `res.locals.pow.controller/action` and
   * `Cache-Control: no-store`, tells `readPages` which page the route's path serves, and makes an
   * unsafe request to it need the CSRF token, whatever its path.
   */
  page(controller: string, action: string): RequestHandler;
  /**
   * Reads the path of every page from the router of the routes file (the routes marked with
   * `auth.page`), once, at start-up: from then on pow's forms, links, redirects and mailed URLs use
   * those paths (relative to `mountPath`). Throws, naming the page and the file, when a page is
   * marked twice or a page pow needs has no route. Without this call pow uses its default paths.
   */
  readPages(router: unknown): void;

  /** The signed-in user of this type, or null. */
  currentUser(req: Request): UserRecord | null;
  /**
   * Checks credentials with throttling; on success rotates the session (new id) and sets the
   * cookie. On failure returns the generic message key; never reveals whether the account exists.
   */
  signIn(
    req: Request,
    res: Response,
    identifier: string,
    password: string,
    options?: SignInOptions,
  ): Promise<SignInResult>;
  /** Starts a session for a user already verified (after registration, invitation accept). */
  startSession(req: Request, res: Response, user: UserRecord): Promise<void>;
  /** Ends the session and clears the cookie; works when the session already expired. */
  signOut(req: Request, res: Response): Promise<void>;
  /**
   * Creates an account. With email-confirmation on, the new account is unconfirmed and gets a
   * confirmation mail; prefer `registerWithConfirmation`, which also hides taken addresses.
   */
  register(req: Request, params: UserParams): Promise<Result<UserRecord>>;
  /**
   * Account update. With email-confirmation on, a new e-mail is kept as `unconfirmedEmail` until
   * confirmed (`emailConfirmationRequired`). A password change ends every other session and
   * every remember-me token of the user.
   */
  updateUser(req: Request, params: UserParams): Promise<UpdateUserResult>;
  /**
   * Deletes the signed-in user's account, ends every session and signs out. With
   * `currentPassword` (the generated delete form asks for it, a second step before something that
   * cannot be undone) nothing happens unless it is the account's password: the result then has
   * `current_password` errors. An account without a password confirms by a sign-in within
   * `session.reauthenticateMs` instead (error key `errors.sign_in_again` when older). Without
   * `confirm` (older owned code) the account is deleted at once.
   */
  deleteUser(req: Request, res: Response, confirm?: { currentPassword: unknown }): Promise<DeleteUserResult>;
  /**
   * Whether the signed-in user's account has a password (false for one that signs in only through
   * an OAuth provider, a passkey or a sign-in link; false when signed out). The account page asks
   * for the current password only when there is one.
   */
  hasPassword(req: Request): Promise<boolean>;
  /** Sets a flash message (by i18n key) for the next request. */
  flash(req: Request, kind: 'info' | 'error', key: string, params?: Record<string, string | number>): void;
  /** Field errors as sentences that name their field ("Password must be at least 15 characters long."), field → messages in the request's locale. */
  translateErrors(req: Request, errors: FieldErrors): Record<string, string[]>;

  /** Translate a key in this request's locale (same as `req.pow.t` for this user type). */
  t(req: Request, key: string, params?: Record<string, string | number>): string;
  /** This user type's request context (`req.pow` may belong to another user type mounted later). */
  context(req: Request): PowRequestContext;
  /** CSRF token for this request's session (for API clients: send it as `X-CSRF-Token`). */
  csrfToken(req: Request): string;
  /** Clears the failed sign-in counter of an account (a password reset lifts a lock). */
  clearSignInFailures(identifier: string): Promise<void>;
  /**
   * After changing a user outside pow (a role, a lock column): the next request of each of the
   * user's sessions sees the change, instead of within `session.userRefreshMs` (default 1 min).
   * Same as `auth.pow.sessions.refreshUser(userId)`.
   */
  refreshUser(userId: string | number): Promise<void>;
  /** The built-in response for a guard/CSRF refusal (what `errorHandler` replaces). */
  defaultErrorResponse(kind: PowErrorKind, req: Request, res: Response): void;

  // ---- extensions: each throws POW_EXTENSION_DISABLED when its extension is off ----------------

  /** The framework-agnostic extension services of this user type (null when none is enabled). */
  readonly extensions: PowExtensions | null;
  /** Remember-me cookie name. */
  readonly rememberMeCookieName: string;
  /** email-confirmation: sign-up that never signs in and answers a taken e-mail like a new one. */
  registerWithConfirmation(req: Request, params: UserParams): Promise<RegisterWithConfirmationResult>;
  /** email-confirmation: confirms the address of a mailed link; re-creates the session of the same signed-in user. */
  confirmEmail(req: Request, res: Response, token: unknown): Promise<ConfirmEmailResult>;
  /** email-confirmation: mails a new link to an unconfirmed account with this e-mail (same answer for any input). */
  resendConfirmation(req: Request, email: unknown): Promise<MailRequestResult>;
  /** reset-password: mails a reset link when an account has this e-mail (same answer for any input). */
  requestPasswordReset(req: Request, email: unknown): Promise<MailRequestResult>;
  /**
   * reset-password: keeps the token of a mailed reset link for this browser, so the form page can
   * be shown under a URL without it (security bar F8): a signed cookie that is HttpOnly,
   * SameSite=Lax, sent only to the reset form and its target (the path both share in the routes
   * file, by default `<mountPath>/reset-password`) and dropped when the token would have expired.
   * Only the format is checked here (a malformed token clears the cookie instead); redirect to
   * `routes.path('reset_password.form')` next.
   */
  keepResetToken(req: Request, res: Response, token: unknown): void;
  /** reset-password: the token `keepResetToken` kept for this browser, or null. */
  keptResetToken(req: Request): string | null;
  /** reset-password: forgets the kept token (after a reset, or when it turned out invalid). */
  forgetResetToken(req: Request, res: Response): void;
  /** reset-password: the account of a valid reset token, or null. */
  verifyResetToken(req: Request, token: unknown): Promise<UserRecord | null>;
  /** reset-password: sets the new password; ends every session and remember-me token; signs nobody in. */
  resetPassword(req: Request, token: unknown, params: UserParams): Promise<ResetPasswordResult>;
  /** invitation: the signed-in user invites someone (not signed in → PowHttpError not_authenticated). */
  invite(req: Request, params: UserParams): Promise<InviteResult | Extract<MailRequestResult, { ok: false }>>;
  /** invitation: the invitee of a valid, unused invitation, or null. */
  verifyInvitation(req: Request, token: unknown): Promise<UserRecord | null>;
  /** invitation: sets the invitee's password and signs them in. */
  acceptInvitation(
    req: Request,
    res: Response,
    token: unknown,
    params: UserParams,
  ): Promise<AcceptInvitationResult>;
  /**
   * magic-link: mails a sign-in link when an account has this e-mail (same answer for any input);
   * 429 when this client address or this typed address asked too often.
   */
  requestMagicLink(req: Request, email: unknown): Promise<MailRequestResult>;
  /** magic-link: how many minutes a mailed link works (`extensionOptions.tokenTtlMs.magic_link`), for the pages. */
  magicLinkMinutes(): number;
  /** magic-link: whether a mailed link can still be used; reads only (mail scanners fetch links). */
  verifyMagicLink(req: Request, token: unknown): Promise<MagicLinkState>;
  /**
   * magic-link: uses the link once and signs its account in like a password sign-in (new session
   * id, remember-me from the form's `remember_me`, the account's failed sign-ins cleared), and
   * emits the `magic-link-sign-in` security event. Refuses a used, expired or unknown link, an
   * account whose sign-in is paused, and an unconfirmed address.
   */
  signInWithMagicLink(
    req: Request,
    res: Response,
    token: unknown,
    options?: SignInOptions,
  ): Promise<MagicLinkSignInResult>;
  /** sessions: the signed-in user's live sessions ("this device" first) and remember-me tokens. */
  listSessions(req: Request): Promise<DeviceList>;
  /**
   * sessions: signs one other session of the signed-in user out (and the remember-me token that
   * started it). False for the current session or an id that is not a live session of this user.
   */
  revokeSession(req: Request, sessionId: unknown): Promise<boolean>;
  /** sessions: revokes one remember-me token of the signed-in user by its listed id. */
  revokeRememberedDevice(req: Request, deviceId: unknown): Promise<boolean>;
  /** sessions: signs every other session and remember-me token of the signed-in user out. */
  revokeOtherSessions(req: Request): Promise<void>;
  /**
   * security-log: one page (1-based, default 1) of the signed-in user's own events, newest first,
   * within the retention. Never another user's.
   */
  listSecurityEvents(req: Request, page?: unknown): Promise<SecurityLogPage>;
  /**
   * Emits an account event for flows of the app's own (or pow's) with the request's IP address,
   * user agent and device; `userId` defaults to the signed-in user. Never fails the request.
   */
  emitSecurityEvent(
    req: Request,
    event: { name: SecurityEventName; userId?: string | number; detail?: Record<string, string> },
  ): Promise<void>;
  /** two-factor: whether the signed-in user has it on, and how many recovery codes are left. */
  twoFactorStatus(req: Request): Promise<TwoFactorStatus>;
  /**
   * two-factor: a set-up for the signed-in user (a secret, its URI and QR code as SVG); nothing
   * changes for the sign-in until `confirmTwoFactorSetup` accepts a code from it.
   */
  beginTwoFactorSetup(req: Request): Promise<BeginSetupResult>;
  /** two-factor: turns it on when `code` matches the set-up's secret; the recovery codes, shown once. */
  confirmTwoFactorSetup(req: Request, code: unknown): Promise<ConfirmSetupResult>;
  /** two-factor: turns it off, only with the account's password. Remembered devices are forgotten. */
  disableTwoFactor(req: Request, res: Response, currentPassword: unknown): Promise<DisableTwoFactorResult>;
  /**
   * two-factor: ten new recovery codes for the signed-in user, only with the account's password
   * (wrong guesses count like failed sign-ins). The old codes stop working at once; the new ones
   * are returned this once (pow keeps their hashes).
   */
  regenerateRecoveryCodes(req: Request, currentPassword: unknown): Promise<RegenerateRecoveryCodesResult>;
  /**
   * two-factor: this browser's pending sign-in (waiting for its code), with what the second-step
   * page shows ("remember this device for N days", and "use a passkey" when the user has one and
   * the passkeys extension is on); null when there is none (expired).
   */
  twoFactorChallenge(req: Request): Promise<TwoFactorChallenge | null>;
  /**
   * two-factor + passkeys: WebAuthn options for the second step (JSON for the browser): only the
   * pending user's passkeys, under a challenge bound to this browser's pending sign-in.
   */
  twoFactorPasskeyOptions(req: Request): Promise<TwoFactorPasskeyOptionsResult>;
  /**
   * two-factor: the second step of a sign-in: a TOTP `code` (good once), a `recoveryCode`
   * (single use) or, with passkeys, the browser's `passkey` answer (a passkey of the pending
   * user), throttled like the password. Starts the session on success; `rememberDevice` skips the
   * second step in this browser for `twoFactor.rememberDeviceMs`.
   */
  completeTwoFactor(
    req: Request,
    res: Response,
    input: { code?: unknown; recoveryCode?: unknown; passkey?: unknown; rememberDevice?: unknown },
  ): Promise<TwoFactorStepResult>;
}
