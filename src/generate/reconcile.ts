import type { DiskReader } from './disk.js';
import { hashContent, matchStyleOf, sameContent } from './hash.js';
import { basePath, cloneManifest, emptyManifest, serializeManifest } from './manifest.js';
import type { JsonValue, Manifest, ManifestFile } from './manifest.js';
import { hasConflictMarkers, merge3 } from './merge3.js';
import type { BaseWrite, Plan, PlanFlags, PlannedFile } from './plan.js';
import { compareStrings } from './virtual-tree.js';
import type { ManualStep, PatchRecord, TreeFile } from './virtual-tree.js';
import { patchReason } from './patch-words.js';

export interface ReconcileInput {
  /** Generator scope of this run ("install", "gen.templates:admin"). */
  generator: string;
  powVersion: string;
  /** Files the recipe produced (VirtualTree.changes()). */
  files: TreeFile[];
  patches?: PatchRecord[];
  manualSteps?: ManualStep[];
  notes?: string[];
  /** Manifest before the run (null when pow never wrote to the project). */
  previous: Manifest | null;
  /** Raw manifest text on disk, to decide whether the manifest must be rewritten. */
  previousText?: string | null;
  /** Reads project files as they are on disk now. */
  disk: DiskReader;
  /** Reads the stored merge base of a tracked path (null when missing). */
  readBase: (path: string) => string | null;
  flags?: PlanFlags;
  /**
   * Tracked files this run is responsible for, used to find orphans (tracked, no longer emitted).
   * Default: files recorded with the same generator scope. A partial run (`--only`) passes a
   * narrower predicate so it never deletes what it did not try to emit.
   */
  owns?: (path: string, entry: ManifestFile) => boolean;
  /** Options of this generator scope to store in the manifest (re-run answers). */
  options?: JsonValue;
}

const MANAGED_HINT = ' (a managed file: consider moving custom code into an owned file)';

/**
 * Pure: turns what a recipe produced, the disk and the previous manifest into a Plan. Reads only
 * through `disk` and `readBase`; never writes. See plan.ts for the meaning of each decision.
 */
