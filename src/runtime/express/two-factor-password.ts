/**
 * The password that confirms a two-factor change of the signed-in user (turning it off, new
 * recovery codes). Wrong guesses count like failed sign-ins of the account
 * (`signInFailuresPerAccount`), per action: a stolen session cannot try passwords until it finds
 * the one that turns the second factor off or reads fresh recovery codes. A right one clears the
 * count. The errors belong to the form's own field (`disable_password`, `codes_password`), whose
 * sentences say what the password is for.
 */
import type { FieldErrors, Pow, UserRecord } from '../core/types.js';
import type { RateLimiter } from '../core/rate-limit.js';
import { confirmDeletion } from './confirm-deletion.js';

export type PasswordAction = 'disable' | 'codes';

const FIELDS: Record<PasswordAction, string> = { disable: 'disable_password', codes: 'codes_password' };

/** Null when `password` is the user's; else the form's errors (wrong, blank, or paused). */
export async function passwordConfirmed(
  pow: Pow,
  limiter: RateLimiter,
  user: UserRecord,
  password: unknown,
  action: PasswordAction,
): Promise<{ ok: false; errors: FieldErrors } | null> {
  const field = FIELDS[action];
  // The disable key keeps its name: counts in a shared store carry over an upgrade.
  const key = `two-factor-${action}:${String(user.id)}`;
  const verdict = await limiter.hit('signInFailuresPerAccount', key);
  if (!verdict.allowed) {
    const minutes = Math.max(1, Math.ceil(verdict.retryAfterSeconds / 60));
    return {
      ok: false,
      errors: { [field]: [{ key: 'errors.locked', params: { minutes }, message: 'is locked' }] },
    };
  }
  const refused = await confirmDeletion(pow, user, password);
  if (refused) return { ok: false, errors: { [field]: refused.errors.current_password ?? [] } };
  await limiter.reset('signInFailuresPerAccount', key);
  return null;
}
