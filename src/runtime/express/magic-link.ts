/**
 * The Express side of the magic-link extension (the token rules are in extensions/magic-link.ts):
 *
 * - Asking for a link is limited like every request that sends mail: per client address
 *   (`mailRequestsPerAddress`), then per typed address (`magicLinksPerRecipient`, counted for
 *   known and unknown addresses alike, so a 429 tells nothing about accounts). Both answer 429
 *   with `auth.too_many_requests` and Retry-After, as the reset and confirmation forms do.
 * - Following the link is two steps: the GET only looks the token up (mail scanners fetch
 *   links), the POST of the page's button uses it.
 * - Signing in follows the password sign-in's rules: an account whose sign-in is paused after
 *   failed passwords is refused (the link stays usable until it expires), an unconfirmed address
 *   gets a confirmation link and no session; an account with two-factor on goes on to its code
 *   step (the link is one factor, the mailbox); then the session rotates (new id, fresh CSRF secret),
 *   remember-me follows the form's box, the account's failed sign-ins are cleared, and the
 *   `magic-link-sign-in` security event is emitted.
 */
import type { Pow, UserRecord } from '../core/types.js';
import type { RateLimiter } from '../core/rate-limit.js';
import type { PowExtensions } from '../extensions/index.js';
import { magicLinkAddress, magicLinkMinutes } from '../extensions/magic-link.js';
import { isStoreUnavailable, STORE_RETRY_AFTER_SECONDS } from '../stores/unavailable-error.js';
import type {
  MagicLinkSignInResult,
  MagicLinkState,
  MailRequestResult,
  PowExpress,
  Request,
  Response,
  SignInOptions,
  SignInResult,
} from './types.js';

type Refusal = Extract<MailRequestResult, { ok: false }>;

/** What the magic-link API needs from `powExpress` and its extension layer. */
export interface MagicLinkHost {
  readonly pow: Pow;
  readonly limiter: RateLimiter;
  /** The services, with the magic-link extension required (POW_EXTENSION_DISABLED otherwise). */
  services(): PowExtensions;
  /** Counts a mail request from this client address; the 429 answer when over the limit. */
  limitedByAddress(req: Request): Promise<Refusal | null>;
  /** Seconds until the sign-in pause of this identifier lifts, or null (throttle.ts). */
  signInPaused(identifier: string): Promise<number | null>;
  clearSignInFailures(identifier: string): Promise<void>;
  /**
   * The gates every sign-in passes after its first factor (two-factor's code step), then the
   * session and remember-me (the form's `remember_me`, or `options.rememberMe`).
   */
  finishSignIn(
    req: Request,
    res: Response,
    user: UserRecord,
    options: SignInOptions | undefined,
    method: 'magic-link',
  ): Promise<SignInResult>;
  /** Emits an account event with the request's address, user agent and device (security-log.ts). */
  emit(req: Request, name: 'magic-link-sign-in', userId: string | number): Promise<void>;
}

export type MagicLinkApi = Pick<
  PowExpress,
  'requestMagicLink' | 'magicLinkMinutes' | 'verifyMagicLink' | 'signInWithMagicLink'
>;

/** The user id values the sign-in throttle counts for this account (each field it has). */
function identifiersOf(pow: Pow, user: UserRecord): string[] {
  return pow.userIdFields.flatMap((field) => {
    const value = user[field];
    return typeof value === 'string' && value !== '' ? [value] : [];
  });
}

export function createMagicLinkApi(host: MagicLinkHost): MagicLinkApi {
  const { pow } = host;

  async function signIn(
    req: Request,
    res: Response,
    token: unknown,
    options: SignInOptions | undefined,
  ): Promise<MagicLinkSignInResult> {
    const services = host.services();
    const lookup = await services.findMagicLink(token);
    if (lookup.state === 'used')
      return { ok: false, reason: 'used', status: 410, messageKey: 'magic_link.already_used' };
    if (lookup.state === 'invalid')
      return { ok: false, reason: 'invalid', status: 410, messageKey: 'magic_link.invalid_token' };
    const identifiers = identifiersOf(pow, lookup.user);
    const paused = (await Promise.all(identifiers.map((id) => host.signInPaused(id)))).filter(
      (seconds): seconds is number => seconds !== null,
    );
    if (paused.length > 0) {
      // The same words as a paused password sign-in; the link is not used, so it works after.
      return {
        ok: false,
        reason: 'locked',
        status: 401,
        messageKey: 'session.account_locked',
        messageParams: { minutes: Math.max(1, Math.ceil(Math.max(...paused) / 60)) },
      };
    }
    const used = await services.useMagicLink(token);
    if (!used.ok) {
      if (used.reason === 'unconfirmed')
        return {
          ok: false,
          reason: 'unconfirmed',
          status: 403,
          messageKey: 'email_confirmation.email_confirmation_required',
        };
      return used.reason === 'used'
        ? { ok: false, reason: 'used', status: 410, messageKey: 'magic_link.already_used' }
        : { ok: false, reason: 'invalid', status: 410, messageKey: 'magic_link.invalid_token' };
    }
    const user = used.user;
    // Control of the mailbox is proven: the failed passwords counted against the account end,
    // as after a successful password sign-in.
    for (const identifier of identifiers) await host.clearSignInFailures(identifier);
    // A link proves the mailbox, one factor: with two-factor on, the code step still follows.
    const finished = await host.finishSignIn(req, res, user, options, 'magic-link');
    if (!finished.ok) {
      if (finished.reason === 'two-factor')
        return { ok: false, reason: 'two-factor', status: 401, messageKey: finished.messageKey };
      return {
        ok: false,
        reason: 'unconfirmed',
        status: 403,
        messageKey: 'email_confirmation.email_confirmation_required',
      };
    }
    await host.emit(req, 'magic-link-sign-in', user.id as string | number);
    return { ok: true, user };
  }

  return {
    async requestMagicLink(req, email) {
      const services = host.services();
      const refused = await host.limitedByAddress(req);
      if (refused) return refused;
      // Every typed address is counted, account or not: the answer must not tell them apart.
      const address = magicLinkAddress(email);
      if (address !== null) {
        const verdict = await host.limiter.hit('magicLinksPerRecipient', address);
        if (!verdict.allowed)
          return {
            ok: false,
            status: 429,
            messageKey: 'auth.too_many_requests',
            retryAfterSeconds: verdict.retryAfterSeconds,
          };
      }
      await services.requestMagicLink(email);
      return { ok: true };
    },

    magicLinkMinutes() {
      return magicLinkMinutes(host.services().context);
    },

    async verifyMagicLink(_req, token): Promise<MagicLinkState> {
      const lookup = await host.services().findMagicLink(token);
      return lookup.state === 'active' ? { state: 'active', user: lookup.user } : { state: lookup.state };
    },

    async signInWithMagicLink(req, res, token, options) {
      try {
        return await signIn(req, res, token, options);
      } catch (error) {
        if (!isStoreUnavailable(error)) throw error;
        if (!res.headersSent) res.setHeader('Retry-After', String(STORE_RETRY_AFTER_SECONDS));
        return {
          ok: false,
          reason: 'unavailable',
          status: 503,
          messageKey: 'auth.unavailable',
          retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
        };
      }
    },
  };
}
