/**
 * Which state-changing requests `auth.middleware()` checks for cross-site request forgery, and how
 * (docs/app-requests.md, "Cross-site request forgery"). The middleware sits in front of every route of
 * the app, so the rule separates pow's own routes from the app's:
 *
 * - **pow's own routes** (the paths of `POW_PATHS` under the instance's mount path, e.g. `/session`
 *   or `/admin/registration`) always need the synchronizer token, signed in or not (login CSRF).
 * - **the app's routes**: a request to which pow grants no user (no live session or remember-me
 *   cookie of this user type) passes untouched: pow never read its body and it can forge nothing
 *   through pow. A request that carries pow's authority passes with a valid token; without one the
 *   browser's own statement decides (`Sec-Fetch-Site`, else `Origin`); with neither, a body type
 *   that a cross-site HTML form can send is refused, and any other type (JSON) passes, because a
 *   browser sends it cross-site only after a CORS preflight the app has to allow.
 *
 * Every function here runs only for unsafe methods; safe requests never reach this module.
 */
import type { IncomingMessage } from 'node:http';

/** Where the browser says an unsafe request comes from. */
export type Provenance = 'same-origin' | 'cross-site' | 'unknown';

/** The paths of one user type's own routes, matched the way Express matches them (or looser). */
export interface OwnRoutes {
  /** True when `path` (no query string) is one of pow's routes of this user type. */
  owns(path: string): boolean;
  /** Adds path templates (relative to the mount path), e.g. the ones `auth.readPages` read. */
  add(templates: Iterable<string>): void;
}

const PARAM = null;
type Segments = ReadonlyArray<string | typeof PARAM>;

/**
 * Path segments as Express would see them, normalised to match more, never less: Express routes
 * case-insensitively and ignores a trailing slash by default, and a route matched by pow's router
 * must never escape the token check (`POST /Session` is `POST /session`). Empty segments and
 * percent-encoding are folded too, so a spelling that some router might accept is also pow's.
 */
function segmentsOf(path: string): string[] {
  const out: string[] = [];
  for (const raw of path.split('/')) {
    if (raw === '') continue;
    let segment = raw;
    if (segment.includes('%')) {
      try {
        segment = decodeURIComponent(segment);
      } catch {
        // Not valid percent-encoding: compare it as written.
      }
    }
    out.push(segment.toLowerCase());
  }
  return out;
}

function compile(template: string): Segments {
  return segmentsOf(template).map((segment) => (segment.startsWith(':') ? PARAM : segment));
}

function matches(pattern: Segments, segments: readonly string[]): boolean {
  if (pattern.length !== segments.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i];
    if (expected !== PARAM && expected !== segments[i]) return false;
  }
  return true;
}

/**
 * pow's own routes for one user type: every template (e.g. "/reset-password/:token/edit") under
 * the mount path. `:name` segments match any one segment.
 */
export function createOwnRoutes(mountPath: string, templates: Iterable<string>): OwnRoutes {
  const patterns: Segments[] = [];
  const seen = new Set<string>();
  const add = (more: Iterable<string>) => {
    for (const template of more) {
      const pattern = compile(`${mountPath}${template}`);
      const key = pattern.map((segment) => segment ?? ':').join('/');
      if (seen.has(key)) continue;
      seen.add(key);
      patterns.push(pattern);
    }
  };
  add(templates);
  return {
    owns(path) {
      const segments = segmentsOf(path);
      return patterns.some((pattern) => matches(pattern, segments));
    },
    add,
  };
}

/** The request's path without its query string (`originalUrl`: the full path under sub-apps). */
export function requestPathOf(req: IncomingMessage & { originalUrl?: string }): string {
  const url = req.originalUrl ?? req.url ?? '';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** The media type of the body, lower case and without parameters; "" when there is none. */
function mediaTypeOf(req: IncomingMessage): string {
  const type = req.headers['content-type'];
  if (typeof type !== 'string') return '';
  const semi = type.indexOf(';');
  return (semi === -1 ? type : type.slice(0, semi)).trim().toLowerCase();
}

/**
 * The body types an HTML form (or `navigator.sendBeacon`, or a "simple" `fetch`) can send to
 * another site without a CORS preflight; no type at all counts too (a form with no fields, or a
 * body-less request). JSON and every other type need a preflight the app's CORS policy must allow.
 */
const FORM_SENDABLE_TYPES: ReadonlySet<string> = new Set([
  '',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
]);

export function hasFormSendableBody(req: IncomingMessage): boolean {
  return FORM_SENDABLE_TYPES.has(mediaTypeOf(req));
}

/** A JSON body (`application/json`, `application/*+json`): the client speaks JSON. */
export function hasJsonBody(req: IncomingMessage): boolean {
  const type = mediaTypeOf(req);
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/**
 * True when the request's `Origin` names another origin than the app: neither the configured base
 * URL nor the request's own `Host` (scheme aside: a TLS-terminating proxy passes the host on).
 * `null` (a sandboxed frame, a file, a cross-origin redirect) is foreign; no `Origin` is not.
 */
export function foreignOrigin(req: IncomingMessage, allowedOrigin: string | undefined): boolean {
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return false;
  if (origin === 'null') return true;
  if (allowedOrigin !== undefined && origin === allowedOrigin) return false;
  const host = req.headers.host;
  return !(typeof host === 'string' && hostOf(origin) === host.toLowerCase());
}

/**
 * Where the request comes from, by Fetch Metadata first (`Sec-Fetch-Site`, sent by every current
 * browser), else by `Origin`: the configured base URL, or the request's own `Host`, is the same
 * origin. `same-site` counts as cross-site: a sibling subdomain is another application. An
 * unknown `Sec-Fetch-Site` value (a future one) falls back to `Origin`.
 */
export function requestProvenance(req: IncomingMessage, allowedOrigin: string | undefined): Provenance {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') {
    const value = site.toLowerCase();
    if (value === 'same-origin' || value === 'none') return 'same-origin';
    if (value === 'cross-site' || value === 'same-site') return 'cross-site';
  }
  if (typeof req.headers.origin !== 'string') return 'unknown';
  return foreignOrigin(req, allowedOrigin) ? 'cross-site' : 'same-origin';
}

/**
 * For a request to one of the app's routes that carries pow's authority but no valid token: may
 * it pass? The browser's provenance decides; with none, only a body type that needs a CORS
 * preflight (JSON) passes.
 */
export function appRouteRequestAllowed(req: IncomingMessage, allowedOrigin: string | undefined): boolean {
  switch (requestProvenance(req, allowedOrigin)) {
    case 'same-origin':
      return true;
    case 'cross-site':
      return false;
    default:
      return !hasFormSendableBody(req);
  }
}
