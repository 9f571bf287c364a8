/**
 * Atomic counters for the Prisma store in one SQL statement each, so 200 parallel sign-in
 * attempts get 200 distinct counts without retries: an upsert that either inserts 1, restarts an
 * expired window at 1, or adds 1, and returns the new value (PostgreSQL and SQLite
 * `ON CONFLICT … DO UPDATE … RETURNING`, MariaDB `ON DUPLICATE KEY UPDATE … RETURNING`).
 *
 * Prisma's model API cannot add to a String column, hence raw SQL (names from sql-model.ts). A
 * client whose provider or data model is not known there gets `null`, and the store keeps its
 * compare-and-set loop.
 */

import { sqlModel } from './sql-model.js';

export interface SqlCounter {
  increment(namespace: string, key: string, now: Date, expiresAt: Date): Promise<number>;
  decrement(namespace: string, key: string): Promise<void>;
}

export function sqlCounter(prisma: object, model: string): SqlCounter | null {
  const sql = sqlModel(prisma, model);
  if (!sql) return null;
  const { provider, raw, table, param: p } = sql;
  const [ns, k, v, exp] = ['namespace', 'key', 'value', 'expiresAt'].map(sql.column);

  let incrementSql: string;
  let incrementArgs: (namespace: string, key: string, now: Date, expiresAt: Date) => unknown[];
  let decrementSql: string;
  if (provider === 'postgresql') {
    const current = `${table}.${v}`;
    const expired = `${table}.${exp} <= ${p(4)}`;
    incrementSql = `INSERT INTO ${table} (${ns}, ${k}, ${v}, ${exp}) VALUES (${p(1)}, ${p(2)}, '1', ${p(3)})
ON CONFLICT (${ns}, ${k}) DO UPDATE SET
  ${v} = CASE WHEN ${expired} OR ${current} !~ '^[0-9]{1,15}$' THEN '1' ELSE (CAST(${current} AS BIGINT) + 1)::text END,
  ${exp} = CASE WHEN ${expired} THEN EXCLUDED.${exp} ELSE ${table}.${exp} END
RETURNING ${v} AS value`;
    incrementArgs = (namespace, key, now, expiresAt) => [namespace, key, expiresAt, now];
    decrementSql = `UPDATE ${table} SET ${v} = (CAST(${v} AS BIGINT) - 1)::text
WHERE ${ns} = $1 AND ${k} = $2 AND ${v} ~ '^[0-9]{1,15}$' AND ${v} <> '0'`;
  } else if (provider === 'sqlite') {
    const current = `${table}.${v}`;
    const expired = `${table}.${exp} <= ?`;
    incrementSql = `INSERT INTO ${table} (${ns}, ${k}, ${v}, ${exp}) VALUES (?, ?, '1', ?)
ON CONFLICT (${ns}, ${k}) DO UPDATE SET
  ${v} = CASE WHEN ${expired} OR CAST(${current} AS INTEGER) < 1 THEN '1' ELSE CAST(CAST(${current} AS INTEGER) + 1 AS TEXT) END,
  ${exp} = CASE WHEN ${expired} THEN excluded.${exp} ELSE ${table}.${exp} END
RETURNING ${v} AS value`;
    incrementArgs = (namespace, key, now, expiresAt) => [namespace, key, expiresAt, now, now];
    decrementSql = `UPDATE ${table} SET ${v} = CAST(CAST(${v} AS INTEGER) - 1 AS TEXT)
WHERE ${ns} = ? AND ${k} = ? AND CAST(${v} AS INTEGER) > 0`;
  } else {
    // MariaDB evaluates the assignments left to right: `value` is decided on the old `expiresAt`.
    const expired = `${exp} <= ?`;
    incrementSql = `INSERT INTO ${table} (${ns}, ${k}, ${v}, ${exp}) VALUES (?, ?, '1', ?)
ON DUPLICATE KEY UPDATE
  ${v} = IF(${expired} OR ${v} NOT REGEXP '^[0-9]{1,15}$', '1', CAST(CAST(${v} AS UNSIGNED) + 1 AS CHAR)),
  ${exp} = IF(${expired}, VALUES(${exp}), ${exp})
RETURNING ${v} AS value`;
    incrementArgs = (namespace, key, now, expiresAt) => [namespace, key, expiresAt, now, now];
    decrementSql = `UPDATE ${table} SET ${v} = CAST(CAST(${v} AS UNSIGNED) - 1 AS CHAR)
WHERE ${ns} = ? AND ${k} = ? AND ${v} REGEXP '^[0-9]{1,15}$' AND ${v} <> '0'`;
  }

  return {
    async increment(namespace, key, now, expiresAt) {
      const rows = await raw.$queryRawUnsafe<Array<{ value: unknown }>>(
        incrementSql,
        ...incrementArgs(namespace, key, now, expiresAt),
      );
      const n = Number(rows[0]?.value);
      if (!Number.isSafeInteger(n) || n < 1)
        throw new Error(`pow prismaStore: counter ${namespace}/${key} read back ${String(rows[0]?.value)}`);
      return n;
    },
    async decrement(namespace, key) {
      await raw.$executeRawUnsafe(decrementSql, namespace, key);
    },
  };
}
