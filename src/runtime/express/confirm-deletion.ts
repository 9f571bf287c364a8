/**
 * The second step before deleting an account (issue 19): the account's password, typed again in
 * the delete form. Checked with the core's sign-in verification (`users.authenticate` on the
 * account's own identifier), so it costs one password verify whatever the outcome and accepts
 * the password in any Unicode form the sign-in accepts.
 */
import type { FieldErrors, Pow, UserRecord } from '../core/types.js';

/** Null when `password` is the account's password, else the errors to show on the delete form. */
export async function confirmDeletion(
  pow: Pow,
  user: UserRecord,
  password: unknown,
): Promise<{ ok: false; errors: FieldErrors } | null> {
  if (typeof password !== 'string' || password.length === 0) {
    return { ok: false, errors: { current_password: [{ key: 'errors.blank', message: "can't be blank" }] } };
  }
  const record = user as Record<string, unknown>;
  const identifier = pow.userIdFields
    .map((field) => record[field])
    .find((value) => typeof value === 'string');
  const verified = typeof identifier === 'string' ? await pow.users.authenticate(identifier, password) : null;
  if (verified && verified.id === user.id) return null;
  return {
    ok: false,
    errors: { current_password: [{ key: 'errors.invalid_current_password', message: 'is invalid' }] },
  };
}
