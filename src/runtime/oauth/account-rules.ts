/**
 * What a provider identity may do with pow's accounts. One pure function, so that every rule
 * is stated once and tested without a provider:
 * - An identity already linked signs its user in (and only that user).
 * - A signed-in user can link an identity nobody else holds. An identity held by another
 *   account is never moved.
 * - A provider's e-mail that matches an existing account does NOT sign that account in: whoever
 *   controls an account at a provider could otherwise take over the pow account with the same
 *   address. The user signs in with the password and links from the account page. Only when the
 *   provider verified the address AND the team opted in (`linkVerifiedEmail`) is it linked.
 * - A new identity with no matching account signs up (when registration is open), without a
 *   password; e-mail confirmation still applies when the provider did not verify the address.
 * - The last way to sign in (no password, one identity) cannot be unlinked.
 */
import type { ProviderProfile } from './authorization.js';

export interface AccountPolicy {
  /** Link a provider identity to the account with the same, provider-verified e-mail. Default false. */
  linkVerifiedEmail: boolean;
  /** Accept sign-up through a provider (registration open for this user type). */
  registration: boolean;
}

export interface AccountFacts {
  profile: ProviderProfile;
  /** The user id the identity is linked to, or null. */
  identityOwner: string | number | null;
  /** The signed-in user's id, when the browser came back to link a provider. */
  currentUser: string | number | null;
  /** The id of the account whose e-mail equals the provider's e-mail, or null. */
  emailOwner: string | number | null;
}

export type AccountDecision =
  | { action: 'sign_in'; userId: string | number }
  | { action: 'already_linked'; userId: string | number }
  | { action: 'link'; userId: string | number }
  /** Link to the account with the same verified e-mail and sign it in (opted in). */
  | { action: 'link_and_sign_in'; userId: string | number }
  | { action: 'sign_up'; email: string | null; confirmEmail: boolean }
  | { action: 'refuse'; reason: AccountRefusal };

export type AccountRefusal =
  /** The identity is linked to another account than the signed-in one. */
  | 'identity_taken'
  /** An account has this e-mail: sign in with the password, then link from the account page. */
  | 'email_taken'
  /** Sign-up is off for this user type. */
  | 'registration_closed'
  /** Sign-up needs an e-mail and the provider gave none. */
  | 'email_required';

const sameId = (a: string | number, b: string | number) => String(a) === String(b);

export function decideAccount(facts: AccountFacts, policy: AccountPolicy): AccountDecision {
  const { profile, identityOwner, currentUser, emailOwner } = facts;
  if (currentUser !== null) {
    if (identityOwner === null) return { action: 'link', userId: currentUser };
    return sameId(identityOwner, currentUser)
      ? { action: 'already_linked', userId: currentUser }
      : { action: 'refuse', reason: 'identity_taken' };
  }
  if (identityOwner !== null) return { action: 'sign_in', userId: identityOwner };
  if (emailOwner !== null) {
    return policy.linkVerifiedEmail && profile.emailVerified
      ? { action: 'link_and_sign_in', userId: emailOwner }
      : { action: 'refuse', reason: 'email_taken' };
  }
  if (!policy.registration) return { action: 'refuse', reason: 'registration_closed' };
  if (profile.email === null) return { action: 'refuse', reason: 'email_required' };
  return { action: 'sign_up', email: profile.email, confirmEmail: !profile.emailVerified };
}

/** Whether a user may unlink one identity: only when another way to sign in remains. */
export function mayUnlink(facts: { hasPassword: boolean; identities: number }): boolean {
  return facts.hasPassword || facts.identities > 1;
}
