/**
 * Pow's routes callbacks (pow-behaviour.md 3.8) and path helpers for one user type.
 *
 * Defaults chain through the final object, as in Pow (`routes_module.after_sign_in_path`), so
 * overriding `afterSignInPath` also changes `afterRegistrationPath` and
 * `userAlreadyAuthenticatedPath`, which default to it.
 */
import type { PowPathName, Request, RoutesCallbacks } from './types.js';
import { safeRedirectPath } from './safe-redirect.js';

/** Paths of pow's pages relative to the mount path (docs/internal/conventions.md). */
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
  'confirmation.resend': '/confirm-email',
  'invitation.new': '/invitation/new',
  'invitation.create': '/invitation',
  'invitation.edit': '/invitation/:token/edit',
  'invitation.update': '/invitation/:token',
});

/** Normalises a mount path: "" or "/admin" (leading slash, no trailing slash). */
export function normalizeMountPath(mountPath: string | undefined): string {
  if (mountPath === undefined || mountPath === '' || mountPath === '/') return '';
  if (typeof mountPath !== 'string' || !/^(\/[A-Za-z0-9._~-]+)+\/?$/.test(mountPath)) {
    throw new TypeError(`pow: mountPath must look like "/admin" (got ${JSON.stringify(mountPath)})`);
  }
  return mountPath.replace(/\/$/, '');
}

/**
 * `path(name, params)`: placeholders (`:token`) are filled from params (URL-encoded); other
 * params become the query string. A missing placeholder param throws.
 */
export function createPathHelper(mountPath: string): RoutesCallbacks['path'] {
  return (name, params) => {
    const template = POW_PATHS[name];
    if (template === undefined) throw new TypeError(`pow: unknown path name "${String(name)}"`);
    const used = new Set<string>();
    const path = template.replace(/:([a-z_]+)/g, (_, key: string) => {
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
    return `${mountPath}${path}${query}`;
  };
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
  overrides: Partial<Omit<RoutesCallbacks, 'path'>> = {},
): RoutesCallbacks {
  const path = createPathHelper(mountPath);
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
  };
  Object.assign(routes, overrides);
  return routes;
}

function safeRedirectPathOrNone(value: string | undefined): boolean {
  return safeRedirectPath(value, '') !== '';
}
