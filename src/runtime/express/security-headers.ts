/**
 * The security headers pow sends (docs/security.md, "Headers"): one place for their defaults, and
 * the app's overrides (`powExpress(pow, { securityHeaders })`) merged over them once, at start-up.
 *
 * Two sets:
 * - `pages`: every response pow renders itself: its pages (`auth.page`), its refusals (redirect to
 *   sign-in, the expired-form 403) and its 503 page. pow's pages load one stylesheet and no script,
 *   inline or not, so the Content-Security-Policy allows only the app's own origin.
 * - `authenticated`: responses of the app's routes behind `auth.requireAuthenticated`. The app's
 *   own pages may use inline scripts or other origins pow cannot know, so only the headers that
 *   never break a page are set: no caching of signed-in content (a shared or back-button cache
 *   would show it to the next person), no MIME sniffing, and no framing by other sites.
 *
 * pow sets them when its handler runs, over what an earlier middleware (e.g. helmet) set: the
 * config is the one place that decides them. The app's own handler after `requireAuthenticated`
 * may still change a header of its response. An override of `false` leaves a header out.
 */
import type { ServerResponse } from 'node:http';

/** Header name → value; `false` in an override removes the default. */
export type HeaderOverrides = Readonly<Record<string, string | false>>;

export interface SecurityHeadersOptions {
  /** Over the defaults for pow's own pages, refusals and 503 page (`POW_PAGE_HEADERS`). */
  pages?: HeaderOverrides;
  /** Over the defaults for responses of `requireAuthenticated` (`AUTHENTICATED_HEADERS`). */
  authenticated?: HeaderOverrides;
}

/**
 * The policy pow's own pages satisfy: everything from the app's origin only, no inline script or
 * style (the pages link `pow.css`), forms post only to the app, no `<base>` rewriting, no plugins,
 * and no framing at all (click-jacking of the sign-in and account forms).
 */
export const POW_PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const POW_PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  'Content-Security-Policy': POW_PAGE_CSP,
  'X-Content-Type-Options': 'nosniff',
  // For browsers that predate `frame-ancestors`.
  'X-Frame-Options': 'DENY',
  // Reset and invitation pages are reached through links that carried a token.
  'Referrer-Policy': 'same-origin',
});

export const AUTHENTICATED_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
});

type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

export interface SecurityHeaders {
  /** Sets the `pages` set on a response pow renders. */
  page(res: ServerResponse): void;
  /** Sets the `authenticated` set on a response of `requireAuthenticated`. */
  authenticated(res: ServerResponse): void;
}

function configError(message: string): TypeError {
  return new TypeError(`pow: powExpress({ securityHeaders }) ${message}`);
}

function merge(defaults: Readonly<Record<string, string>>, overrides: unknown, key: string): HeaderList {
  if (overrides !== undefined && (overrides === null || typeof overrides !== 'object')) {
    throw configError(
      `.${key} must be an object of header names to values (or false), e.g. { 'X-Frame-Options': 'SAMEORIGIN' }`,
    );
  }
  // Header names are case-insensitive: an override of `x-frame-options` replaces `X-Frame-Options`.
  const merged = new Map<string, [string, string]>();
  for (const [name, value] of Object.entries(defaults)) merged.set(name.toLowerCase(), [name, value]);
  for (const [name, value] of Object.entries((overrides ?? {}) as Record<string, unknown>)) {
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name))
      throw configError(`.${key}: ${JSON.stringify(name)} is not a header name`);
    if (value === false) {
      merged.delete(name.toLowerCase());
      continue;
    }
    if (typeof value !== 'string' || /[\r\n]/.test(value)) {
      throw configError(`.${key}['${name}'] must be a one-line string, or false to leave the header out`);
    }
    merged.set(name.toLowerCase(), [name, value]);
  }
  return [...merged.values()];
}

function setAll(res: ServerResponse, headers: HeaderList): void {
  if (res.headersSent) return;
  for (const [name, value] of headers) res.setHeader(name, value);
}

/** The two header sets of one `powExpress` instance; throws on a malformed override. */
export function createSecurityHeaders(options: SecurityHeadersOptions | undefined): SecurityHeaders {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw configError('must be an object: { pages?: {...}, authenticated?: {...} }');
  }
  const pages = merge(POW_PAGE_HEADERS, options?.pages, 'pages');
  const authenticated = merge(AUTHENTICATED_HEADERS, options?.authenticated, 'authenticated');
  return {
    page: (res) => setAll(res, pages),
    authenticated: (res) => setAll(res, authenticated),
  };
}
