/**
 * `getLinked` for the Prisma store in one SQL query (issue 18): the record at (namespace, key)
 * and, when its JSON names a string under `link`, the record at (linkedNamespace, that string),
 * by a self-join whose condition reads the link with the provider's JSON function (SQLite
 * `json_extract`, PostgreSQL `->>`, MySQL/MariaDB `JSON_UNQUOTE(JSON_EXTRACT())`). A signed-in
 * request reads its token pointer and session record this way: one round trip, not two.
 *
 * Same results as two `get`s (linked.ts): both rows must be live (`expiresAt` after the store's
 * clock, bound as a parameter so each adapter encodes it as it encodes the column), keys and
 * namespaces must match exactly (MySQL's default collation ignores case), and the second record
 * only counts when the link is a JSON string. Names come from sql-model.ts; the link name is
 * part of the SQL text, so only plain identifiers take this path (pow's is `rk`; `isPlainLink`).
 */
import { checkNamespaceKey } from './shared.js';
import { sqlModel, type SqlModel } from './sql-model.js';

type Row = { an: string; ak: string; av: string; bn: string | null; bk: string | null; bv: string | null };

export type LinkedRead = <A, B>(
  namespace: string,
  key: string,
  link: string,
  linkedNamespace: string,
  now: Date,
) => Promise<[A | null, B | null]>;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** True for a link name this query can carry in its text; any other takes the two reads. */
export function isPlainLink(link: string): boolean {
  return IDENTIFIER.test(link);
}

/**
 * The link's value as text. Not restricted to JSON strings in SQL: a number or an object under
 * the link may find a row, which `read` then discards (only a string link counts), and the
 * shorter statement costs less to prepare on every call (the SQLite adapter caches none).
 */
function linkExpression(sql: SqlModel, value: string, link: string): string {
  if (sql.provider === 'sqlite') return `json_extract(${value}, '$.${link}')`;
  if (sql.provider === 'postgresql') return `(${value}::json ->> '${link}')`;
  return `JSON_UNQUOTE(JSON_EXTRACT(${value}, '$.${link}'))`;
}

function queryText(sql: SqlModel, link: string): string {
  const { table, param: p } = sql;
  const [ns, k, v, exp] = ['namespace', 'key', 'value', 'expiresAt'].map(sql.column);
  // Parameters: 1 linked namespace, 2 now, 3 namespace, 4 key (PostgreSQL reuses $2; the `?`
  // providers get `now` twice, see `args` below).
  const now2 = sql.provider === 'postgresql' ? p(2) : '?';
  return `SELECT a.${ns} AS an, a.${k} AS ak, a.${v} AS av, b.${ns} AS bn, b.${k} AS bk, b.${v} AS bv
FROM ${table} a LEFT JOIN ${table} b
  ON b.${ns} = ${p(1)} AND b.${k} = ${linkExpression(sql, `a.${v}`, link)} AND b.${exp} > ${p(2)}
WHERE a.${ns} = ${p(3)} AND a.${k} = ${p(4)} AND a.${exp} > ${now2}`;
}

/** `null` when the client's provider or model is unknown (the store then reads twice). */
export function sqlLinked(prisma: object, model: string): LinkedRead | null {
  const sql = sqlModel(prisma, model);
  if (!sql) return null;
  const texts = new Map<string, string>();
  const positional = sql.provider !== 'postgresql';

  return async function read<A, B>(
    namespace: string,
    key: string,
    link: string,
    linkedNamespace: string,
    now: Date,
  ): Promise<[A | null, B | null]> {
    if (!IDENTIFIER.test(link)) throw new TypeError('pow store: getLinked link must be a plain field name');
    let text = texts.get(link);
    if (text === undefined) texts.set(link, (text = queryText(sql, link)));
    const args = positional
      ? [linkedNamespace, now, namespace, key, now]
      : [linkedNamespace, now, namespace, key];
    const rows = await sql.raw.$queryRawUnsafe<Row[]>(text, ...args);
    const row = rows[0];
    if (!row || row.ak !== key || row.an !== namespace) return [null, null];
    const first = JSON.parse(row.av) as A;
    const linked =
      first !== null && typeof first === 'object' ? (first as Record<string, unknown>)[link] : undefined;
    if (typeof linked !== 'string') return [first, null];
    checkNamespaceKey(linkedNamespace, linked);
    const found = row.bv !== null && row.bk === linked && row.bn === linkedNamespace;
    return [first, found ? (JSON.parse(row.bv!) as B) : null];
  };
}
