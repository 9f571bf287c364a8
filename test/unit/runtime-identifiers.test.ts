/**
 * Phone numbers as user ids (src/runtime/core/identifiers.ts): one stored form whatever way the
 * number is typed, and the 7–15 digit rule with its message in every catalogue.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  PHONE_MAX_DIGITS,
  PHONE_MIN_DIGITS,
  isValidPhone,
  normalizePhone,
  phoneFormatError,
} from '../../src/runtime/core/identifiers.js';
import { coreMessages } from '../../src/runtime/core/errors.js';
import { createTranslator } from '../../src/runtime/i18n/index.js';

describe('phone normalisation', () => {
  it('the ways people type one number all give the same stored form', () => {
    const typed = [
      '+491512345678',
      '+49 (151) 234-5678',
      '  +49 151 234 5678  ',
      '+49.151.234.5678',
      '+49-151-2345678',
      '+49 151/2345678',
      '+49\u00a0151\u00a02345678', // no-break spaces (copied from a web page)
      '+49 151 234\u20135678', // en dash
      '+49 (0)151 2345678', // the trunk "0" written in an international number
      '+49 (0) 151 2345678',
    ];
    for (const value of typed) assert.equal(normalizePhone(value), '+491512345678', JSON.stringify(value));
  });

  it('keeps the leading + and national numbers as they are (no country is guessed)', () => {
    assert.equal(normalizePhone('0151 2345678'), '01512345678');
    assert.equal(normalizePhone('(030) 123 456 78'), '03012345678');
    assert.equal(normalizePhone('0049 151 2345678'), '00491512345678');
    assert.equal(normalizePhone('+1 (555) 123-4567'), '+15551234567');
  });

  it('leaves what is not a separator, so the format rule can refuse it', () => {
    assert.equal(normalizePhone('49+151'), '49+151');
    assert.equal(normalizePhone('call me'), 'callme');
    assert.equal(normalizePhone('+49 151 2345678 ext. 12'), '+491512345678ext12');
  });

  it('is idempotent', () => {
    for (const value of ['+49 (151) 234-5678', '0151 2345678', 'x']) {
      assert.equal(normalizePhone(normalizePhone(value)), normalizePhone(value));
    }
  });
});

describe('phone format (E.164 length)', () => {
  it(`accepts ${PHONE_MIN_DIGITS} to ${PHONE_MAX_DIGITS} digits, with or without a leading +`, () => {
    assert.equal(PHONE_MIN_DIGITS, 7);
    assert.equal(PHONE_MAX_DIGITS, 15);
    for (const ok of ['1234567', '+1234567', '+491512345678', '123456789012345', '+123456789012345'])
      assert.equal(isValidPhone(ok), true, ok);
    for (const bad of [
      '123456',
      '+123456',
      '1234567890123456',
      '+1234567890123456',
      '',
      '+',
      '++491512345678',
    ])
      assert.equal(isValidPhone(bad), false, bad);
  });

  it('refuses letters, a + after the start and unnormalised separators', () => {
    for (const bad of [
      'callme',
      '49+1512345678',
      '+49 1512345678',
      '+491512345678ext12',
      '+４９１５１２３４５６７８',
    ])
      assert.equal(isValidPhone(bad), false, bad);
  });

  it('reports errors.invalid_phone, a message every catalogue has', () => {
    assert.equal(phoneFormatError('+491512345678'), null);
    assert.equal(phoneFormatError(normalizePhone('+49 (151) 234-5678')), null);
    assert.equal(phoneFormatError('12345'), 'errors.invalid_phone');
    const translator = createTranslator();
    assert.equal(translator.t('en', 'errors.invalid_phone'), coreMessages['errors.invalid_phone']);
    assert.match(translator.t('en', 'errors.invalid_phone'), /7 to 15 digits/);
    assert.match(translator.t('de', 'errors.invalid_phone'), /7 bis 15 Ziffern/);
  });
});
