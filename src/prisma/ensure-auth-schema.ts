/**
 * Adds what pow needs to a Prisma schema (conventions.md, "Schema pow adds"): the user id fields,
 * the `credential` relation and extension fields on the User model (created when missing), the
 * `<User>Credential` model that holds the password hash (src/runtime/core/credentials.ts: no
 * secret column on the user model, so the app's own queries of whole rows never return one), and
 * the `PowSession` model when sessions live in the database.
 *
 * Rules:
 * - Structural: files are parsed with @mrleebo/prisma-ast; new text is inserted at line positions
 *   taken from the AST, so every line the team wrote stays byte-for-byte as it was. prisma-ast's
 *   printer is not used (it reformats whole files and drops some comments).
 * - Fields added to an existing model go in as one new section (a blank line, then the fields
 *   aligned the way `prisma format` aligns a section) after the model's last field. `prisma format`
 *   leaves such a section unchanged, and the team's own lines are untouched.
 * - The app's own User model keeps its columns: pow adds no scalar column to a User model that
 *   existed before pow (`userModelIsPows` false). The sign-in id and extension fields it lacks (`credentialFieldsFor`,
 *   src/runtime/core/user-layout.ts) go into the credential model instead, with their unique
 *   indexes, so every whole User row the app's queries return stays as it was; only the relation
 *   field `credential` is added to User (Prisma returns relations only when a query names them).
 *   A User model pow creates holds them itself, in later runs too (a fresh app's model is pow's).
 * - Existing rows: every field pow adds to an existing model is optional (or has a default), so
 *   the migration applies to a table that already has rows on every provider. That includes the
 *   sign-in id fields (`email String? @unique`); the runtime's registration requires them.
 * - Add only: a field pow needs that exists with another type, or a user id field without a unique
 *   constraint, is a conflict (POW_PRISMA_FIELD_CONFLICT with a fix line); nothing is removed or
 *   retyped.
 * - Multi-file schemas (`prisma/schema/*.prisma`): new models go into `pow.prisma` in the schema
 *   folder. Fields for an existing User model go into the file that declares the model, because
 *   Prisma has no partial models.
 * - Naming follows the model: when most multi-word columns of an existing User model are mapped to
 *   snake_case (`@map("created_at")`), pow's multi-word fields get the same kind of `@map`, and
 *   so do the columns of the credential model; a User model mapped to a table name (`@@map`) gets
 *   a credential table mapped to `<user_model>_credentials`.
 * - Upgrades: a `passwordHash` column pow added to the User model in earlier versions stays (pow
 *   never drops a column); the migration copies its hashes into the credential model and sets the
 *   old column to NULL (credential-backfill.ts), and a note tells the team to drop it.
 * - Passkeys (`--extension passkeys`): the model `<User>Passkey` (credential id unique, public key,
 *   counter, transports, label, createdAt, lastUsedAt, the user with cascade delete); the User
 *   model gets only the relation list `passkeys` (no column).
 * - Idempotent: running on its own output changes nothing (status `already-present`).
 */
import { posix } from 'node:path';
import { PowError } from '../shared/pow-error.js';
import type { PrismaProvider } from '../inspect/project-info.js';
import {
  CREDENTIAL_HASH_FIELD,
  CREDENTIAL_RELATION,
  CREDENTIAL_USER_ID_FIELD,
  LEGACY_HASH_FIELD,
  credentialModelName,
} from '../runtime/core/credentials.js';
import { credentialFieldsFor } from '../runtime/core/user-layout.js';
import { securityEventModelName } from '../runtime/extensions/security-log.js';
import { IDENTITY_RELATION, PROVIDER_USER_ID, identityModelName } from '../runtime/oauth/identities.js';
import {
  TWO_FACTOR_CREDENTIAL_RELATION,
  TWO_FACTOR_FIELDS,
  TWO_FACTOR_RELATION,
  twoFactorModelName,
} from '../runtime/core/two-factor-model.js';
import { PASSKEY_RELATION, passkeyModelName } from '../runtime/extensions/passkeys/model.js';
import type { ExtensionName } from '../runtime/core/types.js';
import {
  blockAttributes,
  columnName,
  fieldAttribute,
  fieldList,
  findModel,
  nativeTypeAttribute,
  parseSchemaFiles,
  positionalArg,
  printAttribute,
  splitLines,
  tableNameOf,
  type ParsedField,
  type ParsedModel,
  type SchemaTexts,
} from './schema-ast.js';

export type UserIdType = 'Int' | 'String-uuid' | 'String-cuid';
export type SessionStoreKind = 'memory' | 'prisma' | 'redis';

