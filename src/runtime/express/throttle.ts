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
 * Windows are fixed: the first failure creates the counter with a TTL of `windowMs`
 * (`Store.increment`) and the lock lifts when it expires (by pow's clock for the memory and
 * Prisma stores; Redis TTLs are real time). Failures while locked do not extend an account lock,
 * so a lock always lifts on its own. A successful sign-in clears the account counter; so can
 * a password reset (`clearAccount`).
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
  check(identifier: string, address: string): Promise<ThrottleVerdict>;
  /** Records one failed sign-in; `accountLocked` skips the account counter (a lock never extends itself). */
  recordFailure(identifier: string, address: string, accountLocked?: boolean): Promise<void>;
  /** Clears the account's failures (successful sign-in, password reset). */
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

  const count = async (key: string): Promise<number> => {
    const value = await store.get<unknown>(THROTTLE_NAMESPACE, key);
    const n = Number(value);
    return Number.isFinite(n) ? n : 0;
  };

  const bump = async (key: string): Promise<void> => {
    const n = await store.increment(THROTTLE_NAMESPACE, key, windowMs);
    // Remember when the window started, for Retry-After.
    if (n === 1) await store.put(THROTTLE_NAMESPACE, `${key}:since`, clock(), windowMs);
  };

  const retryAfter = async (key: string): Promise<number> => {
    const since = Number(await store.get<unknown>(THROTTLE_NAMESPACE, `${key}:since`));
    const remaining = Number.isFinite(since) && since > 0 ? since + windowMs - clock() : windowMs;
    return Math.max(1, Math.ceil(Math.min(windowMs, remaining) / 1000));
  };

  return {
    options,
    async check(identifier, address) {
      const aKey = addressKey(address);
      const [byAddress, byAccount] = await Promise.all([count(aKey), count(accountKey(identifier))]);
      if (byAddress >= maxFailuresPerAddress) {
        return { allowed: false, reason: 'address', retryAfterSeconds: await retryAfter(aKey) };
      }
      if (byAccount >= maxFailuresPerAccount) return { allowed: false, reason: 'account' };
      return { allowed: true };
    },
    async recordFailure(identifier, address, accountLocked = false) {
      await Promise.all([
        bump(addressKey(address)),
        accountLocked ? undefined : bump(accountKey(identifier)),
      ]);
    },
    async clearAccount(identifier) {
      const key = accountKey(identifier);
      await Promise.all([
        store.delete(THROTTLE_NAMESPACE, key),
        store.delete(THROTTLE_NAMESPACE, `${key}:since`),
      ]);
    },
  };
}
