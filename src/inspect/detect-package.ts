import type { ProjectFiles } from './read-project.js';
import { inspectErrors } from './errors.js';

/** What pow reads from package.json. */
export interface PackageData {
  name: string | null;
  /** The "type" field: "module" or "commonjs" (npm's default). */
  type: 'module' | 'commonjs';
  main: string | null;
  scripts: Record<string, string>;
  /** dependencies, devDependencies, peerDependencies and optionalDependencies merged (dependencies win). */
  dependencies: Record<string, string>;
  /** The "packageManager" field (Corepack), e.g. "pnpm@9.1.0". */
  packageManager: string | null;
  /** The legacy "prisma" key (package.json#prisma.schema). */
  prismaSchema: string | null;
}

/** Reads package.json at the project root. Throws POW_NO_PACKAGE_JSON when it is absent. */
export function detectPackage(files: ProjectFiles): PackageData {
  let raw: unknown;
  try {
    raw = files.readJson('package.json');
  } catch (error) {
    throw inspectErrors.invalidPackageJson(error instanceof Error ? error.message : String(error));
  }
  if (raw === undefined) throw inspectErrors.noPackageJson(files.root);
  const pkg = isRecord(raw) ? raw : {};
  const dependencies: Record<string, string> = {};
  // Later groups must not override earlier ones, so merge from least to most important.
  for (const key of ['optionalDependencies', 'peerDependencies', 'devDependencies', 'dependencies']) {
    Object.assign(dependencies, stringRecord(pkg[key]));
  }
  const prisma = isRecord(pkg.prisma) ? pkg.prisma : {};
  return {
    name: typeof pkg.name === 'string' ? pkg.name : null,
    type: pkg.type === 'module' ? 'module' : 'commonjs',
    main: typeof pkg.main === 'string' ? pkg.main : null,
    scripts: stringRecord(pkg.scripts),
    dependencies,
    packageManager: typeof pkg.packageManager === 'string' ? pkg.packageManager : null,
    prismaSchema: typeof prisma.schema === 'string' ? prisma.schema : null,
  };
}

/**
 * The version of a dependency the app will run with: the installed one
 * (`<root>/node_modules/<name>/package.json`) when it agrees with the major that package.json
 * asks for, else the lowest version the declared range allows. A disagreeing node_modules is
 * stale (the next `npm install` replaces it), and generated code must fit what package.json
 * asks for. Returns null when the package is neither declared nor installed.
 */
export function resolveVersion(files: ProjectFiles, pkg: PackageData, name: string): string | null {
  const declared = pkg.dependencies[name];
  const declaredVersion = declared === undefined ? null : minVersion(declared);
  let installed: string | null = null;
  try {
    const manifest = files.readJson(`node_modules/${name}/package.json`);
    if (isRecord(manifest) && typeof manifest.version === 'string') installed = manifest.version;
  } catch {
    installed = null;
  }
  if (installed !== null && (declaredVersion === null || majorOf(installed) === majorOf(declaredVersion))) {
    return installed;
  }
  return declaredVersion;
}

/** Lowest version a range like "^5.1.0", "~4.21", ">=7 <8", "npm:express@4.21.2" or "5.x" allows. */
export function minVersion(range: string): string | null {
  const withoutAlias =
    range.includes('@') && range.startsWith('npm:') ? range.slice(range.lastIndexOf('@') + 1) : range;
  const match = /(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?(-[0-9A-Za-z.-]+)?/.exec(withoutAlias);
  if (match === null) return null;
  const part = (value: string | undefined) =>
    value === undefined || value === 'x' || value === '*' ? '0' : value;
  return `${match[1]}.${part(match[2])}.${part(match[3])}${match[4] ?? ''}`;
}

export function majorOf(version: string): number | null {
  const major = Number.parseInt(version, 10);
  return Number.isNaN(major) ? null : major;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') out[key] = entry;
  return out;
}