export interface AuthSchemaOptions {
  /** Prisma model holding users. Default "User". */
  userModel?: string;
  /**
   * Sign-in id fields. Default ["email"]. On a User model pow creates, the first is required; on an
   * existing model every one pow adds is optional (its rows have none); registration requires the
   * first either way.
   */
  userIdFields?: string[];
  /** Primary key of a User model pow creates. Default "Int" (autoincrement). */
  idType?: UserIdType;
  /** Where sessions live; `prisma` adds the PowSession model. Default "memory". */
  sessionStore?: SessionStoreKind;
  /** Enabled extensions, e.g. ["email-confirmation", "invitation"]. */
  extensions?: string[];
  /** `@@map` table name for a User model pow creates (ignored for an existing model). */
  tableName?: string;
  /** Name of the session model. Default "PowSession". */
  sessionModel?: string;
  /**
   * An existing user model is pow's own (it created it in an earlier run,
   * src/recipes/user-model-origin.ts): pow's fields go on it. Default false: an existing model is
   * the app's, and gets no scalar column.
   */
  userModelIsPows?: boolean;
  /**
   * What not to add even though pow needs it: labels "Model" (a whole model) and "Model.field",
   * the things the team removed after pow added them (regeneration keeps that decision).
   */
  omit?: ReadonlySet<string>;
}

export interface EnsureAuthSchemaInput {
  /** Every schema file: path (relative, forward slashes) → text. */
  files: SchemaTexts;
  provider: PrismaProvider;
  /**
   * Folder of a multi-file schema (PrismaInfo.schemaPath when multiFile). New models then go into
   * `<multiFileDir>/pow.prisma`. Null/undefined for a single-file schema.
   */
  multiFileDir?: string | null;
  options?: AuthSchemaOptions;
}

export interface SchemaAddition {
  kind: 'model' | 'field' | 'file';
  file: string;
  model: string;
  field?: string;
  /** The Prisma source pow added (a field line or a whole model). */
  text: string;
}

export interface EnsureAuthSchemaResult {
  status: 'applied' | 'already-present';
  /** Only the files pow changed or created. */
  files: SchemaTexts;
  added: SchemaAddition[];
  /** Things the team may want to know (kept as-is decisions), for the report. */
  notes: string[];
  /** Things the team should act on because secrets are exposed (the old hash column), for the report and `pow status`. */
  security: string[];
  userModel: {
    name: string;
    file: string;
    tableName: string | null;
    created: boolean;
    idField: string;
    idType: string;
  };
}

/** File that holds pow's own models in a multi-file schema. */
export const POW_SCHEMA_FILE = 'pow.prisma';

export const INVITATION_RELATION = 'PowInvitedBy';

/** The list relation on the user model to its security log (security-log). */
export const SECURITY_EVENTS_RELATION = 'securityEvents';

interface FieldSpec {
  name: string;
  type: string;
  optional: boolean;
  list: boolean;
  /** Attributes as Prisma source, in order. */
  attributes: string[];
  /** Scalar whose column name may follow the model's snake_case convention. */
  mappable: boolean;
  /** A user id field: an existing one must carry a unique constraint. */
  unique?: boolean;
  kind: 'scalar' | 'relation';
  /** What pow needs a relation field for (in the conflict message), e.g. "the invitation relation". */
  purpose?: string;
}

