/**
 * Extension tokens: reset password, e-mail confirmation, invitation, persistent session, magic link.
 *
 * - The raw token is 32 random bytes, base64url (43 characters). It exists only in the mail or
 *   cookie; the store key is its SHA-256, so a store dump holds no usable token.
 * - Purpose-bound: the key carries the purpose and the record repeats it, so a reset token is
 *   unknown as a confirmation token, an invitation or a session token (those live elsewhere).
 * - Single-use: `consumeToken` takes a lock with `putIfAbsent` before deleting, so two parallel
 *   consumers can never both succeed, whatever the store backend.
 * - A per-user index (`u:<purpose>:<userId>:<hash>`) lets every token of a user for a purpose be
 *   revoked at once (after a password reset, on remember-me theft).
 */
import { randomToken, safeEqual, sha256Hex, TOKEN_PATTERN } from '../core/crypto.js';
import type { Pow, UserRecord } from '../core/types.js';
import { TOKEN_INDEX_KEY_PREFIX, TOKEN_NAMESPACE_SUFFIX } from '../core/listed-keys.js';

export { safeEqual };

export type TokenPurpose =
  'reset_password' | 'email_confirmation' | 'invitation' | 'persistent_session' | 'magic_link';

export const TOKEN_PURPOSES: readonly TokenPurpose[] = [
  'reset_password',
  'email_confirmation',
  'invitation',
  'persistent_session',
  'magic_link',
];

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Default lifetimes. Reset is 1 h (security bar F4 and OWASP's forgot-password cheat sheet ask
 * for at most 1 h; issue 16, defect 7), e-mail confirmation 48 h, invitation 7 days, remember-me 30 days.
 * A magic link signs in by itself, so it lives shortest: 15 min (OWASP and most providers use
 * 10–15 min for sign-in links). Override per call or with `ExtensionOptions.tokenTtlMs`.
 */
export const DEFAULT_TOKEN_TTL_MS: Readonly<Record<TokenPurpose, number>> = {
  reset_password: 1 * HOUR,
  email_confirmation: 48 * HOUR,
  invitation: 7 * DAY,
  persistent_session: 30 * DAY,
  magic_link: 15 * MINUTE,
};

/** What the store holds for one token (never the token itself). */
export interface TokenRecord {
  purpose: TokenPurpose;
  /** The user's id as text (index keys). */
  userId: string;
  /** The user's id as the database has it (number or string), for lookups. */
  uid: string | number;
  userType: string;
  /** The address the token was mailed to; a token only works while it still matches. */
  sentTo?: string;
  createdAt: number;
  expiresAt: number;
  /**
   * `active` until used. Consumed confirmation tokens may stay as `used` (so a second click can say
   * "already confirmed"), rotated remember-me tokens as `rotated` (replay after the grace window is a
   * theft signal). Neither state grants anything by itself.
   */
  state: 'active' | 'used' | 'rotated';
  /** When the state left `active`. */
  endedAt?: number;
  /** Purpose-specific extra data (e.g. session metadata for remember-me). */
  data?: Record<string, unknown>;
}

export interface IssuedToken {
  /** The raw token: put it in the link or cookie, never in a store or log. */
  token: string;
  record: TokenRecord;
}

/** Store namespace of one user type's extension tokens. */
export function tokenNamespace(pow: Pick<Pow, 'userType'>): string {
  return `${pow.userType}${TOKEN_NAMESPACE_SUFFIX}`;
}

/** 32 random bytes, base64url without padding (43 characters). */
export function generateToken(): string {
  return randomToken(32);
}

/** SHA-256 of the token, hex. This is all the store ever sees. */
export function hashToken(token: string): string {
  return sha256Hex(token);
}

/** Rejects anything that is not shaped like one of our tokens before touching the store. */
export function isWellFormedToken(token: unknown): token is string {
  return typeof token === 'string' && TOKEN_PATTERN.test(token);
}

function recordKey(purpose: TokenPurpose, hash: string): string {
  return `${purpose}:${hash}`;
}

function lockKey(purpose: TokenPurpose, hash: string): string {
  return `lock:${purpose}:${hash}`;
}

/** The per-user index of a purpose's tokens, listed by `Store.all` (core/listed-keys.ts). */
function indexPrefix(purpose: TokenPurpose, userId: string | number): string {
  return `${TOKEN_INDEX_KEY_PREFIX}${purpose}:${encodeURIComponent(String(userId))}:`;
}

function indexKey(purpose: TokenPurpose, userId: string | number, hash: string): string {
  return `${indexPrefix(purpose, userId)}${hash}`;
}

