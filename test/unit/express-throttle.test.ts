import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memoryStore, fakeClock } from '../../src/runtime/index.js';
import {
  createThrottle,
  normalizeAddress,
  normalizeIdentifier,
  resolveThrottleOptions,
  THROTTLE_NAMESPACE,
} from '../../src/runtime/express/throttle.js';

const MIN = 60_000;

describe('normalisation', () => {
  it('treats identifier variants as one account', () => {
    assert.equal(normalizeIdentifier(' Alice@Example.COM '), 'alice@example.com');
    assert.equal(normalizeIdentifier('ＡＬＩＣＥ'), 'alice');
    assert.equal(normalizeIdentifier(undefined), '');
  });

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
    const throttle = createThrottle(
      store,
      'user',
      clock.now,
      resolveThrottleOptions({ maxFailuresPerAccount: 3, windowMs: 10 * MIN }),
    );
    for (let i = 0; i < 3; i++) {
      // Each attempt is counted before its (here: failing) verify.
      assert.deepEqual(await throttle.attempt(i === 1 ? ' A@EXAMPLE.com' : 'a@example.com', `10.0.0.${i}`), {
        allowed: true,
      });
    }
    assert.deepEqual(await throttle.attempt('a@example.com', '10.0.0.9'), {
      allowed: false,
      reason: 'account',
    });
    assert.deepEqual(await throttle.attempt('b@example.com', '10.0.0.9'), { allowed: true });
    // Attempts while locked do not extend the lock.
    clock.advance(9 * MIN);
    assert.deepEqual(await throttle.attempt('a@example.com', '10.0.0.9'), {
      allowed: false,
      reason: 'account',
    });
    clock.advance(MIN + 1);
    assert.deepEqual(await throttle.attempt('a@example.com', '10.0.0.9'), { allowed: true });
    await store.close();
  });

  it('a success clears the account and gives the address its attempt back', async () => {
    const clock = fakeClock();
    const store = memoryStore({ clock: clock.now });
    const throttle = createThrottle(
      store,
      'user',
      clock.now,
      resolveThrottleOptions({ maxFailuresPerAccount: 2, maxFailuresPerAddress: 2, windowMs: 10 * MIN }),
    );
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
    const throttle = createThrottle(
      store,
      'user',
      clock.now,
      resolveThrottleOptions({ maxFailuresPerAddress: 2, windowMs: 10 * MIN }),
    );
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
    assert.ok(store.dump().every((row) => row.namespace === THROTTLE_NAMESPACE));
    await throttle.clearAccount('x@example.com');
    clock.advance(7 * MIN + 1);
    assert.deepEqual(await throttle.attempt('z@example.com', '10.1.1.1'), { allowed: true });
    await store.close();
  });

  it('validates options', () => {
    assert.deepEqual(resolveThrottleOptions(), {
      maxFailuresPerAccount: 10,
      maxFailuresPerAddress: 50,
      windowMs: 15 * MIN,
    });
    assert.throws(() => resolveThrottleOptions({ windowMs: 0 }), /positive integer/);
    assert.throws(() => resolveThrottleOptions({ maxFailuresPerAccount: 1.5 }), /positive integer/);
  });
});