export function ensureAuthSchema(input: EnsureAuthSchemaInput): EnsureAuthSchemaResult {
  const provider = input.provider;
  if (provider === 'mongodb' || provider === 'sqlserver') {
    throw new PowError({
      code: 'POW_PRISMA_PROVIDER_UNSUPPORTED',
      message: `pow does not support the Prisma provider "${provider}" yet (supported: sqlite, postgresql, cockroachdb, mysql).`,
      fix: 'Use a SQLite, PostgreSQL or MySQL/MariaDB datasource, or add the auth models by hand (see docs).',
    });
  }
  const options = input.options ?? {};
  const userModelName = options.userModel ?? 'User';
  const idFields = options.userIdFields && options.userIdFields.length > 0 ? options.userIdFields : ['email'];
  const extensions = new Set(options.extensions ?? []);
  const sessionModelName = options.sessionModel ?? 'PowSession';
  const omit = options.omit ?? new Set<string>();

  const schema = parseSchemaFiles(input.files);
  const ds = schema.datasource?.name ?? 'db';
  const mysql = provider === 'mysql';
  const texts: SchemaTexts = { ...input.files };
  const changed = new Set<string>();
  const added: SchemaAddition[] = [];
  const notes: string[] = [];
  const security: string[] = [];

  const powFile = input.multiFileDir
    ? posix.join(input.multiFileDir.replace(/\\/g, '/'), POW_SCHEMA_FILE)
    : null;
  const newModelFile = powFile ?? schema.files.find((f) => f === schema.datasource?.file) ?? schema.files[0];
  if (!newModelFile) {
    throw new PowError({
      code: 'POW_PRISMA_SCHEMA_INVALID',
      message: 'No Prisma schema file was given to pow.',
      fix: 'Run `npx prisma init` first, or pass --schema <path>.',
    });
  }
  const newModels: { model: string; text: string }[] = [];

  // ---- User model -------------------------------------------------------------------------
  const existingUser = findModel(schema, userModelName);
  let userInfo: EnsureAuthSchemaResult['userModel'];
  /** Native type of the id of a User model pow creates (MySQL string ids). */
  let newUserIdNative: string | null = null;
  /** Fields of pow's that go into the credential model (the existing User model lacks them). */
  let heldSpecs: FieldSpec[] = [];

  if (existingUser) {
    const idField = primaryKeyField(existingUser);
    const held = new Set(
      options.userModelIsPows
        ? []
        : credentialFieldsFor(
            existingUser.fields.map((f) => f.name),
            idFields,
            [...extensions] as ExtensionName[],
          ),
    );
    const allSpecs = userFieldSpecs({
      idFields,
      extensions,
      userModelName,
      idField,
      ds,
      mysql,
      model: existingUser,
    });
    heldSpecs = allSpecs.filter((spec) => held.has(spec.name));
    // The invitation relation needs `invitedById` on User; held in the credential model, that id
    // is a plain column (no second relation between the two models).
    const specs = allSpecs.filter(
      (spec) => !held.has(spec.name) && !(spec.kind === 'relation' && heldInvitation(spec, held)),
    );
    const snake = usesSnakeCaseColumns(existingUser);
    const legacy = legacyHashNote(existingUser);
    if (legacy) security.push(legacy);
    const missing: FieldSpec[] = [];
    for (const spec of specs) {
      const found = existingUser.fields.find((f) => f.name === spec.name);
      if (found) {
        checkExistingField(existingUser, found, spec, notes);
      } else if (!omit.has(`${existingUser.name}.${spec.name}`)) {
        missing.push(snake && spec.mappable ? withSnakeMap(spec) : spec);
      }
    }
    if (missing.length > 0) {
      const lines = alignFields(missing, existingUser.indent);
      texts[existingUser.file] = insertFieldSection(texts[existingUser.file], existingUser, lines);
      changed.add(existingUser.file);
      missing.forEach((spec, i) =>
        added.push({
          kind: 'field',
          file: existingUser.file,
          model: existingUser.name,
          field: spec.name,
          text: lines[i].trim(),
        }),
      );
    }
    userInfo = {
      name: existingUser.name,
      file: existingUser.file,
      tableName: existingUser.tableName,
      created: false,
      idField: idField?.name ?? 'id',
      idType: idField?.type ?? 'Int',
    };
  } else {
    const idType = options.idType ?? 'Int';
    const idSpec = idFieldSpec(idType, mysql, ds);
    newUserIdNative = idSpec.native;
    const fakeId: ParsedField = {
      name: 'id',
      type: idSpec.type,
      optional: false,
      list: false,
      attributes: [],
      line: 0,
    };
    const specs = [
      idSpec,
      ...userFieldSpecs({
        idFields,
        extensions,
        userModelName,
        idField: fakeId,
        ds,
        mysql,
        idNative: idSpec.native,
      }),
      scalar('createdAt', 'DateTime', false, ['@default(now())']),
      scalar('updatedAt', 'DateTime', false, ['@updatedAt']),
    ];
    const block = options.tableName ? [`@@map(${JSON.stringify(options.tableName)})`] : [];
    const text = renderModel(userModelName, specs, block);
    if (!omit.has(userModelName)) {
      newModels.push({ model: userModelName, text });
      added.push({ kind: 'model', file: newModelFile, model: userModelName, text });
    }
    userInfo = {
      name: userModelName,
      file: newModelFile,
      tableName: options.tableName ?? null,
      created: true,
      idField: 'id',
      idType: idSpec.type,
    };
  }

  /** Adds the missing fields of an existing model pow owns, or queues the whole model. */
  const ensureModel = (name: string, specs: FieldSpec[], block: string[]): void => {
    const existing = findModel(schema, name);
    if (!existing && omit.has(name)) return;
    if (!existing) {
      const text = renderModel(name, specs, block);
      newModels.push({ model: name, text });
      added.push({ kind: 'model', file: newModelFile, model: name, text });
      return;
    }
    const missing: FieldSpec[] = [];
    for (const spec of specs) {
      const found = existing.fields.find((f) => f.name === spec.name);
      if (found) checkExistingField(existing, found, spec, notes);
      else if (!omit.has(`${name}.${spec.name}`)) missing.push(spec);
    }
    if (missing.length === 0) return;
    const lines = alignFields(missing, existing.indent);
    texts[existing.file] = insertFieldSection(texts[existing.file], existing, lines);
    changed.add(existing.file);
    missing.forEach((spec, i) =>
      added.push({
        kind: 'field',
        file: existing.file,
        model: existing.name,
        field: spec.name,
        text: lines[i].trim(),
      }),
    );
  };

  // ---- Credential model -------------------------------------------------------------------
  const credentialModel = credentialModelName(userInfo.name);
  const existingCredential = findModel(schema, credentialModel);
  if (existingCredential) checkCredentialModel(existingCredential, userInfo.name);
  const userIdField: ParsedField | null = existingUser
    ? primaryKeyField(existingUser)
    : { name: 'id', type: userInfo.idType, optional: false, list: false, attributes: [], line: 0 };
  if (!userIdField) {
    throw new PowError({
      code: 'POW_PRISMA_UNSUPPORTED_ID',
      message: `pow keeps password hashes in ${credentialModel}, keyed by the id of ${userInfo.name}; ${userInfo.name} in ${userInfo.file} has no single-field primary key (@id); composite @@id?`,
      fix: `Give ${userInfo.name} a single \`@id\` field, then run pow again.`,
    });
  }
  const credentialSnake = existingUser ? usesSnakeCaseColumns(existingUser) : false;
  ensureModel(
    credentialModel,
    credentialFieldSpecs({
      userModelName: userInfo.name,
      userIdField,
      userIdNative: mirroredIdNative(existingUser ? userIdField : null, ds, mysql, newUserIdNative),
      ds,
      mysql,
      held: heldSpecs,
      twoFactor: extensions.has('two-factor'),
    }).map((spec) => (credentialSnake && spec.mappable ? withSnakeMap(spec) : spec)),
    userInfo.tableName ? [`@@map(${JSON.stringify(`${toSnake(userInfo.name)}_credentials`)})`] : [],
  );

  // ---- Models of the extensions that hang off the user -------------------------------------
  // Each is keyed by the user id (its type mirrored from the user model), snake_cased like the
  // credential model, and mapped to "<user table>_<suffix>" when the user model maps its table.
  const childArgs = {
    userModelName: userInfo.name,
    userIdField,
    userIdNative: mirroredIdNative(existingUser ? userIdField : null, ds, mysql, newUserIdNative),
    ds,
    mysql,
  };
  const ensureChildModel = (name: string, specs: FieldSpec[], tableSuffix: string, attributes: string[]) =>
    ensureModel(
      name,
      specs.map((spec) => (credentialSnake && spec.mappable ? withSnakeMap(spec) : spec)),
      [
        ...attributes,
        ...(userInfo.tableName
          ? [`@@map(${JSON.stringify(`${toSnake(userInfo.name)}_${tableSuffix}`)})`]
          : []),
      ],
    );
  if (extensions.has('oauth')) {
    ensureChildModel(identityModelName(userInfo.name), identityFieldSpecs(childArgs), 'identities', [
      `@@unique([provider, ${PROVIDER_USER_ID}])`,
      '@@index([userId])',
    ]);
  }
  // Hangs off the credential model (keyed by the same user id), so the User model gains nothing.
  if (extensions.has('two-factor')) {
    ensureChildModel(twoFactorModelName(userInfo.name), twoFactorFieldSpecs(childArgs), 'two_factors', []);
  }
  if (extensions.has('passkeys')) {
    ensureChildModel(passkeyModelName(userInfo.name), passkeyFieldSpecs(childArgs), 'passkeys', [
      '@@index([userId])',
    ]);
  }
  if (extensions.has('security-log')) {
    ensureChildModel(
      securityEventModelName(userInfo.name),
      securityEventFieldSpecs(childArgs),
      'security_events',
      // The log page reads one user's newest events; pruning reads by time.
      ['@@index([userId, at])', '@@index([at])'],
    );
  }

  // ---- Session model ----------------------------------------------------------------------
  if (options.sessionStore === 'prisma') {
    ensureModel(sessionModelName, sessionFieldSpecs(mysql, ds), [
      '@@id([namespace, key])',
      '@@index([expiresAt])',
      '@@map("pow_sessions")',
    ]);
  }

  // ---- Write new models --------------------------------------------------------------------
  if (newModels.length > 0) {
    const existingText = texts[newModelFile];
    if (existingText === undefined) {
      texts[newModelFile] = newModels.map((m) => m.text).join('\n\n') + '\n';
      added.push({
        kind: 'file',
        file: newModelFile,
        model: newModels.map((m) => m.model).join(', '),
        text: '',
      });
    } else {
      texts[newModelFile] = appendBlocks(
        existingText,
        newModels.map((m) => m.text),
      );
    }
    changed.add(newModelFile);
  }

  const files: SchemaTexts = {};
  for (const file of [...changed].sort()) files[file] = texts[file];
  return {
    status: changed.size > 0 ? 'applied' : 'already-present',
    files,
    added,
    notes,
    security,
    userModel: userInfo,
  };
}

