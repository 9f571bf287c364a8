/**
 * E-mail confirmation (PowEmailConfirmation), hardened:
 * - "confirmed" means `emailConfirmedAt` is set (not the absence of a token, see pow-behaviour §4.1
 *   and checklist row 70); unconfirmed users cannot sign in (`isConfirmed`, security bar C10);
 * - tokens are hashed, expire (48 h by default) and are bound to the address they were sent to:
 *   confirming switches to exactly that address, and a later change makes older links useless;
 * - an e-mail change keeps `email` and stores `unconfirmedEmail` until the new address is
 *   confirmed (submitting it twice changes nothing: Pow issue #512); the old address gets a notice;
 * - sign-up with a taken e-mail answers like a fresh sign-up and mails the owner a notice (C4);
 * - a second click on a used link reports "already confirmed" rather than an error (mail scanners).
 */
import type { FieldErrors, Result, UserParams, UserRecord } from '../core/types.js';
import { addError } from '../core/errors.js';
import { checkUserId, normalizeUserId } from '../core/validation.js';
import type { ExtensionContext } from './context.js';
import { INVALID_TOKEN, type InvalidToken } from './results.js';
import {
  consumeFound,
  createToken,
  findToken,
  generateToken,
  hashToken,
  revokeTokens,
  tokenNamespace,
  userIdOf,
  type FoundToken,
} from './tokens.js';

/** Minimum time between two "someone tried to sign up with your address" notices to one account. */
const REGISTRATION_NOTICE_EVERY_MS = 60 * 60 * 1000;

function emailOf(user: UserRecord): string | undefined {
  return typeof user.email === 'string' ? user.email : undefined;
}

/**
 * True when the user may sign in: always when the extension is off; else once `emailConfirmedAt`
 * is set. A pending change of address (`unconfirmedEmail`) does not make a confirmed user
 * unconfirmed.
 */
export function isConfirmed(ext: ExtensionContext, user: UserRecord): boolean {
  if (!ext.enabled('email-confirmation')) return true;
  return user.emailConfirmedAt !== null && user.emailConfirmedAt !== undefined;
}

/** The address a confirmation mail for this user goes to: the pending new one, else the current one. */
function confirmationAddress(user: UserRecord): string | undefined {
  return typeof user.unconfirmedEmail === 'string' && user.unconfirmedEmail
    ? user.unconfirmedEmail
    : emailOf(user);
}

/**
 * The one check of an address a user asks to move to, on the account form or while accepting an
 * invitation: the edit-account rules (`checkUserId`: format, length, no CR/LF, one recipient;
 * issue 16, defect 1), and not another account's address (confirming would refuse it anyway;
 * refusing it now mails nothing to that account's owner). Problems are under `email`.
 */
export async function checkNewEmail(
  ext: ExtensionContext,
  user: UserRecord,
  raw: unknown,
): Promise<{ ok: true; value: string } | { ok: false; errors: FieldErrors }> {
  const errors: FieldErrors = {};
  const checked = typeof raw === 'string' && raw.trim() !== '' ? checkUserId('email', raw) : null;
  if (!checked) addError(errors, 'email', 'errors.blank');
  else if (!checked.ok) addError(errors, 'email', checked.problem.key, checked.problem.params);
  else {
    const owner = await ext.pow.users.getBy({ email: checked.value });
    if (!owner || String(owner.id) === String(user.id)) return { ok: true, value: checked.value };
    addError(errors, 'email', 'errors.taken');
  }
  return { ok: false, errors };
}

/**
 * Creates a confirmation token for the user's pending address (or current one) and queues the
 * mail. Used after sign-up, at a sign-in attempt of an unconfirmed user (right password only), and
 * after an e-mail change.
 */
export async function sendConfirmation(ext: ExtensionContext, user: UserRecord): Promise<void> {
  ext.require('email-confirmation');
  ext.requireMail();
  const to = confirmationAddress(user);
  if (!to) return;
  const { token } = await createToken(ext.pow, 'email_confirmation', {
    userId: user.id,
    sentTo: to,
    ttlMs: ext.ttl.email_confirmation,
  });
  ext.sendMail(
    'email_confirmation',
    to,
    user,
    {},
    { name: 'confirmation.show', token, ttlMs: ext.ttl.email_confirmation },
  );
}

async function decoyWrites(ext: ExtensionContext): Promise<void> {
  const decoy = hashToken(generateToken());
  const ns = tokenNamespace(ext.pow);
  await ext.pow.store.put(ns, `decoy:${decoy}`, { purpose: 'decoy', createdAt: ext.pow.clock() }, 60_000);
  await ext.pow.store.put(ns, `decoy:u:${decoy}`, { expiresAt: ext.pow.clock() + 60_000 }, 60_000);
}

