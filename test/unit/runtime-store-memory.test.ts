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
  it('getNow() answers synchronously what get() answers, with the same copy and expiry rules', async () => {
    const clock = fakeClock();
    const store = memoryStore({ clock: clock.now });
    const value = { list: [1], nested: { at: new Date(0) } };
    await store.put('ns', 'k', value, 1000);
    const now = store.getNow<{ list: number[]; nested: { at: string } }>('ns', 'k');
    assert.deepEqual(now, await store.get('ns', 'k'));
    assert.equal(now?.nested.at, '1970-01-01T00:00:00.000Z', 'JSON normalisation, as in the other stores');
    now!.list.push(2);
    assert.deepEqual(store.getNow('ns', 'k'), { list: [1], nested: { at: '1970-01-01T00:00:00.000Z' } });
    assert.equal(store.getNow('ns', 'missing'), null);
    clock.advance(1000);
    assert.equal(store.getNow('ns', 'k'), null, 'expired');
    assert.throws(() => store.getNow('', 'k'), /namespace/);
  });

  it('peekLinked() answers what getLinked() answers, in one synchronous call, with frozen values', async () => {
    const clock = fakeClock();
    const store = memoryStore({ clock: clock.now });
    await store.put('ptr', 'a', { rk: 'r1', n: 1 }, 1000);
    await store.put('rec', 'r1', { id: 'r1', data: { list: [1] } }, 500);
    await store.put('ptr', 'dangling', { rk: 'gone' }, 1000);
    await store.put('ptr', 'nolink', { other: 1 }, 1000);
    const [pointer, record] = store.peekLinked<{ rk: string }, { id: string; data: { list: number[] } }>(
      'ptr',
      'a',
      'rk',
      'rec',
    );
    assert.deepEqual([pointer, record], await store.getLinked!('ptr', 'a', 'rk', 'rec'));
    // The store's own values: frozen all the way down, so no caller can change what others read.
    assert.ok(Object.isFrozen(pointer) && Object.isFrozen(record) && Object.isFrozen(record!.data.list));
    assert.throws(() => {
      (record as { id: string }).id = 'changed';
    }, TypeError);
    assert.throws(() => record!.data.list.push(2), TypeError);
    // get() and getNow() still hand out copies the caller may change.
    const copy = store.getNow<{ id: string; data: { list: number[] } }>('rec', 'r1')!;
    assert.ok(!Object.isFrozen(copy));
    copy.data.list.push(2);
    assert.deepEqual(store.getNow('rec', 'r1'), { id: 'r1', data: { list: [1] } });
    assert.deepEqual(store.peekLinked('ptr', 'dangling', 'rk', 'rec'), [{ rk: 'gone' }, null]);
    assert.deepEqual(store.peekLinked('ptr', 'nolink', 'rk', 'rec'), [{ other: 1 }, null]);
    assert.deepEqual(store.peekLinked('ptr', 'missing', 'rk', 'rec'), [null, null]);
    // Expiry and deletion are seen at once: nothing is kept between calls.
    clock.advance(500);
    assert.deepEqual(store.peekLinked('ptr', 'a', 'rk', 'rec'), [{ rk: 'r1', n: 1 }, null]);
    await store.delete('ptr', 'a');
    assert.deepEqual(store.peekLinked('ptr', 'a', 'rk', 'rec'), [null, null]);
    assert.throws(() => store.peekLinked('', 'a', 'rk', 'rec'), /namespace/);
  });

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
