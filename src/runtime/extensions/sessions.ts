/**
 * The `sessions` extension ("where you're signed in"): the user's live sessions and remember-me
 * tokens as a list a page can show, and their revocation.
 *
 * - Sessions come from the session store's per-user index (core/sessions.ts `list`/`revoke`);
 *   their public id is the session id, never the token.
 * - Remember-me tokens (persistent-session) come from the token index (tokens.ts `listTokens`).
 *   Their public id is a hash of the store key, so the page never shows anything that could be
 *   looked up in the store, let alone the token. A token records the session it started (`sid`),
 *   so revoking a session also revokes the token that would sign that browser straight back in.
 * - Browser and OS are parsed from the user agent the session or token recorded at sign-in
 *   (bowser); nothing else about the device is kept.
 */
import Bowser from 'bowser';
import { sha256Hex } from '../core/crypto.js';
import type { Pow, SessionRecord } from '../core/types.js';
import { deleteTokenHash, listTokens, revokeTokens, type FoundToken } from './tokens.js';

/** Browser and operating system read from a user agent; null where the agent does not say. */
export interface DeviceDescription {
  browser: string | null;
  os: string | null;
}

/** One live session, as the sessions page shows it. */
export interface DeviceSession extends DeviceDescription {
  /** The session id (public; revoking needs the owner's own signed-in session). */
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** True for the session of the request that asked ("this device"). */
  current: boolean;
}

/** One live remember-me token ("keep me logged in"), as the sessions page shows it. */
export interface RememberedDevice extends DeviceDescription {
  /** A hash of the token's store key: names the token, cannot be used to find or present it. */
  id: string;
  createdAt: Date;
  expiresAt: Date;
  /** True for the token of the request's own remember-me cookie. */
  current: boolean;
}

export interface DeviceList {
  sessions: DeviceSession[];
  /** Empty when persistent-session is off. */
  rememberMe: RememberedDevice[];
}

/** The longest user agent kept with a remember-me token (sessions clip theirs the same way). */
const MAX_USER_AGENT_LENGTH = 512;

/** Browser and OS of a user agent, e.g. { browser: "Chrome 130", os: "Linux" }. */
export function describeUserAgent(userAgent: string | undefined | null): DeviceDescription {
  if (typeof userAgent !== 'string' || userAgent.trim() === '') return { browser: null, os: null };
  const parsed = Bowser.parse(userAgent.slice(0, MAX_USER_AGENT_LENGTH));
  const major = parsed.browser.version?.split('.')[0];
  const browser = parsed.browser.name ? `${parsed.browser.name}${major ? ` ${major}` : ''}` : null;
  const os = parsed.os.name
    ? `${parsed.os.name}${parsed.os.versionName ? ` ${parsed.os.versionName}` : ''}`
    : null;
  return { browser, os };
}

/** What a remember-me token keeps about the browser it was issued to (no secret). */
export function rememberMeData(
  userAgent: string | undefined,
  sessionId: string | undefined,
): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  if (typeof userAgent === 'string' && userAgent !== '')
    data.userAgent = userAgent.slice(0, MAX_USER_AGENT_LENGTH);
  if (typeof sessionId === 'string' && sessionId !== '') data.sid = sessionId;
  return data;
}

/** The public id of a remember-me token: a hash of its store hash, so it names nothing in the store. */
export function rememberedDeviceId(storeHash: string): string {
  return sha256Hex(`remembered-device:${storeHash}`).slice(0, 32);
}

type SessionsPow = Pick<Pow, 'sessions' | 'store' | 'clock' | 'userType' | 'extensions'>;

function rememberMeOn(pow: SessionsPow): boolean {
  return pow.extensions.includes('persistent-session');
}

async function activeRememberMe(pow: SessionsPow, userId: string | number): Promise<FoundToken[]> {
  if (!rememberMeOn(pow)) return [];
  const tokens = await listTokens(pow, 'persistent_session', userId);
  return tokens.filter((found) => found.record.state === 'active');
}

function describeSession(session: SessionRecord, currentId: string | null): DeviceSession {
  return {
    id: session.id,
    ...describeUserAgent(session.userAgent),
    createdAt: new Date(session.createdAt),
    lastSeenAt: new Date(session.lastSeenAt),
    current: session.id === currentId,
  };
}

/**
 * The user's live sessions (this one first, then the most recently seen) and remember-me tokens
 * (newest first). `currentRememberHash` is the store hash of this browser's remember-me token.
 */
export async function listDevices(
  pow: SessionsPow,
  userId: string | number,
  current: { sessionId: string | null; rememberHash: string | null },
): Promise<DeviceList> {
  const sessions = (await pow.sessions.list(userId))
    .map((session) => describeSession(session, current.sessionId))
    .sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt.getTime() - a.lastSeenAt.getTime());
  const rememberMe = (await activeRememberMe(pow, userId))
    .map(({ hash, record }) => ({
      id: rememberedDeviceId(hash),
      ...describeUserAgent(typeof record.data?.userAgent === 'string' ? record.data.userAgent : null),
      createdAt: new Date(record.createdAt),
      expiresAt: new Date(record.expiresAt),
      current: hash === current.rememberHash,
    }))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  return { sessions, rememberMe };
}

/**
 * Ends one session of the user, and the remember-me token that started it (else that browser
 * would be signed straight back in). False when the id is not a live session of this user.
 */
export async function revokeDeviceSession(
  pow: SessionsPow,
  userId: string | number,
  sessionId: unknown,
): Promise<boolean> {
  if (typeof sessionId !== 'string' || sessionId === '') return false;
  const live = await pow.sessions.list(userId);
  if (!live.some((session) => session.id === sessionId)) return false;
  await pow.sessions.revoke(userId, sessionId);
  for (const found of await activeRememberMe(pow, userId)) {
    if (found.record.data?.sid === sessionId) await deleteTokenHash(pow, found);
  }
  return true;
}

/** Revokes one remember-me token by its public id. False when no live token of the user has it. */
export async function revokeRememberedDevice(
  pow: SessionsPow,
  userId: string | number,
  deviceId: unknown,
): Promise<boolean> {
  if (typeof deviceId !== 'string' || deviceId === '' || !rememberMeOn(pow)) return false;
  const found = (await listTokens(pow, 'persistent_session', userId)).find(
    (candidate) => rememberedDeviceId(candidate.hash) === deviceId,
  );
  if (!found) return false;
  await deleteTokenHash(pow, found);
  return true;
}

/**
 * Signs every other browser out: every session but the one holding `keepToken`, and every
 * remember-me token but `keepRememberToken` (this browser's own, when it has one).
 */
export async function revokeOtherDevices(
  pow: SessionsPow,
  userId: string | number,
  keepToken: string,
  keepRememberToken: string | undefined,
): Promise<void> {
  await pow.sessions.revokeOthers(userId, keepToken);
  if (rememberMeOn(pow)) {
    await revokeTokens(
      pow,
      'persistent_session',
      userId,
      keepRememberToken === undefined ? {} : { exceptToken: keepRememberToken },
    );
  }
}
