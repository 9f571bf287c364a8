/**
 * The path of each of pow's pages, read from the team's routes file (one source of truth).
 *
 * The generated routes file marks every route with `auth.page(controller, action)` and ends with
 * `auth.readPages(powRoutes)`. That call walks the router's stack once, at start-up, and finds the
 * path of each marked route; from then on every form action, link, redirect and mailed URL of pow
 * is built from those paths, so a path the team edits in the routes file is the path pow uses.
 * Routes files generated before this call existed never make it and keep pow's default paths.
 *
 * The router's stack has the same shape on Express 4 and 5 (`router.stack[i].route` with `path`
 * and its own `stack` of handlers), and it is the only part of Express read here.
 */
import { PowError } from '../../shared/pow-error.js';
import type { ExtensionName } from '../core/types.js';
import type { PowPathName } from './types.js';

/** The paths of pow's pages relative to the mount path; a page without a route has none. */
export type PagePathTable = Readonly<Partial<Record<PowPathName, string>>>;

/** Where `auth.page()` was called, kept unformatted until an error needs it. */
export interface CallSite {
  stack?: string;
}

/** What `auth.page(controller, action)` leaves on the handler it returns. */
export interface PageMark {
  readonly controller: string;
  readonly action: string;
  readonly site: CallSite;
}

/** A route of the router that carries a page marker. */
export interface MarkedRoute {
  readonly mark: PageMark;
  /** As written in the routes file, e.g. "/reset-password/:token/edit". */
  readonly path: unknown;
}

/**
 * Which page serves each path name. Path names are what views and controllers pass to
 * `pow.path()`; pages are what the routes file marks. Where one page served two paths over time,
 * `token` tells them apart: the reset form moved from `/reset-password/:token/edit` (page
 * reset_password.edit, token in the URL) to `/reset-password/edit` (no token, security bar F8).
 */
interface PageRef {
  readonly page: string;
  /** true: only a route with a `:token` param; false: only one without. */
  readonly token?: boolean;
}

const SERVED_BY: Readonly<Record<PowPathName, readonly PageRef[]>> = {
  'session.new': [{ page: 'session.new' }],
  'session.create': [{ page: 'session.create' }],
  'session.delete': [{ page: 'session.delete' }],
  'registration.new': [{ page: 'registration.new' }],
  'registration.create': [{ page: 'registration.create' }],
  'registration.edit': [{ page: 'registration.edit' }],
  'registration.update': [{ page: 'registration.update' }],
  'registration.delete': [{ page: 'registration.delete' }],
  'reset_password.new': [{ page: 'reset_password.new' }],
  'reset_password.create': [{ page: 'reset_password.create' }],
  // The mailed link; routes files from before F8 served it with the form page itself.
  'reset_password.edit': [{ page: 'reset_password.link' }, { page: 'reset_password.edit', token: true }],
  'reset_password.update': [{ page: 'reset_password.update', token: true }],
  'reset_password.form': [{ page: 'reset_password.edit', token: false }],
  'reset_password.submit': [{ page: 'reset_password.update', token: false }],
  'confirmation.show': [{ page: 'confirmation.show' }],
  'confirmation.new': [{ page: 'confirmation.new' }],
  'confirmation.create': [{ page: 'confirmation.create' }],
  // The older name of the "send the link again" page, used as link and form target by older views.
  'confirmation.resend': [{ page: 'confirmation.new' }],
  'invitation.new': [{ page: 'invitation.new' }],
  'invitation.create': [{ page: 'invitation.create' }],
  'invitation.edit': [{ page: 'invitation.edit' }],
  'invitation.update': [{ page: 'invitation.update' }],
  'sessions.index': [{ page: 'sessions.index' }],
  'sessions.delete': [{ page: 'sessions.delete' }],
  'sessions.delete_others': [{ page: 'sessions.delete_others' }],
  'security_log.index': [{ page: 'security_log.index' }],
  'oauth.new': [{ page: 'oauth.new' }],
  'oauth.callback': [{ page: 'oauth.callback' }],
  'oauth.delete': [{ page: 'oauth.delete' }],
  'two_factor.show': [{ page: 'two_factor.show' }],
  'two_factor.new': [{ page: 'two_factor.new' }],
  'two_factor.create': [{ page: 'two_factor.create' }],
  'two_factor.delete': [{ page: 'two_factor.delete' }],
  'two_factor.challenge': [{ page: 'two_factor.challenge' }],
  'two_factor.verify': [{ page: 'two_factor.verify' }],
  'two_factor.passkey_options': [{ page: 'two_factor.passkey_options' }],
  'two_factor.recovery_codes': [{ page: 'two_factor.recovery_codes' }],
  'passkeys.index': [{ page: 'passkeys.index' }],
  'passkeys.registration_options': [{ page: 'passkeys.registration_options' }],
  'passkeys.create': [{ page: 'passkeys.create' }],
  'passkeys.confirm_delete': [{ page: 'passkeys.confirm_delete' }],
  'passkeys.delete': [{ page: 'passkeys.delete' }],
  'passkeys.sign_in_options': [{ page: 'passkeys.sign_in_options' }],
  'passkeys.sign_in': [{ page: 'passkeys.sign_in' }],
  'passkeys.script': [{ page: 'passkeys.script' }],
  'passkeys.browser': [{ page: 'passkeys.browser' }],
  'magic_link.new': [{ page: 'magic_link.new' }],
  'magic_link.create': [{ page: 'magic_link.create' }],
  'magic_link.sent': [{ page: 'magic_link.sent' }],
  'magic_link.show': [{ page: 'magic_link.show' }],
  'magic_link.sign_in': [{ page: 'magic_link.sign_in' }],
  'layout.stylesheet': [{ page: 'layout.stylesheet' }],
};

