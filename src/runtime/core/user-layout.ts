/**
 * Where each field of a user lives, and the one place that turns pow's flat view of a user into
 * Prisma queries.
 *
 * pow needs some fields on every user: the sign-in ids (`email`, or `username`, `phone`...) and
 * the columns of the enabled extensions (`EXTENSION_USER_FIELDS`). A User model pow creates gets
 * them as its own columns. A User model that existed before pow (the app's own) keeps exactly the
 * columns it had: the fields it lacks live in pow's credential model (`<User>Credential`, next to
 * the password hash; credentials.ts), so every whole `User` row the app's own queries return looks
 * as it did before pow. Fields the app's model already has (its own `email`) stay the app's.
 * `pow install` writes which fields live in the credential model into the config
 * (`credentialFields`); `credentialFieldsFor` is the rule, shared by the schema edit and the config.
 *
 * pow's code sees one flat record either way (`user.email`, `user.emailConfirmedAt`): this module
 * turns a flat filter into a relation filter, a flat write into a nested write, and a row read with
 * its credential into a flat record without secrets.
 */
import type { ExtensionName, UserRecord } from './types.js';
import { CREDENTIAL_HASH_FIELD, CREDENTIAL_RELATION, LEGACY_HASH_FIELD } from './credentials.js';
import { configError } from './errors.js';

type Row = Record<string, unknown>;

/** The user fields each extension reads and writes (never from form params). */
export const EXTENSION_USER_FIELDS: Readonly<Record<ExtensionName, readonly string[]>> = Object.freeze({
  'email-confirmation': ['emailConfirmedAt', 'unconfirmedEmail'],
  invitation: ['invitedById', 'invitationAcceptedAt'],
  'reset-password': [],
  'persistent-session': [],
  sessions: [],
  // Provider identities live in their own model (<User>Identity), not on the user.
  oauth: [],
});

/** The fields pow needs on a user: the sign-in ids, then the enabled extensions' fields. */
export function powUserFields(
  userIdFields: readonly string[],
  extensions: readonly ExtensionName[],
): string[] {
  const fields = [...userIdFields];
  for (const name of extensions) fields.push(...(EXTENSION_USER_FIELDS[name] ?? []));
  return [...new Set(fields)];
}

/**
 * The fields pow keeps in its credential model for a user model with the fields `existing` (null:
 * pow creates the model, so it holds them all itself and the answer is none): those it lacks.
 */
export function credentialFieldsFor(
  existing: readonly string[] | null,
  userIdFields: readonly string[],
  extensions: readonly ExtensionName[],
): string[] {
  if (existing === null) return [];
  const own = new Set(existing);
  return powUserFields(userIdFields, extensions).filter((field) => !own.has(field));
}

/**
 * Config `credentialFields`: an array of distinct fields pow keeps (a user id field or an
 * extension's column; `EXTENSION_USER_FIELDS` of any extension, so that turning one off does not
 * break the config), none of them one the forms or `userDefaults` write to the user model.
 */
export function checkCredentialFields(
  value: unknown,
  userIdFields: readonly string[],
  appFields: readonly string[],
): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw configError('credentialFields', 'must be an array of field names');
  const known = new Set([...userIdFields, ...Object.values(EXTENSION_USER_FIELDS).flat()]);
  const seen = new Set<string>();
  for (const field of value) {
    if (typeof field !== 'string' || !known.has(field)) {
      throw configError(
        'credentialFields',
        `lists ${JSON.stringify(field)}, which is not a field pow keeps (known: ${[...known].join(', ')})`,
        'List only the sign-in id fields and extension columns your user model lacks, as `pow install` writes them.',
      );
    }
    if (seen.has(field)) throw configError('credentialFields', `lists "${field}" twice`);
    if (appFields.includes(field))
      throw configError(
        'credentialFields',
        `lists "${field}", which userFields or userDefaults write to the user model`,
      );
    seen.add(field);
  }
  return [...seen];
}

