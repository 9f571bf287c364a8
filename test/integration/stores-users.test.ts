/**
 * User operations against each real database: the unique index decides races (C9), and Prisma's
 * P2002 is mapped to `errors.taken` on the right field whatever the driver adapter reports.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createTestDatabase,
  storedHashOf,
  type Provider,
  type TestDatabase,
} from '../helpers/prisma-test-client.js';
import { createPow, memoryStore, type Pow } from '../../src/runtime/index.js';

const PASSWORD = 'harbor lantern mosaic';

for (const provider of ['sqlite', 'postgresql', 'mysql'] as Provider[]) {
  describe(`users on ${provider}`, () => {
    let db: TestDatabase;
    let pow: Pow;
    before(async () => {
      db = await createTestDatabase(provider);
      pow = createPow({
        prisma: db.prisma,
        store: memoryStore(),
        secret: 'k'.repeat(32),
        userIdFields: ['email', 'username', 'phone'],
        hashing: { insecureTestParameters: true },
      });
    });
    after(async () => {
      await db?.cleanup();
    });

    it('concurrent registrations differing only in case: exactly one row, the rest errors.taken (C9)', async () => {
      const variants = [
        'race@example.com',
        'RACE@example.com',
        'Race@Example.com',
        ' race@EXAMPLE.com',
        'rAcE@example.COM',
        'RACE@EXAMPLE.COM',
      ];
      const results = await Promise.all(
        variants.map((email) =>
          pow.users.create({ email, password: PASSWORD, password_confirmation: PASSWORD }),
        ),
      );
      assert.equal(results.filter((r) => r.ok).length, 1);
      for (const r of results.filter((x) => !x.ok)) {
        assert.deepEqual(!r.ok && r.errors, {
          email: [{ key: 'errors.taken', message: 'has already been taken' }],
        });
      }
      assert.equal(await db.prisma.user.count({ where: { email: 'race@example.com' } }), 1);
      assert.equal(await db.prisma.user.count(), 1);
    });

    it('maps a unique violation to the field that caused it (username, phone)', async () => {
      assert.ok(
        (
          await pow.users.create({
            email: 'one@example.com',
            username: 'uno',
            phone: '+15550001',
            password: PASSWORD,
            password_confirmation: PASSWORD,
          })
        ).ok,
      );
      const byUsername = await pow.users.create({
        email: 'two@example.com',
        username: 'UNO',
        password: PASSWORD,
        password_confirmation: PASSWORD,
      });
      assert.deepEqual(!byUsername.ok && Object.keys(byUsername.errors), ['username']);
      const byPhone = await pow.users.create({
        email: 'three@example.com',
        phone: '+1 555 0001',
        password: PASSWORD,
        password_confirmation: PASSWORD,
      });
      assert.deepEqual(!byPhone.ok && Object.keys(byPhone.errors), ['phone']);
    });

    it("after sign-up, the app's own queries of whole rows carry no hash: findMany, include of the author, the row create returns", async () => {
      const signedUp = await pow.users.create({
        email: 'leak@example.com',
        password: PASSWORD,
        password_confirmation: PASSWORD,
      });
      assert.ok(signedUp.ok);
      const id = signedUp.value.id;
      // What an app's JSON API does: whole rows, related rows, the row a write returns.
      const responses = {
        findMany: await db.prisma.user.findMany(),
        findFirst: await db.prisma.user.findFirst({ where: { id } }),
        post: await db.prisma.post.create({
          data: { title: 'Hello', authorId: id },
          include: { author: true },
        }),
        postWithAuthor: await db.prisma.post.findFirst({ include: { author: true } }),
        userWithPosts: await db.prisma.user.findFirst({ where: { id }, include: { posts: true } }),
        created: await db.prisma.user.create({ data: { email: 'app-made@example.com' } }),
        updated: await db.prisma.user.update({ where: { id }, data: { role: 'editor' } }),
      };
      const json = JSON.stringify(responses);
      assert.doesNotMatch(json, /argon2|passwordHash|credential/, json);
      assert.equal(responses.postWithAuthor.author.email, 'leak@example.com');
      // The hash is there, but only for a query that names the relation.
      const explicit = await db.prisma.user.findFirst({ where: { id }, include: { credential: true } });
      assert.match(explicit.credential.passwordHash, /^\$argon2id\$/);
      await db.prisma.post.deleteMany();
      await db.prisma.user.deleteMany({
        where: { email: { in: ['leak@example.com', 'app-made@example.com'] } },
      });
    });

    it('signs in by any identifier and stores one argon2id hash, in UserCredential only', async () => {
      const user = await pow.users.authenticate(' UNO ', PASSWORD);
      assert.equal(user?.email, 'one@example.com');
      const row = await db.prisma.user.findFirst({ where: { email: 'one@example.com' } });
      assert.equal('passwordHash' in row, false);
      assert.match(await storedHashOf(db.prisma, row.id), /^\$argon2id\$/);
      assert.equal(await db.prisma.userCredential.count({ where: { userId: row.id } }), 1);
    });
  });
}