/**
 * Paths that keep their default when no route is marked: routes files generated before the
 * stylesheet route carried `auth.page('layout', 'stylesheet')` still serve it at the default path.
 */
const DEFAULT_WHEN_UNMARKED: readonly PowPathName[] = ['layout.stylesheet'];

/** Pages pow sends people to on its own: sign-in (guards, after sign-out) and sign-out (CSRF rule). */
const ALWAYS_NEEDED: readonly PowPathName[] = ['session.new', 'session.create', 'session.delete'];

/** Pages an enabled extension mails links to, or redirects to from those. */
const NEEDED_BY_EXTENSION: Readonly<Partial<Record<ExtensionName, readonly PowPathName[]>>> = {
  'reset-password': [
    'reset_password.new',
    'reset_password.create',
    'reset_password.edit',
    'reset_password.form',
    'reset_password.submit',
  ],
  'email-confirmation': ['confirmation.show'],
  invitation: ['invitation.edit', 'invitation.update'],
  // The provider sends the browser back to the callback; the buttons link to oauth.new.
  oauth: ['oauth.new', 'oauth.callback'],
  // The sign-in sends a user with two-factor on to the second step.
  'two-factor': ['two_factor.challenge', 'two_factor.verify'],
  'magic-link': ['magic_link.show', 'magic_link.sign_in'],
};

/** A routed page needs the target of its form, and the page its controller redirects back to. */
const NEEDED_WITH: Readonly<Partial<Record<PowPathName, readonly PowPathName[]>>> = {
  'registration.new': ['registration.create'],
  'registration.edit': ['registration.update'],
  'registration.update': ['registration.edit'],
  'confirmation.new': ['confirmation.create'],
  'invitation.new': ['invitation.create'],
  'invitation.create': ['invitation.new'],
  'invitation.edit': ['invitation.update'],
  'sessions.index': ['sessions.delete', 'sessions.delete_others'],
  'two_factor.show': ['two_factor.new', 'two_factor.delete'],
  'two_factor.new': ['two_factor.create'],
  'two_factor.challenge': ['two_factor.verify'],
  'passkeys.index': [
    'passkeys.registration_options',
    'passkeys.create',
    'passkeys.confirm_delete',
    'passkeys.delete',
    'passkeys.script',
    'passkeys.browser',
  ],
  'passkeys.confirm_delete': ['passkeys.delete', 'passkeys.index'],
  'passkeys.sign_in': ['passkeys.sign_in_options', 'passkeys.script', 'passkeys.browser'],
  'magic_link.new': ['magic_link.create'],
  'magic_link.create': ['magic_link.new', 'magic_link.sent'],
};