/** `{ ok: true }` for a new account and for a taken e-mail alike: the caller shows "check your inbox". */
export type RegistrationResult = { ok: true } | { ok: false; errors: FieldErrors };

function withoutTaken(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [field, list] of Object.entries(errors)) {
    const kept = field === 'email' ? list.filter((e) => e.key !== 'errors.taken') : list;
    if (kept.length > 0) out[field] = kept;
  }
  return out;
}

/**
 * Registration with e-mail confirmation: creates the user (unconfirmed) and mails a confirmation
 * link. Never signs anyone in. With `preventUserEnumeration` (default), a taken e-mail gets the
 * same `{ ok: true }` and the owner gets a notice (at most one per hour); other validation errors
 * are returned as usual, without the "taken" one.
 */
export async function registerWithConfirmation(
  ext: ExtensionContext,
  params: UserParams,
): Promise<RegistrationResult> {
  ext.require('email-confirmation');
  ext.requireMail();
  const result = await ext.pow.users.create(params);
  if (result.ok) {
    await sendConfirmation(ext, result.value);
    return { ok: true };
  }
  const taken = result.errors.email?.some((e) => e.key === 'errors.taken') ?? false;
  if (!taken || ext.options.preventUserEnumeration === false) return { ok: false, errors: result.errors };
  // "taken" comes from the insert, so every other check has passed; drop it all the same if not.
  const others = withoutTaken(result.errors);
  if (Object.keys(others).length > 0) return { ok: false, errors: others };
  const owner = await ext.pow.users.getBy({ email: normalizeUserId('email', params.email) });
  if (owner && emailOf(owner)) {
    const ns = tokenNamespace(ext.pow);
    const first = await ext.pow.store.putIfAbsent(
      ns,
      `notice:registration:${encodeURIComponent(userIdOf(owner))}`,
      1,
      REGISTRATION_NOTICE_EVERY_MS,
    );
    if (first) ext.sendMail('registration_attempt', emailOf(owner)!, owner, {}, { name: 'session.new' });
    await ext.pow.store.put(
      ns,
      `decoy:u:${hashToken(generateToken())}`,
      { expiresAt: ext.pow.clock() + 60_000 },
      60_000,
    );
  } else {
    await decoyWrites(ext);
  }
  return { ok: true };
}

/**
 * "Resend confirmation": mails a new link when an unconfirmed account has this e-mail. Same
 * outcome and store work for every input (`email_confirmation.confirmation_resent`).
 */
export async function resendConfirmation(ext: ExtensionContext, email: unknown): Promise<void> {
  ext.require('email-confirmation');
  ext.requireMail();
  const address = typeof email === 'string' ? (normalizeUserId('email', email) as string) : '';
  const user = address && address.length <= 254 ? await ext.pow.users.getBy({ email: address }) : null;
  if (user && !isConfirmed(ext, user)) {
    await sendConfirmation(ext, user);
    return;
  }
  await decoyWrites(ext);
}

export type ConfirmEmailResult =
  | {
      ok: true;
      status: 'confirmed' | 'already_confirmed';
      user: UserRecord;
      /** True when this confirmation moved the account to a new address (a pending change). */
      emailChanged?: boolean;
    }
  | InvalidToken
  | { ok: false; error: 'confirmation_failed' };

/**
 * Confirms the address a link was sent to: the initial address (sets `emailConfirmedAt`) or a
 * pending change (`email` ← `unconfirmedEmail`). A link sent to an address the account no longer
 * has, or another purpose's token, is `invalid_token`; a taken address is `confirmation_failed`.
 */
