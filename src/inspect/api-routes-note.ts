import type { ProjectInfo } from './project-info.js';

/**
 * What pow does with the app's API routes, in a sentence or two for `pow inspect` and
 * `pow install` (the rule is in src/runtime/express/forgery.ts and docs/security.md).
 */
export function apiRoutesNote(info: NonNullable<ProjectInfo['appRoutes']>): string | null {
  if (info.apiRoutes === 0) return null;
  const routes = `${info.apiRoutes} API route${info.apiRoutes === 1 ? '' : 's'}`;
  const writes =
    info.apiWriteRoutes === 0 ? '' : ` (${info.apiWriteRoutes} that change data: POST, PUT, PATCH, DELETE)`;
  return (
    `pow leaves these ${routes}${writes} alone for clients without its cookie; ` +
    "requests that carry pow's session cookie need a CSRF token or a same-origin Origin / Sec-Fetch-Site " +
    '(docs/security.md).'
  );
}

/**
 * The app's routes at the paths of pow's pages, which pow mounts before the app's routes: a
 * request there reaches pow's page (or needs pow's CSRF token), not the app's handler.
 */
export function powPathCollisionsNote(info: NonNullable<ProjectInfo['appRoutes']>): string | null {
  const taken = info.routes.filter((route) => route.powPath);
  if (taken.length === 0) return null;
  const list = taken.map((route) => `${route.method} ${route.path} (${route.file}:${route.line})`).join(', ');
  return (
    `These routes of the app have the paths of pow's pages, which are mounted first and answer them: ${list}. ` +
    "Move them, or change pow's paths in the generated routes file."
  );
}
