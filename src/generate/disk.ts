import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { targetIsDirectory } from './errors.js';

/** Read access to the project as the engine sees it: text or null when the file does not exist. */
export interface DiskReader {
  read(path: string): string | null;
}

/**
 * Reads project files (UTF-8) relative to `root`. Never writes. A folder where pow expects a file
 * is refused at once (POW_TARGET_IS_DIRECTORY), before anything is planned or written.
 */
export function createDiskReader(root: string): DiskReader {
  return {
    read(path: string): string | null {
      try {
        return readFileSync(join(root, path), 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return null;
        if (code === 'EISDIR') throw targetIsDirectory([path]);
        throw error;
      }
    },
  };
}

/** An in-memory reader over a path → content record (tests, previews). */
export function memoryReader(files: Record<string, string>): DiskReader {
  return { read: (path) => (Object.prototype.hasOwnProperty.call(files, path) ? files[path] : null) };
}
