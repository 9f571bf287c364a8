import type { ProjectInfo } from './project-info.js';
import { majorOf, resolveVersion, type PackageData } from './detect-package.js';
import type { ProjectFiles } from './read-project.js';
import { inspectErrors } from './errors.js';

/** Frameworks pow recognises but cannot set up yet, by the package that gives them away. */
const UNSUPPORTED: Array<[pkg: string, name: string]> = [
  ['@nestjs/core', 'NestJS'],
  ['next', 'Next.js'],
  ['fastify', 'fastify'],
  ['koa', 'koa'],
  ['hono', 'hono'],
  ['@hapi/hapi', 'hapi'],
];

/**
 * Express 4 or 5, from package.json (and node_modules for the exact version). Any other
 * framework is a POW_FRAMEWORK_UNSUPPORTED error naming it: pow fails clearly rather than
 * half-working. NestJS and Next.js win over a listed express, since they own the server.
 */
export function detectFramework(files: ProjectFiles, pkg: PackageData): ProjectInfo['framework'] {
  const owning = UNSUPPORTED.slice(0, 2).find(([name]) => name in pkg.dependencies);
  if (owning) throw inspectErrors.frameworkUnsupported(owning[1], pkg.dependencies[owning[0]] ?? '');
  if ('express' in pkg.dependencies) {
    const version = resolveVersion(files, pkg, 'express') ?? pkg.dependencies.express ?? '';
    const major = majorOf(version);
    if (major !== 4 && major !== 5) throw inspectErrors.expressVersionUnsupported(version);
    return { name: 'express', version, major };
  }
  const other = UNSUPPORTED.find(([name]) => name in pkg.dependencies);
  if (other) throw inspectErrors.frameworkUnsupported(other[1], pkg.dependencies[other[0]] ?? '');
  throw inspectErrors.frameworkNotFound();
}
