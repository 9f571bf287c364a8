/**
 * `pow status [--check] [--strict] [--no-plan] [--json] [--cwd <dir>]`: where the project stands
 * against what pow generated.
 *
 * 1. Files: every file in `.pow/manifest.json`, compared with the disk: `pristine` (as pow wrote
 *    it), `modified`, `missing` (deleted) or `conflict` (still holds conflict markers).
 * 2. Patches: the edits pow made to the team's files (app entry, package.json, schema,
 *    .env.example): `applied`, `removed` (the team took it out; pow respects that and does not
 *    re-add it), `pending` (a re-run would add it) or `manual` (pow cannot apply it safely).
 * 3. Re-run: each generator scope of the manifest (today: `install`) is planned again in dry-run
 *    mode with the answers stored in the manifest, exactly as `pow install --yes` would run it. The
 *    files that re-run would write, merge, delete or conflict on are listed; a new migration in
 *    that list means the schema is behind pow's options. The re-run's security notes (a user
 *    model still holding the password-hash column of older pow versions) are shown too.
 *
 * 0. Interrupted run: like every command, status first finishes or undoes a run that was killed
 *    while writing (ctx.openProject) and reports it first; one it cannot recover is reported as
 *    pending, and the re-run is not planned.
 *
 * `--check` (CI) exits 3 on drift, which is:
 *   - an interrupted run still pending (a corrupted journal, files changed since);
 *   - a file with conflict markers;
 *   - a managed file edited or deleted (managed files belong to pow; with `--strict`, also any
 *     owned file pow wrote);
 *   - a pending re-run: the generated code is out of date with the schema, the stored options or
 *     pow's templates (`planDrift` of the dry-run plan), i.e. `pow install` would change files.
 * Not drift: owned files the team edited or deleted (they are the team's, and a re-run keeps the
 * edits), patched files the team edited, and patches the team removed (reported, never re-added).
 * A project without a manifest has no drift. `--no-plan` skips step 3 (faster; file states only).
 */
import type { DatabaseHistory } from '../prisma/database-history.js';
import type { CommandModule } from './index.js';
import type { CommandContext } from '../cli/context.js';
import type { Colors } from '../generate/colors.js';
import type { Manifest } from '../generate/manifest.js';
import { actionOf, type Plan, type PlannedFile } from '../generate/plan.js';
import type { FileStatus, ProjectStatus } from '../generate/status.js';
import type { PatchStatus } from '../generate/virtual-tree.js';
import { PowError } from '../shared/pow-error.js';

interface StatusFlags {
  check?: boolean;
  strict?: boolean;
  plan: boolean;
  json?: boolean;
  cwd?: string;
}

/** A generator scope of the manifest, planned again in dry-run mode. */
export interface Rerun {
  /** Generator scope, e.g. "install". */
  generator: string;
  /** The command that re-runs it, e.g. "pow install". */
  command: string;
  plan: Plan;
  /** The migration a re-run would add (relative path), or null. */
  migration: string | null;
  /** What the team should act on because secrets are exposed (install's `security:` notes). */
  security: string[];
  /** Schema changes no migration creates ("User.nickname (field added)"; src/prisma/history.ts). */
  schemaDrift?: string[];
}

export interface ReplanOptions {
  /** pow's version (recorded in the manifest; the dry run writes nothing). */
  powVersion: string;
  /** Clock of a migration's folder name (default: now). */
  now?: () => Date;
  /** pow's templates folder (tests simulate a pow upgrade with a changed copy). */
  templatesDir?: string;
  /** The environment (the database URL a PostgreSQL migration history is replayed on). */
  env?: Record<string, string | undefined>;
}

/** Generator scopes pow can re-plan, and how (the command a person would run). */
const REPLANNERS: Record<string, { command: string }> = {
  install: { command: 'pow install' },
};

/** The generator scopes the manifest mentions (options, files, patches), sorted. */
export function manifestScopes(manifest: Manifest): string[] {
  const scopes = new Set<string>(Object.keys(manifest.options));
  for (const entry of Object.values(manifest.files)) scopes.add(entry.generator);
  for (const entry of Object.values(manifest.patches)) scopes.add(entry.generator);
  return [...scopes].sort();
}

/**
 * Plans every re-plannable generator scope of the manifest again, in dry-run mode (writes
 * nothing), with the options stored in the manifest — what `pow install --yes` would do now.
 * Scopes pow has no re-planner for are returned in `unknown`.
 */
