/**
 * Invitations (PowInvitation), hardened (security bar F11):
 * - the invitee row is created without a password (it cannot sign in) and with `invitedById`;
 * - the token is hashed, single-use, bound to the invited address and expires (7 days default);
 * - accepting requires a password that passes the policy; the inviter never sets or sees it;
 * - inviting a taken identifier answers exactly like a fresh invitation and sends nothing
 *   (checklist row 54); a pending (not yet accepted) invitee is simply invited again.
 */
import type { FieldErrors, UserParams, UserRecord } from '../core/types.js';
import { addError } from '../core/errors.js';
import { checkUserId, normalizeUserId } from '../core/validation.js';
import type { ExtensionContext } from './context.js';
import { INVALID_TOKEN, validationFailed, type InvalidToken, type ValidationFailed } from './results.js';
import { checkNewEmail, isConfirmed, sendConfirmation } from './email-confirmation.js';
import {
  consumeFound,
  createToken,
  findToken,
  generateToken,
  hashToken,
  restoreToken,
  revokeTokens,
  tokenNamespace,
  userIdOf,
} from './tokens.js';

export type InviteResult =
  | {
      ok: true;
      /**
       * Set only when the user type has no `email` id field (nothing can be mailed): the accept
       * link to show the inviter. For a taken identifier it is a link that leads nowhere, so the
       * answer looks the same.
       */
      url?: string;
    }
  | { ok: false; errors: FieldErrors };

function isPending(user: UserRecord): boolean {
  return (
    user.invitedById !== null &&
    user.invitedById !== undefined &&
    (user.invitationAcceptedAt === null || user.invitationAcceptedAt === undefined)
  );
}

/**
 * Invites someone by the first user id field (`email`, or e.g. `username`). The invitee row gets
 * `invitedById = inviter.id` and no password; with an e-mail, the link is mailed.
 */
export async function invite(
  ext: ExtensionContext,
  inviter: UserRecord,
  params: UserParams,
): Promise<InviteResult> {
  ext.require('invitation');
  const { pow } = ext;
  const field = pow.userIdFields[0];
  const byEmail = field === 'email';
  if (byEmail) ext.requireMail();
  const url = ext.requireUrl();
  const raw = params?.[field];
  const errors: FieldErrors = {};
  let value: string | undefined;
  if (typeof raw !== 'string' || raw.trim() === '') addError(errors, field, 'errors.blank');
  else {
    const checked = checkUserId(field, raw);
    if (checked.ok) value = checked.value;
    else addError(errors, field, checked.problem.key, checked.problem.params);
  }
  if (Object.keys(errors).length > 0 || value === undefined) return { ok: false, errors };

  let invitee = await pow.users.getBy({ [field]: value });
  if (!invitee) {
    const created = await ext.insertUser({ [field]: value, invitedById: inviter.id });
    // Lost a race with a registration: treat it like any taken identifier.
    invitee = created.ok ? created.value : null;
  } else if (!isPending(invitee)) {
    invitee = null;
  }

  if (!invitee) {
    // Taken: same answer, same amount of store work, nothing sent.
    const decoy = generateToken();
    const ns = tokenNamespace(pow);
    await pow.store.put(
      ns,
      `decoy:${hashToken(decoy)}`,
      { purpose: 'decoy', createdAt: pow.clock() },
      60_000,
    );
    await pow.store.put(ns, `decoy:u:${hashToken(decoy)}`, { expiresAt: pow.clock() + 60_000 }, 60_000);
    return byEmail ? { ok: true } : { ok: true, url: url('invitation.edit', { token: decoy }) };
  }

  const email = typeof invitee.email === 'string' ? invitee.email : undefined;
  const { token } = await createToken(pow, 'invitation', {
    userId: invitee.id,
    ...(email ? { sentTo: email } : {}),
    ttlMs: ext.ttl.invitation,
  });
  if (byEmail && email) {
    const inviterId = String(inviter[field] ?? inviter.email ?? '');
    ext.sendMail(
      'invitation',
      email,
      invitee,
      { invitedBy: inviter, invitedByUserId: inviterId },
      { name: 'invitation.edit', token, ttlMs: ext.ttl.invitation },
    );
    return { ok: true };
  }
  return { ok: true, url: url('invitation.edit', { token }) };
}

