/**
 * Pow's routes callbacks (pow-behaviour.md 3.8) and path helpers for one user type.
 *
 * Defaults chain through the final object, as in Pow (`routes_module.after_sign_in_path`), so
 * overriding `afterSignInPath` also changes `afterRegistrationPath` and
 * `userAlreadyAuthenticatedPath`, which default to it.
 */
import { PowError } from '../../shared/pow-error.js';
import type { PowPathName, Request, RoutesCallbacks } from './types.js';
import type { PagePathTable } from './page-paths.js';
import { safeRedirectPath } from './safe-redirect.js';

/**
 * Default paths of pow's pages relative to the mount path (docs/internal/conventions.md): the
 * paths the generated routes file starts with, and the paths of apps whose routes file does not
 * call `auth.readPages` (generated before it existed).
 */
export const POW_PATHS: Readonly<Record<PowPathName, string>> = Object.freeze({
  'session.new': '/session/new',
  'session.create': '/session',
  'session.delete': '/session',
  'registration.new': '/registration/new',
  'registration.create': '/registration',
  'registration.edit': '/registration/edit',
  'registration.update': '/registration',
  'registration.delete': '/registration',
  'reset_password.new': '/reset-password/new',
  'reset_password.create': '/reset-password',
  // The link in the reset mail: it moves the token into a cookie and redirects to the form.
  'reset_password.edit': '/reset-password/:token/edit',
  // The form target of apps generated before the token-free pages (their views still resolve it).
  'reset_password.update': '/reset-password/:token',
  // The token-free form and its target (security bar F8: the token never stays in the URL).
  'reset_password.form': '/reset-password/edit',
  'reset_password.submit': '/reset-password',
  'confirmation.show': '/confirm-email/:token',
  'confirmation.new': '/confirm-email',
  'confirmation.create': '/confirm-email',
  // The older name of confirmation.new (older views use it as link and form target).
  'confirmation.resend': '/confirm-email',
  'invitation.new': '/invitation/new',
  'invitation.create': '/invitation',
  'invitation.edit': '/invitation/:token/edit',
  'invitation.update': '/invitation/:token',
  'sessions.index': '/sessions',
  'sessions.delete': '/sessions',
  'sessions.delete_others': '/sessions/others',
  'security_log.index': '/security-log',
  'oauth.new': '/auth/:provider/new',
  'oauth.callback': '/auth/:provider/callback',
  'oauth.delete': '/auth/:provider',
  'two_factor.show': '/two-factor',
  'two_factor.new': '/two-factor/new',
  'two_factor.create': '/two-factor',
  'two_factor.delete': '/two-factor',
  'two_factor.challenge': '/two-factor/challenge',
  'two_factor.verify': '/two-factor/challenge',
  // The second step with a passkey: its WebAuthn options (JSON); the answer posts to two_factor.verify.
  'two_factor.passkey_options': '/two-factor/passkey-options',
  // New recovery codes (with the password), shown once.
  'two_factor.recovery_codes': '/two-factor/recovery-codes',
  'passkeys.index': '/passkeys',
  'passkeys.registration_options': '/passkeys/registration-options',
  'passkeys.create': '/passkeys',
  'passkeys.confirm_delete': '/passkeys/remove',
  'passkeys.delete': '/passkeys',
  'passkeys.sign_in_options': '/passkeys/sign-in-options',
  'passkeys.sign_in': '/passkeys/session',
  // The owned glue script (views folder) and the WebAuthn browser library (node_modules).
  'passkeys.script': '/pow/passkeys.js',
  'passkeys.browser': '/pow/simplewebauthn-browser.js',
  'magic_link.new': '/magic-link/new',
  'magic_link.create': '/magic-link',
  'magic_link.sent': '/magic-link/sent',
  // The mailed link shows a button; its POST (same path) signs in, so a prefetching scanner cannot.
  'magic_link.show': '/magic-link/:token',
  'magic_link.sign_in': '/magic-link/:token',
  // The stylesheet the layout links (the routes file serves it from the views folder).
  'layout.stylesheet': '/pow/pow.css',
});

/** Normalises a mount path: "" or "/admin" (leading slash, no trailing slash). */
export function normalizeMountPath(mountPath: string | undefined): string {
  if (mountPath === undefined || mountPath === '' || mountPath === '/') return '';
  if (typeof mountPath !== 'string' || !/^(\/[A-Za-z0-9._~-]+)+\/?$/.test(mountPath)) {
    throw new TypeError(`pow: mountPath must look like "/admin" (got ${JSON.stringify(mountPath)})`);
  }
  return mountPath.replace(/\/$/, '');
}

/** One path, compiled once: a fixed string, or the template to fill in. */
interface CompiledPath {
  readonly fixed?: string;
  readonly template: string;
}

