/**
 * pow's Express layer (`pow/express`), for Express 5 and 4: `powExpress(pow, options)`.
 *
 * This file assembles the public API from modules with one job each:
 * - settings.ts: the options, resolved and checked once at start-up;
 * - middleware.ts: `auth.middleware()`, the hot path of every request, in the order it runs;
 * - request-state.ts / request-context.ts: what pow knows about a request, and the `pow` views read;
 * - state-cookies.ts, commit.ts: the session and anonymous cookies, and the writes of session
 *   data that happen before the response is sent (the redirected request sees them);
 * - flash.ts: flash messages (shown in this render, carried over a redirect);
 * - forgery-check.ts: the CSRF token and the forgery rule of forgery.ts on state-changing requests;
 * - session-lifecycle.ts: sign-in, sign-up limits, account updates, deletion, sign-out;
 * - guards.ts, pages.ts, responses.ts: the guards, pow's page handlers, and pow's refusals (401,
 *   403, redirects with a flash, 503 with Retry-After on a store outage).
 *
 * Where state lives:
 * - Signed-in users: the CSRF secret and flash messages are in the server-side session data.
 * - Anonymous visitors: in a second signed cookie, `<cookieName>_anon` (HttpOnly, same
 *   attributes), holding only the CSRF secret and pending flash keys. It is created lazily, the
 *   first time a page asks for `pow.csrfToken` or a flash is carried over a redirect, so static
 *   assets and APIs never get one, and no store record is made for anonymous traffic. It is
 *   cleared at sign-in (the session gets a fresh secret: CSRF tokens rotate at sign-in) and a
 *   new one is made after sign-out.
 */
import type { Pow, FieldErrors } from '../core/types.js';
import { runStartupChecks } from '../core/deferred.js';
import { createExpressExtensions, mailingExtensions } from './extensions.js';
import { resolveBaseUrl } from './base-url.js';
import { resolveExpressSettings } from './settings.js';
import { createStateMemo } from './request-state.js';
import { registerInternals, type Internals } from './request-context.js';
import { createStateCookies } from './state-cookies.js';
import { createCommitHook } from './commit.js';
import { createFlash } from './flash.js';
import { createResponses } from './responses.js';
import { createCsrfTokenOf, createForgeryCheck, csrfSecretOf } from './forgery-check.js';
import { createMiddleware } from './middleware.js';
import { createSessionLifecycle } from './session-lifecycle.js';
import { createGuards } from './guards.js';
import { createPages } from './pages.js';
import { PowHttpError } from './errors.js';
import { fieldErrorSentence } from '../i18n/field-errors.js';
import type { Core } from './user-types.js';
import type { PowExpress, PowExpressOptions, PowRequestContext } from './types.js';

export type * from './types.js';
export { isSafeRedirectPath, safeRedirectPath } from './safe-redirect.js';
export { POW_PATHS } from './routes.js';
export {
  AUTHENTICATED_HEADERS,
  POW_PAGE_CSP,
  POW_PAGE_HEADERS,
  type HeaderOverrides,
  type SecurityHeadersOptions,
} from './security-headers.js';
export { normalizeAddress } from './throttle.js';
export { powOAuth, type PowOAuth, type PowOAuthOptions, type OAuthCallbackResult } from './oauth.js';
export { createTranslator, catalogues, en, de, type Catalogue, type Translator } from '../i18n/index.js';
export { PowHttpError, asyncHandler } from './errors.js';
export { RequestState } from './request-state.js';
export { internalsOf, type Internals } from './request-context.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** pow's request context of the last `auth.middleware()` that ran for this request. */
      pow: PowRequestContext;
    }
  }
}

