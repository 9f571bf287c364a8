import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memoryStore, fakeClock } from '../../src/runtime/index.js';
import { createThrottle, expressRateLimits, normalizeAddress } from '../../src/runtime/express/throttle.js';
import {
  createRateLimiter,
  DEFAULT_RATE_LIMITS,
  RATE_LIMIT_NAMESPACE,
  resolveRateLimits,
  type RateLimitOptions,
} from '../../src/runtime/core/rate-limit.js';
import type { Store } from '../../src/runtime/core/types.js';

const MIN = 60_000;

/** The sign-in throttle of a user type with these id fields, on pow's one limiter. */
function throttleOf(store: Store, clock: () => number, limits: RateLimitOptions, fields = ['email']) {
  return createThrottle(createRateLimiter(store, 'user', clock, resolveRateLimits(limits)), fields);
}

describe('normalisation', () => {
  it('groups IPv6 by /64 and unwraps IPv4-mapped addresses', () => {
    assert.equal(normalizeAddress('203.0.113.9'), '203.0.113.9');
    assert.equal(normalizeAddress('::ffff:203.0.113.9'), '203.0.113.9');
    assert.equal(normalizeAddress('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(normalizeAddress('2001:DB8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
    assert.equal(normalizeAddress('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(normalizeAddress('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(normalizeAddress(undefined), 'unknown');
  });
});

describe('throttle', () => {
  it('locks an account after the limit within a fixed window; the lock lifts by the clock', async () => {
    const clock = fakeClock();
    const store = memoryStore({ clock: clock.now });
    const throttle = throttleOf(store, clock.now, {
      signInFailuresPerAccount: { max: 3, windowMs: 10 * MIN },
    });
    for (let i = 0; i < 3; i++) {
      // Each attempt is counted before its (here: failing) verify.
      assert.deepEqual(await throttle.attempt(i === 1 ? ' A@EXAMPLE.com' : 'a@example.com', `10.0.0.${i}`), {
        allowed: true,
      });
    }
    // Locked for the rest of the window, which the lockout message tells the user.
    assert.deepEqual(await throttle.attempt('a@example.com', '10.0.0.9'), {
      allowed: false,
      reason: 'account',
      retryAfterSeconds: 600,
    });
    assert.deepEqual(await throttle.attempt('b@example.com', '10.0.0.9'), { allowed: true });
    // Attempts while locked do not extend the lock.
    clock.advance(9 * MIN);
    assert.deepEqual(await throttle.attempt('a@example.com', '10.0.0.9'), {
      allowed: false,
      reason: 'account',
      retryAfterSeconds: 60,
    });
    clock.advance(MIN + 1);
    assert.deepEqual(await throttle.attempt('a@example.com', '10.0.0.9'), { allowed: true });
    await store.close();
  });

  it('a success clears the account and gives the address its attempt back', async () => {
    const clock = fakeClock();
    const store = memoryStore({ clock: clock.now });
    const throttle = throttleOf(store, clock.now, {
      signInFailuresPerAccount: { max: 2, windowMs: 10 * MIN },
      signInFailuresPerAddress: { max: 2, windowMs: 10 * MIN },
    });
    for (let i = 0; i < 10; i++) {
      assert.deepEqual(
        await throttle.attempt('a@example.com', '10.2.2.2'),
        { allowed: true },
        `attempt ${i}`,
      );
      await throttle.succeeded('a@example.com', '10.2.2.2');
    }
    await store.close();
  });

  it('limits an address with Retry-After; stores no identifier in clear text', async () => {
    const clock = fakeClock();
    const store = memoryStore({ clock: clock.now });
    const throttle = throttleOf(store, clock.now, {
      signInFailuresPerAddress: { max: 2, windowMs: 10 * MIN },
    });
    assert.deepEqual(await throttle.attempt('x@example.com', '10.1.1.1'), { allowed: true });
    clock.advance(3 * MIN);
    assert.deepEqual(await throttle.attempt('y@example.com', '10.1.1.1'), { allowed: true });
    assert.deepEqual(await throttle.attempt('z@example.com', '10.1.1.1'), {
      allowed: false,
      reason: 'address',
      retryAfterSeconds: 7 * 60,
    });
    assert.deepEqual(await throttle.attempt('z@example.com', '10.1.1.2'), { allowed: true });
    const dump = JSON.stringify(store.dump());
    assert.doesNotMatch(dump, /example\.com/);
    assert.ok(store.dump().every((row) => row.namespace === RATE_LIMIT_NAMESPACE));
    await throttle.clearAccount('x@example.com');
    clock.advance(7 * MIN + 1);
    assert.deepEqual(await throttle.attempt('z@example.com', '10.1.1.1'), { allowed: true });
    await store.close();
  });

  // Issue 16, defect 2: sign-in found a phone number after stripping separators, but the account
  // counter was keyed by the raw input, so every spelling had its own ten tries.
  it('counts every spelling the lookup treats as one account against it (issue 16, defect 2)', async () => {
    const clock = fakeClock();
    for (const fields of [['phone'], ['email', 'phone']]) {
      // A store per round: attempts count (and the last one below counts again after the reset).
      const store = memoryStore({ clock: clock.now });
      const throttle = throttleOf(store, clock.now, {}, fields);
      const max = DEFAULT_RATE_LIMITS.signInFailuresPerAccount.max;
      const spellings = [
        '+49 30 1234567',
        '+49301234567',
        '+49-30-1234567',
        '+49 (30) 123 45 67',
        '+49.30.1234567',
      ];
      for (let i = 0; i < max; i++) {
        const spelling = spellings[i % spellings.length];
        // Counted before its (here: failing) verify.
        assert.deepEqual(
          await throttle.attempt(spelling, `10.2.0.${i}`),
          { allowed: true },
          `${fields}: try ${i}`,
        );
      }
      for (const spelling of [...spellings, ' +49 (0)30 1234567 ']) {
        const refused = await throttle.attempt(spelling, '10.2.1.1');
        assert.deepEqual(
          { ...refused, retryAfterSeconds: undefined },
          {
            allowed: false,
            reason: 'account',
            retryAfterSeconds: undefined,
          },
          spelling,
        );
      }
      assert.deepEqual(await throttle.attempt('+49 30 7654321', '10.2.1.1'), { allowed: true });
      await throttle.clearAccount('+49301234567');
      assert.deepEqual(await throttle.attempt('+49 30 1234567', '10.2.1.1'), { allowed: true });
      await store.close();
    }
  });

  it('validates options; the older throttle and mailRateLimit options still apply', () => {
    assert.deepEqual(resolveRateLimits(), DEFAULT_RATE_LIMITS);
    assert.deepEqual(resolveRateLimits({ mailsPerRecipient: false }).mailsPerRecipient, null);
    assert.throws(() => resolveRateLimits({ signUpsPerAddress: { windowMs: 0 } }), /positive integer/);
    assert.throws(() => resolveRateLimits({ signInFailuresPerAccount: { max: 1.5 } }), /positive integer/);
    assert.throws(() => resolveRateLimits({ nope: {} } as RateLimitOptions), /is not a limit/);
    const legacy = expressRateLimits({
      throttle: { maxFailuresPerAccount: 3, windowMs: MIN },
      mailRateLimit: false,
      rateLimits: { signInFailuresPerAddress: { max: 7 } },
    });
    assert.deepEqual(legacy.signInFailuresPerAccount, { max: 3, windowMs: MIN });
    assert.deepEqual(legacy.signInFailuresPerAddress, { max: 7, windowMs: 15 * MIN });
    assert.equal(legacy.mailRequestsPerAddress, null);
    assert.throws(() => expressRateLimits({ throttle: { windowMs: 0 } }), /positive integer/);
  });
});
