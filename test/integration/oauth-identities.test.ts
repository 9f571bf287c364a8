/**
 * Provider identities on real databases (SQLite, PostgreSQL, MariaDB): linking is unique per
 * provider and provider id (the index decides races), and the last way to sign in cannot be
 * unlinked, not even by two unlinks at once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type Provider, type TestDatabase } from '../helpers/prisma-test-client.js';
import { createIdentityStore, type IdentityStore } from '../../src/runtime/oauth/identities.js';

for (const provider of ['sqlite', 'postgresql', 'mysql'] as Provider[]) {
  describe(`provider identities on ${provider}`, () => {
    let db: TestDatabase;
    let store: IdentityStore;
    const user = async (email: string) =>
      ((await db.prisma.user.create({ data: { email } })) as { id: number }).id;

    before(async () => {
      db = await createTestDatabase(provider);
      store = createIdentityStore(db.prisma, 'User');
    });
    after(() => db.cleanup());

    test('an identity links to one user only, also under parallel attempts', async () => {
      const ann = await user('ann@example.com');
      const bob = await user('bob@example.com');
      const results = await Promise.all([
        store.link(ann, { provider: 'github', subject: '42' }),
        store.link(bob, { provider: 'github', subject: '42' }),
      ]);
      assert.deepEqual(results.map((r) => r.ok).sort(), [false, true]);
      const owner = await store.ownerOf('github', '42');
      assert.ok(owner === ann || owner === bob);
      assert.equal(await store.ownerOf('github', '43'), null);
      assert.equal(
        await store.ownerOf('google', '42'),
        null,
        'the same id at another provider is another identity',
      );
    });

    test('the last way to sign in stays, even with two unlinks at once', async () => {
      const cid = await user('cid@example.com');
      await store.link(cid, { provider: 'github', subject: 'c-1' });
      await store.link(cid, { provider: 'acme', subject: 'c-2' });
      const both = await Promise.all([store.unlink(cid, 'github', false), store.unlink(cid, 'acme', false)]);
      let left = await store.listFor(cid);
      assert.ok(left.length >= 1, 'at least one identity remains');
      assert.equal(both.filter((r) => r.ok).length, 2 - left.length);
      while (left.length > 1) {
        assert.deepEqual(await store.unlink(cid, left[0]!.provider, false), { ok: true });
        left = await store.listFor(cid);
      }
      const last = left[0]!.provider;
      assert.deepEqual(await store.unlink(cid, last, false), { ok: false, reason: 'last_sign_in_method' });
      assert.deepEqual(await store.unlink(cid, last, true), { ok: true }, 'with a password it may go');
      assert.deepEqual(await store.unlink(cid, last, true), { ok: false, reason: 'not_linked' });
    });

    test('deleting the user deletes its identities', async () => {
      const dee = await user('dee@example.com');
      await store.link(dee, { provider: 'github', subject: 'd-1' });
      await db.prisma.user.delete({ where: { id: dee } });
      assert.equal(await store.ownerOf('github', 'd-1'), null);
    });
  });
}

test('a client without the identity model gets a fix', () => {
  assert.throws(
    () => createIdentityStore({ user: {} }, 'User'),
    (error: { code?: string; fix?: string }) =>
      error.code === 'POW_IDENTITY_MODEL_MISSING' && /pow install --extension oauth/.test(error.fix ?? ''),
  );
});
