import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/prisma-test-client.js';
import { createPow, memoryStore, argon2Hasher, isPowError, type PowConfig } from '../../src/runtime/index.js';

describe('createPow configuration', () => {
  let db: TestDatabase;
  let base: PowConfig;
  before(async () => {
    db = await createTestDatabase('sqlite');
    base = {
      prisma: db.prisma,
      store: memoryStore(),
      secret: 'x'.repeat(32),
      hashing: { insecureTestParameters: true },
    };
  });
  after(async () => {
    await db?.cleanup();
  });

  /** Asserts createPow throws a PowError whose message names `key`. */
  function refuses(config: unknown, key: string) {
    assert.throws(
      () => createPow(config as PowConfig),
      (error: unknown) => {
        assert.ok(isPowError(error), String(error));
        assert.equal(error.code, 'POW_CONFIG_INVALID');
        assert.ok(error.message.includes(`\`${key}\``), `"${error.message}" should name ${key}`);
        return true;
      },
    );
  }

  it('applies the documented defaults', () => {
    const pow = createPow(base);
    assert.equal(pow.userType, 'user');
    assert.equal(pow.userModel, 'User');
    assert.deepEqual(pow.userIdFields, ['email']);
    assert.deepEqual(pow.credentialFields, [], 'every field on the user model');
    assert.deepEqual(pow.extensions, []);
    assert.equal(pow.hasher.id, 'argon2id');
    assert.equal(typeof pow.clock(), 'number');
    assert.equal(Object.isFrozen(pow), true);
  });

  it('names the bad key', () => {
    refuses({ ...base, secret: 'x'.repeat(31) }, 'secret');
    refuses({ ...base, secret: undefined }, 'secret');
    refuses({ ...base, password: { minLength: 7 } }, 'password.minLength');
    refuses({ ...base, password: { maxBytes: 10 } }, 'password.maxBytes');
    refuses({ ...base, password: { minLenght: 12 } }, 'password.minLenght');
    refuses({ ...base, extensions: ['email-confirmation', 'magic-links'] }, 'extensions');
    refuses({ ...base, extensions: ['invitation', 'invitation'] }, 'extensions');
    refuses({ ...base, userModel: 'Admin' }, 'userModel');
    refuses({ ...base, prisma: {} }, 'userModel');
    refuses({ ...base, prisma: undefined }, 'prisma');
    refuses({ ...base, store: undefined }, 'store');
    refuses({ ...base, store: { get() {} } }, 'store');
    refuses({ ...base, userType: 'Admin Users' }, 'userType');
    refuses({ ...base, credentialFields: ['name'] }, 'credentialFields');
    refuses({ ...base, userIdFields: [] }, 'userIdFields');
    refuses({ ...base, userIdFields: ['email', 'email'] }, 'userIdFields');
    refuses({ ...base, userFields: ['passwordHash'] }, 'userFields');
    refuses({ ...base, userFields: ['credential'] }, 'userFields');
    refuses({ ...base, session: { idleMs: -1 } }, 'session.idleMs');
    refuses({ ...base, session: { idleMs: 60 * 60_000, absoluteMs: 30 * 60_000 } }, 'session.idleMs');
    refuses({ ...base, session: { renewGraceMs: Number.NaN } }, 'session.renewGraceMs');
    refuses(
      { ...base, hashing: { insecureTestParameters: true, hasher: argon2Hasher() } },
      'hashing.insecureTestParameters',
    );
    refuses({ ...base, hashing: { hasher: { id: 'x' } } }, 'hashing.hasher');
    refuses({ ...base, clock: 5 }, 'clock');
    refuses({ ...base, sesion: {} }, 'sesion');
  });

  it('accepts minLength 8 (the floor) but not less', () => {
    assert.ok(createPow({ ...base, password: { minLength: 8 } }));
  });

  it('refuses insecureTestParameters when NODE_ENV is production (B8)', () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      refuses(base, 'hashing.insecureTestParameters');
      assert.ok(createPow({ ...base, hashing: undefined }), 'production with default hashing is fine');
    } finally {
      process.env.NODE_ENV = previous;
    }
  });

  it('hands a configured clock to the store', async () => {
    const store = memoryStore();
    let now = 1_000;
    createPow({ ...base, store, clock: () => now });
    await store.put('ns', 'k', 1, 500);
    now = 1_600;
    assert.equal(await store.get('ns', 'k'), null);
  });
});
