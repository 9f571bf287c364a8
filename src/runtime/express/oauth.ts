/**
 * Sign-in through OAuth providers for one `powExpress` instance (the oauth extension):
 * `powOAuth(auth, { providers, prisma, baseUrl })` gives the owned controller four calls,
 * `begin`, `callback`, `identities` and `unlink`. The security-critical parts live here and in
 * src/runtime/oauth, never in the controller:
 * - the pending sign-in (state, PKCE verifier, nonce) is kept in a signed, HttpOnly cookie of its
 *   own (SameSite=Lax so it comes back with the provider's redirect, 10 minutes), which binds the
 *   callback to the browser that started it; the callback drops it first, so it works once;
 * - account rules (oauth/account-rules.ts): no silent linking by e-mail, no identity moved to
 *   another account, the last way to sign in kept;
 * - a provider that does not answer in time is an outage: 503 with Retry-After;
 * - linking and unlinking are announced through `auth.emitSecurityEvent` (identity-linked /
 *   identity-unlinked, the provider's name as detail), which the security log records.
 */
import { deadlineOf } from '../core/pow-deadline.js';
import type { Request, Response, PowExpress } from './types.js';
import type { UserRecord } from '../core/types.js';
import { createSigner, readCookie, serializeCookie, setCookieHeader } from './cookies.js';
import { internalsOf } from './index.js';
import { safeRedirectPath } from './safe-redirect.js';
import { StoreUnavailableError } from '../stores/unavailable-error.js';
import { deferredSetting, type Deferred, type Setting } from '../core/deferred.js';
import {
  beginAuthorization,
  completeAuthorization,
  PENDING_AUTHORIZATION_TTL_MS,
  type PendingAuthorization,
} from '../oauth/authorization.js';
import { OAuthFlowError, type OAuthFailure } from '../oauth/errors.js';
import type { OAuthProvider } from '../oauth/providers.js';
import { decideAccount, type AccountRefusal } from '../oauth/account-rules.js';
import {
  createIdentityStore,
  type IdentityStore,
  type LinkedIdentity,
  type UnlinkResult,
} from '../oauth/identities.js';

export interface PowOAuthOptions {
  /** The providers (a function is called once, at the first sign-in, after the app loaded its .env). */
  providers: Deferred<readonly OAuthProvider[]>;
  /** The app's Prisma client (the identities model lives there). */
  prisma: unknown;
  /** The app's public origin, for the callback URL registered with the providers (`fromEnv(...)` too). */
  baseUrl: Deferred<string | undefined>;
  /** Link to the account with the same e-mail when the provider verified it. Default false. */
  linkVerifiedEmail?: boolean;
  /** Accept sign-up through a provider. Default true. */
  registration?: boolean;
  /** The callback path of a provider; default `<mountPath>/auth/<provider>/callback`. */
  callbackPath?: (provider: string) => string;
}

export type OAuthCallbackResult =
  | {
      ok: true;
      action: 'signed_in' | 'signed_up' | 'linked';
      user: UserRecord;
      provider: string;
      returnTo: string | null;
    }
  | { ok: false; reason: AccountRefusal | Exclude<OAuthFailure, 'unavailable'>; provider: string }
  /**
   * The provider proved who it is, but pow's sign-in gates hold it: `unconfirmed`, the address is
   * not confirmed yet (a confirmation link was mailed; a new account whose address the provider
   * did not verify gets here); `two-factor`, the account has two-factor on and nobody is signed in
   * until its code (send the browser to the `two_factor.challenge` page, with `returnTo`).
   */
  | { ok: false; reason: 'unconfirmed' | 'two-factor'; provider: string; returnTo: string | null };

export interface PowOAuth {
  /** Name and label of each provider, for the buttons. */
  providers(): Array<{ name: string; label: string }>;
  /** Sends the browser to the provider (303). Unknown provider: 404. */
  begin(req: Request, res: Response, provider: string, options?: { returnTo?: unknown }): Promise<void>;
  /** Finishes the round trip: signs in, signs up or links, or says why not. */
  callback(req: Request, res: Response, provider: string): Promise<OAuthCallbackResult>;
  /** The signed-in user's linked providers. */
  identities(req: Request): Promise<LinkedIdentity[]>;
  /** Unlinks a provider from the signed-in user, unless it is the last way to sign in. */
  unlink(req: Request, provider: string): Promise<UnlinkResult>;
}

class UnknownProviderError extends Error {
  readonly status = 404;
  readonly statusCode = 404;
  readonly expose = true;
  constructor(name: string) {
    super(`pow: no OAuth provider named ${JSON.stringify(name)} is configured`);
    this.name = 'UnknownProviderError';
  }
}

