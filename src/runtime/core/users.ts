/**
 * User operations over the app's Prisma client (changeset-style results, never throwing for
 * validation problems). The password hash lives in the credential model (credentials.ts): it is
 * read through the relation only where a password is checked, written with nested writes, and
 * returned records never contain it. Fields pow keeps in the credential model because the app's
 * user model lacks them (a sign-in id, extension columns) are read and written through the same
 * relation (user-layout.ts); records are flat either way.
 */
import type { FieldErrors, Hasher, Result, UserOperations, UserParams, UserRecord } from './types.js';
import { addError, hasErrors } from './errors.js';
import { randomToken } from './crypto.js';
import { castUserFields, userFieldRule, type UserFieldRule } from './user-fields.js';
import { CREDENTIAL_RELATION, LEGACY_HASH_FIELD, missingCredentialModel, storedHash } from './credentials.js';
import { createUserLayout, withInclude, type UserLayout } from './user-layout.js';
import {
  MAX_USER_ID_LENGTH,
  checkUserId,
  normalizePassword,
  normalizeUserId,
  passwordTooLong,
  validatePassword,
  type ResolvedPasswordPolicy,
} from './validation.js';

type Row = Record<string, unknown>;

/**
 * How a password matched a stored hash: `normalized` (its NFKC form, as pow hashes passwords) or
 * `as-typed` (the input itself, for a hash made before normalisation; it is rehashed).
 */
type PasswordMatch = 'normalized' | 'as-typed' | null;

/** The part of a Prisma model delegate pow uses. */
export interface UserDelegate {
  findFirst(args: { where: Row; include?: Row }): Promise<Row | null>;
  findMany(args: { where: Row; take?: number; include?: Row }): Promise<Row[]>;
  create(args: { data: Row; include?: Row }): Promise<Row>;
  update(args: { where: Row; data: Row; include?: Row }): Promise<Row>;
  delete(args: { where: Row }): Promise<unknown>;
}

export const USER_DELEGATE_METHODS = ['findFirst', 'findMany', 'create', 'update', 'delete'] as const;

/** Prisma's delegate name for a model: "User" → "user", "AdminUser" → "adminUser". */
export function delegateName(model: string): string {
  return model.charAt(0).toLowerCase() + model.slice(1);
}

/** Columns that never come from form params. */
const PROTECTED_FIELDS = new Set([
  'id',
  LEGACY_HASH_FIELD,
  CREDENTIAL_RELATION,
  'password',
  'password_confirmation',
  'current_password',
]);

export interface UserContext {
  delegate: UserDelegate;
  /** Prisma model name of the users, for error messages. Default "User". */
  userModel?: string;
  hasher: Hasher;
  policy: ResolvedPasswordPolicy;
  userIdFields: readonly string[];
  /** The app's own columns forms may write (config `userFields`): names, or names with a type. */
  userFields: readonly (string | UserFieldRule)[];
  /** Constants every created user gets (config `userDefaults`), e.g. the app's own password column. */
  userDefaults?: Readonly<Record<string, unknown>>;
  /** Where pow's fields live (config `credentialFields`); default: all on the user model. */
  layout?: UserLayout;
  /** Called after a user row is deleted (ends their sessions). */
  onDeleted?: (userId: string | number) => Promise<void>;
  /** Called after a user row is written by update or setPassword (sessions re-read the user). */
  onChanged?: (userId: string | number) => Promise<void>;
}

interface PrismaLikeError {
  code?: unknown;
  meta?: unknown;
  message?: unknown;
}

