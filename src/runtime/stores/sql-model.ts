/**
 * Where the Prisma store's model lives in SQL, for the statements the model API cannot express
 * (sql-counter.ts, sql-linked.ts): the provider, the raw-query methods, and the quoted table and
 * column names from the client's own data model (`@@map`/`@map` are honoured). `null` for a client
 * whose provider or data model is not known here; the store then keeps to the model API.
 */

export type SqlProvider = 'postgresql' | 'mysql' | 'sqlite';

export type Raw = {
  $queryRawUnsafe<T = unknown>(sql: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(sql: string, ...values: unknown[]): Promise<number>;
};

interface ModelInfo {
  dbName?: string | null;
  fields?: Array<{ name: string; dbName?: string | null }>;
}

export interface SqlModel {
  provider: SqlProvider;
  raw: Raw;
  /** The quoted table name. */
  table: string;
  /** The quoted column of a model field. */
  column(field: string): string;
  /** The n-th (1-based) bind parameter's placeholder. */
  param(n: number): string;
}

export function sqlModel(prisma: object, model: string): SqlModel | null {
  const client = prisma as Partial<Raw> & {
    _activeProvider?: unknown;
    _runtimeDataModel?: { models?: Record<string, ModelInfo> };
  };
  if (typeof client.$queryRawUnsafe !== 'function' || typeof client.$executeRawUnsafe !== 'function')
    return null;
  const info = client._runtimeDataModel?.models?.[model];
  const provider = client._activeProvider;
  if (!info || (provider !== 'postgresql' && provider !== 'mysql' && provider !== 'sqlite')) return null;
  const q = (name: string) =>
    provider === 'mysql' ? `\`${name.replace(/`/g, '``')}\`` : `"${name.replace(/"/g, '""')}"`;
  return {
    provider,
    raw: client as Raw,
    table: q(info.dbName ?? model),
    column: (field) => q(info.fields?.find((f) => f.name === field)?.dbName ?? field),
    param: (n) => (provider === 'postgresql' ? `$${n}` : '?'),
  };
}