export function powOAuth(auth: PowExpress, options: PowOAuthOptions): PowOAuth {
  const internals = internalsOf(auth);
  const pow = auth.pow;
  const providersSetting = deferredSetting<readonly OAuthProvider[]>(
    options.providers,
    {
      key: 'powOAuth({ providers })',
      purpose: 'pow sends users to these providers to sign in',
      expected: 'a list such as [github({ clientId, clientSecret })]',
      problem: (value) => (Array.isArray(value) ? null : 'is not a list of providers'),
    },
    { required: true },
  ) as Setting<readonly OAuthProvider[]>;
  const baseUrlSetting = deferredSetting<string>(
    options.baseUrl,
    {
      key: 'powOAuth({ baseUrl })',
      purpose: 'the providers send users back to <baseUrl>/…/callback',
      expected: 'the app\'s public origin, e.g. "https://example.com"',
      problem: (value) =>
        typeof value === 'string' && /^https?:\/\//.test(value) ? null : 'is not an http(s) URL',
    },
    { required: true },
  ) as Setting<string>;
  // Read per use: the session cookie's name and Secure flag are resolved when the app starts.
  const cookieNameOf = () => `${auth.cookieName}_oauth`;
  const signer = createSigner(() => pow.secret, `oauth:${auth.pow.userType}`);
  const attributesOf = () => ({
    httpOnly: true,
    secure: internals.secure,
    sameSite: 'Lax' as const,
    // A `__Host-` cookie (Secure cookies in production) must have Path=/; the name is per user
    // type, so a namespace's pending sign-in is still its own.
    path: auth.mountPath === '' || cookieNameOf().startsWith('__Host-') ? '/' : auth.mountPath,
  });
  let identityStore: IdentityStore | undefined;
  const identities = () =>
    (identityStore ??= createIdentityStore(options.prisma, pow.userModel, deadlineOf(pow)));
  // The routes file's callback path (auth.readPages), so a path the team edits there is the one
  // registered with the provider; routes files that do not mark it keep pow's default.
  const callbackPath =
    options.callbackPath ??
    ((name: string) =>
      auth.routes.has('oauth.callback')
        ? auth.routes.path('oauth.callback', { provider: name })
        : `${auth.mountPath.replace(/\/+$/, '')}/auth/${name}/callback`);

  /** Tells the security log (if any) that `user` gained or lost a way to sign in. */
  async function announce(
    req: Request,
    name: 'identity-linked' | 'identity-unlinked' | 'sign-in',
    userId: unknown,
    provider: string,
  ): Promise<void> {
    // Through powExpress: the event gets the request's address, user agent and device.
    await auth.emitSecurityEvent(req, {
      name,
      userId: userId as string | number,
      detail: name === 'sign-in' ? { method: 'oauth', provider } : { provider },
    });
  }

  function provider(name: string): OAuthProvider {
    const found = providersSetting.get().find((p) => p.name === name);
    if (!found) throw new UnknownProviderError(name);
    return found;
  }

  function readPending(req: Request): PendingAuthorization | null {
    const raw = readCookie(req.headers.cookie, cookieNameOf());
    const value = raw === undefined ? null : signer.unsign(raw);
    if (!value) return null;
    try {
      return JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as PendingAuthorization;
    } catch {
      return null;
    }
  }

  function clearPending(res: Response): void {
    setCookieHeader(
      res,
      cookieNameOf(),
      serializeCookie(cookieNameOf(), '', { ...attributesOf(), maxAge: 0 }),
    );
  }

  function unavailable(error: OAuthFlowError): never {
    throw new StoreUnavailableError(`the sign-in provider ${error.provider} did not answer`, {
      cause: error,
    });
  }

  async function emailOwner(email: string | null): Promise<UserRecord | null> {
    if (email === null || !pow.userIdFields.includes('email')) return null;
    // getBy normalises user id values the way registration stored them.
    return pow.users.getBy({ email });
  }

  return {
    providers: () => providersSetting.get().map((p) => ({ name: p.name, label: p.label })),

    async begin(req, res, name, beginOptions) {
      const chosen = provider(name);
      const returnTo =
        typeof beginOptions?.returnTo === 'string'
          ? safeRedirectPath(beginOptions.returnTo, '') || null
          : null;
      let started;
      try {
        started = await beginAuthorization(chosen, {
          redirectUri: new URL(callbackPath(chosen.name), baseUrlSetting.get()).href,
          returnTo,
          intent: auth.currentUser(req) ? 'link' : 'sign_in',
          now: pow.clock(),
        });
      } catch (error) {
        if (error instanceof OAuthFlowError && error.reason === 'unavailable') unavailable(error);
        throw error;
      }
      const value = signer.sign(Buffer.from(JSON.stringify(started.pending)).toString('base64url'));
      setCookieHeader(
        res,
        cookieNameOf(),
        serializeCookie(cookieNameOf(), value, {
          ...attributesOf(),
          maxAge: PENDING_AUTHORIZATION_TTL_MS / 1000,
        }),
      );
      res.redirect(303, started.url.href);
    },

    async callback(req, res, name) {
      const chosen = provider(name);
      const pending = readPending(req);
      // Used once: whatever happens next, this browser's pending sign-in is gone.
      clearPending(res);
      let profile;
      try {
        profile = await completeAuthorization(
          chosen,
          new URL(req.originalUrl ?? req.url, 'http://callback'),
          pending,
          pow.clock(),
        );
      } catch (error) {
        if (!(error instanceof OAuthFlowError)) throw error;
        if (error.reason === 'unavailable') unavailable(error);
        return {
          ok: false,
          reason: error.reason as Exclude<OAuthFailure, 'unavailable'>,
          provider: chosen.name,
        };
      }
      const current = auth.currentUser(req);
      const owner = await identities().ownerOf(chosen.name, profile.subject);
      const byEmail = current || owner !== null ? null : await emailOwner(profile.email);
      const decision = decideAccount(
        {
          profile,
          identityOwner: owner,
          currentUser: current ? (current.id as string | number) : null,
          emailOwner: byEmail ? (byEmail.id as string | number) : null,
        },
        { linkVerifiedEmail: options.linkVerifiedEmail ?? false, registration: options.registration ?? true },
      );
      const returnTo = pending?.returnTo ?? null;
      const done = async (
        action: 'signed_in' | 'signed_up' | 'linked',
        user: UserRecord,
        signIn: boolean,
      ): Promise<OAuthCallbackResult> => {
        if (signIn) {
          // The provider is the first factor: an unconfirmed address and two-factor's code step
          // apply as after a password (SessionLifecycle.finishSignIn).
          const finished = await internals.finishSignIn(req, res, user, 'oauth');
          if (!finished.ok) {
            const reason = finished.reason === 'two-factor' ? 'two-factor' : 'unconfirmed';
            return { ok: false, reason, provider: chosen.name, returnTo };
          }
          await announce(req, 'sign-in', user.id, chosen.name);
        }
        return { ok: true as const, action, user, provider: chosen.name, returnTo };
      };
      switch (decision.action) {
        case 'refuse':
          return { ok: false, reason: decision.reason, provider: chosen.name };
        case 'already_linked':
          return done('linked', current!, false);
        case 'link': {
          const linked = await identities().link(decision.userId, profile);
          if (!linked.ok) return { ok: false, reason: 'identity_taken', provider: chosen.name };
          await announce(req, 'identity-linked', decision.userId, chosen.name);
          return done('linked', current!, false);
        }
        case 'sign_in':
        case 'link_and_sign_in': {
          const user = await pow.users.getBy({ id: decision.userId });
          if (!user) return { ok: false, reason: 'expired', provider: chosen.name };
          if (decision.action === 'link_and_sign_in') {
            const linked = await identities().link(user.id as string | number, profile);
            if (!linked.ok) return { ok: false, reason: 'identity_taken', provider: chosen.name };
            await announce(req, 'identity-linked', user.id, chosen.name);
          }
          return done('signed_in', user, true);
        }
        case 'sign_up': {
          // A provider-verified address counts as confirmed; otherwise e-mail confirmation
          // (when installed) asks for it as on registration.
          // An address the provider did not verify gets the confirmation mail (finishSignIn).
          const extra: Record<string, unknown> = {};
          if (pow.extensions.includes('email-confirmation') && !decision.confirmEmail)
            extra.emailConfirmedAt = new Date(pow.clock());
          const created = await pow.users.createWithoutPassword({ email: decision.email }, extra);
          if (!created.ok) return { ok: false, reason: 'email_taken', provider: chosen.name };
          const linked = await identities().link(created.value.id as string | number, profile);
          if (!linked.ok) {
            await pow.users.delete(created.value);
            return { ok: false, reason: 'identity_taken', provider: chosen.name };
          }
          await announce(req, 'identity-linked', created.value.id, chosen.name);
          return done('signed_up', created.value, true);
        }
      }
    },

    async identities(req) {
      const user = auth.currentUser(req);
      return user ? identities().listFor(user.id as string | number) : [];
    },

    async unlink(req, name) {
      const user = auth.currentUser(req);
      if (!user) return { ok: false, reason: 'not_linked' };
      const result = await identities().unlink(
        user.id as string | number,
        name,
        await pow.users.hasPassword(user),
      );
      if (result.ok) await announce(req, 'identity-unlinked', user.id, name);
      return result;
    },
  };
}