function remaining(pow: Pick<Pow, 'clock'>, record: TokenRecord): number {
  return record.expiresAt - pow.clock();
}

type TokenPow = Pick<Pow, 'store' | 'clock' | 'userType'>;

export interface CreateTokenOptions {
  userId: string | number;
  sentTo?: string;
  ttlMs?: number;
  data?: Record<string, unknown>;
}

/** Creates and stores (hashed) a new token for `purpose`. */
export async function createToken(
  pow: TokenPow,
  purpose: TokenPurpose,
  options: CreateTokenOptions,
): Promise<IssuedToken> {
  const ttlMs = options.ttlMs ?? DEFAULT_TOKEN_TTL_MS[purpose];
  if (!Number.isFinite(ttlMs) || ttlMs <= 0)
    throw new RangeError(`Token lifetime for ${purpose} must be a positive number of ms`);
  const token = generateToken();
  const hash = hashToken(token);
  const now = pow.clock();
  const record: TokenRecord = {
    purpose,
    userId: String(options.userId),
    uid: options.userId,
    userType: pow.userType,
    ...(options.sentTo !== undefined ? { sentTo: options.sentTo } : {}),
    createdAt: now,
    expiresAt: now + ttlMs,
    state: 'active',
    ...(options.data ? { data: options.data } : {}),
  };
  const ns = tokenNamespace(pow);
  await pow.store.put(ns, recordKey(purpose, hash), record, ttlMs);
  await pow.store.put(ns, indexKey(purpose, record.userId, hash), { expiresAt: record.expiresAt }, ttlMs);
  return { token, record };
}

/**
 * The store work of `createToken` (two writes) under keys no lookup ever reads: a request that
 * mails a token answers an unknown address after the same work as a known one (security bar C3).
 */
export async function spendTokenWrites(pow: TokenPow): Promise<void> {
  const decoy = hashToken(generateToken());
  const ns = tokenNamespace(pow);
  await pow.store.put(ns, `decoy:${decoy}`, { purpose: 'decoy', createdAt: pow.clock() }, 60_000);
  await pow.store.put(ns, `decoy:u:${decoy}`, { expiresAt: pow.clock() + 60_000 }, 60_000);
}

/** A stored record as found by hashing a presented token, with its store hash. */
export interface FoundToken {
  hash: string;
  record: TokenRecord;
}

/**
 * Looks a token up without using it (any state). Null when malformed, unknown, expired, of
 * another purpose or user type.
 */
export async function findToken(
  pow: TokenPow,
  purpose: TokenPurpose,
  token: unknown,
): Promise<FoundToken | null> {
  if (!isWellFormedToken(token)) return null;
  const hash = hashToken(token);
  const record = await pow.store.get<TokenRecord>(tokenNamespace(pow), recordKey(purpose, hash));
  if (!record || typeof record !== 'object') return null;
  // Defence in depth: the key already binds purpose and namespace binds user type.
  if (record.purpose !== purpose || record.userType !== pow.userType) return null;
  if (record.expiresAt <= pow.clock()) return null;
  return { hash, record };
}

/** An `active` token's record, without using it (e.g. to show the reset-password form). */
export async function peekToken(
  pow: TokenPow,
  purpose: TokenPurpose,
  token: unknown,
): Promise<TokenRecord | null> {
  const found = await findToken(pow, purpose, token);
  return found && found.record.state === 'active' ? found.record : null;
}

export interface ConsumeOptions {
  /** Keep a `used` record until the token would have expired (instead of deleting it). */
  keepAs?: 'used' | 'rotated';
}

/**
 * Uses an `active` token exactly once: the first caller gets its record, every later or parallel
 * caller gets null. The lock lives as long as the token could have.
 */
export async function consumeToken(
  pow: TokenPow,
  purpose: TokenPurpose,
  token: unknown,
  options: ConsumeOptions = {},
): Promise<TokenRecord | null> {
  const found = await findToken(pow, purpose, token);
  if (!found || found.record.state !== 'active') return null;
  return consumeFound(pow, found, options);
}

/** `consumeToken` for a record already found with `findToken`. */
export async function consumeFound(
  pow: TokenPow,
  found: FoundToken,
  options: ConsumeOptions = {},
): Promise<TokenRecord | null> {
  const { hash, record } = found;
  const ttl = remaining(pow, record);
  if (ttl <= 0) return null;
  const ns = tokenNamespace(pow);
  const locked = await pow.store.putIfAbsent(ns, lockKey(record.purpose, hash), 1, ttl + 1000);
  if (!locked) return null;
  if (options.keepAs) {
    await pow.store.put(
      ns,
      recordKey(record.purpose, hash),
      { ...record, state: options.keepAs, endedAt: pow.clock() },
      ttl,
    );
  } else {
    await pow.store.delete(ns, recordKey(record.purpose, hash));
    await pow.store.delete(ns, indexKey(record.purpose, record.userId, hash));
  }
  return record;
}