// ---------------------------------------------------------------------------------------------

function scalar(
  name: string,
  type: string,
  optional: boolean,
  attributes: string[] = [],
  unique = false,
): FieldSpec {
  return { name, type, optional, list: false, attributes, mappable: true, unique, kind: 'scalar' };
}

/**
 * The `user` relation of a model pow adds beside the user (credential, identity, passkey, security
 * event): `fields` on this model, the user's id as reference, deleted with the user.
 */
function userRelation(
  model: string,
  userModelName: string,
  fields: string,
  userIdField: ParsedField,
): FieldSpec {
  return {
    name: 'user',
    type: userModelName,
    optional: false,
    list: false,
    attributes: [`@relation(fields: [${fields}], references: [${userIdField.name}], onDelete: Cascade)`],
    mappable: false,
    kind: 'relation',
    purpose: `the relation of ${model} to ${userModelName}`,
  };
}

function idFieldSpec(idType: UserIdType, mysql: boolean, ds: string): FieldSpec & { native: string | null } {
  if (idType === 'Int') {
    return {
      ...scalar('id', 'Int', false, ['@id', '@default(autoincrement())']),
      mappable: false,
      native: null,
    };
  }
  const fn = idType === 'String-uuid' ? 'uuid()' : 'cuid()';
  const native = mysql ? `@${ds}.VarChar(191)` : null;
  return {
    ...scalar('id', 'String', false, ['@id', `@default(${fn})`, ...(native ? [native] : [])]),
    mappable: false,
    native,
  };
}

