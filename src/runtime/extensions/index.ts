/**
 * pow's extension services (reset password, e-mail confirmation, remember-me, invitations, magic links):
 * framework-agnostic, over a `Pow` instance. The Express layer calls these from its controllers.
 *
 *   const ext = powExtensions(pow, {
 *     prisma,
 *     url: (name, params) => 'https://example.com' + auth.routes.path(name, params),
 *     mail: { mailer: smtpMailer(process.env.SMTP_URL!, { from: 'no-reply@example.com' }),
 *             templateDir: 'views/pow/mailer', renderFile: ejs.renderFile },
 *   });
 *   await ext.requestPasswordReset(req.body.email);
 */
import type { Pow, Result, UserParams, UserRecord } from '../core/types.js';
import {
  createExtensionContext,
  type ExtensionContext,
  type ExtensionOptions,
  type PasswordResetHook,
} from './context.js';
import {
  requestPasswordReset,
  resetPassword,
  verifyResetToken,
  type ResetPasswordResult,
} from './reset-password.js';
import {
  confirmEmail,
  isConfirmed,
  markConfirmed,
  registerWithConfirmation,
  resendConfirmation,
  sendConfirmation,
  updateUserWithConfirmation,
  type ConfirmEmailResult,
  type RegistrationResult,
  type UpdateWithConfirmationResult,
} from './email-confirmation.js';
import {
  clearRememberMe,
  issueRememberMe,
  revokeRememberMe,
  useRememberMe,
  type RememberMeToken,
  type RememberMeUse,
} from './persistent-session.js';
import {
  acceptInvitation,
  invite,
  verifyInvitation,
  type AcceptInvitationResult,
  type InviteResult,
} from './invitation.js';
import {
  findMagicLink,
  requestMagicLink,
  useMagicLink,
  type MagicLinkLookup,
  type UseMagicLinkResult,
} from './magic-link.js';
import { revokeAllTokens } from './tokens.js';

export interface PowExtensions {
  readonly pow: Pow;
  readonly context: ExtensionContext;
  enabled(name: Pow['extensions'][number]): boolean;

  // reset-password
  requestPasswordReset(email: unknown): Promise<void>;
  verifyResetToken(token: unknown): Promise<UserRecord | null>;
  resetPassword(token: unknown, params: UserParams): Promise<ResetPasswordResult>;
  /** Adds a hook run after each successful reset (e.g. clear the account's sign-in throttle). Returns a remover. */
  onPasswordReset(hook: PasswordResetHook): () => void;

  // email-confirmation
  isConfirmed(user: UserRecord): boolean;
  register(params: UserParams): Promise<RegistrationResult>;
  sendConfirmation(user: UserRecord): Promise<void>;
  resendConfirmation(email: unknown): Promise<void>;
  confirmEmail(token: unknown): Promise<ConfirmEmailResult>;
  updateUser(user: UserRecord, params: UserParams): Promise<UpdateWithConfirmationResult>;
  markConfirmed(user: UserRecord): Promise<Result<UserRecord>>;

  // persistent-session
  issueRememberMe(user: UserRecord, data?: Record<string, unknown>): Promise<RememberMeToken | null>;
  useRememberMe(token: unknown): Promise<RememberMeUse | null>;
  clearRememberMe(token: unknown): Promise<void>;
  revokeRememberMe(user: Pick<UserRecord, 'id'>): Promise<number>;

  // invitation
  invite(inviter: UserRecord, params: UserParams): Promise<InviteResult>;
  verifyInvitation(token: unknown): Promise<UserRecord | null>;
  acceptInvitation(token: unknown, params: UserParams): Promise<AcceptInvitationResult>;

  // magic-link
  requestMagicLink(email: unknown): Promise<void>;
  findMagicLink(token: unknown): Promise<MagicLinkLookup>;
  useMagicLink(token: unknown): Promise<UseMagicLinkResult>;

  /** Every extension token of the user (call after deleting an account). */
  revokeAllTokens(user: Pick<UserRecord, 'id'>): Promise<void>;
}

