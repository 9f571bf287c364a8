/**
 * GitHub has no ID token: the user is read from its REST API with the access token, which pow uses
 * for these two calls and then drops. Only the primary address GitHub marks verified counts as a
 * verified e-mail.
 */
import type { Configuration } from 'openid-client';
import { openIdClient } from './client.js';
import { OAuthFlowError } from './errors.js';
import type { OAuthProvider } from './providers.js';
import type { ProviderProfile } from './authorization.js';

const HEADERS = {
  accept: 'application/vnd.github+json',
  'x-github-api-version': '2022-11-28',
  'user-agent': 'pow',
};

async function getJson(
  provider: OAuthProvider,
  config: Configuration,
  token: string,
  url: string,
): Promise<unknown> {
  const client = await openIdClient();
  const response = await client.fetchProtectedResource(
    config,
    token,
    new URL(url),
    'GET',
    undefined,
    new Headers(HEADERS),
  );
  if (response.status >= 500)
    throw new OAuthFlowError(provider.name, 'unavailable', `${url} answered ${response.status}`);
  if (!response.ok)
    throw new OAuthFlowError(provider.name, 'invalid_response', `${url} answered ${response.status}`);
  return response.json();
}

export async function readGitHubProfile(
  provider: OAuthProvider,
  config: Configuration,
  accessToken: string,
): Promise<ProviderProfile> {
  const endpoints = provider.endpoints!;
  const user = (await getJson(provider, config, accessToken, endpoints.user)) as {
    id?: unknown;
    name?: unknown;
    login?: unknown;
  };
  if ((typeof user?.id !== 'number' && typeof user?.id !== 'string') || String(user.id) === '') {
    throw new OAuthFlowError(provider.name, 'incomplete_profile', 'the user has no id');
  }
  const emails = (await getJson(provider, config, accessToken, endpoints.emails)) as Array<{
    email?: unknown;
    primary?: unknown;
    verified?: unknown;
  }>;
  const list = Array.isArray(emails) ? emails : [];
  const primary = list.find((e) => e?.primary === true && typeof e.email === 'string');
  const email = typeof primary?.email === 'string' ? primary.email : null;
  return {
    provider: provider.name,
    subject: String(user.id),
    email,
    emailVerified: email !== null && primary?.verified === true,
    name: typeof user.name === 'string' ? user.name : typeof user.login === 'string' ? user.login : null,
  };
}