function userFieldSpecs(args: {
  idFields: string[];
  extensions: Set<string>;
  userModelName: string;
  idField: ParsedField | null;
  ds: string;
  mysql: boolean;
  model?: ParsedModel;
  idNative?: string | null;
}): FieldSpec[] {
  const { idFields, extensions, userModelName, idField, ds, mysql } = args;
  const varchar = mysql ? [`@${ds}.VarChar(191)`] : [];
  // A model pow creates starts empty, so its first id field can be required. A column added to an
  // existing model must be nullable: the table may already have rows, and a NOT NULL column without
  // a default cannot be added to them on any provider (Prisma's migration would fail). The rows
  // keep NULL (they have no credential, so nobody signs in as them) and registration still
  // requires the field (users.ts), so every account pow creates has one.
  const specs: FieldSpec[] = idFields.map((name, i) =>
    scalar(name, 'String', args.model !== undefined || i > 0, ['@unique', ...varchar], true),
  );
  specs.push({
    name: CREDENTIAL_RELATION,
    type: credentialModelName(userModelName),
    optional: true,
    list: false,
    attributes: [],
    mappable: false,
    kind: 'relation',
    purpose: 'the relation to the model that holds password hashes',
  });
  if (extensions.has('security-log')) {
    specs.push({
      name: SECURITY_EVENTS_RELATION,
      type: securityEventModelName(userModelName),
      optional: false,
      list: true,
      attributes: [],
      mappable: false,
      kind: 'relation',
      purpose: 'the relation to the security log',
    });
  }
  if (extensions.has('oauth')) {
    // A relation field only (no column): the app's queries of whole user rows do not change.
    specs.push({
      name: IDENTITY_RELATION,
      type: identityModelName(userModelName),
      optional: false,
      list: true,
      attributes: [],
      mappable: false,
      kind: 'relation',
      purpose: 'the relation to the model that holds the linked provider identities',
    });
  }
  if (extensions.has('passkeys')) {
    specs.push({
      name: PASSKEY_RELATION,
      type: passkeyModelName(userModelName),
      optional: false,
      list: true,
      attributes: [],
      mappable: false,
      kind: 'relation',
      purpose: 'the relation to the model that holds passkeys',
    });
  }
  if (extensions.has('email-confirmation')) {
    specs.push(scalar('emailConfirmedAt', 'DateTime', true));
    specs.push(scalar('unconfirmedEmail', 'String', true));
  }
  if (extensions.has('invitation')) {
    if (!idField) {
      throw new PowError({
        code: 'POW_PRISMA_UNSUPPORTED_ID',
        message: `The invitation extension needs a single-field primary key (@id) on model ${userModelName}${args.model ? ` in ${args.model.file}` : ''}; it has none (composite @@id?).`,
        fix: `Give ${userModelName} a single \`@id\` field, or install without --extension invitation.`,
      });
    }
    // invitedById mirrors the id: same scalar type and native type (a foreign key needs both).
    const native = mirroredIdNative(
      args.model && idField.line > 0 ? idField : null,
      ds,
      mysql,
      args.idNative ?? null,
    );
    specs.push(scalar('invitedById', idField.type, true, native ? [native] : []));
    specs.push({
      name: 'invitedBy',
      type: userModelName,
      optional: true,
      list: false,
      attributes: [
        `@relation(${JSON.stringify(INVITATION_RELATION)}, fields: [invitedById], references: [${idField.name}])`,
      ],
      mappable: false,
      kind: 'relation',
      purpose: 'the invitation relation',
    });
    specs.push({
      name: 'invitedUsers',
      type: userModelName,
      optional: false,
      list: true,
      attributes: [`@relation(${JSON.stringify(INVITATION_RELATION)})`],
      mappable: false,
      kind: 'relation',
      purpose: 'the invitation relation',
    });
    specs.push(scalar('invitationAcceptedAt', 'DateTime', true));
  }
  return specs;
}

function sessionFieldSpecs(mysql: boolean, ds: string): FieldSpec[] {
  const varchar = mysql ? [`@${ds}.VarChar(191)`] : [];
  return [
    scalar('namespace', 'String', false, varchar),
    scalar('key', 'String', false, varchar),
    // A session record outgrows VARCHAR(191), MySQL's default for String.
    scalar('value', 'String', false, mysql ? [`@${ds}.Text`] : []),
    scalar('expiresAt', 'DateTime', false),
  ];
}

/**
 * The native type attribute a foreign key to the user id needs (`@db.VarChar(191)`, `@db.Uuid`...):
 * the id's own one for an existing model, else the one pow gives a User model it creates, else
 * none. A foreign key column must match the referenced column's type exactly.
 */
function mirroredIdNative(
  existingId: ParsedField | null,
  ds: string,
  mysql: boolean,
  createdIdNative: string | null,
): string | null {
  if (existingId) {
    const attr = nativeTypeAttribute(existingId, ds);
    if (attr) return printAttribute(attr);
    return mysql && existingId.type === 'String' ? `@${ds}.VarChar(191)` : null;
  }
  return createdIdNative;
}

/**
 * Fields of `<User>SecurityEvent` (security-log): an append-only row per account event. The id
 * orders rows written in the same millisecond; the user agent and detail outgrow MySQL's default
 * VARCHAR(191). Rows go with their user (onDelete: Cascade).
 */
