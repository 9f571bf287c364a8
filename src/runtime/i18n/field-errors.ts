/**
 * Field errors as full sentences that name their field ("Password must be at least 15
 * characters."), the way GOV.UK's error pattern words them: the same sentence is shown in the
 * error summary at the top of a form, where the field is not next to it, and under the field.
 *
 * Lookup for an error `errors.<name>` on `field`:
 *   1. `field_errors.<field>.<name>`: a sentence written for that field (the confirmation mismatch);
 *   2. `field_errors.<name>` with `{{field}}` set to the field's label (`fields.<field>`, else the
 *      column name made readable: `birth_date` → "Birth date");
 *   3. the old fragment (`errors.<name>`, or the core's English message) after the label, for keys
 *      an app added itself.
 */
import type { FieldError } from '../core/types.js';
import type { Translator } from './index.js';

/** "birth_date" → "Birth date": a column with no label in the catalogue. */
export function readableFieldName(field: string): string {
  const words = field
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The label a form shows for `field`, as the sentences name it. */
export function fieldLabel(translator: Translator, locale: string, field: string): string {
  const key = `fields.${field}`;
  return translator.exists(locale, key) ? translator.t(locale, key) : readableFieldName(field);
}

/** One error of `field` as a sentence in `locale`. */
export function fieldErrorSentence(
  translator: Translator,
  locale: string,
  field: string,
  error: Pick<FieldError, 'key' | 'message' | 'params'>,
): string {
  const name = error.key.startsWith('errors.') ? error.key.slice('errors.'.length) : error.key;
  const params = error.params ?? {};
  const specific = `field_errors.${field}.${name}`;
  if (translator.exists(locale, specific)) return translator.t(locale, specific, params);
  const label = fieldLabel(translator, locale, field);
  const generic = `field_errors.${name}`;
  if (translator.exists(locale, generic)) return translator.t(locale, generic, { ...params, field: label });
  const fragment = translator.exists(locale, error.key)
    ? translator.t(locale, error.key, params)
    : error.message;
  return `${label} ${fragment}`.replace(/[.!?]?$/, '.');
}