/** The path helpers of one user type, and the switch to the paths of the team's routes file. */
export interface PathHelpers {
  readonly path: RoutesCallbacks['path'];
  readonly has: RoutesCallbacks['has'];
  /** From now on, build paths from this table (what `auth.readPages` found in `routesFile`). */
  use(table: PagePathTable, routesFile: string | undefined): void;
}

function compile(mountPath: string, table: PagePathTable): Map<string, CompiledPath> {
  const compiled = new Map<string, CompiledPath>();
  for (const [name, template] of Object.entries(table)) {
    if (template === undefined) continue;
    compiled.set(
      name,
      template.includes(':') ? { template } : { fixed: `${mountPath}${template}`, template },
    );
  }
  return compiled;
}

/**
 * `path(name, params)`: placeholders (`:token`) are filled from params (URL-encoded); other
 * params become the query string. A missing placeholder param throws, and so does a page the
 * routes file has no route for (check `has(name)` before linking to an optional page).
 * Paths are compiled once per table, not per call (views call this on every render).
 */
export function createPathHelpers(mountPath: string): PathHelpers {
  let compiled = compile(mountPath, POW_PATHS);
  let routesFile: string | undefined;
  const path: RoutesCallbacks['path'] = (name, params) => {
    const entry = compiled.get(name);
    if (entry === undefined) {
      if (!Object.hasOwn(POW_PATHS, name)) throw new TypeError(`pow: unknown path name "${String(name)}"`);
      throw new PowError({
        code: 'POW_PAGE_NOT_ROUTED',
        message: `pow: ${routesFile ?? 'the routes file'} has no route for the page "${name}", so there is no path to link to.`,
        fix: `Add the route back, or check pow.has('${name}') / auth.routes.has('${name}') before linking to it.`,
      });
    }
    if (entry.fixed !== undefined && params === undefined) return entry.fixed;
    const used = new Set<string>();
    const filled = entry.template.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, key: string) => {
      const value = params?.[key];
      if (value === undefined || value === '')
        throw new TypeError(`pow: path "${name}" needs the "${key}" param`);
      used.add(key);
      return encodeURIComponent(value);
    });
    let query = '';
    if (params) {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(params))
        if (!used.has(key) && value !== undefined) search.append(key, value);
      const text = search.toString();
      if (text) query = `?${text}`;
    }
    return `${mountPath}${filled}${query}`;
  };
  return {
    path,
    has: (name) => compiled.has(name),
    use(table, file) {
      compiled = compile(mountPath, table);
      routesFile = file;
    },
  };
}

/** The path helper over pow's default paths. */
export function createPathHelper(mountPath: string): RoutesCallbacks['path'] {
  return createPathHelpers(mountPath).path;
}

function requestPathParam(req: Request): unknown {
  const query = (req as { query?: unknown }).query as Record<string, unknown> | undefined;
  const fromQuery = query && typeof query === 'object' ? query.request_path : undefined;
  if (fromQuery !== undefined) return fromQuery;
  const body = (req as { body?: unknown }).body as Record<string, unknown> | undefined;
  return body && typeof body === 'object' ? body.request_path : undefined;
}

/** The safe `request_path` of this request (query, then body), or undefined. */
export function requestPath(req: Request): string | undefined {
  const value = requestPathParam(req);
  const safe = safeRedirectPath(value, '');
  return safe === '' ? undefined : safe;
}

export function createRoutes(
  mountPath: string,
  overrides: Partial<Omit<RoutesCallbacks, 'path' | 'has'>> = {},
  paths: PathHelpers = createPathHelpers(mountPath),
): RoutesCallbacks {
  const { path, has } = paths;
  const home = mountPath || '/';
  for (const [name, value] of Object.entries(overrides)) {
    if (typeof value !== 'function') throw new TypeError(`pow: routes.${name} must be a function`);
  }
  const routes: RoutesCallbacks = {
    afterSignInPath: (req) => requestPath(req) ?? home,
    afterSignOutPath: () => path('session.new'),
    afterRegistrationPath: (req) => routes.afterSignInPath(req),
    afterUserUpdatedPath: () => path('registration.edit'),
    afterUserDeletedPath: (req) => routes.afterSignOutPath(req),
    userNotAuthenticatedPath: (req) => {
      const method = (req.method ?? 'GET').toUpperCase();
      if (method !== 'GET') return path('session.new');
      const current = req.originalUrl ?? req.url;
      return safeRedirectPathOrNone(current)
        ? path('session.new', { request_path: current })
        : path('session.new');
    },
    userAlreadyAuthenticatedPath: (req) => routes.afterSignInPath(req),
    path,
    has,
  };
  Object.assign(routes, overrides);
  return routes;
}

function safeRedirectPathOrNone(value: string | undefined): boolean {
  return safeRedirectPath(value, '') !== '';
}