export function powExtensions(pow: Pow, options: ExtensionOptions): PowExtensions {
  const ext = createExtensionContext(pow, options);
  return Object.freeze({
    pow,
    context: ext,
    enabled: (name: Pow['extensions'][number]) => ext.enabled(name),
    requestPasswordReset: (email: unknown) => requestPasswordReset(ext, email),
    verifyResetToken: (token: unknown) => verifyResetToken(ext, token),
    resetPassword: (token: unknown, params: UserParams) => resetPassword(ext, token, params),
    onPasswordReset(hook: PasswordResetHook) {
      ext.hooks.onPasswordReset.push(hook);
      return () => {
        const index = ext.hooks.onPasswordReset.indexOf(hook);
        if (index >= 0) ext.hooks.onPasswordReset.splice(index, 1);
      };
    },
    isConfirmed: (user: UserRecord) => isConfirmed(ext, user),
    register: (params: UserParams) => registerWithConfirmation(ext, params),
    sendConfirmation: (user: UserRecord) => sendConfirmation(ext, user),
    resendConfirmation: (email: unknown) => resendConfirmation(ext, email),
    confirmEmail: (token: unknown) => confirmEmail(ext, token),
    updateUser: (user: UserRecord, params: UserParams) => updateUserWithConfirmation(ext, user, params),
    markConfirmed: (user: UserRecord) => markConfirmed(ext, user),
    issueRememberMe: (user: UserRecord, data?: Record<string, unknown>) => issueRememberMe(ext, user, data),
    useRememberMe: (token: unknown) => useRememberMe(ext, token),
    clearRememberMe: (token: unknown) => clearRememberMe(ext, token),
    revokeRememberMe: (user: Pick<UserRecord, 'id'>) => revokeRememberMe(ext, user),
    invite: (inviter: UserRecord, params: UserParams) => invite(ext, inviter, params),
    verifyInvitation: (token: unknown) => verifyInvitation(ext, token),
    acceptInvitation: (token: unknown, params: UserParams) => acceptInvitation(ext, token, params),
    requestMagicLink: (email: unknown) => requestMagicLink(ext, email),
    findMagicLink: (token: unknown) => findMagicLink(ext, token),
    useMagicLink: (token: unknown) => useMagicLink(ext, token),
    revokeAllTokens: (user: Pick<UserRecord, 'id'>) => revokeAllTokens(pow, user.id),
  });
}

export {
  createExtensionContext,
  runHooks,
  type ExtensionContext,
  type ExtensionOptions,
  type ExtensionMailOptions,
  type LinkBuilder,
  type MailLinkName,
  type PasswordResetHook,
  type RememberMeTheftHook,
} from './context.js';
export {
  requestPasswordReset,
  resetPassword,
  verifyResetToken,
  type ResetPasswordResult,
} from './reset-password.js';
export {
  confirmEmail,
  isConfirmed,
  markConfirmed,
  registerWithConfirmation,
  resendConfirmation,
  sendConfirmation,
  updateUserWithConfirmation,
  type ConfirmEmailResult,
  type RegistrationResult,
  type UpdateWithConfirmationResult,
} from './email-confirmation.js';
export {
  clearRememberMe,
  issueRememberMe,
  revokeRememberMe,
  useRememberMe,
  type RememberMeToken,
  type RememberMeUse,
} from './persistent-session.js';
export {
  acceptInvitation,
  invite,
  verifyInvitation,
  type AcceptInvitationResult,
  type InviteResult,
} from './invitation.js';
export {
  findMagicLink,
  magicLinkMinutes,
  requestMagicLink,
  useMagicLink,
  type MagicLinkLookup,
  type UseMagicLinkResult,
} from './magic-link.js';
export { INVALID_TOKEN, type InvalidToken, type ValidationFailed, type UserResult } from './results.js';
export {
  DEFAULT_TOKEN_TTL_MS,
  TOKEN_PURPOSES,
  consumeToken,
  createToken,
  deleteToken,
  findToken,
  hashToken,
  peekToken,
  revokeAllTokens,
  revokeTokens,
  tokenNamespace,
  type IssuedToken,
  type TokenPurpose,
  type TokenRecord,
} from './tokens.js';
