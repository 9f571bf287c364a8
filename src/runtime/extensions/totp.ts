/**
 * TOTP (RFC 6238) over @oslojs/otp: SHA-1, 6 digits, 30-second steps, the parameters every
 * authenticator app reads from an `otpauth://` URI. Time comes from pow's clock, so tests move it.
 *
 * `matchStep` says which time step a code belongs to (the current one or one either side, for
 * clocks a little apart), so the caller can refuse a code whose step was already used (RFC 6238
 * section 5.2: a verifier must not accept the second attempt of the same OTP).
 */
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { safeEqual } from '../core/crypto.js';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted either side of the current one (one step: up to 30 s of clock drift). */
export const TOTP_DRIFT_STEPS = 1;

/** A new secret: 20 random bytes (RFC 4226's recommended length) as base32, the form apps take. */
export function newTotpSecret(): string {
  return encodeBase32UpperCaseNoPadding(randomBytes(20));
}

/** The RFC 6238 time step `T` of a moment (milliseconds). */
export function timeStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

function keyOf(secret: string): Uint8Array {
  return decodeBase32IgnorePadding(secret);
}

/** The code of one time step. */
export function totpCode(secret: string, step: number): string {
  return generateHOTP(keyOf(secret), BigInt(step), TOTP_DIGITS);
}

/** A code as typed, without spaces or dashes; null when it is not 6 digits. */
export function normalizeTotpCode(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const code = input.replace(/[\s-]/g, '');
  return /^[0-9]{6}$/.test(code) ? code : null;
}

/**
 * The time step within the drift window whose code is `code`, or null. Every candidate is
 * compared (constant time each), so the answer's timing does not say which step matched.
 */
export function matchStep(secret: string, code: string, nowMs: number): number | null {
  const now = timeStep(nowMs);
  let found: number | null = null;
  for (let step = now - TOTP_DRIFT_STEPS; step <= now + TOTP_DRIFT_STEPS; step++) {
    if (safeEqual(totpCode(secret, step), code) && found === null) found = step;
  }
  return found;
}

/** The `otpauth://totp/...` URI an authenticator app reads from the QR code. */
export function totpUri(secret: string, issuer: string, account: string): string {
  return createTOTPKeyURI(issuer, account, keyOf(secret), TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

/** The QR code of `uri` as an SVG document, rendered here (no external service sees the secret). */
export async function qrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** The secret in groups of four, for typing it into an app by hand. */
export function groupedSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}
