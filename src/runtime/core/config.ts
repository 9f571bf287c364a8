/**
 * `createPow(config)`: validates the configuration (failing fast with a message that names the
 * bad key) and wires users, sessions and the hasher for one user type.
 */
import { createSecurityEvents } from './security-events.js';
import { registerDeadline } from './pow-deadline.js';
import type { ExtensionName, Hasher, Pow, PowConfig, Store, UserFieldSpec } from './types.js';
import { configError } from './errors.js';
import { ARGON2_INSECURE_TEST, argon2Hasher } from './hashers.js';
import { USER_DELEGATE_METHODS, createUserOperations, delegateName, type UserDelegate } from './users.js';
import { CREDENTIAL_RELATION, LEGACY_HASH_FIELD, credentialModelName } from './credentials.js';
import { boundedHasher } from './hash-queue.js';
import { DEFAULT_TIMEOUTS, createSessionOperations, type ResolvedTimeouts } from './sessions.js';
import { deriveSecretKey } from './crypto.js';
import { deferredSetting, type Deferred, type Setting } from './deferred.js';
import { SECRET_COMMAND } from '../../shared/secret-command.js';
import { USER_FIELD_TYPES, userFieldRule, type UserFieldRule } from './user-fields.js';
import { checkCredentialFields, createUserLayout } from './user-layout.js';
import {
  boundedDelegate,
  boundedStore,
  createDeadline,
  DEFAULT_STORE_TIMEOUT_MS,
} from '../stores/deadline.js';
import {
  DEFAULT_MAX_PASSWORD_BYTES,
  DEFAULT_MIN_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH_FLOOR,
  type ResolvedPasswordPolicy,
} from './validation.js';

import { EXTENSION_NAMES } from './extension-names.js';

export { EXTENSION_NAMES };

const CONFIG_KEYS = new Set([
  'prisma',
  'userModel',
  'userType',
  'userIdFields',
  'userFields',
  'userDefaults',
  'credentialFields',
  'store',
  'storeTimeoutMs',
  'secret',
  'session',
  'password',
  'hashing',
  'extensions',
  'clock',
]);
const SESSION_KEYS = [
  'idleMs',
  'absoluteMs',
  'renewAfterMs',
  'renewGraceMs',
  'userRefreshMs',
  'reauthenticateMs',
] as const;
const PASSWORD_KEYS = new Set(['minLength', 'maxBytes', 'blocklist']);
const HASHING_KEYS = new Set(['hasher', 'insecureTestParameters']);
const STORE_METHODS = ['get', 'put', 'delete', 'all', 'increment', 'putIfAbsent'] as const;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKnownKeys(prefix: string, value: Record<string, unknown>, known: Set<string>): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) {
      throw configError(`${prefix}${key}`, `is not a known option (known: ${[...known].join(', ')})`);
    }
  }
}

function checkFieldList(key: string, value: unknown, allowEmpty: boolean): string[] {
  if (!Array.isArray(value) || (!allowEmpty && value.length === 0)) {
    throw configError(
      key,
      allowEmpty ? 'must be an array of field names' : 'must be a non-empty array of field names',
    );
  }
  const seen = new Set<string>();
  for (const field of value) {
    if (typeof field !== 'string' || !FIELD_NAME.test(field))
      throw configError(key, `contains an invalid field name: ${JSON.stringify(field)}`);
    if (seen.has(field)) throw configError(key, `lists "${field}" twice`);
    seen.add(field);
  }
  return [...seen];
}

/** `userFields`: names, or `{ name, type, required }` objects (core/user-fields.ts). */
function checkUserFields(value: unknown): UserFieldRule[] {
  if (!Array.isArray(value)) throw configError('userFields', 'must be an array of field names');
  const rules = value.map((entry: unknown) => {
    if (typeof entry === 'string') return userFieldRule(entry);
    if (!isObject(entry) || typeof entry.name !== 'string')
      throw configError('userFields', `contains an invalid entry: ${JSON.stringify(entry)}`);
    checkKnownKeys('userFields[].', entry, new Set(['name', 'type', 'required']));
    if (!(USER_FIELD_TYPES as readonly unknown[]).includes(entry.type))
      throw configError(
        'userFields',
        `gives "${entry.name}" the type ${JSON.stringify(entry.type)}; use one of ${USER_FIELD_TYPES.join(', ')}`,
      );
    if (entry.required !== undefined && typeof entry.required !== 'boolean')
      throw configError('userFields', `gives "${entry.name}" a non-boolean \`required\``);
    return userFieldRule(entry as unknown as UserFieldSpec);
  });
  checkFieldList(
    'userFields',
    rules.map((rule) => rule.name),
    true,
  );
  return rules;
}