/**
 * Puts a consumed token back (e.g. the new password failed validation, so the person may retry
 * with the same link). Only for records returned by `consumeToken` in the same operation.
 */
export async function restoreToken(pow: TokenPow, token: string, record: TokenRecord): Promise<void> {
  const ttl = remaining(pow, record);
  if (ttl <= 0) return;
  const hash = hashToken(token);
  const ns = tokenNamespace(pow);
  await pow.store.put(ns, recordKey(record.purpose, hash), { ...record, state: 'active' }, ttl);
  await pow.store.put(
    ns,
    indexKey(record.purpose, record.userId, hash),
    { expiresAt: record.expiresAt },
    ttl,
  );
  await pow.store.delete(ns, lockKey(record.purpose, hash));
}

/** Deletes one token (any state), e.g. the remember-me token on sign-out. */
export async function deleteToken(pow: TokenPow, purpose: TokenPurpose, token: unknown): Promise<void> {
  const found = await findToken(pow, purpose, token);
  if (!found) return;
  const ns = tokenNamespace(pow);
  await pow.store.delete(ns, recordKey(purpose, found.hash));
  await pow.store.delete(ns, indexKey(purpose, found.record.userId, found.hash));
}

/** Store hashes of every live token (any state) of the user for `purpose`. */
export async function listTokenHashes(
  pow: TokenPow,
  purpose: TokenPurpose,
  userId: string | number,
): Promise<string[]> {
  const prefix = indexPrefix(purpose, userId);
  const entries = await pow.store.all(tokenNamespace(pow), prefix);
  return entries.map((e) => e.key.slice(prefix.length));
}

/** Revokes every token of the user for `purpose` (all of them, or all but `exceptToken`). */
export async function revokeTokens(
  pow: TokenPow,
  purpose: TokenPurpose,
  userId: string | number,
  options: { exceptToken?: string } = {},
): Promise<number> {
  const keep = options.exceptToken !== undefined ? hashToken(options.exceptToken) : undefined;
  const ns = tokenNamespace(pow);
  let count = 0;
  for (const hash of await listTokenHashes(pow, purpose, userId)) {
    if (keep !== undefined && safeEqual(hash, keep)) continue;
    await pow.store.delete(ns, recordKey(purpose, hash));
    await pow.store.delete(ns, indexKey(purpose, userId, hash));
    count += 1;
  }
  return count;
}

/** Revokes every extension token of a user (e.g. when the account is deleted). */
export async function revokeAllTokens(pow: TokenPow, userId: string | number): Promise<void> {
  for (const purpose of TOKEN_PURPOSES) await revokeTokens(pow, purpose, userId);
}

/** The id of a user record as the tokens store it. */
export function userIdOf(user: Pick<UserRecord, 'id'>): string {
  return String(user.id);
}

/** Every live record (any state) of the user for `purpose`, with its store hash. */
export async function listTokens(
  pow: TokenPow,
  purpose: TokenPurpose,
  userId: string | number,
): Promise<FoundToken[]> {
  const ns = tokenNamespace(pow);
  const found: FoundToken[] = [];
  for (const hash of await listTokenHashes(pow, purpose, userId)) {
    const record = await pow.store.get<TokenRecord>(ns, recordKey(purpose, hash));
    if (!record || record.purpose !== purpose || record.userType !== pow.userType) continue;
    if (record.expiresAt <= pow.clock()) continue;
    found.push({ hash, record });
  }
  return found;
}

/** Deletes one token by its store hash (from `listTokens`): a "sign out that browser" button. */
export async function deleteTokenHash(pow: TokenPow, found: FoundToken): Promise<void> {
  const ns = tokenNamespace(pow);
  await pow.store.delete(ns, recordKey(found.record.purpose, found.hash));
  await pow.store.delete(ns, indexKey(found.record.purpose, found.record.userId, found.hash));
}

/** Replaces the extra data of a live token (e.g. the session a remember-me token started). */
export async function updateTokenData(
  pow: TokenPow,
  purpose: TokenPurpose,
  token: unknown,
  data: Record<string, unknown>,
): Promise<void> {
  const found = await findToken(pow, purpose, token);
  if (!found) return;
  const ttl = remaining(pow, found.record);
  if (ttl <= 0) return;
  await pow.store.put(tokenNamespace(pow), recordKey(purpose, found.hash), { ...found.record, data }, ttl);
}
