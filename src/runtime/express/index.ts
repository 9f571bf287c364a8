/**
 * pow's Express layer (`pow/express`), for Express 5 and 4: `powExpress(pow, options)`.
 *
 * Per request, `auth.middleware()`:
 * 1. reads this user type's session cookie and asks the core for the session (the core checks
 *    the token's HMAC tag, constant time, before any store call: a tampered cookie is anonymous
 *    without a lookup);
 * 2. puts the user at `req[currentUserKey]` and `res.locals[currentUserKey]`, and the request
 *    context at `req.pow` / `res.locals.pow` (t, locale, csrfToken, flash, path, mountPath); on
 *    `req` these are accessors on the app's request prototype (request-accessors.ts);
 * 3. sends the new cookie when the core renewed the token;
 * 4. for state-changing methods, the forgery rule of forgery.ts: on pow's own routes it reads an
 *    urlencoded body if nothing parsed it yet, applies the `_method` override of POST forms and
 *    requires the CSRF token (403 when missing or wrong); on the app's routes it leaves requests
 *    without pow's authority untouched, and checks the others by token or by the browser's
 *    `Sec-Fetch-Site` / `Origin`.
 *
 * Where state lives:
 * - Signed-in users: the CSRF secret and flash messages are in the server-side session data.
 * - Anonymous visitors: in a second signed cookie, `<cookieName>_anon` (HttpOnly, same
 *   attributes), holding only the CSRF secret and pending flash keys. It is created lazily, the
 *   first time a page asks for `pow.csrfToken` or a flash is carried over a redirect, so static
 *   assets and APIs never get one, and no store record is made for anonymous traffic. It is
 *   cleared at sign-in (the session gets a fresh secret: CSRF tokens rotate at sign-in) and a
 *   new one is made after sign-out.
 * - Flash: set with `auth.flash()`; shown in the current render, and carried to the next request
 *   only when the response is a redirect (Phoenix semantics). Read (and so consumed) through
 *   `pow.flash`. Messages whose translation is empty (Pow's `nil`) are not shown.
 *
 * Writes of session data happen before the response is sent (the `res.end` of a request that
 * changed something waits for the store), so the redirected request sees them.
 */
import type {
  Pow,
  LoadedSession,
  SessionRecord,
  UserParams,
  UserRecord,
  FieldErrors,
  Result,
} from '../core/types.js';
import { PowError } from '../../shared/pow-error.js';
import { createTranslator, type TranslateParams, type Translator } from '../i18n/index.js';
import { installRequestAccessor, requestPrototypeOf } from './request-accessors.js';
import { readCookie, serializeCookie, setCookieHeader, createSigner, type Signer } from './cookies.js';
import { BodyError, DEFAULT_BODY_LIMIT, readUrlencodedBody } from './body.js';
import {
  SAFE_METHODS,
  createCsrfSecret,
  createCsrfToken,
  crossSiteRequest,
  presentedCsrfToken,
  verifyCsrfToken,
} from './csrf.js';
import {
  appRouteRequestAllowed,
  createOwnRoutes,
  hasJsonBody,
  requestPathOf,
  type OwnRoutes,
} from './forgery.js';
import { POW_PATHS, createPathHelpers, createRoutes, normalizeMountPath } from './routes.js';
import { callerOf, findMarkedRoutes, resolvePagePaths, type PageMark } from './page-paths.js';
import { createThrottle, expressRateLimits, normalizeAddress, type Throttle } from './throttle.js';
import { createRateLimiter, type RateLimiter } from '../core/rate-limit.js';
import { sendUnavailable } from './unavailable.js';
import { isStoreUnavailable, STORE_RETRY_AFTER_SECONDS } from '../stores/unavailable-error.js';
import { withLandingPath } from './landing-path.js';
import { createExpressExtensions, mailingExtensions, type ExpressExtensions } from './extensions.js';
import { resolveBaseUrl } from './base-url.js';
import { runStartupChecks } from '../core/deferred.js';
import type {
  NextFunction,
  PowErrorKind,
  PowExpress,
  PowExpressOptions,
  PowRequestContext,
  Request,
  RequestHandler,
  ErrorRequestHandler,
  Response,
  SignInResult,
  RoutesCallbacks,
} from './types.js';

export type * from './types.js';
export { isSafeRedirectPath, safeRedirectPath } from './safe-redirect.js';
export { POW_PATHS } from './routes.js';
export { normalizeAddress } from './throttle.js';
export { createTranslator, catalogues, en, de, type Catalogue, type Translator } from '../i18n/index.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** pow's request context of the last `auth.middleware()` that ran for this request. */
      pow: PowRequestContext;
    }
  }
}

/** Throw from a controller (or pass to `next`) to get pow's guard responses via `auth.errorHandler()`. */
export class PowHttpError extends Error {
  readonly status: number;
  constructor(readonly kind: PowErrorKind) {
    super(`pow: ${kind}`);
    this.name = 'PowHttpError';
    this.status = kind === 'not_authenticated' || kind === 'session_expired' ? 401 : 403;
  }
}

/**
 * Wraps an async route handler so that a rejected promise reaches `next(err)`. Express 5 does
 * this itself; Express 4 does not (an unwrapped rejection there leaves the request hanging).
 */
