/**
 * The shared context of pow's extension services: the `Pow` instance, a writer for the columns
 * the extensions own (`emailConfirmedAt`, `unconfirmedEmail`, `invitedById`,
 * `invitationAcceptedAt`; on the user model or in the credential model, user-layout.ts), token
 * lifetimes, hooks and mail delivery.
 */
import { PowError } from '../../shared/pow-error.js';
import type { ExtensionName, FieldErrors, Pow, PrismaLike, Result, UserRecord } from '../core/types.js';
import { addError } from '../core/errors.js';
import { delegateName, uniqueViolationField, type UserDelegate } from '../core/users.js';
import { createUserLayout, withInclude } from '../core/user-layout.js';
import { checkUserId } from '../core/validation.js';
import { createRateLimiter, resolveRateLimits, type RateLimiter } from '../core/rate-limit.js';
import { deliverLater, logMailError } from '../mail/deliver.js';
import { renderMail } from '../mail/render.js';
import { formatLifetime } from '../mail/lifetime.js';
import type { Translate } from '../mail/templates.js';
import type { MailErrorHandler, MailName, Mailer, RenderFile } from '../mail/types.js';
import { DEFAULT_TOKEN_TTL_MS, type TokenPurpose } from './tokens.js';

/** Pages the mails link to (names as in the Express layer's path helper). */
export type MailLinkName =
  | 'reset_password.edit'
  | 'reset_password.new'
  | 'confirmation.show'
  | 'invitation.edit'
  | 'session.new'
  | 'sessions.index'
  | 'registration.edit'
  | 'security_log.index'
  | 'magic_link.show';

/**
 * Absolute URL of a page, from the configured base URL (never the request's Host header) and the
 * mount path, e.g. `(name, params) => baseUrl + routes.path(name, params)`. Token pages get
 * `{ token }`.
 */
export type LinkBuilder = (name: MailLinkName, params?: { token: string }) => string;

export interface ExtensionMailOptions {
  mailer: Mailer;
  /** The app's mail templates (`<views>/pow/mailer`); pow's defaults fill in missing ones. */
  templateDir?: string;
  /** Renders the app's templates, e.g. `ejs.renderFile`. Needed when `templateDir` holds templates. */
  renderFile?: RenderFile;
  /** Sender, when the mailer has no default. */
  from?: string;
  /** Translator for a recipient (their locale); English when absent or returning undefined. */
  translate?: (user: UserRecord) => Translate | undefined;
  /** The recipient's language (the mail's `lang`, the lifetime's words); "en" when absent. */
  locale?: (user: UserRecord) => string | undefined;
  /** The app's name in every mail's subject and body; default: the host of the base URL. */
  appName?: string;
  /** An address people can write to for help, named in every mail's footer; none when absent. */
  supportEmail?: string;
  /** Delivery failures (default: one line on stderr, never the body). */
  onError?: MailErrorHandler;
}

export type PasswordResetHook = (user: UserRecord) => void | Promise<void>;
export type RememberMeTheftHook = (userId: string | number) => void | Promise<void>;

export interface ExtensionOptions {
  /** The app's PrismaClient (the same one given to `createPow`): writes the extension columns. */
  prisma: PrismaLike;
  /** Builds the links put in mails (and the invitation link shown for username-only user types). */
  url?: LinkBuilder;
  /** Needed by every service that sends mail (reset, confirmation, invitation). */
  mail?: ExtensionMailOptions;
  /**
   * The user type's rate limiter; its `mailsPerRecipient` limit caps the mails of one kind to one
   * address (issue 16, defect 3). `powExpress` passes its own; default: one over `pow.store` with
   * the default limits.
   */
  rateLimiter?: RateLimiter;
  /** Token lifetimes per purpose (ms); defaults in `DEFAULT_TOKEN_TTL_MS`. */
  tokenTtlMs?: Partial<Record<TokenPurpose, number>>;
  /**
   * How long a rotated-away remember-me token still signs in (parallel requests, several tabs)
   * without rotating again. After that, presenting it is a theft signal. Default 60 s.
   */
  rememberMeGraceMs?: number;
  /** On a rotated-away remember-me token: also end every session of the user. Default true. */
  revokeSessionsOnTheft?: boolean;
  /**
   * Registration with a taken e-mail (email-confirmation on): answer like a fresh sign-up and mail
   * the owner a notice (security bar C4). Default true.
   */
  preventUserEnumeration?: boolean;
  hooks?: {
    /** Run after a successful password reset, e.g. to clear the sign-in throttle of the account. */
    onPasswordReset?: PasswordResetHook[];
    /** Run when a rotated-away remember-me token is presented after the grace window. */
    onRememberMeTheft?: RememberMeTheftHook[];
  };
}

