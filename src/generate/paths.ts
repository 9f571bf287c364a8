import { posix } from 'node:path';
import { invalidProjectPath } from './errors.js';

/** Folder (relative to the project root) where pow keeps its manifest and merge bases. */
export const POW_DIR = '.pow';

/**
 * Normalises a project-relative path to POSIX form (`src/pow/config.ts`). Throws POW_INVALID_PATH
 * for absolute paths, paths escaping the project, and paths inside `.pow/` (only the engine writes
 * there).
 */
export function toProjectPath(path: string, opts: { allowPowDir?: boolean } = {}): string {
  const slashed = path.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:\//.test(slashed))
    throw invalidProjectPath(path, 'it is absolute');
  const normal = posix.normalize(slashed).replace(/^\.\//, '').replace(/\/$/, '');
  if (normal === '' || normal === '.') throw invalidProjectPath(path, 'it names the project root');
  if (normal === '..' || normal.startsWith('../'))
    throw invalidProjectPath(path, 'it is outside the project');
  if (!opts.allowPowDir && (normal === POW_DIR || normal.startsWith(`${POW_DIR}/`))) {
    throw invalidProjectPath(path, '.pow/ is written by the engine only');
  }
  return normal;
}