/** `userDefaults`: constants for the app's own columns, never pow's nor a form's. */
function checkUserDefaults(
  value: unknown,
  userIdFields: readonly string[],
  userFields: readonly string[],
): Record<string, string | number | boolean> {
  if (!isObject(value)) throw configError('userDefaults', 'must be an object of column → value');
  for (const [field, v] of Object.entries(value)) {
    if (!FIELD_NAME.test(field))
      throw configError('userDefaults', `has an invalid field name: ${JSON.stringify(field)}`);
    if (
      field === 'id' ||
      field === LEGACY_HASH_FIELD ||
      field === CREDENTIAL_RELATION ||
      userIdFields.includes(field)
    )
      throw configError('userDefaults', `must not set "${field}"`);
    if (userFields.includes(field))
      throw configError(
        'userDefaults',
        `sets "${field}", which userFields lets the form set; list it in one of them`,
      );
    if (!['string', 'number', 'boolean'].includes(typeof v))
      throw configError('userDefaults', `gives "${field}" a value that is not a string, number or boolean`);
  }
  return { ...(value as Record<string, string | number | boolean>) };
}

function resolveTimeouts(value: unknown): ResolvedTimeouts {
  if (value === undefined) return { ...DEFAULT_TIMEOUTS };
  if (!isObject(value)) throw configError('session', 'must be an object');
  checkKnownKeys('session.', value, new Set(SESSION_KEYS));
  const out = { ...DEFAULT_TIMEOUTS };
  for (const key of SESSION_KEYS) {
    const v = value[key];
    if (v === undefined) continue;
    const min = key === 'idleMs' || key === 'absoluteMs' ? 1000 : 0;
    // renewAfterMs may be Infinity (never renew); the others must be finite.
    const finite = key !== 'renewAfterMs';
    if (typeof v !== 'number' || Number.isNaN(v) || v < min || (finite && !Number.isFinite(v))) {
      throw configError(`session.${key}`, `must be a number of milliseconds >= ${min} (got ${String(v)})`);
    }
    out[key] = v;
  }
  if (out.idleMs > out.absoluteMs)
    throw configError('session.idleMs', `must not exceed session.absoluteMs (${out.absoluteMs})`);
  return out;
}

function resolvePolicy(value: unknown): ResolvedPasswordPolicy {
  const policy: ResolvedPasswordPolicy = {
    minLength: DEFAULT_MIN_PASSWORD_LENGTH,
    maxBytes: DEFAULT_MAX_PASSWORD_BYTES,
    blocklist: true,
  };
  if (value === undefined) return policy;
  if (!isObject(value)) throw configError('password', 'must be an object');
  checkKnownKeys('password.', value, PASSWORD_KEYS);
  if (value.minLength !== undefined) {
    const v = value.minLength;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < MIN_PASSWORD_LENGTH_FLOOR) {
      throw configError(
        'password.minLength',
        `must be an integer >= ${MIN_PASSWORD_LENGTH_FLOOR} (got ${String(v)})`,
        'NIST 800-63B never allows fewer than 8; the default is 15.',
      );
    }
    policy.minLength = v;
  }
  if (value.maxBytes !== undefined) {
    const v = value.maxBytes;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 64 || v > 1_048_576) {
      throw configError('password.maxBytes', `must be an integer between 64 and 1048576 (got ${String(v)})`);
    }
    policy.maxBytes = v;
  }
  if (policy.maxBytes < policy.minLength * 4) {
    throw configError(
      'password.maxBytes',
      `must allow at least 4 bytes per character of password.minLength (${policy.minLength * 4})`,
    );
  }
  if (value.blocklist !== undefined) {
    if (typeof value.blocklist !== 'boolean')
      throw configError('password.blocklist', 'must be true or false');
    policy.blocklist = value.blocklist;
  }
  return policy;
}

