/**
 * Which model holds the app's users when the team did not name one (`--user-model`): pow's default
 * name `User`, else the one model that is plainly the users' table under another spelling: a
 * model named `user`/`users` in any case (`model user { ... }`, delegate `prisma.user`), or one
 * mapped to such a table (`@@map("users")`). Adding a second `User` next to an app's `user` would
 * give the generated client two models with one delegate name, and the app would not start.
 */
import { PowError } from '../shared/pow-error.js';

/** The name pow uses (and creates) when the schema has no users model. */
export const DEFAULT_USER_MODEL = 'User';

export interface ModelName {
  name: string;
  /** The `@@map` table name, or null. */
  tableName: string | null;
}

const USERS = new Set(['user', 'users']);

/**
 * The users model of `models`: `User` when it exists, else the single model named or mapped like
 * "user"/"users" (case-insensitive), else `User` (pow creates it). Several candidates: a PowError
 * asking for `--user-model`.
 */
export function detectUserModel(models: readonly ModelName[]): string {
  if (models.some((m) => m.name === DEFAULT_USER_MODEL)) return DEFAULT_USER_MODEL;
  const candidates = models.filter(
    (m) => USERS.has(m.name.toLowerCase()) || (m.tableName !== null && USERS.has(m.tableName.toLowerCase())),
  );
  if (candidates.length === 1) return candidates[0].name;
  if (candidates.length === 0) return DEFAULT_USER_MODEL;
  const names = candidates.map((m) => (m.tableName ? `${m.name} (table ${m.tableName})` : m.name));
  throw new PowError({
    code: 'POW_USER_MODEL_AMBIGUOUS',
    message: `Several models could hold the users: ${names.join(', ')}; pow will not guess which one.`,
    fix: `Name it: pow install --user-model ${candidates[0].name} (or --user-model <Model> for another one).`,
    exitCode: 2,
  });
}
