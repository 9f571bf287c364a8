/**
 * The second step before deleting an account (issue 19): the account's password, typed again in
 * the delete form. Checked with the core's sign-in verification (`users.authenticate` on the
 * account's own identifier), so it costs one password verify whatever the outcome and accepts
 * the password in any Unicode form the sign-in accepts.
 *
 * An account without a password (signed up through a provider, a passkey or a sign-in link) has
 * nothing to type: its confirmation is a recent sign-in (`session.reauthenticateMs`, 10 minutes by
 * default). A thief of an older session cookie cannot delete it; the owner signs in again.
 */
import type { FieldErrors, Pow, SessionRecord, UserRecord } from '../core/types.js';

type Refusal = { ok: false; errors: FieldErrors };

function refusal(key: string, message: string, params?: Record<string, number>): Refusal {
  return { ok: false, errors: { current_password: [params ? { key, message, params } : { key, message }] } };
}

/** Null when `password` (or, without a password, a recent sign-in) confirms; else the form's errors. */
export async function confirmDeletion(
  pow: Pow,
  user: UserRecord,
  password: unknown,
  session?: SessionRecord | null,
): Promise<Refusal | null> {
  if (!(await pow.users.hasPassword(user))) {
    if (session && pow.sessions.signedInRecently(session)) return null;
    const minutes = Math.max(1, Math.floor(pow.sessions.reauthenticateMs / 60_000));
    return refusal('errors.sign_in_again', 'needs a recent sign-in: sign out and sign in again', { minutes });
  }
  if (typeof password !== 'string' || password.length === 0) return refusal('errors.blank', "can't be blank");
  const record = user as Record<string, unknown>;
  const identifier = pow.userIdFields
    .map((field) => record[field])
    .find((value) => typeof value === 'string');
  const verified = typeof identifier === 'string' ? await pow.users.authenticate(identifier, password) : null;
  if (verified && verified.id === user.id) return null;
  return refusal('errors.invalid_current_password', 'is invalid');
}
