/**
 * The passkeys extension's logic (WebAuthn through @simplewebauthn/server): registration of a
 * passkey for a signed-in user, sign-in with a discoverable passkey (no user name, no password),
 * the user's list, and removal. The Express side (express/passkeys.ts) binds each ceremony to the
 * browser and turns results into sessions and security events.
 *
 * Checks, all here and none in generated code:
 * - the challenge is pow's (challenges.ts: this browser's, unexpired, single use) and, for a
 *   registration, issued to the same user;
 * - origin and RP id are the configured base URL's (relying-party.ts), never the request's Host;
 * - a sign-in's credential must be a stored passkey, its user handle (when sent) the one pow gave
 *   that user, its signature valid for the stored public key, and its counter higher than the
 *   stored one (unless the authenticator keeps none: both zero). The counter moves by
 *   compare-and-set, so of two sign-ins with the same counter only one succeeds;
 * - discoverable credentials are required (resident keys), user verification is preferred;
 * - as two-factor's second step (after the password), only the pending user's own passkeys are
 *   offered (allowCredentials) and accepted, under a challenge bound to that pending sign-in.
 */
import { deadlineOf } from '../../core/pow-deadline.js';
import { createHmac } from 'node:crypto';
import type { Pow, UserRecord } from '../../core/types.js';
import { deriveSecretKey } from '../../core/crypto.js';
import { describeUserAgent } from '../sessions.js';
import { DEFAULT_CHALLENGE_TTL_MS, issueChallenge, takeChallenge } from './challenges.js';
import {
  createPasskeyStore,
  MAX_CREDENTIAL_ID_LENGTH,
  MAX_PUBLIC_KEY_BYTES,
  storedTransports,
  type PasskeyStore,
  type PasskeySummary,
  type StoredPasskey,
} from './model.js';
import type { RelyingParty } from './relying-party.js';
import { simpleWebAuthn } from './webauthn.js';

/** Longest label pow keeps (longer ones are cut). */
export const MAX_LABEL_LENGTH = 60;

/** How long the browser's prompt may stay open (the challenge lives a little longer). */
const CEREMONY_TIMEOUT_MS = 120_000;

export type PasskeyFailure =
  /** No pending challenge for this browser: it expired, was used, or never existed. */
  | 'expired'
  /** The response is malformed, or its signature, origin, RP id or challenge does not verify. */
  | 'invalid'
  /** Sign-in: no stored passkey has this credential id (it was removed, or never registered). */
  | 'unknown_credential'
  /** Sign-in: the signature counter did not go up (a cloned authenticator, or a replay). */
  | 'counter'
  /** Registration: this authenticator's credential is already registered. */
  | 'already_registered';

export type RegisterPasskeyResult =
  { ok: true; passkey: PasskeySummary } | { ok: false; reason: PasskeyFailure };

export type PasskeySignInResult =
  { ok: true; userId: string | number; passkey: PasskeySummary } | { ok: false; reason: PasskeyFailure };

/** WebAuthn options as JSON, handed to `startRegistration` / `startAuthentication` in the browser. */
export type PasskeyOptionsJSON = Record<string, unknown>;

export interface PasskeyServiceOptions {
  /** The app's Prisma client (the passkeys model lives there). */
  prisma: unknown;
  /** Read when a ceremony starts (the base URL may come from the environment). */
  relyingParty: () => RelyingParty;
  challengeTtlMs?: number;
  /**
   * Refuse a sign-in whose authenticator did not verify the user (PIN, biometrics). pow sets it
   * when the two-factor extension is on: a passkey skips the code step, so it must be two factors
   * itself (the device, and the user's PIN or biometrics), never a bare "something you have".
   */
  requireUserVerification?: boolean;
}

export interface PasskeyService {
  registrationOptions(user: UserRecord, binding: string, userName: string): Promise<PasskeyOptionsJSON>;
  register(
    user: UserRecord,
    binding: string,
    response: unknown,
    label: unknown,
    userAgent?: string,
  ): Promise<RegisterPasskeyResult>;
  signInOptions(binding: string): Promise<PasskeyOptionsJSON>;
  signIn(binding: string, response: unknown): Promise<PasskeySignInResult>;
  /** Options for the second step of `userId`'s sign-in: their passkeys only; `binding` names the pending step. */
  secondFactorOptions(binding: string, userId: string | number): Promise<PasskeyOptionsJSON>;
  /** The second step's answer: a passkey of `userId`, under the challenge of that pending step. */
  verifySecondFactor(
    binding: string,
    userId: string | number,
    response: unknown,
  ): Promise<PasskeySignInResult>;
  list(userId: string | number): Promise<PasskeySummary[]>;
  /** The user's passkey `id`, or null. */
  find(userId: string | number, id: unknown): Promise<PasskeySummary | null>;
  remove(userId: string | number, id: unknown): Promise<PasskeySummary | null>;
}

