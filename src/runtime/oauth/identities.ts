/**
 * Where pow keeps which provider identity belongs to which user: the model `<UserModel>Identity`
 * (`provider`, `providerUserId`: the provider's stable user id, the OIDC `sub`; the user; when it
 * was linked), unique on provider + provider user id. No token of the provider is stored. Every
 * call has the store deadline.
 */
import { createDeadline, boundedDelegate, type Deadline } from '../stores/deadline.js';
import { delegateName } from '../core/users.js';
import { PowError } from '../../shared/pow-error.js';
import type { ProviderProfile } from './authorization.js';
import { mayUnlink } from './account-rules.js';

/** "User" → "UserIdentity", "Admin" → "AdminIdentity". */
export function identityModelName(userModel: string): string {
  return `${userModel}Identity`;
}

/** Relation field on the user model that lists its identities. */
export const IDENTITY_RELATION = 'identities';

/** Column of the provider's stable user id (OIDC `sub`, GitHub's numeric id). */
export const PROVIDER_USER_ID = 'providerUserId';

type Row = Record<string, unknown>;
type UserId = string | number;

interface IdentityDelegate {
  findFirst(args: { where: Row; select?: Row }): Promise<Row | null>;
  findMany(args: { where: Row; orderBy?: Row; select?: Row }): Promise<Row[]>;
  create(args: { data: Row }): Promise<Row>;
  deleteMany(args: { where: Row }): Promise<{ count: number }>;
  count(args: { where: Row }): Promise<number>;
}

const METHODS = ['findFirst', 'findMany', 'create', 'deleteMany', 'count'] as const;

export interface LinkedIdentity {
  provider: string;
  subject: string;
  linkedAt: Date;
}

export type LinkResult = { ok: true } | { ok: false; reason: 'identity_taken' };
export type UnlinkResult = { ok: true } | { ok: false; reason: 'last_sign_in_method' | 'not_linked' };

export interface IdentityStore {
  /** The user the identity is linked to, or null. */
  ownerOf(provider: string, subject: string): Promise<UserId | null>;
  listFor(userId: UserId): Promise<LinkedIdentity[]>;
  /** Links; refused when the identity already belongs to someone (the unique index decides races). */
  link(userId: UserId, profile: Pick<ProviderProfile, 'provider' | 'subject'>): Promise<LinkResult>;
  /** Unlinks the user's identity at `provider`, unless it is the last way to sign in. */
  unlink(userId: UserId, provider: string, hasPassword: boolean): Promise<UnlinkResult>;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'P2002';
}

export function createIdentityStore(
  prisma: unknown,
  userModel: string,
  deadline: Deadline = createDeadline(),
): IdentityStore {
  const model = identityModelName(userModel);
  const raw = (prisma as Record<string, unknown> | null)?.[delegateName(model)] as
    IdentityDelegate | undefined;
  if (!raw || METHODS.some((m) => typeof raw[m] !== 'function')) {
    throw new PowError({
      code: 'POW_IDENTITY_MODEL_MISSING',
      message: `The Prisma client has no model ${model}: pow keeps the provider identities of ${userModel} there.`,
      fix: 'Run `npx pow install --extension oauth`, then `npx pow migrate` and `npx prisma generate`.',
    });
  }
  const identities = boundedDelegate(raw, METHODS, deadline);

  return {
    async ownerOf(provider, subject) {
      const row = await identities.findFirst({
        where: { provider, [PROVIDER_USER_ID]: subject },
        select: { userId: true },
      });
      return (row?.userId as UserId | undefined) ?? null;
    },
    async listFor(userId) {
      const rows = await identities.findMany({
        where: { userId },
        orderBy: { createdAt: 'asc' },
        select: { provider: true, [PROVIDER_USER_ID]: true, createdAt: true },
      });
      return rows.map((r) => ({
        provider: r.provider as string,
        subject: r[PROVIDER_USER_ID] as string,
        linkedAt: r.createdAt as Date,
      }));
    },
    async link(userId, profile) {
      try {
        await identities.create({
          data: { provider: profile.provider, [PROVIDER_USER_ID]: profile.subject, userId },
        });
        return { ok: true };
      } catch (error) {
        if (isUniqueViolation(error)) return { ok: false, reason: 'identity_taken' };
        throw error;
      }
    },
    async unlink(userId, provider, hasPassword) {
      const mine = await identities.findMany({
        where: { userId },
        select: { provider: true, [PROVIDER_USER_ID]: true, createdAt: true },
      });
      const gone = mine.filter((r) => r.provider === provider);
      if (gone.length === 0) return { ok: false, reason: 'not_linked' };
      if (!mayUnlink({ hasPassword, identities: mine.length }))
        return { ok: false, reason: 'last_sign_in_method' };
      await identities.deleteMany({ where: { userId, provider } });
      // Two parallel unlinks of a user's last two identities would each see the other one: check
      // what is left and put this one back when nothing is (without a password, the account
      // would have no way in). Both then answer "last way to sign in"; neither is lost.
      if (!hasPassword && (await identities.count({ where: { userId } })) === 0) {
        for (const row of gone) {
          await identities
            .create({
              data: {
                provider: row.provider,
                [PROVIDER_USER_ID]: row[PROVIDER_USER_ID],
                userId,
                createdAt: row.createdAt,
              },
            })
            .catch((error: unknown) => {
              if (!isUniqueViolation(error)) throw error;
            });
        }
        return { ok: false, reason: 'last_sign_in_method' };
      }
      return { ok: true };
    },
  };
}
