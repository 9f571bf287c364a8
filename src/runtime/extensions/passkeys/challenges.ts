/**
 * WebAuthn challenges, kept in pow's store (never in the page or a cookie), bound to one browser
 * and used at most once:
 *
 * - A challenge is stored under the browser's binding (a random id in a signed cookie of its own,
 *   express/passkeys.ts; for a second step, the pending sign-in's token) and the ceremony it is
 *   for (`register`, `sign-in` or `second-factor`), with the user it was issued to for a
 *   registration or a second step. A response from another browser finds no challenge.
 * - It lives `ttlMs` (default 5 minutes); an older one is gone from the store.
 * - Taking it claims it first with `putIfAbsent` (atomic on every store), so of two requests that
 *   present the same response only one gets the challenge; then the record is deleted.
 * - Only a hash of the binding reaches the store.
 */
import { randomToken, sha256Hex } from '../../core/crypto.js';
import type { Pow } from '../../core/types.js';

/** `second-factor`: a passkey of the pending user after their password (two-factor's second step). */
export type Ceremony = 'register' | 'sign-in' | 'second-factor';

/** How long a browser has to answer a challenge (the authenticator prompt included). */
export const DEFAULT_CHALLENGE_TTL_MS = 5 * 60_000;

interface ChallengeRecord {
  challenge: string;
  userId: string | null;
  expiresAt: number;
}

type ChallengePow = Pick<Pow, 'store' | 'userType' | 'clock'>;

function namespace(pow: ChallengePow): string {
  return `${pow.userType}:passkey-challenges`;
}

function recordKey(ceremony: Ceremony, binding: string): string {
  return `${ceremony}:${sha256Hex(binding)}`;
}

/** A fresh challenge for this browser and ceremony, replacing any earlier one it had. */
export async function issueChallenge(
  pow: ChallengePow,
  binding: string,
  ceremony: Ceremony,
  userId: string | number | null,
  ttlMs: number = DEFAULT_CHALLENGE_TTL_MS,
): Promise<string> {
  const challenge = randomToken(32);
  const record: ChallengeRecord = {
    challenge,
    userId: userId === null ? null : String(userId),
    expiresAt: pow.clock() + ttlMs,
  };
  await pow.store.put(namespace(pow), recordKey(ceremony, binding), record, ttlMs);
  return challenge;
}

/**
 * The browser's pending challenge for `ceremony`, claimed for this request only; null when there
 * is none, it expired, it was issued to another user, or another request claimed it first.
 */
export async function takeChallenge(
  pow: ChallengePow,
  binding: string,
  ceremony: Ceremony,
  userId: string | number | null,
): Promise<string | null> {
  const ns = namespace(pow);
  const key = recordKey(ceremony, binding);
  const record = await pow.store.get<ChallengeRecord>(ns, key);
  if (!record || typeof record.challenge !== 'string') return null;
  const now = pow.clock();
  if (record.expiresAt <= now) return null;
  const claimed = await pow.store.putIfAbsent(
    ns,
    `used:${sha256Hex(record.challenge)}`,
    1,
    Math.max(1, record.expiresAt - now),
  );
  if (!claimed) return null;
  await pow.store.delete(ns, key);
  if (record.userId !== (userId === null ? null : String(userId))) return null;
  return record.challenge;
}
