/**
 * Settings that come from the environment, read when the app starts rather than when pow's
 * configuration module is imported.
 *
 * In an ES module app every `import` runs before the entry's own code, so a configuration module
 * that read `process.env` at import time would run before the entry's `dotenv.config()` or
 * `process.loadEnvFile()`, and no placement of the imports can change that. pow therefore takes
 * such settings as functions, `secret: fromEnv('POW_SECRET')`, and reads each one once: at
 * start-up, when the app mounts pow (`auth.middleware()` runs `runStartupChecks()`), or when pow
 * first needs it, whichever comes first. A missing variable is then pow's message naming it, not
 * a crash at import.
 */
import { PowError } from '../../shared/pow-error.js';

/** A setting given as its value, or as a function pow calls once when it first needs the value. */
export type Deferred<T> = T | (() => T);

/** A function reading one environment variable; it carries the name for pow's messages. */
export interface EnvSetting {
  (): string | undefined;
  /** The variable's name, e.g. "POW_SECRET". */
  readonly envName: string;
}

export interface FromEnvOptions {
  /**
   * The value when the variable is unset or empty and NODE_ENV is not "production", e.g.
   * `http://localhost:3001` for links in development mails. Production never falls back.
   */
  development?: string;
}

/** Reads `process.env[name]` when called (an empty value counts as unset). */
export function fromEnv(name: string, options: FromEnvOptions = {}): EnvSetting {
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new TypeError(`pow: fromEnv() needs an environment variable name (got ${JSON.stringify(name)})`);
  }
  const read = (): string | undefined => {
    const value = process.env[name];
    if (value !== undefined && value !== '') return value;
    return process.env.NODE_ENV === 'production' ? undefined : options.development;
  };
  return Object.defineProperty(read, 'envName', { value: name, enumerable: true }) as EnvSetting;
}

/** What pow says about one setting when it is missing or wrong. */
export interface SettingSpec<T> {
  /** Where the setting is given, e.g. "createPow({ secret })". */
  key: string;
  /** Why pow needs it, e.g. "pow signs session cookies and tokens with it". */
  purpose: string;
  /** What a good value looks like, e.g. "32+ random characters". */
  expected: string;
  /** A present value's problem ("is 12 characters long; pow needs at least 32"), or null when fine. */
  problem?: (value: T) => string | null;
}

/** A resolved-once setting. */
export interface Setting<T> {
  /** The value; throws pow's PowError (code POW_SETTING_MISSING / POW_CONFIG_INVALID) when missing or wrong. */
  get(): T;
}

const ENV_FIX =
  'Set it in the environment, or in the .env file the app loads before it starts ' +
  '(dotenv, `node --env-file=.env`, `process.loadEnvFile()`).';

function describe(source: unknown, key: string): string {
  const envName = typeof source === 'function' ? (source as Partial<EnvSetting>).envName : undefined;
  return envName ?? `\`${key}\``;
}

/**
 * A setting resolved on first use and then kept. A plain value is checked at once (the app's own
 * code gave it, so there is nothing to wait for); a function is called at start-up or first use.
 * `required: false` lets a missing value through as `undefined`.
 */
export function deferredSetting<T>(
  source: Deferred<T | undefined> | undefined,
  spec: SettingSpec<T>,
  options: { required: boolean },
): Setting<T | undefined> {
  const name = describe(source, spec.key);
  const check = (value: T | undefined): T | undefined => {
    if (value === undefined || value === null || (value as unknown) === '') {
      if (!options.required) return undefined;
      const fromEnvironment = typeof source === 'function' && (source as Partial<EnvSetting>).envName;
      throw new PowError({
        // A value the app's own code left out is a configuration mistake; a function that found
        // nothing usually means the environment lacks a variable.
        code: typeof source === 'function' ? 'POW_SETTING_MISSING' : 'POW_CONFIG_INVALID',
        message: `${name} is not set: ${spec.purpose}. Expected ${spec.expected}. ${
          fromEnvironment ? ENV_FIX : ''
        }`.trim(),
      });
    }
    const problem = spec.problem?.(value);
    if (problem) {
      throw new PowError({
        code: 'POW_CONFIG_INVALID',
        message: `${name} ${problem}: ${spec.purpose}. Expected ${spec.expected}.`,
      });
    }
    return value;
  };
  if (typeof source !== 'function') {
    const value = check(source);
    return { get: () => value };
  }
  let resolved: { value: T | undefined } | null = null;
  const setting: Setting<T | undefined> = {
    get() {
      // A failure is not kept: the next use reads the environment again.
      resolved ??= { value: check((source as () => T | undefined)()) };
      return resolved.value;
    },
  };
  startupChecks.add(setting);
  return setting;
}

/** Deferred settings not yet read successfully (a module-level set: one app per process). */
const startupChecks = new Set<Setting<unknown>>();

/**
 * Reads every deferred setting made so far and throws one PowError naming all that are missing
 * or wrong. `auth.middleware()` runs it, so the app stops at start-up with pow's message instead
 * of failing on its first request.
 */
export function runStartupChecks(): void {
  const problems: PowError[] = [];
  for (const setting of startupChecks) {
    try {
      setting.get();
      startupChecks.delete(setting);
    } catch (error) {
      if (!(error instanceof PowError)) throw error;
      problems.push(error);
    }
  }
  if (problems.length === 0) return;
  if (problems.length === 1) throw problems[0];
  throw new PowError({
    code: problems.every((p) => p.code === 'POW_SETTING_MISSING')
      ? 'POW_SETTING_MISSING'
      : 'POW_CONFIG_INVALID',
    message: `pow cannot start:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`,
  });
}
