/**
 * Where the two-factor extension keeps its data: a model of its own, `<UserModel>TwoFactor`, one
 * row per user (its primary key is the user's id), hanging off pow's credential model
 * (`<UserModel>Credential`, credentials.ts) rather than the app's User model, so the app's User
 * model gains nothing at all, not even a relation field.
 *
 * Columns: the TOTP secret (encrypted when a key is configured: secret-box.ts), when two-factor
 * was turned on (null while a set-up waits for its confirmation code), the last TOTP time step
 * accepted (a code is good once), and the SHA-256 of each unused recovery code (never the codes).
 *
 * One source of truth for the names: the CLI's schema edit (src/prisma/ensure-auth-schema.ts) and
 * the runtime (extensions/two-factor-store.ts) both read them here.
 */

/** The two-factor model of a user model: "User" → "UserTwoFactor", "Admin" → "AdminTwoFactor". */
export function twoFactorModelName(userModel: string): string {
  return `${userModel}TwoFactor`;
}

/** Relation field on the credential model that leads to the two-factor row. */
export const TWO_FACTOR_RELATION = 'twoFactor';

/** Relation field on the two-factor model that leads back to the credential row. */
export const TWO_FACTOR_CREDENTIAL_RELATION = 'credential';

/** The columns of the two-factor model, by job. */
export const TWO_FACTOR_FIELDS = Object.freeze({
  /** Primary and foreign key: the user's id (the credential model's key). */
  userId: 'userId',
  /** The TOTP secret: "v1.<iv>.<tag>.<ciphertext>" (encrypted) or "plain.<base32>". */
  secret: 'secret',
  /** When the confirmation code was accepted; null while the set-up is pending. */
  enabledAt: 'enabledAt',
  /** The last accepted TOTP time step (RFC 6238 T); a code of that step or an earlier one is refused. */
  lastUsedStep: 'lastUsedStep',
  /** JSON array of the SHA-256 hex of each unused recovery code. */
  recoveryCodes: 'recoveryCodes',
});
