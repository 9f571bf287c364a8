/**
 * The package.json edit of `pow install`: adds the runtime packages the generated code imports
 * (and pow's CLI as a devDependency), as an idempotent patch (src/generate/patch.ts).
 *
 * Rules:
 * - Add only. A package already listed in `dependencies`, `devDependencies`,
 *   `optionalDependencies` or `peerDependencies` is left at the team's range: pow never changes
 *   (and so never downgrades) a version someone chose.
 * - New entries go into `dependencies` (the generated code needs them at run time), or
 *   `devDependencies` for a package marked `dev` (pow's CLI, `@types/*`), at their alphabetical
 *   place among the existing keys; the other keys keep their order.
 * - The file keeps its indentation (detected from the first indented line) and its final newline.
 */
import type { PatchEdit } from '../generate/patch.js';
import { PowError } from '../shared/pow-error.js';

export interface DependencySpec {
  name: string;
  /** Version range to add, e.g. "3.1.10" or "^0.1.0". */
  range: string;
  /** Needed only to build, type-check or run pow's CLI (`pow-cli`, `@types/*`): goes into devDependencies. */
  dev?: boolean;
}

const SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;

type Json = Record<string, unknown>;

/** Where a package is already listed, or null. */
export function listedIn(pkg: Json, name: string): (typeof SECTIONS)[number] | null {
  for (const section of SECTIONS) {
    const deps = pkg[section];
    if (deps && typeof deps === 'object' && Object.prototype.hasOwnProperty.call(deps, name)) return section;
  }
  return null;
}

function detectIndent(text: string): string | number {
  const match = /^[{[][^\n]*\n([ \t]+)\S/.exec(text);
  if (!match) return 2;
  const indent = match[1]!;
  return indent.includes('\t') ? '\t' : indent.length;
}

/** Inserts `name: range` at its alphabetical place without reordering the existing keys. */
function insertSorted(deps: Record<string, string>, name: string, range: string): Record<string, string> {
  const out: Record<string, string> = {};
  let placed = false;
  for (const [key, value] of Object.entries(deps)) {
    if (!placed && key.localeCompare(name, 'en') > 0) {
      out[name] = range;
      placed = true;
    }
    out[key] = value;
  }
  if (!placed) out[name] = range;
  return out;
}

/** `pkg` with `adds` in `section`; a new section goes where npm puts it (see addSection). */
function addToSection(pkg: Json, section: 'dependencies' | 'devDependencies', adds: DependencySpec[]): Json {
  let deps = (pkg[section] && typeof pkg[section] === 'object' ? pkg[section] : {}) as Record<string, string>;
  for (const dep of adds) deps = insertSorted(deps, dep.name, dep.range);
  if (Object.prototype.hasOwnProperty.call(pkg, section)) return { ...pkg, [section]: deps };
  // A new "dependencies" block goes before devDependencies (npm's order), else at the end.
  const next: Json = {};
  for (const [key, value] of Object.entries(pkg)) {
    if (section === 'dependencies' && key === 'devDependencies' && !(section in next)) next[section] = deps;
    next[key] = value;
  }
  if (!(section in next)) next[section] = deps;
  return next;
}

/**
 * Patch edit that adds the missing packages of `wanted` to package.json. `already-present` when
 * every package is listed somewhere (whatever its range).
 */
export function ensureDependencies(wanted: readonly DependencySpec[]): PatchEdit {
  return (text, path) => {
    const snippet = `"dependencies": {\n${wanted.map((d) => `  ${JSON.stringify(d.name)}: ${JSON.stringify(d.range)}`).join(',\n')}\n}`;
    if (text === null) {
      return { status: 'not-applicable', why: `${path} does not exist`, snippet };
    }
    let pkg: Json;
    try {
      const parsed: unknown = JSON.parse(text);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      pkg = parsed as Json;
    } catch (error) {
      throw new PowError({
        code: 'POW_PACKAGE_JSON_INVALID',
        message: `${path} is not valid JSON (${(error as Error).message}); pow cannot add its dependencies.`,
        fix: `Fix ${path} (npm pkg get name shows whether it parses), then run pow again.`,
      });
    }
    const missing = wanted.filter((dep) => listedIn(pkg, dep.name) === null);
    if (missing.length === 0) return { status: 'already-present' };

    let next = pkg;
    for (const section of ['dependencies', 'devDependencies'] as const) {
      const adds = missing.filter((dep) => (section === 'devDependencies') === (dep.dev === true));
      if (adds.length > 0) next = addToSection(next, section, adds);
    }
    const trailing = text.endsWith('\n') ? '\n' : '';
    return { status: 'applied', text: JSON.stringify(next, null, detectIndent(text)) + trailing };
  };
}
