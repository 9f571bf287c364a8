import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PowError } from '../shared/pow-error.js';
import {
  APPLY_DIR,
  BACKUP_DIR,
  JOURNAL_PATH,
  JOURNAL_VERSION,
  TEMP_MARK,
  backupPathFor,
  readJournal,
  tempPathFor,
  writeJournal,
  type Journal,
  type JournalOp,
} from './apply-journal.js';
import {
  fsyncDir,
  pruneEmptyDirs,
  readBytesOrNull,
  removeDirIfEmpty,
  sha256,
  writeFileDurable,
} from './durable-fs.js';
import { applyFailed, applyInProgress } from './errors.js';
import { MANIFEST_PATH } from './manifest.js';
import type { Plan } from './plan.js';
import { checkTargets, missingDirs } from './preflight.js';
import { journalIsLive, rollBack, rollBackBlockers } from './recover-apply.js';

/** One step of the write phase, in order (see applyPlan); `path` is the file it is about. */
export interface ApplyStep {
  /** 0-based position among all steps of this apply. */
  index: number;
  /** Of how many. */
  total: number;
  phase: 'journal' | 'stage' | 'commit' | 'place' | 'finish' | 'cleanup';
  path: string | null;
}

export interface ApplyOptions {
  /** Project root (absolute). */
  root: string;
  /** Test seam: called before each file is staged, with its project path and index in the run. */
  beforeWrite?: (path: string, index: number) => void;
  /** Test seam: called before every step of the write phase (the kill tests pause here). */
  onStep?: (step: ApplyStep) => void;
}

export interface ApplySummary {
  /** Project files created or changed (not counting .pow/). */
  written: string[];
  deleted: string[];
  /** Entries under .pow/base written or removed. */
  bases: number;
  manifestWritten: boolean;
}

interface Op {
  path: string;
  content: string | null;
}

/**
 * The only writer of the generation engine. A run changes nothing or everything, even when it is
 * killed at any instant:
 *
 * 1. Checks, writing nothing: no planned file changed since planning (POW_PLAN_STALE), and every
 *    target can be written (preflight.ts: read-only files, folders in the way).
 * 2. `journal`: writes `.pow/apply/journal.json` (state `staging`) naming every file, its
 *    temporary file, its backup and the hashes of its old and new bytes.
 * 3. `stage`: per file, the new bytes go to a temporary file next to it and the old bytes to
 *    `.pow/apply/backup/<n>`, each fsynced.
 * 4. `commit`: the journal becomes `committed` (atomically). A run killed from here on is finished
 *    by the next pow command (recover-apply.ts); one killed before is undone.
 * 5. `place`: temporary files are renamed over their files (files first, then merge bases, then
 *    `.pow/manifest.json` last); deleted files are unlinked.
 * 6. `finish` / `cleanup`: the journal is removed, then the backups.
 *
 * A failure (not a kill) at any step undoes the run here and throws POW_APPLY_FAILED: the project
 * is byte-identical to before.
 */
export function applyPlan(plan: Plan, options: ApplyOptions): ApplySummary {
  const root = options.root;
  const ops: Op[] = [];
  for (const file of plan.files) {
    if (!file.write) continue;
    ops.push({ path: file.path, content: file.write.kind === 'write' ? file.write.content : null });
  }
  for (const base of plan.bases) ops.push({ path: base.path, content: base.content });
  if (plan.manifestChanged) ops.push({ path: MANIFEST_PATH, content: plan.manifestText });

  checkTargets(
    root,
    ops.map((op) => op.path),
  );
  // Refuse to act on a stale plan (a file edited between planning and applying).
  for (const file of plan.files) {
    if (!file.write) continue;
    const current = readBytesOrNull(join(root, file.path));
    const now = current === null ? null : current.toString('utf8');
    if (now !== file.before) {
      throw new PowError({
        code: 'POW_PLAN_STALE',
        message: `${file.path} changed on disk after pow planned this run; nothing was written.`,
        fix: 'Re-run the command.',
      });
    }
  }

  const summary = summarize(plan);
  if (ops.length > 0) writeOps(root, plan, ops, options);
  return summary;
}

function summarize(plan: Plan): ApplySummary {
  const written: string[] = [];
  const deleted: string[] = [];
  for (const file of plan.files) {
    if (file.write?.kind === 'write') written.push(file.path);
    else if (file.write?.kind === 'delete' && file.before !== null) deleted.push(file.path);
  }
  return { written, deleted, bases: plan.bases.length, manifestWritten: plan.manifestChanged };
}

