/**
 * `auth.page(controller, action)`, the handler the routes file puts before each of pow's pages,
 * and `auth.readPages(router)`, which finds those handlers in the router to learn where the routes
 * file put each page (page-paths.ts).
 */
import { SAFE_METHODS } from './csrf.js';
import { requestPathOf } from './forgery.js';
import { POW_PATHS } from './routes.js';
import { callerOf, findMarkedRoutes, resolvePagePaths, type PageMark } from './page-paths.js';
import type { ForgeryCheck } from './forgery-check.js';
import type { Middleware } from './middleware.js';
import type { StateMemo } from './request-state.js';
import type { ExpressSettings } from './settings.js';
import type { PowExpress, RequestHandler } from './types.js';

export type Pages = Pick<PowExpress, 'page' | 'readPages'>;

export function createPages(
  settings: ExpressSettings,
  memo: StateMemo,
  forgery: ForgeryCheck,
  middleware: Pick<Middleware, 'exposeContext'>,
): Pages {
  const { pow, paths, ownRoutes } = settings;
  // The handlers `auth.page()` returned, for `auth.readPages` to find them in the router.
  const pageMarks = new WeakMap<object, PageMark>();

  const page: PowExpress['page'] = (controller, action) => {
    // Where the routes file calls this, for the messages of `readPages` (formatted only then).
    const site = {};
    Error.captureStackTrace(site, page);
    const handler: RequestHandler = (req, res, next) => {
      settings.securityHeaders.page(res);
      const state = memo.stateOf(req);
      if (state) {
        state.ctx.controller = controller;
        state.ctx.action = action;
        // With several user types, the context of the last middleware that ran would be in
        // `res.locals.pow`; a page of this user type renders with this type's context.
        middleware.exposeContext(req, res, state);
        // A page of pow's at a path the runtime does not know as pow's (the routes file moved
        // it): the middleware treated it as the app's, but pow's pages always need the token.
        if (!state.tokenVerified && !SAFE_METHODS.has(req.method)) {
          forgery
            .readFormBody(req, res)
            .then((read) =>
              read ? forgery.requireCsrfToken(state, req, res, next, requestPathOf(req)) : undefined,
            )
            .catch(next);
          return;
        }
      }
      next();
    };
    pageMarks.set(handler, { controller, action, site });
    return handler;
  };

  const readPages: PowExpress['readPages'] = (router) => {
    const site = {};
    Error.captureStackTrace(site, readPages);
    const routesFile = callerOf(site);
    const marked = findMarkedRoutes(router, (handler) => pageMarks.get(handler as object), routesFile);
    const table = resolvePagePaths(marked, { extensions: pow.extensions, routesFile, defaults: POW_PATHS });
    paths.use(table, routesFile);
    // A page moved in the routes file is one of pow's routes too: the token check and `_method`
    // (which must be applied before Express routes the request) follow it.
    ownRoutes.add(Object.values(table).filter((path): path is string => typeof path === 'string'));
  };

  return { page, readPages };
}
