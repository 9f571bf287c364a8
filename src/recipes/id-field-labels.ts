/**
 * Labels of the user id inputs in the generated views, as the EJS expressions that print them
 * (`<label for="user_id"><%= expression %></label>`).
 *
 * One field: its own label, `pow.t('fields.phone')` → "Phone number".
 *
 * Several fields on the sign-in form: a catalogue pattern filled with the fields' names, so the
 * box says which identifiers it takes, in `userIdFields` order:
 *
 *   two:    `fields.one_of.two`  "{{first}} or {{last}}"             → "Email or phone number"
 *   three+: `fields.one_of.more` "{{first}}, {{middle}} or {{last}}" → "Email, username or phone number"
 *
 * `first` is the first field's own label (`fields.email`: "Email"); the others use their in-list
 * names (`fields.in_list.phone`: "phone number"), because English lower-cases them inside the
 * label and German does not ("E-Mail oder Telefonnummer"). From four fields on, `middle` joins the
 * names in between with ", ". Every piece is a catalogue key, so apps re-word any of them with
 * `i18n.messages`. The pair email + username keeps its own key `fields.user_id` ("Email or
 * username"): views generated before the patterns existed use it, and regenerating them changes
 * nothing.
 *
 * A field pow's catalogue does not know (a custom `handle`) gets its name in words as a literal
 * ("Handle", "handle") for the app to edit.
 */
import { en } from '../runtime/i18n/locales/en.js';

const KNOWN_FIELDS: ReadonlySet<string> = new Set(Object.keys(en.fields.in_list));

/** "phoneNumber" / "phone_number" → "phone number". */
function words(field: string): string {
  return field
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_+/g, ' ')
    .trim()
    .toLowerCase();
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A single-quoted JavaScript string (field names are identifiers: nothing to escape but quotes). */
function quoted(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The expression printing a field's own label: `pow.t('fields.phone')`, or `'Handle'`. */
export function fieldLabelExpression(field: string): string {
  return KNOWN_FIELDS.has(field) ? `pow.t('fields.${field}')` : quoted(capitalized(words(field)));
}

/** The expression printing a field's name inside the combined label: `pow.t('fields.in_list.phone')`. */
function inListExpression(field: string): string {
  return KNOWN_FIELDS.has(field) ? `pow.t('fields.in_list.${field}')` : quoted(words(field));
}

/**
 * The expression printing the sign-in label for `fields` (non-empty, in `userIdFields` order):
 * - ["phone"] → `pow.t('fields.phone')`
 * - ["email", "phone"] → `pow.t('fields.one_of.two', { first: pow.t('fields.email'), last: pow.t('fields.in_list.phone') })`
 * - ["email", "username", "phone"] → `pow.t('fields.one_of.more', { first: …, middle: …, last: … })`
 */
export function userIdLabelExpression(fields: readonly string[]): string {
  if (fields.length === 0) throw new Error('userIdLabelExpression: no user id field.');
  if (fields.length === 1) return fieldLabelExpression(fields[0]!);
  if (fields.length === 2 && fields[0] === 'email' && fields[1] === 'username')
    return "pow.t('fields.user_id')";
  const first = fieldLabelExpression(fields[0]!);
  const last = inListExpression(fields[fields.length - 1]!);
  if (fields.length === 2) return `pow.t('fields.one_of.two', { first: ${first}, last: ${last} })`;
  const between = fields.slice(1, -1).map(inListExpression);
  const middle = between.length === 1 ? between[0]! : `[${between.join(', ')}].join(', ')`;
  return `pow.t('fields.one_of.more', { first: ${first}, middle: ${middle}, last: ${last} })`;
}