export function summaryOf(passkey: StoredPasskey): PasskeySummary {
  return {
    id: passkey.id,
    label: passkey.label,
    createdAt: passkey.createdAt,
    lastUsedAt: passkey.lastUsedAt,
  };
}

/** The label a passkey gets: the user's words (trimmed, cut), else the browser and system it was made on. */
export function passkeyLabel(label: unknown, userAgent: string | undefined): string {
  const typed = typeof label === 'string' ? label.replace(/\s+/g, ' ').trim() : '';
  if (typed !== '') return [...typed].slice(0, MAX_LABEL_LENGTH).join('');
  const { browser, os } = describeUserAgent(userAgent);
  return [browser, os].filter(Boolean).join(', ') || 'Passkey';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The shape both WebAuthn responses share; anything else is refused before any lookup. */
function wellFormed(
  response: unknown,
): response is { id: string; rawId: string; type: string; response: Record<string, unknown> } {
  return (
    isObject(response) &&
    typeof response.id === 'string' &&
    response.id.length > 0 &&
    response.id.length <= MAX_CREDENTIAL_ID_LENGTH &&
    /^[A-Za-z0-9_-]+$/.test(response.id) &&
    typeof response.rawId === 'string' &&
    response.type === 'public-key' &&
    isObject(response.response)
  );
}

export function createPasskeyService(
  pow: Pick<Pow, 'store' | 'userType' | 'userModel' | 'clock' | 'secret'>,
  options: PasskeyServiceOptions,
): PasskeyService {
  const ttlMs = options.challengeTtlMs ?? DEFAULT_CHALLENGE_TTL_MS;
  let store: PasskeyStore | undefined;
  const passkeys = (): PasskeyStore =>
    (store ??= createPasskeyStore(options.prisma, pow.userModel, deadlineOf(pow)));
  // The user handle pow gives a user's passkeys: stable, opaque (no e-mail or id in it), and
  // different per user type. Derived, so no column holds it.
  let handleKey: Buffer | undefined;
  const userHandle = (userId: string | number): Buffer =>
    createHmac('sha256', (handleKey ??= deriveSecretKey(pow.secret, `passkey-user-handle:${pow.userType}`)))
      .update(String(userId))
      .digest();
  const bytesOf = (challenge: string): Uint8Array<ArrayBuffer> => {
    const bytes = Buffer.from(challenge, 'base64url');
    const out = new Uint8Array(new ArrayBuffer(bytes.length));
    out.set(bytes);
    return out;
  };

  const find = async (userId: string | number, id: unknown): Promise<PasskeySummary | null> => {
    if (typeof id !== 'string' || id === '' || id.length > 64) return null;
    const found = (await passkeys().listFor(userId)).find((p) => p.id === id);
    return found ? summaryOf(found) : null;
  };

  /**
   * Checks an assertion answering `challenge`: a stored passkey (of `owner` when given), its user
   * handle, signature, origin, RP id and counter; the counter moves by compare-and-set.
   */
  const verifyAssertion = async (
    challenge: string,
    response: unknown,
    owner: string | number | null,
    requireUserVerification: boolean,
  ): Promise<PasskeySignInResult> => {
    if (!wellFormed(response)) return { ok: false, reason: 'invalid' };
    const passkey = await passkeys().byCredentialId(response.id);
    if (!passkey) return { ok: false, reason: 'unknown_credential' };
    // Another user's passkey is no second factor of this one's (same answer as an unknown one).
    if (owner !== null && String(passkey.userId) !== String(owner))
      return { ok: false, reason: 'unknown_credential' };
    const handle = response.response.userHandle;
    if (handle !== undefined && handle !== null) {
      if (typeof handle !== 'string' || !userHandle(passkey.userId).equals(Buffer.from(handle, 'base64url')))
        return { ok: false, reason: 'invalid' };
    }
    const lib = await simpleWebAuthn();
    const rp = options.relyingParty();
    let newCounter: number;
    try {
      const verified = await lib.verifyAuthenticationResponse({
        response: response as unknown as Parameters<typeof lib.verifyAuthenticationResponse>[0]['response'],
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        credential: {
          id: passkey.credentialId,
          publicKey: passkey.publicKey as Parameters<
            typeof lib.verifyAuthenticationResponse
          >[0]['credential']['publicKey'],
          counter: passkey.counter,
          transports: passkey.transports as never,
        },
        requireUserVerification,
      });
      if (!verified.verified) return { ok: false, reason: 'invalid' };
      newCounter = verified.authenticationInfo.newCounter;
    } catch (error) {
      // The library refuses a counter that did not go up with this message.
      return {
        ok: false,
        reason: /counter/i.test(String((error as Error)?.message)) ? 'counter' : 'invalid',
      };
    }
    if ((newCounter > 0 || passkey.counter > 0) && newCounter <= passkey.counter)
      return { ok: false, reason: 'counter' };
    const now = new Date(pow.clock());
    if (!(await passkeys().recordUse(passkey.id, passkey.counter, newCounter, now)))
      return { ok: false, reason: 'counter' };
    return { ok: true, userId: passkey.userId, passkey: { ...summaryOf(passkey), lastUsedAt: now } };
  };

  return {
    async registrationOptions(user, binding, userName) {
      const lib = await simpleWebAuthn();
      const rp = options.relyingParty();
      const existing = await passkeys().listFor(user.id);
      const challenge = await issueChallenge(pow, binding, 'register', user.id, ttlMs);
      const json = await lib.generateRegistrationOptions({
        rpName: rp.name,
        rpID: rp.id,
        userName,
        userID: bytesOf(userHandle(user.id).toString('base64url')),
        challenge: bytesOf(challenge),
        timeout: CEREMONY_TIMEOUT_MS,
        attestationType: 'none',
        excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      });
      return json as unknown as PasskeyOptionsJSON;
    },

    async register(user, binding, response, label, userAgent) {
      const challenge = await takeChallenge(pow, binding, 'register', user.id);
      if (challenge === null) return { ok: false, reason: 'expired' };
      if (!wellFormed(response)) return { ok: false, reason: 'invalid' };
      const lib = await simpleWebAuthn();
      const rp = options.relyingParty();
      let credential;
      try {
        const verified = await lib.verifyRegistrationResponse({
          response: response as unknown as Parameters<typeof lib.verifyRegistrationResponse>[0]['response'],
          expectedChallenge: challenge,
          expectedOrigin: rp.origin,
          expectedRPID: rp.id,
          requireUserVerification: false,
        });
        if (!verified.verified) return { ok: false, reason: 'invalid' };
        credential = verified.registrationInfo.credential;
      } catch {
        return { ok: false, reason: 'invalid' };
      }
      if (
        credential.id.length > MAX_CREDENTIAL_ID_LENGTH ||
        credential.publicKey.length > MAX_PUBLIC_KEY_BYTES
      )
        return { ok: false, reason: 'invalid' };
      const created = await passkeys().create({
        userId: user.id,
        credentialId: credential.id,
        publicKey: credential.publicKey,
        counter: credential.counter,
        transports: storedTransports(credential.transports ?? []),
        label: passkeyLabel(label, userAgent),
      });
      if (created === false) return { ok: false, reason: 'already_registered' };
      return { ok: true, passkey: summaryOf(created) };
    },

    async signInOptions(binding) {
      const lib = await simpleWebAuthn();
      const rp = options.relyingParty();
      const challenge = await issueChallenge(pow, binding, 'sign-in', null, ttlMs);
      const json = await lib.generateAuthenticationOptions({
        rpID: rp.id,
        challenge: bytesOf(challenge),
        timeout: CEREMONY_TIMEOUT_MS,
        // Discoverable credentials: the authenticator offers the passkeys it holds for this site.
        allowCredentials: [],
        userVerification: options.requireUserVerification ? 'required' : 'preferred',
      });
      return json as unknown as PasskeyOptionsJSON;
    },

    async signIn(binding, response) {
      // Every attempt uses up the challenge, a failed one too.
      const challenge = await takeChallenge(pow, binding, 'sign-in', null);
      if (challenge === null) return { ok: false, reason: 'expired' };
      return verifyAssertion(challenge, response, null, options.requireUserVerification === true);
    },

    async secondFactorOptions(binding, userId) {
      const lib = await simpleWebAuthn();
      const rp = options.relyingParty();
      const own = await passkeys().listFor(userId);
      const challenge = await issueChallenge(pow, binding, 'second-factor', userId, ttlMs);
      const json = await lib.generateAuthenticationOptions({
        rpID: rp.id,
        challenge: bytesOf(challenge),
        timeout: CEREMONY_TIMEOUT_MS,
        // The password named the user: the browser offers only their passkeys.
        allowCredentials: own.map((p) => ({ id: p.credentialId, transports: p.transports })),
        userVerification: 'preferred',
      });
      return json as unknown as PasskeyOptionsJSON;
    },

    async verifySecondFactor(binding, userId, response) {
      const challenge = await takeChallenge(pow, binding, 'second-factor', userId);
      if (challenge === null) return { ok: false, reason: 'expired' };
      // The password was the other factor: the device alone (user presence) is the second one.
      return verifyAssertion(challenge, response, userId, false);
    },

    async list(userId) {
      return (await passkeys().listFor(userId)).map(summaryOf);
    },

    find,

    async remove(userId, id) {
      const found = await find(userId, id);
      if (!found) return null;
      return (await passkeys().remove(userId, found.id)) ? found : null;
    },
  };
}
