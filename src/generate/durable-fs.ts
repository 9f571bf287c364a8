import { createHash } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  openSync,
  readFileSync,
  readdirSync,
  rmdirSync,
  writeSync,
} from 'node:fs';
import { dirname, sep } from 'node:path';

/**
 * The low-level file calls of the writer and of recovery: writes that reach the disk before they
 * count (fsync of the file, then of its folder), and content hashes of raw bytes.
 */

/** File bytes, or null when it does not exist (or a parent is not a folder). */
export function readBytesOrNull(abs: string): Buffer | null {
  try {
    return readFileSync(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

/** sha256 (hex) of raw bytes: the journal compares exact bytes, not normalised text. */
export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 of a file's bytes, or null when it does not exist. */
export function hashFileOrNull(abs: string): string | null {
  const bytes = readBytesOrNull(abs);
  return bytes === null ? null : sha256(bytes);
}

/**
 * Creates (or truncates) `abs` with `data`, sets `mode` when given, and fsyncs it before closing,
 * so a rename of it later never exposes a file whose bytes are still in flight.
 */
export function writeFileDurable(abs: string, data: string | Buffer, mode: number | null): void {
  const fd = openSync(abs, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    if (mode !== null) fchmodSync(fd, mode & 0o7777);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync of a folder, so the renames and unlinks in it are on disk (best effort: not every OS can). */
export function fsyncDir(abs: string): void {
  let fd: number;
  try {
    fd = openSync(abs, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot fsync a folder; the rename itself is still atomic.
  } finally {
    closeSync(fd);
  }
}

/** Removes `dir` when it exists and is empty; true when it is gone. */
export function removeDirIfEmpty(dir: string): boolean {
  try {
    if (readdirSync(dir).length > 0) return false;
    rmdirSync(dir);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** Removes empty folders from `dir` up to (not including) `root`. */
export function pruneEmptyDirs(dir: string, root: string): void {
  let at = dir;
  while (at.startsWith(`${root}${sep}`) && removeDirIfEmpty(at)) at = dirname(at);
}
