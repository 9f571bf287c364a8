import type { ProjectInfo } from './project-info.js';
import type { PackageData } from './detect-package.js';
import type { ProjectFiles } from './read-project.js';

type PackageManager = ProjectInfo['packageManager'];

const LOCKFILES: Array<[string, PackageManager]> = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

/** npm, pnpm, yarn or bun: the "packageManager" field first, then the lockfile, else npm. */
export function detectPackageManager(files: ProjectFiles, pkg: PackageData): PackageManager {
  const declared = pkg.packageManager?.split('@')[0];
  if (declared === 'npm' || declared === 'pnpm' || declared === 'yarn' || declared === 'bun') return declared;
  for (const [file, manager] of LOCKFILES) if (files.isFile(file)) return manager;
  return 'npm';
}
