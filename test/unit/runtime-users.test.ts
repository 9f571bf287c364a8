import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { pbkdf2Sync } from 'node:crypto';
import bcrypt from 'bcryptjs';
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
  argon2Hasher,
  memoryStore,
  isPowError,
  type PowConfig,
  type Pow,
} from '../../src/runtime/index.js';

import { missingCredentialModel } from '../../src/runtime/core/credentials.js';

const PASSWORD = 'mellow otter parade';

/** The test hasher (cheap argon2id) with call counters. */
describe('users', () => {
  let db: TestDatabase;
  let pow: Pow;
  let spy: ReturnType<typeof spyHasher>;
  let config: PowConfig;

  before(async () => {
    db = await createTestDatabase('sqlite');
  });
  after(async () => {
    await db?.cleanup();
  });
  beforeEach(async () => {
    await db.prisma.user.deleteMany();
    spy = spyHasher();
    config = {
      prisma: db.prisma,
      store: memoryStore(),
      secret: 'k'.repeat(32),
      hashing: { hasher: spy.hasher },
    };
    pow = createPow(config);
  });

  const register = (email: string, password = PASSWORD, extra: Record<string, unknown> = {}) =>
    pow.users.create({ email, password, password_confirmation: password, ...extra });

  describe('create', () => {
    it('normalises the e-mail, hashes with argon2id and never returns the hash', async () => {
      const result = await register('  Foo@Example.COM ');
      assert.ok(result.ok);
      assert.equal(result.value.email, 'foo@example.com');
      assert.equal('passwordHash' in result.value, false);
      assert.equal('credential' in result.value, false);
      assert.match(await storedHashOf(db.prisma, result.value.id), /^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
      const row = await db.prisma.user.findFirst({ where: { id: result.value.id } });
      assert.equal('passwordHash' in row, false, 'the User row itself holds no hash');
      assert.equal(JSON.stringify(result.value).includes(PASSWORD), false);
    });

    it('refuses a taken e-mail in any case with errors.taken; one row remains', async () => {
      assert.ok((await register('taken@example.com')).ok);
      const again = await register('  TAKEN@example.com');
      assert.equal(again.ok, false);
      assert.deepEqual(!again.ok && again.errors, {
        email: [{ key: 'errors.taken', message: 'has already been taken' }],
      });
      assert.equal(await db.prisma.user.count(), 1);
    });

    it('validates confirmation, blank fields and e-mail format; creates nothing', async () => {
      const mismatch = await pow.users.create({
        email: 'a@example.com',
        password: PASSWORD,
        password_confirmation: PASSWORD + '!',
      });
      assert.deepEqual(!mismatch.ok && mismatch.errors.password_confirmation.map((e) => [e.key, e.message]), [
        ['errors.confirmation', 'does not match confirmation'],
      ]);
      const missing = await pow.users.create({ email: 'a@example.com', password: PASSWORD });
      assert.deepEqual(!missing.ok && missing.errors.password_confirmation.map((e) => e.key), [
        'errors.blank',
      ]);
      const blank = await pow.users.create({});
      assert.deepEqual(!blank.ok && Object.keys(blank.errors).sort(), [
        'email',
        'password',
        'password_confirmation',
      ]);
      const badEmail = await register('not-an-email');
      assert.deepEqual(!badEmail.ok && badEmail.errors.email.map((e) => e.key), ['errors.invalid_email']);
      const short = await register('b@example.com', 'kayak river 12');
      assert.deepEqual(!short.ok && short.errors.password, [
        { key: 'errors.too_short', params: { count: 15 }, message: 'should be at least 15 character(s)' },
      ]);
      // All errors at once: the mismatch is reported while the password is still too short.
      const shortAndMismatched = await pow.users.create({
        email: 'c@example.com',
        password: 'kayak river 12',
        password_confirmation: 'kayak river 13',
      });
      assert.deepEqual(
        !shortAndMismatched.ok &&
          Object.fromEntries(
            Object.entries(shortAndMismatched.errors).map(([field, list]) => [field, list.map((e) => e.key)]),
          ),
        { password: ['errors.too_short'], password_confirmation: ['errors.confirmation'] },
      );
      assert.equal(await db.prisma.user.count(), 0);
      assert.equal(spy.calls.hash, 0, 'no hashing on invalid input');
    });

    it('a password over the byte cap is a field error and the hasher is never called (A2)', async () => {
      const huge = 'x'.repeat(4097);
      const result = await register('big@example.com', huge);
      assert.deepEqual(!result.ok && result.errors.password.map((e) => [e.key, e.params]), [
        ['errors.too_long_bytes', { count: 4096 }],
      ]);
      assert.equal(await pow.users.authenticate('big@example.com', 'y'.repeat(100_000)), null);
      assert.deepEqual(spy.calls, { hash: 0, verify: 0 });
    });

    it('accepts 64-character and 200-character passphrases that round-trip (A2), unchanged (A7)', async () => {
      const p64 = 'correct-otter-'.repeat(5).slice(0, 60) + ' 64!';
      const p200 = (
        'in the quiet harbor the old lighthouse keeper counts ships ' + 'and tides '.repeat(20)
      ).slice(0, 200);
      assert.equal(p64.length, 64);
      assert.equal(p200.length, 200);
      assert.ok((await register('p64@example.com', p64)).ok);
      assert.ok((await register('p200@example.com', p200)).ok);
      assert.ok(await pow.users.authenticate('p64@example.com', p64));
      assert.ok(await pow.users.authenticate('p200@example.com', p200));
      const spaced = '  padded passphrase here  ';
      assert.ok((await register('spaced@example.com', spaced)).ok);
      assert.ok(await pow.users.authenticate('spaced@example.com', spaced));
      assert.equal(await pow.users.authenticate('spaced@example.com', spaced.trim()), null, 'not trimmed');
      assert.equal(
        await pow.users.authenticate('spaced@example.com', spaced.toUpperCase()),
        null,
        'case matters',
      );
    });

    it('ignores params that are not allowed (mass assignment); userFields opts columns in', async () => {
      const result = await register('mass@example.com', PASSWORD, {
        role: 'admin',
        id: 999,
        passwordHash: 'x',
        credential: { create: { passwordHash: 'x' } },
      });
      assert.ok(result.ok);
      assert.notEqual(result.value.id, 999);
      assert.match(await storedHashOf(db.prisma, result.value.id), /^\$argon2id\$/);
      assert.equal(result.value.role, null);
      const withRole = createPow({ ...config, userFields: ['role'] });
      const ok = await withRole.users.create({
        email: 'role@example.com',
        password: PASSWORD,
        password_confirmation: PASSWORD,
        role: 'editor',
      });
      assert.equal(ok.ok && ok.value.role, 'editor');
    });

    it('refuses common passwords and the e-mail as password', async () => {
      const common = await register('c@example.com', 'passwordpassword');
      assert.deepEqual(!common.ok && common.errors.password.map((e) => e.key), ['errors.common_password']);
      const own = await register('longlocalpart@example.com', 'longlocalpart@example.com');
      assert.deepEqual(!own.ok && own.errors.password.map((e) => e.key), ['errors.common_password']);
    });

    it('createUser (for seeds) fills the confirmation and throws a readable PowError', async () => {
      const user = await createUser(pow, { email: 'Seed@Example.com', password: PASSWORD });
      assert.equal(user.email, 'seed@example.com');
      await assert.rejects(
        createUser(pow, { email: 'seed@example.com', password: 'short' }),
        (error: unknown) => {
          assert.ok(isPowError(error));
          assert.equal(error.code, 'POW_USER_INVALID');
          assert.match(error.message, /password should be at least 15 character/);
          return true;
        },
      );
    });
  });

  describe('authenticate', () => {
    it('signs in case- and whitespace-insensitively on the identifier', async () => {
      await register('alice@example.com');
      const user = await pow.users.authenticate('  ALICE@example.COM ', PASSWORD);
      assert.equal(user?.email, 'alice@example.com');
      assert.equal(user && 'passwordHash' in user, false);
      assert.equal(user && 'credential' in user, false);
    });

    it('wrong password, unknown user, missing password and passwordless user: same null, exactly one verify each (C2, row 69)', async () => {
      await register('bob@example.com');
      await db.prisma.user.create({ data: { email: 'invited@example.com' } });
      await pow.users.authenticate('warm-up@example.com', 'x'); // creates the dummy hash once
      const cases: Array<[string, unknown]> = [
        ['bob@example.com', 'wrong password here'],
        ['nobody@example.com', PASSWORD],
        ['bob@example.com', undefined],
        ['nobody@example.com', undefined],
        ['invited@example.com', PASSWORD],
        ['', PASSWORD],
        [undefined as unknown as string, PASSWORD],
      ];
      for (const [identifier, password] of cases) {
        spy.reset();
        const result = await pow.users.authenticate(identifier, password as string);
        assert.equal(result, null, `${identifier}/${String(password)}`);
        assert.deepEqual(spy.calls, { hash: 0, verify: 1 }, `${identifier}/${String(password)}`);
      }
      spy.reset();
      assert.ok(await pow.users.authenticate('bob@example.com', PASSWORD));
      assert.deepEqual(spy.calls, { hash: 0, verify: 1 });
    });

    it('rehashes outdated argon2 parameters on success, never on failure (B3)', async () => {
      const weak = await argon2Hasher({ memoryCost: 256, timeCost: 1, allowWeak: true }).hash(PASSWORD);
      const row = await createUserWithHash(db.prisma, { email: 'old@example.com' }, weak);
      assert.equal(await pow.users.authenticate('old@example.com', 'wrong password!!'), null);
      assert.equal(await storedHashOf(db.prisma, row.id), weak, 'failure leaves the hash');
      const signedIn = await pow.users.authenticate('old@example.com', PASSWORD);
      assert.ok(signedIn);
      assert.equal('credential' in signedIn, false, 'the rehash write returns no credential');
      const upgraded = await storedHashOf(db.prisma, row.id);
      assert.match(upgraded, /^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
      assert.ok(await pow.users.authenticate('old@example.com', PASSWORD), 'the new hash verifies');
    });

    it('imported Pow PBKDF2 and bcrypt hashes sign in once, then are argon2id (B3, row 21)', async () => {
      const pbkdf2 =
        '$pbkdf2-sha512$1$MDEyMzQ1Njc4OWFiY2RlZg==$ZF3zWgP09zwFYfmVusWU3ar+OsrLdl/AG1eudqV0ruCZZODwgDkAxXZNWl5gvcegwO2/Hgc0BfP3v32HLgABGg==';
      const salt = Buffer.from('0123456789abcdef');
      const powDefault = `$pbkdf2-sha512$100000$${salt.toString('base64')}$${pbkdf2Sync('pow import', salt, 100_000, 64, 'sha512').toString('base64')}`;
      await createUserWithHash(db.prisma, { email: 'elixir@example.com' }, pbkdf2);
      await createUserWithHash(db.prisma, { email: 'elixir2@example.com' }, powDefault);
      await createUserWithHash(
        db.prisma,
        { email: 'rails@example.com' },
        await bcrypt.hash('bcrypt import pw', 4),
      );
      const hashOf = async (email: string) =>
        storedHashOf(db.prisma, (await db.prisma.user.findFirst({ where: { email } })).id);
      for (const [email, password] of [
        ['elixir@example.com', 'secret1234'],
        ['elixir2@example.com', 'pow import'],
        ['rails@example.com', 'bcrypt import pw'],
      ]) {
        assert.equal(await pow.users.authenticate(email, password + 'x'), null);
        assert.doesNotMatch(await hashOf(email), /^\$argon2id/);
        assert.ok(await pow.users.authenticate(email, password), email);
        assert.match(await hashOf(email), /^\$argon2id\$/);
        assert.ok(await pow.users.authenticate(email, password), `${email} after rehash`);
      }
    });
  });

  describe('update, setPassword, getBy, delete', () => {
    it('changing the e-mail or password needs the right current password (A11, row 28)', async () => {
      const created = await register('carol@example.com');
      assert.ok(created.ok);
      const user = created.value;
      const hashBefore = await storedHashOf(db.prisma, user.id);
      const noCurrent = await pow.users.update(user, { email: 'carol2@example.com' });
      assert.deepEqual(!noCurrent.ok && noCurrent.errors, {
        current_password: [{ key: 'errors.blank', message: "can't be blank" }],
      });
      const wrong = await pow.users.update(user, {
        password: 'a brand new passphrase',
        password_confirmation: 'a brand new passphrase',
        current_password: 'nope nope nope',
      });
      assert.deepEqual(!wrong.ok && wrong.errors.current_password.map((e) => [e.key, e.message]), [
        ['errors.invalid_current_password', 'is invalid'],
      ]);
      assert.equal(await storedHashOf(db.prisma, user.id), hashBefore, 'hash unchanged');
      const mismatch = await pow.users.update(user, {
        password: 'a brand new passphrase',
        password_confirmation: 'other',
        current_password: PASSWORD,
      });
      assert.deepEqual(!mismatch.ok && mismatch.errors.password_confirmation.map((e) => e.key), [
        'errors.confirmation',
      ]);
      const ok = await pow.users.update(user, {
        email: ' Carol2@Example.com',
        password: 'a brand new passphrase',
        password_confirmation: 'a brand new passphrase',
        current_password: PASSWORD,
      });
      assert.ok(ok.ok);
      assert.equal(ok.value.email, 'carol2@example.com');
      assert.equal('passwordHash' in ok.value, false);
      assert.equal('credential' in ok.value, false);
      assert.equal(await pow.users.authenticate('carol2@example.com', PASSWORD), null);
      assert.ok(await pow.users.authenticate('carol2@example.com', 'a brand new passphrase'));
    });

    // Issue 16, defect 5: an update that changed nothing passed with a blank or wrong current
    // password and the account form said "Your account has been updated.".
    it('every update needs the right current password, even one that changes nothing (Pow; issue 16, defect 5)', async () => {
      const created = await register('nina@example.com');
      assert.ok(created.ok);
      const keys = (result: Awaited<ReturnType<Pow['users']['update']>>) =>
        !result.ok && result.errors.current_password?.map((e) => e.key);
      const nothing = { email: 'nina@example.com', password: '' };
      assert.deepEqual(keys(await pow.users.update(created.value, nothing)), ['errors.blank']);
      assert.deepEqual(keys(await pow.users.update(created.value, { ...nothing, current_password: '' })), [
        'errors.blank',
      ]);
      assert.deepEqual(
        keys(await pow.users.update(created.value, { ...nothing, current_password: 'wrong wrong wrong' })),
        ['errors.invalid_current_password'],
      );
      assert.deepEqual(keys(await pow.users.update(created.value, {})), ['errors.blank']);
      assert.ok((await pow.users.update(created.value, { ...nothing, current_password: PASSWORD })).ok);
    });

    it('plain fields need the current password too; a taken e-mail is errors.taken', async () => {
      const withRole = createPow({ ...config, userFields: ['role'] });
      const a = await withRole.users.create({
        email: 'dan@example.com',
        password: PASSWORD,
        password_confirmation: PASSWORD,
      });
      await register('erin@example.com');
      assert.ok(a.ok);
      const params = { email: 'DAN@example.com', role: 'editor', password: '' };
      const refused = await withRole.users.update(a.value, params);
      assert.deepEqual(!refused.ok && Object.keys(refused.errors), ['current_password']);
      const same = await withRole.users.update(a.value, { ...params, current_password: PASSWORD });
      assert.ok(same.ok);
      assert.equal(same.value.role, 'editor');
      const taken = await withRole.users.update(a.value, {
        email: 'erin@example.com',
        current_password: PASSWORD,
      });
      assert.deepEqual(!taken.ok && taken.errors.email.map((e) => e.key), ['errors.taken']);
    });

    it('setPassword (scripts) validates without the current password', async () => {
      const created = await register('frank@example.com');
      assert.ok(created.ok);
      const bad = await pow.users.setPassword(created.value, 'short');
      assert.equal(bad.ok, false);
      const ok = await pow.users.setPassword(created.value, 'script chosen passphrase');
      assert.ok(ok.ok);
      assert.equal('passwordHash' in ok.value, false);
      assert.equal('credential' in ok.value, false);
      assert.ok(await pow.users.authenticate('frank@example.com', 'script chosen passphrase'));
      assert.equal(await pow.users.authenticate('frank@example.com', PASSWORD), null);
    });

    it('getBy normalises user ids, strips the hash and refuses undefined filters', async () => {
      const created = await register('grace@example.com');
      assert.ok(created.ok);
      const found = await pow.users.getBy({ email: ' GRACE@example.com' });
      assert.equal(found?.id, created.value.id);
      assert.equal(found && 'passwordHash' in found, false);
      assert.equal((await pow.users.getBy({ id: created.value.id }))?.email, 'grace@example.com');
      assert.equal(await pow.users.getBy({ email: undefined }), null, 'never "the first user"');
      assert.equal(await pow.users.getBy({}), null);
      assert.equal(await pow.users.getBy({ email: 'nobody@example.com' }), null);
    });

    it('delete removes the row and its credential (twice is fine)', async () => {
      const created = await register('heidi@example.com');
      assert.ok(created.ok);
      await pow.users.delete(created.value);
      await pow.users.delete(created.value);
      assert.equal(await db.prisma.user.count(), 0);
      assert.equal(await db.prisma.userCredential.count(), 0, 'onDelete: Cascade');
    });
  });

  describe('several user id fields', () => {
    let multi: Pow;
    beforeEach(() => {
      multi = createPow({ ...config, userIdFields: ['email', 'username', 'phone'] });
    });
    const create = (params: Record<string, unknown>) =>
      multi.users.create({ password: PASSWORD, password_confirmation: PASSWORD, ...params });

    it('one identifier typed into one field matches any of them, with one query and one verify', async () => {
      const ivan = await create({
        email: 'ivan@example.com',
        username: ' Ivan_T ',
        phone: '+49 170 1234567',
      });
      assert.ok(ivan.ok);
      assert.equal(ivan.value.username, 'ivan_t');
      assert.equal(ivan.value.phone, '+491701234567');
      for (const identifier of ['IVAN@example.com', 'ivan_T', '+49 (170) 123-4567', '+491701234567']) {
        spy.reset();
        assert.equal((await multi.users.authenticate(identifier, PASSWORD))?.id, ivan.value.id, identifier);
        assert.equal(spy.calls.verify, 1);
      }
      spy.reset();
      assert.equal(await multi.users.authenticate('ivan_t', 'wrong password here'), null);
      assert.equal(await multi.users.authenticate('nobody', PASSWORD), null);
      assert.equal(spy.calls.verify, 2);
    });

    it('the first field is required, the others optional; formats are checked; uniqueness per field', async () => {
      const noEmail = await create({ username: 'judy' });
      assert.deepEqual(!noEmail.ok && Object.keys(noEmail.errors), ['email']);
      const minimal = await create({ email: 'judy@example.com', username: '', phone: null });
      assert.ok(minimal.ok);
      assert.equal(minimal.value.username, null);
      const badUsername = await create({ email: 'k@example.com', username: 'has@sign' });
      assert.deepEqual(!badUsername.ok && badUsername.errors.username.map((e) => e.key), [
        'errors.invalid_format',
      ]);
      const badPhone = await create({ email: 'k@example.com', phone: 'call me' });
      assert.deepEqual(!badPhone.ok && badPhone.errors.phone.map((e) => e.key), ['errors.invalid_phone']);
      assert.ok((await create({ email: 'kim@example.com', username: 'kim' })).ok);
      const takenUsername = await create({ email: 'kim2@example.com', username: 'KIM' });
      assert.deepEqual(!takenUsername.ok && takenUsername.errors, {
        username: [{ key: 'errors.taken', message: 'has already been taken' }],
      });
    });

    it('when fields of different users match, the earlier field wins', async () => {
      const a = await create({ email: 'lee@example.com', phone: '5551234' });
      const b = await create({ email: 'mo@example.com', username: '5551234' });
      assert.ok(a.ok && b.ok);
      assert.equal(
        (await multi.users.authenticate('5551234', PASSWORD))?.id,
        b.value.id,
        'username comes before phone',
      );
    });
  });
});

describe('a Prisma client without the credential relation', () => {
  it('is explained as POW_CREDENTIAL_MODEL_MISSING with the commands to run', () => {
    // The error Prisma Client raises for `include: { credential: ... }` on a client generated
    // before `pow install` added UserCredential (its message, abridged).
    const prismaError = Object.assign(
      new Error(
        'Unknown field `credential` for include statement on model `User`. Available options are marked with ?.',
      ),
      { name: 'PrismaClientValidationError' },
    );
    const explained = missingCredentialModel(prismaError, 'Admin');
    assert.ok(isPowError(explained));
    assert.equal(explained.code, 'POW_CREDENTIAL_MODEL_MISSING');
    assert.match(
      explained.message,
      /Admin\.credential: pow keeps password hashes in the model AdminCredential/,
    );
    assert.match(explained.fix ?? '', /npx pow install.*npx pow migrate.*npx prisma generate/);
    assert.equal(
      missingCredentialModel(new Error('Unknown field `credential`'), 'User'),
      null,
      'only Prisma validation errors',
    );
  });
});
