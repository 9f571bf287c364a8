/**
 * The settings of one `powExpress(pow, options)` instance, resolved and checked once at start-up:
 * cookie names and attributes, paths, the translator, the limits. Bad settings throw here, so the
 * app stops with pow's message instead of failing its first request.
 */
import { createSecurityHeaders, type SecurityHeaders } from './security-headers.js';
import type { Pow } from '../core/types.js';
import { PowError } from '../../shared/pow-error.js';
import { createTranslator, type Translator } from '../i18n/index.js';
import { serializeCookie, createSigner, type Signer } from './cookies.js';
import { DEFAULT_BODY_LIMIT } from './body.js';
import { createOwnRoutes, type OwnRoutes } from './forgery.js';
import {
  POW_PATHS,
  createPathHelpers,
  createRoutes,
  normalizeMountPath,
  type PathHelpers,
} from './routes.js';
import { createThrottle, expressRateLimits, type Throttle } from './throttle.js';
import { createRateLimiter, type RateLimiter } from '../core/rate-limit.js';
import { withLandingPath } from './landing-path.js';
import type { PowExpressOptions, Request, RoutesCallbacks } from './types.js';

export interface ExpressSettings {
  readonly pow: Pow;
  readonly options: PowExpressOptions;
  readonly userType: string;
  readonly mountPath: string;
  /**
   * The cookie settings below are resolved on first read (NODE_ENV may come from the app's .env):
   * read them when needed, never copy them at construction.
   */
  readonly secure: boolean;
  readonly cookieName: string;
  /** The signed cookie of anonymous visitors (CSRF secret, flash over a redirect). */
  readonly anonCookieName: string;
  readonly cookieAttributes: { secure: boolean; httpOnly: true; sameSite: 'Lax'; path: '/' };
  /** Where the user is on `req` and `res.locals`. */
  readonly currentUserKey: string;
  readonly paths: PathHelpers;
  readonly routes: RoutesCallbacks;
  /** pow's default paths, and (after `auth.readPages`) the paths of the routes file. */
  readonly ownRoutes: OwnRoutes;
  readonly translator: Translator;
  /** One limiter for every limit of this user type (core/rate-limit.ts; issue 16, defects 2 and 3). */
  readonly limiter: RateLimiter;
  readonly throttle: Throttle;
  readonly anonSigner: Signer;
  readonly bodyLimit: number;
  /** The key of this user type's request state in the request's memo (request-state.ts). */
  readonly stateKey: symbol;
  /** The headers of pow's pages and of `requireAuthenticated` responses (security-headers.ts). */
  readonly securityHeaders: SecurityHeaders;
  resolveLocale(req: Request): string;
}

interface CookieSettings {
  readonly secure: boolean;
  readonly cookieName: string;
  readonly anonCookieName: string;
  readonly cookieAttributes: ExpressSettings['cookieAttributes'];
}

function resolveCookieSettings(options: PowExpressOptions, userType: string): CookieSettings {
  const secure = options.secureCookies ?? process.env.NODE_ENV === 'production';
  const cookieName = options.cookieName ?? `${secure ? '__Host-' : ''}pow_${userType}`;
  const anonCookieName = `${cookieName}_anon`;
  // Fails at start-up, not on a later response, for a name a browser would refuse.
  serializeCookie(cookieName, 'x');
  serializeCookie(anonCookieName, 'x');
  if (cookieName.startsWith('__Host-') && !secure) {
    throw new PowError({
      code: 'POW_CONFIG_INVALID',
      message: `powExpress: cookie "${cookieName}" has the __Host- prefix, which browsers accept only with Secure cookies.`,
      fix: 'Set secureCookies: true (HTTPS) or drop the prefix.',
    });
  }
  return {
    secure,
    cookieName,
    anonCookieName,
    cookieAttributes: Object.freeze({ secure, httpOnly: true, sameSite: 'Lax', path: '/' }),
  };
}

function defaultCurrentUserKey(userType: string): string {
  const camel = userType
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return `current${camel}`;
}

export function resolveExpressSettings(pow: Pow, options: PowExpressOptions): ExpressSettings {
  if (!pow || typeof pow !== 'object' || !pow.sessions || !pow.users) {
    throw new PowError({
      code: 'POW_CONFIG_INVALID',
      message: 'powExpress(pow): pass the object createPow() returned.',
    });
  }
  const userType = pow.userType;
  const mountPath = normalizeMountPath(options.mountPath);
  // The default of `secureCookies` comes from NODE_ENV, which an app may set in the .env file it
  // loads after importing this config: resolve the cookies on first use (the app mounting
  // `auth.middleware()` or its first request), not now. Given explicitly, they are checked now.
  let resolvedCookies: CookieSettings | undefined;
  const cookies = () => (resolvedCookies ??= resolveCookieSettings(options, userType));
  if (options.secureCookies !== undefined) cookies();
  const currentUserKey = options.currentUserKey ?? defaultCurrentUserKey(userType);
  const paths = createPathHelpers(mountPath);
  const routes: RoutesCallbacks = createRoutes(
    mountPath,
    withLandingPath(options, () => routes),
    paths,
  );
  const ownRoutes = createOwnRoutes(mountPath, Object.values(POW_PATHS));
  const translator = createTranslator({
    defaultLocale: options.i18n?.defaultLocale,
    messages: options.i18n?.messages,
  });
  const limiter = createRateLimiter(pow.store, userType, pow.clock, expressRateLimits(options));
  const throttle = createThrottle(limiter, pow.userIdFields);
  const anonSigner = createSigner(() => pow.secret, `anonymous:${userType}`);
  return {
    pow,
    options,
    userType,
    mountPath,
    get secure() {
      return cookies().secure;
    },
    get cookieName() {
      return cookies().cookieName;
    },
    get anonCookieName() {
      return cookies().anonCookieName;
    },
    get cookieAttributes() {
      return cookies().cookieAttributes;
    },
    currentUserKey,
    paths,
    routes,
    ownRoutes,
    translator,
    limiter,
    throttle,
    anonSigner,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    stateKey: Symbol(`pow:${userType}:state`),
    securityHeaders: createSecurityHeaders(options.securityHeaders),
    resolveLocale(req) {
      const custom = options.i18n?.resolveLocale?.(req);
      return translator.match(custom) ?? translator.fromAcceptLanguage(req.headers['accept-language']);
    },
  };
}