async function resolve(ext: ExtensionContext, token: unknown) {
  const found = await findToken(ext.pow, 'invitation', token);
  if (!found || found.record.state !== 'active') return null;
  const user = await ext.pow.users.getBy({ id: found.record.uid });
  if (!user || !isPending(user)) return null;
  if (found.record.sentTo !== undefined && found.record.sentTo !== user.email) return null;
  return { found, user };
}

/** The invitee of a valid, unused invitation (for the accept form), or null. */
export async function verifyInvitation(ext: ExtensionContext, token: unknown): Promise<UserRecord | null> {
  ext.require('invitation');
  return (await resolve(ext, token))?.user ?? null;
}

export type AcceptInvitationResult =
  { ok: true; user: UserRecord; emailConfirmationRequired: boolean } | InvalidToken | ValidationFailed;

/**
 * Accepts an invitation: sets the invitee's password (policy and confirmation apply) and other
 * allowed fields, marks `invitationAcceptedAt` and returns the user to sign in. The invited
 * address counts as confirmed (the link was mailed there). Changing the e-mail on the form with
 * email-confirmation on stores it as a pending change and mails a confirmation link; the new
 * address passes the account form's checks first (`checkNewEmail`; issue 16, defect 1).
 */
export async function acceptInvitation(
  ext: ExtensionContext,
  token: unknown,
  params: UserParams,
): Promise<AcceptInvitationResult> {
  ext.require('invitation');
  const { pow } = ext;
  const resolved = await resolve(ext, token);
  if (!resolved) return INVALID_TOKEN;
  const { user } = resolved;
  params ??= {};
  const errors: FieldErrors = {};
  if (typeof params.password !== 'string' || params.password === '')
    addError(errors, 'password', 'errors.blank');
  if (typeof params.password_confirmation !== 'string' || params.password_confirmation === '') {
    addError(errors, 'password_confirmation', 'errors.blank');
  }
  const currentEmail = typeof user.email === 'string' ? user.email : undefined;
  let requestedEmail = currentEmail;
  const typed = typeof params.email === 'string' ? normalizeUserId('email', params.email) : '';
  if (currentEmail !== undefined && typed !== '' && typed !== currentEmail) {
    // The checks of the account form, before anything is stored or mailed (issue 16, defect 1).
    const next = await checkNewEmail(ext, user, params.email);
    if (next.ok) requestedEmail = next.value;
    else Object.assign(errors, next.errors);
  }
  if (Object.keys(errors).length > 0) return validationFailed(errors);

  const confirmation = ext.enabled('email-confirmation');
  const changesEmail = currentEmail !== undefined && requestedEmail !== currentEmail;
  // With confirmation on, a new address is not applied until confirmed.
  const updateParams: UserParams = { ...params };
  delete updateParams.current_password;
  if (confirmation && changesEmail) updateParams.email = currentEmail;

  const record = await consumeFound(pow, resolved.found);
  if (!record) return INVALID_TOKEN;
  // The invitee has no password yet, so pow.users.update needs no current password.
  const updated = await pow.users.update(user, updateParams);
  if (!updated.ok) {
    await restoreToken(pow, token as string, record);
    return validationFailed(updated.errors);
  }
  const data: Record<string, unknown> = { invitationAcceptedAt: ext.now() };
  if (confirmation && !isConfirmed(ext, updated.value)) data.emailConfirmedAt = ext.now();
  if (confirmation && changesEmail) data.unconfirmedEmail = requestedEmail;
  const written = await ext.writeUser(updated.value, data);
  if (!written.ok) return validationFailed(written.errors);
  await revokeTokens(pow, 'invitation', userIdOf(written.value));
  if (confirmation && changesEmail) await sendConfirmation(ext, written.value);
  return { ok: true, user: written.value, emailConfirmationRequired: confirmation && changesEmail };
}
