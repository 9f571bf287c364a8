import { PowError } from '../shared/pow-error.js';

/**
 * Error factories of the generation engine. Codes are stable and documented; messages name the
 * file (project-relative) and say what was expected.
 */

/** A template failed to compile or render (syntax error, undefined variable, thrown helper). */
export function templateRenderFailed(
  template: string,
  line: number | null,
  detail: string,
  cause?: unknown,
): PowError {
  const where = line === null ? template : `${template}:${line}`;
  return new PowError({
    code: 'POW_TEMPLATE_RENDER_FAILED',
    message: `Could not render template ${where}: ${detail}`,
    fix: "If you ejected this template to .pow/templates, fix it there or delete it to use pow's own; otherwise this is a bug in pow.",
    cause,
  });
}

/** No template with that id in .pow/templates nor in pow's templates folder. */
export function templateNotFound(template: string, looked: string[]): PowError {
  return new PowError({
    code: 'POW_TEMPLATE_NOT_FOUND',
    message: `Template ${template} not found. Looked in ${looked.join(', ')}.`,
    fix: 'Reinstall pow, or restore the ejected template under .pow/templates.',
  });
}

/** A path given to the tree is absolute, escapes the project or points into .pow/. */
export function invalidProjectPath(path: string, why: string): PowError {
  return new PowError({
    code: 'POW_INVALID_PATH',
    message: `Refusing to write ${path}: ${why}.`,
  });
}

/** Two writes in one run disagree about a file (different ownership, or patch on an emitted file). */
export function treeConflict(path: string, why: string): PowError {
  return new PowError({ code: 'POW_TREE_CONFLICT', message: `Conflicting writes to ${path}: ${why}.` });
}

/** .pow/manifest.json cannot be read. */
export function manifestInvalid(why: string, cause?: unknown): PowError {
  return new PowError({
    code: 'POW_MANIFEST_INVALID',
    message: `.pow/manifest.json is not a valid pow manifest: ${why}.`,
    fix: 'Restore it from version control (git checkout .pow/manifest.json), or delete .pow/ to make pow treat every file as untracked.',
    cause,
  });
}

/** The manifest was written by a newer pow. */
export function manifestTooNew(version: number, supported: number): PowError {
  return new PowError({
    code: 'POW_MANIFEST_TOO_NEW',
    message: `.pow/manifest.json has format version ${version}; this pow understands up to ${supported}.`,
    fix: 'Upgrade pow (npm install --save-dev pow@latest) and re-run.',
  });
}

/** A transform met syntax it cannot convert (enum, namespace, top-level await in CJS...). */
export function transformUnsupported(file: string, what: string): PowError {
  return new PowError({
    code: 'POW_TRANSFORM_UNSUPPORTED',
    message: `Cannot convert ${file}: ${what}.`,
    fix: 'This is a bug in a pow template: templates must use syntax that strips to plain JavaScript.',
  });
}

/** Writing the plan failed; every file already written was restored. */
export function applyFailed(path: string, cause: unknown, rolledBack: boolean): PowError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new PowError({
    code: 'POW_APPLY_FAILED',
    message: rolledBack
      ? `Writing ${path} failed (${detail}); every change of this run was rolled back, the project is unchanged.`
      : `Writing ${path} failed (${detail}) and the rollback failed too; check \`git status\`.`,
    fix: 'Check permissions and free disk space, then re-run.',
    cause,
  });
}