export function reconcile(input: ReconcileInput): Plan {
  const flags = input.flags ?? {};
  const previous = input.previous;
  const next = previous ? cloneManifest(previous) : emptyManifest(input.powVersion);
  next.pow = input.powVersion;
  if (input.options !== undefined) next.options[input.generator] = input.options;

  const planned: PlannedFile[] = [];
  const baseChanges = new Map<string, string | null>();

  const track = (file: TreeFile): void => {
    const entry: ManifestFile = {
      ownership: file.ownership,
      hash: hashContent(file.content),
      generator: input.generator,
    };
    if (file.ownership !== 'patched') {
      entry.template = file.origin;
      baseChanges.set(file.path, file.content);
    }
    next.files[file.path] = entry;
  };
  const untrack = (path: string): void => {
    delete next.files[path];
    baseChanges.set(path, null);
  };

  for (const file of input.files) {
    const before = input.disk.read(file.path);
    const entry = previous?.files[file.path];
    const common = {
      path: file.path,
      ownership: file.ownership,
      origin: file.origin,
      before,
      generated: file.content,
    };

    if (file.ownership === 'patched') {
      if (before !== null && sameContent(before, file.content)) {
        planned.push({
          ...common,
          decision: 'identical',
          reason: patchReason(file.origin),
          showDiff: false,
        });
      } else {
        planned.push({
          ...common,
          decision: before === null ? 'create' : 'update',
          reason: patchReason(file.origin),
          write: { kind: 'write', content: file.content },
          showDiff: false,
        });
        track(file);
      }
      continue;
    }

    const hint = file.ownership === 'managed' ? MANAGED_HINT : '';
    const write = (content: string) => ({ kind: 'write' as const, content: matchStyleOf(before, content) });

    if (before === null) {
      if (!entry) {
        planned.push({
          ...common,
          decision: 'create',
          reason: 'new file',
          write: write(file.content),
          showDiff: false,
        });
        track(file);
      } else if (flags.force) {
        planned.push({
          ...common,
          decision: 'create',
          reason: 'deleted by you; recreated (--force)',
          write: write(file.content),
          showDiff: false,
        });
        track(file);
      } else {
        planned.push({
          ...common,
          decision: 'skip-deleted',
          reason: 'deleted by you; not recreated (--force recreates it)',
          showDiff: false,
        });
      }
      continue;
    }

    if (!entry) {
      if (sameContent(before, file.content)) {
        planned.push({
          ...common,
          decision: 'adopt',
          reason: "already matches pow's output; now tracked",
          showDiff: false,
        });
        track(file);
      } else if (flags.force) {
        planned.push({
          ...common,
          decision: 'update',
          reason: 'not written by pow; overwritten (--force)',
          write: write(file.content),
          showDiff: true,
        });
        track(file);
      } else {
        planned.push({
          ...common,
          decision: 'skip-untracked',
          reason: 'exists and was not written by pow; not touched (--force overwrites it)',
          showDiff: true,
        });
      }
      continue;
    }

    const pristine = hashContent(before) === entry.hash;
    if (sameContent(before, file.content)) {
      planned.push({
        ...common,
        decision: 'identical',
        reason: pristine ? 'up to date' : "your edits match pow's output",
        showDiff: false,
      });
      track(file);
      continue;
    }
    if (pristine) {
      planned.push({
        ...common,
        decision: 'update',
        reason: 'not edited by you; regenerated',
        write: write(file.content),
        showDiff: false,
      });
      track(file);
      continue;
    }
    if (flags.force) {
      planned.push({
        ...common,
        decision: 'update',
        reason: 'modified by you; overwritten (--force)',
        write: write(file.content),
        showDiff: true,
      });
      track(file);
      continue;
    }
    if (hasConflictMarkers(before)) {
      planned.push({
        ...common,
        decision: 'conflict',
        reason: 'still has conflict markers from an earlier run; resolve them, then re-run',
        showDiff: false,
      });
      continue;
    }

    const base = input.readBase(file.path);
    if (base !== null && sameContent(base, file.content)) {
      planned.push({
        ...common,
        decision: 'skip-modified',
        reason: `modified by you; nothing new from pow${hint}`,
        showDiff: false,
      });
      track(file);
      continue;
    }
    const merged = merge3(base ?? '', before, file.content, {
      ours: `yours (${file.path})`,
      theirs: 'pow (new output)',
    });
    if (merged.clean) {
      if (sameContent(merged.text, before)) {
        planned.push({
          ...common,
          decision: 'skip-modified',
          reason: `modified by you; already has pow's changes${hint}`,
          showDiff: false,
        });
      } else {
        planned.push({
          ...common,
          decision: 'merge',
          reason: `modified by you; pow's changes merged in${hint}`,
          write: write(merged.text),
          showDiff: false,
        });
      }
      track(file);
      continue;
    }
    const why =
      base === null
        ? `modified by you and no merge base (${basePath(file.path)} is missing)`
        : 'modified by you on the lines pow changes';
    if (flags.mergeConflicts) {
      planned.push({
        ...common,
        decision: 'conflict',
        reason: `${why}; conflict markers written${hint}`,
        write: write(merged.text),
        conflicts: merged.conflicts,
        showDiff: true,
      });
      track(file);
    } else {
      planned.push({
        ...common,
        decision: 'conflict',
        reason: `${why}; file left untouched (--merge-conflicts writes markers, --force overwrites)${hint}`,
        conflicts: merged.conflicts,
        showDiff: true,
      });
    }
  }

  // Orphans: tracked by this scope, not emitted this run.
  const emitted = new Set(input.files.map((f) => f.path));
  const owns = input.owns ?? ((_path: string, entry: ManifestFile) => entry.generator === input.generator);
  for (const [path, entry] of Object.entries(previous?.files ?? {})) {
    if (emitted.has(path) || entry.ownership === 'patched' || !owns(path, entry)) continue;
    const before = input.disk.read(path);
    const common = {
      path,
      ownership: entry.ownership,
      origin: entry.template ?? '',
      before,
      generated: null,
    };
    if (before === null) {
      planned.push({
        ...common,
        decision: 'delete-orphan',
        reason: 'no longer generated (already deleted)',
        showDiff: false,
      });
    } else if (hashContent(before) === entry.hash) {
      planned.push({
        ...common,
        decision: 'delete-orphan',
        reason: 'no longer generated',
        write: { kind: 'delete' },
        showDiff: false,
      });
    } else {
      planned.push({
        ...common,
        decision: 'keep-orphan',
        reason: 'no longer generated; kept because you modified it (no longer tracked)',
        showDiff: false,
      });
    }
    untrack(path);
  }

  for (const record of input.patches ?? []) {
    if (record.status !== 'not-applicable')
      next.patches[record.id] = { file: record.file, generator: input.generator };
  }

  const bases: BaseWrite[] = [];
  for (const [path, content] of baseChanges) {
    const current = input.readBase(path);
    if (content === null ? current !== null : current !== content)
      bases.push({ path: basePath(path), content });
  }
  bases.sort((a, b) => compareStrings(a.path, b.path));

  const manifestText = serializeManifest(next);
  const isEmpty =
    Object.keys(next.files).length === 0 &&
    Object.keys(next.patches).length === 0 &&
    Object.keys(next.options).length === 0;
  const manifestChanged =
    input.previousText !== undefined && input.previousText !== null
      ? input.previousText !== manifestText
      : previous
        ? serializeManifest(previous) !== manifestText
        : !isEmpty;

  return {
    generator: input.generator,
    flags,
    files: planned.sort((a, b) => compareStrings(a.path, b.path)),
    patches: input.patches ?? [],
    manualSteps: input.manualSteps ?? [],
    notes: input.notes ?? [],
    manifest: next,
    manifestText,
    manifestChanged,
    bases,
  };
}
