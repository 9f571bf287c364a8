/**
 * The public contract of pow's runtime core. Framework-agnostic: no Express types here.
 *
 * Generated code (config files, controllers) imports only what is declared here and in
 * `src/runtime/express/types.ts`, so these shapes are what a team's owned code depends on.
 * Change them only in a backwards-compatible way.
 */

/** A record as the app's Prisma client returns it. pow never hands `passwordHash` to views. */
export type UserRecord = Record<string, unknown> & { id: string | number };

/** One validation problem on one field; `key` is an i18n message key, `params` fill it in. */
export interface FieldError {
  key: string;
  params?: Record<string, string | number>;
  /** English text, for logs, scripts and tests; views translate `key` instead. */
  message: string;
}

/** Field name → problems. A changeset that failed validation. */
export type FieldErrors = Record<string, FieldError[]>;

export type Result<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/**
 * Key/value store with TTL, namespaced. Backends: memory, Prisma (`PowSession` table), Redis.
 * An expired record is never returned, even before any sweep runs.
 */
export interface Store {
  get<T = unknown>(namespace: string, key: string): Promise<T | null>;
  /**
   * Optional synchronous `get`, for stores that live in the process (the memory store). The
   * session layer reads two records per signed-in request and uses it, when present, to skip two
   * promise round trips. Same result and copy semantics as `get`.
   */
  getNow?<T = unknown>(namespace: string, key: string): T | null;
  /**
   * Optional, for stores that live in the process: `getLinked` answered synchronously with the
   * stored values themselves, not copies. They are deep-frozen and must never be changed (the
   * session layer copies what it writes back). A signed-in request reads its token pointer and
   * session record this way on the memory store: one call, nothing copied.
   */
  peekLinked?<A = unknown, B = unknown>(
    namespace: string,
    key: string,
    link: string,
    linkedNamespace: string,
  ): [Readonly<A> | null, Readonly<B> | null];
  /**
   * Optional: the record at (namespace, key) and, when it is an object whose `link` field is a
   * string, the record at (linkedNamespace, that string), in one round trip to the backend (Redis:
   * one script). Same results as the two `get`s it replaces; the second is null when the first is
   * missing or names none. A signed-in request reads its token pointer and session record this way.
   */
  getLinked?<A = unknown, B = unknown>(
    namespace: string,
    key: string,
    link: string,
    linkedNamespace: string,
  ): Promise<[A | null, B | null]>;
  /** `ttlMs` is required: nothing pow stores lives forever. */
  put(namespace: string, key: string, value: unknown, ttlMs: number): Promise<void>;
  delete(namespace: string, key: string): Promise<void>;
  /** Every live record whose key starts with `prefix`. */
  all<T = unknown>(namespace: string, prefix: string): Promise<Array<{ key: string; value: T }>>;
  /**
   * Atomically add 1 to a counter and return the new value; the TTL is set when the counter is
   * created and not extended by later increments (a fixed window). Used by throttling.
   */
  increment(namespace: string, key: string, ttlMs: number): Promise<number>;
  /**
   * Atomically subtract 1 from a live counter (never below 0, never creating one). Throttling
   * counts every attempt before it verifies the password and hands a successful one back with
   * this. Optional: without it, a success still counts against the address.
   */
  decrement?(namespace: string, key: string): Promise<void>;
  /** Put only if absent; true when this call created the record (a lock). */
  putIfAbsent(namespace: string, key: string, value: unknown, ttlMs: number): Promise<boolean>;
  /**
   * True for a store that lives in this process and answers synchronously (the memory store):
   * `createPow` then puts no deadline on its calls. Every other store's calls get one
   * (`PowConfig.storeTimeoutMs`).
   */
  readonly local?: boolean;
  /**
   * Called when an operation missed its deadline: a store that owns its connection replaces it
   * (the Redis store does), since a connection that stopped answering may never answer again.
   */
  recover?(): void;
  /** Release connections the store itself opened (not clients passed in by the app). */
  close?(): Promise<void>;
  /**
   * Use this time source for expiry. `createPow({ clock })` calls it so a fake clock moves store
   * expiry too. Redis ignores it (its TTLs are real time).
   */
  useClock?(clock: () => number): void;
}

