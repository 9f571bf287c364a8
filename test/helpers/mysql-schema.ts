/**
 * What a MariaDB database's tables are, read from information_schema as comparable text: per
 * table its collation, columns (type, null, default, extra), indexes (kind, columns, prefix
 * lengths) and foreign keys (columns, target, actions), every list sorted by name. Prisma's schema
 * engine, which would diff two MySQL schemas, does not run here (WebAssembly, no MySQL), so the
 * MySQL drift checks compare these snapshots. `_prisma_migrations` is left out (history, not schema).
 */
import { MARIADB } from './prisma-test-client.js';

type Row = Record<string, unknown>;

const text = (value: unknown): string =>
  value === null || value === undefined
    ? 'NULL'
    : Buffer.isBuffer(value)
      ? value.toString('utf8')
      : String(value);

/** One line per table, column, index and foreign key of `database`. */
export async function mysqlSchemaSnapshot(database: string): Promise<string[]> {
  const mariadb = await import('mariadb');
  const conn = await mariadb.createConnection({ ...MARIADB, database });
  const query = async (sql: string): Promise<Row[]> => (await conn.query(sql, [database])) as Row[];
  try {
    const tables = await query(
      "SELECT TABLE_NAME AS t, TABLE_COLLATION AS collation FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'",
    );
    const columns = await query(
      'SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def, EXTRA AS extra FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?',
    );
    const indexes = await query(
      'SELECT TABLE_NAME AS t, INDEX_NAME AS name, NON_UNIQUE AS nonUnique, INDEX_TYPE AS kind, SEQ_IN_INDEX AS seq, COLUMN_NAME AS c, SUB_PART AS sub FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX',
    );
    const keys = await query(
      `SELECT k.TABLE_NAME AS t, k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS c, k.REFERENCED_TABLE_NAME AS rt,
              k.REFERENCED_COLUMN_NAME AS rc, r.DELETE_RULE AS del, r.UPDATE_RULE AS upd
         FROM information_schema.KEY_COLUMN_USAGE k
         JOIN information_schema.REFERENTIAL_CONSTRAINTS r
           ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
        WHERE k.TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
        ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
    );
    const skip = (row: Row) => text(row.t) === '_prisma_migrations';
    const lines: string[] = [];
    for (const row of tables.filter((r) => !skip(r)))
      lines.push(`table ${text(row.t)} ${text(row.collation)}`);
    for (const row of columns.filter((r) => !skip(r))) {
      lines.push(
        `column ${text(row.t)}.${text(row.c)} ${text(row.type)} ${row.nullable === 'YES' ? 'NULL' : 'NOT NULL'} default=${text(row.def)} ${text(row.extra)}`.trimEnd(),
      );
    }
    const grouped = new Map<string, string[]>();
    for (const row of indexes.filter((r) => !skip(r))) {
      const key = `index ${text(row.t)}.${text(row.name)} ${Number(row.nonUnique) === 0 ? 'unique' : 'plain'} ${text(row.kind)}`;
      const part =
        row.sub === null || row.sub === undefined ? text(row.c) : `${text(row.c)}(${text(row.sub)})`;
      grouped.set(key, [...(grouped.get(key) ?? []), part]);
    }
    for (const row of keys.filter((r) => !skip(r))) {
      const key = `foreign key ${text(row.t)}.${text(row.name)} -> ${text(row.rt)} on delete ${text(row.del)} on update ${text(row.upd)}`;
      grouped.set(key, [...(grouped.get(key) ?? []), `${text(row.c)}=${text(row.rc)}`]);
    }
    for (const [key, parts] of grouped) lines.push(`${key} (${parts.join(', ')})`);
    return lines.sort();
  } finally {
    await conn.end();
  }
}

/** The lines only one of two snapshots has, marked `-` (only in `a`) and `+` (only in `b`); [] when equal. */
export function snapshotDiff(a: readonly string[], b: readonly string[]): string[] {
  const inB = new Set(b);
  const inA = new Set(a);
  return [
    ...a.filter((l) => !inB.has(l)).map((l) => `- ${l}`),
    ...b.filter((l) => !inA.has(l)).map((l) => `+ ${l}`),
  ];
}
