/**
 * Registration and account settings. Routes: src/routes/pow.ts.
 * This file is yours to edit; pow does not overwrite it.
 */
import type { Request, Response } from 'express';
import { fieldError } from 'pow';
import { auth } from '../../pow/config.js';

const NEW_VIEW = 'pow/registration/new.ejs';
const EDIT_VIEW = 'pow/registration/edit.ejs';

/**
 * Fields a person may set on their own account. Anything else in the request body is ignored, so a
 * form cannot set columns it does not show. Add your own fields (e.g. 'name') here and to the views.
 */
// #region user-fields
const USER_FIELDS = ['email', 'name'];
// #endregion user-fields

/** A text field of the submitted form ("" when missing). */
function field(req: Request, name: string): string {
  const value: unknown = req.body?.[name];
  return typeof value === 'string' ? value : '';
}

/** The account fields of the submitted form, to fill the form again after an error. */
function values(req: Request): Record<string, string> {
  return Object.fromEntries(USER_FIELDS.map((name) => [name, field(req, name)]));
}

/** The current values of the signed-in user, for the settings form. */
function userValues(req: Request): Record<string, string> {
  const user: Record<string, unknown> = auth.currentUser(req) ?? {};
  return Object.fromEntries(USER_FIELDS.map((name) => [name, String(user[name] ?? '')]));
}

// #region require-name
/**
 * pow checks the fields it owns (e-mail, password); the app checks its own. Errors use pow's
 * message keys, so they are translated and shown next to the field like pow's.
 */
function nameErrors(req: Request): Record<string, string[]> | null {
  if (field(req, 'name').trim() !== '') return null;
  return auth.translateErrors(req, { name: [fieldError('errors.blank')] });
}
// #endregion require-name

export const registrationController = {
  /** GET /registration/new */
  new(req: Request, res: Response): void {
    res.render(NEW_VIEW, { values: values(req), errors: {} });
  },

  /** POST /registration */
  async create(req: Request, res: Response): Promise<void> {
    // #region create-check
    const ownErrors = nameErrors(req);
    if (ownErrors) {
      res.status(422).render(NEW_VIEW, { values: values(req), errors: ownErrors });
      return;
    }
    // #endregion create-check
    const result = await auth.register(req, {
      ...values(req),
      password: field(req, 'password'),
      password_confirmation: field(req, 'password_confirmation'),
    });
    if (!result.ok) {
      const errors = auth.translateErrors(req, result.errors);
      res.status(422).render(NEW_VIEW, { values: values(req), errors });
      return;
    }

    await auth.startSession(req, res, result.value);
    auth.flash(req, 'info', 'registration.user_has_been_created');
    res.redirect(auth.routes.afterRegistrationPath(req));
  },

  /** GET /registration/edit */
  edit(req: Request, res: Response): void {
    res.render(EDIT_VIEW, { values: userValues(req), errors: {} });
  },

  /** PATCH /registration (a POST with _method=PATCH) */
  async update(req: Request, res: Response): Promise<void> {
    const ownErrors = nameErrors(req);
    if (ownErrors) {
      res.status(422).render(EDIT_VIEW, { values: values(req), errors: ownErrors });
      return;
    }
    const params = values(req);
    params.current_password = field(req, 'current_password');
    // The new password is optional: an empty field keeps the current one.
    const password = field(req, 'password');
    if (password !== '') {
      params.password = password;
      params.password_confirmation = field(req, 'password_confirmation');
    }

    const result = await auth.updateUser(req, params);
    if (!result.ok) {
      const errors = auth.translateErrors(req, result.errors);
      res.status(422).render(EDIT_VIEW, { values: values(req), errors });
      return;
    }
    auth.flash(req, 'info', 'registration.user_has_been_updated');
    res.redirect(auth.routes.afterUserUpdatedPath(req));
  },

  /** DELETE /registration (a POST with _method=DELETE) */
  async delete(req: Request, res: Response): Promise<void> {
    await auth.deleteUser(req, res);
    auth.flash(req, 'info', 'registration.user_has_been_deleted');
    res.redirect(auth.routes.afterUserDeletedPath(req));
  },
};