/**
 * A password hashing backend. `verify` must be constant-time and never throw on a malformed hash.
 * pow passes passwords NFKC-normalised (`normalizePassword`); `verify` may also receive the input
 * as typed, to check a hash made before normalisation (which is then rehashed).
 */
export interface Hasher {
  readonly id: string;
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** True when `hash` was made by another algorithm or weaker parameters than this hasher's. */
  needsRehash(hash: string): boolean;
}

export interface SessionTimeouts {
  /** Signed out after this long without a request. Default 30 min. */
  idleMs?: number;
  /** Signed out this long after sign-in whatever the activity. Default 14 days. */
  absoluteMs?: number;
  /**
   * Each session carries a copy of its user, so a signed-in request reads no user row. The copy
   * is re-read once it is older than this, and at once after `sessions.refreshUser(userId)`
   * (which pow calls on its own writes of a user). Default 60 000 (1 min); 0 re-reads the user
   * on every request. See docs/guides/session-store.md, "How fresh is the signed-in user".
   */
  userRefreshMs?: number;
  /** The session token is reissued once it is older than this. Default 15 min. */
  renewAfterMs?: number;
  /** How long a renewed-away token keeps working, so parallel requests are not signed out. Default 60 s. */
  renewGraceMs?: number;
  /**
   * An account without a password (signed up through an OAuth provider, a passkey or a sign-in
   * link) has no password to type before its deletion: it confirms with a sign-in this recent
   * instead; an older session is asked to sign in again. Default 600 000 (10 min).
   */
  reauthenticateMs?: number;
}

/**
 * The password policy. Passwords are NFKC-normalised before they are measured, checked and
 * hashed (and before they are verified), so the same password typed in another Unicode form
 * signs in; nothing else about them changes (no case folding, no trimming).
 */
export interface PasswordPolicy {
  /**
   * Minimum length in Unicode code points of the NFKC form. Default 15 (NIST 800-63B-4); never
   * below 8.
   */
  minLength?: number;
  /** Hard cap in UTF-8 bytes, checked before any hashing. Default 4096. */
  maxBytes?: number;
  /**
   * Refuse common passwords (a list of about 11,600 shipped with pow, from zxcvbn), keyboard walks,
   * sequences, repetitions and the user's own identifiers, case-insensitively. Default true.
   */
  blocklist?: boolean;
}

export interface HashingOptions {
  /** A custom hasher; default argon2id m=19456 t=2 p=1 via @node-rs/argon2. */
  hasher?: Hasher;
  /**
   * Cheap parameters for test suites only (argon2id m=1024 t=1). Refused at start-up when
   * NODE_ENV is "production".
   */
  insecureTestParameters?: boolean;
}

import type { SecurityEvents } from './security-events.js';
import type { ExtensionName } from './extension-names.js';
export type { ExtensionName };

/** The minimal surface of a Prisma client pow needs: a delegate per model, looked up by name. */
export type PrismaLike = object;

/** Prisma scalar types a typed `userFields` entry can have. */
export type UserFieldType = 'String' | 'Int' | 'BigInt' | 'Float' | 'Decimal' | 'Boolean' | 'DateTime';

/** A user column with its Prisma type (`userFields`). */
export interface UserFieldSpec {
  name: string;
  type: UserFieldType;
  /** Registration refuses a blank value (a required column without a default). Default false. */
  required?: boolean;
}

