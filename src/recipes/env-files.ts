/**
 * The environment files `pow install` touches, without ever overwriting what the team has:
 *
 * - `.env` (development): the keys pow's generated code reads are appended when missing, with
 *   working values: a new random POW_SECRET, POW_BASE_URL at the app's own port, DATABASE_URL only
 *   when `.env` lacks it and its value is known (the app's `.env.example`, or SQLite's
 *   `file:./dev.db`). A missing `.env` is created, and added to `.gitignore` when no rule hides it.
 *   An existing `.env` that git does not ignore may be committed, so it gets no secret; with
 *   NODE_ENV=production pow leaves `.env` alone.
 * - `.env.example`: the same keys as placeholders, unless the app's `.gitignore` hides that file
 *   (then the note says so and where the keys are).
 *
 * Every key is its own idempotent patch (`.env:POW_SECRET`), so a key the team removed on purpose
 * is reported, not re-added, and a second run writes nothing.
 */
import { randomBytes } from 'node:crypto';
import type { GenerateContext } from '../generate/index.js';
import type { PrismaProvider } from '../inspect/project-info.js';
import { parseDotenv } from '../commands/migrate.js';
import { SECRET_COMMAND } from '../shared/secret-command.js';
import { rootFileIgnored } from './gitignore.js';
import { ensureEnvKeys, ensureGitignoreLine, hasEnvKey, type EnvKey } from './project-files.js';
import type { TemplateContext } from './template-context.js';

export interface EnvFilesInput {
  it: TemplateContext;
  /** The Prisma provider and its URL variable, when the app has a schema. */
  provider: PrismaProvider | null;
  /** The environment pow runs in (NODE_ENV, variables already set in the shell). */
  env: Record<string, string | undefined>;
  /** A new secret (tests pass a fixed one). */
  newSecret?: () => string;
}

export interface EnvFilesResult {
  /** Keys `.env` has or gets for pow (so the next steps need not ask for them). */
  inDotEnv: string[];
  /** Why `.env` got no POW_SECRET, or null when it has one. */
  secretMissing: string | null;
}

/** A variable of the generated code: its placeholder for `.env.example`, its value for `.env`. */
interface Variable {
  key: string;
  comment: string[];
  example: string;
  /** The working value for `.env`, or null when pow cannot know one. */
  value: string | null;
}

function variables(input: EnvFilesInput, exampleText: string | null): Variable[] {
  const { it } = input;
  const list: Variable[] = [
    {
      key: it.env.secret,
      comment: [
        `pow signs session cookies and tokens with ${it.env.secret}: 32+ random characters, never committed.`,
        `Generate one with: ${SECRET_COMMAND}`,
      ],
      example: '',
      value: (input.newSecret ?? (() => randomBytes(48).toString('base64url')))(),
    },
    {
      key: it.env.baseUrl,
      comment: ['Origin of links in e-mails pow sends.'],
      example: it.server.devBaseUrl,
      value: it.server.devBaseUrl,
    },
  ];
  if (it.has.twoFactor) {
    list.push({
      key: it.env.twoFactorKey,
      comment: [
        `pow encrypts the TOTP secrets of two-factor authentication with ${it.env.twoFactorKey}: 32+ random`,
        'characters, never committed, kept apart from database backups. Changing it makes the stored',
        `secrets unreadable. Generate one with: ${SECRET_COMMAND}`,
      ],
      example: '',
      value: (input.newSecret ?? (() => randomBytes(48).toString('base64url')))(),
    });
  }
  if (it.store === 'redis') {
    list.push({
      key: it.env.redisUrl,
      comment: [
        'Redis for pow sessions, e.g. redis://localhost:6379; for a Redis Cluster, the URL of one',
        'of its nodes, or several separated by commas.',
      ],
      example: '',
      value: 'redis://localhost:6379',
    });
  }
  // The database URL: only for .env and only a value pow knows. Not decided by the shell's
  // environment (which wins over .env anyway): the plan must be the same on every re-run.
  const urlVar = it.env.databaseUrl;
  if (input.provider !== null) {
    const known =
      parseDotenv(exampleText ?? '')[urlVar] || (input.provider === 'sqlite' ? 'file:./dev.db' : null);
    if (known)
      list.push({ key: urlVar, comment: ['The database of the app (Prisma).'], example: '', value: known });
  }
  return list;
}

const asEnvKey = (variable: Variable, value: string): EnvKey => ({
  key: variable.key,
  value,
  comment: variable.comment,
});

export function addEnvFiles(ctx: GenerateContext, input: EnvFilesInput): EnvFilesResult {
  const gitignore = ctx.tree.read('.gitignore');
  const exampleText = ctx.tree.read('.env.example');
  const vars = variables(input, exampleText);
  const urlVar = input.it.env.databaseUrl;

  const example = rootFileIgnored(gitignore, '.env.example');
  if (example.ignored) {
    ctx.note(
      `.env.example: not written, .gitignore hides it (rule "${example.rule}"); the variables pow reads are ${vars
        .filter((v) => v.key !== urlVar)
        .map((v) => v.key)
        .join(', ')} (see .env and docs/getting-started.md)`,
    );
  } else {
    for (const v of vars) {
      if (v.key === urlVar) continue;
      ctx.patch('.env.example', `.env.example:${v.key}`, ensureEnvKeys([asEnvKey(v, v.example)]));
    }
  }

  if (input.env.NODE_ENV === 'production') {
    return { inDotEnv: [], secretMissing: 'NODE_ENV is "production", so pow wrote no .env' };
  }
  const existing = ctx.tree.read('.env');
  const envIgnored = rootFileIgnored(gitignore, '.env').ignored;
  // A .env that git does not ignore may be committed: no secret goes there.
  const secretAllowed = existing === null || envIgnored;
  const inDotEnv: string[] = [];
  for (const v of vars) {
    if (existing !== null && hasEnvKey(existing, v.key)) {
      inDotEnv.push(v.key);
      continue;
    }
    const secretKey = v.key === input.it.env.secret || v.key === input.it.env.twoFactorKey;
    if (v.value === null || (secretKey && !secretAllowed)) continue;
    const record = ctx.patch('.env', `.env:${v.key}`, ensureEnvKeys([asEnvKey(v, v.value)]));
    if (record.status !== 'not-applicable' && record.status !== 'removed-by-team') inDotEnv.push(v.key);
  }
  if (existing === null && !envIgnored) {
    ctx.patch('.gitignore', '.gitignore:.env', ensureGitignoreLine('.env'));
  }
  return {
    inDotEnv,
    secretMissing: inDotEnv.includes(input.it.env.secret)
      ? null
      : secretAllowed
        ? '.env has no POW_SECRET'
        : '.env is not ignored by git (it may be committed), so pow wrote no secret into it',
  };
}
