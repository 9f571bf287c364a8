/**
 * `auth.middleware()`: the hot path of every request, in the order it runs.
 *
 * 1. `handler`: on the first request of an app, registers this user type with it and installs the
 *    request accessors; then loads the request's state, once per request.
 * 2. `load`: reads this user type's session cookie and, only for a well-signed one, asks the core
 *    for the session (the core checks the token's HMAC tag, constant time, before any store call:
 *    a tampered cookie is anonymous without a lookup). Anonymous traffic stays synchronous, and so
 *    does a signed-in request on a store in the process (`sessions.loadNow`).
 * 3. `loaded`: records the session and user (sends the new cookie when the core renewed the
 *    token); the anonymous cookie (a visitor's CSRF secret and flash) is read too, or, signed in
 *    (where it can only carry a sign-in's flash), checked on first use.
 * 4. `continueRequest`: persistent-session may sign the visitor in from a remember-me cookie.
 * 5. `proceed`: puts the user at `req[currentUserKey]` and `res.locals[currentUserKey]`, and the
 *    request context at `req.pow` / `res.locals.pow` (on `req` these are accessors on the app's
 *    request prototype, request-accessors.ts); safe methods go on at once, state-changing ones
 *    through forgery-check.ts.
 */
import type { LoadedSession } from '../core/types.js';
import { readCookie } from './cookies.js';
import { SAFE_METHODS } from './csrf.js';
import { installRequestAccessor, requestPrototypeOf } from './request-accessors.js';
import { RequestContextImpl, type Internals } from './request-context.js';
import { RequestState, type StateMemo } from './request-state.js';
import type { StateCookies } from './state-cookies.js';
import type { ForgeryCheck } from './forgery-check.js';
import type { Responses } from './responses.js';
import type { ExpressExtensions } from './extensions.js';
import type { ExpressSettings } from './settings.js';
import { registerCore, type Core } from './user-types.js';
import type { NextFunction, Request, RequestHandler, Response } from './types.js';

export interface Middleware {
  readonly handler: RequestHandler;
  /** The request's state for this user type, loaded once per request (memoised). */
  loadState(req: Request, res: Response): RequestState | Promise<RequestState>;
  /** Puts `state.user` at `req[currentUserKey]` and `res.locals[currentUserKey]`. */
  attach(req: Request, res: Response, state: RequestState): void;
  /** Exposes the request context; `req.pow` reads `res.locals.pow` where the accessor exists. */
  exposeContext(req: Request, res: Response, state: RequestState): void;
}

export interface MiddlewareDeps {
  readonly memo: StateMemo;
  readonly cookies: StateCookies;
  readonly internals: Internals;
  readonly core: Core;
  readonly forgery: ForgeryCheck;
  readonly responses: Responses;
  readonly extensions: ExpressExtensions;
}

