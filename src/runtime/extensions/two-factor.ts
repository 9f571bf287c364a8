/**
 * The `two-factor` extension: TOTP (RFC 6238) as a second step after the password, with ten
 * single-use recovery codes. Framework-agnostic; the Express layer (express/two-factor.ts) adds the
 * pending sign-in state, the remembered-device cookie and the throttle.
 *
 * - Set-up: `beginSetup` stores a new secret with `enabledAt` null (not yet a second factor) and
 *   returns it with its `otpauth://` URI and QR code; `confirmSetup` turns it on only when a code
 *   computed from that secret is typed back, and returns the recovery codes, once.
 * - Codes: `verifyCode` accepts a code of the current time step or one either side, and only when
 *   its step is later than the last one accepted for the user: the step is written with a
 *   conditional update (`lastUsedStep < step`), so a code is good exactly once, even when two
 *   requests race with it.
 * - Recovery codes: stored as SHA-256 (recovery-codes.ts); using one removes it with a conditional
 *   update on the list as it was read, so the same code never signs in twice.
 * - The secret is sealed with the configured encryption key (secret-box.ts), bound to the user.
 * - New recovery codes replace all ten in one write (the old ones stop working at once); the
 *   caller has checked the password.
 * - Turning two-factor off deletes the row (secret and codes with it).
 *
 * Every account event goes out through the `announce` function a method is given: the Express
 * layer passes one that adds the request's address, user agent and device (security-log.ts);
 * without one, the event goes to `pow.securityEvents` bare.
 */
import type { FieldErrors, Pow, UserRecord } from '../core/types.js';
import { delegateName } from '../core/users.js';
import { deadlineOf } from '../core/pow-deadline.js';
import { boundedDelegate } from '../stores/deadline.js';
import { sha256Hex } from '../core/crypto.js';
import { TWO_FACTOR_CREDENTIAL_RELATION, twoFactorModelName } from '../core/two-factor-model.js';
import { CREDENTIAL_HASH_FIELD } from '../core/credentials.js';
import { configError } from '../core/errors.js';
import type { SecurityEventName } from '../core/security-events.js';
import { createSecretBox, type SecretBox } from './secret-box.js';
import { groupedSecret, matchStep, newTotpSecret, normalizeTotpCode, qrSvg, totpUri } from './totp.js';
import {
  newRecoveryCodes,
  normalizeRecoveryCode,
  parseHashes,
  recoveryCodeHash,
  useRecoveryCode,
} from './recovery-codes.js';

type Row = Record<string, unknown>;

/** The part of the Prisma delegate of `<User>TwoFactor` pow uses. */
interface TwoFactorDelegate {
  findUnique(args: { where: Row; include?: Row }): Promise<Row | null>;
  upsert(args: { where: Row; create: Row; update: Row }): Promise<Row>;
  updateMany(args: { where: Row; data: Row }): Promise<{ count: number }>;
  deleteMany(args: { where: Row }): Promise<{ count: number }>;
}

const TWO_FACTOR_METHODS = ['findUnique', 'upsert', 'updateMany', 'deleteMany'] as const;

export interface TwoFactorOptions {
  /**
   * Key that encrypts TOTP secrets at rest (32+ characters, kept out of the database), or a
   * function reading it (`fromEnv('POW_TWO_FACTOR_KEY')`). Without one, secrets are stored as they
   * are (docs/account-security.md).
   */
  encryptionKey?: string | (() => string | undefined);
  /** The name authenticator apps show above the code. Default "pow". */
  issuer?: string;
  /** How long the second step may wait after the password. Default 5 minutes. */
  pendingMs?: number;
  /** How long "remember this device" skips the second step. Default 30 days. */
  rememberDeviceMs?: number;
}

export interface ResolvedTwoFactorOptions {
  readonly issuer: string;
  readonly pendingMs: number;
  readonly rememberDeviceMs: number;
}

export const TWO_FACTOR_DEFAULTS: ResolvedTwoFactorOptions = Object.freeze({
  issuer: 'pow',
  pendingMs: 5 * 60_000,
  rememberDeviceMs: 30 * 24 * 60 * 60_000,
});

