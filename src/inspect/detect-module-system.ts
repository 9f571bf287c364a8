import type { ProjectInfo } from './project-info.js';
import type { PackageData } from './detect-package.js';
import type { TsconfigInfo } from './detect-tsconfig.js';

export interface ModuleSystem {
  moduleSystem: ProjectInfo['moduleSystem'];
  relativeImportExtension: ProjectInfo['relativeImportExtension'];
}

const NODE_MODULE_KINDS = new Set(['node16', 'node18', 'node20', 'nodenext']);

/**
 * ESM or CommonJS, and what relative imports in emitted code must end with.
 *
 * - JavaScript: package.json "type" decides; Node's ESM loader needs the ".js" extension.
 * - TypeScript under module Node16/NodeNext: "type" decides; ESM needs ".js", CommonJS nothing.
 * - TypeScript with module CommonJS: CommonJS, no extension.
 * - TypeScript with an ES module kind (ESNext, Preserve, ...) under Bundler or classic
 *   resolution: ESM written for a bundler or tsx, which resolve extensionless imports.
 */
export function detectModuleSystem(
  pkg: PackageData,
  language: ProjectInfo['language'],
  tsconfig: TsconfigInfo | null,
): ModuleSystem {
  const typeIsModule = pkg.type === 'module';
  if (language === 'js' || tsconfig === null) {
    return typeIsModule
      ? { moduleSystem: 'esm', relativeImportExtension: '.js' }
      : { moduleSystem: 'cjs', relativeImportExtension: '' };
  }
  const module = tsconfig.module;
  if (module === null || NODE_MODULE_KINDS.has(module)) {
    // Without an explicit module, TypeScript's default follows the target; "type" still
    // decides what Node runs, so treat it like NodeNext.
    return typeIsModule
      ? { moduleSystem: 'esm', relativeImportExtension: '.js' }
      : { moduleSystem: 'cjs', relativeImportExtension: '' };
  }
  if (module === 'commonjs' || module === 'umd' || module === 'amd') {
    return { moduleSystem: 'cjs', relativeImportExtension: '' };
  }
  const resolution = tsconfig.moduleResolution;
  const needsExtension = resolution !== null && NODE_MODULE_KINDS.has(resolution);
  return { moduleSystem: 'esm', relativeImportExtension: needsExtension ? '.js' : '' };
}
