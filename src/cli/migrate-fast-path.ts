/**
 * `pow migrate` with nothing to apply, answered without the inspector or the schema engine
 * (issue 18). A full run that found nothing to apply remembers the project's Prisma facts
 * (provider, migrations folder, URL variable) under the digest of its inputs (input-stamp.ts); a
 * later run with the same digest trusts those facts, and asks the database itself whether every
 * migration of the folder is applied, in one query (src/prisma/applied-migrations.ts). The database
 * is never part of the digest: it is asked each time. Any doubt takes the full path.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { CliIo } from './io.js';
import type { PrismaInfo } from '../inspect/project-info.js';
import { inputsDigest, readStamp, writeStamp } from './input-stamp.js';
import { redactUrl, resolveDatabaseUrl } from '../prisma/database-url.js';

type MigrateFacts = Pick<
  PrismaInfo,
  'provider' | 'migrationsDir' | 'schemaPath' | 'urlLocation' | 'multiFile' | 'urlEnvVar'
>;
const STAMP = 'migrate';

/** file: URLs carry no credentials, and redactUrl would turn "file:./dev.db" into an absolute-looking URL. */
export function shownUrl(url: string): string {
  return url.startsWith('file:') ? url : redactUrl(url);
}

export function upToDateLine(migrationsDir: string): string {
  return `Database is already up to date: no pending migrations in ${migrationsDir}.`;
}

/** The value of `--name value` or `--name=value` on the command line. */
function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name) return argv[i + 1];
    if (argv[i]!.startsWith(`${name}=`)) return argv[i]!.slice(name.length + 1);
  }
  return undefined;
}

function digestOf(io: CliIo, argv: readonly string[], powVersion: string, root: string): string | null {
  try {
    return inputsDigest({ root, argv, env: io.env, isTTY: io.isTTY, powVersion });
  } catch {
    return null;
  }
}

/** After a full run that found nothing to apply: the project's Prisma facts, for the next run. */
export function rememberMigrateFacts(
  io: CliIo,
  argv: readonly string[],
  powVersion: string,
  root: string,
  prisma: PrismaInfo,
): void {
  const digest = digestOf(io, argv, powVersion, root);
  if (digest === null) return;
  const { provider, migrationsDir, schemaPath, urlLocation, multiFile, urlEnvVar } = prisma;
  const facts: MigrateFacts = { provider, migrationsDir, schemaPath, urlLocation, multiFile, urlEnvVar };
  writeStamp(root, STAMP, { digest, facts });
}

/**
 * Prints the up-to-date answer and returns 0 when the inputs are those of the last run with nothing
 * to apply and the database has every migration; null: take the full path.
 */
export async function migrateFastPath(
  argv: readonly string[],
  io: CliIo,
  powVersion: string,
): Promise<number | null> {
  if (argv[0] !== 'migrate' || argv.some((a) => a === '--baseline' || a === '-h' || a === '--help'))
    return null;
  const root = resolve(io.cwd, flagValue(argv, '--cwd') ?? '.');
  // An interrupted pow run is recovered first, by the full path.
  if (existsSync(join(root, '.pow/apply'))) return null;
  const stamp = readStamp<{ facts: MigrateFacts }>(root, STAMP);
  if (stamp === null || stamp.digest !== digestOf(io, argv, powVersion, root)) return null;
  const prisma = stamp.facts;
  if (prisma.provider !== 'sqlite' && prisma.provider !== 'postgresql' && prisma.provider !== 'mysql')
    return null;
  const resolved = resolveDatabaseUrl(
    root,
    prisma.urlEnvVar ?? 'DATABASE_URL',
    io.env,
    flagValue(argv, '--url'),
  );
  if (resolved === null) return null;
  const [{ everyMigrationApplied }, { sqliteBaseDir }] = await Promise.all([
    import('../prisma/applied-migrations.js'),
    import('../prisma/migrate.js'),
  ]);
  const applied = await everyMigrationApplied({
    root,
    provider: prisma.provider,
    url: resolved.url,
    migrationsDir: isAbsolute(prisma.migrationsDir) ? prisma.migrationsDir : join(root, prisma.migrationsDir),
    sqliteBaseDir: sqliteBaseDir(root, prisma),
  });
  if (applied !== true) return null;
  if (io.env.DEBUG?.startsWith('pow'))
    io.stderr.write('pow: inputs unchanged and every migration applied (one query of _prisma_migrations)\n');
  const shown = shownUrl(resolved.url);
  if (argv.includes('--json')) {
    const answer = { database: shown, migrationsDir: prisma.migrationsDir, applied: [], upToDate: true };
    io.stdout.write(`${JSON.stringify({ ...answer, path: 'schema-engine' }, null, 2)}\n`);
  } else {
    io.stdout.write(`Database: ${shown} (${resolved.source})\n${upToDateLine(prisma.migrationsDir)}\n`);
  }
  return 0;
}