/**
 * Hands an account event to the listeners. The Express layer's adds who did it (address, user
 * agent, device); a method given none emits the bare event.
 */
export type Announce = (
  name: SecurityEventName,
  userId: string | number,
  detail?: Record<string, string>,
) => Promise<void>;

export interface TwoFactorSetup {
  /** The secret as base32, in groups of four (for typing it into an app). */
  secret: string;
  /** The `otpauth://totp/...` URI (what the QR code holds). */
  uri: string;
  /** The QR code as an SVG document (rendered in-process). */
  qrSvg: string;
}

export type BeginSetupResult =
  { ok: true; setup: TwoFactorSetup } | { ok: false; reason: 'already-enabled' | 'no-password' };

export type ConfirmSetupResult =
  | { ok: true; recoveryCodes: string[] }
  | {
      ok: false;
      reason: 'invalid-code' | 'not-started' | 'already-enabled';
      /** For the form: the `code` field's error (blank or not right). */
      errors: FieldErrors;
    };

export type CodeVerdict = 'ok' | 'invalid' | 'reused';

export interface TwoFactorStatus {
  enabled: boolean;
  recoveryCodesLeft: number;
}

export interface TwoFactor {
  readonly options: ResolvedTwoFactorOptions;
  /** True when secrets are encrypted at rest. */
  readonly encrypts: boolean;
  status(userId: string | number): Promise<TwoFactorStatus>;
  isEnabled(userId: string | number): Promise<boolean>;
  beginSetup(user: UserRecord): Promise<BeginSetupResult>;
  confirmSetup(user: UserRecord, code: unknown, announce?: Announce): Promise<ConfirmSetupResult>;
  /** Turns two-factor off (the caller has checked the password). */
  disable(user: Pick<UserRecord, 'id'>, announce?: Announce): Promise<boolean>;
  /**
   * Ten new recovery codes replace the user's (the caller has checked the password); returned
   * once, null when two-factor is off.
   */
  regenerateRecoveryCodes(user: Pick<UserRecord, 'id'>, announce?: Announce): Promise<string[] | null>;
  /** A TOTP code of an enabled user: accepted at most once per time step. */
  verifyCode(userId: string | number, code: unknown): Promise<CodeVerdict>;
  /** A recovery code of an enabled user: accepted once, then gone. */
  verifyRecoveryCode(userId: string | number, code: unknown, announce?: Announce): Promise<boolean>;
  /**
   * What a remembered device is bound to: changes when two-factor is turned off and on again or
   * the password changes (any way: account page, reset, the CLI). Null when two-factor is off.
   */
  deviceBinding(userId: string | number): Promise<string | null>;
  /** Tells the listeners that a second step failed (a wrong or reused code). */
  failed(userId: string | number, announce?: Announce, detail?: Record<string, string>): Promise<void>;
}

function positive(value: unknown, key: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw configError(
      `twoFactor.${key}`,
      `must be a positive integer of milliseconds (got ${String(value)})`,
    );
  return value;
}

export function resolveTwoFactorOptions(options: TwoFactorOptions = {}): ResolvedTwoFactorOptions {
  if (options.issuer !== undefined && (typeof options.issuer !== 'string' || options.issuer.trim() === ''))
    throw configError('twoFactor.issuer', 'must be a non-empty string');
  return Object.freeze({
    issuer: options.issuer ?? TWO_FACTOR_DEFAULTS.issuer,
    pendingMs: positive(options.pendingMs, 'pendingMs', TWO_FACTOR_DEFAULTS.pendingMs),
    rememberDeviceMs: positive(
      options.rememberDeviceMs,
      'rememberDeviceMs',
      TWO_FACTOR_DEFAULTS.rememberDeviceMs,
    ),
  });
}

