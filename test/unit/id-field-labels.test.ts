/**
 * Labels of the user id inputs (src/recipes/id-field-labels.ts): the EJS expressions the views
 * get, and what they print with pow's real translator in English and German.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fieldLabelExpression, userIdLabelExpression } from '../../src/recipes/id-field-labels.js';
import { createTranslator } from '../../src/runtime/i18n/index.js';

const translator = createTranslator();

/** Evaluates a label expression the way a rendered view does, with `pow.t` for `locale`. */
function print(expression: string, locale: string): string {
  const pow = { t: (key: string, params?: Record<string, string>) => translator.t(locale, key, params) };
  return (new Function('pow', `return ${expression};`) as (p: typeof pow) => string)(pow);
}

describe('sign-in label for the configured user id fields', () => {
  const cases: Array<[string[], string, string]> = [
    [['email'], 'Email', 'E-Mail'],
    [['username'], 'Username', 'Benutzername'],
    [['phone'], 'Phone number', 'Telefonnummer'],
    [['email', 'username'], 'Email or username', 'E-Mail oder Benutzername'],
    [['email', 'phone'], 'Email or phone number', 'E-Mail oder Telefonnummer'],
    [['phone', 'email'], 'Phone number or email', 'Telefonnummer oder E-Mail'],
    [['username', 'email'], 'Username or email', 'Benutzername oder E-Mail'],
    [['username', 'phone'], 'Username or phone number', 'Benutzername oder Telefonnummer'],
    [
      ['email', 'username', 'phone'],
      'Email, username or phone number',
      'E-Mail, Benutzername oder Telefonnummer',
    ],
    [
      ['phone', 'username', 'email'],
      'Phone number, username or email',
      'Telefonnummer, Benutzername oder E-Mail',
    ],
  ];
  for (const [fields, english, german] of cases) {
    it(`${fields.join(' + ')} → "${english}" / "${german}"`, () => {
      const expression = userIdLabelExpression(fields);
      assert.equal(print(expression, 'en'), english);
      assert.equal(print(expression, 'de'), german);
    });
  }

  it('spells the catalogue calls out in the generated view', () => {
    assert.equal(userIdLabelExpression(['phone']), "pow.t('fields.phone')");
    assert.equal(
      userIdLabelExpression(['email', 'phone']),
      "pow.t('fields.one_of.two', { first: pow.t('fields.email'), last: pow.t('fields.in_list.phone') })",
    );
    assert.equal(
      userIdLabelExpression(['email', 'username', 'phone']),
      "pow.t('fields.one_of.more', { first: pow.t('fields.email'), middle: pow.t('fields.in_list.username'), last: pow.t('fields.in_list.phone') })",
    );
  });

  it('keeps fields.user_id for email + username, so earlier generated views stay as they are', () => {
    assert.equal(userIdLabelExpression(['email', 'username']), "pow.t('fields.user_id')");
  });

  it('is the same for the same fields (idempotent regeneration)', () => {
    const fields = ['email', 'username', 'phone'];
    assert.equal(userIdLabelExpression(fields), userIdLabelExpression([...fields]));
  });

  it('joins four or more fields with commas', () => {
    const expression = userIdLabelExpression(['email', 'username', 'phone', 'memberNumber']);
    assert.match(
      expression,
      /middle: \[pow\.t\('fields\.in_list\.username'\), pow\.t\('fields\.in_list\.phone'\)\]\.join\(', '\)/,
    );
    assert.equal(print(expression, 'en'), 'Email, username, phone number or member number');
    assert.equal(print(expression, 'de'), 'E-Mail, Benutzername, Telefonnummer oder member number');
  });

  it('names fields pow has no catalogue entry for in words, as literals the app can edit', () => {
    assert.equal(fieldLabelExpression('handle'), "'Handle'");
    assert.equal(fieldLabelExpression('member_number'), "'Member number'");
    assert.equal(print(userIdLabelExpression(['email', 'handle']), 'en'), 'Email or handle');
    assert.equal(print(userIdLabelExpression(['customerId']), 'en'), 'Customer id');
  });

  it('app overrides of the pieces apply', () => {
    const custom = createTranslator({
      messages: {
        en: { 'fields.in_list.phone': 'mobile number', 'fields.one_of.two': '{{first}} / {{last}}' },
      },
    });
    const pow = { t: (key: string, params?: Record<string, string>) => custom.t('en', key, params) };
    const expression = userIdLabelExpression(['email', 'phone']);
    assert.equal(
      (new Function('pow', `return ${expression};`) as (p: typeof pow) => string)(pow),
      'Email / mobile number',
    );
  });

  it('refuses an empty field list', () => {
    assert.throws(() => userIdLabelExpression([]));
  });
});
