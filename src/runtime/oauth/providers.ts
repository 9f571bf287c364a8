/**
 * The OAuth 2.0 / OpenID Connect providers pow can sign users in with, as plain data: where the
 * provider lives, how to read a stable user id and a verified e-mail from it, and the client
 * credentials the app registered there. The flow itself (state, PKCE, nonce, ID token checks)
 * is in authorization.ts and is the same for every provider.
 */
import { PowError } from '../../shared/pow-error.js';

/** How a provider proves who the user is. */
export type ProviderProtocol =
  /** OpenID Connect: discovery from the issuer, an ID token checked against the provider's keys. */
  | 'oidc'
  /** GitHub: plain OAuth 2.0 (no ID token); the user is read from its REST API with the access token. */
  | 'github';

export interface OAuthProvider {
  /** Name in paths, buttons and the identities table: "github", "google", or the team's own ("acme"). */
  readonly name: string;
  /** Shown on buttons ("Continue with GitHub"). */
  readonly label: string;
  readonly protocol: ProviderProtocol;
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  /** OIDC: the issuer URL (discovery at `<issuer>/.well-known/openid-configuration`). */
  readonly issuer: string | undefined;
  /** Scopes asked for; "openid" is always included for OIDC. */
  readonly scopes: readonly string[];
  /** GitHub (or a stand-in for it in tests): the endpoints pow calls. */
  readonly endpoints: Readonly<GitHubEndpoints> | undefined;
  /** Deadline of each HTTP call to the provider, in milliseconds. */
  readonly timeoutMs: number;
}

export interface GitHubEndpoints {
  authorization: string;
  token: string;
  /** The signed-in user (id, login, name). */
  user: string;
  /** The user's addresses with their `verified` and `primary` flags. */
  emails: string;
}

/**
 * A value, or a function that reads it when the provider is built (`fromEnv('GITHUB_CLIENT_ID')`):
 * the generated config builds its providers at start-up, after the app loaded its .env.
 */
export type ProviderSetting = string | (() => string | undefined);

/** What the team passes for a provider (client id and secret usually from the environment). */
export interface ProviderOptions {
  clientId: ProviderSetting;
  clientSecret?: ProviderSetting;
  label?: string;
  scopes?: readonly string[];
  timeoutMs?: number;
}

/** Deadline of one call to a provider: long enough for a slow provider, short enough that a page never hangs. */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 5_000;

/** Provider names are path segments and table values: lower-case letters, digits and dashes. */
const PROVIDER_NAME = /^[a-z][a-z0-9-]{0,39}$/;

export const GITHUB_ENDPOINTS: Readonly<GitHubEndpoints> = Object.freeze({
  authorization: 'https://github.com/login/oauth/authorize',
  token: 'https://github.com/login/oauth/access_token',
  user: 'https://api.github.com/user',
  emails: 'https://api.github.com/user/emails',
});

export const GOOGLE_ISSUER = 'https://accounts.google.com';

function checkName(name: string): string {
  if (!PROVIDER_NAME.test(name)) {
    throw new TypeError(
      `pow: OAuth provider name ${JSON.stringify(name)} must be lower-case letters, digits and dashes (e.g. "acme").`,
    );
  }
  return name;
}

/**
 * The value of a setting; a function is called now. A `fromEnv` setting that finds nothing is
 * pow's start-up message naming the variable.
 */
function read(name: string, what: string, setting: ProviderSetting | undefined): string | undefined {
  if (typeof setting !== 'function') return setting;
  const value = setting();
  if (value !== undefined && value !== '') return value;
  const envName = (setting as { envName?: unknown }).envName;
  if (typeof envName !== 'string') return undefined;
  throw new PowError({
    code: 'POW_SETTING_MISSING',
    message: `${envName} is not set: pow signs users in with the OAuth provider "${name}" with it (its ${what}). Set it in the environment, or in the .env file the app loads before it starts.`,
  });
}

function checkClient(name: string, options: ProviderOptions): { clientId: string; clientSecret?: string } {
  const clientId = read(name, 'client id', options?.clientId);
  if (typeof clientId !== 'string' || clientId.trim() === '') {
    throw new TypeError(
      `pow: OAuth provider "${name}" has no client id. Register the app with the provider and set its client id (e.g. from the environment).`,
    );
  }
  return { clientId, clientSecret: read(name, 'client secret', options.clientSecret) };
}

function checkUrl(name: string, what: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`pow: OAuth provider "${name}": ${what} ${JSON.stringify(value)} is not a URL.`);
  }
  if (url.protocol !== 'https:' && !isLoopback(url)) {
    throw new TypeError(
      `pow: OAuth provider "${name}": ${what} must use https (plain http is accepted only for 127.0.0.1 and localhost, in tests).`,
    );
  }
  return value;
}

/** A provider on this machine (a stand-in in tests): the only place pow accepts plain http. */
export function isLoopback(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
}

/** Any OpenID Connect provider by its issuer URL (Okta, Auth0, Keycloak, Entra ID, the company's own). */
export function openIdProvider(
  name: string,
  options: ProviderOptions & { issuer: ProviderSetting },
): OAuthProvider {
  checkName(name);
  const client = checkClient(name, options);
  const issuer = read(name, 'issuer URL', options.issuer) ?? '';
  const scopes = new Set(['openid', ...(options.scopes ?? ['email', 'profile'])]);
  return Object.freeze({
    name,
    label: options.label ?? name,
    protocol: 'oidc' as const,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    issuer: checkUrl(name, 'issuer', issuer),
    scopes: [...scopes],
    endpoints: undefined,
    timeoutMs: options.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS,
  });
}

/** Google: an OpenID Connect provider. `issuer` is for a stand-in in tests. */
export function google(options: ProviderOptions & { issuer?: ProviderSetting }): OAuthProvider {
  return openIdProvider('google', { label: 'Google', ...options, issuer: options.issuer ?? GOOGLE_ISSUER });
}

/** GitHub: OAuth 2.0 plus its REST API. `endpoints` are for a stand-in in tests. */
export function github(options: ProviderOptions & { endpoints?: Partial<GitHubEndpoints> }): OAuthProvider {
  const client = checkClient('github', options);
  const endpoints = { ...GITHUB_ENDPOINTS, ...options.endpoints };
  for (const [what, url] of Object.entries(endpoints)) checkUrl('github', `endpoints.${what}`, url);
  return Object.freeze({
    name: 'github',
    label: options.label ?? 'GitHub',
    protocol: 'github' as const,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    issuer: undefined,
    // read:user for the profile, user:email for the verified addresses (private ones included).
    scopes: [...(options.scopes ?? ['read:user', 'user:email'])],
    endpoints: Object.freeze(endpoints),
    timeoutMs: options.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS,
  });
}
