/**
 * Password hashers.
 *
 * - `argon2Hasher()` (the default): argon2id m=19456 KiB, t=2, p=1 via `@node-rs/argon2` (async,
 *   off the event loop). It also verifies hashes imported from other systems and reports them as
 *   needing a rehash, so they are upgraded at the next successful sign-in:
 *   - Pow (Elixir) PBKDF2: `$pbkdf2-sha512$<iterations>$<base64 salt>$<base64 hash>`
 *     (standard Base64 with padding),
 *   - bcrypt (`$2a$`, `$2b$`, `$2y$`) via `bcryptjs`; passwords over 72 bytes are refused
 *     instead of being silently truncated.
 * - `verify` never throws: a malformed or unknown hash verifies as false.
 */
import { pbkdf2 as pbkdf2Callback } from 'node:crypto';
import { promisify } from 'node:util';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { Hasher } from './types.js';
import { safeEqual } from './crypto.js';
import { configError } from './errors.js';

const pbkdf2 = promisify(pbkdf2Callback);

export interface Argon2Options {
  /** KiB of memory. Default 19456 (OWASP minimum with t=2). */
  memoryCost?: number;
  /** Passes. Default 2. */
  timeCost?: number;
  /** Lanes. Default 1 (ASVS asks for p=1). */
  parallelism?: number;
  /** Verify imported PBKDF2 (Pow) and bcrypt hashes. Default true. */
  legacy?: boolean;
  /**
   * Allow parameters below the OWASP/ASVS floors. Only `insecureTestParameters` sets this;
   * it is refused when NODE_ENV is "production".
   */
  allowWeak?: boolean;
}

/** Production parameters (OWASP Password Storage Cheat Sheet, ASVS appendix C). */
export const ARGON2_DEFAULTS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
/** Test-only parameters (`hashing.insecureTestParameters`). */
export const ARGON2_INSECURE_TEST = { memoryCost: 1024, timeCost: 1, parallelism: 1 } as const;

/** OWASP's equivalent argon2id settings: [minimum m (KiB), for at least t passes]. */
const ARGON2_FLOORS: Array<[number, number]> = [
  [47104, 1],
  [19456, 2],
  [12288, 3],
  [9216, 4],
  [7168, 5],
];

export function argon2MeetsFloor(memoryCost: number, timeCost: number): boolean {
  return ARGON2_FLOORS.some(([m, t]) => memoryCost >= m && timeCost >= t);
}

const ARGON2_ID = 2; // Algorithm.Argon2id (a const enum in the typings, so not importable under tsx)

interface Argon2Params {
  variant: string;
  version: number;
  m: number;
  t: number;
  p: number;
}

export function parseArgon2(hash: string): Argon2Params | null {
  const match =
    /^\$(argon2(?:id|i|d))\$(?:v=(\d+)\$)?m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.exec(
      hash,
    );
  if (!match) return null;
  return {
    variant: match[1],
    version: match[2] ? Number(match[2]) : 16,
    m: Number(match[3]),
    t: Number(match[4]),
    p: Number(match[5]),
  };
}

export function isBcryptHash(hash: string): boolean {
  return /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/.test(hash);
}

export function isPbkdf2Hash(hash: string): boolean {
  return hash.startsWith('$pbkdf2-');
}

function checkPositiveInt(key: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw configError(key, `must be an integer >= ${min} (got ${String(value)})`);
}

export function argon2Hasher(options: Argon2Options = {}): Hasher {
  const memoryCost = options.memoryCost ?? ARGON2_DEFAULTS.memoryCost;
  const timeCost = options.timeCost ?? ARGON2_DEFAULTS.timeCost;
  const parallelism = options.parallelism ?? ARGON2_DEFAULTS.parallelism;
  const legacy = options.legacy ?? true;
  checkPositiveInt('argon2Hasher.memoryCost', memoryCost, 8 * parallelism);
  checkPositiveInt('argon2Hasher.timeCost', timeCost, 1);
  checkPositiveInt('argon2Hasher.parallelism', parallelism, 1);
  if (!options.allowWeak && !argon2MeetsFloor(memoryCost, timeCost)) {
    throw configError(
      'argon2Hasher',
      `parameters m=${memoryCost},t=${timeCost} are below the OWASP minimum (m>=19456 with t>=2, or an equivalent)`,
      'Use the defaults, or set hashing.insecureTestParameters in test suites only.',
    );
  }
  if (options.allowWeak && process.env.NODE_ENV === 'production') {
    throw configError(
      'hashing.insecureTestParameters',
      'is refused when NODE_ENV is "production"',
      'Remove insecureTestParameters from the production configuration.',
    );
  }
  const hashOptions = { algorithm: ARGON2_ID, memoryCost, timeCost, parallelism } as const;

  return {
    id: 'argon2id',
    async hash(password: string): Promise<string> {
      return argon2Hash(password, hashOptions as Parameters<typeof argon2Hash>[1]);
    },
    async verify(hash: string, password: string): Promise<boolean> {
      if (typeof hash !== 'string' || typeof password !== 'string') return false;
      try {
        if (hash.startsWith('$argon2')) {
          if (!parseArgon2(hash)) return false;
          return await argon2Verify(hash, password);
        }
        if (legacy && isPbkdf2Hash(hash)) return await pbkdf2Verify(hash, password);
        if (legacy && isBcryptHash(hash)) return await bcryptVerify(hash, password);
        return false;
      } catch {
        return false;
      }
    },
    needsRehash(hash: string): boolean {
      const params = typeof hash === 'string' ? parseArgon2(hash) : null;
      if (!params) return true;
      return (
        params.variant !== 'argon2id' || params.version !== 19 || params.m < memoryCost || params.t < timeCost
      );
    },
  };
}

const PBKDF2_DIGESTS = new Set(['sha512', 'sha256', 'sha1']);

/**
 * Verifies Pow's (Elixir) PBKDF2 format: `$pbkdf2-<digest>$<iterations>$<base64 salt>$<base64 hash>`.
 * Digest, iterations and key length are read from the string. Never throws.
 */
export async function pbkdf2Verify(encoded: string, password: string): Promise<boolean> {
  try {
    const match = /^\$pbkdf2-([a-z0-9]+)\$(\d{1,9})\$([A-Za-z0-9+/=_-]+)\$([A-Za-z0-9+/=_-]+)$/.exec(encoded);
    if (!match || !PBKDF2_DIGESTS.has(match[1])) return false;
    const iterations = Number(match[2]);
    const salt = Buffer.from(match[3], 'base64');
    const expected = Buffer.from(match[4], 'base64');
    if (iterations < 1 || salt.length === 0 || expected.length < 16) return false;
    const actual = await pbkdf2(Buffer.from(password, 'utf8'), salt, iterations, expected.length, match[1]);
    return safeEqual(actual, expected);
  } catch {
    return false;
  }
}

/** Verifies a bcrypt hash. Passwords over 72 bytes are refused (bcrypt would silently truncate them). */
export async function bcryptVerify(hash: string, password: string): Promise<boolean> {
  try {
    if (!isBcryptHash(hash) || Buffer.byteLength(password, 'utf8') > 72) return false;
    const bcrypt = (await import('bcryptjs')).default;
    return await bcrypt.compare(password, hash);
  } catch {
    return false;
  }
}