function securityEventFieldSpecs(args: {
  userModelName: string;
  userIdField: ParsedField;
  userIdNative: string | null;
  ds: string;
  mysql: boolean;
}): FieldSpec[] {
  const { userModelName, userIdField, userIdNative, ds, mysql } = args;
  const text = mysql ? [`@${ds}.Text`] : [];
  return [
    { ...scalar('id', 'Int', false, ['@id', '@default(autoincrement())']), mappable: false },
    scalar('userId', userIdField.type, false, userIdNative ? [userIdNative] : []),
    scalar('name', 'String', false),
    scalar('at', 'DateTime', false, ['@default(now())']),
    scalar('ip', 'String', true),
    scalar('userAgent', 'String', true, text),
    scalar('device', 'String', true),
    scalar('detail', 'String', true, text),
    userRelation(securityEventModelName(userModelName), userModelName, 'userId', userIdField),
  ];
}

/** The invitation relation fields of User, when `invitedById` lives in the credential model. */
function heldInvitation(spec: FieldSpec, held: ReadonlySet<string>): boolean {
  return held.has('invitedById') && (spec.name === 'invitedBy' || spec.name === 'invitedUsers');
}

/**
 * Fields of `<User>Credential`: the user's id as primary and foreign key, the hash, the fields of
 * pow's an existing User model lacks (`held`, all optional), a timestamp.
 */
function credentialFieldSpecs(args: {
  userModelName: string;
  userIdField: ParsedField;
  userIdNative: string | null;
  ds: string;
  mysql: boolean;
  held: FieldSpec[];
  /** The two-factor extension is on: the credential model leads to its row. */
  twoFactor?: boolean;
}): FieldSpec[] {
  const { userModelName, userIdField, userIdNative, ds, mysql, held } = args;
  const twoFactor: FieldSpec[] = args.twoFactor
    ? [
        {
          name: TWO_FACTOR_RELATION,
          type: twoFactorModelName(userModelName),
          optional: true,
          list: false,
          attributes: [],
          mappable: false,
          kind: 'relation',
          purpose: `the relation to ${twoFactorModelName(userModelName)} (two-factor)`,
        },
      ]
    : [];
  return [
    scalar(CREDENTIAL_USER_ID_FIELD, userIdField.type, false, [
      '@id',
      ...(userIdNative ? [userIdNative] : []),
    ]),
    // argon2id hashes are about 100 characters, imported ones (pbkdf2, scrypt) can be longer than
    // MySQL's default VARCHAR(191).
    scalar(CREDENTIAL_HASH_FIELD, 'String', false, mysql ? [`@${ds}.Text`] : []),
    ...held,
    scalar('updatedAt', 'DateTime', false, ['@updatedAt']),
    userRelation(credentialModelName(userModelName), userModelName, CREDENTIAL_USER_ID_FIELD, userIdField),
    ...twoFactor,
  ];
}

/**
 * Fields of `<User>TwoFactor` (src/runtime/core/two-factor-model.ts): the user's id as primary
 * key and as foreign key to the credential row, the sealed secret, when it was turned on, the last
 * accepted time step, the recovery codes' hashes, timestamps.
 */
function twoFactorFieldSpecs(args: {
  userModelName: string;
  userIdField: ParsedField;
  userIdNative: string | null;
  ds: string;
  mysql: boolean;
}): FieldSpec[] {
  const { userModelName, userIdField, userIdNative, ds, mysql } = args;
  const text = mysql ? [`@${ds}.Text`] : [];
  const f = TWO_FACTOR_FIELDS;
  return [
    scalar(f.userId, userIdField.type, false, ['@id', ...(userIdNative ? [userIdNative] : [])]),
    // An AES-GCM envelope outgrows MySQL's default VARCHAR(191) only a little; Text keeps room.
    scalar(f.secret, 'String', false, text),
    scalar(f.enabledAt, 'DateTime', true),
    scalar(f.lastUsedStep, 'Int', true),
    // Ten SHA-256 hashes as a JSON array: about 670 characters.
    scalar(f.recoveryCodes, 'String', false, text),
    scalar('createdAt', 'DateTime', false, ['@default(now())']),
    scalar('updatedAt', 'DateTime', false, ['@updatedAt']),
    {
      name: TWO_FACTOR_CREDENTIAL_RELATION,
      type: credentialModelName(userModelName),
      optional: false,
      list: false,
      attributes: [
        `@relation(fields: [${f.userId}], references: [${CREDENTIAL_USER_ID_FIELD}], onDelete: Cascade)`,
      ],
      mappable: false,
      kind: 'relation',
      purpose: `the relation of ${twoFactorModelName(userModelName)} to ${credentialModelName(userModelName)}`,
    },
  ];
}

/**
 * Fields of `<User>Identity` (oauth extension, src/runtime/oauth/identities.ts): one row per
 * provider account linked to a user: the provider's name and its stable user id, the user, when
 * it was linked. No token of the provider.
 */
