/**
 * `pow diff [path] [--edits] [--json] [--cwd <dir>]`: what a re-run of pow's generators would change,
 * as unified diffs, without writing anything.
 *
 * - Default: every generator scope of `.pow/manifest.json` (today: `install`) is planned again in
 *   dry-run mode with its stored answers (see status.ts), and each file the re-run would create,
 *   update, merge, delete or conflict on is printed with its verb, the reason and the diff against
 *   the file on disk (conflicts: the clashing regions, yours against pow's). Patches the team
 *   removed are listed; they stay removed.
 * - `--edits`: the other direction: what the team changed in the files pow wrote since pow last
 *   wrote them (the merge base in `.pow/base` against the disk).
 * - `path` limits the output to one file, or to every file under a folder. It is relative to the
 *   project root (`--cwd`), or absolute.
 *
 * Exits 0 whatever it shows (CI gates use `pow status --check`).
 */
import { isAbsolute, relative } from 'node:path';
import type { CommandModule } from './index.js';
import type { CommandContext } from '../cli/context.js';
import { colorDiff, type Colors } from '../generate/colors.js';
import type { Manifest } from '../generate/manifest.js';
import { actionOf, type PlannedFile } from '../generate/plan.js';
import { PowError } from '../shared/pow-error.js';
import { pendingFiles, replanProject, type Rerun } from './status.js';

interface DiffFlags {
  edits?: boolean;
  json?: boolean;
  cwd?: string;
}

/** True when `path` is `filter` or lies under the folder `filter` (no filter: everything). */
export function underPath(path: string, filter: string | null): boolean {
  if (filter === null || filter === '' || filter === '.') return true;
  return path === filter || path.startsWith(`${filter}/`);
}

/** The path argument as a project-relative POSIX path (no leading ./, no trailing /). */
export function projectPath(root: string, raw: string | undefined): string | null {
  if (raw === undefined) return null;
  let p = raw.replace(/\\/g, '/');
  if (isAbsolute(raw)) {
    const rel = relative(root, raw).replace(/\\/g, '/');
    if (rel.startsWith('../') || rel === '..' || isAbsolute(rel)) {
      throw new PowError({
        code: 'POW_PATH_OUTSIDE_PROJECT',
        message: `${raw} is outside the project (${root}).`,
        fix: 'Pass a path inside the project, relative to its root (e.g. views/pow/session/new.ejs).',
        exitCode: 2,
      });
    }
    p = rel;
  }
  p = p.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return p === '' ? null : p;
}

/** `pow diff`. */
export const command: CommandModule = {
  name: 'diff',
  register(program, ctx) {
    program
      .command('diff')
      .argument('[path]', 'only this file, or the files under this folder (relative to the project root)')
      .description('show what re-running pow would change, as unified diffs; writes nothing')
      .option('--edits', 'show your edits to the files pow wrote instead (since pow last wrote them)')
      .option('--json', 'print the changes as JSON only')
      .option('--cwd <dir>', 'project directory (default: the current directory)')
      .action(async (path: string | undefined, flags: DiffFlags) => {
        await diff(ctx, path, flags);
      });
  },
};