export function asyncHandler(
  fn: (req: Request, res: Response, next: NextFunction) => unknown,
): RequestHandler {
  return (req, res, next) => {
    try {
      Promise.resolve(fn(req, res, next)).catch(next);
    } catch (error) {
      next(error);
    }
  };
}

type FlashKind = 'info' | 'error';
interface FlashEntry {
  k: string;
  p?: TranslateParams;
}
type FlashData = Partial<Record<FlashKind, FlashEntry>>;

/** What the anonymous cookie carries. */
interface AnonData {
  /** CSRF secret. */
  c?: string;
  /** Flash carried over a redirect. */
  f?: FlashData;
}

type CookieState = 'none' | 'valid' | 'invalid' | 'stale';

/** @internal Per request, per user type. */
export class RequestState {
  token: string | null = null;
  session: SessionRecord | null = null;
  user: UserRecord | null = null;
  cookie: CookieState = 'none';
  /** A well-signed token whose session is gone (expired, signed out elsewhere). */
  staleToken: string | null = null;
  anon: AnonData | null = null;
  anonCookiePresent = false;
  anonCookieInvalid = false;
  sessionDirty = false;
  anonDirty = false;
  outgoing: FlashData | null = null;
  /** Incoming flash, once read (null: there was none). */
  incoming: FlashData | null | undefined = undefined;
  locale: string | undefined = undefined;
  csrfToken: string | undefined = undefined;
  /** The synchronizer token of this unsafe request was checked (pow's own routes). */
  tokenVerified = false;
  hooked = false;
  /** Set once the session and user are known (stateOf() returns only ready states). */
  ready = false;
  /** While the core answers: the promise of this state. */
  loading: Promise<RequestState> | null = null;
  ctx!: RequestContextImpl;
  constructor(
    readonly req: Request,
    readonly res: Response,
  ) {}
}

interface Core {
  readonly userType: string;
  readonly cookieName: string;
  readonly anonCookieName: string;
  readonly ownRoutes: OwnRoutes;
  loadState(req: Request, res: Response): RequestState | Promise<RequestState>;
  csrfSecretOf(state: RequestState): string | undefined;
}

/**
 * The user types whose middleware has served each Express app, for CSRF checks of forms that belong
 * to another user type (a POST to /admin/session passes the users' middleware first). Scoped per
 * app so that several apps in one process (test suites) never consult each other's stores.
 */
const coresByApp = new WeakMap<object, Set<Core>>();

function registerCore(app: unknown, core: Core): void {
  if (typeof app !== 'object' && typeof app !== 'function') return;
  if (app === null) return;
  let cores = coresByApp.get(app);
  if (!cores) coresByApp.set(app, (cores = new Set()));
  cores.add(core);
}

function otherCores(app: unknown, self: Core): Core[] {
  if ((typeof app !== 'object' && typeof app !== 'function') || app === null) return [];
  return [...(coresByApp.get(app) ?? [])].filter((core) => core !== self);
}

class RequestContextImpl implements PowRequestContext {
  controller?: string;
  action?: string;
  readonly path: RoutesCallbacks['path'];
  readonly mountPath: string;
  readonly userType: string;
  readonly #state: RequestState;
  readonly #internals: Internals;
  #t: ((key: string, params?: Record<string, string | number>) => string) | undefined;

  constructor(internals: Internals, state: RequestState) {
    this.#state = state;
    this.#internals = internals;
    this.path = internals.routes.path;
    this.mountPath = internals.mountPath;
    this.userType = internals.userType;
  }

  /** A getter, not a field: only views that hide optional links read it, so requests pay nothing for it. */
  get has(): RoutesCallbacks['has'] {
    return this.#internals.routes.has;
  }

  /** Bound on first use (views call `pow.t(...)`; code may also pass `pow.t` around). */
  get t(): (key: string, params?: Record<string, string | number>) => string {
    return (this.#t ??= (key, params) => this.#internals.translator.t(this.locale, key, params));
  }

  get locale(): string {
    return (this.#state.locale ??= this.#internals.resolveLocale(this.#state.req));
  }

  get csrfToken(): string {
    return this.#internals.csrfTokenOf(this.#state);
  }

  get flash(): { info?: string; error?: string } {
    return this.#internals.readFlash(this.#state, this.locale);
  }
}

/** What pow/testing and the request context need from an instance. */
export interface Internals {
  readonly pow: Pow;
  readonly userType: string;
  readonly mountPath: string;
  readonly routes: RoutesCallbacks;
  readonly translator: Translator;
  readonly anonSigner: Signer;
  readonly cookieName: string;
  readonly anonCookieName: string;
  readonly secure: boolean;
  resolveLocale(req: Request): string;
  csrfTokenOf(state: RequestState): string;
  readFlash(state: RequestState, locale: string): { info?: string; error?: string };
}

const internalsByInstance = new WeakMap<PowExpress, Internals>();

/** @internal For `pow/testing`. */
export function internalsOf(auth: PowExpress): Internals {
  const internals = internalsByInstance.get(auth);
  if (!internals) throw new TypeError('pow: not a powExpress() instance');
  return internals;
}

function defaultCurrentUserKey(userType: string): string {
  const camel = userType
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return `current${camel}`;
}

function encodeAnon(data: AnonData): string {
  return Buffer.from(JSON.stringify(data), 'utf8').toString('base64url');
}

function decodeAnon(value: string): AnonData | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    const data = parsed as AnonData;
    if (data.c !== undefined && typeof data.c !== 'string') return null;
    return data;
  } catch {
    return null;
  }
}

