/**
 * openid-client, loaded only when an app configures a provider (`import 'pow'` never loads it),
 * and the per-provider configuration it needs: discovered once for OpenID Connect providers,
 * built from the fixed endpoints for GitHub. Every HTTP call gets the provider's deadline.
 */
import type { Configuration } from 'openid-client';
import { OAuthFlowError, type OAuthFailure } from './errors.js';
import { isLoopback, type OAuthProvider } from './providers.js';

type OpenIdClient = typeof import('openid-client');

let loading: Promise<OpenIdClient> | undefined;

/** The openid-client module, or a clear error when the app has not installed it. */
export function openIdClient(): Promise<OpenIdClient> {
  loading ??= import('openid-client').catch((error: unknown) => {
    loading = undefined;
    throw new Error(
      'pow: sign-in through OAuth providers needs the package openid-client. Install it: npm install openid-client@6',
      { cause: error },
    );
  });
  return loading;
}

const configurations = new WeakMap<OAuthProvider, Promise<Configuration>>();

/** Plain http only for a provider on this machine (tests); pow refuses it elsewhere when configured. */
function allowsHttp(provider: OAuthProvider): boolean {
  const url = provider.issuer ?? provider.endpoints?.authorization;
  return url !== undefined && new URL(url).protocol === 'http:' && isLoopback(new URL(url));
}

async function build(provider: OAuthProvider): Promise<Configuration> {
  const client = await openIdClient();
  const timeout = provider.timeoutMs / 1000;
  const insecure = allowsHttp(provider) ? [client.allowInsecureRequests] : [];
  if (provider.protocol === 'oidc') {
    const config = await client.discovery(
      new URL(provider.issuer!),
      provider.clientId,
      provider.clientSecret,
      undefined,
      // ID tokens are checked against the provider's published keys (JWKS), not only trusted
      // because they came over TLS from the token endpoint.
      { execute: [...insecure, client.enableNonRepudiationChecks], timeout },
    );
    config.timeout = timeout;
    return config;
  }
  const endpoints = provider.endpoints!;
  const config = new client.Configuration(
    {
      issuer: new URL(endpoints.authorization).origin,
      authorization_endpoint: endpoints.authorization,
      token_endpoint: endpoints.token,
    },
    provider.clientId,
    provider.clientSecret,
  );
  for (const apply of insecure) apply(config);
  config.timeout = timeout;
  return config;
}

/**
 * The provider's configuration. A failed discovery is not cached: the next sign-in tries again,
 * so a provider that was down at start-up does not need a restart of the app.
 */
export async function providerConfiguration(provider: OAuthProvider): Promise<Configuration> {
  let pending = configurations.get(provider);
  if (!pending) {
    pending = build(provider);
    configurations.set(provider, pending);
    pending.catch(() => {
      if (configurations.get(provider) === pending) configurations.delete(provider);
    });
  }
  try {
    return await pending;
  } catch (error) {
    throw asFlowError(provider, error);
  }
}

/** The openid-client codes that mean the provider is slow, down or answering garbage. */
const PROVIDER_DOWN = new Set([
  'OAUTH_TIMEOUT',
  'OAUTH_ABORT',
  'OAUTH_RESPONSE_IS_NOT_JSON',
  'OAUTH_RESPONSE_IS_NOT_CONFORM',
]);

/** openid-client's and fetch's errors as the reasons the pages know. */
export function asFlowError(provider: OAuthProvider, error: unknown): OAuthFlowError {
  if (error instanceof OAuthFlowError) return error;
  const e = error as { name?: string; code?: string; error?: string; status?: number; message?: string };
  const detail = e?.message ?? String(error);
  const fail = (reason: OAuthFailure) => new OAuthFlowError(provider.name, reason, detail, { cause: error });
  if (e?.name === 'AuthorizationResponseError') return fail('denied');
  if (e?.name === 'ResponseBodyError')
    return fail(typeof e.status === 'number' && e.status >= 500 ? 'unavailable' : 'invalid_response');
  if (typeof e?.code === 'string' && PROVIDER_DOWN.has(e.code)) return fail('unavailable');
  // Any other check that failed: state, nonce, issuer, audience, expiry, signature, PKCE.
  if (typeof e?.code === 'string' && e.code.startsWith('OAUTH_')) return fail('invalid_response');
  // No code: refused connections ("fetch failed") and the like. The provider cannot be reached,
  // which the user cannot fix by trying something else.
  return fail('unavailable');
}