async function diff(ctx: CommandContext, rawPath: string | undefined, flags: DiffFlags): Promise<void> {
  const root = ctx.openProject(flags.cwd);
  // diff writes nothing: its answer depends on its inputs alone (src/cli/fast-path.ts).
  if (ctx.recovered === null) ctx.markReplayable();
  const filter = projectPath(root, rawPath);
  const [{ readManifest }, colors, { clockFrom }] = await Promise.all([
    import('../generate/manifest.js'),
    import('../generate/colors.js'),
    import('./install.js'),
  ]);
  const c = colors.createColors(!flags.json && colors.colorsEnabled(ctx.io.env, ctx.io.isTTY));
  const manifest = readManifest(root);
  if (!manifest) {
    if (flags.json) ctx.out.json({ tracked: false, files: [], patches: [] });
    else {
      ctx.out.line('No .pow/manifest.json: pow has not generated anything in this project yet.');
      ctx.out.line('`pow install --dry-run --diff` shows what pow install would write.');
    }
    return;
  }
  if (flags.edits) {
    await showEdits(ctx, root, manifest, filter, Boolean(flags.json), c);
    return;
  }

  const { reruns } = await replanProject(root, manifest, {
    powVersion: ctx.version,
    now: clockFrom(ctx.io.env),
    env: ctx.io.env,
  });
  const { fileDiff, conflictText } = await import('../generate/render-plan.js');
  const changes = reruns.flatMap((rerun) =>
    pendingFiles(rerun.plan)
      .filter((f) => underPath(f.path, filter))
      .map((file) => ({ rerun, file })),
  );
  const removed = reruns.flatMap((rerun) =>
    rerun.plan.patches
      .filter((p) => p.status === 'removed-by-team' && underPath(p.file, filter))
      .map((patch) => ({ rerun, patch })),
  );

  if (flags.json) {
    ctx.out.json({
      tracked: true,
      path: filter,
      files: changes.map(({ rerun, file }) => ({
        generator: rerun.generator,
        path: file.path,
        action: actionOf(file),
        decision: file.decision,
        reason: file.reason,
        diff: fileDiff(file),
        conflicts: file.conflicts ?? [],
      })),
      patches: removed.map(({ rerun, patch }) => ({ generator: rerun.generator, ...patch })),
      schemaDrift: reruns.flatMap((r) => r.schemaDrift ?? []),
    });
    return;
  }

  const out: string[] = [];
  for (const rerun of reruns) {
    if (!rerun.schemaDrift || rerun.schemaDrift.length === 0) continue;
    out.push(
      `${c.yellow('drift'.padEnd(9))} the schema has changes no migration creates: ${rerun.schemaDrift.join(', ')} (\`npx prisma migrate dev\` first, or \`${rerun.command} --include-schema-changes\`)`,
    );
  }
  for (const { file } of changes) out.push(...fileBlock(file, c, fileDiff, conflictText));
  for (const { patch } of removed) {
    out.push(
      `${c.yellow('skip'.padEnd(9))} ${patch.file} ${c.dim(`(${patch.id}: ${patch.why ?? 'removed by you'})`)}`,
    );
  }
  if (changes.length === 0) {
    const where = filter === null ? '' : ` in ${filter}`;
    if (filter !== null && !known(manifest, reruns, filter)) {
      out.push(`pow neither wrote ${filter} nor would write it: nothing to show.`);
    } else {
      const commands = reruns.map((r) => r.command).join(', ') || 'pow';
      out.push(`No changes: a re-run of ${commands} would change nothing${where}.`);
    }
  } else {
    const commands = [...new Set(changes.map(({ rerun }) => rerun.command))];
    const conflicts = changes.filter(({ file }) => file.decision === 'conflict').length;
    out.push(
      '',
      `${changes.length} file${changes.length === 1 ? '' : 's'} would change; run ${commands.map((x) => `\`${x}\``).join(', ')} to apply (nothing was written).`,
    );
    if (conflicts > 0) {
      out.push(
        c.red(`${conflicts} conflict${conflicts === 1 ? '' : 's'}:`) +
          ' the re-run leaves those files untouched; --merge-conflicts writes markers, --force overwrites.',
      );
    }
  }
  for (const line of out) ctx.out.line(line);
}

function fileBlock(
  file: PlannedFile,
  c: Colors,
  fileDiff: (f: PlannedFile) => string,
  conflictText: (f: PlannedFile) => string[],
): string[] {
  const action = actionOf(file);
  const verb = action === 'conflict' ? c.bold(c.red(action.padEnd(9))) : c.cyan(action.padEnd(9));
  const lines = [`${verb} ${file.path} ${c.dim(`(${file.reason})`)}`];
  if (file.decision === 'conflict') {
    for (const line of conflictText(file)) lines.push(`    ${line}`);
  } else {
    lines.push(...colorDiff(fileDiff(file), c).map((line) => `    ${line}`));
  }
  return lines;
}

function known(manifest: Manifest, reruns: readonly Rerun[], filter: string): boolean {
  if (Object.keys(manifest.files).some((p) => underPath(p, filter))) return true;
  return reruns.some((r) => r.plan.files.some((f) => underPath(f.path, filter)));
}

/** `--edits`: base → disk for every owned/managed file pow wrote (patched files have no base). */
async function showEdits(
  ctx: CommandContext,
  root: string,
  manifest: Manifest,
  filter: string | null,
  json: boolean,
  c: Colors,
): Promise<void> {
  const [{ diffAgainstBase }, { createDiskReader }] = await Promise.all([
    import('../generate/status.js'),
    import('../generate/disk.js'),
  ]);
  const disk = createDiskReader(root);
  const edits: { path: string; ownership: string; state: 'edited' | 'deleted'; diff: string }[] = [];
  for (const [path, entry] of Object.entries(manifest.files).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )) {
    if (entry.ownership === 'patched' || !underPath(path, filter)) continue;
    const text = diffAgainstBase(root, path);
    if (text === '') continue;
    const deleted = disk.read(path) === null;
    // A deleted file's diff is the whole file: only named (the JSON keeps it).
    edits.push({ path, ownership: entry.ownership, state: deleted ? 'deleted' : 'edited', diff: text });
  }
  if (json) {
    ctx.out.json({ tracked: true, path: filter, edits });
    return;
  }
  for (const edit of edits) {
    const paint = edit.state === 'deleted' ? c.red : c.yellow;
    ctx.out.line(`${paint(edit.state.padEnd(9))} ${edit.path} ${c.dim(`(${edit.ownership})`)}`);
    if (edit.state === 'edited') for (const line of colorDiff(edit.diff, c)) ctx.out.line(`    ${line}`);
  }
  if (edits.length === 0) {
    ctx.out.line(
      filter === null
        ? 'No edits: every file pow wrote is as pow wrote it.'
        : `No edits under ${filter}: as pow wrote it (or not written by pow).`,
    );
  } else {
    ctx.out.line();
    ctx.out.line(
      `${edits.length} file${edits.length === 1 ? '' : 's'} edited or deleted since pow wrote ${edits.length === 1 ? 'it' : 'them'}.`,
    );
  }
}
