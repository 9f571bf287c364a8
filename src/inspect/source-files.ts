import { Project, type SourceFile } from 'ts-morph';
import type { ProjectFiles } from './read-project.js';
import { joinPosix } from './read-project.js';

const SOURCE_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx'];
// Folders that never hold the app's own server code, at any depth.
const SKIP_ANYWHERE = new Set(['node_modules', '__tests__', '__mocks__']);
// Folders at the project root that hold build output, assets, tests or the Prisma schema.
const SKIP_AT_ROOT = new Set([
  'dist',
  'build',
  'out',
  'coverage',
  'public',
  'prisma',
  'test',
  'tests',
  'views',
]);
const MAX_FILES = 2000;
const MAX_BYTES = 512 * 1024;

/** The app's source files, parsed into an in-memory ts-morph project (no type-check, no writes). */
export interface SourceScan {
  project: Project;
  /** Parsed files, keyed by root-relative path. */
  files: Map<string, SourceFile>;
}

/**
 * Parses the app's own JS/TS files that mention `needles` (a cheap pre-filter that keeps big
 * projects fast; every detection itself is structural). Skips node_modules, dot-folders,
 * build output, tests, declaration files and the folders in `skip` (e.g. Prisma's output).
 */
export function scanSources(files: ProjectFiles, needles: string[], skip: string[] = []): SourceScan {
  const project = new Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    compilerOptions: { allowJs: true },
  });
  const parsed = new Map<string, SourceFile>();
  const skipped = new Set(skip.map((dir) => joinPosix(dir)));
  let seen = 0;

  const walk = (dir: string): void => {
    for (const name of files.list(dir)) {
      if (seen >= MAX_FILES) return;
      const relative = dir === '.' ? name : `${dir}/${name}`;
      if (files.isDirectory(relative)) {
        if (name.startsWith('.') || SKIP_ANYWHERE.has(name) || skipped.has(relative)) continue;
        if (dir === '.' && SKIP_AT_ROOT.has(name)) continue;
        walk(relative);
        continue;
      }
      if (!isSourceFile(name)) continue;
      seen += 1;
      const text = files.read(relative);
      if (text.length > MAX_BYTES || !needles.some((needle) => text.includes(needle))) continue;
      parsed.set(relative, project.createSourceFile(`/${relative}`, text, { overwrite: true }));
    }
  };
  walk('.');
  return { project, files: parsed };
}

function isSourceFile(name: string): boolean {
  if (name.endsWith('.d.ts') || name.endsWith('.d.mts') || name.endsWith('.d.cts')) return false;
  if (/\.(test|spec)\.[cm]?[jt]sx?$/.test(name)) return false;
  return SOURCE_EXTENSIONS.some((extension) => name.endsWith(extension));
}