export function powExpress(pow: Pow, options: PowExpressOptions = {}): PowExpress {
  const settings = resolveExpressSettings(pow, options);
  const { userType, mountPath, currentUserKey, routes, translator } = settings;
  const memo = createStateMemo(userType, settings.stateKey);
  const cookies = createStateCookies(settings);
  const hook = createCommitHook(pow, options, cookies);
  const flash = createFlash(translator, memo, hook);
  // The origin is read on first use (below): a stale form's answer asks for it during a request.
  const responses = createResponses(settings, memo, flash, () => allowedOrigin());

  const extensions = createExpressExtensions(
    {
      pow,
      userType,
      get cookieName() {
        return settings.cookieName;
      },
      routes,
      translator,
      get cookieAttributes() {
        return settings.cookieAttributes;
      },
      baseUrl: () => baseUrl.get(),
      currentUser: (req) => memo.stateOf(req)?.user ?? null,
      currentSession: (req) => {
        const state = memo.stateOf(req);
        return state?.session && state.token ? { token: state.token, session: state.session } : null;
      },
      startSession: async (req, res, user, how) => {
        await sessions.startSession(req, res, user, how);
      },
      finishSignIn: (req, res, user, signInOptions, method) =>
        sessions.finishSignIn(req, res, user, signInOptions, method),
      clearSignInFailures: (identifier) => settings.throttle.clearAccount(identifier),
      signInPaused: (identifier) => settings.throttle.paused(identifier),
      limiter: settings.limiter,
      signUpRefused: (req) => sessions.signUpRefused(req),
      notAuthenticated: () => new PowHttpError('not_authenticated'),
    },
    options,
  );
  // Read at start-up or first use, like every setting that may come from the environment. (After
  // the extensions: a missing mailer is reported before a missing base URL.)
  const baseUrl = resolveBaseUrl(options.baseUrl, {
    mailsLinks: mailingExtensions(pow).length > 0,
    passkeys: pow.extensions.includes('passkeys'),
  });
  let origin: { value: string | undefined } | undefined;
  const allowedOrigin = (): string | undefined => {
    if (origin) return origin.value;
    const url = baseUrl.get();
    return (origin = { value: url === undefined ? undefined : new URL(url).origin }).value;
  };

  const core: Core = {
    userType,
    get cookieName() {
      return settings.cookieName;
    },
    get anonCookieName() {
      return settings.anonCookieName;
    },
    ownRoutes: settings.ownRoutes,
    loadState: (req, res) => middleware.loadState(req, res),
    csrfSecretOf,
  };
  const forgery = createForgeryCheck(settings, {
    core,
    refuse: responses.refuse,
    allowedOrigin,
    beforeSignOut: (req, res) => extensions.beforeSignOut(req, res),
  });
  const internals: Internals = {
    pow,
    userType,
    mountPath,
    routes,
    translator,
    anonSigner: settings.anonSigner,
    get cookieName() {
      return settings.cookieName;
    },
    get anonCookieName() {
      return settings.anonCookieName;
    },
    get secure() {
      return settings.secure;
    },
    resolveLocale: settings.resolveLocale,
    csrfTokenOf: createCsrfTokenOf(hook),
    readFlash: flash.read,
    finishSignIn: (req, res, user, method) => sessions.finishSignIn(req, res, user, undefined, method),
  };
  const middleware = createMiddleware(settings, {
    memo,
    cookies,
    internals,
    core,
    forgery,
    responses,
    extensions,
  });
  const sessions = createSessionLifecycle(settings, { memo, cookies, middleware, extensions });
  const guards = createGuards(memo, responses, settings.securityHeaders);
  const pages = createPages(settings, memo, forgery, middleware);

  const auth: PowExpress = {
    pow,
    currentUserKey,
    get cookieName() {
      return settings.cookieName;
    },
    mountPath,
    routes,

    middleware() {
      // Mounting pow is the app's start-up: settings from the environment are read now, so a
      // missing POW_SECRET stops the app with pow's message instead of failing its first request.
      runStartupChecks();
      // The cookie settings too (NODE_ENV decides Secure and the __Host- prefix; settings.ts).
      void settings.cookieName;
      return middleware.handler;
    },

    requireAuthenticated: guards.requireAuthenticated,
    requireNotAuthenticated: guards.requireNotAuthenticated,
    errorHandler: guards.errorHandler,
    page: pages.page,
    readPages: pages.readPages,

    currentUser(req) {
      return memo.stateOf(req)?.user ?? null;
    },

    signIn: sessions.signIn,

    async startSession(req, res, user) {
      await sessions.startSession(req, res, user);
    },

    signOut: sessions.signOut,
    register: sessions.register,
    updateUser: sessions.updateUser,
    deleteUser: sessions.deleteUser,

    async hasPassword(req) {
      const user = memo.stateOf(req)?.user;
      return user ? pow.users.hasPassword(user) : false;
    },

    flash(req, kind, key, params) {
      flash.set(req, kind, key, params);
    },

    translateErrors(req, errors: FieldErrors) {
      const out: Record<string, string[]> = {};
      const state = memo.stateOf(req);
      const locale = state ? state.ctx.locale : settings.resolveLocale(req);
      // Sentences that name their field: they are read in the error summary, away from the field.
      for (const [field, list] of Object.entries(errors ?? {})) {
        out[field] = (list ?? []).map((error) => fieldErrorSentence(translator, locale, field, error));
      }
      return out;
    },

    t(req, key, params) {
      return responses.translate(req, key, params);
    },

    context(req) {
      return memo.requireState(req, 'auth.context()').ctx;
    },

    csrfToken(req) {
      return internals.csrfTokenOf(memo.requireState(req, 'auth.csrfToken()'));
    },

    async clearSignInFailures(identifier) {
      await settings.throttle.clearAccount(identifier);
    },

    async refreshUser(userId) {
      await pow.sessions.refreshUser(userId);
    },

    defaultErrorResponse: responses.defaultErrorResponse,

    extensions: extensions.services,
    get rememberMeCookieName() {
      return extensions.rememberMeCookieName;
    },
    ...extensions.api,
  };

  registerInternals(auth, internals);
  return auth;
}

export default powExpress;