export async function confirmEmail(ext: ExtensionContext, token: unknown): Promise<ConfirmEmailResult> {
  ext.require('email-confirmation');
  const { pow } = ext;
  const found: FoundToken | null = await findToken(pow, 'email_confirmation', token);
  if (!found) return INVALID_TOKEN;
  const { record } = found;
  const user = await pow.users.getBy({ id: record.uid });
  if (!user || record.sentTo === undefined) return INVALID_TOKEN;
  const sentTo = record.sentTo;
  const alreadyDone = (u: UserRecord): ConfirmEmailResult =>
    emailOf(u) === sentTo && isConfirmed(ext, u)
      ? { ok: true, status: 'already_confirmed', user: u }
      : INVALID_TOKEN;

  if (record.state !== 'active') return alreadyDone(user);

  let data: Record<string, unknown> | null;
  if (typeof user.unconfirmedEmail === 'string' && user.unconfirmedEmail === sentTo) {
    // A pending address stored before it was checked (pow before issue 16) never becomes the e-mail.
    if (!checkUserId('email', sentTo).ok) return { ok: false, error: 'confirmation_failed' };
    data = { email: sentTo, unconfirmedEmail: null, emailConfirmedAt: ext.now() };
  } else if (emailOf(user) === sentTo) {
    data = isConfirmed(ext, user) ? null : { emailConfirmedAt: ext.now() };
  } else {
    return INVALID_TOKEN; // sent to an address the account has moved away from
  }

  const consumed = await consumeFound(pow, found, { keepAs: 'used' });
  if (!consumed) {
    // A parallel click won the race: report its outcome.
    const fresh = await pow.users.getBy({ id: record.uid });
    return fresh ? alreadyDone(fresh) : INVALID_TOKEN;
  }
  if (!data) return { ok: true, status: 'already_confirmed', user };
  const written = await ext.writeUser(user, data);
  if (!written.ok) return { ok: false, error: 'confirmation_failed' };
  if ('email' in data) {
    // The account moved to a new address: links mailed to the old one must stop working (F5, D11).
    await revokeTokens(pow, 'reset_password', userIdOf(user));
    await revokeTokens(pow, 'email_confirmation', userIdOf(user), { exceptToken: token as string });
    return { ok: true, status: 'confirmed', user: written.value, emailChanged: true };
  }
  return { ok: true, status: 'confirmed', user: written.value };
}

export type UpdateWithConfirmationResult =
  { ok: true; user: UserRecord; emailConfirmationRequired: boolean } | { ok: false; errors: FieldErrors };

/**
 * Account update with the extension on. A new e-mail is not applied: it is validated, needs the
 * current password (like any credential change), is stored as `unconfirmedEmail` and gets a
 * confirmation link; the old address gets a notice. Submitting the current e-mail cancels a
 * pending change. Everything else goes through `pow.users.update`.
 */
export async function updateUserWithConfirmation(
  ext: ExtensionContext,
  user: UserRecord,
  params: UserParams,
): Promise<UpdateWithConfirmationResult> {
  ext.require('email-confirmation');
  const { pow } = ext;
  params ??= {};
  const hasEmail = Object.prototype.hasOwnProperty.call(params, 'email') && params.email !== undefined;
  if (!hasEmail) {
    const result = await pow.users.update(user, params);
    return result.ok ? { ok: true, user: result.value, emailConfirmationRequired: false } : result;
  }
  const fresh = await pow.users.getBy({ id: user.id });
  if (!fresh) return { ok: false, errors: { base: [{ key: 'errors.not_found', message: 'was not found' }] } };
  const current = emailOf(fresh);
  const requested =
    typeof params.email === 'string' ? (normalizeUserId('email', params.email) as string) : params.email;
  const rest: UserParams = { ...params, email: current };

  if (requested === current) {
    const result = await pow.users.update(fresh, rest);
    if (!result.ok) return result;
    let updated = result.value;
    if (typeof updated.unconfirmedEmail === 'string') {
      const cleared = await ext.writeUser(updated, { unconfirmedEmail: null });
      if (!cleared.ok) return cleared;
      updated = cleared.value;
      await revokeTokens(pow, 'email_confirmation', userIdOf(updated));
    }
    return { ok: true, user: updated, emailConfirmationRequired: false };
  }

  ext.requireMail();
  const next = await checkNewEmail(ext, fresh, params.email);
  const errors: FieldErrors = next.ok ? {} : next.errors;
  // Shown with the address's problems; pow.users.update verifies it (every update needs it).
  if (typeof params.current_password !== 'string' || params.current_password === '')
    addError(errors, 'current_password', 'errors.blank');
  if (!next.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  const result = await pow.users.update(fresh, rest);
  if (!result.ok) return result;
  const written = await ext.writeUser(result.value, { unconfirmedEmail: next.value });
  if (!written.ok) return written;
  const updated = written.value;
  await sendConfirmation(ext, updated);
  if (current)
    ext.sendMail('email_changed', current, updated, { newEmail: next.value }, { name: 'reset_password.new' });
  return { ok: true, user: updated, emailConfirmationRequired: true };
}

/** For seeds, tests and admin tools: marks the user's current e-mail as confirmed. */
export async function markConfirmed(ext: ExtensionContext, user: UserRecord): Promise<Result<UserRecord>> {
  return ext.writeUser(user, { emailConfirmedAt: ext.now() });
}
