/**
 * The authorization code flow with PKCE, the same for every provider:
 * 1. `beginAuthorization` makes a fresh state, PKCE verifier and (OIDC) nonce, and the URL to send
 *    the browser to. The caller keeps the returned `PendingAuthorization` in the browser's pow
 *    session (never in the URL), which binds the callback to the browser that started it.
 * 2. `completeAuthorization` checks the callback against it (state, then the code exchange with
 *    the verifier; for OIDC the ID token's signature against the provider's published keys, issuer,
 *    audience, expiry and nonce, all by openid-client) and returns who the user is at the
 *    provider. The caller drops the pending record first, so a callback can be used once.
 * No token of the provider is returned or kept: pow needs the user's id and e-mail only.
 */
import { timingSafeEqual } from 'node:crypto';
import { asFlowError, openIdClient, providerConfiguration } from './client.js';
import { OAuthFlowError } from './errors.js';
import type { OAuthProvider } from './providers.js';
import { readGitHubProfile } from './github-profile.js';

/** How long a browser may stay at the provider before the callback is refused as expired. */
export const PENDING_AUTHORIZATION_TTL_MS = 10 * 60 * 1000;

/** Longest provider subject pow accepts (OpenID Connect Core: 255 ASCII characters). */
export const MAX_SUBJECT_LENGTH = 255;

/** What the browser's session keeps between leaving for the provider and coming back. */
export interface PendingAuthorization {
  provider: string;
  state: string;
  codeVerifier: string;
  nonce?: string;
  redirectUri: string;
  /** Epoch ms. */
  createdAt: number;
  /** Where to go after sign-in (a safe local path), or null. */
  returnTo?: string | null;
  /** "link" when a signed-in user connects another provider to the account. */
  intent?: 'sign_in' | 'link';
}

/** The user at the provider: a stable id and, where the provider vouches for it, an e-mail. */
export interface ProviderProfile {
  provider: string;
  /** The provider's id of the user (`sub` for OIDC, the numeric id for GitHub). Never the e-mail. */
  subject: string;
  email: string | null;
  /** True only when the provider says it verified the address. */
  emailVerified: boolean;
  name: string | null;
}

export interface BeginOptions {
  redirectUri: string;
  returnTo?: string | null;
  intent?: 'sign_in' | 'link';
  now?: number;
}

export async function beginAuthorization(
  provider: OAuthProvider,
  options: BeginOptions,
): Promise<{ url: URL; pending: PendingAuthorization }> {
  const client = await openIdClient();
  const config = await providerConfiguration(provider);
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = provider.protocol === 'oidc' ? client.randomNonce() : undefined;
  const parameters: Record<string, string> = {
    redirect_uri: options.redirectUri,
    scope: provider.scopes.join(' '),
    response_type: 'code',
    state,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  };
  if (nonce) parameters.nonce = nonce;
  return {
    url: client.buildAuthorizationUrl(config, parameters),
    pending: {
      provider: provider.name,
      state,
      codeVerifier,
      ...(nonce ? { nonce } : {}),
      redirectUri: options.redirectUri,
      createdAt: options.now ?? Date.now(),
      returnTo: options.returnTo ?? null,
      intent: options.intent ?? 'sign_in',
    },
  };
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Checks the provider's callback (`callbackUrl` is the full URL the browser came back to) against
 * the browser's pending record and returns the user at the provider. Throws OAuthFlowError.
 */
export async function completeAuthorization(
  provider: OAuthProvider,
  callbackUrl: URL,
  pending: PendingAuthorization | null | undefined,
  now: number = Date.now(),
): Promise<ProviderProfile> {
  if (!pending || pending.provider !== provider.name) {
    throw new OAuthFlowError(
      provider.name,
      'expired',
      'no sign-in with this provider was started in this browser',
    );
  }
  if (now - pending.createdAt > PENDING_AUTHORIZATION_TTL_MS || now < pending.createdAt) {
    throw new OAuthFlowError(provider.name, 'expired', 'the sign-in was started too long ago');
  }
  const error = callbackUrl.searchParams.get('error');
  const state = callbackUrl.searchParams.get('state') ?? '';
  if (!sameString(state, pending.state)) {
    throw new OAuthFlowError(
      provider.name,
      'state_mismatch',
      'the callback carries another state than this browser was sent with',
    );
  }
  if (error) throw new OAuthFlowError(provider.name, 'denied', `the provider answered ${error}`);

  const client = await openIdClient();
  const config = await providerConfiguration(provider);
  // The callback URL as registered: the app may sit behind a proxy that changed host or scheme.
  const current = new URL(pending.redirectUri);
  current.search = callbackUrl.search;
  try {
    const tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      ...(pending.nonce ? { expectedNonce: pending.nonce } : {}),
      idTokenExpected: provider.protocol === 'oidc',
    });
    if (provider.protocol === 'github') return await readGitHubProfile(provider, config, tokens.access_token);
    const claims = tokens.claims();
    if (!claims || typeof claims.sub !== 'string' || claims.sub === '') {
      throw new OAuthFlowError(provider.name, 'incomplete_profile', 'the ID token has no subject');
    }
    // OpenID Connect Core, section 2: at most 255 ASCII characters (the identities column's size).
    if (claims.sub.length > MAX_SUBJECT_LENGTH) {
      throw new OAuthFlowError(
        provider.name,
        'incomplete_profile',
        `the ID token's subject is longer than ${MAX_SUBJECT_LENGTH} characters`,
      );
    }
    const email = typeof claims.email === 'string' && claims.email !== '' ? claims.email : null;
    return {
      provider: provider.name,
      subject: claims.sub,
      email,
      emailVerified: email !== null && claims.email_verified === true,
      name: typeof claims.name === 'string' ? claims.name : null,
    };
  } catch (error) {
    throw asFlowError(provider, error);
  }
}
