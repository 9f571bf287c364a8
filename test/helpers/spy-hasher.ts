/**
 * A real argon2id hasher (fast test parameters) that counts its calls and records what it was
 * asked to hash: for tests of how many verifies a path costs and which form of a password is
 * hashed.
 */
import { ARGON2_INSECURE_TEST, argon2Hasher } from '../../src/runtime/index.js';
import type { Hasher } from '../../src/runtime/core/types.js';

export function spyHasher() {
  const inner = argon2Hasher({ ...ARGON2_INSECURE_TEST, allowWeak: true });
  const calls = { hash: 0, verify: 0 };
  const seen: string[] = [];
  const hasher: Hasher = {
    id: inner.id,
    hash: (p) => (calls.hash++, seen.push(p), inner.hash(p)),
    verify: (h, p) => (calls.verify++, inner.verify(h, p)),
    needsRehash: (h) => inner.needsRehash(h),
  };
  return {
    hasher,
    inner,
    calls,
    seen,
    reset() {
      calls.hash = 0;
      calls.verify = 0;
      seen.length = 0;
    },
  };
}
