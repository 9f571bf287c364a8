/**
 * The guards an app puts before its routes (`auth.requireAuthenticated`,
 * `auth.requireNotAuthenticated`) and `auth.errorHandler()`, which answers a thrown
 * `PowHttpError`, a csurf-style `EBADCSRFTOKEN` and a store outage the way pow's own guards do.
 */
import { SAFE_METHODS } from './csrf.js';
import { PowHttpError } from './errors.js';
import { isStoreUnavailable } from '../stores/unavailable-error.js';
import type { StateMemo } from './request-state.js';
import type { Responses } from './responses.js';
import type { SecurityHeaders } from './security-headers.js';
import type { ErrorRequestHandler, PowExpress } from './types.js';

export type Guards = Pick<PowExpress, 'requireAuthenticated' | 'requireNotAuthenticated' | 'errorHandler'>;

export function createGuards(
  memo: StateMemo,
  responses: Responses,
  securityHeaders: SecurityHeaders,
): Guards {
  const { stateOf, middlewareMissing } = memo;
  const { refuse, unavailable } = responses;
  return {
    requireAuthenticated(req, res, next) {
      const state = stateOf(req);
      if (!state) return next(middlewareMissing('auth.requireAuthenticated'));
      if (state.user) {
        // Signed-in content: not cached, not sniffed, not framed (security-headers.ts).
        securityHeaders.authenticated(res);
        return next();
      }
      refuse(
        state.cookie === 'stale' && !SAFE_METHODS.has(req.method) ? 'session_expired' : 'not_authenticated',
        req,
        res,
        next,
      );
    },

    requireNotAuthenticated(req, res, next) {
      const state = stateOf(req);
      if (!state) return next(middlewareMissing('auth.requireNotAuthenticated'));
      if (!state.user) return next();
      refuse('already_authenticated', req, res, next);
    },

    errorHandler(): ErrorRequestHandler {
      return (error, req, res, next) => {
        if (error instanceof PowHttpError) {
          if (res.headersSent) return next(error);
          refuse(error.kind, req, res, next);
          return;
        }
        if (error && typeof error === 'object' && (error as { code?: unknown }).code === 'EBADCSRFTOKEN') {
          refuse('invalid_csrf', req, res, next);
          return;
        }
        if (isStoreUnavailable(error)) {
          unavailable(req, res);
          return;
        }
        next(error);
      };
    },
  };
}