export function createMiddleware(settings: ExpressSettings, deps: MiddlewareDeps): Middleware {
  const { pow, currentUserKey, stateKey } = settings;
  const { memo, cookies, internals, core, forgery, responses, extensions } = deps;
  const { memoOf, stateOf } = memo;
  const { failRequest } = responses;
  const loadNow = pow.sessions.loadNow?.bind(pow.sessions);

  // The app this middleware last registered with: registration is per app, not per request.
  let registeredApp: unknown;
  // That app's request prototype, which carries the `req[currentUserKey]` and `req.pow` accessors
  // (request-accessors.ts); requests with another prototype get plain properties.
  let accessorPrototype: object | null = null;

  const handler: RequestHandler = (req, res, next) => {
    try {
      if (req.app !== registeredApp) {
        registeredApp = req.app;
        registerCore(req.app, core);
        extensions.seeRequest(req);
        accessorPrototype = requestPrototypeOf(req);
        if (accessorPrototype) {
          installRequestAccessor(accessorPrototype, currentUserKey, (request) => stateOf(request)?.user);
          installRequestAccessor(accessorPrototype, 'pow', (request) => request.res?.locals?.pow);
        }
      }
      const memoised = memoOf(req);
      if (memoised === undefined) {
        const result = load(req, res, next);
        if (!(result instanceof Promise)) continueRequest(result, next);
      } else if (memoised.loading) {
        memoised.loading.then(
          (state) => continueRequest(state, next),
          (error: unknown) => failRequest(error, req, res, next),
        );
      } else {
        continueRequest(memoised, next);
      }
    } catch (error) {
      next(error);
    }
  };

  /**
   * Reads this user type's cookies and, only for a well-signed session cookie, asks the core for
   * the session. Synchronous when there is nothing to look up (anonymous traffic). The state is
   * memoised on `req` at once (with `loading` set while the core answers), so the request's state
   * is loaded once. Given the middleware's `next`, the request continues from the core's answer
   * (one promise reaction per signed-in request instead of a chain: this runs on every request).
   */
  function load(req: Request, res: Response, next?: NextFunction): RequestState | Promise<RequestState> {
    const state = new RequestState(req, res);
    state.ctx = new RequestContextImpl(internals, state);
    memo.holder(req)[stateKey] = state;
    const token = readCookie(req.headers.cookie, settings.cookieName);
    if (token !== undefined) {
      // The core checks the token's tag before any store call (core/sessions.ts), and answers
      // without a promise when it needs no round trip (the memory store, no write due).
      let answer: LoadedSession | null | Promise<LoadedSession | null>;
      try {
        answer = loadNow ? loadNow(token) : pow.sessions.load(token);
      } catch (error) {
        answer = Promise.reject(error);
      }
      if (!(answer instanceof Promise)) return loadedState(state, token, answer);
      return (state.loading = answer.then(
        (loaded) => {
          loadedState(state, token, loaded);
          if (next) continueRequest(state, next);
          return state;
        },
        next &&
          ((error: unknown) => {
            state.loading = null;
            failRequest(error, req, res, next);
            return state;
          }),
      ));
    }
    return loadedState(state, null, null);
  }

  function loadedState(
    state: RequestState,
    token: string | null,
    loaded: LoadedSession | null,
  ): RequestState {
    if (token !== null) {
      if (!loaded) {
        // Only a genuine token can belong to a session that ended; anything else was forged.
        if (pow.sessions.isGenuine(token)) {
          state.cookie = 'stale';
          state.staleToken = token;
        } else state.cookie = 'invalid';
      } else {
        state.cookie = 'valid';
        state.session = loaded.session;
        state.user = loaded.user;
        state.token = loaded.renewedToken ?? token;
        if (loaded.renewedToken) cookies.setSessionCookie(state.res, loaded.renewedToken);
      }
    }
    // Signed in too: right after a sign-in it carries the redirect's flash (commit.ts), which
    // only a view that shows flash reads: checked and decoded then.
    if (state.cookie === 'valid') cookies.deferAnonCookie(state);
    else cookies.readAnonCookie(state);
    state.ready = true;
    state.loading = null;
    return state;
  }

  /** The middleware's work once the state is loaded. */
  function continueRequest(state: RequestState, next: NextFunction): void {
    const { req, res } = state;
    try {
      if (extensions.wantsRestore(req, state.user !== null)) restoreThenProceed(state, req, res, next);
      else proceed(state, req, res, next);
    } catch (error) {
      next(error);
    }
  }

  /** persistent-session: a remember-me cookie without a live session starts a fresh one. */
  function restoreThenProceed(state: RequestState, req: Request, res: Response, next: NextFunction): void {
    extensions.restore(req, res).then(
      () => proceed(state, req, res, next),
      (error: unknown) => failRequest(error, req, res, next),
    );
  }

  /** After the state is loaded: expose it, and check state-changing requests. */
  function proceed(state: RequestState, req: Request, res: Response, next: NextFunction): void {
    attach(req, res, state);
    exposeContext(req, res, state);
    if (state.cookie === 'invalid' || state.cookie === 'stale') cookies.clearCookie(res, settings.cookieName);
    if (state.anonCookieInvalid) {
      state.anonCookieInvalid = false;
      cookies.clearCookie(res, settings.anonCookieName);
    }
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    forgery
      .checkStateChangingRequest(state, req, res, next)
      .catch((error: unknown) => failRequest(error, req, res, next));
  }

  function attach(req: Request, res: Response, state: RequestState): void {
    if (Object.getPrototypeOf(req) !== accessorPrototype)
      (req as unknown as Record<string, unknown>)[currentUserKey] = state.user;
    if (res.locals) res.locals[currentUserKey] = state.user;
  }

  function exposeContext(req: Request, res: Response, state: RequestState): void {
    if (Object.getPrototypeOf(req) !== accessorPrototype) req.pow = state.ctx;
    if (res.locals) res.locals.pow = state.ctx;
  }

  return {
    handler,
    loadState(req, res) {
      const memoised = memoOf(req);
      if (memoised === undefined) return load(req, res);
      return memoised.loading ?? memoised;
    },
    attach,
    exposeContext,
  };
}
