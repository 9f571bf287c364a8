import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { storeContract } from '../helpers/db-store-contract.js';
import { fakeClock, memoryStore } from '../../src/runtime/index.js';

storeContract('memory', async () => {
  const clock = fakeClock();
  const store = memoryStore({ clock: clock.now });
  return {
    store,
    advance: async (ms) => clock.advance(ms),
    cleanup: () => store.close(),
  };
});

describe('memoryStore extras', () => {
  it('size() and dump() only see live records; useClock switches the time source', async () => {
    const a = fakeClock(1000);
    const store = memoryStore({ clock: a.now });
    await store.put('ns', 'k', { v: 1 }, 500);
    await store.put('ns', 'j', 2, 5000);
    assert.equal(store.size(), 2);
    a.advance(600);
    assert.equal(store.size(), 1);
    assert.deepEqual(
      store.dump().map((r) => [r.namespace, r.key, r.value]),
      [['ns', 'j', '2']],
    );
    const b = fakeClock(10_000_000);
    store.useClock(b.now);
    assert.equal(await store.get('ns', 'j'), null, 'the new clock is far past the expiry');
    await store.close();
  });
});
