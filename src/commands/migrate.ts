import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_USER_MODEL } from '../inspect/detect-user-model.js';
import type { CommandModule } from './index.js';
import { PowError } from '../shared/pow-error.js';
import { createProgress } from '../cli/progress.js';

const EXAMPLE_URLS: Record<string, string> = {
  sqlite: 'file:./dev.db',
  postgresql: 'postgresql://user@localhost:5432/app',
  mysql: 'mysql://user@localhost:3306/app',
};

interface MigrateFlags {
  cwd?: string;
  url?: string;
  json?: boolean;
}

/**
 * Reads `KEY=value` lines of a dotenv file: `export` prefixes, comments, blank lines and single or
 * double quotes are understood (double-quoted values get \n escapes). No interpolation.
 */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim().replace(/^export\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) continue;
    let value = line.slice(eq + 1).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.indexOf(quote, 1) > 0) {
      value = value.slice(1, value.indexOf(quote, 1));
      if (quote === '"') value = value.replace(/\\n/g, '\n');
    } else {
      const hash = value.indexOf(' #');
      if (hash >= 0) value = value.slice(0, hash).trimEnd();
    }
    out[key] = value;
  }
  return out;
}

/** The database URL: --url, else the variable from the environment, else from the project's .env. */
export function resolveDatabaseUrl(
  root: string,
  envVar: string,
  env: Record<string, string | undefined>,
  explicit?: string,
): { url: string; source: string } | null {
  if (explicit !== undefined && explicit !== '') return { url: explicit, source: '--url' };
  const fromEnv = env[envVar];
  if (fromEnv !== undefined && fromEnv !== '')
    return { url: fromEnv, source: `${envVar} from the environment` };
  let text: string;
  try {
    text = readFileSync(join(root, '.env'), 'utf8');
  } catch {
    return null;
  }
  const value = parseDotenv(text)[envVar];
  return value ? { url: value, source: `${envVar} from .env` } : null;
}

/** `pow migrate`: applies pending migrations (like `prisma migrate deploy`, without the native engine). */
export const command: CommandModule = {
  name: 'migrate',
  register(program, ctx) {
    program
      .command('migrate')
      .description(
        "apply pending migrations from the project's migrations folder (like prisma migrate deploy)",
      )
      .option('--cwd <dir>', 'project directory (default: the current directory)')
      .option(
        '--url <url>',
        "database URL (default: the schema's URL variable, from the environment or .env)",
      )
      .option('--json', 'print the result as JSON only')
      .action(async (flags: MigrateFlags) => {
        const root = ctx.openProject(flags.cwd);
        const [{ inspectProject }, { migrate }, { redactUrl }] = await Promise.all([
          import('../inspect/inspect-project.js'),
          import('../prisma/migrate.js'),
          import('../prisma/schema-engine.js'),
        ]);
        // Migrations do not depend on which model holds the users: no detection (it can refuse).
        const project = await inspectProject(root, { userModel: DEFAULT_USER_MODEL });
        const prisma = project.prisma;
        if (prisma === null) {
          throw new PowError({
            code: 'POW_PRISMA_NOT_FOUND',
            message: 'No Prisma schema found, so there are no migrations to apply.',
            fix: 'Run pow migrate in the folder of your app (or pass --cwd).',
          });
        }
        const envVar = prisma.urlEnvVar ?? 'DATABASE_URL';
        const resolved = resolveDatabaseUrl(root, envVar, ctx.io.env, flags.url);
        if (resolved === null) {
          throw new PowError({
            code: 'POW_DATABASE_URL_MISSING',
            message: `No database URL: ${envVar} is not set in the environment nor in .env.`,
            fix: `Set ${envVar} (e.g. in .env: ${envVar}="${EXAMPLE_URLS[prisma.provider] ?? EXAMPLE_URLS.postgresql}"), or pass --url.`,
            exitCode: 2,
          });
        }
        let result: Awaited<ReturnType<typeof migrate>>;
        // A spinner on stderr, on an interactive terminal only (src/cli/progress.ts).
        const progress = createProgress(ctx.io, flags.json ? { enabled: false } : {});
        try {
          result = await progress.run(`Applying migrations from ${prisma.migrationsDir}`, () =>
            migrate({ root, prismaInfo: prisma, url: resolved.url }),
          );
        } catch (error) {
          throw notBaselined(error, prisma.migrationsDir) ?? error;
        }
        const via =
          result.path === 'schema-engine' ? "Prisma's WebAssembly schema engine" : "pow's MySQL runner";
        // file: URLs carry no credentials, and redactUrl would turn "file:./dev.db" into an absolute-looking URL.
        const shown = resolved.url.startsWith('file:') ? resolved.url : redactUrl(resolved.url);
        if (flags.json) {
          ctx.out.json({
            database: shown,
            migrationsDir: prisma.migrationsDir,
            applied: result.applied,
            upToDate: result.applied.length === 0,
            path: result.path,
          });
          return;
        }
        ctx.out.line(`Database: ${shown} (${resolved.source})`);
        if (result.applied.length === 0) {
          ctx.out.line(`Database is already up to date: no pending migrations in ${prisma.migrationsDir}.`);
          return;
        }
        const count = result.applied.length;
        ctx.out.line(
          `Applied ${count} migration${count === 1 ? '' : 's'} from ${prisma.migrationsDir} (via ${via}):`,
        );
        for (const name of result.applied) ctx.out.line(`  ${name}`);
      });
  },
};

/**
 * Prisma's P3005 ("The database schema is not empty"): tables exist but `_prisma_migrations` does
 * not, so applying the history from the start would clash. Said in pow's words, with the fix.
 */
function notBaselined(error: unknown, migrationsDir: string): PowError | null {
  const message = error instanceof Error ? error.message : '';
  if (!/database schema is not empty/i.test(message)) return null;
  return new PowError({
    code: 'POW_DATABASE_NOT_BASELINED',
    message:
      'The database already has tables but no migration history (no _prisma_migrations table; set up with `prisma db push` or by hand?), so pow migrate, like `prisma migrate deploy`, applies nothing to it.',
    fix: `Baseline it once: mark each migration in ${migrationsDir} that the database already reflects as applied with \`npx prisma migrate resolve --applied <name>\` (see https://pris.ly/d/migrate-baseline), then run pow migrate again.`,
    cause: error,
  });
}