/** Steps 2–6 of applyPlan. */
function writeOps(root: string, plan: Plan, ops: Op[], options: ApplyOptions): void {
  const run = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
  const created = new Set<string>(missingDirs(root, `${APPLY_DIR}/x`).filter((d) => d !== APPLY_DIR));
  const entries: { op: JournalOp; before: Buffer | null; mode: number | null; content: string | null }[] =
    ops.map((op, n) => {
      const abs = join(root, op.path);
      const before = readBytesOrNull(abs);
      if (op.content !== null) for (const dir of missingDirs(root, op.path)) created.add(dir);
      return {
        op: {
          path: op.path,
          kind: op.content === null ? 'delete' : 'write',
          temp: op.content === null ? null : tempPathFor(op.path, run, n),
          backup: before === null ? null : backupPathFor(n),
          before: before === null ? null : sha256(before),
          after: op.content === null ? null : sha256(op.content),
        },
        before,
        mode: before === null ? null : statSync(abs).mode,
        content: op.content,
      };
    });
  const journal: Journal = {
    version: JOURNAL_VERSION,
    state: 'staging',
    command: `pow ${plan.generator.split(':')[0]}`,
    pid: process.pid,
    createdDirs: [...created].sort((a, b) => a.split('/').length - b.split('/').length),
    ops: entries.map((e) => e.op),
  };

  const total = 2 * ops.length + 4;
  let index = 0;
  let current = JOURNAL_PATH;
  const step = (phase: ApplyStep['phase'], path: string | null) => {
    current = path ?? JOURNAL_PATH;
    options.onStep?.({ index, total, phase, path });
    index += 1;
  };
  // The journal first, created exclusively: it is what makes the rest recoverable, and no other
  // pow process may be writing this project at the same time.
  let placed: boolean;
  try {
    step('journal', null);
    placed = writeJournal(root, journal, { create: true });
  } catch (error) {
    // No journal of this run exists: only the folders made for it are to go.
    if (!existsSync(join(root, JOURNAL_PATH)))
      rmSync(join(root, APPLY_DIR), { recursive: true, force: true });
    for (const dir of [...journal.createdDirs].reverse()) removeDirIfEmpty(join(root, dir));
    throw applyFailed(JOURNAL_PATH, error, true);
  }
  if (!placed) throw anotherRun(root);
  try {
    mkdirSync(join(root, BACKUP_DIR), { recursive: true });
    removeLeftoverTemps(root, ops);

    const stagedDirs = new Set<string>([join(root, BACKUP_DIR)]);
    entries.forEach((entry, n) => {
      step('stage', entry.op.path);
      options.beforeWrite?.(entry.op.path, n);
      const abs = join(root, entry.op.path);
      if (entry.content !== null) {
        mkdirSync(dirname(abs), { recursive: true });
        writeFileDurable(join(root, entry.op.temp!), entry.content, entry.mode);
        stagedDirs.add(dirname(abs));
      }
      if (entry.before !== null) writeFileDurable(join(root, entry.op.backup!), entry.before, entry.mode);
    });
    for (const dir of stagedDirs) fsyncDir(dir);

    step('commit', null);
    writeJournal(root, { ...journal, state: 'committed' });

    const placedDirs = new Set<string>();
    for (const entry of entries) {
      step('place', entry.op.path);
      const abs = join(root, entry.op.path);
      if (entry.op.kind === 'write') renameSync(join(root, entry.op.temp!), abs);
      else if (entry.before !== null) {
        unlinkSync(abs);
        pruneEmptyDirs(dirname(abs), root);
      }
      placedDirs.add(dirname(abs));
    }
    for (const dir of placedDirs) fsyncDir(dir);

    step('finish', null);
    unlinkSync(join(root, JOURNAL_PATH));
    fsyncDir(join(root, APPLY_DIR));
    step('cleanup', null);
  } catch (error) {
    throw applyFailed(current, error, undo(root, journal));
  }
  // The run is complete once the journal is gone; leftovers here are removed by the next run.
  rmSync(join(root, APPLY_DIR), { recursive: true, force: true });
}

/**
 * Removes temporary files an older pow left next to the files this run writes (`.<name>.pow-tmp-*`
 * of a run killed before pow kept a journal). This run's own are named in its journal.
 */
function removeLeftoverTemps(root: string, ops: Op[]): void {
  const byDir = new Map<string, Set<string>>();
  for (const op of ops) {
    const dir = dirname(join(root, op.path));
    const names = byDir.get(dir) ?? new Set<string>();
    names.add(`.${basename(op.path)}${TEMP_MARK}`);
    byDir.set(dir, names);
  }
  for (const [dir, prefixes] of byDir) {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of entries) {
      if ([...prefixes].some((prefix) => name.startsWith(prefix))) rmSync(join(dir, name), { force: true });
    }
  }
}

/** The error for a journal that was already in place when this run wanted to write its own. */
function anotherRun(root: string): PowError {
  const other = readJournal(root);
  if (other && journalIsLive(root, other)) return applyInProgress(other.command, other.pid);
  return new PowError({
    code: 'POW_PLAN_STALE',
    message: `${other?.command ?? 'Another pow run'} was interrupted while writing this project, after this run planned; nothing was written.`,
    fix: 'Re-run the command: it finishes or undoes the interrupted run first.',
  });
}

/** Undoes a run whose write failed in this process; false when that was not possible. */
function undo(root: string, journal: Journal): boolean {
  try {
    if (rollBackBlockers(root, journal).length > 0) return false;
    rollBack(root, journal);
    return true;
  } catch {
    return false;
  }
}