/** Configuration for one user type. Invalid values fail `createPow` with a message naming the key. */
export interface PowConfig {
  /** The app's PrismaClient. */
  prisma: PrismaLike;
  /** Prisma model name of this user type. Default "User". */
  userModel?: string;
  /** Name of this user type; namespaces store keys, cookies and `req` keys. Default "user". */
  userType?: string;
  /**
   * Fields a person may sign in with, typed into one field. Default ["email"]. The first one is
   * required at registration, the others are optional. Values are trimmed and lower-cased.
   */
  userIdFields?: string[];
  /**
   * Other user columns that registration and account update may write from form params
   * (an allow-list against mass assignment, e.g. ["name"]). Default []. A name is written as
   * given; `{ name, type, required }` (what `pow install` writes for the app's required columns)
   * casts the form's text to the column's Prisma type and reports a bad or missing value as a
   * field error.
   */
  userFields?: (string | UserFieldSpec)[];
  /**
   * Constant values every user pow creates gets, for the app's own required columns no form sets,
   * e.g. `{ password: '!' }` for an app's own password column (pow never reads it: its hashes
   * live in the credential model). Default {}.
   */
  userDefaults?: Record<string, string | number | boolean>;
  /**
   * The fields pow needs (`userIdFields`, the extensions' columns such as `emailConfirmedAt`) that
   * it keeps in the credential model (`<userModel>Credential`) because the app's user model has
   * no column for them; `pow install` writes this list. Records still carry them (`user.email`),
   * and pow's lookups go through the relation. Default [] (all on the user model).
   */
  credentialFields?: string[];
  /** Where sessions, tokens and throttle counters live. */
  store: Store;
  /**
   * Deadline of each store call and user-table query, in ms. A call that misses it fails the
   * request with 503 and `Retry-After` instead of hanging it. Default 2000
   * (`DEFAULT_STORE_TIMEOUT_MS`); not applied to the memory store.
   */
  storeTimeoutMs?: number;
  /**
   * At least 32 characters; signs cookies and derives token keys. Give it as a function,
   * `fromEnv('POW_SECRET')`, to have it read at start-up instead of when this module is imported
   * (an app that loads .env in its entry's code has not loaded it yet then).
   */
  secret: string | (() => string | undefined);
  session?: SessionTimeouts;
  password?: PasswordPolicy;
  hashing?: HashingOptions;
  /** Enabled extensions, in the order their hooks run. */
  extensions?: ExtensionName[];
  /** Time source in milliseconds; tests pass a fake clock. Default `Date.now`. */
  clock?: () => number;
}

/** Attributes accepted by registration and account update (form field names). */
export type UserParams = Record<string, unknown> & {
  password?: string;
  password_confirmation?: string;
  current_password?: string;
};

/** A live session as stored (the token itself is never stored, only its SHA-256). */
export interface SessionRecord {
  /** Public id of the session (not the token): safe to show in a "your sessions" list. */
  id: string;
  userId: string;
  userType: string;
  createdAt: number;
  lastSeenAt: number;
  /** When the token was last issued (sign-in or renewal). */
  issuedAt: number;
  ip?: string;
  userAgent?: string;
  /** Per-session data for the HTTP layer (CSRF secret, flash, locale). */
  data: Record<string, unknown>;
}

export interface SessionMeta {
  ip?: string;
  userAgent?: string;
  /** The session's first `data` (the HTTP layer's CSRF secret), written with the record. */
  data?: Record<string, unknown>;
}

export interface LoadedSession {
  session: SessionRecord;
  /** The user: the session's copy, or re-read from the database (a deleted user ends the session). */
  user: UserRecord;
  /** Set when the token was renewed on this request: the HTTP layer must send the new cookie. */
  renewedToken?: string;
}

/** User operations, changeset-style. Passwords and hashes never appear in returned records. */
export interface UserOperations {
  /** Registration: validates, normalises user ids, hashes the password. */
  create(params: UserParams): Promise<Result<UserRecord>>;
  /**
   * Sign-in check. Unknown user, wrong password and missing password all return null after
   * exactly one verify of equal cost. Rehashes on success when the stored hash is outdated.
   */
  authenticate(identifier: string, password: string): Promise<UserRecord | null>;
  /**
   * Spends on `password` what `authenticate` spends on it (the same verifies, against a dummy
   * hash) and checks nothing: for refusals, such as a locked account, that must not answer faster
   * than a wrong password.
   */
  spendVerify(password: string): Promise<void>;
  /**
   * Account update. When the account has a password, every update needs the right
   * `current_password`, as in Pow, even one that changes nothing (issue 16, defect 5: a blank or
   * wrong password must never answer "updated"). An empty `password` means "keep the current one". Sessions are not
   * touched here: after a password change the HTTP layer rotates the current session and calls
   * `sessions.revokeOthers` (security bar D11).
   */
  update(user: UserRecord, params: UserParams): Promise<Result<UserRecord>>;
  /** Deletes the row and ends every session of the user. */
  delete(user: UserRecord): Promise<void>;
  /** First user matching `where` (user id values normalised); null for an empty or `undefined` filter. */
  getBy(where: Record<string, unknown>): Promise<UserRecord | null>;
  /**
   * For scripts, seeds and password reset: sets a password without the current one. The policy
   * still applies (length, byte cap, blocklist; no confirmation field). Existing sessions stay
   * valid; end them with `pow.sessions.revokeAll(user.id)` when the old password may be known.
   *
   * ```ts
   * const user = await pow.users.getBy({ email: 'alice@example.com' });
   * const result = user && (await pow.users.setPassword(user, newPassword));
   * if (result && !result.ok) console.error(formatErrors(result.errors));
   * ```
   */
  setPassword(user: UserRecord, password: string): Promise<Result<UserRecord>>;
  /**
   * Sign-up without a password (through an OAuth provider): the user ids are validated and
   * normalised as on registration, the app's `userDefaults` applied; `data` holds columns pow
   * owns (e.g. `emailConfirmedAt`), never form params.
   */
  createWithoutPassword(ids: UserParams, data?: Record<string, unknown>): Promise<Result<UserRecord>>;
  /** Whether the user has a password (invited and provider-only users have none). */
  hasPassword(user: Pick<UserRecord, 'id'>): Promise<boolean>;
}

