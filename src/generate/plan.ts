import type { ConflictHunk } from './merge3.js';
import type { Manifest, Ownership } from './manifest.js';
import type { ManualStep, PatchRecord } from './virtual-tree.js';

/**
 * What reconcile decided for one file (architecture B5, with three-way merge as the default for
 * files the team modified):
 * - `create` / `update`: write pow's output;
 * - `merge`: the team edited it and pow's output changed; the clean three-way merge is written;
 * - `conflict`: both changed the same lines; nothing is written (or markers with --merge-conflicts);
 * - `identical` / `adopt`: nothing to write (adopt starts tracking a file that already matches);
 * - `skip-modified`: the team edited it, pow has nothing new for it;
 * - `skip-deleted`: the team deleted it, it stays deleted;
 * - `skip-untracked`: a file pow never wrote is in the way; --force overwrites;
 * - `delete-orphan` / `keep-orphan`: no longer generated; deleted if pristine, kept if edited.
 */
export type Decision =
  | 'create'
  | 'update'
  | 'merge'
  | 'conflict'
  | 'identical'
  | 'adopt'
  | 'skip-modified'
  | 'skip-deleted'
  | 'skip-untracked'
  | 'delete-orphan'
  | 'keep-orphan';

/** The verb printed for a decision (one action line per file). */
export type Action = 'create' | 'update' | 'merge' | 'identical' | 'skip' | 'conflict' | 'delete';

/** What applyPlan does to the file itself. */
export type FileWrite = { kind: 'write'; content: string } | { kind: 'delete' };

export interface PlannedFile {
  /** Project-relative POSIX path. */
  path: string;
  ownership: Ownership;
  decision: Decision;
  /** Shown verbatim after the verb, e.g. "modified by you; pow's changes merged". */
  reason: string;
  /** Template id, or the patch ids for patched files. */
  origin: string;
  /** Content on disk now (null: absent). */
  before: string | null;
  /** What pow generated this run (null for orphans). */
  generated: string | null;
  /** The change applyPlan makes; absent when the file is left as it is. */
  write?: FileWrite;
  /** Conflicting regions (decision `conflict`). */
  conflicts?: ConflictHunk[];
  /** True when the report should show the diff even without --diff (forced overwrites, conflicts). */
  showDiff: boolean;
}

/** A write to pow's own bookkeeping under .pow/base (null deletes). */
export interface BaseWrite {
  path: string;
  content: string | null;
}

export interface PlanFlags {
  /** Overwrite modified/untracked files and recreate deleted ones (the diff is shown). */
  force?: boolean;
  /** Write git-style conflict markers into conflicting files instead of leaving them untouched. */
  mergeConflicts?: boolean;
}

export interface Plan {
  /** Generator scope of the run, e.g. "install". */
  generator: string;
  flags: PlanFlags;
  files: PlannedFile[];
  patches: PatchRecord[];
  manualSteps: ManualStep[];
  notes: string[];
  /** The manifest after applying. */
  manifest: Manifest;
  /** Its serialised text, and whether it differs from the manifest on disk. */
  manifestText: string;
  manifestChanged: boolean;
  /** Merge bases to write or delete under .pow/base (only the ones that change). */
  bases: BaseWrite[];
}

const ACTIONS: Record<Decision, Action> = {
  create: 'create',
  update: 'update',
  merge: 'merge',
  conflict: 'conflict',
  identical: 'identical',
  adopt: 'identical',
  'skip-modified': 'skip',
  'skip-deleted': 'skip',
  'skip-untracked': 'skip',
  'delete-orphan': 'delete',
  'keep-orphan': 'skip',
};

/** The printed verb for a planned file. */
export function actionOf(file: Pick<PlannedFile, 'decision'>): Action {
  return ACTIONS[file.decision];
}

/** Files that applyPlan would write or delete. */
export function fileWrites(plan: Plan): PlannedFile[] {
  return plan.files.filter((f) => f.write !== undefined);
}

/** True when applying the plan would change nothing on disk (files, bases or manifest). */
export function isNoop(plan: Plan): boolean {
  return fileWrites(plan).length === 0 && plan.bases.length === 0 && !plan.manifestChanged;
}

/** True when at least one file has a conflict (exit code 3). */
export function hasConflicts(plan: Plan): boolean {
  return plan.files.some((f) => f.decision === 'conflict');
}

/** Number of files per printed verb. */
export function countActions(plan: Plan): Record<Action, number> {
  const counts: Record<Action, number> = {
    create: 0,
    update: 0,
    merge: 0,
    identical: 0,
    skip: 0,
    conflict: 0,
    delete: 0,
  };
  for (const f of plan.files) counts[actionOf(f)] += 1;
  return counts;
}

/** Exit code the CLI should use for this plan: 3 when something conflicts, else 0. */
export function planExitCode(plan: Plan): 0 | 3 {
  return hasConflicts(plan) ? 3 : 0;
}
