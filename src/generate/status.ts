import { NO_COLORS, type Colors } from './colors.js';
import { createDiskReader, type DiskReader } from './disk.js';
import { hashContent } from './hash.js';
import { readBase, readManifest, type Manifest, type Ownership } from './manifest.js';
import { hasConflictMarkers } from './merge3.js';
import type { Plan } from './plan.js';
import { unifiedDiff } from './unified-diff.js';
import { compareStrings } from './virtual-tree.js';

/** State of a tracked file against what pow last wrote. */
export type FileState = 'pristine' | 'modified' | 'missing' | 'conflict';

export interface FileStatus {
  path: string;
  ownership: Ownership;
  generator: string;
  template?: string;
  state: FileState;
}

export interface ProjectStatus {
  /** False when the project has no .pow/manifest.json. */
  tracked: boolean;
  files: FileStatus[];
  patches: { id: string; file: string; generator: string }[];
  /** What `pow status --check` fails on (exit 3); see computeStatus. */
  drift: boolean;
}

export interface StatusOptions {
  /** Count every non-pristine owned/managed file as drift (default: see computeStatus). */
  strict?: boolean;
}

/**
 * Manifest vs disk, per tracked file: `pristine` (as pow wrote it), `modified`, `missing`, or
 * `conflict` (still holds conflict markers). Pure over the reader.
 *
 * Drift (for `--check`): a conflict anywhere, or a managed file modified or missing (managed files
 * are regenerated from the schema, edits to them will be merged or conflict). Owned files are the
 * team's to edit or delete, so they are drift only with `strict`. Patched files (package.json, the
 * app entry) are reported for information and never count.
 */
export function computeStatus(
  manifest: Manifest | null,
  disk: DiskReader,
  opts: StatusOptions = {},
): ProjectStatus {
  if (!manifest) return { tracked: false, files: [], patches: [], drift: false };
  const files: FileStatus[] = [];
  for (const [path, entry] of Object.entries(manifest.files)) {
    const text = disk.read(path);
    let state: FileState;
    if (text === null) state = 'missing';
    else if (hashContent(text) === entry.hash) state = 'pristine';
    else if (entry.ownership !== 'patched' && hasConflictMarkers(text)) state = 'conflict';
    else state = 'modified';
    files.push({
      path,
      ownership: entry.ownership,
      generator: entry.generator,
      ...(entry.template ? { template: entry.template } : {}),
      state,
    });
  }
  files.sort((a, b) => compareStrings(a.path, b.path));
  const drift = files.some((f) => {
    if (f.ownership === 'patched') return false;
    if (f.state === 'conflict') return true;
    if (f.state === 'pristine') return false;
    return opts.strict === true || f.ownership === 'managed';
  });
  const patches = Object.entries(manifest.patches)
    .map(([id, p]) => ({ id, file: p.file, generator: p.generator }))
    .sort((a, b) => compareStrings(a.id, b.id));
  return { tracked: true, files, patches, drift };
}

/** computeStatus for a project on disk. */
export function readStatus(root: string, opts: StatusOptions = {}): ProjectStatus {
  return computeStatus(readManifest(root), createDiskReader(root), opts);
}

/** Action-style lines for `pow status`: `modified  src/pow/config.ts (owned, install)`. */
export function renderStatus(status: ProjectStatus, colors: Colors = NO_COLORS): string[] {
  if (!status.tracked) return ['No .pow/manifest.json: pow has not generated anything in this project yet.'];
  const paint: Record<FileState, (s: string) => string> = {
    pristine: colors.dim,
    modified: colors.yellow,
    missing: colors.red,
    conflict: (s) => colors.bold(colors.red(s)),
  };
  const lines = status.files.map(
    (f) => `${paint[f.state](f.state.padEnd(9))} ${f.path} ${colors.dim(`(${f.ownership}, ${f.generator})`)}`,
  );
  const counts = (['pristine', 'modified', 'missing', 'conflict'] as FileState[])
    .map((s) => [s, status.files.filter((f) => f.state === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  lines.push('', counts.length === 0 ? 'no tracked files' : counts.join(', '));
  if (status.drift)
    lines.push('Drift: conflict markers or edited/missing managed files (pow status --check fails).');
  return lines;
}

/**
 * What the team changed in a tracked file since pow last wrote it (base → disk), as a unified
 * diff. Empty when pristine or untracked.
 */
export function diffAgainstBase(root: string, path: string): string {
  const base = readBase(root, path);
  if (base === null) return '';
  return unifiedDiff(base, createDiskReader(root).read(path), { path });
}

/**
 * True when a re-run would change project files or conflicts (the plan of a dry run): generated
 * code is out of date, e.g. after a schema change or a pow upgrade.
 */
export function planDrift(plan: Plan): boolean {
  return plan.files.some((f) => f.write !== undefined || f.decision === 'conflict');
}
