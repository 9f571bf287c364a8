/**
 * Server-side sessions over a `Store`.
 *
 * Layout (namespaces are per user type, so an admin token is never found when loading users):
 * - `<userType>:session`       key `<encoded user id>:<session id>` → the session record.
 *   Keys start with the user id, so `all(prefix)` is the per-user index (list / revoke).
 *   TTL: until the idle or the absolute timeout, whichever comes first.
 * - `<userType>:session-token` key `tag` → pointer `{ rk, sid, issuedAt, expiresAt, supersededAt? }`.
 *   TTL: the absolute timeout, or the latest moment the token could still be renewed
 *   (issuedAt + renewAfter + idle), whichever is first.
 * - `<userType>:lock`          key `renew:<tag>` → renewal lock (`putIfAbsent`).
 *
 * Tokens: `<random>.<tag>`, 32 random bytes and tag = HMAC-SHA256(key, random), both base64url.
 * The key comes from the pow secret and the user type. Only the tag is stored (a keyed hash of
 * the random part, so a copy of the store neither signs anyone in nor allows guessing offline),
 * and a token whose tag does not verify is refused before any store call: a tampered or forged
 * cookie costs one HMAC, never a lookup. One HMAC is all a signed-in request computes (the
 * tag is also the store key), which is why the token carries it rather than the cookie layer
 * signing a separately hashed token.
 *
 * Timeouts are enforced from record timestamps (pow's clock) on every load, and by store TTLs.
 * Renewal: once a token is older than `renewAfterMs`, the first request to take the lock gets a
 * new token (same session record); the old token keeps working for `renewGraceMs` (parallel
 * requests and tabs stay signed in) and then stops.
 *
 * The user: the session record carries a copy of it (user-snapshot.ts), taken at sign-in and
 * whenever it is re-read, so a signed-in request reads no user row. The copy is re-read from the
 * database once it is older than `userRefreshMs` (default 1 min; 0 = on every request), and at
 * once on the next request after `refreshUser(userId)`, which pow calls itself when it writes a
 * user (account update, password set or reset, e-mail confirmation). Deleting a user and changing
 * a password end sessions outright (`revokeAll`, `revokeOthers`), so neither waits for the bound.
 */
import type {
  LoadedSession,
  SessionMeta,
  SessionOperations,
  SessionRecord,
  Store,
  UserOperations,
  UserRecord,
} from './types.js';
import { snapshotOf, userOf, type UserSnapshot } from './user-snapshot.js';
import { equalAt, hmacSha256Base64url, randomToken } from './crypto.js';
import { copyJson } from './json-values.js';
import { SESSION_NAMESPACE_SUFFIX } from './listed-keys.js';

export interface ResolvedTimeouts {
  idleMs: number;
  absoluteMs: number;
  renewAfterMs: number;
  renewGraceMs: number;
  /** How old the copy of the user in a session may get before a request re-reads it; 0 = never copy. */
  userRefreshMs: number;
  /** How recent a sign-in must be to confirm a step that needs one (see SessionTimeouts). */
  reauthenticateMs: number;
}

/**
 * Key in a session's `data` of the time of the sign-in that began it (the HTTP layer sets it on a
 * sign-in and carries it over when it rotates a session; a remember-me restore has none).
 */
export const SIGNED_IN_AT = 'signedInAt';

export const DEFAULT_TIMEOUTS: ResolvedTimeouts = {
  idleMs: 30 * 60_000,
  absoluteMs: 14 * 24 * 60 * 60_000,
  renewAfterMs: 15 * 60_000,
  renewGraceMs: 60_000,
  userRefreshMs: 60_000,
  reauthenticateMs: 10 * 60_000,
};

interface TokenPointer {
  /** Store key of the session record. */
  rk: string;
  sid: string;
  issuedAt: number;
  expiresAt: number;
  /** Set when this token was renewed away: valid until supersededAt + renewGraceMs. */
  supersededAt?: number;
}

