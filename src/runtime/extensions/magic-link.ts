/**
 * Magic links: sign in with a single-use, short-lived link mailed to the account's address. The
 * token rules are reset-password's (tokens.ts): 32 random bytes, only the SHA-256 stored,
 * purpose-bound, bound to the address it was mailed to, used once (a lock in the store, so two
 * parallel clicks cannot both sign in), 15 min by default (`tokenTtlMs.magic_link`).
 *
 * - The request answers the same for every input and does the same store work: an account gets
 *   its link, an unknown address gets nothing (no mail, so nobody can use the form to mail
 *   strangers) after the same two writes (`spendTokenWrites`). The mail is queued off the request
 *   path.
 * - An account whose address is not confirmed yet (email-confirmation) gets a new confirmation
 *   link instead, as a right password at sign-in does: a sign-in link never confirms an address.
 *   Someone may have registered that address with a password of their own (pre-account
 *   hijacking); confirming it through a sign-in link would hand them a working account.
 * - A used link stays known as `used` until it would have expired, so a second click is told "already
 *   used" instead of "invalid"; the other links of the user end when one is used.
 *
 * Session, lock and security-event rules belong to the Express layer (express/magic-link.ts).
 */
import type { UserRecord } from '../core/types.js';
import { normalizeUserId } from '../core/validation.js';
import type { ExtensionContext } from './context.js';
import { isConfirmed, sendConfirmation } from './email-confirmation.js';
import {
  consumeFound,
  createToken,
  findToken,
  revokeTokens,
  spendTokenWrites,
  userIdOf,
  type FoundToken,
} from './tokens.js';

/** Normalised e-mail, or null when the input cannot be one. */
export function magicLinkAddress(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const email = normalizeUserId('email', value) as string;
  return email.length > 0 && email.length <= 254 ? email : null;
}

function currentEmail(user: UserRecord): string | undefined {
  return typeof user.email === 'string' ? user.email : undefined;
}

/** The link's lifetime in whole minutes, as the mail and the pages state it. */
export function magicLinkMinutes(ext: ExtensionContext): number {
  return Math.max(1, Math.round(ext.ttl.magic_link / 60_000));
}

/**
 * Mails a sign-in link when an account has this e-mail (a confirmation link when the address is
 * not confirmed yet). Resolves the same way (undefined) for every input. The caller has counted
 * the request against `magicLinksPerRecipient`, so the mail is not counted again.
 */
export async function requestMagicLink(ext: ExtensionContext, email: unknown): Promise<void> {
  ext.require('magic-link');
  ext.requireMail();
  const { pow } = ext;
  const address = magicLinkAddress(email);
  const user = address ? await pow.users.getBy({ email: address }) : null;
  const to = user ? currentEmail(user) : undefined;
  if (!user || !to) {
    await spendTokenWrites(pow);
    return;
  }
  if (!isConfirmed(ext, user)) {
    await sendConfirmation(ext, user);
    return;
  }
  const { token } = await createToken(pow, 'magic_link', {
    userId: user.id,
    sentTo: to,
    ttlMs: ext.ttl.magic_link,
  });
  ext.sendMail(
    'magic_link',
    to,
    user,
    { minutes: magicLinkMinutes(ext) },
    { name: 'magic_link.show', token, ttlMs: ext.ttl.magic_link },
    { countedWhenAsked: true },
  );
}

/** What a presented link is: usable (with its account), already used, or unknown/expired. */
export type MagicLinkLookup =
  { state: 'active'; user: UserRecord; found: FoundToken } | { state: 'used' } | { state: 'invalid' };

/** Looks a link up without using it (the confirmation page: a mail scanner's GET changes nothing). */
export async function findMagicLink(ext: ExtensionContext, token: unknown): Promise<MagicLinkLookup> {
  ext.require('magic-link');
  const found = await findToken(ext.pow, 'magic_link', token);
  if (!found) return { state: 'invalid' };
  if (found.record.state !== 'active') return { state: 'used' };
  const user = await ext.pow.users.getBy({ id: found.record.uid });
  // Bound to the address it was mailed to: an e-mail change invalidates it.
  if (!user || found.record.sentTo === undefined || found.record.sentTo !== currentEmail(user))
    return { state: 'invalid' };
  return { state: 'active', user, found };
}

export type UseMagicLinkResult =
  | { ok: true; user: UserRecord }
  | { ok: false; reason: 'invalid' | 'used' | 'unconfirmed'; user?: UserRecord };

/**
 * Uses a link: the first caller gets the account, every later or parallel one `used`. The user's
 * other links end. Refusals (an unconfirmed address) leave the link as it was; so does a refusal
 * of the caller's own before this call (the Express layer checks the account's sign-in lock).
 */
export async function useMagicLink(ext: ExtensionContext, token: unknown): Promise<UseMagicLinkResult> {
  const lookup = await findMagicLink(ext, token);
  if (lookup.state !== 'active') return { ok: false, reason: lookup.state };
  const { user, found } = lookup;
  if (!isConfirmed(ext, user)) {
    // Not reachable through a link mailed by `requestMagicLink` unless the account changed since.
    await sendConfirmation(ext, user);
    return { ok: false, reason: 'unconfirmed', user };
  }
  const record = await consumeFound(ext.pow, found, { keepAs: 'used' });
  if (!record) return { ok: false, reason: 'used' };
  await revokeTokens(ext.pow, 'magic_link', userIdOf(user), { exceptToken: token as string });
  return { ok: true, user };
}