/** Pages whose path names the OAuth provider (`:provider`), and only that. */
const PROVIDER_PAGES = new Set(['oauth.new', 'oauth.callback', 'oauth.delete']);

/** Pages whose path carries the token of a mailed link. */
const TOKEN_PAGES = new Set([
  'reset_password.link',
  'confirmation.show',
  'invitation.edit',
  'invitation.update',
  'magic_link.show',
  'magic_link.sign_in',
]);

/** Segments pow can fill in: literal text, or a `:name` param (no Express pattern syntax). */
const LITERAL_SEGMENT = /^[A-Za-z0-9._~%-]+$/;
const PARAM_SEGMENT = /^:([A-Za-z_][A-Za-z0-9_]*)$/;

/** The default path of a path name (for fix hints). */
type DefaultPaths = Readonly<Record<PowPathName, string>>;

/** Where the routes file is, for messages ("src/routes/pow.ts:212"), from a captured stack. */
export function callerOf(site: CallSite): string | undefined {
  // The first frame is the caller: captureStackTrace left out pow's own frames.
  const frame = site.stack?.split('\n').find((line) => line.trimStart().startsWith('at '));
  const location = frame ? /\(?((?:file:\/\/)?[^\s()]+):(\d+):\d+\)?\s*$/.exec(frame) : null;
  if (!location) return undefined;
  let file = location[1]!;
  if (file.startsWith('file://')) file = decodeURIComponent(new URL(file).pathname);
  const cwd = process.cwd();
  const relative = file.startsWith(`${cwd}/`) ? file.slice(cwd.length + 1) : file;
  return `${relative}:${location[2]}`;
}

/** Without the line number: the file to fix. */
function fileOf(site: string | undefined): string {
  return site ? site.replace(/:\d+$/, '') : 'the routes file';
}

function pageCall(page: string): string {
  const [controller, action] = page.split('.');
  return `auth.page('${controller}', '${action}')`;
}

function routesError(message: string, fix: string): PowError {
  return new PowError({ code: 'POW_ROUTES_INVALID', message, fix });
}

/** Routers are functions with a `stack` (Express 4 and 5 alike); anything else is not a router. */
function stackOf(router: unknown): unknown[] | undefined {
  if (typeof router !== 'function' && (typeof router !== 'object' || router === null)) return undefined;
  const stack = (router as { stack?: unknown }).stack;
  return Array.isArray(stack) ? stack : undefined;
}

/** The routes of `router` that carry one of this user type's page markers (routes of nested routers are not read). */
export function findMarkedRoutes(
  router: unknown,
  markOf: (handler: unknown) => PageMark | undefined,
  routesFile: string | undefined,
): MarkedRoute[] {
  const stack = stackOf(router);
  if (!stack) {
    throw routesError(
      `auth.readPages() in ${fileOf(routesFile)} needs the Express router of pow's routes (got ${typeof router}).`,
      'Pass the router the file exports: auth.readPages(powRoutes).',
    );
  }
  const found: MarkedRoute[] = [];
  for (const layer of stack) {
    const route = (layer as { route?: { path?: unknown; stack?: unknown } } | null)?.route;
    if (!route || !Array.isArray(route.stack)) continue;
    for (const handlerLayer of route.stack) {
      const mark = markOf((handlerLayer as { handle?: unknown } | null)?.handle);
      if (mark) found.push({ mark, path: route.path });
    }
  }
  return found;
}

