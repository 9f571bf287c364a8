import * as nodeFs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PowError } from '../shared/pow-error.js';
import { applyFailed } from './errors.js';
import { MANIFEST_PATH } from './manifest.js';
import type { Plan } from './plan.js';

/** The file-system calls applyPlan makes (sync; injectable so tests can fail a write on purpose). */
export interface ApplyFs {
  readFileSync(path: string): Buffer;
  writeFileSync(path: string, data: string | Buffer): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  mkdirSync(path: string): void;
  rmdirSync(path: string): void;
  readdirSync(path: string): string[];
  statSync(path: string): { mode: number; isDirectory(): boolean };
  chmodSync(path: string, mode: number): void;
  existsSync(path: string): boolean;
}

export interface ApplyOptions {
  /** Project root (absolute). */
  root: string;
  /** Defaults to node:fs. */
  fs?: ApplyFs;
  /** Test seam: called before each write/delete with the project path and its index in the run. */
  beforeWrite?: (path: string, index: number) => void;
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

interface Undo {
  abs: string;
  previous: Buffer | null;
  mode: number | null;
}

/**
 * The only writer of the generation engine. Writes every planned file atomically (temp file in the
 * same folder + rename), then the merge bases, then `.pow/manifest.json` last. Before writing it
 * checks that no planned file changed on disk since the plan was made. If any step fails, every
 * file already written is restored to its previous bytes, created files and folders are removed,
 * and a POW_APPLY_FAILED error is thrown: the project is byte-identical to before the run.
 */
export function applyPlan(plan: Plan, options: ApplyOptions): ApplySummary {
  const fs = options.fs ?? (nodeFs as unknown as ApplyFs);
  const root = options.root;
  const ops: Op[] = [];
  for (const file of plan.files) {
    if (!file.write) continue;
    ops.push({ path: file.path, content: file.write.kind === 'write' ? file.write.content : null });
  }
  for (const base of plan.bases) ops.push({ path: base.path, content: base.content });
  if (plan.manifestChanged) ops.push({ path: MANIFEST_PATH, content: plan.manifestText });

  // Refuse to act on a stale plan (a file edited between planning and applying).
  for (const file of plan.files) {
    if (!file.write) continue;
    const current = readOrNull(fs, join(root, file.path));
    const now = current === null ? null : current.toString('utf8');
    if (now !== file.before) {
      throw new PowError({
        code: 'POW_PLAN_STALE',
        message: `${file.path} changed on disk after pow planned this run; nothing was written.`,
        fix: 'Re-run the command.',
      });
    }
  }

  const undo: Undo[] = [];
  const createdDirs: string[] = [];
  const removedDirs: string[] = [];
  let index = 0;
  let current = '';
  try {
    for (const op of ops) {
      current = op.path;
      options.beforeWrite?.(op.path, index);
      index += 1;
      const abs = join(root, op.path);
      const previous = readOrNull(fs, abs);
      const mode = previous === null ? null : fs.statSync(abs).mode;
      if (op.content === null) {
        if (previous === null) continue;
        undo.push({ abs, previous, mode });
        fs.unlinkSync(abs);
        removedDirs.push(...pruneEmptyDirs(fs, dirname(abs), root));
      } else {
        createdDirs.push(...mkdirp(fs, dirname(abs)));
        undo.push({ abs, previous, mode });
        writeAtomic(fs, abs, op.content, mode);
      }
    }
  } catch (error) {
    const rolledBack = rollback(fs, undo, createdDirs, removedDirs);
    throw applyFailed(current, error, rolledBack);
  }

  const written: string[] = [];
  const deleted: string[] = [];
  for (const file of plan.files) {
    if (file.write?.kind === 'write') written.push(file.path);
    else if (file.write?.kind === 'delete' && file.before !== null) deleted.push(file.path);
  }
  return { written, deleted, bases: plan.bases.length, manifestWritten: plan.manifestChanged };
}

function readOrNull(fs: ApplyFs, abs: string): Buffer | null {
  try {
    return fs.readFileSync(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

let tempCounter = 0;

function writeAtomic(fs: ApplyFs, abs: string, data: string | Buffer, mode: number | null): void {
  tempCounter += 1;
  const temp = join(dirname(abs), `.${basename(abs)}.pow-tmp-${process.pid}-${tempCounter}`);
  try {
    fs.writeFileSync(temp, data);
    if (mode !== null) fs.chmodSync(temp, mode & 0o7777);
    fs.renameSync(temp, abs);
  } catch (error) {
    try {
      if (fs.existsSync(temp)) fs.unlinkSync(temp);
    } catch {
      // The original error matters more than a leftover temp file.
    }
    throw error;
  }
}

/** mkdir -p; returns the folders it created, outermost first. */
function mkdirp(fs: ApplyFs, dir: string): string[] {
  const missing: string[] = [];
  let at = dir;
  while (!fs.existsSync(at)) {
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const d of missing) fs.mkdirSync(d);
  return missing;
}

/** Removes empty folders from `dir` up to (not including) `root`; returns them innermost first. */
function pruneEmptyDirs(fs: ApplyFs, dir: string, root: string): string[] {
  const removed: string[] = [];
  let at = dir;
  while (at.startsWith(root) && at !== root && fs.existsSync(at) && fs.readdirSync(at).length === 0) {
    fs.rmdirSync(at);
    removed.push(at);
    at = dirname(at);
  }
  return removed;
}

function rollback(fs: ApplyFs, undo: Undo[], createdDirs: string[], removedDirs: string[]): boolean {
  let ok = true;
  for (const d of [...removedDirs].reverse()) {
    try {
      if (!fs.existsSync(d)) fs.mkdirSync(d);
    } catch {
      ok = false;
    }
  }
  for (const step of [...undo].reverse()) {
    try {
      if (step.previous === null) {
        if (fs.existsSync(step.abs)) fs.unlinkSync(step.abs);
      } else {
        writeAtomic(fs, step.abs, step.previous, step.mode);
      }
    } catch {
      ok = false;
    }
  }
  for (const d of [...createdDirs].reverse()) {
    try {
      if (fs.existsSync(d) && fs.readdirSync(d).length === 0) fs.rmdirSync(d);
    } catch {
      ok = false;
    }
  }
  return ok;
}
