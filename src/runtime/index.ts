/**
 * `pow`: the framework-agnostic runtime. One `createPow(config)` per user type; the Express layer
 * (`pow/express`) builds on what it returns.
 */
export type * from './core/types.js';
export { createPow, EXTENSION_NAMES } from './core/config.js';
// Settings read at start-up rather than at import (an app may load .env in its entry's code).
export {
  fromEnv,
  runStartupChecks,
  type Deferred,
  type EnvSetting,
  type FromEnvOptions,
} from './core/deferred.js';
export { deferredAdapter, type AdapterProvider, type DriverAdapterFactory } from './core/deferred-adapter.js';
export { createUser, formatErrors } from './core/scripts.js';
export {
  argon2Hasher,
  argon2MeetsFloor,
  bcryptVerify,
  pbkdf2Verify,
  ARGON2_DEFAULTS,
  ARGON2_INSECURE_TEST,
  type Argon2Options,
} from './core/hashers.js';
export { coreMessages, fieldError, type CoreMessageKey } from './core/errors.js';
export {
  isValidEmail,
  normalizeUserId,
  normalizePassword,
  validatePassword,
  DEFAULT_MIN_PASSWORD_LENGTH,
  DEFAULT_MAX_PASSWORD_BYTES,
} from './core/validation.js';
export { isCommonPassword } from './core/blocklist.js';
export {
  DEFAULT_RATE_LIMITS,
  type Limit,
  type LimitName,
  type RateLimitOptions,
  type RateLimits,
} from './core/rate-limit.js';
export {
  SECURITY_EVENT_NAMES,
  type SecurityEvent,
  type SecurityEventName,
  type SecurityEventListener,
  type SecurityEvents,
} from './core/security-events.js';
export { DEFAULT_TIMEOUTS } from './core/sessions.js';
export { fakeClock, type FakeClock } from './core/clock.js';
export { randomToken, sha256Hex, safeEqual } from './core/crypto.js';
export { memoryStore, prismaStore, redisStore } from './stores/index.js';
export { DEFAULT_STORE_TIMEOUT_MS } from './stores/deadline.js';
export { StoreUnavailableError, isStoreUnavailable } from './stores/unavailable-error.js';
export { redisClientOptions, redisClusterOptions } from './stores/redis-connection.js';
export { DATABASE_TIMEOUTS, pgPoolOptions, mariadbPoolOptions } from './stores/database-timeouts.js';
export type {
  MemoryStore,
  PrismaStoreOptions,
  RedisStoreOptions,
  RedisLike,
  RedisClusterLike,
  StoreOptions,
} from './stores/index.js';
export { PowError, isPowError } from '../shared/pow-error.js';
// Mail adapters and the framework-agnostic extension services (the Express layer wires both).
export {
  smtpMailer,
  consoleMailer,
  memoryMailer,
  flushDeliveries,
  mailLayout,
  mailText,
  renderMail,
  type MailContent,
  type MailLocals,
  type Mailer,
  type MailMessage,
  type MailName,
  type MemoryMailer,
  type SmtpMailerOptions,
  type ConsoleMailerOptions,
} from './mail/index.js';
export {
  powExtensions,
  type PowExtensions,
  type ExtensionOptions,
  type ExtensionMailOptions,
} from './extensions/index.js';
// Sign-in through OAuth / OpenID Connect providers (powOAuth in pow/express wires it in).
export {
  github,
  google,
  openIdProvider,
  OAuthFlowError,
  type OAuthProvider,
  type ProviderOptions,
  type ProviderProfile,
} from './oauth/index.js';
export {
  describeUserAgent,
  type DeviceDescription,
  type DeviceList,
  type DeviceSession,
  type RememberedDevice,
} from './extensions/sessions.js';
export {
  DEFAULT_RETENTION_DAYS,
  securityEventModelName,
  type SecurityLogEntry,
  type SecurityLogOptions,
  type SecurityLogPage,
} from './extensions/security-log.js';
export {
  createTwoFactor,
  type BeginSetupResult,
  type ConfirmSetupResult,
  type TwoFactor,
  type TwoFactorOptions,
  type TwoFactorSetup,
  type TwoFactorStatus,
} from './extensions/two-factor.js';