function isFlashEntry(value: unknown): value is FlashEntry {
  return !!value && typeof value === 'object' && typeof (value as FlashEntry).k === 'string';
}

function flashDataOf(value: unknown): FlashData | null {
  if (!value || typeof value !== 'object') return null;
  const out: FlashData = {};
  for (const kind of ['info', 'error'] as const) {
    const entry = (value as Record<string, unknown>)[kind];
    if (isFlashEntry(entry)) out[kind] = entry;
  }
  return out.info || out.error ? out : null;
}

function clientAddress(req: Request): string | undefined {
  return req.ip ?? req.socket?.remoteAddress ?? undefined;
}

function userAgentOf(req: Request): string | undefined {
  const ua = req.headers['user-agent'];
  return typeof ua === 'string' ? ua : undefined;
}

export function powExpress(pow: Pow, options: PowExpressOptions = {}): PowExpress {
  if (!pow || typeof pow !== 'object' || !pow.sessions || !pow.users) {
    throw new PowError({
      code: 'POW_CONFIG_INVALID',
      message: 'powExpress(pow): pass the object createPow() returned.',
    });
  }
  const userType = pow.userType;
  const mountPath = normalizeMountPath(options.mountPath);
  const secure = options.secureCookies ?? process.env.NODE_ENV === 'production';
  const cookieName = options.cookieName ?? `${secure ? '__Host-' : ''}pow_${userType}`;
  const anonCookieName = `${cookieName}_anon`;
  // Fails now, not on the first request, for a name a browser would refuse.
  serializeCookie(cookieName, 'x');
  serializeCookie(anonCookieName, 'x');
  if (cookieName.startsWith('__Host-') && !secure) {
    throw new PowError({
      code: 'POW_CONFIG_INVALID',
      message: `powExpress: cookie "${cookieName}" has the __Host- prefix, which browsers accept only with Secure cookies.`,
      fix: 'Set secureCookies: true (HTTPS) or drop the prefix.',
    });
  }
  const currentUserKey = options.currentUserKey ?? defaultCurrentUserKey(userType);
  const paths = createPathHelpers(mountPath);
  const routes: RoutesCallbacks = createRoutes(
    mountPath,
    withLandingPath(options, () => routes),
    paths,
  );
  // The handlers `auth.page()` returned, for `auth.readPages` to find them in the router.
  const pageMarks = new WeakMap<object, PageMark>();
  // pow's default paths, and (after `auth.readPages`) the paths of the routes file.
  const ownRoutes = createOwnRoutes(mountPath, Object.values(POW_PATHS));
  const translator = createTranslator({
    defaultLocale: options.i18n?.defaultLocale,
    messages: options.i18n?.messages,
  });
  // One limiter for every limit of this user type (core/rate-limit.ts; issue 16, defects 2 and 3).
  const limiter: RateLimiter = createRateLimiter(pow.store, userType, pow.clock, expressRateLimits(options));
  const throttle: Throttle = createThrottle(limiter, pow.userIdFields);
  const anonSigner = createSigner(() => pow.secret, `anonymous:${userType}`);
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  let origin: { value: string | undefined } | undefined;
  const allowedOrigin = (): string | undefined => {
    if (origin) return origin.value;
    const url = baseUrl.get();
    return (origin = { value: url === undefined ? undefined : new URL(url).origin }).value;
  };
  const stateKey = Symbol(`pow:${userType}:state`);
  const cookieAttributes = { secure, httpOnly: true, sameSite: 'Lax' as const, path: '/' };

  const resolveLocale = (req: Request): string => {
    const custom = options.i18n?.resolveLocale?.(req);
    return translator.match(custom) ?? translator.fromAcceptLanguage(req.headers['accept-language']);
  };

  // ---- cookies -------------------------------------------------------------------------------

  const setSessionCookie = (res: Response, token: string) =>
    setCookieHeader(res, cookieName, serializeCookie(cookieName, token, cookieAttributes));
  const clearCookie = (res: Response, name: string) =>
    setCookieHeader(res, name, serializeCookie(name, '', { ...cookieAttributes, maxAge: 0 }));

  const writeAnonCookie = (state: RequestState) => {
    const anon = state.anon;
    if (!anon || (!anon.c && !anon.f)) {
      if (state.anonCookiePresent) clearCookie(state.res, anonCookieName);
      return;
    }
    let value = anonSigner.sign(encodeAnon(anon));
    if (value.length > 3800 && anon.f) {
      // Keep the cookie small: drop flash params (the text falls back to its placeholders).
      const f: FlashData = {};
      for (const kind of ['info', 'error'] as const) if (anon.f[kind]) f[kind] = { k: anon.f[kind]!.k };
      value = anonSigner.sign(encodeAnon({ ...anon, f }));
    }
    setCookieHeader(state.res, anonCookieName, serializeCookie(anonCookieName, value, cookieAttributes));
  };

  // ---- request state -------------------------------------------------------------------------

  const attach = (req: Request, res: Response, state: RequestState) => {
    if (Object.getPrototypeOf(req) !== accessorPrototype)
      (req as unknown as Record<string, unknown>)[currentUserKey] = state.user;
    if (res.locals) res.locals[currentUserKey] = state.user;
  };

  /** Exposes the request context; `req.pow` reads `res.locals.pow` where the accessor exists. */
  const exposeContext = (req: Request, res: Response, state: RequestState) => {
    if (Object.getPrototypeOf(req) !== accessorPrototype) req.pow = state.ctx;
    if (res.locals) res.locals.pow = state.ctx;
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
    memoHolder(req)[stateKey] = state;
    const token = readCookie(req.headers.cookie, cookieName);
    if (token !== undefined) {
      // The core checks the token's tag before any store call (core/sessions.ts).
      return (state.loading = pow.sessions.load(token).then(
        (loaded) => {
          loaded_(state, token, loaded);
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
    return loaded_(state, null, null);
  }

  function loaded_(state: RequestState, token: string | null, loaded: LoadedSession | null): RequestState {
    const { req, res } = state;
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
        if (loaded.renewedToken) setSessionCookie(res, loaded.renewedToken);
      }
    }
    if (!state.user) {
      const rawAnon = readCookie(req.headers.cookie, anonCookieName);
      if (rawAnon !== undefined) {
        state.anonCookiePresent = true;
        const value = anonSigner.unsign(rawAnon);
        const decoded = value === null ? null : decodeAnon(value);
        if (decoded) state.anon = decoded;
        else state.anonCookieInvalid = true;
      }
    }
    state.ready = true;
    state.loading = null;
    return state;
  }

  /** The request's state for this user type, loaded once per request (memoised on `req`). */
  function loadState(req: Request, res: Response): RequestState | Promise<RequestState> {
    const memo = memoOf(req);
    if (memo === undefined) return load(req, res);
    return memo.loading ?? memo;
  }

  /** The loaded state, or undefined before (or without) this user type's middleware. */
  /**
   * Where a request's state is memoised: `res.locals` (a dictionary object, so the key costs no
   * shape change, see request-accessors.ts), or `req` outside Express.
   */
  const memoHolder = (req: Request): Record<symbol, RequestState | undefined> =>
    (req.res?.locals as Record<symbol, RequestState | undefined> | undefined) ??
    (req as unknown as Record<symbol, RequestState | undefined>);
  const memoOf = (req: Request): RequestState | undefined => memoHolder(req)[stateKey];
  const stateOf = (req: Request): RequestState | undefined => {
    const memo = memoOf(req);
    return memo?.ready ? memo : undefined;
  };

  const middlewareMissing = (what: string) =>
    new PowError({
      code: 'POW_MIDDLEWARE_MISSING',
      message: `pow: ${what} needs auth.middleware() (user type "${userType}") to run earlier for this request.`,
      fix: 'Mount auth.middleware() before the routes that use it: app.use(auth.middleware()).',
    });

  const requireState = (req: Request, what: string): RequestState => {
    const state = stateOf(req);
    if (!state) throw middlewareMissing(what);
    return state;
  };

  // ---- commit (before the response is sent) --------------------------------------------------

  const commitError = (error: unknown, req: Request) => {
    if (options.onCommitError) options.onCommitError(error, req);
    else console.error('pow: could not save session data', error);
  };

  async function commit(state: RequestState): Promise<void> {
    const res = state.res;
    const redirect = res.statusCode >= 300 && res.statusCode < 400;
    if (state.outgoing && redirect) {
      if (state.session) {
        state.session.data.flash = state.outgoing;
        state.sessionDirty = true;
      } else {
        state.anon ??= {};
        state.anon.f = state.outgoing;
        state.anonDirty = true;
      }
    }
    if (state.session && state.token && state.sessionDirty) {
      state.sessionDirty = false;
      await pow.sessions.save(state.token, state.session);
    }
    if (!state.session && state.anonDirty) {
      state.anonDirty = false;
      writeAnonCookie(state);
    }
  }

  /** Makes the response wait for `commit` (flash, CSRF secret) before it is sent. */
  function hook(state: RequestState): void {
    if (state.hooked) return;
    state.hooked = true;
    const res = state.res;
    const originalEnd = res.end;
    let ending = false;
    res.end = function patchedEnd(this: Response, ...args: unknown[]) {
      if (ending || res.headersSent) return (originalEnd as (...a: unknown[]) => Response).apply(res, args);
      ending = true;
      commit(state).then(
        () => (originalEnd as (...a: unknown[]) => Response).apply(res, args),
        (error: unknown) => {
          commitError(error, state.req);
          (originalEnd as (...a: unknown[]) => Response).apply(res, args);
        },
      );
      return res;
    } as Response['end'];
  }

  // ---- CSRF, flash ---------------------------------------------------------------------------

  const csrfSecretOf = (state: RequestState): string | undefined => {
    if (state.session) {
      const secret = state.session.data.csrf;
      return typeof secret === 'string' ? secret : undefined;
    }
    return state.anon?.c;
  };

  const csrfTokenOf = (state: RequestState): string => {
    if (state.csrfToken) return state.csrfToken;
    let secret = csrfSecretOf(state);
    if (!secret) {
      secret = createCsrfSecret();
      if (state.session) {
        state.session.data.csrf = secret;
        state.sessionDirty = true;
      } else {
        state.anon ??= {};
        state.anon.c = secret;
        state.anonDirty = true;
      }
      hook(state);
    }
    state.csrfToken = createCsrfToken(secret);
    return state.csrfToken;
  };

  const translateFlash = (entry: FlashEntry | undefined, locale: string): string | undefined => {
    if (!entry) return undefined;
    const text = translator.t(locale, entry.k, entry.p);
    return text === '' ? undefined : text;
  };

  const readFlash = (state: RequestState, locale: string): { info?: string; error?: string } => {
    if (state.incoming === undefined) {
      const stored = state.session ? state.session.data.flash : state.anon?.f;
      state.incoming = flashDataOf(stored);
      if (stored !== undefined) {
        if (state.session) {
          delete state.session.data.flash;
          state.sessionDirty = true;
        } else if (state.anon) {
          delete state.anon.f;
          state.anonDirty = true;
        }
        hook(state);
      }
    }
    const out: { info?: string; error?: string } = {};
    for (const kind of ['info', 'error'] as const) {
      const text = translateFlash(state.outgoing?.[kind] ?? state.incoming?.[kind], locale);
      if (text !== undefined) out[kind] = text;
    }
    return out;
  };

  async function verifyWithOtherUserTypes(
    req: Request,
    res: Response,
    token: string | undefined,
  ): Promise<boolean> {
    if (!token) return false;
    const header = req.headers.cookie;
    for (const other of otherCores(req.app, core)) {
      if (
        readCookie(header, other.cookieName) === undefined &&
        readCookie(header, other.anonCookieName) === undefined
      )
        continue;
      const otherState = await other.loadState(req, res);
      if (verifyCsrfToken(other.csrfSecretOf(otherState), token)) return true;
    }
    return false;
  }

  // ---- errors --------------------------------------------------------------------------------

  const wantsJson = (req: Request): boolean => {
    if (options.json !== undefined) return options.json;
    const accepts = (req as { accepts?: (types: string[]) => string | false }).accepts;
    return typeof accepts === 'function' && accepts.call(req, ['html', 'json']) === 'json';
  };

  const translate = (req: Request, key: string, params?: TranslateParams): string => {
    const state = stateOf(req);
    return translator.t(state ? state.ctx.locale : resolveLocale(req), key, params);
  };

  const flashFor = (req: Request, kind: FlashKind, key: string, params?: TranslateParams) => {
    const state = requireState(req, 'auth.flash()');
    state.outgoing = { ...state.outgoing, [kind]: params ? { k: key, p: params } : { k: key } };
    hook(state);
  };

  const defaultErrorResponse = (kind: PowErrorKind, req: Request, res: Response): void => {
    const json = wantsJson(req);
    const state = stateOf(req);
    switch (kind) {
      case 'not_authenticated':
      case 'session_expired': {
        if (json) {
          res.status(401).json({ error: { code: 401, message: translate(req, 'auth.not_authenticated') } });
          return;
        }
        if (state)
          flashFor(
            req,
            'error',
            kind === 'session_expired' ? 'auth.session_expired' : 'auth.user_not_authenticated',
          );
        res.redirect(routes.userNotAuthenticatedPath(req));
        return;
      }
      case 'already_authenticated': {
        if (json) {
          res
            .status(403)
            .json({ error: { code: 403, message: translate(req, 'auth.already_authenticated') } });
          return;
        }
        if (state) flashFor(req, 'error', 'auth.user_already_authenticated');
        res.redirect(routes.userAlreadyAuthenticatedPath(req));
        return;
      }
      case 'invalid_csrf':
      default: {
        const message = translate(req, 'auth.invalid_csrf');
        // An API client that sent JSON gets JSON, whatever its Accept header (fetch sends */*).
        if (json || (options.json === undefined && hasJsonBody(req)))
          res.status(403).json({ error: { code: 403, message } });
        else res.status(403).type('text/plain').send(message);
      }
    }
  };

  const refuse = (kind: PowErrorKind, req: Request, res: Response, next: NextFunction) => {
    if (options.errorHandler) options.errorHandler(kind, req, res, next);
    else defaultErrorResponse(kind, req, res);
  };

  /** 503 with Retry-After (unavailable.ts): the store or the database did not answer in time. */
  const unavailable = (req: Request, res: Response): void => {
    const locale = stateOf(req)?.ctx.locale ?? resolveLocale(req);
    sendUnavailable(res, {
      json: wantsJson(req),
      lang: locale,
      title: translator.t(locale, 'auth.unavailable_title'),
      message: translator.t(locale, 'auth.unavailable'),
    });
  };

  /** A request that failed in pow's middleware: a store outage is answered here, anything else goes on. */
  const failRequest = (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (isStoreUnavailable(error)) unavailable(req, res);
    else next(error);
  };

  // ---- middleware ----------------------------------------------------------------------------

  /** After the state is loaded: expose it, and check state-changing requests. */
  function proceed(state: RequestState, req: Request, res: Response, next: NextFunction): void {
    attach(req, res, state);
    exposeContext(req, res, state);
    if (state.cookie === 'invalid' || state.cookie === 'stale') clearCookie(res, cookieName);
    if (state.anonCookieInvalid) {
      state.anonCookieInvalid = false;
      clearCookie(res, anonCookieName);
    }
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    checkStateChangingRequest(state, req, res, next).catch((error: unknown) =>
      failRequest(error, req, res, next),
    );
  }

  async function checkStateChangingRequest(
    state: RequestState,
    req: Request,
    res: Response,
    next: NextFunction,
  ): Promise<void> {
    const path = requestPathOf(req);
    const ownRoute = ownRoutes.owns(path);
    // One of the app's routes, and pow grants this request no user: nothing of pow's to forge,
    // so pow neither reads its body nor checks it (the app's routes answer as before pow).
    if (!ownRoute && state.user === null) {
      next();
      return;
    }
    // pow reads (and so consumes) only bodies sent to pow's routes, of any user type of the app:
    // the app's own routes get their stream untouched (webhooks with express.raw(), own parsers).
    if (ownRoute || otherCores(req.app, core).some((other) => other.ownRoutes.owns(path))) {
      if (!(await readFormBody(req, res))) return;
      applyMethodOverride(req);
    }
    if (ownRoute) {
      await requireCsrfToken(state, req, res, next, path);
      return;
    }
    // The app's route, with pow's session: a valid token, else the browser's Fetch Metadata or
    // Origin, else the body type decides (forgery.ts).
    if (crossSiteRequest(req, allowedOrigin())) refuse('invalid_csrf', req, res, next);
    else if (await presentsValidToken(state, req, res)) next();
    else if (appRouteRequestAllowed(req, allowedOrigin())) next();
    else refuse('invalid_csrf', req, res, next);
  }

  /**
   * True when no parser has read the body: `req.body` unset, or the empty object that Express 4's
   * body-parser (1.x) puts on every request it does not parse (`express.json()` before pow's
   * middleware leaves `{}` on a form post, with the stream still unread; `_body` marks a parse).
   */
  function unreadBody(req: Request, body: unknown): boolean {
    if (body === undefined) return true;
    return (
      typeof body === 'object' &&
      body !== null &&
      Object.getPrototypeOf(body) === Object.prototype &&
      Object.keys(body).length === 0 &&
      req.readable &&
      !req.readableEnded
    );
  }

  /** Reads an urlencoded body nothing parsed yet; false when the request was answered (413 ...). */
  async function readFormBody(req: Request, res: Response): Promise<boolean> {
    const bodyHolder = req as Request & { body?: unknown; _body?: boolean };
    if (bodyHolder._body || !unreadBody(req, bodyHolder.body)) return true;
    try {
      const body = await readUrlencodedBody(req, bodyLimit);
      if (body !== undefined) {
        bodyHolder.body = body;
        bodyHolder._body = true;
      }
      return true;
    } catch (error) {
      if (error instanceof BodyError) {
        res.status(error.status).type('text/plain').send(error.message);
        return false;
      }
      throw error;
    }
  }

  /** `_method` of a POST form (HTML forms have no PATCH or DELETE): on pow's routes only. */
  function applyMethodOverride(req: Request): void {
    if (req.method !== 'POST') return;
    const override = (req as Request & { body?: Record<string, unknown> }).body?._method;
    if (typeof override !== 'string') return;
    const upper = override.toUpperCase();
    if (upper === 'DELETE' || upper === 'PATCH' || upper === 'PUT') {
      (req as Request & { originalMethod?: string }).originalMethod ??= req.method;
      req.method = upper;
    }
  }

  async function presentsValidToken(state: RequestState, req: Request, res: Response): Promise<boolean> {
    const token = presentedCsrfToken(req);
    return verifyCsrfToken(csrfSecretOf(state), token) || (await verifyWithOtherUserTypes(req, res, token));
  }

  /** pow's own routes: the synchronizer token, signed in or not (login CSRF included). */
  async function requireCsrfToken(
    state: RequestState,
    req: Request,
    res: Response,
    next: NextFunction,
    path: string,
  ): Promise<void> {
    if (crossSiteRequest(req, allowedOrigin())) {
      refuse('invalid_csrf', req, res, next);
      return;
    }
    if (await presentsValidToken(state, req, res)) {
      state.tokenVerified = true;
      next();
      return;
    }
    // No valid token. With a session that ended (its secret went with it), or a sign-out of a
    // visitor who has no session at all, nothing can be forged: send them to sign in instead
    // of showing an error (sign-out after expiry is a redirect, never an error).
    // The sign-out path is read here, not once at start-up: `auth.readPages` may move it.
    const signOut = req.method === 'DELETE' && path === routes.path('session.delete');
    const expired = state.cookie === 'stale' || (!state.user && signOut);
    // A sign-out whose session already ended still forgets "keep me logged in" (SameSite=Lax keeps
    // the remember-me cookie off cross-site posts, and the origin check above has passed).
    if (expired && signOut) await extensions.beforeSignOut(req, res);
    refuse(expired ? 'session_expired' : 'invalid_csrf', req, res, next);
  }

  // The app this middleware last registered with: registration is per app, not per request.
  let registeredApp: unknown;
  // That app's request prototype, which carries the `req[currentUserKey]` and `req.pow` accessors
  // (request-accessors.ts); requests with another prototype get plain properties.
  let accessorPrototype: object | null = null;
  const middlewareHandler: RequestHandler = (req, res, next) => {
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
      const memo = memoOf(req);
      if (memo === undefined) {
        const result = load(req, res, next);
        if (!(result instanceof Promise)) continueRequest(result, next);
      } else if (memo.loading) {
        memo.loading.then(
          (state) => continueRequest(state, next),
          (error: unknown) => failRequest(error, req, res, next),
        );
      } else {
        continueRequest(memo, next);
      }
    } catch (error) {
      next(error);
    }
  };

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

  // ---- sessions ------------------------------------------------------------------------------

  async function startSessionFor(req: Request, res: Response, user: UserRecord): Promise<RequestState> {
    const state = await loadState(req, res);
    const previous = state.token ?? state.staleToken;
    if (previous) await pow.sessions.delete(previous);
    const { token, session } = await pow.sessions.create(user, {
      ip: clientAddress(req),
      userAgent: userAgentOf(req),
    });
    session.data.csrf = createCsrfSecret();
    await pow.sessions.save(token, session);
    state.token = token;
    state.session = session;
    state.user = user;
    state.cookie = 'valid';
    state.staleToken = null;
    state.csrfToken = undefined;
    state.incoming = null;
    state.sessionDirty = false;
    setSessionCookie(res, token);
    if (state.anonCookiePresent || state.anon) {
      state.anon = null;
      state.anonDirty = false;
      clearCookie(res, anonCookieName);
    }
    attach(req, res, state);
    return state;
  }

  async function endSession(req: Request, res: Response): Promise<void> {
    const state = await loadState(req, res);
    const token = state.token ?? state.staleToken;
    if (token) await pow.sessions.delete(token);
    if (state.cookie !== 'none') clearCookie(res, cookieName);
    state.token = null;
    state.session = null;
    state.user = null;
    state.staleToken = null;
    state.cookie = 'none';
    state.csrfToken = undefined;
    state.incoming = null;
    state.anon = {};
    state.sessionDirty = false;
    attach(req, res, state);
  }

  /**
   * Sign-ups per client address (issue 16, defect 3): over the limit, a form error for the page
   * and Retry-After on the response; nothing is created or mailed.
   */
  async function signUpRefused(req: Request): Promise<{ ok: false; errors: FieldErrors } | null> {
    const verdict = await limiter.hit('signUpsPerAddress', normalizeAddress(clientAddress(req)));
    if (verdict.allowed) return null;
    const res = stateOf(req)?.res;
    if (res && !res.headersSent) res.setHeader('Retry-After', String(verdict.retryAfterSeconds));
    const message = translator.t(translator.defaultLocale, 'auth.too_many_requests');
    return { ok: false, errors: { base: [{ key: 'auth.too_many_requests', message }] } };
  }

  const extensions: ExpressExtensions = createExpressExtensions(
    {
      pow,
      userType,
      cookieName,
      routes,
      translator,
      cookieAttributes,
      baseUrl: () => baseUrl.get(),
      currentUser: (req) => stateOf(req)?.user ?? null,
      currentSession: (req) => {
        const state = stateOf(req);
        return state?.session && state.token ? { token: state.token, session: state.session } : null;
      },
      startSession: async (req, res, user) => {
        await startSessionFor(req, res, user);
      },
      clearSignInFailures: (identifier) => throttle.clearAccount(identifier),
      limiter,
      signUpRefused: (req) => signUpRefused(req),
      notAuthenticated: () => new PowHttpError('not_authenticated'),
    },
    options,
  );

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
      // A locked account answers like a wrong password, including the time the verify takes.
      await pow.users.spendVerify(secret);
      return { ok: false, status: 401, messageKey: 'session.invalid_credentials' };
    }
    const user = await pow.users.authenticate(id, secret);
    if (!user) return { ok: false, status: 401, messageKey: 'session.invalid_credentials' };
    await throttle.succeeded(id, address);
    // email-confirmation: the right password, but no session until the address is confirmed.
    const refused = await extensions.refuseSignIn(user);
    if (refused) return refused;
    await startSessionFor(req, res, user);
    await extensions.afterSignIn(req, res, user, signInOptions);
    return { ok: true, user };
  }

  // Read at start-up or first use, like every setting that may come from the environment. (After
  // the extensions: a missing mailer is reported before a missing base URL.)
  const baseUrl = resolveBaseUrl(options.baseUrl, mailingExtensions(pow).length > 0);

  const auth: PowExpress = {
    pow,
    currentUserKey,
    cookieName,
    mountPath,
    routes,

    middleware() {
      // Mounting pow is the app's start-up: settings from the environment are read now, so a
      // missing POW_SECRET stops the app with pow's message instead of failing its first request.
      runStartupChecks();
      return middlewareHandler;
    },

    requireAuthenticated(req, res, next) {
      const state = stateOf(req);
      if (!state) return next(middlewareMissing('auth.requireAuthenticated'));
      if (state.user) return next();
      refuse(
        state.cookie === 'stale' && !SAFE_METHODS.has(req.method) ? 'session_expired' : 'not_authenticated',
        req,
        res,
        next,
      );
    },

    requireNotAuthenticated(req, res, next) {
      const state = stateOf(req);
      if (!state) return next(middlewareMissing('auth.requireNotAuthenticated'));
      if (!state.user) return next();
      refuse('already_authenticated', req, res, next);
    },

    errorHandler(): ErrorRequestHandler {
      return (error, req, res, next) => {
        if (error instanceof PowHttpError) {
          if (res.headersSent) return next(error);
          refuse(error.kind, req, res, next);
          return;
        }
        if (error && typeof error === 'object' && (error as { code?: unknown }).code === 'EBADCSRFTOKEN') {
          refuse('invalid_csrf', req, res, next);
          return;
        }
        if (isStoreUnavailable(error)) {
          unavailable(req, res);
          return;
        }
        next(error);
      };
    },

    page(controller, action) {
      // Where the routes file calls this, for the messages of `readPages` (formatted only then).
      const site = {};
      Error.captureStackTrace(site, auth.page);
      const handler: RequestHandler = (req, res, next) => {
        res.setHeader('Cache-Control', 'no-store');
        const state = stateOf(req);
        if (state) {
          state.ctx.controller = controller;
          state.ctx.action = action;
          // With several user types, the context of the last middleware that ran would be in
          // `res.locals.pow`; a page of this user type renders with this type's context.
          exposeContext(req, res, state);
          // A page of pow's at a path the runtime does not know as pow's (the routes file moved
          // it): the middleware treated it as the app's, but pow's pages always need the token.
          if (!state.tokenVerified && !SAFE_METHODS.has(req.method)) {
            readFormBody(req, res)
              .then((read) =>
                read ? requireCsrfToken(state, req, res, next, requestPathOf(req)) : undefined,
              )
              .catch(next);
            return;
          }
        }
        next();
      };
      pageMarks.set(handler, { controller, action, site });
      return handler;
    },

    readPages(router) {
      const site = {};
      Error.captureStackTrace(site, auth.readPages);
      const routesFile = callerOf(site);
      const marked = findMarkedRoutes(router, (handler) => pageMarks.get(handler as object), routesFile);
      const table = resolvePagePaths(marked, { extensions: pow.extensions, routesFile, defaults: POW_PATHS });
      paths.use(table, routesFile);
      // A page moved in the routes file is one of pow's routes too: the token check and `_method`
      // (which must be applied before Express routes the request) follow it.
      ownRoutes.add(Object.values(table).filter((path): path is string => typeof path === 'string'));
    },

    currentUser(req) {
      return stateOf(req)?.user ?? null;
    },

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

    async startSession(req, res, user) {
      await startSessionFor(req, res, user);
    },

    async signOut(req, res) {
      await extensions.beforeSignOut(req, res);
      await endSession(req, res);
    },

    async register(req: Request, params: UserParams): Promise<Result<UserRecord>> {
      const refused = await signUpRefused(req);
      if (refused) return refused;
      return extensions.register(params, () => pow.users.create(params));
    },

    async updateUser(req, params) {
      const state = requireState(req, 'auth.updateUser()');
      if (!state.user) throw new PowHttpError('not_authenticated');
      const userId = state.user.id;
      // email-confirmation: a new e-mail waits for confirmation (`emailConfirmationRequired`).
      const result =
        (await extensions.updateUser(state.user, params)) ?? (await pow.users.update(state.user, params));
      if (!result.ok) return result;
      // Pow re-creates the session on every account update (new id, fresh CSRF secret).
      const rotated = await startSessionFor(req, state.res, result.value);
      const password = params?.password;
      if (typeof password === 'string' && password !== '' && rotated.token) {
        // A password change ends every other session and remember-me token of the user (security bar D11).
        await pow.sessions.revokeOthers(userId, rotated.token);
        await extensions.afterPasswordChange(req, state.res, result.value);
      }
      return result;
    },

    async deleteUser(req, res) {
      const state = requireState(req, 'auth.deleteUser()');
      if (!state.user) throw new PowHttpError('not_authenticated');
      const user = state.user;
      await pow.users.delete(user);
      await pow.sessions.revokeAll(user.id);
      await extensions.afterDelete(req, res, user);
      await endSession(req, res);
    },

    flash(req, kind, key, params) {
      flashFor(req, kind, key, params);
    },

    translateErrors(req, errors: FieldErrors) {
      const out: Record<string, string[]> = {};
      const state = stateOf(req);
      const locale = state ? state.ctx.locale : resolveLocale(req);
      for (const [field, list] of Object.entries(errors ?? {})) {
        out[field] = (list ?? []).map((error) =>
          translator.exists(locale, error.key)
            ? translator.t(locale, error.key, error.params)
            : error.message,
        );
      }
      return out;
    },

    t(req, key, params) {
      return translate(req, key, params);
    },

    context(req) {
      return requireState(req, 'auth.context()').ctx;
    },

    csrfToken(req) {
      return csrfTokenOf(requireState(req, 'auth.csrfToken()'));
    },

    async clearSignInFailures(identifier) {
      await throttle.clearAccount(identifier);
    },

    defaultErrorResponse,

    extensions: extensions.services,
    rememberMeCookieName: extensions.rememberMeCookieName,
    ...extensions.api,
  };

  const core: Core = { userType, cookieName, anonCookieName, ownRoutes, loadState, csrfSecretOf };

  const internals: Internals = {
    pow,
    userType,
    mountPath,
    routes,
    translator,
    anonSigner,
    cookieName,
    anonCookieName,
    secure,
    resolveLocale,
    csrfTokenOf,
    readFlash,
  };
  internalsByInstance.set(auth, internals);
  return auth;
}

export default powExpress;
