import { parseDotenv, resolveDatabaseUrl } from '../prisma/database-url.js';
import { rememberMigrateFacts, shownUrl, upToDateLine } from '../cli/migrate-fast-path.js';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { PrismaInfo } from '../inspect/project-info.js';
import type { InitMigrationPlan } from '../prisma/init-migration.js';
import type { SchemaTexts } from '../prisma/schema-ast.js';
import { DEFAULT_USER_MODEL } from '../inspect/detect-user-model.js';
import type { CommandModule } from './index.js';
import type { CommandContext } from '../cli/context.js';
import { clockFrom } from './install.js';
import { PowError } from '../shared/pow-error.js';
import { createProgress } from '../cli/progress.js';
import { canPrompt } from '../cli/prompting.js';

/** Asks before recording the first migration as applied without running it. */
async function confirmBaseline(migrationsDir: string): Promise<boolean> {
  const prompts = (await import('prompts')).default;
  const answer = (await prompts({
    type: 'confirm',
    name: 'value',
    message: `The database has tables but no migration history. Record the first migration of ${migrationsDir} as applied (it built those tables), then apply the rest?`,
    initial: false,
  })) as { value?: boolean };
  return answer.value === true;
}

const EXAMPLE_URLS: Record<string, string> = {
  sqlite: 'file:./dev.db',
  postgresql: 'postgresql://user@localhost:5432/app',
  mysql: 'mysql://user@localhost:3306/app',
};

interface MigrateFlags {
  baseline?: boolean;
  init?: boolean;
  cwd?: string;
  url?: string;
  json?: boolean;
}