interface StoredSession extends SessionRecord {
  /** The user's primary key as the database has it (number or string). */
  uid: string | number;
  /** The copy of the user (see the header), and when it was read (pow's clock). */
  u?: UserSnapshot;
  ua?: number;
}

export interface SessionContext {
  store: Store;
  /** HMAC key of the token tags (derived from the pow secret, per user type), asked for on first use. */
  tokenKey: () => Buffer;
  userType: string;
  timeouts: ResolvedTimeouts;
  clock: () => number;
  users: Pick<UserOperations, 'getBy'>;
}

const MAX_META_LENGTH = 512;
const RANDOM_LENGTH = 43; // base64url of 32 bytes
const TOKEN_LENGTH = RANDOM_LENGTH * 2 + 1; // <random>.<tag>
const LOCK_TTL_MS = 30_000;

export function sessionNamespaces(userType: string) {
  return {
    // Every key of it is listed per user (listed-keys.ts).
    sessions: `${userType}${SESSION_NAMESPACE_SUFFIX}`,
    tokens: `${userType}:session-token`,
    locks: `${userType}:lock`,
  };
}

/** Prefix of a user's session record keys: the per-user index. */
export function userKeyPrefix(userId: string | number): string {
  return `${encodeURIComponent(String(userId))}:`;
}

function clip(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, MAX_META_LENGTH) : undefined;
}

/**
 * The caller's view of a stored session (no `uid`). Stores hand out fresh objects on every read,
 * so `data` is not copied again, unless the record is the store's own (`peekLinked`, `shared`):
 * the caller may change its session's data. Fields are listed out because this runs on every
 * request.
 */
function publicRecord(
  stored: Readonly<StoredSession>,
  issuedAt: number = stored.issuedAt,
  shared = false,
): SessionRecord {
  const record: SessionRecord = {
    id: stored.id,
    userId: stored.userId,
    userType: stored.userType,
    createdAt: stored.createdAt,
    lastSeenAt: stored.lastSeenAt,
    issuedAt,
    data: shared ? copyJson(stored.data ?? {}) : (stored.data ?? {}),
  };
  if (stored.ip !== undefined) record.ip = stored.ip;
  if (stored.userAgent !== undefined) record.userAgent = stored.userAgent;
  return record;
}