/** Resolved options plus helpers, handed to each service function. */
export interface ExtensionContext {
  readonly pow: Pow;
  readonly options: ExtensionOptions;
  readonly ttl: Readonly<Record<TokenPurpose, number>>;
  readonly rememberMeGraceMs: number;
  readonly hooks: { onPasswordReset: PasswordResetHook[]; onRememberMeTheft: RememberMeTheftHook[] };
  enabled(name: ExtensionName): boolean;
  /** Throws POW_EXTENSION_DISABLED unless `name` is in `pow.extensions`. */
  require(name: ExtensionName): void;
  /** Throws POW_MAIL_NOT_CONFIGURED unless `options.mail` and `options.url` are set. */
  requireMail(): ExtensionMailOptions;
  /** Throws POW_EXTENSION_CONFIG unless `options.url` is set. */
  requireUrl(): LinkBuilder;
  /** Writes columns pow owns (never from form params). Unique violations become field errors. */
  writeUser(user: Pick<UserRecord, 'id'>, data: Record<string, unknown>): Promise<Result<UserRecord>>;
  /** Inserts a row without a password (invitations), with the config's `userDefaults`. */
  insertUser(data: Record<string, unknown>): Promise<Result<UserRecord>>;
  /**
   * Queues one extension mail through `deliverLater` (rendering happens off the request path too).
   * `countedWhenAsked`: the request was already counted against a per-recipient limit of its own
   * (magic links), so `mailsPerRecipient` does not count the mail a second time.
   * `link.ttlMs`: the lifetime of the link's token, stated in the mail (`linkLifetime`).
   */
  sendMail(
    name: MailName | (string & {}),
    to: string,
    user: UserRecord,
    locals?: Record<string, unknown>,
    link?: { name: MailLinkName; token?: string; ttlMs?: number },
    options?: { countedWhenAsked?: boolean },
  ): void;
  now(): Date;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function extensionError(message: string, fix?: string): PowError {
  return new PowError({ code: 'POW_EXTENSION_CONFIG', message, fix });
}

/** The field of Prisma's "Argument `x` is missing" validation error, else null. */
function missingArgument(error: unknown): string | null {
  if (!isObject(error) || error.name !== 'PrismaClientValidationError') return null;
  const message = typeof error.message === 'string' ? error.message : '';
  return /Argument `(\w+)` is missing/.exec(message)?.[1] ?? null;
}

function isUniqueViolation(error: unknown): boolean {
  return isObject(error) && error.code === 'P2002';
}

export function createExtensionContext(pow: Pow, options: ExtensionOptions): ExtensionContext {
  if (!isObject(pow) || !isObject(pow.users) || !isObject(pow.store))
    throw extensionError('powExtensions(pow, …) needs the object createPow returned.');
  if (!isObject(options))
    throw extensionError('powExtensions(pow, options) needs an options object with `prisma`.');
  const delegate = (options.prisma as Record<string, unknown> | undefined)?.[delegateName(pow.userModel)] as
    UserDelegate | undefined;
  if (!delegate || typeof delegate.update !== 'function' || typeof delegate.create !== 'function') {
    throw extensionError(
      `powExtensions: \`prisma\` has no delegate \`prisma.${delegateName(pow.userModel)}\` for model ${pow.userModel}.`,
      'Pass the same PrismaClient you gave to createPow.',
    );
  }
  const ttl = { ...DEFAULT_TOKEN_TTL_MS };
  for (const [purpose, value] of Object.entries(options.tokenTtlMs ?? {})) {
    if (!(purpose in ttl))
      throw extensionError(`powExtensions: tokenTtlMs.${purpose} is not a token purpose.`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 1000) {
      throw extensionError(`powExtensions: tokenTtlMs.${purpose} must be a number of milliseconds >= 1000.`);
    }
    ttl[purpose as TokenPurpose] = value;
  }
  const grace = options.rememberMeGraceMs ?? 60_000;
  if (typeof grace !== 'number' || !Number.isFinite(grace) || grace < 0)
    throw extensionError('powExtensions: rememberMeGraceMs must be a number of milliseconds >= 0.');
  if (options.mail !== undefined) {
    const mail = options.mail;
    if (!isObject(mail) || !isObject(mail.mailer) || typeof mail.mailer.send !== 'function')
      throw extensionError('powExtensions: mail.mailer must be a Mailer (smtpMailer(), consoleMailer()).');
  }
  if (options.url !== undefined && typeof options.url !== 'function') {
    throw extensionError(
      'powExtensions: url must be a function building absolute links from the configured base URL.',
    );
  }
  const layout = createUserLayout(pow.credentialFields ?? []);
  const include = layout.include(false);
  const limiter =
    options.rateLimiter ?? createRateLimiter(pow.store, pow.userType, pow.clock, resolveRateLimits());
  const hooks = {
    onPasswordReset: [...(options.hooks?.onPasswordReset ?? [])],
    onRememberMeTheft: [...(options.hooks?.onRememberMeTheft ?? [])],
  };

  function failure(error: unknown, data: Record<string, unknown>): Result<UserRecord> {
    if (isUniqueViolation(error)) {
      const errors: FieldErrors = {};
      const field = uniqueViolationField(error, Object.keys(data)) ?? pow.userIdFields[0];
      addError(errors, field, 'errors.taken');
      return { ok: false, errors };
    }
    const missing = missingArgument(error);
    if (missing !== null) {
      // A User column pow cannot fill (required, no default): say which, not Prisma's dump.
      throw new PowError({
        code: 'POW_USER_FIELD_REQUIRED',
        message: `pow could not create a user with only ${Object.keys(data).join(', ')}: the User model requires "${missing}" and has no default for it.`,
        fix: `Give ${missing} a @default(...) in schema.prisma, or make it optional, and add a migration (invited users exist before they fill in any form).`,
        cause: error,
      });
    }
    throw error;
  }

  const context: ExtensionContext = {
    pow,
    options,
    ttl,
    rememberMeGraceMs: grace,
    hooks,
    enabled: (name) => pow.extensions.includes(name),
    require(name) {
      if (!pow.extensions.includes(name)) {
        throw new PowError({
          code: 'POW_EXTENSION_DISABLED',
          message: `The "${name}" extension is not enabled for user type "${pow.userType}".`,
          fix: `Add "${name}" to \`extensions\` in createPow({...}).`,
        });
      }
    },
    requireMail() {
      if (!options.mail) {
        throw new PowError({
          code: 'POW_MAIL_NOT_CONFIGURED',
          message: `No mailer configured for user type "${pow.userType}", but an enabled extension sends mail.`,
          fix: 'Pass `mail: { mailer: smtpMailer(process.env.SMTP_URL) }` (and `url`) to powExtensions / powExpress.',
        });
      }
      context.requireUrl();
      return options.mail;
    },
    requireUrl() {
      if (typeof options.url !== 'function') {
        throw extensionError(
          `powExtensions: no \`url\` link builder for user type "${pow.userType}", but an enabled extension needs links.`,
          'Pass `url: (name, params) => baseUrl + path(name, params)` (powExpress does this from its baseUrl option).',
        );
      }
      return options.url;
    },
    async writeUser(user, data) {
      let row: Record<string, unknown>;
      try {
        row = await delegate.update(
          withInclude({ where: { id: user.id }, data: layout.updateData(data) }, include),
        );
      } catch (error) {
        return failure(error, data);
      }
      // The user's sessions carry a copy of the row (core/sessions.ts): their next requests re-read it.
      await pow.sessions.refreshUser(user.id);
      return { ok: true, value: layout.record(row) };
    },
    async insertUser(data) {
      try {
        // The app's constants (its own required columns, e.g. `password: '!'`) as at registration.
        const row = await delegate.create(
          withInclude({ data: layout.createData({ ...pow.userDefaults, ...data }, null) }, include),
        );
        return { ok: true, value: layout.record(row) };
      } catch (error) {
        return failure(error, data);
      }
    },
    sendMail(name, to, user, locals = {}, link, sendOptions) {
      const mail = context.requireMail();
      // Every address pow mails passes the edit-account checks (issue 16, defect 1), whatever
      // path it came by; the mailer's own check (mail/recipient.ts) is the last line behind this.
      const recipient = checkUserId('email', to);
      if (!recipient.ok) {
        (mail.onError ?? logMailError)(
          new Error(`pow: refused to send "${name}": the address fails e-mail validation`),
          null,
        );
        return;
      }
      deliverLater(
        mail.mailer,
        async () => {
          // Mails of one kind to one address are capped, whoever asks from wherever (issue 16,
          // defect 3); counted off the request path, so the answer and its timing never show it.
          if (!sendOptions?.countedWhenAsked) {
            const counted = await limiter.hit('mailsPerRecipient', `${name}:${recipient.value}`);
            if (!counted.allowed) return null;
          }
          const url = link
            ? context.requireUrl()(link.name, link.token !== undefined ? { token: link.token } : undefined)
            : undefined;
          const t = mail.translate?.(user);
          const lang = mail.locale?.(user) ?? 'en';
          // Every local the shared layout reads is set, so templates never meet an undefined name.
          const frame = {
            lang,
            appName: mail.appName ?? (url !== undefined ? new URL(url).host : ''),
            supportEmail: mail.supportEmail ?? '',
            linkLifetime: link?.ttlMs !== undefined ? formatLifetime(link.ttlMs, lang) : '',
          };
          const rendered = await renderMail(
            mail.templateDir,
            name,
            {
              user,
              email: to,
              ...frame,
              ...(url !== undefined ? { url } : {}),
              ...(t ? { t } : {}),
              ...locals,
            },
            { renderFile: mail.renderFile },
          );
          return {
            to,
            subject: rendered.subject,
            html: rendered.html,
            text: rendered.text,
            ...(mail.from ? { from: mail.from } : {}),
          };
        },
        mail.onError ?? logMailError,
      );
    },
    now: () => new Date(pow.clock()),
  };
  return context;
}

/** Runs hooks in order; a failing hook is logged and does not undo or stop the operation. */
export async function runHooks<A>(
  hooks: Array<(arg: A) => void | Promise<void>>,
  arg: A,
  name: string,
): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook(arg);
    } catch (error) {
      process.stderr.write(
        `pow: ${name} hook failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
  }
}
