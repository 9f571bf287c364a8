/**
 * Sign-in through OAuth 2.0 / OpenID Connect providers (the oauth extension): provider
 * definitions, the authorization code flow with PKCE, and the rules that decide what a provider
 * identity may do with pow's accounts.
 */
export {
  github,
  google,
  openIdProvider,
  DEFAULT_PROVIDER_TIMEOUT_MS,
  type OAuthProvider,
  type ProviderOptions,
  type GitHubEndpoints,
} from './providers.js';
export {
  beginAuthorization,
  completeAuthorization,
  PENDING_AUTHORIZATION_TTL_MS,
  type PendingAuthorization,
  type ProviderProfile,
  type BeginOptions,
} from './authorization.js';
export { OAuthFlowError, isOAuthFlowError, type OAuthFailure } from './errors.js';
