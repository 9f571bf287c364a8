import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { journalInvalid } from './errors.js';
import { fsyncDir, writeFileDurable } from './durable-fs.js';
import { POW_DIR, toProjectPath } from './paths.js';

/**
 * The journal of an apply in progress: `.pow/apply/journal.json`. It names every file the run
 * changes, the temporary file holding its new bytes, the backup of its old bytes and the sha256 of
 * both, so that a run killed at any instant can be finished or undone by the next pow command
 * (see recover-apply.ts). It exists only while a run writes; a finished run removes `.pow/apply/`.
 *
 * States:
 * - `staging`: temporary files and backups are being written; no project file was touched yet.
 * - `committed`: every temporary file and backup is complete and on disk; renames into place have
 *   begun (or are about to). From here on the run is finished, never undone, when it can be.
 */
export const APPLY_DIR = `${POW_DIR}/apply`;
export const JOURNAL_PATH = `${APPLY_DIR}/journal.json`;
export const BACKUP_DIR = `${APPLY_DIR}/backup`;
export const JOURNAL_VERSION = 1;

/** Marks pow's temporary files: `.<name>.pow-tmp-<run>-<n>`, next to the file they replace. */
export const TEMP_MARK = '.pow-tmp-';

export type JournalState = 'staging' | 'committed';

export interface JournalOp {
  /** Project-relative POSIX path of the file the run changes. */
  path: string;
  kind: 'write' | 'delete';
  /** Temporary file with the new bytes (writes), next to `path`. */
  temp: string | null;
  /** Copy of the old bytes under .pow/apply/backup (null when the file did not exist). */
  backup: string | null;
  /** sha256 of the file before the run (null: absent) and after it (null: deleted). */
  before: string | null;
  after: string | null;
}

export interface Journal {
  version: typeof JOURNAL_VERSION;
  state: JournalState;
  /** The command that was writing, in words: "pow install". */
  command: string;
  /** Process that wrote the journal (a live one is still writing: see recover-apply.ts). */
  pid: number;
  /** Folders the run creates (project-relative, outermost first); removed again when undone. */
  createdDirs: string[];
  ops: JournalOp[];
}

/** The temporary file of the n-th write of run `run` (project-relative). */
export function tempPathFor(path: string, run: string, n: number): string {
  return posix.join(posix.dirname(path), `.${posix.basename(path)}${TEMP_MARK}${run}-${n}`);
}

/** The backup of the n-th file of a run (project-relative). */
export function backupPathFor(n: number): string {
  return `${BACKUP_DIR}/${n}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SHA = /^[0-9a-f]{64}$/;

function hashOrNull(value: unknown, field: string): string | null {
  if (value === null) return null;
  if (typeof value === 'string' && SHA.test(value)) return value;
  throw journalInvalid(`${field} must be a sha256 hex digest or null`);
}

/** A path the journal names, checked so that a tampered journal cannot reach outside the project. */
function projectPath(value: unknown, field: string): string {
  if (typeof value !== 'string') throw journalInvalid(`${field} must be a path`);
  try {
    const normal = toProjectPath(value, { allowPowDir: true });
    if (normal !== value) throw new Error('not normalised');
    return normal;
  } catch {
    throw journalInvalid(`${field} (${JSON.stringify(value)}) is not a path inside the project`);
  }
}

/** Parses and validates journal text. Throws POW_APPLY_JOURNAL_INVALID. */
export function parseJournal(text: string): Journal {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw journalInvalid('it is not JSON', error);
  }
  if (!isRecord(raw)) throw journalInvalid('expected an object');
  if (raw.version !== JOURNAL_VERSION) throw journalInvalid(`unknown version ${JSON.stringify(raw.version)}`);
  if (raw.state !== 'staging' && raw.state !== 'committed')
    throw journalInvalid(`unknown state ${JSON.stringify(raw.state)}`);
  if (typeof raw.command !== 'string') throw journalInvalid('"command" is missing');
  if (typeof raw.pid !== 'number' || !Number.isInteger(raw.pid)) throw journalInvalid('"pid" is missing');
  if (!Array.isArray(raw.createdDirs)) throw journalInvalid('"createdDirs" must be an array');
  if (!Array.isArray(raw.ops)) throw journalInvalid('"ops" must be an array');
  const createdDirs = raw.createdDirs.map((d, i) => projectPath(d, `createdDirs[${i}]`));
  const ops = raw.ops.map((value, i): JournalOp => {
    const where = `ops[${i}]`;
    if (!isRecord(value)) throw journalInvalid(`${where} must be an object`);
    if (value.kind !== 'write' && value.kind !== 'delete') throw journalInvalid(`${where}.kind is unknown`);
    const path = projectPath(value.path, `${where}.path`);
    const temp = value.temp === null ? null : projectPath(value.temp, `${where}.temp`);
    const backup = value.backup === null ? null : projectPath(value.backup, `${where}.backup`);
    if (temp !== null && !(posix.dirname(temp) === posix.dirname(path) && temp.includes(TEMP_MARK)))
      throw journalInvalid(`${where}.temp is not a pow temporary file next to ${path}`);
    if (backup !== null && posix.dirname(backup) !== BACKUP_DIR)
      throw journalInvalid(`${where}.backup is not in ${BACKUP_DIR}`);
    const before = hashOrNull(value.before, `${where}.before`);
    const after = hashOrNull(value.after, `${where}.after`);
    if (value.kind === 'write' && (temp === null || after === null))
      throw journalInvalid(`${where} writes ${path} but names no temporary file`);
    if (before !== null && backup === null) throw journalInvalid(`${where} has no backup of ${path}`);
    return { path, kind: value.kind, temp, backup, before, after };
  });
  return {
    version: JOURNAL_VERSION,
    state: raw.state,
    command: raw.command,
    pid: raw.pid,
    createdDirs,
    ops,
  };
}

export function serializeJournal(journal: Journal): string {
  return `${JSON.stringify(journal, null, 2)}\n`;
}

/**
 * Writes the journal atomically: a temporary file, fsynced, renamed over the journal, then the
 * folder fsynced. A kill leaves either the old journal or the new one, never a torn one.
 *
 * `create`: the run's first journal. It is linked into place instead, which fails when a journal
 * already exists, so two pow processes never write one project at once (returns false then).
 */
export function writeJournal(root: string, journal: Journal, opts: { create?: boolean } = {}): boolean {
  const abs = join(root, JOURNAL_PATH);
  mkdirSync(dirname(abs), { recursive: true });
  const temp = join(dirname(abs), `.${basename(abs)}${TEMP_MARK}${process.pid}`);
  let placed = true;
  try {
    writeFileDurable(temp, serializeJournal(journal), null);
    if (!opts.create) renameSync(temp, abs);
    else {
      try {
        linkSync(temp, abs);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        placed = false;
      }
      unlinkSync(temp);
    }
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // The original error matters more than a leftover temp file (the next run removes it).
    }
    throw error;
  }
  fsyncDir(dirname(abs));
  return placed;
}

/** The journal of an interrupted run, or null when there is none. Throws POW_APPLY_JOURNAL_INVALID. */
export function readJournal(root: string): Journal | null {
  let text: string;
  try {
    text = readFileSync(join(root, JOURNAL_PATH), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return parseJournal(text);
}
