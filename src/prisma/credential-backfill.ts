/**
 * The data step of an upgrade: projects where pow (before credentials had their own table) kept the
 * password hash in `User.passwordHash` get, in the migration that creates `UserCredential`, an
 * `INSERT ... SELECT` that copies every stored hash there, so nobody has to reset a password.
 *
 * The schema steps of that migration are Prisma's (schema engine diff or pow's MySQL renderer);
 * this step is appended after them, like custom SQL a team adds to a `migrate dev --create-only`
 * migration. Once copied, the old hashes are cleared (`UPDATE ... SET passwordHash = NULL`) in the
 * same step: the column is pow's own and no longer read, and until the team drops it every whole
 * `User` row the app returns would still carry a hash. The column itself stays (pow never drops a
 * column; the install report and `pow status` say it can be dropped). Earlier pow versions added
 * it as `passwordHash String?`; a required `passwordHash` is not one pow wrote (the app's own
 * auth), so its values are copied but never cleared.
 */
import type { PrismaProvider } from '../inspect/project-info.js';
import {
  CREDENTIAL_HASH_FIELD,
  CREDENTIAL_USER_ID_FIELD,
  LEGACY_HASH_FIELD,
  credentialModelName,
} from '../runtime/core/credentials.js';
import {
  columnName,
  fieldAttribute,
  findModel,
  tableNameOf,
  type ParsedModel,
  type ParsedSchema,
} from './schema-ast.js';

function quote(provider: PrismaProvider, name: string): string {
  return provider === 'mysql' ? `\`${name.replace(/`/g, '``')}\`` : `"${name.replace(/"/g, '""')}"`;
}

function column(model: ParsedModel, field: string): string | null {
  const found = model.fields.find((f) => f.name === field);
  return found ? columnName(found) : null;
}

/**
 * `-- CopyPasswordHashes` steps (copy, then clear the old column) for every credential model that `after` adds for a user model whose
 * `before` version has a `passwordHash String` column; "" when there is none.
 */
export function credentialBackfillSql(
  provider: PrismaProvider,
  before: ParsedSchema,
  after: ParsedSchema,
): string {
  const q = (name: string) => quote(provider, name);
  const now = provider === 'mysql' ? 'CURRENT_TIMESTAMP(3)' : 'CURRENT_TIMESTAMP';
  const steps: string[] = [];
  for (const user of before.models) {
    const legacy = user.fields.find((f) => f.name === LEGACY_HASH_FIELD);
    if (!legacy || legacy.type !== 'String' || legacy.list) continue;
    const name = credentialModelName(user.name);
    const credential = findModel(after, name);
    if (!credential || findModel(before, name)) continue;
    const id = user.fields.find((f) => fieldAttribute(f, 'id'));
    const userIdColumn = column(credential, CREDENTIAL_USER_ID_FIELD);
    const hashColumn = column(credential, CREDENTIAL_HASH_FIELD);
    const updatedAtColumn = column(credential, 'updatedAt');
    if (!id || !userIdColumn || !hashColumn) continue;
    const userTable = q(tableNameOf(user));
    const hash = q(columnName(legacy));
    const targets = [userIdColumn, hashColumn, ...(updatedAtColumn ? [updatedAtColumn] : [])].map(q);
    const values = [q(columnName(id)), hash, ...(updatedAtColumn ? [now] : [])];
    const clear = legacy.optional
      ? `UPDATE ${userTable} SET ${hash} = NULL WHERE ${hash} IS NOT NULL;\n`
      : '';
    steps.push(
      // No ";" in the comment: driver adapters split a script into statements at every ";".
      `-- CopyPasswordHashes (pow keeps the hashes in ${name} now, ${user.name}.${LEGACY_HASH_FIELD} is no longer read${clear ? ', its copies are cleared,' : ''} and can be dropped)\n` +
        `INSERT INTO ${q(tableNameOf(credential))} (${targets.join(', ')}) ` +
        `SELECT ${values.join(', ')} FROM ${userTable} WHERE ${hash} IS NOT NULL;\n` +
        clear,
    );
  }
  return steps.join('\n');
}