function identityFieldSpecs(args: {
  userModelName: string;
  userIdField: ParsedField;
  userIdNative: string | null;
  ds: string;
  mysql: boolean;
}): FieldSpec[] {
  const { userModelName, userIdField, userIdNative, ds, mysql } = args;
  // An OIDC `sub` may be 255 characters (OpenID Connect Core, section 2); MySQL's default
  // VARCHAR(191) refused longer ones. Both columns are in the unique index: (191 + 255) utf8mb4
  // characters are 1784 bytes, within InnoDB's 3072-byte key limit (the passkey's credential id
  // index needs 2048).
  return [
    { ...scalar('id', 'Int', false, ['@id', '@default(autoincrement())']), mappable: false },
    scalar('provider', 'String', false, mysql ? [`@${ds}.VarChar(191)`] : []),
    scalar(PROVIDER_USER_ID, 'String', false, mysql ? [`@${ds}.VarChar(255)`] : []),
    scalar('userId', userIdField.type, false, userIdNative ? [userIdNative] : []),
    scalar('createdAt', 'DateTime', false, ['@default(now())']),
    userRelation(identityModelName(userModelName), userModelName, 'userId', userIdField),
  ];
}

/**
 * Fields of `<User>Passkey`. The credential id is base64url (up to 512 characters: MySQL's VARCHAR
 * then still fits a unique index), the COSE public key base64url too (RSA keys outgrow
 * VARCHAR(191)), the counter a BigInt (WebAuthn's is an unsigned 32-bit number).
 */
function passkeyFieldSpecs(args: {
  userModelName: string;
  userIdField: ParsedField;
  userIdNative: string | null;
  ds: string;
  mysql: boolean;
}): FieldSpec[] {
  const { userModelName, userIdField, userIdNative, ds, mysql } = args;
  return [
    { ...scalar('id', 'String', false, ['@id', '@default(cuid())']), mappable: false },
    scalar('userId', userIdField.type, false, userIdNative ? [userIdNative] : []),
    scalar('credentialId', 'String', false, ['@unique', ...(mysql ? [`@${ds}.VarChar(512)`] : [])]),
    scalar('publicKey', 'String', false, mysql ? [`@${ds}.Text`] : []),
    scalar('counter', 'BigInt', false, ['@default(0)']),
    scalar('transports', 'String', false, ['@default("")']),
    scalar('label', 'String', false),
    scalar('createdAt', 'DateTime', false, ['@default(now())']),
    scalar('lastUsedAt', 'DateTime', true),
    userRelation(passkeyModelName(userModelName), userModelName, 'userId', userIdField),
  ];
}

/**
 * An existing `<User>Credential` must be pow's (a re-run): keyed by `userId`. A model of the app's
 * own with that name (passkeys, API keys) is not extended with pow's fields.
 */