function prismaCode(error: unknown): string | undefined {
  const code = (error as PrismaLikeError | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Which field a unique-constraint (P2002) error is about. Prisma reports it as `meta.target`
 * (field list or index name) or, with driver adapters, under `meta.driverAdapterError`.
 */
export function uniqueViolationField(error: unknown, candidates: readonly string[]): string | undefined {
  const meta = (error as PrismaLikeError | null)?.meta;
  const names: string[] = [];
  const collect = (value: unknown, depth: number): void => {
    if (depth > 6 || value === null || value === undefined) return;
    if (typeof value === 'string') names.push(value);
    else if (Array.isArray(value)) for (const item of value) collect(item, depth + 1);
    else if (typeof value === 'object')
      for (const item of Object.values(value as Row)) collect(item, depth + 1);
  };
  collect(meta, 0);
  const message = (error as PrismaLikeError | null)?.message;
  if (typeof message === 'string') names.push(message);
  // Exact field names (constraint.fields, meta.target) first, then index names such as
  // "User_email_key", and only then a word in a message ("UNIQUE constraint failed: User.email").
  for (const field of candidates) if (names.includes(field)) return field;
  for (const field of candidates) {
    const index = new RegExp(`(^|_|')${field}_key('|$)`);
    if (names.some((name) => index.test(name))) return field;
  }
  for (const field of candidates) {
    const word = new RegExp(`\\.${field}([^A-Za-z0-9_]|$)`);
    if (names.some((name) => word.test(name))) return field;
  }
  return undefined;
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

export function createUserOperations(ctx: UserContext): UserOperations {
  const { delegate, hasher, policy, userIdFields } = ctx;
  const layout = ctx.layout ?? createUserLayout([]);
  const include = layout.include(false);
  const userFieldRules = ctx.userFields
    .map((entry) => (typeof entry === 'string' ? userFieldRule(entry) : entry))
    .filter((rule) => !PROTECTED_FIELDS.has(rule.name) && !userIdFields.includes(rule.name));
  let dummyHash: Promise<string> | undefined;

  /** A hash of a random password made once with the configured hasher: same cost as a real verify. */
  function getDummyHash(): Promise<string> {
    if (!dummyHash) {
      const pending = hasher.hash(randomToken(24));
      pending.catch(() => {
        if (dummyHash === pending) dummyHash = undefined;
      });
      dummyHash = pending;
    }
    return dummyHash;
  }

  /**
   * Verifies `password` against `hash` the way pow hashes passwords: its NFKC form
   * (validation.ts, `normalizePassword`). Hashes stored before pow normalised passwords (imported
   * users, older versions) were made from the password as typed, so when the NFKC form fails and
   * differs from the input, the input itself is tried too. That second try can only match such a
   * hash (pow hashes NFKC strings, and an input that differs from its NFKC form is not one), and
   * callers then rehash. The number of verifies depends on the input only, never on the account:
   * the dummy verify for unknown users goes through here too.
   */
  async function verifyPassword(hash: string, password: string): Promise<PasswordMatch> {
    const normalized = normalizePassword(password);
    if (await hasher.verify(hash, normalized)) return 'normalized';
    if (normalized !== password && (await hasher.verify(hash, password))) return 'as-typed';
    return null;
  }

  /** The hash to store for `password` (always of its NFKC form). */
  function hashPassword(password: string): Promise<string> {
    return hasher.hash(normalizePassword(password));
  }

  /** Validates and normalises one user id field into `data`. */
  function castUserId(field: string, index: number, raw: unknown, data: Row, errors: FieldErrors): void {
    if (isBlank(raw)) {
      if (index === 0) addError(errors, field, 'errors.blank');
      else data[field] = null;
      return;
    }
    const checked = checkUserId(field, raw);
    if (checked.ok) data[field] = checked.value;
    else addError(errors, field, checked.problem.key, checked.problem.params);
  }

  function checkConfirmation(params: UserParams, password: string, errors: FieldErrors): void {
    const confirmation = params.password_confirmation;
    if (typeof confirmation !== 'string' || confirmation.length === 0)
      addError(errors, 'password_confirmation', 'errors.blank');
    else if (normalizePassword(confirmation) !== normalizePassword(password))
      addError(errors, 'password_confirmation', 'errors.confirmation');
  }

  function contextWords(...rows: Row[]): string[] {
    const words: string[] = [];
    for (const row of rows) {
      for (const field of userIdFields) {
        const value = row[field];
        if (typeof value === 'string' && value) words.push(value);
      }
    }
    return words;
  }

  function writeError(error: unknown, data: Row): Result<UserRecord> {
    const code = prismaCode(error);
    if (code === 'P2002') {
      const errors: FieldErrors = {};
      const candidates = userIdFields.filter((f) => data[f] !== undefined && data[f] !== null);
      const field =
        uniqueViolationField(error, candidates) ??
        uniqueViolationField(error, Object.keys(data)) ??
        candidates[0] ??
        userIdFields[0];
      addError(errors, field, 'errors.taken');
      return { ok: false, errors };
    }
    if (code === 'P2000') {
      // Value too long for the column (e.g. VARCHAR(191) on MySQL).
      const errors: FieldErrors = {};
      const field = uniqueViolationField(error, Object.keys(data)) ?? userIdFields[0];
      addError(errors, field, 'errors.too_long', { count: 191 });
      return { ok: false, errors };
    }
    throw error;
  }

  /** A delegate call that names the credential relation, with Prisma's error for a missing one explained. */
  async function withCredential<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw missingCredentialModel(error, ctx.userModel ?? 'User') ?? error;
    }
  }

  /** The user as a flat record, or null. */
  async function findById(id: unknown): Promise<UserRecord | null> {
    if (id === undefined || id === null) return null;
    const row = await withCredential(() => delegate.findFirst(withInclude({ where: { id } }, include)));
    return row ? layout.record(row) : null;
  }

  /** The user row with its hash: only where the current password is checked (read it with storedHash). */
  async function findWithHash(id: unknown): Promise<Row | null> {
    if (id === undefined || id === null) return null;
    return withCredential(() => delegate.findFirst({ where: { id }, include: layout.include(true) }));
  }

  /** Writes `data` (flat) and, when given, a new hash (nested upsert: invited users may have no credential row). */
  async function writeUser(id: unknown, data: Row, hash?: string): Promise<UserRecord> {
    const row = await withCredential(() =>
      delegate.update(withInclude({ where: { id }, data: layout.updateData(data, hash) }, include)),
    );
    return layout.record(row);
  }

  const operations: UserOperations = {
    async create(params: UserParams): Promise<Result<UserRecord>> {
      params ??= {};
      const errors: FieldErrors = {};
      const data: Row = {};
      userIdFields.forEach((field, index) => castUserId(field, index, params[field], data, errors));
      Object.assign(data, ctx.userDefaults);
      castUserFields(userFieldRules, params, data, errors, true);
      const password = params.password;
      // Every problem at once: a mismatched confirmation is reported even while the password
      // itself is refused (too short...), so the form does not reveal one error per submit.
      const passwordValid = validatePassword(password, policy, errors, 'password', contextWords(data));
      if (typeof password === 'string' && password.length > 0) {
        if (!passwordTooLong(password, policy)) checkConfirmation(params, password, errors);
      } else if (!passwordValid) {
        // Pow reports a missing confirmation too, so the form shows both fields.
        if (isBlank(params.password_confirmation)) addError(errors, 'password_confirmation', 'errors.blank');
      }
      if (hasErrors(errors)) return { ok: false, errors };
      // Hash only once everything else is valid (no wasted work on invalid input).
      const hash = await hashPassword(password as string);
      try {
        const row = await withCredential(() =>
          delegate.create(withInclude({ data: layout.createData(data, hash) }, include)),
        );
        return { ok: true, value: layout.record(row) };
      } catch (error) {
        return writeError(error, data);
      }
    },

    async createWithoutPassword(ids: UserParams, extra: Row = {}): Promise<Result<UserRecord>> {
      const errors: FieldErrors = {};
      const data: Row = {};
      userIdFields.forEach((field, index) => castUserId(field, index, ids?.[field], data, errors));
      if (hasErrors(errors)) return { ok: false, errors };
      Object.assign(data, ctx.userDefaults, extra);
      try {
        const row = await withCredential(() =>
          delegate.create(withInclude({ data: layout.createData(data, null) }, include)),
        );
        return { ok: true, value: layout.record(row) };
      } catch (error) {
        return writeError(error, data);
      }
    },

    async hasPassword(user: Pick<UserRecord, 'id'>): Promise<boolean> {
      return storedHash(await findWithHash(user.id)) !== null;
    },

    async authenticate(identifier: string, password: string): Promise<UserRecord | null> {
      const candidate = typeof password === 'string' ? password : '';
      // Over the cap: refused before any hashing (DoS guard); the cost does not depend on the account.
      if (passwordTooLong(candidate, policy)) return null;
      // Started before the lookup so that even the first unknown-user attempt costs one verify.
      const dummy = getDummyHash();
      let row: Row | null = null;
      if (
        typeof identifier === 'string' &&
        identifier.trim() !== '' &&
        identifier.length <= 4 * MAX_USER_ID_LENGTH
      ) {
        const or = userIdFields.map((field) => layout.where({ [field]: normalizeUserId(field, identifier) }));
        const where = or.length === 1 ? or[0] : { OR: or };
        const rows = await withCredential(() =>
          delegate.findMany({ where, take: userIdFields.length, include: layout.include(true) }),
        );
        // Several fields may match different users; the earlier field in `userIdFields` wins.
        for (const field of userIdFields) {
          const value = normalizeUserId(field, identifier);
          row = rows.find((r) => layout.record(r)[field] === value) ?? null;
          if (row) break;
        }
      }
      const hash = storedHash(row);
      if (!row || !hash) {
        // Unknown user, no password set (invited), or no identifier: same cost, same answer.
        await verifyPassword(await dummy, candidate);
        return null;
      }
      const match = await verifyPassword(hash, candidate);
      if (!match) return null;
      // Legacy algorithm or parameters, or a hash of the un-normalised password: store a fresh one.
      if (match === 'as-typed' || hasher.needsRehash(hash)) {
        try {
          const upgraded = await hashPassword(candidate);
          return await writeUser(row.id, {}, upgraded);
        } catch {
          // The sign-in stands; the upgrade is retried at the next one.
        }
      }
      return layout.record(row);
    },

    async spendVerify(password: string): Promise<void> {
      const candidate = typeof password === 'string' ? password : '';
      if (passwordTooLong(candidate, policy)) return;
      await verifyPassword(await getDummyHash(), candidate);
    },

    async update(user: UserRecord, params: UserParams): Promise<Result<UserRecord>> {
      params ??= {};
      const stored = await findWithHash(user?.id);
      if (!stored)
        return { ok: false, errors: { base: [{ key: 'errors.not_found', message: 'was not found' }] } };
      const current = layout.record(stored);
      const errors: FieldErrors = {};
      const data: Row = {};
      userIdFields.forEach((field, index) => {
        if (!Object.prototype.hasOwnProperty.call(params, field) || params[field] === undefined) return;
        const next: Row = {};
        castUserId(field, index, params[field], next, errors);
        if (field in next && next[field] !== (current[field] ?? null)) data[field] = next[field];
      });
      castUserFields(userFieldRules, params, data, errors, false);
      let newPassword: string | undefined;
      const password = params.password;
      if (password !== undefined && password !== null && password !== '') {
        const passwordValid = validatePassword(
          password,
          policy,
          errors,
          'password',
          contextWords(current, data),
        );
        // Reported with the password's own errors, as on sign-up.
        if (typeof password === 'string' && !passwordTooLong(password, policy))
          checkConfirmation(params, password, errors);
        if (passwordValid) newPassword = password as string;
      }
      const currentHash = storedHash(stored);
      let staleHashOf: string | undefined;
      // Every update of an account with a password proves it (Pow; issue 16, defect 5).
      if (currentHash) {
        const given = params.current_password;
        if (typeof given !== 'string' || given.length === 0)
          addError(errors, 'current_password', 'errors.blank');
        else {
          const match = passwordTooLong(given, policy) ? null : await verifyPassword(currentHash, given);
          if (!match) addError(errors, 'current_password', 'errors.invalid_current_password');
          else if (match === 'as-typed' || hasher.needsRehash(currentHash)) staleHashOf = given;
        }
      }
      if (hasErrors(errors)) return { ok: false, errors };
      let hash: string | undefined;
      if (newPassword !== undefined) hash = await hashPassword(newPassword);
      // The current password was verified against a legacy hash: upgrade it, as sign-in does.
      else if (staleHashOf !== undefined) hash = await hashPassword(staleHashOf);
      if (Object.keys(data).length === 0 && hash === undefined) return { ok: true, value: current };
      let value: UserRecord;
      try {
        value = await writeUser(current.id, data, hash);
      } catch (error) {
        return writeError(error, data);
      }
      // The user's sessions carry a copy of the row: their next requests re-read it.
      await ctx.onChanged?.(current.id);
      return { ok: true, value };
    },

    async delete(user: UserRecord): Promise<void> {
      try {
        await delegate.delete({ where: { id: user.id } });
      } catch (error) {
        if (prismaCode(error) !== 'P2025') throw error; // already gone
      }
      await ctx.onDeleted?.(user.id);
    },

    async getBy(where: Record<string, unknown>): Promise<UserRecord | null> {
      if (!where || typeof where !== 'object') return null;
      // A plain loop (no entry arrays): the session layer calls this on every signed-in request.
      const normalized: Row = {};
      let fields = 0;
      for (const field of Object.keys(where)) {
        const value = where[field];
        // Prisma ignores `undefined` filters: `{ email: undefined }` would match the first user.
        if (value === undefined) return null;
        normalized[field] = userIdFields.includes(field) ? normalizeUserId(field, value) : value;
        fields++;
      }
      if (fields === 0) return null;
      const row = await withCredential(() =>
        delegate.findFirst(withInclude({ where: layout.where(normalized) }, include)),
      );
      return row ? layout.record(row) : null;
    },

    async setPassword(user: UserRecord, password: string): Promise<Result<UserRecord>> {
      const current = await findById(user?.id);
      if (!current)
        return { ok: false, errors: { base: [{ key: 'errors.not_found', message: 'was not found' }] } };
      const errors: FieldErrors = {};
      if (!validatePassword(password, policy, errors, 'password', contextWords(current)))
        return { ok: false, errors };
      const hash = await hashPassword(password);
      const value = await writeUser(current.id, {}, hash);
      await ctx.onChanged?.(current.id);
      return { ok: true, value };
    },
  };
  return operations;
}
