/**
 * pow's one rate limiter (issue 16): every limit pow applies (failed sign-ins per account and per
 * client address, sign-ups and mail-sending requests per client address, mails per recipient,
 * sign-in link requests per address)
 * is a named entry of one table with its defaults here, counted the same way and kept in the pow
 * store, so every app instance on the same store shares the counters.
 *
 * Windows are fixed: the first event creates the counter with a TTL of the window
 * (`Store.increment`, atomic in each store) and the limit lifts when it expires (by pow's clock
 * for the memory and Prisma stores; Redis TTLs are real time). Keys are hashed before they reach
 * the store: no identifier, address or client IP is stored in clear text.
 */
import { createHash } from 'node:crypto';
import type { Store } from './types.js';
import { configError } from './errors.js';

export const RATE_LIMIT_NAMESPACE = 'pow:throttle';

/** At most `max` events within a fixed window of `windowMs`. */
export interface Limit {
  max: number;
  windowMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** What each limit counts, and its default. */
export const DEFAULT_RATE_LIMITS = {
  /** Failed sign-ins per account (the identifier as the lookup normalises it) before a temporary lock. */
  signInFailuresPerAccount: { max: 10, windowMs: 15 * MINUTE },
  /** Failed sign-ins per client address (IPv6 by /64) before 429. */
  signInFailuresPerAddress: { max: 50, windowMs: 15 * MINUTE },
  /** Sign-ups per client address before 429. */
  signUpsPerAddress: { max: 10, windowMs: HOUR },
  /** Requests that send mail (reset, confirmation resend, invitation) per client address before 429. */
  mailRequestsPerAddress: { max: 20, windowMs: 15 * MINUTE },
  /** Mails of one kind (reset, confirmation, invitation, ...) to one address; more are not sent. */
  mailsPerRecipient: { max: 3, windowMs: HOUR },
  /**
   * Sign-in link requests per typed address (magic-link), known account or not, before 429. Counted
   * when asked, not when mailed, so the form can say so; the link's mail is not counted again.
   */
  magicLinksPerRecipient: { max: 5, windowMs: HOUR },
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof DEFAULT_RATE_LIMITS;

/** The limits as configured: `false` turns one off. */
export type RateLimitOptions = { [K in LimitName]?: Partial<Limit> | false };

/** Resolved limits (null: off). */
export type RateLimits = Record<LimitName, Limit | null>;

/** Short labels in store keys (e.g. "user:account:<hash>"). */
const KEY_LABELS: Record<LimitName, string> = {
  signInFailuresPerAccount: 'account',
  signInFailuresPerAddress: 'address',
  signUpsPerAddress: 'sign-up',
  mailRequestsPerAddress: 'mail',
  mailsPerRecipient: 'recipient',
  magicLinksPerRecipient: 'magic-link',
};

/** The defaults with `options` applied; throws a configuration error for anything but positive integers. */
export function resolveRateLimits(options: RateLimitOptions = {}): RateLimits {
  if (typeof options !== 'object' || options === null) throw configError('rateLimits', 'must be an object');
  for (const name of Object.keys(options)) {
    if (!(name in DEFAULT_RATE_LIMITS))
      throw configError(`rateLimits.${name}`, `is not a limit (${Object.keys(KEY_LABELS).join(', ')})`);
  }
  const out = {} as RateLimits;
  for (const name of Object.keys(DEFAULT_RATE_LIMITS) as LimitName[]) {
    const given = options[name];
    if (given === false) {
      out[name] = null;
      continue;
    }
    const limit = { ...DEFAULT_RATE_LIMITS[name], ...given };
    for (const key of ['max', 'windowMs'] as const) {
      const value = limit[key];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
        throw configError(`rateLimits.${name}.${key}`, `must be a positive integer (got ${String(value)})`);
    }
    out[name] = limit;
  }
  return out;
}

export type RateVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  readonly limits: Readonly<RateLimits>;
  /** Counts one event for `key` and says whether it is within the limit (this event included). */
  hit(name: LimitName, key: string): Promise<RateVerdict>;
  /** Whether one more event for `key` would be within the limit, without counting it. */
  peek(name: LimitName, key: string): Promise<RateVerdict>;
  /** Forgets the events counted for `key` (e.g. a successful sign-in clears the account's failures). */
  reset(name: LimitName, key: string): Promise<void>;
  /**
   * Takes one counted event back (a sign-in attempt that turned out to succeed), never below zero
   * and without moving the window; a store without `decrement` keeps the count.
   */
  release(name: LimitName, key: string): Promise<void>;
}

const ALLOWED: RateVerdict = { allowed: true };

/** A limiter over `store` for one user type (`scope`), with pow's clock for Retry-After. */
export function createRateLimiter(
  store: Store,
  scope: string,
  clock: () => number,
  limits: RateLimits,
): RateLimiter {
  const storeKey = (name: LimitName, key: string) =>
    `${scope}:${KEY_LABELS[name]}:${createHash('sha256').update(key).digest('base64url')}`;

  const retryAfter = async (counter: string, limit: Limit): Promise<RateVerdict> => {
    const since = Number(await store.get<unknown>(RATE_LIMIT_NAMESPACE, `${counter}:since`));
    const remaining = Number.isFinite(since) && since > 0 ? since + limit.windowMs - clock() : limit.windowMs;
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil(Math.min(limit.windowMs, remaining) / 1000)),
    };
  };

  return {
    limits,
    async hit(name, key) {
      const limit = limits[name];
      if (!limit) return ALLOWED;
      const counter = storeKey(name, key);
      const count = await store.increment(RATE_LIMIT_NAMESPACE, counter, limit.windowMs);
      // Remember when the window started, for Retry-After.
      if (count === 1) await store.put(RATE_LIMIT_NAMESPACE, `${counter}:since`, clock(), limit.windowMs);
      return count <= limit.max ? ALLOWED : retryAfter(counter, limit);
    },
    async peek(name, key) {
      const limit = limits[name];
      if (!limit) return ALLOWED;
      const counter = storeKey(name, key);
      const count = Number(await store.get<unknown>(RATE_LIMIT_NAMESPACE, counter));
      return Number.isFinite(count) && count >= limit.max ? retryAfter(counter, limit) : ALLOWED;
    },
    async release(name, key) {
      if (!limits[name]) return;
      await store.decrement?.(RATE_LIMIT_NAMESPACE, storeKey(name, key));
    },
    async reset(name, key) {
      const counter = storeKey(name, key);
      await Promise.all([
        store.delete(RATE_LIMIT_NAMESPACE, counter),
        store.delete(RATE_LIMIT_NAMESPACE, `${counter}:since`),
      ]);
    },
  };
}
