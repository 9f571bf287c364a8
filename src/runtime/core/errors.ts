/**
 * Field errors (changeset-style) and configuration errors of the runtime core.
 *
 * Every field error carries an i18n key (`errors.*`), optional params and an English message.
 * `coreMessages` is the English catalogue for those keys (i18next placeholder syntax), so the
 * i18n layer can merge it and scripts can print errors without a translator.
 */
import { PowError } from '../../shared/pow-error.js';
import type { FieldError, FieldErrors } from './types.js';

export const coreMessages = {
  'errors.blank': "can't be blank",
  'errors.taken': 'has already been taken',
  'errors.invalid_email': 'has invalid format',
  'errors.invalid_format': 'has invalid format',
  'errors.invalid_phone': 'should have 7 to 15 digits, optionally starting with + and the country code',
  'errors.too_short': 'should be at least {{count}} character(s)',
  'errors.too_long': 'should be at most {{count}} character(s)',
  'errors.too_long_bytes': 'should be at most {{count}} byte(s)',
  'errors.confirmation': 'does not match confirmation',
  'errors.invalid_current_password': 'is invalid',
  'errors.common_password': 'is too common, choose a less guessable password',
  'errors.not_found': 'was not found',
  'errors.invalid': 'is invalid',
  'errors.not_an_integer': 'must be a whole number',
  'errors.not_a_number': 'must be a number',
  'errors.not_a_date': 'must be a date',
} as const satisfies Record<string, string>;

export type CoreMessageKey = keyof typeof coreMessages;

export function fieldError(key: CoreMessageKey, params?: Record<string, string | number>): FieldError {
  let message: string = coreMessages[key];
  for (const [name, value] of Object.entries(params ?? {})) {
    message = message.split(`{{${name}}}`).join(String(value));
  }
  return params ? { key, params, message } : { key, message };
}

export function addError(
  errors: FieldErrors,
  field: string,
  key: CoreMessageKey,
  params?: Record<string, string | number>,
): void {
  (errors[field] ??= []).push(fieldError(key, params));
}

export function hasErrors(errors: FieldErrors): boolean {
  return Object.keys(errors).length > 0;
}

/** Thrown by `createPow` (and store factories) for invalid configuration; the message names the key. */
export function configError(key: string, problem: string, fix?: string): PowError {
  return new PowError({
    code: 'POW_CONFIG_INVALID',
    message: `Invalid pow configuration: \`${key}\` ${problem}`,
    fix,
  });
}