/** Checks a route's path and returns it with its param names. */
function pagePath(route: MarkedRoute, page: string): { path: string; params: string[] } {
  // Express accepts an array of paths for one route; links go to the first.
  const path = Array.isArray(route.path) ? route.path[0] : route.path;
  const where = callerOf(route.mark.site) ?? 'the routes file';
  const params: string[] = [];
  const segments = typeof path === 'string' && path.startsWith('/') ? path.split('/').slice(1) : null;
  const plain =
    segments !== null &&
    segments.every((segment, index) => {
      if (segment === '') return index === segments.length - 1;
      const param = PARAM_SEGMENT.exec(segment);
      if (param) params.push(param[1]!);
      return param !== null || LITERAL_SEGMENT.test(segment);
    });
  if (!plain) {
    throw routesError(
      `The route of ${pageCall(page)} (${where}) has the path ${String(path)}, which pow cannot build links to.`,
      'Use a path of plain segments and :params, e.g. "/login" or "/reset-password/:token/edit".',
    );
  }
  if (PROVIDER_PAGES.has(page)) {
    if (params.length !== 1 || params[0] !== 'provider') {
      throw routesError(
        `The route of ${pageCall(page)} (${where}) has the path ${path as string}; pow fills in exactly one param there, :provider (the provider's name).`,
        'Keep ":provider" in the path and add no other params.',
      );
    }
    return { path: path as string, params };
  }
  const expected = TOKEN_PAGES.has(page) || (page === 'reset_password.edit' && params.includes('token'));
  const unexpected = params.filter((name) => name !== 'token' || !expected);
  if (unexpected.length > 0 || (TOKEN_PAGES.has(page) && !params.includes('token'))) {
    throw routesError(
      `The route of ${pageCall(page)} (${where}) has the path ${path as string}; pow fills in ${
        TOKEN_PAGES.has(page) ? 'exactly one param, :token (the token of the mailed link)' : 'no params there'
      }.`,
      TOKEN_PAGES.has(page)
        ? 'Keep ":token" in the path and add no other params.'
        : 'Remove the params from the path.',
    );
  }
  return { path: path as string, params };
}

/**
 * The path table of a routes file: each path name gets the path of the route marked with its
 * page. Throws, naming the page and the file, when a page is marked twice or a page pow needs
 * (sign-in, sign-out, the pages of the enabled extensions, the targets of routed forms) has no route.
 */
export function resolvePagePaths(
  routes: readonly MarkedRoute[],
  context: {
    extensions: readonly ExtensionName[];
    routesFile: string | undefined;
    defaults: DefaultPaths;
  },
): PagePathTable {
  const file = fileOf(context.routesFile);
  const byPage = new Map<string, { path: string; hasToken: boolean; site: string | undefined }[]>();
  for (const route of routes) {
    const page = `${route.mark.controller}.${route.mark.action}`;
    const { path, params } = pagePath(route, page);
    const hasToken = params.includes('token');
    const entries = byPage.get(page) ?? [];
    const twin = entries.find((entry) => entry.hasToken === hasToken);
    const site = callerOf(route.mark.site);
    if (twin) {
      throw routesError(
        `${file} marks two routes with ${pageCall(page)}: ${twin.path}${twin.site ? ` (${twin.site})` : ''} and ${path}${site ? ` (${site})` : ''}. pow links to one path per page.`,
        `Keep ${pageCall(page)} on the route whose path pow should use; redirect from the other path without the marker.`,
      );
    }
    entries.push({ path, hasToken, site });
    byPage.set(page, entries);
  }

  const table: Partial<Record<PowPathName, string>> = {};
  for (const [name, refs] of Object.entries(SERVED_BY) as [PowPathName, readonly PageRef[]][]) {
    for (const ref of refs) {
      const entry = byPage
        .get(ref.page)
        ?.find((candidate) => ref.token === undefined || candidate.hasToken === ref.token);
      if (entry) {
        table[name] = entry.path;
        break;
      }
    }
  }

  for (const name of DEFAULT_WHEN_UNMARKED) table[name] ??= context.defaults[name];

  const missing = (name: PowPathName, why: string): PowError => {
    const page = SERVED_BY[name][0]!.page;
    return routesError(
      `${file} has no route marked ${pageCall(page)}, which ${why}.`,
      `Add the route back to ${file}, e.g. ${pageCall(page)} on "${context.defaults[name]}" (run \`pow diff\` to see what was generated).`,
    );
  };
  for (const name of ALWAYS_NEEDED) if (!table[name]) throw missing(name, 'pow needs for signing in and out');
  for (const extension of context.extensions) {
    for (const name of NEEDED_BY_EXTENSION[extension] ?? [])
      if (!table[name]) throw missing(name, `the enabled extension "${extension}" needs`);
  }
  for (const [routed, needs] of Object.entries(NEEDED_WITH) as [PowPathName, readonly PowPathName[]][]) {
    if (!table[routed]) continue;
    for (const name of needs)
      if (!table[name]) throw missing(name, `the page of ${pageCall(SERVED_BY[routed][0]!.page)} needs`);
  }
  return Object.freeze(table);
}
