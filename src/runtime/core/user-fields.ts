/**
 * The app's own user columns that registration and account update may write (`userFields`), and
 * how a form value becomes a column value. A field listed by name only is written as given (the
 * app validates it). A field listed with its Prisma type (what `pow install` writes for the app's
 * required columns) is cast and checked here, so an `Int` column gets a number and a bad value is
 * a field error on the form, never a failed query (a 500).
 */
import type { FieldErrors, UserFieldSpec, UserFieldType } from './types.js';
import { addError } from './errors.js';

export const USER_FIELD_TYPES: readonly UserFieldType[] = [
  'String',
  'Int',
  'BigInt',
  'Float',
  'Decimal',
  'Boolean',
  'DateTime',
];

/** A userFields entry with its defaults filled in; `type` null: written as given. */
export interface UserFieldRule {
  name: string;
  type: UserFieldType | null;
  required: boolean;
}

export function userFieldRule(entry: string | UserFieldSpec): UserFieldRule {
  return typeof entry === 'string'
    ? { name: entry, type: null, required: false }
    : { name: entry.name, type: entry.type, required: entry.required ?? false };
}

// PostgreSQL/MySQL INTEGER and BIGINT bounds (SQLite stores both in 64 bits).
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const BIGINT_MIN = -(2n ** 63n);
const BIGINT_MAX = 2n ** 63n - 1n;
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const TRUE = new Set(['true', 'on', '1', 'yes']);
const FALSE = new Set(['false', 'off', '0', 'no']);

type Cast = { ok: true; value: unknown } | { ok: false };

function text(raw: unknown): string | null {
  if (typeof raw === 'string') return raw.trim();
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw === 'bigint') return raw.toString();
  return null;
}

function castValue(type: UserFieldType, raw: unknown): Cast {
  if (type === 'String') return typeof raw === 'string' ? { ok: true, value: raw } : { ok: false };
  if (type === 'Boolean') {
    if (typeof raw === 'boolean') return { ok: true, value: raw };
    const word = typeof raw === 'string' ? raw.trim().toLowerCase() : null;
    if (word !== null && TRUE.has(word)) return { ok: true, value: true };
    if (word !== null && FALSE.has(word)) return { ok: true, value: false };
    return { ok: false };
  }
  if (type === 'DateTime') {
    if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? { ok: false } : { ok: true, value: raw };
    const date = typeof raw === 'string' ? new Date(raw.trim()) : null;
    return date && !Number.isNaN(date.getTime()) ? { ok: true, value: date } : { ok: false };
  }
  const value = text(raw);
  if (value === null) return { ok: false };
  if (type === 'Int') {
    const n = INTEGER.test(value) ? Number(value) : NaN;
    return n >= INT_MIN && n <= INT_MAX ? { ok: true, value: n } : { ok: false };
  }
  if (type === 'BigInt') {
    if (!INTEGER.test(value)) return { ok: false };
    const n = BigInt(value);
    return n >= BIGINT_MIN && n <= BIGINT_MAX ? { ok: true, value: n } : { ok: false };
  }
  if (!DECIMAL.test(value)) return { ok: false };
  // Decimal stays a string: Prisma takes one and keeps every digit.
  return type === 'Float' ? { ok: true, value: Number(value) } : { ok: true, value };
}

const TYPE_ERROR = {
  Int: 'errors.not_an_integer',
  BigInt: 'errors.not_an_integer',
  Float: 'errors.not_a_number',
  Decimal: 'errors.not_a_number',
  DateTime: 'errors.not_a_date',
  Boolean: 'errors.invalid',
  String: 'errors.invalid',
} as const;

function isBlank(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
}

/**
 * Writes the params of `rules` into `data`, cast by type. `creating`: a required field that is
 * missing is an error too (an update leaves missing fields as they are).
 */
export function castUserFields(
  rules: readonly UserFieldRule[],
  params: Record<string, unknown>,
  data: Record<string, unknown>,
  errors: FieldErrors,
  creating: boolean,
): void {
  for (const rule of rules) {
    const given = Object.prototype.hasOwnProperty.call(params, rule.name) && params[rule.name] !== undefined;
    const raw = given ? params[rule.name] : undefined;
    if (rule.type === null) {
      if (given) data[rule.name] = raw;
      continue;
    }
    if (!given && !creating) continue;
    // An unticked checkbox sends nothing: for a Boolean that is `false`, not a missing value.
    if (rule.type === 'Boolean' && isBlank(raw)) {
      data[rule.name] = false;
      continue;
    }
    if (isBlank(raw)) {
      if (rule.required) addError(errors, rule.name, 'errors.blank');
      else if (given) data[rule.name] = null;
      continue;
    }
    const cast = castValue(rule.type, raw);
    if (cast.ok) data[rule.name] = cast.value;
    else addError(errors, rule.name, TYPE_ERROR[rule.type]);
  }
}
