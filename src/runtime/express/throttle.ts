/**
 * Sign-in throttling with counters in the pow store, so every app instance on the same store
 * shares them (security bar C5–C8).
 *
 * - Per account (normalised identifier, hashed before it reaches the store): after
 *   `maxFailuresPerAccount` failures within a window the account is temporarily locked. The
 *   locked response is the wrong-password response (same message, same status, one password
 *   verify of the same cost), so a lock tells an attacker nothing.
 * - Per source address (IPv6 grouped by /64): after `maxFailuresPerAddress` failures the
 *   address gets 429 with Retry-After.
 *
 * Count first, then verify, clear on success: every attempt is counted atomically
 * (`Store.increment`) before its password is verified, so parallel guesses cannot slip past a
 * read-then-write gap; only attempts within the limits are verified. Windows are fixed: the
 * first attempt creates the counter with a TTL of `windowMs` and the lock lifts when it expires
 * (by pow's clock for the memory and Prisma stores; Redis TTLs are real time), so a lock always
 * lifts on its own. A successful sign-in clears the account counter and hands the address its
 * attempt back; a password reset clears the account (`clearAccount`).
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { Store } from '../core/types.js';
import type { ThrottleOptions } from './types.js';

export const THROTTLE_NAMESPACE = 'pow:throttle';

export interface ResolvedThrottle {
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  windowMs: number;
}

export const DEFAULT_THROTTLE: ResolvedThrottle = {
  maxFailuresPerAccount: 10,
  maxFailuresPerAddress: 50,
  windowMs: 15 * 60_000,
};

export function resolveThrottleOptions(options: ThrottleOptions = {}): ResolvedThrottle {
  const out = { ...DEFAULT_THROTTLE };
  for (const key of ['maxFailuresPerAccount', 'maxFailuresPerAddress', 'windowMs'] as const) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new TypeError(`pow: throttle.${key} must be a positive integer (got ${String(value)})`);
    }
    out[key] = value;
  }
  return out;
}

export type ThrottleVerdict =
  | { allowed: true }
  | { allowed: false; reason: 'account' }
  | { allowed: false; reason: 'address'; retryAfterSeconds: number };

/** Trimmed, NFKC, lower-cased: " Alice@Example.COM " and "alice@example.com" are one account. */
export function normalizeIdentifier(identifier: unknown): string {
  return typeof identifier === 'string' ? identifier.normalize('NFKC').trim().toLowerCase() : '';
}

/** IPv4 as is; IPv4-mapped IPv6 as IPv4; other IPv6 by its /64 prefix (one host's usual range). */
export function normalizeAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  let value = address.trim().toLowerCase();
  const zone = value.indexOf('%');
  if (zone !== -1) value = value.slice(0, zone);
  if (value.startsWith('::ffff:') && isIP(value.slice(7)) === 4) return value.slice(7);
  if (isIP(value) !== 6) return value.slice(0, 64);
  return `${expandIPv6(value).slice(0, 4).join(':')}::/64`;
}

function expandIPv6(address: string): string[] {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  // An embedded IPv4 tail counts as two groups.
  const groups = (parts: string[]) =>
    parts.flatMap((part) => {
      if (part.includes('.')) {
        const [a, b, c, d] = part.split('.').map(Number);
        return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
      }
      return [part];
    });
  const h = groups(headParts);
  const t = groups(tailParts);
  const missing = tail === undefined ? 0 : 8 - h.length - t.length;
  return [...h, ...Array<string>(Math.max(0, missing)).fill('0'), ...t].map((g) =>
    (g || '0').replace(/^0+(?=.)/, ''),
  );
}

export interface Throttle {
  readonly options: ResolvedThrottle;
  /**
   * Counts one sign-in attempt, before any password is verified, and says whether it may be
   * verified. The counts are atomic store increments (`Store.increment`), so parallel attempts
   * each get their own number: exactly `maxFailuresPerAddress` attempts per address and
   * `maxFailuresPerAccount` per account are verified within a window, however many arrive at
   * once. The address is counted first; an attempt refused by its address is not counted
   * against the account. Attempts on a locked account keep counting but never extend the lock
   * (the window is fixed when the counter is created).
   */
  attempt(identifier: string, address: string): Promise<ThrottleVerdict>;
  /**
   * A verified attempt succeeded: clears the account's failures and gives the address its attempt
   * back (`Store.decrement`), so the address limit counts failures (and attempts in flight).
   */
  succeeded(identifier: string, address: string): Promise<void>;
  /** Clears the account's failures (password reset). */
  clearAccount(identifier: string): Promise<void>;
}

export function createThrottle(
  store: Store,
  userType: string,
  clock: () => number,
  options: ResolvedThrottle,
): Throttle {
  const { maxFailuresPerAccount, maxFailuresPerAddress, windowMs } = options;
  const accountKey = (identifier: string) =>
    `${userType}:account:${createHash('sha256').update(normalizeIdentifier(identifier)).digest('base64url')}`;
  const addressKey = (address: string) => `${userType}:address:${normalizeAddress(address)}`;

  /** The attempt's number within the window (1 for the first). */
  const count = async (key: string): Promise<number> => {
    const n = await store.increment(THROTTLE_NAMESPACE, key, windowMs);
    // Remember when the window started, for Retry-After.
    if (n === 1) await store.put(THROTTLE_NAMESPACE, `${key}:since`, clock(), windowMs);
    return n;
  };

  const retryAfter = async (key: string): Promise<number> => {
    const since = Number(await store.get<unknown>(THROTTLE_NAMESPACE, `${key}:since`));
    const remaining = Number.isFinite(since) && since > 0 ? since + windowMs - clock() : windowMs;
    return Math.max(1, Math.ceil(Math.min(windowMs, remaining) / 1000));
  };

  const clearAccount = async (identifier: string) => {
    const key = accountKey(identifier);
    await Promise.all([
      store.delete(THROTTLE_NAMESPACE, key),
      store.delete(THROTTLE_NAMESPACE, `${key}:since`),
    ]);
  };

  return {
    options,
    async attempt(identifier, address) {
      const aKey = addressKey(address);
      if ((await count(aKey)) > maxFailuresPerAddress) {
        return { allowed: false, reason: 'address', retryAfterSeconds: await retryAfter(aKey) };
      }
      if ((await count(accountKey(identifier))) > maxFailuresPerAccount) {
        return { allowed: false, reason: 'account' };
      }
      return { allowed: true };
    },
    async succeeded(identifier, address) {
      await Promise.all([
        clearAccount(identifier),
        store.decrement?.(THROTTLE_NAMESPACE, addressKey(address)),
      ]);
    },
    clearAccount,
  };
}
