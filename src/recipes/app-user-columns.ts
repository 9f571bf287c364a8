/**
 * The app's own required columns of an existing user model: what registration must fill so that
 * creating a user does not fail. One source of truth for the template context (the form inputs,
 * `USER_FIELDS`, the config's `userFields` / `userDefaults`) and for the install report.
 *
 * A required scalar column without a default (and not one pow adds or fills) is either
 * - asked for on the sign-up and account forms, with an input fitting its Prisma type
 *   (`String` → text, `Int` → number, ...), and cast and checked by the runtime (typed
 *   `userFields`); or
 * - when its name is one of pow's own form fields (`password`: the app's own password column,
 *   a plain or hashed password pow must never read or ask for a second time), filled with a mark no
 *   password matches (`userDefaults`), so the app's own sign-in refuses pow's accounts; or
 * - left to the team (a manual step) when no form input fits it (Json, Bytes, an enum, a relation).
 */
import type { PrismaField, PrismaModelInfo } from '../inspect/project-info.js';
import { LEGACY_HASH_FIELD } from '../runtime/core/credentials.js';
import type { UserFieldType } from '../runtime/core/types.js';
import { USER_FIELD_TYPES } from '../runtime/core/user-fields.js';

/** Form field names pow's own forms use: an app column of that name is never a form input. */
export const POW_FORM_FIELDS: ReadonlySet<string> = new Set([
  'user_id',
  'password',
  'password_confirmation',
  'current_password',
]);

/**
 * What pow writes into the app's own `password`-like column: not a hash of anything, so no
 * password matches it (bcrypt and argon2 reject it as a hash; the `!` prefix is the Unix and
 * Django mark for "no usable password"). Short, constant and not a secret.
 */
export const NO_PASSWORD_MARK = '!';

export interface AppColumnInput {
  /** Column (= form field) name. */
  name: string;
  type: UserFieldType;
  /** The input's `type` attribute. */
  inputType: 'text' | 'number' | 'checkbox' | 'datetime-local';
  /** The input's `step` attribute ("1" for whole numbers, "any" for decimals), or null. */
  step: string | null;
  /** The label: the column name in words ("createdBy" → "Created by"). */
  label: string;
}

export interface AppUserColumns {
  /** Asked for on the sign-up and account forms. */
  inputs: AppColumnInput[];
  /** Filled by pow with a constant (config `userDefaults`), column → value. */
  defaults: Record<string, string>;
  /** Required columns pow cannot fill from a form (the team decides: a default, or optional). */
  unfillable: PrismaField[];
}

const INPUT_TYPES: Record<UserFieldType, Pick<AppColumnInput, 'inputType' | 'step'>> = {
  String: { inputType: 'text', step: null },
  Int: { inputType: 'number', step: '1' },
  BigInt: { inputType: 'number', step: '1' },
  Float: { inputType: 'number', step: 'any' },
  Decimal: { inputType: 'number', step: 'any' },
  Boolean: { inputType: 'checkbox', step: null },
  DateTime: { inputType: 'datetime-local', step: null },
};

function label(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A column creating a row cannot leave out: required, not a list, no default, not generated. */
function needsValue(field: PrismaField, models: ReadonlySet<string>): boolean {
  return (
    !field.optional &&
    !field.list &&
    !models.has(field.type) &&
    !field.attributes.some((a) => /^@(default|updatedAt|id)\b/.test(a))
  );
}

/**
 * The required columns of `model` (the inspected, existing user model; null: pow creates it and
 * there are none) that registration has to fill, besides the user id fields pow handles.
 */
export function appUserColumns(
  model: PrismaModelInfo | null,
  userIdFields: readonly string[],
  models: readonly string[],
): AppUserColumns {
  const out: AppUserColumns = { inputs: [], defaults: {}, unfillable: [] };
  if (model === null) return out;
  const modelNames = new Set(models);
  for (const field of model.fields) {
    if (!needsValue(field, modelNames)) continue;
    if (userIdFields.includes(field.name) || field.name === LEGACY_HASH_FIELD) continue;
    if (POW_FORM_FIELDS.has(field.name)) {
      if (field.type === 'String') out.defaults[field.name] = NO_PASSWORD_MARK;
      else out.unfillable.push(field);
      continue;
    }
    const type = (USER_FIELD_TYPES as readonly string[]).includes(field.type)
      ? (field.type as UserFieldType)
      : null;
    if (type === null) out.unfillable.push(field);
    else out.inputs.push({ name: field.name, type, label: label(field.name), ...INPUT_TYPES[type] });
  }
  return out;
}
