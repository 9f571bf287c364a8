import { ts } from 'ts-morph';
import type { ProjectFiles } from './read-project.js';
import { inspectErrors } from './errors.js';

/** The parts of tsconfig.json (after `extends`) that decide how emitted code must look. */
export interface TsconfigInfo {
  file: string;
  /** Lower-case module kind: "nodenext", "node16", "commonjs", "esnext", "preserve", ... or null. */
  module: string | null;
  /** Lower-case module resolution: "nodenext", "bundler", "node10", ... or null. */
  moduleResolution: string | null;
  /** rootDir relative to the project root, or null. */
  rootDir: string | null;
}

// "No inputs were found in config file": harmless for pow, which only reads compiler options.
const NO_INPUTS = 18003;

/** Reads tsconfig.json through TypeScript's own parser (comments, trailing commas and `extends`). */
export function detectTsconfig(files: ProjectFiles): TsconfigInfo | null {
  const file = 'tsconfig.json';
  if (!files.isFile(file)) return null;
  const path = files.abs(file);
  const read = ts.readConfigFile(path, (p) => ts.sys.readFile(p));
  if (read.error) throw inspectErrors.invalidTsconfig(file, flatten(read.error));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, files.root, undefined, path);
  const fatal = parsed.errors.find(
    (error) => error.code !== NO_INPUTS && error.category === ts.DiagnosticCategory.Error,
  );
  if (fatal) throw inspectErrors.invalidTsconfig(file, flatten(fatal));
  const { module, moduleResolution, rootDir } = parsed.options;
  return {
    file,
    module: module === undefined ? null : ts.ModuleKind[module].toLowerCase(),
    moduleResolution:
      moduleResolution === undefined ? null : ts.ModuleResolutionKind[moduleResolution].toLowerCase(),
    rootDir: rootDir === undefined ? null : files.rel(rootDir),
  };
}

function flatten(diagnostic: ts.Diagnostic): string {
  return ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
}
