/**
 * Sign in and sign out, written by hand: the same pages and routes as pow's generated controller
 * (src/routes/pow.ts still mounts sessionController.new/create/delete), plus an audit trail.
 */
import type { Request, Response } from 'express';
import { auth } from '../../pow/config.js';
import { audit } from '../../audit.js';

const VIEW = 'pow/session/new.ejs';

/** A text field of the submitted form ("" when missing). */
function field(req: Request, name: string): string {
  const value: unknown = req.body?.[name];
  return typeof value === 'string' ? value : '';
}

/** The page to return to after sign-in, kept in the form's action (`?request_path=/some/page`). */
function requestPath(req: Request): string {
  const value: unknown = req.query.request_path;
  return typeof value === 'string' ? value : '';
}

export const sessionController = {
  /** GET /session/new */
  new(req: Request, res: Response): void {
    res.render(VIEW, { values: { user_id: '' }, errors: {}, formError: null, requestPath: requestPath(req) });
  },

  // #region create
  /** POST /session */
  async create(req: Request, res: Response): Promise<void> {
    const userId = field(req, 'user_id');
    // Checks the password, throttles repeated failures, rotates the session and sets the cookie.
    const result = await auth.signIn(req, res, userId, field(req, 'password'));

    if (result.ok) {
      audit({ event: 'sign_in', userId: result.user.id, ip: req.ip });
      auth.flash(req, 'info', 'session.signed_in');
      res.redirect(auth.routes.afterSignInPath(req));
      return;
    }

    // 401: wrong credentials (the same answer whether or not the account exists);
    // 429: too many failures from this address, with the seconds to wait.
    audit({ event: 'sign_in_failed', identifier: userId, ip: req.ip });
    if (result.retryAfterSeconds !== undefined) res.set('Retry-After', String(result.retryAfterSeconds));
    res.status(result.status).render(VIEW, {
      values: { user_id: userId },
      errors: {},
      formError: result.messageKey,
      requestPath: requestPath(req),
    });
  },
  // #endregion create

  /** DELETE /session (the sign-out button posts _method=DELETE) */
  async delete(req: Request, res: Response): Promise<void> {
    const user = auth.currentUser(req);
    await auth.signOut(req, res);
    if (user) audit({ event: 'sign_out', userId: user.id, ip: req.ip });
    auth.flash(req, 'info', 'session.signed_out');
    res.redirect(auth.routes.afterSignOutPath(req));
  },
};
