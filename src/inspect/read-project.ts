import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Read-only file helpers shared by the detectors. Paths given to them are relative to the
 * project root with forward slashes; nothing here writes (inspect never writes).
 */
export interface ProjectFiles {
  readonly root: string;
  /** Absolute path of a root-relative path. */
  abs(relative: string): string;
  /** Root-relative POSIX path of an absolute path. */
  rel(absolute: string): string;
  exists(relative: string): boolean;
  isDirectory(relative: string): boolean;
  isFile(relative: string): boolean;
  read(relative: string): string;
  /** Parsed JSON, or undefined when the file is absent. Throws SyntaxError on bad JSON. */
  readJson(relative: string): unknown;
  /** Directory entries (names), sorted; empty when the folder does not exist. */
  list(relative: string): string[];
}

/** Builds the read-only view of the project rooted at `root` (an absolute path). */
export function readProject(root: string): ProjectFiles {
  const abs = (relative: string): string => path.resolve(root, relative);
  const statOf = (relative: string) => {
    try {
      return statSync(abs(relative));
    } catch {
      return undefined;
    }
  };
  return {
    root,
    abs,
    rel: (absolute) => toPosix(path.relative(root, absolute)) || '.',
    exists: (relative) => existsSync(abs(relative)),
    isDirectory: (relative) => statOf(relative)?.isDirectory() ?? false,
    isFile: (relative) => statOf(relative)?.isFile() ?? false,
    read: (relative) => readFileSync(abs(relative), 'utf8'),
    readJson: (relative) =>
      existsSync(abs(relative)) ? (JSON.parse(readFileSync(abs(relative), 'utf8')) as unknown) : undefined,
    list: (relative) => {
      try {
        return readdirSync(abs(relative)).sort();
      } catch {
        return [];
      }
    },
  };
}

/** Joins root-relative POSIX paths and normalises the result ("." for the root itself). */
export function joinPosix(...parts: string[]): string {
  const joined = path.posix.normalize(parts.filter((part) => part !== '').join('/'));
  return joined === '' ? '.' : joined.replace(/\/$/, '');
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