export function createSessionOperations(ctx: SessionContext): SessionOperations {
  const { store, userType, timeouts, clock, users } = ctx;
  const ns = sessionNamespaces(userType);
  // Built on first use: the secret may come from an environment the app loads after importing pow.
  let tag: ((value: string) => string) | undefined;
  const tagOf = (value: string): string => (tag ??= hmacSha256Base64url(ctx.tokenKey()))(value);

  /**
   * The store key (tag) of a well-formed token whose tag verifies, else null: checked before any
   * store call. Constant-time comparison.
   */
  const storeKeyOf = (token: unknown): string | null =>
    typeof token === 'string' &&
    token.length === TOKEN_LENGTH &&
    token.charCodeAt(RANDOM_LENGTH) === 46 /* . */ &&
    equalAt(tagOf(token.slice(0, RANDOM_LENGTH)), token, RANDOM_LENGTH + 1)
      ? token.slice(RANDOM_LENGTH + 1)
      : null;
  // How stale lastSeenAt may get before a load writes it back (bounds writes per session).
  const touchEveryMs = Math.max(1000, Math.min(60_000, Math.floor(timeouts.idleMs / 10)));

  const sessionEnd = (s: StoredSession) =>
    Math.min(s.lastSeenAt + timeouts.idleMs, s.createdAt + timeouts.absoluteMs);
  const tokenEnd = (s: StoredSession, issuedAt: number) =>
    Math.min(s.createdAt + timeouts.absoluteMs, issuedAt + timeouts.renewAfterMs + timeouts.idleMs);

  async function putSession(rk: string, s: StoredSession, now: number): Promise<boolean> {
    const ttl = sessionEnd(s) - now;
    if (ttl <= 0) return false;
    await store.put(ns.sessions, rk, s, ttl);
    return true;
  }

  async function putPointer(hash: string, pointer: TokenPointer, now: number): Promise<void> {
    const ttl = pointer.expiresAt - now;
    if (ttl > 0) await store.put(ns.tokens, hash, pointer, ttl);
    else await store.delete(ns.tokens, hash);
  }

  async function issueToken(rk: string, s: StoredSession, now: number): Promise<string> {
    const random = randomToken(32);
    const tag = tagOf(random);
    await putPointer(tag, { rk, sid: s.id, issuedAt: now, expiresAt: tokenEnd(s, now) }, now);
    return `${random}.${tag}`;
  }

  /** False once the token is past its end, or past its grace period after a renewal. */
  const pointerLive = (pointer: TokenPointer, now: number): boolean =>
    now < pointer.expiresAt &&
    (pointer.supersededAt === undefined || now < pointer.supersededAt + timeouts.renewGraceMs);

  /** The pointer for a token if the token is well-formed, known and not past its grace period. */
  async function resolve(token: string): Promise<{ hash: string; pointer: TokenPointer } | null> {
    const hash = storeKeyOf(token);
    if (hash === null) return null;
    const pointer = await store.get<TokenPointer>(ns.tokens, hash);
    if (!pointer || typeof pointer.rk !== 'string') return null;
    if (!pointerLive(pointer, clock())) {
      await store.delete(ns.tokens, hash);
      return null;
    }
    return { hash, pointer };
  }

  function expired(s: StoredSession, now: number): boolean {
    return now - s.lastSeenAt >= timeouts.idleMs || now - s.createdAt >= timeouts.absoluteMs;
  }

  async function liveRecords(userId: string | number): Promise<Array<{ key: string; value: StoredSession }>> {
    const now = clock();
    const rows = await store.all<StoredSession>(ns.sessions, userKeyPrefix(userId));
    return rows.filter((row) => row.value && row.value.userType === userType && !expired(row.value, now));
  }

  /**
   * `load`, answered synchronously when nothing needs a round trip: a store that lives in the
   * process (`peekLinked`), a copy of the user that is still fresh, no renewal and no touch due.
   * That is every signed-in request on the memory store but one a minute; the rest (and every
   * other store) takes the promise path. One set of rules for both: `settle` decides, and
   * `settleWithWrites` does whatever needs the store or the user table.
   */
  function loadNow(token: string): LoadedSession | null | Promise<LoadedSession | null> {
    const hash = storeKeyOf(token);
    if (hash === null) return null;
    // Token pointer and session record: synchronously in memory (the stored values themselves,
    // frozen: copied before anything in them changes), in one round trip where the store can
    // follow the pointer itself (Redis: one script), else two reads.
    if (store.peekLinked) {
      const [pointer, stored] = store.peekLinked<TokenPointer, StoredSession>(
        ns.tokens,
        hash,
        'rk',
        ns.sessions,
      );
      return settle(hash, pointer, stored, true);
    }
    if (store.getNow) {
      const pointer = store.getNow<TokenPointer>(ns.tokens, hash);
      const stored =
        pointer && typeof pointer.rk === 'string'
          ? store.getNow<StoredSession>(ns.sessions, pointer.rk)
          : null;
      return settle(hash, pointer, stored, false);
    }
    return readPair(hash).then(([pointer, stored]) => settle(hash, pointer, stored, false));
  }

  async function readPair(hash: string): Promise<[TokenPointer | null, StoredSession | null]> {
    if (store.getLinked)
      return store.getLinked<TokenPointer, StoredSession>(ns.tokens, hash, 'rk', ns.sessions);
    const pointer = await store.get<TokenPointer>(ns.tokens, hash);
    const stored =
      pointer && typeof pointer.rk === 'string'
        ? await store.get<StoredSession>(ns.sessions, pointer.rk)
        : null;
    return [pointer, stored];
  }

  /**
   * The checks of a load, in order. `shared`: the records are the store's own (frozen), so the
   * session record is copied before it is written back and its data copied for the caller.
   */
  function settle(
    hash: string,
    pointer: Readonly<TokenPointer> | null,
    stored: Readonly<StoredSession> | null,
    shared: boolean,
  ): LoadedSession | null | Promise<LoadedSession | null> {
    if (!pointer || typeof pointer.rk !== 'string') return null;
    const now = clock();
    if (!pointerLive(pointer, now)) return store.delete(ns.tokens, hash).then(() => null);
    if (!stored || stored.id !== pointer.sid || stored.userType !== userType)
      return store.delete(ns.tokens, hash).then(() => null);
    if (expired(stored, now)) return dropSession(hash, pointer.rk);
    // The copy of the user while it is fresh, else one read of the row (see the header).
    const user =
      stored.u !== undefined && now - (stored.ua ?? 0) < timeouts.userRefreshMs ? userOf(stored.u) : null;
    const renewDue = pointer.supersededAt === undefined && now - pointer.issuedAt >= timeouts.renewAfterMs;
    if (user === null || renewDue || now - stored.lastSeenAt >= touchEveryMs)
      // Only top-level fields of the record change there (the copy of the user is replaced whole).
      return settleWithWrites(
        hash,
        pointer,
        shared ? { ...stored } : (stored as StoredSession),
        user,
        now,
        shared,
      );
    return { session: publicRecord(stored, pointer.issuedAt, shared), user };
  }

  async function dropSession(hash: string, rk: string): Promise<null> {
    await Promise.all([store.delete(ns.sessions, rk), store.delete(ns.tokens, hash)]);
    return null;
  }

  /** The part of a load that reads the user row, renews the token or writes the record back. */
  async function settleWithWrites(
    hash: string,
    pointer: Readonly<TokenPointer>,
    stored: StoredSession,
    fresh: UserRecord | null,
    now: number,
    shared: boolean,
  ): Promise<LoadedSession | null> {
    let user = fresh;
    let copied = false;
    if (user === null) {
      user = await users.getBy({ id: stored.uid });
      if (!user) return dropSession(hash, pointer.rk);
      const snapshot = timeouts.userRefreshMs > 0 ? snapshotOf(user) : null;
      if (snapshot) {
        stored.u = snapshot;
        stored.ua = now;
        copied = true;
      } else if (stored.u !== undefined) {
        delete stored.u;
        delete stored.ua;
        copied = true;
      }
    }
    let renewedToken: string | undefined;
    let issuedAt = pointer.issuedAt;
    if (pointer.supersededAt === undefined && now - pointer.issuedAt >= timeouts.renewAfterMs) {
      // Only one of several parallel requests renews; the others carry on with the old token.
      if (await store.putIfAbsent(ns.locks, `renew:${hash}`, now, LOCK_TTL_MS)) {
        stored.lastSeenAt = now;
        renewedToken = await issueToken(pointer.rk, stored, now);
        issuedAt = now;
        if (timeouts.renewGraceMs > 0) {
          await putPointer(
            hash,
            {
              ...pointer,
              supersededAt: now,
              expiresAt: Math.min(pointer.expiresAt, now + timeouts.renewGraceMs),
            },
            now,
          );
        } else {
          await store.delete(ns.tokens, hash);
        }
      }
    }
    if (renewedToken !== undefined || copied || now - stored.lastSeenAt >= touchEveryMs) {
      stored.lastSeenAt = now;
      stored.issuedAt = issuedAt;
      await putSession(pointer.rk, stored, now);
    }
    // `stored` is a shallow copy when shared: its data is still the store's.
    const result: LoadedSession = { session: publicRecord(stored, issuedAt, shared), user };
    if (renewedToken !== undefined) result.renewedToken = renewedToken;
    return result;
  }

  return {
    isGenuine(token: string): boolean {
      return storeKeyOf(token) !== null;
    },

    reauthenticateMs: timeouts.reauthenticateMs,

    signedInRecently(session: SessionRecord): boolean {
      const at = session.data?.[SIGNED_IN_AT];
      return typeof at === 'number' && clock() - at <= timeouts.reauthenticateMs;
    },

    async create(user: UserRecord, meta: SessionMeta = {}) {
      if (!user || (typeof user.id !== 'string' && typeof user.id !== 'number')) {
        throw new TypeError('pow sessions.create: user must be a record with an id');
      }
      const now = clock();
      const id = randomToken(16);
      const stored: StoredSession = {
        id,
        userId: String(user.id),
        userType,
        createdAt: now,
        lastSeenAt: now,
        issuedAt: now,
        ip: clip(meta.ip),
        userAgent: clip(meta.userAgent),
        data: {},
        uid: user.id,
      };
      if (stored.ip === undefined) delete stored.ip;
      if (stored.userAgent === undefined) delete stored.userAgent;
      if (meta.data) stored.data = { ...meta.data };
      const snapshot = timeouts.userRefreshMs > 0 ? snapshotOf(user) : null;
      if (snapshot) {
        stored.u = snapshot;
        stored.ua = now;
      }
      const rk = userKeyPrefix(user.id) + id;
      await putSession(rk, stored, now);
      const token = await issueToken(rk, stored, now);
      return { token, session: publicRecord(stored) };
    },

    load(token: string): Promise<LoadedSession | null> {
      try {
        const loaded = loadNow(token);
        return loaded instanceof Promise ? loaded : Promise.resolve(loaded);
      } catch (error) {
        return Promise.reject(error);
      }
    },

    loadNow,

    async save(token: string, session: SessionRecord): Promise<void> {
      const resolved = await resolve(token);
      if (!resolved) return;
      const stored = await store.get<StoredSession>(ns.sessions, resolved.pointer.rk);
      // Never resurrect a session that was deleted meanwhile; only `data` comes from the caller.
      if (!stored || stored.id !== resolved.pointer.sid) return;
      const now = clock();
      if (expired(stored, now)) return;
      stored.data = { ...(session?.data ?? {}) };
      await putSession(resolved.pointer.rk, stored, now);
    },

    async delete(token: string): Promise<void> {
      const hash = storeKeyOf(token);
      if (hash === null) return;
      const pointer = await store.get<TokenPointer>(ns.tokens, hash);
      if (pointer && typeof pointer.rk === 'string') await store.delete(ns.sessions, pointer.rk);
      await store.delete(ns.tokens, hash);
    },

    async list(userId: string | number): Promise<SessionRecord[]> {
      const rows = await liveRecords(userId);
      return rows.map((row) => publicRecord(row.value)).sort((a, b) => a.createdAt - b.createdAt);
    },

    async revoke(userId: string | number, sessionId: string): Promise<void> {
      if (typeof sessionId !== 'string' || sessionId.length === 0) return;
      await store.delete(ns.sessions, userKeyPrefix(userId) + sessionId);
    },

    async revokeOthers(userId: string | number, keepToken: string): Promise<void> {
      const resolved = await resolve(keepToken);
      const keep = resolved?.pointer.rk;
      const rows = await store.all<StoredSession>(ns.sessions, userKeyPrefix(userId));
      await Promise.all(
        rows.filter((row) => row.key !== keep).map((row) => store.delete(ns.sessions, row.key)),
      );
    },

    async refreshUser(userId: string | number): Promise<void> {
      const now = clock();
      const rows = await store.all<StoredSession>(ns.sessions, userKeyPrefix(userId));
      await Promise.all(
        rows
          .filter((row) => row.value && row.value.u !== undefined)
          .map((row) => {
            delete row.value.u;
            delete row.value.ua;
            return putSession(row.key, row.value, now);
          }),
      );
    },

    async revokeAll(userId: string | number): Promise<void> {
      const rows = await store.all<StoredSession>(ns.sessions, userKeyPrefix(userId));
      await Promise.all(rows.map((row) => store.delete(ns.sessions, row.key)));
    },
  };
}
