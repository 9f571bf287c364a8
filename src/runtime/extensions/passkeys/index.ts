/** The passkeys extension (WebAuthn): see service.ts for the rules, express/passkeys.ts for the HTTP side. */
export {
  createPasskeyService,
  passkeyLabel,
  MAX_LABEL_LENGTH,
  type PasskeyFailure,
  type PasskeyOptionsJSON,
  type PasskeyService,
  type PasskeyServiceOptions,
  type PasskeySignInResult,
  type RegisterPasskeyResult,
} from './service.js';
export { DEFAULT_CHALLENGE_TTL_MS, issueChallenge, takeChallenge, type Ceremony } from './challenges.js';
export {
  createPasskeyStore,
  passkeyModelName,
  PASSKEY_RELATION,
  type PasskeyStore,
  type PasskeySummary,
  type StoredPasskey,
} from './model.js';
export { relyingPartyOf, type RelyingParty } from './relying-party.js';
