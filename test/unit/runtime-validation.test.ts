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

/**
 * Issue 16, defect 8: Pow's own `validate_email/1` table (test/pow/ecto/schema/changeset_test.exs),
 * row by row. Main refused quoted local parts with backslash escapes, accepted
 * `just"not"right@example.com` and accepted a 255-character domain.
 */
describe("e-mail format: Pow's validate_email table (issue 16, defect 8)", () => {
  const x = (n: number) => 'x'.repeat(n);
  const accepted = [
    '".John.Doe"@example.com',
    '"John.Doe."@example.com',
    '"John..Doe"@example.com',
    'john.smith(comment)@example.com',
    '(comment)john.smith@example.com',
    'john.smith@(comment)example.com',
    'john.smith@example.com(comment)',
    'simple@example.com',
    'very.common@example.com',
    'disposable.style.email.with+symbol@example.com',
    'other.email-with-hyphen@example.com',
    'fully-qualified-domain@example.com',
    'user.name+tag+sorting@example.com',
    'x@example.com',
    'example-indeed@strange-example.com',
    'admin@mailserver1',
    'example@s.example',
    '" "@example.org',
    '"john..doe"@example.org',
    'mailhost!username@example.org',
    'user%example.com@example.org',
    'Pelé@example.com',
    'δοκιμή@παράδειγμα.δοκιμή',
    '我買@屋企.香港',
    '二ノ宮@黒川.日本',
    'медведь@с-балалайкой.рф',
    'संपर्क@डाटामेल.भारत',
    '"Abc\\@def"@example.com',
    '"Fred\\ Bloggs"@example.com',
    '"Joe.\\\\Blow"@example.com',
    '"Abc@def"@example.com',
    '"Fred Bloggs"@example.com',
    'user+mailbox@example.com',
    'customer/department=shipping@example.com',
    '$A12345@example.com',
    '!def!xyz%abc@example.com',
    '_somename@example.com',
    'john.doe@1.2.com',
    'john.doe@example.x1',
    'john.doe@sub-domain-with-hyphen.domain-with-hyphen.com',
    // Pow's table has 63.63.63.63 (255 characters) here; the longest deliverable address is 254.
    `j@${x(63)}.${x(63)}.${x(63)}.${x(60)}`,
  ];
  const refused = [
    'John..Doe@example.com',
    'Abc.example.com',
    'A@b@c@example.com',
    'a"b(c)d,e:f;g<h>i[j\\k]l@example.com',
    'just"not"right@example.com',
    'this is"not\\allowed@example.com',
    'this\\ still\\"not\\\\allowed@example.com',
    '1234567890123456789012345678901234567890123456789012345678901234+x@example.com',
    'i_like_underscore@but_its_not_allow_in_this_part.example.com',
    'jsmith@[192.168.2.1]',
    'jsmith@[IPv6:2001:db8::1]',
    'noatsign',
    'john..doe@example.com',
    `john.doe@${x(63)}.${x(63)}.${x(63)}.${x(60)}.com`,
    'john.doe@-example.com',
    'john.doe@-example.example.com',
    'john.doe@example-.com',
    'john.doe@example-.example.com',
    'john.doe@invaliddomain$',
    'john(comment)doe@example.com',
    'johndoe@example(comment).com',
    'john.doe@.',
    'john.doe@.com',
    'john.doe@example.',
    'john.doe@example.1',
    `john.doe@${x(64)}.com`,
    `john.doe@${x(64)}.example.com`,
    // Stricter than Pow: the 255-character domain of Pow's success table, a whole address over
    // 254 characters, a second recipient, a display name, and header injection.
    `john.doe@${x(63)}.${x(63)}.${x(63)}.${x(63)}`,
    `${x(64)}@${x(63)}.${x(63)}.${x(63)}.${x(57)}`,
    'a,b@example.com',
    'a@example.com, b@example.com',
    'Victim <v@example.com>',
    'a@example.com\r\nBcc: b@example.com',
    '"a\r\nBcc: b@example.com"@example.com',
  ];
  for (const email of accepted)
    it(`accepts ${email.slice(0, 60)}`, () => assert.equal(isValidEmail(email), true));
  for (const email of refused)
    it(`refuses ${JSON.stringify(email).slice(0, 60)}`, () => assert.equal(isValidEmail(email), false));
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
