/**
 * Where pow keeps a user's passkeys: the model `<UserModel>Passkey` (src/prisma/ensure-auth-schema.ts
 * adds it): the credential id (unique), its COSE public key, the signature counter, the transports
 * the browser reported, the label the user gave it, and when it was created and last used. The
 * app's User model gets only the relation list `passkeys` (no column). Every call has the store
 * deadline.
 */
import { PowError } from '../../../shared/pow-error.js';
import { delegateName } from '../../core/users.js';
import { boundedDelegate, createDeadline, type Deadline } from '../../stores/deadline.js';

/** "User" → "UserPasskey", "Admin" → "AdminPasskey". */
export function passkeyModelName(userModel: string): string {
  return `${userModel}Passkey`;
}

/** Relation field on the user model that lists its passkeys. */
export const PASSKEY_RELATION = 'passkeys';

/** Longest credential id pow stores, base64url (the column is VARCHAR(512) on MySQL). */
export const MAX_CREDENTIAL_ID_LENGTH = 512;

/**
 * Largest COSE public key pow stores, in bytes. An RSA-4096 key is about 530; the client builds
 * the key's map, and extra entries made it as large as the request allowed, past the 64 KB of
 * MySQL's TEXT column (the insert failed).
 */
export const MAX_PUBLIC_KEY_BYTES = 2048;

/**
 * The transports pow keeps of a registration: well-formed names, each once, at most eight. The
 * browser sends the list, so its length is the client's to choose; joined, eight names of at most
 * 20 characters fit MySQL's VARCHAR(191) column (a longer list failed the insert there).
 */
export function storedTransports(list: readonly unknown[]): string[] {
  const names = list.filter((t): t is string => typeof t === 'string' && /^[a-z-]{1,20}$/.test(t));
  return [...new Set(names)].slice(0, 8);
}

type Row = Record<string, unknown>;
type UserId = string | number;

interface PasskeyDelegate {
  findFirst(args: { where: Row }): Promise<Row | null>;
  findMany(args: { where: Row; orderBy?: Row }): Promise<Row[]>;
  create(args: { data: Row }): Promise<Row>;
  updateMany(args: { where: Row; data: Row }): Promise<{ count: number }>;
  deleteMany(args: { where: Row }): Promise<{ count: number }>;
}

const METHODS = ['findFirst', 'findMany', 'create', 'updateMany', 'deleteMany'] as const;

/** A stored passkey, as pow's code sees it (the public key stays in the store module's callers). */
export interface StoredPasskey {
  id: string;
  userId: UserId;
  /** base64url, as the browser sends it. */
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  label: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** What a page shows of a passkey: no key material. */
export interface PasskeySummary {
  id: string;
  label: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface NewPasskey {
  userId: UserId;
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  label: string;
}

export interface PasskeyStore {
  byCredentialId(credentialId: string): Promise<StoredPasskey | null>;
  listFor(userId: UserId): Promise<StoredPasskey[]>;
  /** False when the credential id is taken (the unique index decides races). */
  create(passkey: NewPasskey): Promise<StoredPasskey | false>;
  /**
   * Moves the counter from `expected` to `next` and stamps the use; false when another sign-in
   * with the same counter got there first (a replayed or cloned assertion).
   */
  recordUse(id: string, expected: number, next: number, at: Date): Promise<boolean>;
  /** Removes the user's passkey `id`; false when the user has none with that id. */
  remove(userId: UserId, id: string): Promise<boolean>;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'P2002';
}

function toPasskey(row: Row): StoredPasskey {
  const transports = typeof row.transports === 'string' && row.transports !== '' ? row.transports : '';
  return {
    id: String(row.id),
    userId: row.userId as UserId,
    credentialId: String(row.credentialId),
    publicKey: new Uint8Array(Buffer.from(String(row.publicKey), 'base64url')),
    // BigInt column (a signature counter is an unsigned 32-bit number).
    counter: Number(row.counter ?? 0),
    transports: transports === '' ? [] : transports.split(','),
    label: String(row.label ?? ''),
    createdAt: row.createdAt as Date,
    lastUsedAt: (row.lastUsedAt as Date | null | undefined) ?? null,
  };
}

export function createPasskeyStore(
  prisma: unknown,
  userModel: string,
  deadline: Deadline = createDeadline(),
): PasskeyStore {
  const model = passkeyModelName(userModel);
  const raw = (prisma as Record<string, unknown> | null)?.[delegateName(model)] as
    PasskeyDelegate | undefined;
  if (!raw || METHODS.some((m) => typeof raw[m] !== 'function')) {
    throw new PowError({
      code: 'POW_PASSKEY_MODEL_MISSING',
      message: `The Prisma client has no model ${model}: pow keeps the passkeys of ${userModel} there.`,
      fix: 'Run `npx pow install --extension passkeys`, then `npx pow migrate` and `npx prisma generate`.',
    });
  }
  const passkeys = boundedDelegate(raw, METHODS, deadline);

  return {
    async byCredentialId(credentialId) {
      const row = await passkeys.findFirst({ where: { credentialId } });
      return row ? toPasskey(row) : null;
    },
    async listFor(userId) {
      const rows = await passkeys.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } });
      return rows.map(toPasskey);
    },
    async create(passkey) {
      try {
        const row = await passkeys.create({
          data: {
            userId: passkey.userId,
            credentialId: passkey.credentialId,
            publicKey: Buffer.from(passkey.publicKey).toString('base64url'),
            counter: BigInt(passkey.counter),
            transports: passkey.transports.join(','),
            label: passkey.label,
          },
        });
        return toPasskey(row);
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
    async recordUse(id, expected, next, at) {
      const { count } = await passkeys.updateMany({
        where: { id, counter: BigInt(expected) },
        data: { counter: BigInt(next), lastUsedAt: at },
      });
      return count === 1;
    },
    async remove(userId, id) {
      const { count } = await passkeys.deleteMany({ where: { id, userId } });
      return count > 0;
    },
  };
}
