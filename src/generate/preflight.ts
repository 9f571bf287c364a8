import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { join, posix } from 'node:path';
import { targetIsDirectory, targetParentNotDirectory, targetReadOnly } from './errors.js';

/**
 * Checks, before anything is written, that every file a run writes or deletes can be: no folder
 * where a file goes, no file where a folder must be, no read-only file. A read-only file is one
 * without write permission for its owner (checked by mode, so `chmod 444` holds even for root) or
 * one this process may not write. Throws the first kind of problem found, naming every file with
 * it.
 */
export function checkTargets(root: string, paths: readonly string[]): void {
  const folders: string[] = [];
  const readOnly: { path: string; mode: number }[] = [];
  for (const path of paths) {
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i += 1) {
      const parent = segments.slice(0, i).join('/');
      const stats = statOrNull(join(root, parent));
      if (stats === null) break;
      if (!stats.isDirectory()) throw targetParentNotDirectory(parent, path);
    }
    const abs = join(root, path);
    const stats = statOrNull(abs);
    if (stats === null) continue;
    if (stats.isDirectory()) folders.push(path);
    else if (!isWritable(abs, stats)) readOnly.push({ path, mode: stats.mode });
  }
  if (folders.length > 0) throw targetIsDirectory(folders);
  if (readOnly.length > 0)
    throw targetReadOnly(
      readOnly.map((r) => r.path),
      readOnly[0]!.mode,
    );
}

function statOrNull(abs: string): Stats | null {
  try {
    return statSync(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

function isWritable(abs: string, stats: Stats): boolean {
  if ((stats.mode & 0o200) === 0) return false;
  try {
    accessSync(abs, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The folders of `path` (project-relative) that do not exist yet, outermost first. */
export function missingDirs(root: string, path: string): string[] {
  const missing: string[] = [];
  let at = posix.dirname(path);
  while (at !== '.' && statOrNull(join(root, at)) === null) {
    missing.unshift(at);
    at = posix.dirname(at);
  }
  return missing;
}
