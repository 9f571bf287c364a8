/**
 * Security bar A5: passwords are NFKC-normalised the same way on every path that hashes or
 * verifies one (registration, sign-in, password change, setPassword, createUser), so a password
 * registered in NFC form verifies when typed in NFD form. Hashes made before normalisation (of
 * the password as typed) still verify, and are rehashed at the next successful check. Real
 * users on a real SQLite database (test/helpers/prisma-test-client.ts); no mocks.
 */
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  createTestDatabase,
  createUserWithHash,
  storedHashOf,
  type TestDatabase,
} from '../helpers/prisma-test-client.js';
import { spyHasher } from '../helpers/spy-hasher.js';
import {
  createPow,
  createUser,
  memoryStore,
  normalizePassword,
  validatePassword,
  type Pow,
} from '../../src/runtime/index.js';
import type { FieldErrors } from '../../src/runtime/core/types.js';

/** "Crème brûlée, façade, naïve, Ångström" in precomposed (NFC) and decomposed (NFD) forms. */
const NFC = 'Crème brûlée, façade, naïve, Ångström'.normalize('NFC');
const NFD = NFC.normalize('NFD');
/** Full-width Latin letters: NFKC (not NFC) maps them to ASCII. */
const FULL_WIDTH = 'ｍｅｌｌｏｗ ｏｔｔｅｒ ｐａｒａｄｅ';
const ASCII = 'mellow otter parade';

