/**
 * Helpers for seeds and one-off scripts.
 *
 * ```ts
 * // prisma/seed.ts
 * import { createPow, createUser, memoryStore } from 'pow';
 * const pow = createPow({ prisma, store: memoryStore(), secret: process.env.POW_SECRET! });
 * const alice = await createUser(pow, { email: 'alice@example.com', password: process.env.SEED_PASSWORD! });
 *
 * // Reset a password from a script (no current password needed; the policy still applies):
 * const result = await pow.users.setPassword(alice, newPassword);
 * if (!result.ok) console.error(formatErrors(result.errors));
 * // Sessions stay valid after setPassword; end them with:
 * await pow.sessions.revokeAll(alice.id);
 * ```
 */
import { PowError } from '../../shared/pow-error.js';
import type { FieldErrors, Pow, UserParams, UserRecord } from './types.js';

/** "email has already been taken; password should be at least 15 character(s)". */
export function formatErrors(errors: FieldErrors): string {
  return Object.entries(errors)
    .flatMap(([field, list]) => list.map((error) => `${field} ${error.message}`))
    .join('; ');
}

/**
 * Creates a user with the same validation, normalisation and hashing as registration, for seeds
 * and scripts. `password_confirmation` defaults to `password`. Throws a `PowError`
 * (code POW_USER_INVALID) listing every problem instead of returning a result.
 */
export async function createUser(pow: Pow, params: UserParams): Promise<UserRecord> {
  const withConfirmation: UserParams = { ...params };
  if (withConfirmation.password_confirmation === undefined)
    withConfirmation.password_confirmation = params.password;
  const result = await pow.users.create(withConfirmation);
  if (!result.ok) {
    throw new PowError({
      code: 'POW_USER_INVALID',
      message: `Could not create user: ${formatErrors(result.errors)}`,
    });
  }
  return result.value;
}
