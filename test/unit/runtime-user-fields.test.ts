/**
 * Typed `userFields` (src/runtime/core/user-fields.ts): the app's own required columns that
 * `pow install` adds to the sign-up form are cast to their Prisma type, and a missing or bad value
 * is a field error (never a failed query).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { castUserFields, userFieldRule } from '../../src/runtime/core/user-fields.js';
import type { FieldErrors } from '../../src/runtime/core/types.js';
import { createPow, memoryStore, isPowError } from '../../src/runtime/index.js';
import { createTestDatabase } from '../helpers/prisma-test-client.js';

const rules = [
  userFieldRule({ name: 'name', type: 'String', required: true }),
  userFieldRule({ name: 'age', type: 'Int', required: true }),
  userFieldRule({ name: 'score', type: 'Float' }),
  userFieldRule({ name: 'balance', type: 'Decimal' }),
  userFieldRule({ name: 'big', type: 'BigInt' }),
  userFieldRule({ name: 'newsletter', type: 'Boolean', required: true }),
  userFieldRule({ name: 'born', type: 'DateTime' }),
  userFieldRule('nickname'),
];

function cast(params: Record<string, unknown>, creating = true) {
  const data: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  castUserFields(rules, params, data, errors, creating);
  return {
    data,
    errors: Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, v.map((e) => e.key)])),
  };
}

test('form text becomes the column type', () => {
  const { data, errors } = cast({
    name: 'Ada',
    age: ' 36 ',
    score: '1.5',
    balance: '10.25',
    big: '9007199254740993',
    newsletter: 'on',
    born: '1815-12-10',
    nickname: 'countess',
  });
  assert.deepEqual(errors, {});
  assert.deepEqual(data, {
    name: 'Ada',
    age: 36,
    score: 1.5,
    balance: '10.25',
    big: 9007199254740993n,
    newsletter: true,
    born: new Date('1815-12-10'),
    nickname: 'countess',
  });
  // JSON bodies carry numbers and booleans as such.
  assert.deepEqual(cast({ name: 'A', age: 36, newsletter: false }).data, {
    name: 'A',
    age: 36,
    newsletter: false,
  });
});

test('a bad or missing value is a field error', () => {
  assert.deepEqual(
    cast({ name: ' ', age: 'thirty', score: 'x', balance: '1e5', big: '1.5', born: 'soon' }).errors,
    {
      name: ['errors.blank'],
      age: ['errors.not_an_integer'],
      score: ['errors.not_a_number'],
      balance: ['errors.not_a_number'],
      big: ['errors.not_an_integer'],
      born: ['errors.not_a_date'],
    },
  );
  // Out of the column's range (INTEGER is 32-bit on PostgreSQL and MySQL).
  assert.deepEqual(cast({ name: 'A', age: '2147483648' }).errors, { age: ['errors.not_an_integer'] });
  assert.deepEqual(cast({ name: 'A', age: [1] }).errors, { age: ['errors.not_an_integer'] });
  // Creating: a required field that is not sent at all is blank; an unticked checkbox is false.
  const missing = cast({});
  assert.deepEqual(missing.errors, { name: ['errors.blank'], age: ['errors.blank'] });
  assert.equal(missing.data.newsletter, false);
});

test('update: fields that are not sent stay as they are; an optional blank one becomes NULL', () => {
  assert.deepEqual(cast({ score: '' }, false), { data: { score: null }, errors: {} });
  assert.deepEqual(cast({ age: '' }, false).errors, { age: ['errors.blank'] });
});

test('createPow checks typed entries', () => {
  const db = {
    user: Object.fromEntries(
      ['findFirst', 'findMany', 'create', 'update', 'delete'].map((m) => [m, () => null]),
    ),
  };
  const base = { prisma: db, store: memoryStore(), secret: 'k'.repeat(32) };
  const refuses = (userFields: unknown, pattern: RegExp) =>
    assert.throws(
      () => createPow({ ...base, userFields } as never),
      (error: unknown) => isPowError(error) && pattern.test(error.message),
    );
  refuses([{ name: 'age', type: 'Integer' }], /gives "age" the type "Integer"/);
  refuses([{ name: 'age', type: 'Int', min: 0 }], /userFields\[\]\.min/);
  refuses(['age', { name: 'age', type: 'Int' }], /lists "age" twice/);
  createPow({ ...base, userFields: ['name', { name: 'age', type: 'Int', required: true }] });
});

test('registration with a typed required column: a field error, then a row with the cast value', async () => {
  const db = await createTestDatabase('sqlite');
  try {
    // The test schema's `role String?` stands in for an app's own required column.
    const pow = createPow({
      prisma: db.prisma,
      store: memoryStore(),
      secret: 'k'.repeat(32),
      hashing: { insecureTestParameters: true },
      userFields: [{ name: 'role', type: 'String', required: true }],
    });
    const params = {
      email: 'ada@example.com',
      password: 'mellow otter parade',
      password_confirmation: 'mellow otter parade',
    };
    const refused = await pow.users.create(params);
    assert.ok(!refused.ok);
    assert.deepEqual(Object.keys(refused.errors), ['role']);
    const created = await pow.users.create({ ...params, role: 'editor' });
    assert.ok(created.ok);
    assert.equal(created.value.role, 'editor');
  } finally {
    await db.cleanup();
  }
});