export async function replanProject(
  root: string,
  manifest: Manifest,
  options: ReplanOptions,
): Promise<{ reruns: Rerun[]; unknown: string[] }> {
  const reruns: Rerun[] = [];
  const unknown: string[] = [];
  for (const scope of manifestScopes(manifest)) {
    if (scope === 'install') {
      reruns.push(await replanInstall(root, manifest, options));
      continue;
    }
    // Namespaces made by `pow gen.templates --namespace NAME` are re-planned with their stored answers.
    if (scope.startsWith('gen.templates:')) {
      const { replanNamespace } = await import('../recipes/templates.js');
      const rerun = await replanNamespace(root, manifest, scope, options);
      if (rerun !== null) {
        const { SECURITY_NOTE_PREFIX } = await import('../recipes/install.js');
        reruns.push({ ...rerun, security: securityNotes(rerun.plan, SECURITY_NOTE_PREFIX) });
        continue;
      }
    }
    if (!(scope in REPLANNERS)) unknown.push(scope);
  }
  return { reruns, unknown };
}

/** `pow install --yes --dry-run` with the answers stored in the manifest. */
export async function replanInstall(
  root: string,
  manifest: Manifest,
  options: ReplanOptions,
): Promise<Rerun> {
  const [{ inspectProject }, recipe] = await Promise.all([
    import('../inspect/inspect-project.js'),
    import('../recipes/install.js'),
  ]);
  const installOptions = { ...recipe.DEFAULT_INSTALL_OPTIONS, ...recipe.previousInstallOptions(manifest) };
  const project = await inspectProject(root, { userModel: installOptions.userModel });
  const outcome = await recipe.runInstall({
    root,
    project,
    options: installOptions,
    powVersion: options.powVersion,
    now: options.now ?? (() => new Date()),
    flags: { dryRun: true },
    templatesDir: options.templatesDir,
    env: options.env,
    schemaChanges: 'report',
  });
  return {
    generator: 'install',
    command: REPLANNERS.install!.command,
    plan: outcome.result.plan,
    migration: outcome.migration?.path ?? null,
    security: securityNotes(outcome.result.plan, recipe.SECURITY_NOTE_PREFIX),
    schemaDrift: outcome.schemaStep.schemaDrift ?? [],
  };
}

/** The plan's security notes without their prefix. */
export function securityNotes(plan: Plan, prefix: string): string[] {
  return plan.notes.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
}

/** Files a re-run would write, delete or conflict on (what `planDrift` counts). */
export function pendingFiles(plan: Plan): PlannedFile[] {
  return plan.files.filter((f) => f.write !== undefined || f.decision === 'conflict');
}

/** State of one patch pow made: from the manifest and, when re-planned, the dry run. */
export type PatchState = 'applied' | 'removed' | 'pending' | 'manual';

export interface PatchInfo {
  id: string;
  file: string;
  generator: string;
  state: PatchState;
  /** For removed / manual: why (from the dry run). */
  why?: string;
}

const PATCH_STATES: Record<PatchStatus, PatchState> = {
  'already-present': 'applied',
  'removed-by-team': 'removed',
  applied: 'pending',
  reapplied: 'pending',
  'not-applicable': 'manual',
};