function resolveHasher(value: unknown): Hasher {
  if (value === undefined) return argon2Hasher();
  if (!isObject(value)) throw configError('hashing', 'must be an object');
  checkKnownKeys('hashing.', value, HASHING_KEYS);
  const insecure = value.insecureTestParameters;
  if (insecure !== undefined && typeof insecure !== 'boolean')
    throw configError('hashing.insecureTestParameters', 'must be true or false');
  if (insecure && process.env.NODE_ENV === 'production') {
    throw configError(
      'hashing.insecureTestParameters',
      'is refused when NODE_ENV is "production" (cheap hashing is for test suites only)',
      'Remove hashing.insecureTestParameters from the production configuration.',
    );
  }
  if (value.hasher !== undefined) {
    if (insecure)
      throw configError('hashing.insecureTestParameters', 'cannot be combined with hashing.hasher');
    const h = value.hasher as Partial<Hasher>;
    if (
      !isObject(h) ||
      typeof h.id !== 'string' ||
      typeof h.hash !== 'function' ||
      typeof h.verify !== 'function' ||
      typeof h.needsRehash !== 'function'
    ) {
      throw configError('hashing.hasher', 'must be an object with id, hash(), verify() and needsRehash()');
    }
    return h as Hasher;
  }
  return insecure ? argon2Hasher({ ...ARGON2_INSECURE_TEST, allowWeak: true }) : argon2Hasher();
}

function resolveStore(value: unknown): Store {
  if (!isObject(value))
    throw configError('store', 'is required: memoryStore(), prismaStore(prisma) or redisStore(client)');
  for (const method of STORE_METHODS) {
    if (typeof value[method] !== 'function')
      throw configError('store', `must implement ${method}() (see the Store interface)`);
  }
  return value as unknown as Store;
}

function resolveExtensions(value: unknown): ExtensionName[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw configError('extensions', 'must be an array of extension names');
  const seen = new Set<ExtensionName>();
  for (const name of value) {
    if (!EXTENSION_NAMES.includes(name as ExtensionName)) {
      throw configError(
        'extensions',
        `contains an unknown extension ${JSON.stringify(name)} (known: ${EXTENSION_NAMES.join(', ')})`,
      );
    }
    if (seen.has(name as ExtensionName)) throw configError('extensions', `lists "${String(name)}" twice`);
    seen.add(name as ExtensionName);
  }
  return [...seen];
}

/** The secret, from a string or a function such as `fromEnv('POW_SECRET')`, read once. */
function resolveSecret(value: unknown): Setting<string> {
  if (value !== undefined && typeof value !== 'string' && typeof value !== 'function') {
    throw configError('secret', "must be a string or a function such as fromEnv('POW_SECRET')");
  }
  const setting = deferredSetting<string>(
    value as Deferred<string | undefined>,
    {
      key: 'secret',
      purpose: 'pow signs session cookies and tokens with it',
      expected: `a random string of at least 32 characters, e.g. the output of ${SECRET_COMMAND}`,
      problem: (secret) =>
        typeof secret !== 'string'
          ? 'is not a string'
          : secret.length < 32
            ? `is ${secret.length} characters long (too short)`
            : null,
    },
    { required: true },
  );
  return setting as Setting<string>;
}