/** The configured key, checked: at least 32 characters (or none). */
function keySource(key: TwoFactorOptions['encryptionKey']): () => string | undefined {
  const check = (value: string | undefined): string | undefined => {
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string' || value.length < 32)
      throw configError(
        'twoFactor.encryptionKey',
        'must be at least 32 characters (e.g. 48 random bytes, base64url)',
      );
    return value;
  };
  if (typeof key === 'function') return () => check(key());
  const value = check(key);
  return () => value;
}

type TwoFactorPow = Pick<Pow, 'userType' | 'userModel' | 'clock' | 'securityEvents' | 'users'>;

export function createTwoFactor(
  pow: TwoFactorPow,
  prisma: object,
  options: TwoFactorOptions = {},
): TwoFactor {
  const resolved = resolveTwoFactorOptions(options);
  const box: SecretBox = createSecretBox(keySource(options.encryptionKey));
  const model = twoFactorModelName(pow.userModel);
  let bounded: TwoFactorDelegate | undefined;
  const delegate = (): TwoFactorDelegate => {
    if (bounded) return bounded;
    const found = (prisma as Record<string, unknown>)[delegateName(model)] as TwoFactorDelegate | undefined;
    if (!found || typeof found.findUnique !== 'function') {
      throw configError(
        'prisma',
        `has no model ${model}, which the two-factor extension keeps its secrets in`,
        `Run \`npx pow install --extension two-factor\`, then \`npx pow migrate\` and \`npx prisma generate\`.`,
      );
    }
    // Every query within the instance's deadline: a stalled database answers 503, never hangs.
    return (bounded = boundedDelegate(found, TWO_FACTOR_METHODS, deadlineOf(pow)));
  };
  /** Binds a sealed secret to its owner (a copied ciphertext does not decrypt for another user). */
  const owner = (userId: string | number) => `${pow.userType}:${String(userId)}`;
  const read = (userId: string | number) => delegate().findUnique({ where: { userId } });
  const bare: Announce = (name, userId, detail) =>
    pow.securityEvents.emit({ name, userId, ...(detail ? { detail } : {}) });
  const enabledRow = async (userId: string | number): Promise<Row | null> => {
    const row = await read(userId);
    return row && row.enabledAt ? row : null;
  };
  const accountName = (user: UserRecord): string => {
    const record = user as Row;
    const named = ['email', 'username', 'phone']
      .map((field) => record[field])
      .find((v) => typeof v === 'string');
    return typeof named === 'string' && named !== '' ? named : String(user.id);
  };

  return {
    options: resolved,
    get encrypts() {
      return box.encrypts;
    },

    async status(userId) {
      const row = await enabledRow(userId);
      return { enabled: row !== null, recoveryCodesLeft: row ? parseHashes(row.recoveryCodes).length : 0 };
    },

    async isEnabled(userId) {
      return (await enabledRow(userId)) !== null;
    },

    async beginSetup(user) {
      const row = await read(user.id);
      if (row?.enabledAt) return { ok: false, reason: 'already-enabled' };
      if (!(await pow.users.hasPassword(user))) return { ok: false, reason: 'no-password' };
      // A set-up already waiting keeps its secret: a reload shows the same QR code, so a code
      // from an app that already scanned it still confirms.
      let secret: string | null = null;
      if (row && typeof row.secret === 'string') {
        try {
          secret = box.open(row.secret, owner(user.id));
        } catch {
          secret = null;
        }
      }
      if (secret === null) {
        secret = newTotpSecret();
        const sealed = box.seal(secret, owner(user.id));
        await delegate().upsert({
          where: { userId: user.id },
          create: { userId: user.id, secret: sealed, recoveryCodes: '[]' },
          update: { secret: sealed, enabledAt: null, lastUsedStep: null, recoveryCodes: '[]' },
        });
      }
      const uri = totpUri(secret, resolved.issuer, accountName(user));
      return { ok: true, setup: { secret: groupedSecret(secret), uri, qrSvg: await qrSvg(uri) } };
    },

    async confirmSetup(user, input, announce = bare) {
      const blank = typeof input !== 'string' || input.trim() === '';
      const errors: FieldErrors = {
        code: [
          blank
            ? { key: 'errors.blank', message: "can't be blank" }
            : { key: 'errors.invalid', message: 'is invalid' },
        ],
      };
      const row = await read(user.id);
      if (!row || typeof row.secret !== 'string') return { ok: false, reason: 'not-started', errors };
      if (row.enabledAt) return { ok: false, reason: 'already-enabled', errors };
      const code = normalizeTotpCode(input);
      const step = code === null ? null : matchStep(box.open(row.secret, owner(user.id)), code, pow.clock());
      if (step === null) return { ok: false, reason: 'invalid-code', errors };
      const codes = newRecoveryCodes();
      // Only the row as read (same secret, still pending): a parallel confirm or a new set-up wins.
      const { count } = await delegate().updateMany({
        where: { userId: user.id, secret: row.secret, enabledAt: null },
        data: {
          enabledAt: new Date(pow.clock()),
          lastUsedStep: step,
          recoveryCodes: JSON.stringify(codes.map(recoveryCodeHash)),
        },
      });
      if (count !== 1) return { ok: false, reason: 'not-started', errors };
      await announce('two-factor-enabled', user.id);
      return { ok: true, recoveryCodes: codes };
    },

    async disable(user, announce = bare) {
      const { count } = await delegate().deleteMany({ where: { userId: user.id } });
      if (count > 0) await announce('two-factor-disabled', user.id);
      return count > 0;
    },

    async regenerateRecoveryCodes(user, announce = bare) {
      const codes = newRecoveryCodes();
      // One write replaces the whole list: no old code is good after it, none of them twice.
      const { count } = await delegate().updateMany({
        where: { userId: user.id, enabledAt: { not: null } },
        data: { recoveryCodes: JSON.stringify(codes.map(recoveryCodeHash)) },
      });
      if (count !== 1) return null;
      await announce('recovery-codes-regenerated', user.id);
      return codes;
    },

    async verifyCode(userId, input) {
      const row = await enabledRow(userId);
      const code = normalizeTotpCode(input);
      if (!row || code === null || typeof row.secret !== 'string') return 'invalid';
      const step = matchStep(box.open(row.secret, owner(userId)), code, pow.clock());
      if (step === null) return 'invalid';
      // Accepted only if no code of this step (or a later one) was: one conditional write.
      const { count } = await delegate().updateMany({
        where: {
          userId,
          enabledAt: { not: null },
          OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: step } }],
        },
        data: { lastUsedStep: step },
      });
      return count === 1 ? 'ok' : 'reused';
    },

    async verifyRecoveryCode(userId, input, announce = bare) {
      const code = normalizeRecoveryCode(input);
      if (code === null) return false;
      // Two tries: another recovery code used in parallel changes the list under us.
      for (let attempt = 0; attempt < 2; attempt++) {
        const row = await enabledRow(userId);
        if (!row) return false;
        const remaining = useRecoveryCode(parseHashes(row.recoveryCodes), code);
        if (remaining === null) return false;
        const { count } = await delegate().updateMany({
          where: { userId, recoveryCodes: row.recoveryCodes },
          data: { recoveryCodes: JSON.stringify(remaining) },
        });
        if (count === 1) {
          await announce('recovery-code-used', userId, { remaining: String(remaining.length) });
          return true;
        }
      }
      return false;
    },

    async deviceBinding(userId) {
      const row = await delegate().findUnique({
        where: { userId },
        include: { [TWO_FACTOR_CREDENTIAL_RELATION]: { select: { [CREDENTIAL_HASH_FIELD]: true } } },
      });
      if (!row?.enabledAt) return null;
      const credential = row[TWO_FACTOR_CREDENTIAL_RELATION] as Row | null | undefined;
      const hash =
        typeof credential?.[CREDENTIAL_HASH_FIELD] === 'string' ? credential[CREDENTIAL_HASH_FIELD] : '';
      return sha256Hex(`${new Date(row.enabledAt as Date | string).getTime()}:${String(hash)}`);
    },

    async failed(userId, announce = bare, detail) {
      await announce('two-factor-failed', userId, detail);
    },
  };
}
