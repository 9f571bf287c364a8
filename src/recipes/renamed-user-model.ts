/**
 * A user model the team renamed while keeping its table (`model Account { ... @@map("User") }`
 * after pow set up `User`): without this check pow would look for `User`, miss it and add a second
 * model on the same table, and the schema engine would refuse pow's edited schema, a file that is
 * not on disk, with a line number of that file. Instead pow names the rename, the file and line of
 * the renamed model, and the steps that make pow follow it (checked end to end in
 * test/e2e/migration-history.test.ts).
 */
import { parseSchemaFiles, tableNameOf, type ParsedModel, type SchemaTexts } from '../prisma/schema-ast.js';
import { credentialModelName } from '../runtime/core/credentials.js';
import { PowError } from '../shared/pow-error.js';

/** The table the user model had when pow last wrote the schema (its merge base), else its name. */
function previousTable(userModel: string, base: SchemaTexts): string {
  try {
    const model = parseSchemaFiles(base).models.find((m) => m.name === userModel);
    return model ? tableNameOf(model) : userModel;
  } catch {
    return userModel;
  }
}

export function assertUserModelNotRenamed(input: {
  schema: SchemaTexts;
  userModel: string;
  /** pow's last written schema files (`.pow/base/`), where there are any. */
  base: SchemaTexts;
}): void {
  const parsed = parseSchemaFiles(input.schema);
  if (parsed.models.some((m) => m.name === input.userModel)) return;
  const table = previousTable(input.userModel, input.base);
  const renamed: ParsedModel | undefined = parsed.models.find(
    (m) => m.tableName !== null && m.tableName === table,
  );
  if (!renamed) return;
  const oldCredential = credentialModelName(input.userModel);
  const newCredential = credentialModelName(renamed.name);
  throw new PowError({
    code: 'POW_USER_MODEL_RENAMED',
    message: `${renamed.file}:${renamed.line}: model ${renamed.name} keeps the table of the user model ${input.userModel} (@@map("${table}")), which is no longer in the schema: a renamed user model. pow looks for ${input.userModel} and would add a second model on that table.`,
    fix: `Re-run with --user-model ${renamed.name}, after renaming ${oldCredential} to ${newCredential} (keep its table with @@map("${oldCredential}") and point its relation at ${renamed.name}): pow then writes no migration, the tables stay. Or rename ${renamed.name} back to ${input.userModel}.`,
    exitCode: 3,
  });
}
