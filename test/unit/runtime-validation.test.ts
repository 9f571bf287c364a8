import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  isValidEmail,
  normalizeUserId,
  isCommonPassword,
  validatePassword,
} from '../../src/runtime/index.js';
import type { FieldErrors } from '../../src/runtime/core/types.js';

describe('e-mail format (Pow rules, checklist row 17)', () => {
  const valid = [
    'a@b.c',
    '"quoted"@x.io',
    'ü@exämple.de',
    'user@localhost',
    'first.last+tag@example.co.uk',
    "o'hara@example.com",
    '(comment)john@example.com',
    'x@a-b.io',
  ];
  const invalid = [
    'a..b@x.io',
    '@x.io',
    'a@-x.io',
    'a@x-.io',
    'a@x.123',
    'a@[1.2.3.4]',
    `${'l'.repeat(65)}@x.io`,
    'plain',
    'a@',
    '.a@x.io',
    'a.@x.io',
    'a b@x.io',
    'a@x..io',
    `a@${'d'.repeat(64)}.io`,
  ];
  for (const email of valid) it(`accepts ${email}`, () => assert.equal(isValidEmail(email), true));
  for (const email of invalid)
    it(`refuses ${email.slice(0, 30)}`, () => assert.equal(isValidEmail(email), false));
  it('accepts a 64-character local part', () => assert.equal(isValidEmail(`${'l'.repeat(64)}@x.io`), true));
});

describe('user id normalisation', () => {
  it('trims and lower-cases every field; phone also drops separators; non-strings pass through', () => {
    assert.equal(normalizeUserId('email', '  Foo@Example.COM '), 'foo@example.com');
    assert.equal(normalizeUserId('username', ' Alice '), 'alice');
    assert.equal(normalizeUserId('phone', ' +49 (170) 123-45.67 '), '+491701234567');
    assert.equal(normalizeUserId('email', 42), 42);
  });
});

describe('password policy', () => {
  const policy = { minLength: 15, maxBytes: 4096, blocklist: true };
  const check = (password: unknown, context: string[] = []) => {
    const errors: FieldErrors = {};
    const ok = validatePassword(password, policy, errors, 'password', context);
    return { ok, keys: (errors.password ?? []).map((e) => e.key), errors };
  };

  it('14 code points are too short, 15 are enough (A1); emoji count as one each (A4)', () => {
    assert.deepEqual(check('kayak river 12').keys, ['errors.too_short']);
    assert.equal(check('kayak river 12').errors.password[0].message, 'should be at least 15 character(s)');
    assert.equal(check('kayak river 123').ok, true);
    const emoji = '🐙🦊🐢🦉🐝🦀🐬🦒🐘🦔🐌🦋🐞🦜🐊';
    assert.equal([...emoji].length, 15);
    assert.ok(emoji.length > 15, 'more UTF-16 units than code points');
    assert.equal(check(emoji).ok, true);
    assert.deepEqual(check([...emoji].slice(1).join('')).keys, ['errors.too_short']);
  });

  it('no composition rules: an all-lower-case passphrase passes; no message mentions character classes (A3)', () => {
    assert.equal(check('mellow otter parade').ok, true);
    const messages = [check('short').errors, check('').errors]
      .flatMap((e) =>
        Object.values(e)
          .flat()
          .map((x) => x.message),
      )
      .join(' ');
    assert.doesNotMatch(messages, /upper|lower|digit|number|symbol|special/i);
  });

  it('the byte cap is checked first (A2); spaces, CJK and emoji are allowed (A4)', () => {
    assert.deepEqual(check('a'.repeat(4097)).keys, ['errors.too_long_bytes']);
    assert.deepEqual(check('é'.repeat(2049)).keys, ['errors.too_long_bytes'], '4098 bytes');
    assert.equal(check('é'.repeat(2048) + 'xyz').ok, false);
    assert.equal(check('  spaces  inside 密码 🔑 too  ').ok, true);
    assert.deepEqual(check(undefined).keys, ['errors.blank']);
    assert.deepEqual(check(123456789012345).keys, ['errors.blank']);
  });

  it('refuses common passwords, walks, sequences, repetitions and the user’s own identifiers (A8, A9)', () => {
    for (const common of [
      'passwordpassword',
      'Password1234567!',
      'P@ssw0rd2024!!!!',
      'qwertyuiopasdfgh',
      '123456789012345',
      'aaaaaaaaaaaaaaaa',
      'abcabcabcabcabcabc',
      'correct horse battery staple',
      'iloveyouiloveyou',
      'abcdefghijklmnop',
    ]) {
      assert.equal(isCommonPassword(common), true, common);
      assert.deepEqual(check(common).keys, ['errors.common_password'], common);
    }
    assert.equal(isCommonPassword('alicewonderland', ['alicewonderland@example.com']), true);
    assert.equal(isCommonPassword('alicewonderland2024', ['AliceWonderland@example.com']), true);
    assert.equal(isCommonPassword('alicewonderland2024', []), false);
    for (const fine of ['mellow otter parade', 'tangerine-kiosk-harbor', 'Zx9!vQ2#mL7@pR4$'])
      assert.equal(isCommonPassword(fine), false, fine);
    assert.equal(
      validatePassword('passwordpassword', { ...policy, blocklist: false }, {}),
      true,
      'the blocklist can be switched off',
    );
  });
});