export function createPow(config: PowConfig): Pow {
  if (!isObject(config)) throw configError('config', 'must be an object');
  checkKnownKeys('', config as Record<string, unknown>, CONFIG_KEYS);

  const userModel = config.userModel ?? 'User';
  if (typeof userModel !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(userModel))
    throw configError('userModel', 'must be a Prisma model name');
  if (!isObject(config.prisma) && typeof config.prisma !== 'function')
    throw configError('prisma', "is required: pass the app's PrismaClient");
  const delegate = (config.prisma as Record<string, unknown>)[delegateName(userModel)] as
    Record<string, unknown> | undefined;
  if (!delegate || USER_DELEGATE_METHODS.some((m) => typeof delegate[m] !== 'function')) {
    throw configError(
      'userModel',
      `names "${userModel}" but the Prisma client has no delegate \`prisma.${delegateName(userModel)}\``,
      'Check the model name in schema.prisma and run `prisma generate`.',
    );
  }

  const userType = config.userType ?? 'user';
  if (typeof userType !== 'string' || !/^[a-z][a-z0-9_]{0,31}$/.test(userType)) {
    throw configError(
      'userType',
      'must be lower-case letters, digits or "_", starting with a letter (e.g. "user", "admin")',
    );
  }
  const userIdFields = checkFieldList('userIdFields', config.userIdFields ?? ['email'], false);
  const userFieldRules = checkUserFields(config.userFields ?? []);
  const userFields = userFieldRules.map((rule) => rule.name);
  for (const field of userFields) {
    if (userIdFields.includes(field))
      throw configError('userFields', `must not repeat the user id field "${field}"`);
    if (field === 'id' || field === LEGACY_HASH_FIELD)
      throw configError('userFields', `must not include "${field}"`);
    if (field === CREDENTIAL_RELATION) {
      throw configError(
        'userFields',
        `must not include "${field}": it is the relation to ${credentialModelName(userModel)}, where pow keeps password hashes`,
      );
    }
  }
  const userDefaults = checkUserDefaults(config.userDefaults ?? {}, userIdFields, userFields);
  const credentialFields = checkCredentialFields(config.credentialFields, userIdFields, [
    ...userFields,
    ...Object.keys(userDefaults),
  ]);
  const secret = resolveSecret(config.secret);
  const storeTimeoutMs = config.storeTimeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
  if (typeof storeTimeoutMs !== 'number' || !Number.isFinite(storeTimeoutMs) || storeTimeoutMs <= 0)
    throw configError('storeTimeoutMs', 'must be a positive number of milliseconds');
  // One deadline per pow instance: its calls share one timer (stores/deadline.ts).
  const deadline = createDeadline(storeTimeoutMs);
  const rawStore = resolveStore(config.store);
  const store = boundedStore(rawStore, deadline);
  const timeouts = resolveTimeouts(config.session);
  const policy = resolvePolicy(config.password);
  const hasher = resolveHasher(config.hashing);
  const extensions = resolveExtensions(config.extensions);
  if (config.clock !== undefined && typeof config.clock !== 'function')
    throw configError('clock', 'must be a function returning milliseconds');
  const clock = config.clock ?? Date.now;
  if (config.clock) rawStore.useClock?.(config.clock);

  // Users end sessions on delete; sessions re-read users on load: wire the cycle through a holder.
  const holder: { sessions?: ReturnType<typeof createSessionOperations> } = {};
  const users = createUserOperations({
    delegate: boundedDelegate(delegate as unknown as UserDelegate, USER_DELEGATE_METHODS, deadline),
    userModel,
    // A sign-in burst queues a bounded number of hashes, then answers 503 (hash-queue.ts).
    hasher: boundedHasher(hasher),
    policy,
    userIdFields,
    userFields: userFieldRules,
    userDefaults,
    layout: createUserLayout(credentialFields),
    onDeleted: async (userId) => {
      await holder.sessions?.revokeAll(userId);
    },
    onChanged: async (userId) => {
      await holder.sessions?.refreshUser(userId);
    },
  });
  const sessions = createSessionOperations({
    store,
    userType,
    timeouts,
    clock,
    users,
    tokenKey: () => deriveSecretKey(secret.get(), `sessions:${userType}`),
  });
  holder.sessions = sessions;

  const pow: Pow = Object.freeze({
    userType,
    userModel,
    userIdFields: Object.freeze([...userIdFields]),
    credentialFields: Object.freeze([...credentialFields]),
    userDefaults: Object.freeze({ ...userDefaults }),
    store,
    // Read on first use (see deferred.ts): the app may load its .env after importing this config.
    get secret() {
      return secret.get();
    },
    extensions: Object.freeze([...extensions]),
    clock,
    users,
    sessions,
    hasher,
    securityEvents: createSecurityEvents(clock),
    passwordRules: Object.freeze({ minLength: policy.minLength, maxBytes: policy.maxBytes }),
  });
  registerDeadline(pow, deadline);
  return pow;
}