export interface SessionOperations {
  /**
   * True when the token's tag verifies: it was issued with this secret for this user type. Says
   * nothing about whether its session still exists; no store call.
   */
  isGenuine(token: string): boolean;
  /** Creates a session for the user and returns the raw token (for the cookie). */
  create(user: UserRecord, meta?: SessionMeta): Promise<{ token: string; session: SessionRecord }>;
  /** Resolves a token; null when unknown, expired, for another user type or the user is gone. */
  load(token: string): Promise<LoadedSession | null>;
  /**
   * `load`, answered without a promise when nothing needs a round trip (a store in the process,
   * such as the memory store, and no write due): what the Express middleware calls on every
   * request. Same answers and the same rules as `load`.
   */
  loadNow?(token: string): LoadedSession | null | Promise<LoadedSession | null>;
  /** Writes back `session.data` changes (flash, CSRF secret) without renewing. */
  save(token: string, session: SessionRecord): Promise<void>;
  delete(token: string): Promise<void>;
  list(userId: string | number): Promise<SessionRecord[]>;
  revoke(userId: string | number, sessionId: string): Promise<void>;
  /**
   * The next request of each of the user's sessions re-reads the user from the database instead
   * of using the copy in the session: call it after changing a user outside pow (a role, a lock
   * column), to have the change seen at once rather than within `session.userRefreshMs`.
   */
  refreshUser(userId: string | number): Promise<void>;
  /** Ends every session of the user except the one holding `keepToken`. */
  revokeOthers(userId: string | number, keepToken: string): Promise<void>;
  revokeAll(userId: string | number): Promise<void>;
  /**
   * True when the session began with a sign-in (a password, provider, passkey or link; not a
   * remember-me restore) within `session.reauthenticateMs`: the confirmation an account without a
   * password gives for a step that cannot be undone.
   */
  signedInRecently(session: SessionRecord): boolean;
  /** `session.reauthenticateMs`: how recent that sign-in must be. */
  readonly reauthenticateMs: number;
}

/** What `createPow` returns: one per user type. */
export interface Pow {
  readonly userType: string;
  readonly userModel: string;
  readonly userIdFields: readonly string[];
  /** Fields of the user pow keeps in the credential model (config `credentialFields`; user-layout.ts). */
  readonly credentialFields: readonly string[];
  /** Constants every user pow creates gets (config `userDefaults`). */
  readonly userDefaults: Readonly<Record<string, string | number | boolean>>;
  readonly store: Store;
  readonly secret: string;
  readonly extensions: readonly ExtensionName[];
  readonly clock: () => number;
  readonly users: UserOperations;
  readonly sessions: SessionOperations;
  readonly hasher: Hasher;
  /**
   * Account events (sign-in, password change, second factors, ...) for listeners such as the
   * security-log extension (security-events.ts). Flows emit; nothing listens by default.
   */
  readonly securityEvents: SecurityEvents;
  /** The password policy's limits, for forms that state them up front (`minlength`, hints). */
  readonly passwordRules: { readonly minLength: number; readonly maxBytes: number };
}