describe('password normalisation (A5)', () => {
  let db: TestDatabase;
  let pow: Pow;
  let spy: ReturnType<typeof spyHasher>;

  before(async () => {
    db = await createTestDatabase('sqlite');
  });
  after(async () => {
    await db?.cleanup();
  });
  beforeEach(async () => {
    await db.prisma.user.deleteMany();
    spy = spyHasher();
    pow = createPow({
      prisma: db.prisma,
      store: memoryStore(),
      secret: 'k'.repeat(32),
      hashing: { hasher: spy.hasher },
    });
  });

  const register = (email: string, password: string, confirmation = password) =>
    pow.users.create({ email, password, password_confirmation: confirmation });
  const storedHash = async (email: string): Promise<string> =>
    storedHashOf(db.prisma, (await db.prisma.user.findFirst({ where: { email } })).id);

  it('the test strings really differ before normalisation', () => {
    assert.notEqual(NFC, NFD);
    assert.equal(NFC.normalize('NFKC'), NFD.normalize('NFKC'));
    assert.equal(FULL_WIDTH.normalize('NFKC'), ASCII);
    assert.equal(normalizePassword(NFD), NFC.normalize('NFKC'));
  });

  it('a password registered in NFC form signs in when typed in NFD form, and the other way round', async () => {
    assert.ok((await register('nfc@example.com', NFC)).ok);
    assert.ok((await register('nfd@example.com', NFD)).ok);
    assert.deepEqual(spy.seen, [normalizePassword(NFC), normalizePassword(NFC)], 'the NFKC form is hashed');
    await pow.users.authenticate('warm-up@example.com', 'x'); // creates the dummy hash once
    for (const email of ['nfc@example.com', 'nfd@example.com']) {
      for (const typed of [NFC, NFD]) {
        spy.reset();
        assert.equal((await pow.users.authenticate(email, typed))?.email, email, `${email} typed as NFC/NFD`);
        assert.equal(spy.calls.hash, 0, 'a normalised hash is never rehashed');
      }
      assert.equal(await pow.users.authenticate(email, NFC.toUpperCase()), null, 'case still matters (A7)');
      assert.equal(await pow.users.authenticate(email, `${NFC} `), null, 'spaces still matter (A7)');
    }
  });

  it('compatibility forms (NFKC, not just NFC) are the same password', async () => {
    assert.ok((await register('wide@example.com', FULL_WIDTH)).ok);
    assert.ok(await pow.users.authenticate('wide@example.com', ASCII));
    assert.ok(await pow.users.authenticate('wide@example.com', FULL_WIDTH));
  });

  it('the confirmation may be typed in another normal form', async () => {
    assert.ok((await register('confirm@example.com', NFC, NFD)).ok);
    const other = await register('other@example.com', NFC, `${NFC}!`);
    assert.deepEqual(!other.ok && other.errors.password_confirmation.map((e) => e.key), [
      'errors.confirmation',
    ]);
  });

  it('length is counted in code points of the NFKC form', () => {
    const policy = { minLength: 15, maxBytes: 4096, blocklist: false };
    const check = (password: string) => {
      const errors: FieldErrors = {};
      return { ok: validatePassword(password, policy, errors), keys: errors.password?.map((e) => e.key) };
    };
    // 14 × "é": 28 code points in NFD, 14 after NFKC.
    assert.deepEqual(check('é'.repeat(14).normalize('NFD')).keys, ['errors.too_short']);
    assert.equal(check('é'.repeat(15).normalize('NFD')).ok, true);
    // 5 × "ﬃ" (U+FB03): 5 code points as typed, "ffi" × 5 = 15 after NFKC.
    assert.equal(check('\uFB03'.repeat(5)).ok, true);
    assert.deepEqual(check('\uFB03'.repeat(4)).keys, ['errors.too_short']);
    // The byte cap applies to the input and to the (possibly longer) NFKC form.
    const cap = { ...policy, maxBytes: 20 };
    const capped: FieldErrors = {};
    assert.equal(validatePassword('\uFB03'.repeat(6), { ...cap, minLength: 8 }, capped), true, '18 bytes');
    assert.equal(validatePassword('\uFDFA', { ...cap, minLength: 1 }, capped), false, '3 bytes → 33 bytes');
    assert.deepEqual(
      capped.password?.map((e) => e.key),
      ['errors.too_long_bytes'],
    );
  });

  it('wrong passwords: the number of verifies depends on the input only, not on the account', async () => {
    assert.ok((await register('known@example.com', NFC)).ok);
    await pow.users.authenticate('warm-up@example.com', 'x'); // creates the dummy hash once
    for (const [typed, verifies] of [
      ['an ascii wrong password', 1],
      [`${NFD} wrong`, 2], // not in NFKC: the as-typed form is tried too
    ] as const) {
      for (const identifier of ['known@example.com', 'nobody@example.com']) {
        spy.reset();
        assert.equal(await pow.users.authenticate(identifier, typed), null);
        assert.deepEqual(spy.calls, { hash: 0, verify: verifies }, `${identifier}: ${typed}`);
      }
      // A refusal that checks nothing (a locked account) costs the same.
      spy.reset();
      await pow.users.spendVerify(typed);
      assert.deepEqual(spy.calls, { hash: 0, verify: verifies }, `spendVerify: ${typed}`);
    }
  });

  it('a legacy hash of the un-normalised password still verifies, then is rehashed (sign-in)', async () => {
    // A pre-existing user whose password was hashed as typed (NFD), before normalisation.
    const legacy = await spy.inner.hash(NFD);
    await createUserWithHash(db.prisma, { email: 'legacy@example.com' }, legacy);
    assert.equal(await pow.users.authenticate('legacy@example.com', `${NFD}x`), null);
    assert.equal(await storedHash('legacy@example.com'), legacy, 'a failure leaves the hash');

    await pow.users.authenticate('warm-up@example.com', 'x'); // creates the dummy hash once
    spy.reset();
    assert.equal((await pow.users.authenticate('legacy@example.com', NFD))?.email, 'legacy@example.com');
    assert.deepEqual(spy.calls, { hash: 1, verify: 2 }, 'NFKC form, then the input as typed, then a rehash');
    const upgraded = await storedHash('legacy@example.com');
    assert.notEqual(upgraded, legacy);
    assert.equal(await spy.inner.verify(upgraded, normalizePassword(NFD)), true, 'the new hash is of NFKC');
    assert.equal(await spy.inner.verify(upgraded, NFD), false);

    spy.reset();
    assert.ok(await pow.users.authenticate('legacy@example.com', NFC), 'now any normal form signs in');
    assert.ok(await pow.users.authenticate('legacy@example.com', NFD));
    assert.deepEqual(spy.calls, { hash: 0, verify: 2 }, 'one verify each, no further rehash');
  });

  it('a legacy hash is accepted as the current password and upgraded by a change', async () => {
    const legacy = await spy.inner.hash(NFD);
    const row = await createUserWithHash(db.prisma, { email: 'change@example.com' }, legacy);
    const result = await pow.users.update(row, { email: 'changed@example.com', current_password: NFD });
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    const upgraded = await storedHash('changed@example.com');
    assert.notEqual(upgraded, legacy);
    assert.ok(await pow.users.authenticate('changed@example.com', NFC));
  });

  it('password change, setPassword and createUser hash the NFKC form; the current password may be typed in any form', async () => {
    const created = await register('paths@example.com', ASCII);
    assert.ok(created.ok);
    const changed = await pow.users.update(created.value, {
      password: NFD,
      password_confirmation: NFC,
      current_password: FULL_WIDTH,
    });
    assert.ok(changed.ok, JSON.stringify(!changed.ok && changed.errors));
    assert.ok(await pow.users.authenticate('paths@example.com', NFC), 'changed in NFD, signs in with NFC');
    assert.equal(await pow.users.authenticate('paths@example.com', ASCII), null, 'the old one is gone');

    const set = await pow.users.setPassword(created.value, FULL_WIDTH);
    assert.ok(set.ok);
    assert.ok(await pow.users.authenticate('paths@example.com', ASCII), 'setPassword normalises');

    await createUser(pow, { email: 'seed@example.com', password: NFD });
    assert.ok(await pow.users.authenticate('seed@example.com', NFC), 'createUser normalises');

    const hashed = spy.seen.filter((p) => p !== ASCII);
    assert.ok(hashed.length >= 3);
    for (const p of spy.seen) assert.equal(p, normalizePassword(p), 'only NFKC forms reach the hasher');
  });
});
