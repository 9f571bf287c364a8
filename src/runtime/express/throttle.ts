/**
 * Sign-in throttling (security bar C5–C8) on pow's one rate limiter (core/rate-limit.ts), so
 * every app instance on the same store shares the counters.
 *
 * - Per account: after `signInFailuresPerAccount.max` failures within its window the account is
 *   temporarily locked. The account is the identifier as the lookup normalises it
 *   (`normalizeUserId` of each user id field: the one normalisation of lookup, uniqueness and
 *   throttle keys), so "+49 30 1234", "+49-30-1234" and "+49301234" count against one phone
 *   number (issue 16, defect 2). The locked response has the wrong-password status and one
 *   password verify of the same cost; its message says the sign-in is paused and what to do
 *   (wait, or reset the password). Unknown identifiers are counted and locked alike, so the
 *   message tells nothing about whether an account exists.
 * - Per source address (IPv6 grouped by /64): after `signInFailuresPerAddress.max` failures the
 *   address gets 429 with Retry-After.
 *
 * Every attempt is counted before its password is verified (count first, then verify), so
 * parallel guesses cannot slip past the limits. Attempts while locked do not extend an account
 * lock (fixed windows), so a lock always lifts on its own. A successful sign-in clears the account
 * counter and hands the address its attempt back; a password reset clears the account too.
 */
import { isIP } from 'node:net';
import { normalizeUserId } from '../core/validation.js';
import {
  resolveRateLimits,
  type RateLimitOptions,
  type RateLimiter,
  type RateLimits,
} from '../core/rate-limit.js';
import type { PowExpressOptions } from './types.js';

export type ThrottleVerdict =
  | { allowed: true }
  | { allowed: false; reason: 'account'; retryAfterSeconds: number }
  | { allowed: false; reason: 'address'; retryAfterSeconds: number };

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
  /**
   * Counts one sign-in attempt, before any password is verified, and says whether it may be
   * verified. The counts are atomic store increments (`Store.increment`), so parallel attempts
   * each get their own number: exactly `signInFailuresPerAddress.max` attempts per address and
   * `signInFailuresPerAccount.max` per account are verified within a window, however many arrive
   * at once. The address is counted first; an attempt refused by its address is not counted
   * against the account. Attempts on a locked account keep counting but never extend the lock
   * (the window is fixed when the counter is created).
   */
  attempt(identifier: string, address: string): Promise<ThrottleVerdict>;
  /**
   * A verified attempt succeeded: clears the account's failures and gives the address its attempt
   * back (`Store.decrement`), so the address limit counts failures (and attempts in flight).
   */
  succeeded(identifier: string, address: string): Promise<void>;
  /**
   * A counted attempt whose password was never checked (hashing at capacity, hash-queue.ts): the
   * address and the account each get it back (`Store.decrement`), so a sign-in burst's 503s do not
   * lock anyone out. Nothing was learnt about the password, so nothing is given to a guesser.
   */
  handBack(identifier: string, address: string): Promise<void>;
  /** Clears the account's failures (password reset). */
  clearAccount(identifier: string): Promise<void>;
  /** Whether the account is locked now (no attempt counted): after a failure, "did this one lock it?". */
  locked(identifier: string): Promise<boolean>;
  /**
   * Whether sign-in with this identifier is paused (its failures reached the limit), without
   * counting anything: the seconds until it lifts, or null. Sign-ins that need no password (magic
   * links) respect the pause like a password would.
   */
  paused(identifier: string): Promise<number | null>;
}

/**
 * The account counters an identifier typed at sign-in counts against: one per user id field, in
 * that field's normalised form, as the lookup tries each field (core/users.ts `authenticate`).
 */
export function accountKeys(userIdFields: readonly string[], identifier: string): string[] {
  const keys = userIdFields.map((field) => `${field}:${String(normalizeUserId(field, identifier))}`);
  return [...new Set(keys)];
}

export function createThrottle(limiter: RateLimiter, userIdFields: readonly string[]): Throttle {
  const keysOf = (identifier: string) =>
    accountKeys(userIdFields, typeof identifier === 'string' ? identifier : '');
  const clearAccount = async (identifier: string) => {
    await Promise.all(keysOf(identifier).map((key) => limiter.reset('signInFailuresPerAccount', key)));
  };
  return {
    async attempt(identifier, address) {
      const byAddress = await limiter.hit('signInFailuresPerAddress', normalizeAddress(address));
      if (!byAddress.allowed)
        return { allowed: false, reason: 'address', retryAfterSeconds: byAddress.retryAfterSeconds };
      const byAccount = await Promise.all(
        keysOf(identifier).map((key) => limiter.hit('signInFailuresPerAccount', key)),
      );
      const locked = byAccount.flatMap((verdict) => (verdict.allowed ? [] : [verdict.retryAfterSeconds]));
      if (locked.length > 0)
        return { allowed: false, reason: 'account', retryAfterSeconds: Math.max(...locked) };
      return { allowed: true };
    },
    async succeeded(identifier, address) {
      await Promise.all([
        clearAccount(identifier),
        limiter.release('signInFailuresPerAddress', normalizeAddress(address)),
      ]);
    },
    async handBack(identifier, address) {
      await Promise.all([
        limiter.release('signInFailuresPerAddress', normalizeAddress(address)),
        ...keysOf(identifier).map((key) => limiter.release('signInFailuresPerAccount', key)),
      ]);
    },
    clearAccount,
    async locked(identifier) {
      const verdicts = await Promise.all(
        keysOf(identifier).map((key) => limiter.peek('signInFailuresPerAccount', key)),
      );
      return verdicts.some((verdict) => !verdict.allowed);
    },
    async paused(identifier) {
      const verdicts = await Promise.all(
        keysOf(identifier).map((key) => limiter.peek('signInFailuresPerAccount', key)),
      );
      const locked = verdicts.flatMap((verdict) => (verdict.allowed ? [] : [verdict.retryAfterSeconds]));
      return locked.length > 0 ? Math.max(...locked) : null;
    },
  };
}

/**
 * The rate limits of a `powExpress` instance: `rateLimits`, over the older `throttle` and
 * `mailRateLimit` options (still read, so existing configs keep their values).
 */
export function expressRateLimits(options: PowExpressOptions): RateLimits {
  const legacy: RateLimitOptions = {};
  const { throttle, mailRateLimit } = options;
  if (throttle) {
    const windowMs = throttle.windowMs === undefined ? {} : { windowMs: throttle.windowMs };
    legacy.signInFailuresPerAccount = { ...windowMs, ...maxOf(throttle.maxFailuresPerAccount) };
    legacy.signInFailuresPerAddress = { ...windowMs, ...maxOf(throttle.maxFailuresPerAddress) };
  }
  if (mailRateLimit !== undefined) legacy.mailRequestsPerAddress = mailRateLimit;
  return resolveRateLimits({ ...legacy, ...options.rateLimits });
}

function maxOf(max: number | undefined): { max?: number } {
  return max === undefined ? {} : { max };
}
