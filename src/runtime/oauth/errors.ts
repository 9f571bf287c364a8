/**
 * Why a sign-in through a provider did not complete. The pages map each reason to a message; only
 * `unavailable` is the provider's fault and answers 503 with Retry-After.
 */
export type OAuthFailure =
  /** The callback's `state` is not the one this browser was sent off with (forged or replayed). */
  | 'state_mismatch'
  /** No pending sign-in in this browser, or it is older than its lifetime. */
  | 'expired'
  /** The user declined at the provider, or the provider answered with an OAuth error. */
  | 'denied'
  /** The provider's answer failed a check (ID token signature, issuer, audience, expiry, nonce; code reuse). */
  | 'invalid_response'
  /** The provider's answer has no stable user id (or no e-mail pow can use). */
  | 'incomplete_profile'
  /** The provider did not answer in time or could not be reached. */
  | 'unavailable';

export class OAuthFlowError extends Error {
  readonly reason: OAuthFailure;
  readonly provider: string;
  constructor(provider: string, reason: OAuthFailure, detail: string, options?: { cause?: unknown }) {
    super(`pow: sign-in with ${provider} failed (${reason}): ${detail}`, options);
    this.name = 'OAuthFlowError';
    this.provider = provider;
    this.reason = reason;
  }
}

export function isOAuthFlowError(error: unknown): error is OAuthFlowError {
  return error instanceof OAuthFlowError;
}
