import type { FieldErrors, UserRecord } from '../core/types.js';

/** A token that is malformed, unknown, expired, used, of another purpose or no longer matches the account. */
export interface InvalidToken {
  ok: false;
  error: 'invalid_token';
}

export interface ValidationFailed {
  ok: false;
  error: 'invalid';
  errors: FieldErrors;
}

export const INVALID_TOKEN: InvalidToken = Object.freeze({
  ok: false,
  error: 'invalid_token',
}) as InvalidToken;

export function validationFailed(errors: FieldErrors): ValidationFailed {
  return { ok: false, error: 'invalid', errors };
}

export interface UserResult {
  ok: true;
  user: UserRecord;
}
