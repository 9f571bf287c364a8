/**
 * pow's answers when it refuses a request: the guard responses (redirect with a flash for pages,
 * 401/403 JSON for API clients, or the app's `errorHandler` option), and 503 with Retry-After when
 * the store or the database did not answer in time. Each carries the headers of pow's pages.
 */
import type { TranslateParams } from '../i18n/index.js';
import { hasJsonBody, requestPathOf, requestProvenance } from './forgery.js';
import { formPageOf, sameOriginReferer, sendRefusedFormPage } from './stale-form.js';
import { sendUnavailable } from './unavailable.js';
import { isStoreUnavailable } from '../stores/unavailable-error.js';
import type { Flash } from './flash.js';
import type { StateMemo } from './request-state.js';
import type { ExpressSettings } from './settings.js';
import type { NextFunction, PowErrorKind, Request, Response } from './types.js';

export interface Responses {
  /** `auth.t(req, ...)`: in the request's locale. */
  translate(req: Request, key: string, params?: TranslateParams): string;
  defaultErrorResponse(kind: PowErrorKind, req: Request, res: Response): void;
  /** The app's `errorHandler` option, else `defaultErrorResponse`. */
  refuse(kind: PowErrorKind, req: Request, res: Response, next: NextFunction): void;
  /** 503 with Retry-After (unavailable.ts). */
  unavailable(req: Request, res: Response): void;
  /** A request that failed in pow's middleware: a store outage is answered here, anything else goes on. */
  failRequest(error: unknown, req: Request, res: Response, next: NextFunction): void;
}

export function createResponses(
  settings: ExpressSettings,
  memo: StateMemo,
  flash: Flash,
  allowedOrigin: () => string | undefined,
): Responses {
  const { options, translator, routes, resolveLocale, ownRoutes, securityHeaders } = settings;
  const { stateOf } = memo;

  const wantsJson = (req: Request): boolean => {
    if (options.json !== undefined) return options.json;
    const accepts = (req as { accepts?: (types: string[]) => string | false }).accepts;
    return typeof accepts === 'function' && accepts.call(req, ['html', 'json']) === 'json';
  };

  const translate = (req: Request, key: string, params?: TranslateParams): string => {
    const state = stateOf(req);
    return translator.t(state ? state.ctx.locale : resolveLocale(req), key, params);
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
          flash.set(
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
        if (state) flash.set(req, 'error', 'auth.user_already_authenticated');
        res.redirect(routes.userAlreadyAuthenticatedPath(req));
        return;
      }
      case 'invalid_csrf':
      default: {
        // An API client that sent JSON gets JSON, whatever its Accept header (fetch sends */*).
        if (json || (options.json === undefined && hasJsonBody(req))) {
          res.status(403).json({ error: { code: 403, message: translate(req, 'auth.invalid_csrf') } });
          return;
        }
        // A browser that says the form is the app's own (Sec-Fetch-Site or Origin): its stale pow form
        // comes back fresh. Anything else gets a page with a link back (stale-form.ts).
        const path = requestPathOf(req);
        const provenance = requestProvenance(req, allowedOrigin());
        if (state && ownRoutes.owns(path) && provenance === 'same-origin') {
          flash.set(req, 'info', 'auth.form_expired');
          res.redirect(303, formPageOf(req, path, routes, allowedOrigin()));
          return;
        }
        const back = provenance === 'cross-site' ? null : sameOriginReferer(req, allowedOrigin());
        sendRefusedFormPage(res, {
          lang: state ? state.ctx.locale : resolveLocale(req),
          title: translate(req, 'auth.form_rejected_title'),
          message: translate(req, 'auth.form_rejected'),
          linkText: translate(req, back ? 'links.back' : 'links.start_page'),
          href: back ?? '/',
          // The page the layout links, wherever the routes file serves it (auth.page marks).
          stylesheet: routes.path('layout.stylesheet'),
        });
      }
    }
  };

  const unavailable = (req: Request, res: Response): void => {
    const locale = stateOf(req)?.ctx.locale ?? resolveLocale(req);
    securityHeaders.page(res);
    sendUnavailable(res, {
      json: wantsJson(req),
      lang: locale,
      title: translator.t(locale, 'auth.unavailable_title'),
      message: translator.t(locale, 'auth.unavailable'),
    });
  };

  return {
    translate,
    defaultErrorResponse,
    refuse(kind, req, res, next) {
      // A refusal is a response pow renders: the headers of its pages, also on a redirect.
      securityHeaders.page(res);
      if (options.errorHandler) options.errorHandler(kind, req, res, next);
      else defaultErrorResponse(kind, req, res);
    },
    unavailable,
    failRequest(error, req, res, next) {
      if (isStoreUnavailable(error)) unavailable(req, res);
      else next(error);
    },
  };
}
