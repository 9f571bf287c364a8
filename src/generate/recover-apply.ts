import { mkdirSync, readdirSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { applyInProgress, interruptedApplyStuck } from './errors.js';
import { fsyncDir, hashFileOrNull, pruneEmptyDirs, removeDirIfEmpty } from './durable-fs.js';
import {
  APPLY_DIR,
  JOURNAL_PATH,
  TEMP_MARK,
  readJournal,
  type Journal,
  type JournalOp,
} from './apply-journal.js';
import { POW_DIR } from './paths.js';

/**
 * Finishing or undoing a run that was interrupted while writing (see apply-journal.ts), by the
 * next pow command, and undoing a run whose own write failed. Every step is idempotent: a
 * recovery that is itself killed is simply recovered again.
 */

export type RecoveryOutcome = 'rolled-forward' | 'rolled-back' | 'cleaned';

export interface RecoveryReport {
  outcome: RecoveryOutcome;
  /** The interrupted command, in words ("pow install"); null when only leftovers were removed. */
  command: string | null;
  /** Project files (outside .pow/) the run changes, finished or undone. */
  files: string[];
  /** What happened, in plain words, for the person at the terminal. */
  message: string;
}

/** A journal written less than this long ago by a live process belongs to a run still writing. */
const LIVE_JOURNAL_MS = 10 * 60 * 1000;

/** Where one file of the run stands now. */
type OpState = 'untouched' | 'staged' | 'done' | 'foreign';

function opState(root: string, op: JournalOp): OpState {
  const current = hashFileOrNull(join(root, op.path));
  const tempHash = op.temp === null ? null : hashFileOrNull(join(root, op.temp));
  if (op.kind === 'write') {
    if (current === op.after && (tempHash === null || op.after === op.before)) return 'done';
    if (current === op.before) return tempHash === op.after ? 'staged' : 'untouched';
    return current === op.after ? 'done' : 'foreign';
  }
  if (current === null) return op.before === null ? 'untouched' : 'done';
  return current === op.before ? 'staged' : 'foreign';
}

function removeIfPresent(abs: string): void {
  try {
    unlinkSync(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
  }
}

/** The run's files outside .pow/, for the report. */
function projectFiles(journal: Journal): string[] {
  return journal.ops.map((op) => op.path).filter((p) => p !== POW_DIR && !p.startsWith(`${POW_DIR}/`));
}

/** Removes .pow/apply (journal last but one: the backups go after it), then fsyncs .pow. */
function dropJournal(root: string): void {
  removeIfPresent(join(root, JOURNAL_PATH));
  fsyncDir(join(root, APPLY_DIR));
  rmSync(join(root, APPLY_DIR), { recursive: true, force: true });
}

/**
 * Puts every staged file in place (renames its temporary file, deletes what the run deletes),
 * then removes the journal. Only call when no op is `foreign` or `untouched` with a missing temp.
 */
export function rollForward(root: string, journal: Journal): void {
  const touchedDirs = new Set<string>();
  for (const op of journal.ops) {
    const abs = join(root, op.path);
    if (opState(root, op) !== 'staged') continue;
    if (op.kind === 'write') {
      renameSync(join(root, op.temp!), abs);
    } else {
      unlinkSync(abs);
    }
    touchedDirs.add(dirname(abs));
  }
  for (const op of journal.ops) {
    // A write whose bytes were already in place can still have its temporary file; a delete
    // killed right after its unlink still has to take its emptied folders with it.
    if (op.temp !== null) removeIfPresent(join(root, op.temp));
    if (op.kind === 'delete') pruneEmptyDirs(dirname(join(root, op.path)), root);
  }
  for (const dir of touchedDirs) fsyncDir(dir);
  dropJournal(root);
}

/**
 * Gives every file its bytes from before the run back (backups are renamed into place), removes
 * temporary files and the folders the run created, then the journal. Only call when
 * rollBackBlockers is empty.
 */
export function rollBack(root: string, journal: Journal): void {
  for (const op of [...journal.ops].reverse()) {
    const abs = join(root, op.path);
    const state = opState(root, op);
    if (op.temp !== null) removeIfPresent(join(root, op.temp));
    if (state !== 'done' || op.after === op.before) continue;
    if (op.before === null) {
      removeIfPresent(abs);
    } else {
      mkdirSync(dirname(abs), { recursive: true });
      renameSync(join(root, op.backup!), abs);
    }
    fsyncDir(dirname(abs));
  }
  rmSync(join(root, APPLY_DIR), { recursive: true, force: true });
  for (const dir of [...journal.createdDirs].reverse()) removeDirIfEmpty(join(root, dir));
}

/** True when the run can be finished: every file is done, or staged with its temporary file. */
export function canRollForward(root: string, journal: Journal): boolean {
  return journal.ops.every((op) => {
    const state = opState(root, op);
    return state === 'done' || state === 'staged' || (state === 'untouched' && op.after === op.before);
  });
}

/**
 * What keeps the run from being undone: files changed by someone else since it was interrupted
 * (neither pow's old nor new bytes), and files already replaced whose backup is gone.
 */
export function rollBackBlockers(root: string, journal: Journal): string[] {
  const blockers: string[] = [];
  for (const op of journal.ops) {
    const state = opState(root, op);
    if (state === 'foreign') blockers.push(`${op.path} (changed since)`);
    else if (state === 'done' && op.before !== null && op.after !== op.before) {
      if (hashFileOrNull(join(root, op.backup!)) !== op.before)
        blockers.push(`${op.path} (its backup ${op.backup} is gone)`);
    }
  }
  return blockers;
}

/**
 * True when the journal belongs to a run still writing: its process is alive (and is not this
 * one) and the journal is less than 10 minutes old (process ids are reused).
 */
export function journalIsLive(root: string, journal: Journal): boolean {
  if (journal.pid === process.pid) return false;
  try {
    process.kill(journal.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return Date.now() - statSync(join(root, JOURNAL_PATH)).mtimeMs < LIVE_JOURNAL_MS;
  } catch {
    return false;
  }
}

function countWords(files: string[]): string {
  return `${files.length} file${files.length === 1 ? '' : 's'}`;
}

/**
 * Run first by every pow command on a project: when a run was interrupted while writing
 * (`.pow/apply/journal.json` exists), finishes it when every new file had been staged (the journal
 * says `committed`), else undoes it, and says which in plain words. Null when there was nothing
 * to do. Throws POW_APPLY_JOURNAL_INVALID (unreadable journal), POW_APPLY_INTERRUPTED (files
 * changed since, so neither is safe) or POW_APPLY_IN_PROGRESS (another pow is writing now); in
 * each case nothing is touched.
 */
export function recoverInterruptedApply(root: string): RecoveryReport | null {
  const applyDir = join(root, APPLY_DIR);
  let entries: string[];
  try {
    entries = readdirSync(applyDir);
  } catch {
    return null;
  }
  const journal = readJournal(root);
  if (journal === null) {
    // Killed before its journal was in place (nothing else written yet), or after it was removed
    // (everything in place): only pow's own bookkeeping is left.
    rmSync(applyDir, { recursive: true, force: true });
    removeDirIfEmpty(join(root, POW_DIR));
    const what = entries.some((e) => e.includes(TEMP_MARK)) ? 'an interrupted pow run' : 'a pow run';
    return {
      outcome: 'cleaned',
      command: null,
      files: [],
      message: `Removed what ${what} left in ${APPLY_DIR}/; no project file needed finishing or undoing.`,
    };
  }
  if (journalIsLive(root, journal)) throw applyInProgress(journal.command, journal.pid);
  const files = projectFiles(journal);
  if (journal.state === 'committed' && canRollForward(root, journal)) {
    rollForward(root, journal);
    return {
      outcome: 'rolled-forward',
      command: journal.command,
      files,
      message: `${journal.command} was interrupted while putting its changes in place; pow finished it: all ${countWords(files)} of that run are written, as if it had not been interrupted.`,
    };
  }
  const blockers = rollBackBlockers(root, journal);
  if (blockers.length > 0) throw interruptedApplyStuck(journal.command, blockers);
  rollBack(root, journal);
  return {
    outcome: 'rolled-back',
    command: journal.command,
    files,
    message: `${journal.command} was interrupted before all its changes were ready; pow undid it: the project is as it was before that run (re-run ${journal.command} to make its changes).`,
  };
}
