/** The error a controller throws to get pow's guard responses, and the wrapper that routes rejections to `next`. */
import type { NextFunction, PowErrorKind, Request, RequestHandler, Response } from './types.js';

/** Throw from a controller (or pass to `next`) to get pow's guard responses via `auth.errorHandler()`. */
export class PowHttpError extends Error {
  readonly status: number;
  constructor(readonly kind: PowErrorKind) {
    super(`pow: ${kind}`);
    this.name = 'PowHttpError';
    this.status = kind === 'not_authenticated' || kind === 'session_expired' ? 401 : 403;
  }
}

/**
 * Wraps an async route handler so that a rejected promise reaches `next(err)`. Express 5 does
 * this itself; Express 4 does not (an unwrapped rejection there leaves the request hanging).
 */
export function asyncHandler(
  fn: (req: Request, res: Response, next: NextFunction) => unknown,
): RequestHandler {
  return (req, res, next) => {
    try {
      Promise.resolve(fn(req, res, next)).catch(next);
    } catch (error) {
      next(error);
    }
  };
}