function checkCredentialModel(model: ParsedModel, userModelName: string): void {
  const id = primaryKeyField(model);
  if (id?.name === CREDENTIAL_USER_ID_FIELD) return;
  throw new PowError({
    code: 'POW_PRISMA_MODEL_CONFLICT',
    message: `Model ${model.name} in ${model.file}:${model.line} is not pow's: pow keeps the password hashes of ${userModelName} in a model of that name, keyed by \`${CREDENTIAL_USER_ID_FIELD}\` (the ${userModelName} id), and yours is keyed by ${id ? `\`${id.name}\`` : 'something else'}.`,
    fix: `Rename your model in ${model.file} (add @@map("${tableNameOf(model)}") to keep its table), then run pow again.`,
    exitCode: 3,
  });
}

/**
 * The note for a user model that still has the hash column pow added before credentials had their
 * own table (or a `passwordHash` of the app's own auth), or null.
 */
export function legacyHashNote(model: ParsedModel): string | null {
  const field = model.fields.find((f) => f.name === LEGACY_HASH_FIELD);
  if (!field || field.type !== 'String' || field.list) return null;
  const credential = credentialModelName(model.name);
  const drop =
    `remove \`${LEGACY_HASH_FIELD}\` from model ${model.name} in ${model.file} ` +
    `and create a migration (\`npx prisma migrate dev --name drop_${toSnake(model.name)}_password_hash\`)`;
  // Mirrors credentialBackfillSql: only a nullable column (as pow added it) is cleared.
  if (field.optional) {
    return (
      `${model.name}.${LEGACY_HASH_FIELD} is no longer used by pow: password hashes live in ${credential} ` +
      `(pow's migration copies the existing ones there, then sets the old column to NULL). Until that migration ` +
      `has run, whole ${model.name} rows still carry the old hashes; once it has run everywhere, ${drop}.`
    );
  }
  return (
    `${model.name}.${LEGACY_HASH_FIELD} is no longer used by pow: password hashes live in ${credential} ` +
    `(pow's migration copies the existing ones there). The column is required, so pow does not clear it: until you ` +
    `drop it, whole ${model.name} rows still carry the old hashes: ${drop} once the copy has run everywhere. ` +
    `Creating users fails until it is optional (\`${LEGACY_HASH_FIELD} String?\`) or gone.`
  );
}

function primaryKeyField(model: ParsedModel): ParsedField | null {
  return model.fields.find((f) => fieldAttribute(f, 'id')) ?? null;
}

function isUnique(model: ParsedModel, field: ParsedField): boolean {
  if (fieldAttribute(field, 'unique') || fieldAttribute(field, 'id')) return true;
  for (const attr of [...blockAttributes(model, 'unique'), ...blockAttributes(model, 'id')]) {
    const fields = fieldList(positionalArg(attr));
    if (fields.length === 1 && fields[0] === field.name) return true;
  }
  return false;
}

function typeText(f: { type: string; optional: boolean; list: boolean }): string {
  return `${f.type}${f.list ? '[]' : f.optional ? '?' : ''}`;
}

function checkExistingField(model: ParsedModel, found: ParsedField, spec: FieldSpec, notes: string[]): void {
  const where = `${model.file}:${found.line}`;
  // A user id field of the app's own may be required or optional: the fix shows the plain type.
  const expectedType = typeText(spec.unique ? { ...spec, optional: false } : spec);
  const expected = `${spec.name} ${expectedType}${spec.attributes.length ? ' ' + spec.attributes.join(' ') : ''}`;
  const conflict = (what: string, fix: string) =>
    new PowError({
      code: 'POW_PRISMA_FIELD_CONFLICT',
      message: `${model.name}.${spec.name} in ${where} ${what}; pow expects \`${expected}\`.`,
      fix,
      exitCode: 3,
    });
  const found_ = `${found.name} ${typeText(found)}`;
  if (spec.kind === 'relation') {
    if (found.type !== spec.type || found.list !== spec.list) {
      throw conflict(
        `is \`${found_}\``,
        `Rename ${model.name}.${found.name} in ${model.file} (pow needs the name for ${spec.purpose ?? 'a relation'}), then run pow again.`,
      );
    }
    return;
  }
  if (found.type !== spec.type || found.list) {
    throw conflict(
      `is \`${found_}\``,
      `Change it to \`${expected}\` in ${model.file}, or rename your field and let pow add its own; pow never retypes a field.`,
    );
  }
  if (spec.unique && !isUnique(model, found)) {
    throw conflict(
      'has no unique constraint (sign-in looks users up by it, case-insensitively)',
      `Add @unique to it in ${model.file}: \`${found.name} ${typeText(found)} @unique\`, then run pow again.`,
    );
  }
  // A user id field of the app's own may be required or not: registration requires it either way.
  if (found.optional !== spec.optional && !spec.unique) {
    notes.push(
      `${model.name}.${found.name} is \`${typeText(found)}\` where pow would use \`${typeText(spec)}\`; kept as it is.`,
    );
  }
}

function toSnake(name: string): string {
  let out = '';
  for (const ch of name) {
    if (ch >= 'A' && ch <= 'Z') out += (out ? '_' : '') + ch.toLowerCase();
    else out += ch;
  }
  return out;
}

function hasUpper(name: string): boolean {
  for (const ch of name) if (ch >= 'A' && ch <= 'Z') return true;
  return false;
}

/** True when most multi-word scalar fields of the model map to snake_case columns. */
export function usesSnakeCaseColumns(model: ParsedModel): boolean {
  const multiWord = model.fields.filter((f) => hasUpper(f.name) && !f.list && !fieldAttribute(f, 'relation'));
  if (multiWord.length === 0) return false;
  const mapped = multiWord.filter((f) => columnName(f) === toSnake(f.name));
  return mapped.length * 2 > multiWord.length;
}

function withSnakeMap(spec: FieldSpec): FieldSpec {
  if (!hasUpper(spec.name) || spec.kind !== 'scalar') return spec;
  return { ...spec, attributes: [...spec.attributes, `@map(${JSON.stringify(toSnake(spec.name))})`] };
}

/** Field lines aligned like `prisma format` aligns one section. */
function alignFields(specs: FieldSpec[], indent: string): string[] {
  const nameWidth = Math.max(...specs.map((s) => s.name.length));
  const typeWidth = Math.max(...specs.map((s) => typeText(s).length));
  return specs.map((s) => {
    const attrs = s.attributes.join(' ');
    const type = typeText(s);
    const line = attrs
      ? `${s.name.padEnd(nameWidth)} ${type.padEnd(typeWidth)} ${attrs}`
      : `${s.name.padEnd(nameWidth)} ${type}`;
    return indent + line;
  });
}

function renderModel(name: string, specs: FieldSpec[], block: string[]): string {
  const lines = [`model ${name} {`, ...alignFields(specs, '  ')];
  if (block.length > 0) lines.push('', ...block.map((b) => '  ' + b));
  lines.push('}');
  return lines.join('\n');
}

/** Inserts `fieldLines` as a new section after the model's last field (or after its header). */
function insertFieldSection(text: string, model: ParsedModel, fieldLines: string[]): string {
  const { lines, eol } = splitLines(text);
  const lastField = model.fields[model.fields.length - 1];
  const after = lastField ? lastField.line : model.line;
  if (after <= 0 || after > lines.length) {
    throw new PowError({
      code: 'POW_PRISMA_SCHEMA_INVALID',
      message: `Could not locate model ${model.name} in ${model.file}.`,
      fix: `Run \`npx prisma format\` on ${model.file} and run pow again.`,
    });
  }
  const section = lastField ? ['', ...fieldLines] : fieldLines;
  lines.splice(after, 0, ...section);
  return lines.join(eol);
}

/** Appends model blocks at the end of a file, separated by one blank line. */
function appendBlocks(text: string, blocks: string[]): string {
  const { eol } = splitLines(text);
  let out = text;
  if (out.length > 0 && !out.endsWith('\n')) out += eol;
  if (out.length > 0 && !out.endsWith(eol + eol)) out += eol;
  return out + blocks.map((b) => b.split('\n').join(eol)).join(eol + eol) + eol;
}