// Where the database URL comes from lives with the other URL facts (the fast path reads it too).
export { parseDotenv, resolveDatabaseUrl };

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
      .option(
        '--baseline',
        'a database with the tables but no migration history (`prisma db push`): record the first migration as applied, then apply the rest',
      )
      .option(
        '--init',
        "no migration history of the app's own models: write the init migration first (from the schema on an empty database; from the database's tables, recorded as applied, on one set up with `prisma db push`)",
      )
      .option('--json', 'print the result as JSON only')
      .action(async (flags: MigrateFlags) => {
        const root = ctx.openProject(flags.cwd);
        const [{ inspectProject }, { migrate }] = await Promise.all([
          import('../inspect/inspect-project.js'),
          import('../prisma/migrate.js'),
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
            // 1, not 2: the command line was right; the project lacks a setting (README, Exit codes).
          });
        }
        const init = await ensureInitMigration(ctx, root, prisma, resolved.url, flags);
        let result: Awaited<ReturnType<typeof migrate>>;
        // A spinner on stderr, on an interactive terminal only (src/cli/progress.ts).
        const progress = createProgress(ctx.io, flags.json ? { enabled: false } : {});
        const run = () =>
          progress.run(`Applying migrations from ${prisma.migrationsDir}`, () =>
            migrate({ root, prismaInfo: prisma, url: resolved.url }),
          );
        let baselined: string | null = init?.kind === 'baseline' ? init.name : null;
        try {
          result = await run();
        } catch (error) {
          const refused = notBaselined(error, prisma.migrationsDir);
          if (!refused) throw error;
          const wanted =
            flags.baseline ||
            (canPrompt(ctx, { json: flags.json }) && (await confirmBaseline(prisma.migrationsDir)));
          if (!wanted) throw refused;
          const { baselineFirstMigration } = await import('../prisma/migrate.js');
          baselined = await baselineFirstMigration({ root, prismaInfo: prisma, url: resolved.url });
          result = await run();
        }
        const via =
          result.path === 'schema-engine' ? "Prisma's WebAssembly schema engine" : "pow's MySQL runner";
        const shown = shownUrl(resolved.url);
        // Nothing to apply: the next run with the same inputs answers from one query (src/cli/migrate-fast-path.ts).
        if (result.applied.length === 0 && !baselined && ctx.recovered === null)
          rememberMigrateFacts(ctx.io, ctx.argv, ctx.version, root, prisma);
        if (flags.json) {
          ctx.out.json({
            database: shown,
            migrationsDir: prisma.migrationsDir,
            applied: result.applied,
            ...(init ? { initMigration: init.name } : {}),
            ...(baselined ? { baselined } : {}),
            upToDate: result.applied.length === 0,
            path: result.path,
          });
          return;
        }
        ctx.out.line(`Database: ${shown} (${resolved.source})`);
        if (init) {
          ctx.out.line(
            init.kind === 'baseline'
              ? `Wrote ${prisma.migrationsDir}/${init.name}/migration.sql: what the database holds (${init.models.join(', ')}), the init of the migration history.`
              : `Wrote ${prisma.migrationsDir}/${init.name}/migration.sql: the init migration of your schema (${init.models.join(', ')}); commit it with the rest of ${prisma.migrationsDir}.`,
          );
        }
        if (baselined) {
          ctx.out.line(
            `Baselined: ${baselined} recorded as applied (the database already had its tables), like \`prisma migrate resolve --applied ${baselined}\`.`,
          );
        }
        if (result.applied.length === 0) {
          ctx.out.line(upToDateLine(prisma.migrationsDir));
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
  const code = (error as { code?: string }).code;
  // The engine's words (SQLite, PostgreSQL), or pow's MySQL runner's code.
  if (!/database schema is not empty/i.test(message) && code !== 'POW_DATABASE_NOT_EMPTY') return null;
  return new PowError({
    code: 'POW_DATABASE_NOT_BASELINED',
    message:
      'The database already has tables but no migration history (no _prisma_migrations table; set up with `prisma db push` or by hand?), so pow migrate, like `prisma migrate deploy`, applies nothing to it.',
    fix: `Run \`pow migrate --baseline\` to record the first migration as applied (when it built those tables), or baseline by hand: mark each migration in ${migrationsDir} that the database already reflects as applied with \`npx prisma migrate resolve --applied <name>\` (see https://pris.ly/d/migrate-baseline), then run pow migrate again.`,
    cause: error,
  });
}

/**
 * No migration history of the app's own models (src/prisma/init-migration.ts): asks (or --init /
 * --baseline) before writing the init migration; refuses without an answer, because pow's
 * migrations alone would leave the app's tables out of a new database. A history of another
 * provider is refused with the steps of a new one.
 */
async function ensureInitMigration(
  ctx: CommandContext,
  root: string,
  prisma: PrismaInfo,
  url: string,
  flags: MigrateFlags,
): Promise<InitMigrationPlan | null> {
  const dir = isAbsolute(prisma.migrationsDir) ? prisma.migrationsDir : join(root, prisma.migrationsDir);
  const [{ readMigrationsDir, assertHistoryProvider }, { planInitMigration, lacksTeamHistory }] =
    await Promise.all([import('../prisma/migrations-dir.js'), import('../prisma/init-migration.js')]);
  const listing = await readMigrationsDir(dir);
  assertHistoryProvider(listing, prisma.provider, prisma.migrationsDir);
  if (!lacksTeamHistory(listing)) return null;
  const schema: SchemaTexts = {};
  for (const file of prisma.schemaFiles)
    schema[file] = readFileSync(join(root, file), 'utf8').replace(/\r\n?/g, '\n');
  const [{ readManifest }, { sqliteBaseDir }] = await Promise.all([
    import('../generate/manifest.js'),
    import('../prisma/migrate.js'),
  ]);
  const plan = await planInitMigration({
    provider: prisma.provider,
    root,
    migrationsDir: prisma.migrationsDir,
    schema,
    url,
    baseDir: sqliteBaseDir(root, prisma),
    manifest: readManifest(root),
    now: clockFrom(ctx.io.env),
    listing,
  });
  if (plan === null) return null;
  const path = `${prisma.migrationsDir}/${plan.name}`;
  const wanted =
    flags.init ||
    (plan.kind === 'baseline' && flags.baseline) ||
    (canPrompt(ctx, { json: flags.json }) && (await confirmInit(plan, path)));
  if (!wanted) {
    throw new PowError({
      code: 'POW_MIGRATION_HISTORY_MISSING',
      message:
        plan.kind === 'baseline'
          ? `${prisma.migrationsDir} has no migration of your own models (${plan.models.join(', ')}), and the database has their tables without a migration history (\`prisma db push\`?): applying pow's migrations alone would leave a new database without them.`
          : `${prisma.migrationsDir} has no migration of your own models (${plan.models.join(', ')}): applying it would give a database without their tables (the app's pages would fail).`,
      fix:
        plan.kind === 'baseline'
          ? `Run \`pow migrate --init\`: pow writes ${path}/migration.sql from the database's tables, records it as applied (like \`prisma migrate resolve --applied\`), then applies the rest.`
          : `Run \`pow migrate --init\`: pow writes ${path}/migration.sql from your schema (what \`prisma migrate dev --name init\` writes), then applies the history.`,
      exitCode: 3,
    });
  }
  const { writeFile, mkdir } = await import('node:fs/promises');
  for (const [file, text] of Object.entries(plan.files)) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), text);
  }
  if (plan.kind === 'baseline') {
    const { recordMigrationApplied } = await import('../prisma/migrate.js');
    await recordMigrationApplied({ root, prismaInfo: prisma, url }, plan.name);
  }
  return plan;
}

async function confirmInit(plan: InitMigrationPlan, path: string): Promise<boolean> {
  const prompts = (await import('prompts')).default;
  const answer = (await prompts({
    type: 'confirm',
    name: 'value',
    message:
      plan.kind === 'baseline'
        ? `No migration history of your models (${plan.models.join(', ')}), and the database has their tables. Write ${path} from the database's tables and record it as applied, then apply the rest?`
        : `No migration history of your models (${plan.models.join(', ')}). Write the init migration ${path} from your schema, then apply the history?`,
    initial: true,
  })) as { value?: boolean };
  return answer.value === true;
}
