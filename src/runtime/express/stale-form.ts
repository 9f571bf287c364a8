/**
 * What a browser sees when a form's CSRF token is refused (issue 19): never a bare text page.
 *
 * - **One of pow's forms, sent from the app's own pages** as the browser states it (`Sec-Fetch-Site:
 *   same-origin`, else `Origin`; every current browser sends them on a form post): a sign-in form left open in a second
 *   tab, an edit form after signing out elsewhere): a 303 redirect to the page of that form, whose
 *   GET renders it again with a fresh token, and a flash that says what happened and that nothing
 *   was sent. The page is the form page of the refused route (`registration.update` →
 *   `registration.edit`), else the one the form was sent from (a same-origin `Referer`), else
 *   sign-in. Reloading it never re-posts the stale token.
 * - **Anything else** (a form of the app's own that carried pow's session, a request the browser
 *   says came from another site, or a client that says nothing): 403 with a small page in pow's stylesheet that says
 *   nothing was changed, with a link back to the page the form was on (same origin only) or to the
 *   start page. A cross-site request gets no redirect and no flash: it is not the user's form.
 *
 * The security decision (refuse) is made before this module runs; it only words the refusal.
 */
import type { Request, Response } from 'express';
import { escapeHtml } from '../mail/templates.js';
import type { PowPathName, RoutesCallbacks } from './types.js';

/** The page whose GET renders the form that posts to `route`, by method. */
const FORM_PAGES: ReadonlyArray<{ method: string; route: PowPathName; page: PowPathName }> = [
  { method: 'POST', route: 'session.create', page: 'session.new' },
  { method: 'POST', route: 'registration.create', page: 'registration.new' },
  { method: 'PATCH', route: 'registration.update', page: 'registration.edit' },
  { method: 'DELETE', route: 'registration.delete', page: 'registration.edit' },
  { method: 'POST', route: 'reset_password.create', page: 'reset_password.new' },
  { method: 'PATCH', route: 'reset_password.submit', page: 'reset_password.form' },
  { method: 'POST', route: 'confirmation.create', page: 'confirmation.new' },
  { method: 'POST', route: 'invitation.create', page: 'invitation.new' },
  { method: 'POST', route: 'magic_link.create', page: 'magic_link.new' },
];

/** The path and query of a same-origin `Referer`, or null (absent, another origin, unparsable). */
export function sameOriginReferer(req: Request, allowedOrigin: string | undefined): string | null {
  const referer = req.headers.referer;
  const host = req.headers.host;
  if (typeof referer !== 'string' || referer.length > 2048) return null;
  let url: URL;
  try {
    url = new URL(referer);
  } catch {
    return null;
  }
  const sameOrigin =
    (allowedOrigin !== undefined && url.origin === allowedOrigin) ||
    (typeof host === 'string' && url.host.toLowerCase() === host.toLowerCase());
  if (!sameOrigin || (url.protocol !== 'http:' && url.protocol !== 'https:')) return null;
  // A path of this origin only: "//evil.example" would be another host to the browser.
  const path = url.pathname.replace(/^\/{2,}/, '/');
  return `${path}${url.search}`;
}

/** The page to send a refused pow form back to, where its GET renders it with a fresh token. */
export function formPageOf(
  req: Request,
  path: string,
  routes: RoutesCallbacks,
  allowedOrigin: string | undefined,
): string {
  const target = path.replace(/\/+$/, '').toLowerCase();
  for (const { method, route, page } of FORM_PAGES) {
    if (req.method !== method || !routes.has(route) || !routes.has(page)) continue;
    if (routes.path(route).toLowerCase() === target) return routes.path(page);
  }
  // A form page pow cannot name (an invitation's, with its token): the page it was sent from,
  // unless that is the form's target itself (the page shown after a failed submit has no GET).
  const referer = sameOriginReferer(req, allowedOrigin);
  if (referer !== null && referer.split('?')[0]!.replace(/\/+$/, '').toLowerCase() !== target) return referer;
  return routes.path('session.new');
}

export interface RefusedFormPage {
  lang: string;
  title: string;
  message: string;
  /** Text of the link back. */
  linkText: string;
  /** Where the link goes: the page the form was on, or the start page. */
  href: string;
  /** pow's stylesheet as the other pages link it (`layout.stylesheet`, default `<mount>/pow/pow.css`). */
  stylesheet: string;
}

/** 403 with a small page in pow's stylesheet: no inline style or script (the app's CSP applies). */
export function sendRefusedFormPage(res: Response, page: RefusedFormPage): void {
  res.status(403);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(
    `<!DOCTYPE html>\n<html lang="${escapeHtml(page.lang)}">\n<head>\n<meta charset="utf-8">\n` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
      `<title>${escapeHtml(page.title)}</title>\n` +
      `<link rel="stylesheet" href="${escapeHtml(page.stylesheet)}">\n</head>\n` +
      `<body class="pow">\n<main id="main" class="pow-main">\n<section class="pow-card" aria-labelledby="pow-title">\n` +
      `<h1 id="pow-title">${escapeHtml(page.title)}</h1>\n<p>${escapeHtml(page.message)}</p>\n` +
      `<p><a href="${escapeHtml(page.href)}">${escapeHtml(page.linkText)}</a></p>\n` +
      `</section>\n</main>\n</body>\n</html>\n`,
  );
}
