/**
 * Field errors as sentences that name their field (src/runtime/i18n/field-errors.ts), in English and
 * German: a sentence written for one field wins, then the generic one with the field's label, then
 * the column name made readable for the app's own columns.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTranslator } from '../../src/runtime/i18n/index.js';
import { fieldErrorSentence, readableFieldName } from '../../src/runtime/i18n/field-errors.js';

const tr = createTranslator();
const sentence = (locale: string, field: string, key: string, params?: Record<string, number>) =>
  fieldErrorSentence(tr, locale, field, { key, params, message: 'fallback' });

describe('field error sentences', () => {
  it('name the field with its label, in English and German, with plurals', () => {
    assert.equal(
      sentence('en', 'password', 'errors.too_short', { count: 15 }),
      'Password must be at least 15 characters long.',
    );
    assert.equal(
      sentence('de', 'password', 'errors.too_short', { count: 15 }),
      'Passwort muss mindestens 15 Zeichen lang sein.',
    );
    assert.equal(sentence('en', 'username', 'errors.taken'), 'Username is already taken.');
  });

  it('use a sentence written for the field where there is one', () => {
    assert.equal(
      sentence('en', 'password_confirmation', 'errors.confirmation'),
      'Confirm password does not match the password. Type the same password in both fields.',
    );
    assert.equal(sentence('en', 'email', 'errors.blank'), 'Enter your email address.');
    assert.equal(sentence('de', 'email', 'errors.blank'), 'Geben Sie Ihre E-Mail-Adresse ein.');
  });

  it('make a readable label for the app’s own columns and keep unknown keys readable', () => {
    assert.equal(readableFieldName('birth_date'), 'Birth date');
    assert.equal(readableFieldName('displayName'), 'Display name');
    assert.equal(
      sentence('en', 'birth_date', 'errors.not_a_date'),
      'Birth date must be a date, like 2026-03-31.',
    );
    assert.equal(sentence('en', 'team', 'errors.app_specific'), 'Team fallback.');
  });
});
