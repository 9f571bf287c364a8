/**
 * Persistent sessions ("remember me", PowPersistentSession), hardened (security bar E1–E4):
 * - a 256-bit token, stored only as SHA-256, valid 30 days by default (the cookie's Max-Age should
 *   equal `maxAgeMs`); expiry is checked on the server from the record, whatever the cookie says;
 * - single-use rotation: using a token issues a new one and keeps the old one only as a `rotated`
 *   marker; requests racing with the rotation (several tabs) are let in without rotating again for
 *   `rememberMeGraceMs` (Pow issues #356/#435/#739);
 * - presenting a rotated-away token after the grace window is a theft signal: every persistent
 *   token of the user is revoked (and, by default, every session).
 * Unconfirmed users get none (checklist row 52).
 */
import type { UserRecord } from '../core/types.js';
import { runHooks, type ExtensionContext } from './context.js';
import { isConfirmed } from './email-confirmation.js';
import { consumeFound, createToken, deleteToken, findToken, revokeTokens, userIdOf } from './tokens.js';

export interface RememberMeToken {
  /** The cookie value (sign it in the cookie layer); never store or log it. */
  token: string;
  /** Cookie Max-Age, equal to the server-side validity. */
  maxAgeMs: number;
  expiresAt: number;
}

/** Issues a remember-me token for a user who just signed in with a password. Null for unconfirmed users. */
export async function issueRememberMe(
  ext: ExtensionContext,
  user: UserRecord,
  data?: Record<string, unknown>,
): Promise<RememberMeToken | null> {
  ext.require('persistent-session');
  if (!isConfirmed(ext, user)) return null;
  const ttlMs = ext.ttl.persistent_session;
  const { token, record } = await createToken(ext.pow, 'persistent_session', {
    userId: user.id,
    ttlMs,
    ...(data ? { data } : {}),
  });
  return { token, maxAgeMs: ttlMs, expiresAt: record.expiresAt };
}

export interface RememberMeUse {
  user: UserRecord;
  /**
   * The replacement token to set as the cookie, or null when this request raced with a rotation
   * (keep the cookie the other response sets; do not clear it).
   */
  next: RememberMeToken | null;
  /** Data given at issue time (e.g. session metadata), carried over to the new token. */
  data?: Record<string, unknown>;
}

/**
 * Signs a visitor in from a remember-me cookie: returns the user and a rotated token, or null
 * (unknown, expired, revoked, user gone or unconfirmed: clear the cookie). The caller starts a
 * fresh session; it must not count as a recent password entry.
 */
export async function useRememberMe(ext: ExtensionContext, token: unknown): Promise<RememberMeUse | null> {
  ext.require('persistent-session');
  const { pow } = ext;
  const found = await findToken(pow, 'persistent_session', token);
  if (!found) return null;
  const { record } = found;

  const loadUser = async (): Promise<UserRecord | null> => {
    const user = await pow.users.getBy({ id: record.uid });
    if (!user) {
      await revokeTokens(pow, 'persistent_session', record.userId);
      return null;
    }
    return isConfirmed(ext, user) ? user : null;
  };

  if (record.state === 'rotated') {
    const endedAt = record.endedAt ?? 0;
    if (pow.clock() - endedAt <= ext.rememberMeGraceMs) {
      const user = await loadUser();
      return user ? { user, next: null, ...(record.data ? { data: record.data } : {}) } : null;
    }
    // Replay of a token that was already exchanged: someone else may hold the successor.
    await revokeTokens(pow, 'persistent_session', record.userId);
    if (ext.options.revokeSessionsOnTheft !== false) await pow.sessions.revokeAll(record.uid);
    await runHooks(ext.hooks.onRememberMeTheft, record.uid, 'onRememberMeTheft');
    return null;
  }
  if (record.state !== 'active') return null;

  const user = await loadUser();
  if (!user) return null;
  const consumed = await consumeFound(pow, found, { keepAs: 'rotated' });
  if (!consumed) {
    // Another request is rotating this token right now: let this one in without a new token.
    return { user, next: null, ...(record.data ? { data: record.data } : {}) };
  }
  const next = await issueRememberMe(ext, user, record.data);
  return { user, next, ...(record.data ? { data: record.data } : {}) };
}

/** Sign-out: forgets this remember-me token (any state). */
export async function clearRememberMe(ext: ExtensionContext, token: unknown): Promise<void> {
  ext.require('persistent-session');
  await deleteToken(ext.pow, 'persistent_session', token);
}

/** Revokes every remember-me token of a user ("sign out everywhere", password change). */
export async function revokeRememberMe(ext: ExtensionContext, user: Pick<UserRecord, 'id'>): Promise<number> {
  return revokeTokens(ext.pow, 'persistent_session', userIdOf(user));
}
