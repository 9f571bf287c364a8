/**
 * Reset password (PowResetPassword), hardened:
 * - the request answers the same for unknown, known and unconfirmed e-mails, doing the same store
 *   work and queuing the mail off the request path (security bar C3);
 * - tokens are hashed, single-use, expire after 1 h by default and are bound to the address they
 *   were mailed to (F2–F5);
 * - a reset ends every session and remember-me token of the user and every other reset token,
 *   signs nobody in and mails a "password changed" notice (D11, F3, F10).
 */
import type { FieldErrors, UserParams, UserRecord } from '../core/types.js';
import { addError } from '../core/errors.js';
import { normalizeUserId } from '../core/validation.js';
import { runHooks, type ExtensionContext } from './context.js';
import {
  INVALID_TOKEN,
  validationFailed,
  type InvalidToken,
  type UserResult,
  type ValidationFailed,
} from './results.js';
import {
  consumeFound,
  createToken,
  findToken,
  restoreToken,
  revokeTokens,
  spendTokenWrites,
  userIdOf,
  type TokenRecord,
} from './tokens.js';

/** Normalised e-mail, or null when the input cannot be one. */
function emailParam(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const email = normalizeUserId('email', value) as string;
  return email.length > 0 && email.length <= 254 ? email : null;
}

function currentEmail(user: UserRecord): string | undefined {
  return typeof user.email === 'string' ? user.email : undefined;
}

/**
 * Mails a reset link when an account has this e-mail. Resolves the same way (undefined) for every
 * input; the caller always shows `reset_password.maybe_email_has_been_sent`.
 */
export async function requestPasswordReset(ext: ExtensionContext, email: unknown): Promise<void> {
  ext.require('reset-password');
  ext.requireMail();
  const { pow } = ext;
  const address = emailParam(email);
  const user = address ? await pow.users.getBy({ email: address }) : null;
  if (user && currentEmail(user)) {
    const { token } = await createToken(pow, 'reset_password', {
      userId: user.id,
      sentTo: currentEmail(user),
      ttlMs: ext.ttl.reset_password,
    });
    ext.sendMail(
      'reset_password',
      currentEmail(user)!,
      user,
      {},
      { name: 'reset_password.edit', token, ttlMs: ext.ttl.reset_password },
    );
    return;
  }
  await spendTokenWrites(pow);
}

async function resolve(ext: ExtensionContext, token: unknown) {
  const found = await findToken(ext.pow, 'reset_password', token);
  if (!found || found.record.state !== 'active') return null;
  const user = await ext.pow.users.getBy({ id: found.record.uid });
  if (!user) return null;
  // Bound to the address it was mailed to: an e-mail change invalidates it (F5).
  if (found.record.sentTo === undefined || found.record.sentTo !== currentEmail(user)) return null;
  return { found, user };
}

/** The user a reset token belongs to, without using it (to show the "new password" form). */
export async function verifyResetToken(ext: ExtensionContext, token: unknown): Promise<UserRecord | null> {
  ext.require('reset-password');
  return (await resolve(ext, token))?.user ?? null;
}

export type ResetPasswordResult = UserResult | InvalidToken | ValidationFailed;

/**
 * Sets a new password with a reset token. Validation errors leave the token usable (the form is
 * shown again); success uses it up, ends every session and remember-me token of the user, revokes
 * the user's other reset tokens, runs the `onPasswordReset` hooks and mails a notice. The user is
 * not signed in.
 */
export async function resetPassword(
  ext: ExtensionContext,
  token: unknown,
  params: UserParams,
): Promise<ResetPasswordResult> {
  ext.require('reset-password');
  const { pow } = ext;
  const resolved = await resolve(ext, token);
  if (!resolved) return INVALID_TOKEN;
  const errors: FieldErrors = {};
  const password = params?.password;
  const confirmation = params?.password_confirmation;
  if (typeof confirmation !== 'string' || confirmation.length === 0)
    addError(errors, 'password_confirmation', 'errors.blank');
  else if (typeof password === 'string' && confirmation !== password)
    addError(errors, 'password_confirmation', 'errors.confirmation');
  if (typeof password !== 'string' || password.length === 0) addError(errors, 'password', 'errors.blank');
  if (Object.keys(errors).length > 0) return validationFailed(errors);

  // Use the token before writing, so two parallel submissions cannot both succeed.
  const record: TokenRecord | null = await consumeFound(pow, resolved.found);
  if (!record) return INVALID_TOKEN;
  const updated = await pow.users.setPassword(resolved.user, password as string);
  if (!updated.ok) {
    await restoreToken(pow, token as string, record);
    return validationFailed(updated.errors);
  }
  let user = updated.value;

  // The link proved control of the address: it counts as confirming it / accepting an invitation.
  const data: Record<string, unknown> = {};
  if (
    ext.enabled('email-confirmation') &&
    user.emailConfirmedAt == null &&
    record.sentTo === currentEmail(user)
  ) {
    data.emailConfirmedAt = ext.now();
  }
  if (ext.enabled('invitation') && user.invitedById != null && user.invitationAcceptedAt == null) {
    data.invitationAcceptedAt = ext.now();
  }
  if (Object.keys(data).length > 0) {
    const written = await ext.writeUser(user, data);
    if (written.ok) user = written.value;
  }

  await pow.sessions.revokeAll(user.id);
  await revokeTokens(pow, 'persistent_session', userIdOf(user));
  await revokeTokens(pow, 'reset_password', userIdOf(user));
  if (ext.enabled('invitation')) await revokeTokens(pow, 'invitation', userIdOf(user));
  // An unused sign-in link is as good as the old password: it ends with it.
  if (ext.enabled('magic-link')) await revokeTokens(pow, 'magic_link', userIdOf(user));
  await runHooks(ext.hooks.onPasswordReset, user, 'onPasswordReset');
  if (ext.options.mail && currentEmail(user)) {
    ext.sendMail('password_changed', currentEmail(user)!, user, {}, { name: 'reset_password.new' });
  }
  return { ok: true, user };
}
