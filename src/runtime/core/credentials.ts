/**
 * Where pow keeps password hashes: in a model of their own, `<UserModel>Credential`, one row per
 * user (its primary key is the user's id), reached from the user model through the optional
 * relation field `credential`.
 *
 * Why a table and not a column on the user model: an app that returns whole user rows
 * (`prisma.user.findMany()`, `include: { author: true }`, the row a `create` returns) would hand
 * the hash to anyone. A relation is loaded only when a query names it, whatever the query shape or
 * the PrismaClient instance, and the app's `User` type carries no secret.
 *
 * The same model holds the fields pow needs that an existing user model lacks (a sign-in id, the
 * extensions' columns): user-layout.ts says which and builds the queries.
 *
 * This module is the one source of truth for those names: the CLI's schema edit
 * (src/prisma/ensure-auth-schema.ts) and the runtime (users.ts, user-layout.ts) both use it.
 */
import { PowError } from '../../shared/pow-error.js';

/** Relation field on the user model that leads to its credential row. */
export const CREDENTIAL_RELATION = 'credential';

/** Column of the credential model holding the hash. */
export const CREDENTIAL_HASH_FIELD = 'passwordHash';

/** Foreign key (and primary key) of the credential model: the user's id. */
export const CREDENTIAL_USER_ID_FIELD = 'userId';

/**
 * The column on the user model where pow kept the hash before credentials had their own table.
 * Projects installed then still have it until the team drops it; pow never reads it, and never
 * hands it on either (user-layout.ts drops it from every record).
 */
export const LEGACY_HASH_FIELD = 'passwordHash';

/** The credential model of a user model: "User" → "UserCredential", "Admin" → "AdminCredential". */
export function credentialModelName(userModel: string): string {
  return `${userModel}Credential`;
}

type Row = Record<string, unknown>;

/**
 * The hash of a row read with the credential's hash included (user-layout.ts); null for a user
 * without a password (invited: no credential row, or one with an empty hash).
 */
export function storedHash(row: Row | null): string | null {
  const credential = row?.[CREDENTIAL_RELATION] as Row | null | undefined;
  const hash = credential?.[CREDENTIAL_HASH_FIELD];
  return typeof hash === 'string' && hash.length > 0 ? hash : null;
}

/**
 * Prisma's answer when the client was generated from a schema without the credential relation
 * (pow upgraded, `pow install` not re-run): say what to run instead of Prisma's argument dump.
 */
export function missingCredentialModel(error: unknown, userModel: string): PowError | null {
  const e = error as { name?: unknown; message?: unknown } | null;
  if (e?.name !== 'PrismaClientValidationError' || typeof e.message !== 'string') return null;
  if (!new RegExp(`Unknown (field|argument) \`${CREDENTIAL_RELATION}\``).test(e.message)) return null;
  const model = credentialModelName(userModel);
  return new PowError({
    code: 'POW_CREDENTIAL_MODEL_MISSING',
    message: `The Prisma client has no relation ${userModel}.${CREDENTIAL_RELATION}: pow keeps password hashes in the model ${model}, which this schema or generated client lacks.`,
    fix: `Run \`npx pow install\` (adds ${model} and a migration that copies existing hashes), then \`npx pow migrate\` and \`npx prisma generate\`.`,
    cause: error,
  });
}
