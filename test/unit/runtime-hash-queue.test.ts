/**
 * The bound on password hashing in flight (core/hash-queue.ts): at most `concurrency` calls run,
 * `maxQueued` more wait, and the next one is refused at once with an error the Express layer
 * answers 503 with Retry-After (isStoreUnavailable), instead of piling up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundedHasher, HashingBusyError } from '../../src/runtime/core/hash-queue.js';
import { isStoreUnavailable } from '../../src/runtime/stores/unavailable-error.js';
import type { Hasher } from '../../src/runtime/core/types.js';

/** A hasher whose calls finish only when the test lets them, in order. */
function heldHasher() {
  const held: Array<() => void> = [];
  let started = 0;
  const hold = () =>
    new Promise<void>((resolve) => {
      started++;
      held.push(resolve);
    });
  const hasher: Hasher = {
    id: 'held',
    async hash(password) {
      await hold();
      return `h:${password}`;
    },
    async verify(hash, password) {
      await hold();
      return hash === `h:${password}`;
    },
    needsRehash: () => false,
  };
  return { hasher, held, started: () => started };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('password hashing: at most `concurrency` run, `maxQueued` wait, the next is refused with a 503 error', async () => {
  const { hasher, held, started } = heldHasher();
  const bounded = boundedHasher(hasher, { concurrency: 2, maxQueued: 1 });
  const running = [bounded.hash('a'), bounded.verify('h:b', 'b')];
  const queued = bounded.hash('c');
  await tick();
  assert.equal(started(), 2, 'two run, the third waits');

  const refused = await bounded.verify('h:d', 'd').then(
    () => null,
    (error: unknown) => error,
  );
  assert.ok(refused instanceof HashingBusyError);
  assert.ok(isStoreUnavailable(refused), 'answered like a store outage: 503 with Retry-After');
  assert.match((refused as Error).message, /hashing is at capacity/);

  held.shift()!();
  assert.equal(await running[0], 'h:a');
  await tick();
  assert.equal(started(), 3, 'the finished call handed its slot to the waiting one');
  held.shift()!();
  held.shift()!();
  assert.equal(await running[1], true);
  assert.equal(await queued, 'h:c');

  // Capacity is back: a new call runs at once.
  const again = bounded.hash('e');
  await tick();
  assert.equal(started(), 4);
  held.shift()!();
  assert.equal(await again, 'h:e');
  assert.equal(bounded.id, 'held');
  assert.equal(bounded.needsRehash('x'), false);
});

test('password hashing: a failing hash frees its slot', async () => {
  let calls = 0;
  const failing: Hasher = {
    id: 'failing',
    hash: async () => {
      calls++;
      throw new Error('boom');
    },
    verify: async () => false,
    needsRehash: () => false,
  };
  const bounded = boundedHasher(failing, { concurrency: 1, maxQueued: 0 });
  for (let i = 0; i < 3; i++) await assert.rejects(bounded.hash('x'), /boom/);
  assert.equal(calls, 3);
});
