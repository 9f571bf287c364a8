import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import { fakeClock, memoryStore, redisStore, type FakeClock } from '../../src/runtime/index.js';
import type { Store } from '../../src/runtime/core/types.js';
import {
  DEFAULT_TOKEN_TTL_MS,
  consumeToken,
  createToken,
  deleteToken,
  findToken,
  peekToken,
  revokeAllTokens,
  revokeTokens,
  tokenNamespace,
} from '../../src/runtime/extensions/index.js';
import { restoreToken } from '../../src/runtime/extensions/tokens.js';
import { REDIS_URL } from '../helpers/prisma-ext-client.js';

interface Backend {
  store: Store;
  dump(): Promise<string>;
  close(): Promise<void>;
}

const backends: Record<string, () => Promise<Backend>> = {
  async memory() {
    const store = memoryStore();
    return { store, dump: async () => JSON.stringify(store.dump()), close: () => store.close() };
  },
  async redis() {
    const client = createClient({ url: REDIS_URL });
    client.on('error', () => {});
    await client.connect();
    const prefix = `pow_tok_test_${Math.random().toString(36).slice(2)}`;
    return {
      store: redisStore(client, { prefix }),
      async dump() {
        const keys = await client.keys(`${prefix}:*`);
        const values = keys.length ? await client.mGet(keys) : [];
        return JSON.stringify(keys.map((k, i) => [k, values[i]]));
      },
      async close() {
        const keys = await client.keys(`${prefix}:*`);
        if (keys.length) await client.del(keys);
        await client.close();
      },
    };
  },
};