/** The manifest's patches, refined by the dry-run records (patches not re-planned stay `applied`). */
export function patchStates(manifest: Manifest, reruns: readonly Rerun[]): PatchInfo[] {
  const byId = new Map<string, PatchInfo>();
  for (const [id, p] of Object.entries(manifest.patches)) {
    byId.set(id, { id, file: p.file, generator: p.generator, state: 'applied' });
  }
  for (const rerun of reruns) {
    for (const record of rerun.plan.patches) {
      byId.set(record.id, {
        id: record.id,
        file: record.file,
        generator: rerun.generator,
        state: PATCH_STATES[record.status],
        ...(record.why && record.status !== 'already-present' ? { why: record.why } : {}),
      });
    }
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Why `--check` fails, one line per reason (empty: no drift). */
export function driftReasons(status: ProjectStatus, reruns: readonly Rerun[], strict: boolean): string[] {
  const reasons: string[] = [];
  for (const f of status.files) {
    if (f.ownership === 'patched' || f.state === 'pristine') continue;
    if (f.state === 'conflict') reasons.push(`${f.path} still has conflict markers`);
    else if (f.ownership === 'managed' || strict)
      reasons.push(`${f.path} is ${f.state === 'missing' ? 'deleted' : 'edited'} (${f.ownership} by pow)`);
  }
  for (const rerun of reruns) {
    if (rerun.schemaDrift && rerun.schemaDrift.length > 0) {
      reasons.push(
        `the schema has changes no migration creates: ${rerun.schemaDrift.join(', ')} (\`npx prisma migrate dev\` first, or \`${rerun.command} --include-schema-changes\`)`,
      );
    }
    const files = pendingFiles(rerun.plan);
    if (files.length === 0) continue;
    const what = rerun.migration ? ` (including the migration ${rerun.migration})` : '';
    reasons.push(
      `${rerun.command} is pending: it would change ${files.length} file${files.length === 1 ? '' : 's'}${what}`,
    );
  }
  return reasons;
}

/** `pow status`. */
export const command: CommandModule = {
  name: 'status',
  register(program, ctx) {
    program
      .command('status')
      .description(
        'show the files pow wrote (pristine, modified, missing, conflict) and whether a re-run is pending',
      )
      .option(
        '--check',
        'exit 3 on drift: conflict markers, edited managed files, or a pending re-run (for CI)',
      )
      .option('--strict', 'also count edits to owned files pow wrote as drift')
      .option('--no-plan', 'compare files with the manifest only; do not plan a re-run (faster)')
      .option('--json', 'print the status as JSON only')
      .option('--cwd <dir>', 'project directory (default: the current directory)')
      .action(async (flags: StatusFlags) => {
        await status(ctx, flags);
      });
  },
};

/** Codes of an interrupted run that pow could not finish or undo (recover-apply.ts). */
const PENDING_CODES = new Set([
  'POW_APPLY_JOURNAL_INVALID',
  'POW_APPLY_INTERRUPTED',
  'POW_APPLY_IN_PROGRESS',
]);

/** What `pow status` says about a run interrupted while writing: finished, undone, or still pending. */
export interface InterruptedApply {
  outcome: 'rolled-forward' | 'rolled-back' | 'cleaned' | 'pending';
  message: string;
  fix: string | null;
}

/**
 * Opens the project like every command (finishing or undoing an interrupted run), but a run that
 * cannot be recovered is reported instead of stopping the status: it is drift.
 */
function openForStatus(
  ctx: CommandContext,
  dir: string | undefined,
): { root: string; interrupted: InterruptedApply | null } {
  const root = ctx.resolveCwd(dir);
  try {
    ctx.openProject(dir, { quiet: true });
  } catch (error) {
    if (!(error instanceof PowError) || !PENDING_CODES.has(error.code)) throw error;
    return { root, interrupted: { outcome: 'pending', message: error.message, fix: error.fix ?? null } };
  }
  const done = ctx.recovered;
  return { root, interrupted: done ? { outcome: done.outcome, message: done.message, fix: null } : null };
}

async function status(ctx: CommandContext, flags: StatusFlags): Promise<void> {
  const { root, interrupted } = openForStatus(ctx, flags.cwd);
  const pending = interrupted?.outcome === 'pending';
  const [{ readManifest }, { computeStatus }, { createDiskReader }, colors, { clockFrom }] =
    await Promise.all([
      import('../generate/manifest.js'),
      import('../generate/status.js'),
      import('../generate/disk.js'),
      import('../generate/colors.js'),
      import('./install.js'),
    ]);
  const manifest = readManifest(root);
  const strict = Boolean(flags.strict);
  const files = computeStatus(manifest, createDiskReader(root), { strict });

  let reruns: Rerun[] = [];
  let unknown: string[] = [];
  let replanError: PowError | null = null;
  // A half-written project is not worth re-planning: the interrupted run comes first.
  if (manifest && flags.plan && !pending) {
    try {
      ({ reruns, unknown } = await replanProject(root, manifest, {
        powVersion: ctx.version,
        now: clockFrom(ctx.io.env),
        env: ctx.io.env,
      }));
    } catch (error) {
      // Without --check the file states are still worth showing; CI must not pass silently.
      if (flags.check || !(error instanceof PowError)) throw error;
      replanError = error;
    }
  }
  const patches = manifest ? patchStates(manifest, reruns) : [];
  const reasons = driftReasons(files, reruns, strict);
  const database = flags.plan && !pending ? await databaseHistory(root, ctx.io.env) : null;
  if (database?.checked) reasons.push(...databaseReasons(database));
  if (pending) reasons.unshift('a pow run was interrupted while writing and is neither finished nor undone');

  if (flags.json) {
    ctx.out.json({
      root,
      tracked: files.tracked,
      pow: manifest?.pow ?? null,
      files: files.files,
      patches,
      reruns: reruns.map((r) => ({
        generator: r.generator,
        command: r.command,
        pending: pendingFiles(r.plan).length > 0,
        migration: r.migration,
        security: r.security,
        schemaDrift: r.schemaDrift ?? [],
        files: pendingFiles(r.plan).map((f) => ({
          path: f.path,
          action: actionOf(f),
          decision: f.decision,
          reason: f.reason,
        })),
      })),
      interruptedApply: interrupted,
      planned: manifest !== null && flags.plan && !pending && replanError === null,
      planError: replanError
        ? { code: replanError.code, message: replanError.message, fix: replanError.fix ?? null }
        : null,
      unknownGenerators: unknown,
      database,
      drift: reasons.length > 0,
      reasons,
    });
  } else {
    const c = colors.createColors(colors.colorsEnabled(ctx.io.env, ctx.io.isTTY));
    for (const line of renderInterrupted(interrupted, c)) ctx.out.line(line);
    for (const line of renderDatabaseHistory(database, c)) ctx.out.line(line);
    for (const line of renderStatusReport({ manifest, files, patches, reruns, unknown, reasons, flags }, c))
      ctx.out.line(line);
    if (replanError) {
      ctx.out.warn(`warning: could not plan a re-run: ${replanError.message}`);
      if (replanError.fix) ctx.out.warn(`Fix: ${replanError.fix}`);
    }
  }
  if (flags.check && reasons.length > 0) ctx.setExitCode(3);
  // status writes nothing: with a complete re-plan its answer depends on its inputs alone.
  if (interrupted === null && replanError === null) ctx.markReplayable();
}

/** The migrations folder against the database's `_prisma_migrations` (src/prisma/database-history.ts). */
async function databaseHistory(
  root: string,
  env: Record<string, string | undefined>,
): Promise<DatabaseHistory | null> {
  const [{ inspectProject }, { DEFAULT_USER_MODEL }, { resolveDatabaseUrl }, { compareHistoryWithDatabase }] =
    await Promise.all([
      import('../inspect/inspect-project.js'),
      import('../inspect/detect-user-model.js'),
      import('./migrate.js'),
      import('../prisma/database-history.js'),
    ]);
  let prisma: Awaited<ReturnType<typeof inspectProject>>['prisma'];
  try {
    prisma = (await inspectProject(root, { userModel: DEFAULT_USER_MODEL })).prisma;
  } catch {
    return null;
  }
  if (prisma === null) return null;
  const url = resolveDatabaseUrl(root, prisma.urlEnvVar ?? 'DATABASE_URL', env);
  return compareHistoryWithDatabase({ root, prisma, url: url?.url ?? null });
}

/** Drift: a migration edited after it was applied, one that failed, one the folder lost. Pending ones are not drift. */
export function databaseReasons(db: DatabaseHistory): string[] {
  const reasons: string[] = [];
  for (const name of db.edited)
    reasons.push(
      `migration ${name} was edited after the database applied it (its checksum differs from _prisma_migrations; a fresh database would get other SQL): restore the applied version from version control`,
    );
  for (const name of db.failed)
    reasons.push(
      `migration ${name} failed in the database (\`npx prisma migrate resolve\`, then pow migrate)`,
    );
  for (const name of db.missingFromFolder)
    reasons.push(`the database applied ${name}, which the migrations folder lacks (another branch?)`);
  return reasons;
}

export function renderDatabaseHistory(db: DatabaseHistory | null, c: Colors): string[] {
  if (db === null) return [];
  if (!db.checked) return [c.dim(`Migrations: not compared with the database (${db.why}).`), ''];
  const out: string[] = [c.bold('Migrations against the database (_prisma_migrations):')];
  if (
    db.pending.length === 0 &&
    db.edited.length === 0 &&
    db.failed.length === 0 &&
    db.missingFromFolder.length === 0
  )
    out.push('  all applied, none edited since');
  for (const name of db.pending)
    out.push(`  ${c.cyan('pending'.padEnd(9))} ${name} (\`pow migrate\` applies it)`);
  for (const name of db.edited)
    out.push(`  ${c.red('edited'.padEnd(9))} ${name} (changed after it was applied)`);
  for (const name of db.failed) out.push(`  ${c.red('failed'.padEnd(9))} ${name}`);
  for (const name of db.missingFromFolder)
    out.push(`  ${c.red('missing'.padEnd(9))} ${name} (applied, not in the folder)`);
  out.push('');
  return out;
}

/** The lines about an interrupted run, first in the report (none when there was none). */
export function renderInterrupted(interrupted: InterruptedApply | null, c: Colors): string[] {
  if (!interrupted) return [];
  if (interrupted.outcome !== 'pending') return [`${c.bold('Interrupted run:')} ${interrupted.message}`, ''];
  const lines = [`${c.bold(c.red('Interrupted run, still pending:'))} ${interrupted.message}`];
  if (interrupted.fix) lines.push(`Fix: ${interrupted.fix}`);
  lines.push('');
  return lines;
}

interface Report {
  manifest: Manifest | null;
  files: ProjectStatus;
  patches: PatchInfo[];
  reruns: Rerun[];
  unknown: string[];
  reasons: string[];
  flags: StatusFlags;
}

/** The human-readable report. */
export function renderStatusReport(report: Report, c: Colors): string[] {
  const { manifest, files, patches, reruns, reasons, flags } = report;
  if (!manifest) {
    return [
      'No .pow/manifest.json: pow has not generated anything in this project yet.',
      'Run `pow install --dry-run` to see what pow install would add.',
    ];
  }
  const paint: Record<FileStatus['state'], (s: string) => string> = {
    pristine: c.dim,
    modified: c.yellow,
    missing: c.red,
    conflict: (s) => c.bold(c.red(s)),
  };
  const out: string[] = [c.bold(`Files pow wrote (.pow/manifest.json, written by pow ${manifest.pow}):`)];
  for (const f of files.files) {
    out.push(`  ${paint[f.state](f.state.padEnd(9))} ${f.path} ${c.dim(`(${f.ownership}, ${f.generator})`)}`);
  }
  const counts = (['pristine', 'modified', 'missing', 'conflict'] as const)
    .map((s) => [s, files.files.filter((f) => f.state === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  out.push(`  ${counts.length === 0 ? 'no tracked files' : counts.join(', ')}`);

  if (patches.length > 0) {
    out.push('', c.bold('Patches pow made to your files:'));
    const patchPaint: Record<PatchState, (s: string) => string> = {
      applied: c.dim,
      removed: c.yellow,
      pending: c.cyan,
      manual: c.yellow,
    };
    for (const p of patches) {
      const why = p.why ? ` ${c.dim(`(${p.why})`)}` : '';
      out.push(`  ${patchPaint[p.state](p.state.padEnd(9))} ${p.id} ${c.dim(`in ${p.file}`)}${why}`);
    }
  }

  if (!flags.plan) {
    out.push('', c.dim('Re-run not planned (--no-plan).'));
  }
  for (const rerun of reruns) {
    const pending = pendingFiles(rerun.plan);
    out.push('');
    if (rerun.schemaDrift && rerun.schemaDrift.length > 0) {
      out.push(
        c.bold(c.yellow('Schema changes without a migration')) + ' (the history builds another schema):',
      );
      for (const change of rerun.schemaDrift) out.push(`  ${change}`);
      out.push(
        `  Migrate them (\`npx prisma migrate dev\`), or let pow write them as their own migration: \`${rerun.command} --include-schema-changes\`.`,
        '',
      );
    }
    if (pending.length === 0) {
      out.push(`${c.bold(`Re-run of ${rerun.command}:`)} up to date (it would change no file).`);
      continue;
    }
    out.push(
      `${c.bold(`Re-run of ${rerun.command}:`)} would change ${pending.length} file${pending.length === 1 ? '' : 's'} (\`pow diff\` shows how, \`${rerun.command}\` applies):`,
    );
    for (const f of pending) {
      const action = actionOf(f);
      const verb = action === 'conflict' ? c.bold(c.red(action.padEnd(9))) : c.cyan(action.padEnd(9));
      out.push(`  ${verb} ${f.path} ${c.dim(`(${f.reason})`)}`);
    }
  }
  const security = reruns.flatMap((r) => r.security);
  if (security.length > 0) {
    out.push('', c.bold(c.red('Security:')));
    for (const note of security) out.push(`  - ${note}`);
  }
  for (const scope of report.unknown) {
    out.push('', c.dim(`Generator "${scope}": this pow cannot re-plan it; run it again to check.`));
  }

  out.push('');
  if (reasons.length === 0) {
    out.push(c.green('No drift') + ': `pow status --check` passes.');
  } else {
    out.push(c.red('Drift') + ' (`pow status --check` exits 3):');
    for (const reason of reasons) out.push(`  - ${reason}`);
  }
  return out;
}