/**
 * What a credential row holds for an account without a password (an invited user, or one whose
 * sign-in id lives in the credential model before a password is set): no hash at all. The column
 * is required (a credential row used to exist only with a password), and `storedHash` reads an
 * empty one as "no password", so nothing can sign in with it.
 */
export const NO_PASSWORD_HASH = '';

export interface UserLayout {
  /** Fields kept in the credential model (config `credentialFields`); empty: all on the user model. */
  readonly credentialFields: readonly string[];
  /** True when every query of a user names the credential relation. */
  readonly usesCredential: boolean;
  /** A flat filter (`{ email }`, `{ id }`) as a Prisma `where`: credential fields through the relation. */
  where(flat: Row): Row;
  /** The `include` a read needs (credential fields, and the hash when `withHash`), or undefined. */
  include(withHash: boolean): Row | undefined;
  /** A row read with `include(...)` as a flat record: credential fields lifted, no hash, no relation. */
  record(row: Row): UserRecord;
  /** `data` of a `create`: credential fields (and the hash, when given) as a nested create. */
  createData(flat: Row, hash: string | null): Row;
  /** `data` of an `update`: credential fields (and a new hash) as a nested upsert. */
  updateData(flat: Row, hash?: string): Row;
}

/** Prisma arguments with `include` only when there is one (no `include: undefined`). */
export function withInclude<T extends Row>(args: T, include: Row | undefined): T & { include?: Row } {
  return include === undefined ? args : { ...args, include };
}

export function createUserLayout(credentialFields: readonly string[]): UserLayout {
  const held = new Set(credentialFields);
  const usesCredential = held.size > 0;

  /** Splits a flat object into the user model's part and the credential model's part. */
  function split(flat: Row): { own: Row; credential: Row } {
    const own: Row = {};
    const credential: Row = {};
    for (const key of Object.keys(flat)) {
      if (held.has(key)) credential[key] = flat[key];
      else own[key] = flat[key];
    }
    return { own, credential };
  }

  return {
    credentialFields: Object.freeze([...credentialFields]),
    usesCredential,
    where(flat) {
      if (!usesCredential) return flat;
      const { own, credential } = split(flat);
      if (Object.keys(credential).length === 0) return own;
      return { ...own, [CREDENTIAL_RELATION]: { is: credential } };
    },
    include(withHash) {
      const select: Row = {};
      for (const field of held) select[field] = true;
      if (withHash) select[CREDENTIAL_HASH_FIELD] = true;
      return Object.keys(select).length === 0 ? undefined : { [CREDENTIAL_RELATION]: { select } };
    },
    record(row) {
      const { [CREDENTIAL_RELATION]: credential, [LEGACY_HASH_FIELD]: _hash, ...rest } = row;
      const stored = (credential ?? null) as Row | null;
      for (const field of held) rest[field] = stored?.[field] ?? null;
      return rest as UserRecord;
    },
    createData(flat, hash) {
      const { own, credential } = split(flat);
      if (hash === null && Object.keys(credential).length === 0) return own;
      return {
        ...own,
        [CREDENTIAL_RELATION]: {
          create: { ...credential, [CREDENTIAL_HASH_FIELD]: hash ?? NO_PASSWORD_HASH },
        },
      };
    },
    updateData(flat, hash) {
      const { own, credential } = split(flat);
      if (hash === undefined && Object.keys(credential).length === 0) return own;
      const update = hash === undefined ? credential : { ...credential, [CREDENTIAL_HASH_FIELD]: hash };
      return {
        ...own,
        [CREDENTIAL_RELATION]: {
          // A user without a credential row yet (invited before credentials held any field, or
          // a user of the app's from before pow) gets one.
          upsert: {
            create: { ...credential, [CREDENTIAL_HASH_FIELD]: hash ?? NO_PASSWORD_HASH },
            update,
          },
        },
      };
    },
  };
}