for (const [name, make] of Object.entries(backends)) {
  describe(`extension tokens (${name} store)`, () => {
    let backend: Backend;
    let clock: FakeClock;
    let pow: { store: Store; clock: () => number; userType: string };
    before(async () => {
      backend = await make();
      clock = fakeClock();
      (backend.store as Store & { useClock?: (c: () => number) => void }).useClock?.(clock.now);
      pow = { store: backend.store, clock: clock.now, userType: 'user' };
    });
    after(async () => {
      await backend?.close();
    });

    it('creates 32-byte base64url tokens stored only under their SHA-256', async () => {
      const { token, record } = await createToken(pow, 'reset_password', {
        userId: 7,
        sentTo: 'a@example.com',
      });
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(Buffer.from(token, 'base64url').length, 32);
      assert.deepEqual(
        {
          purpose: record.purpose,
          userId: record.userId,
          uid: record.uid,
          sentTo: record.sentTo,
          state: record.state,
        },
        { purpose: 'reset_password', userId: '7', uid: 7, sentTo: 'a@example.com', state: 'active' },
      );
      assert.equal(record.expiresAt - record.createdAt, DEFAULT_TOKEN_TTL_MS.reset_password);
      const dump = await backend.dump();
      assert.ok(!dump.includes(token));
      assert.ok(dump.includes(createHash('sha256').update(token).digest('hex')));
      const other = await createToken(pow, 'reset_password', { userId: 7 });
      assert.notEqual(other.token, token);
    });

    it('peek does not use a token; consume uses it exactly once', async () => {
      const { token } = await createToken(pow, 'email_confirmation', {
        userId: 'u-1',
        sentTo: 'b@example.com',
      });
      assert.ok(await peekToken(pow, 'email_confirmation', token));
      assert.ok(await peekToken(pow, 'email_confirmation', token));
      const used = await consumeToken(pow, 'email_confirmation', token);
      assert.equal(used?.uid, 'u-1');
      assert.equal(await consumeToken(pow, 'email_confirmation', token), null);
      assert.equal(await peekToken(pow, 'email_confirmation', token), null);
    });

    it('parallel consumers: exactly one wins', async () => {
      const { token } = await createToken(pow, 'invitation', { userId: 3 });
      const results = await Promise.all(
        Array.from({ length: 10 }, () => consumeToken(pow, 'invitation', token)),
      );
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('a kept-as-used token is found but never consumed again', async () => {
      const { token } = await createToken(pow, 'email_confirmation', { userId: 4 });
      assert.ok(await consumeToken(pow, 'email_confirmation', token, { keepAs: 'used' }));
      assert.equal((await findToken(pow, 'email_confirmation', token))?.record.state, 'used');
      assert.equal(await consumeToken(pow, 'email_confirmation', token), null);
    });

    it('restore puts a consumed token back', async () => {
      const { token } = await createToken(pow, 'reset_password', { userId: 5 });
      const record = (await consumeToken(pow, 'reset_password', token))!;
      await restoreToken(pow, token, record);
      assert.ok(await consumeToken(pow, 'reset_password', token));
    });

    it('expires by the pow clock, even where store TTLs run in real time', async () => {
      const { token } = await createToken(pow, 'reset_password', { userId: 6, ttlMs: 60_000 });
      clock.advance(59_000);
      assert.ok(await peekToken(pow, 'reset_password', token));
      clock.advance(2_000);
      assert.equal(await peekToken(pow, 'reset_password', token), null);
      assert.equal(await consumeToken(pow, 'reset_password', token), null);
    });

    it('is purpose-bound and user-type-bound', async () => {
      const { token } = await createToken(pow, 'reset_password', { userId: 8 });
      for (const purpose of ['email_confirmation', 'invitation', 'persistent_session'] as const) {
        assert.equal(await consumeToken(pow, purpose, token), null);
      }
      assert.equal(await consumeToken({ ...pow, userType: 'admin' }, 'reset_password', token), null);
      assert.notEqual(tokenNamespace({ userType: 'admin' }), tokenNamespace(pow));
      assert.ok(await consumeToken(pow, 'reset_password', token));
    });

    it('malformed tokens never reach the store', async () => {
      let reads = 0;
      const spy: Store = { ...backend.store, get: async (...args) => (reads++, backend.store.get(...args)) };
      const spyPow = { ...pow, store: spy };
      for (const bad of [
        '',
        'short',
        'x'.repeat(44),
        'a'.repeat(42) + '=',
        null,
        undefined,
        42,
        ['a'.repeat(43)],
      ]) {
        assert.equal(await consumeToken(spyPow, 'reset_password', bad), null);
      }
      assert.equal(reads, 0);
    });

    it('revokes every token of one user for one purpose, without touching user "1" vs "12"', async () => {
      const a1 = await createToken(pow, 'persistent_session', { userId: 1 });
      const a2 = await createToken(pow, 'persistent_session', { userId: 1 });
      const keep = await createToken(pow, 'persistent_session', { userId: 1 });
      const b = await createToken(pow, 'persistent_session', { userId: 12 });
      const reset = await createToken(pow, 'reset_password', { userId: 1 });
      assert.equal(await revokeTokens(pow, 'persistent_session', 1, { exceptToken: keep.token }), 2);
      assert.equal(await peekToken(pow, 'persistent_session', a1.token), null);
      assert.equal(await peekToken(pow, 'persistent_session', a2.token), null);
      assert.ok(await peekToken(pow, 'persistent_session', keep.token));
      assert.ok(await peekToken(pow, 'persistent_session', b.token));
      assert.ok(await peekToken(pow, 'reset_password', reset.token));
      await revokeAllTokens(pow, 1);
      assert.equal(await peekToken(pow, 'persistent_session', keep.token), null);
      assert.equal(await peekToken(pow, 'reset_password', reset.token), null);
      assert.ok(await peekToken(pow, 'persistent_session', b.token));
    });

    it("user ids with separators cannot reach into other users' index", async () => {
      const weird = await createToken(pow, 'invitation', { userId: 'a:b' });
      const plain = await createToken(pow, 'invitation', { userId: 'a' });
      await revokeTokens(pow, 'invitation', 'a');
      assert.ok(await peekToken(pow, 'invitation', weird.token));
      assert.equal(await peekToken(pow, 'invitation', plain.token), null);
    });

    it('deleteToken removes a token in any state', async () => {
      const { token } = await createToken(pow, 'persistent_session', { userId: 9 });
      await consumeToken(pow, 'persistent_session', token, { keepAs: 'rotated' });
      await deleteToken(pow, 'persistent_session', token);
      assert.equal(await findToken(pow, 'persistent_session', token), null);
    });
  });
}
