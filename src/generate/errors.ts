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

/** How the fix lines below say "see what pow would write" for a file pow cannot touch. */
const SHOW_CHANGE = 'pow install --dry-run --diff shows what pow would write there';

/** A file pow must write or delete is read-only; refused before anything is written. */
export function targetReadOnly(paths: string[], mode: number): PowError {
  const list = paths.join(', ');
  return new PowError({
    code: 'POW_TARGET_READ_ONLY',
    message: `${list} ${paths.length === 1 ? 'is' : 'are'} read-only (mode ${(mode & 0o777).toString(8)}), and pow needs to change ${paths.length === 1 ? 'it' : 'them'}; nothing was written.`,
    fix: `Make ${paths.length === 1 ? 'it' : 'them'} writable (chmod u+w ${paths.join(' ')}) and re-run; or keep ${paths.length === 1 ? 'it' : 'them'} read-only and make pow's change by hand (${SHOW_CHANGE}).`,
  });
}

/** A folder stands where pow must write a file; refused before anything is written. */
export function targetIsDirectory(paths: string[]): PowError {
  const list = paths.join(', ');
  return new PowError({
    code: 'POW_TARGET_IS_DIRECTORY',
    message: `${list} ${paths.length === 1 ? 'is a folder' : 'are folders'}, but pow writes a file there; nothing was written.`,
    fix: `Move the folder aside (mv ${paths[0]} ${paths[0]}.old), check what it holds, then re-run.`,
  });
}

/** A file stands where pow needs a folder (e.g. `src/views` is a file); refused before writing. */
export function targetParentNotDirectory(blocker: string, target: string): PowError {
  return new PowError({
    code: 'POW_TARGET_PARENT_NOT_DIRECTORY',
    message: `pow needs the folder ${blocker} to write ${target}, but ${blocker} is a file; nothing was written.`,
    fix: `Rename the file ${blocker} (mv ${blocker} ${blocker}.old) and re-run.`,
  });
}

/** .pow/apply/journal.json cannot be read: pow cannot tell what the interrupted run changed. */
export function journalInvalid(why: string, cause?: unknown): PowError {
  return new PowError({
    code: 'POW_APPLY_JOURNAL_INVALID',
    message: `A pow run was interrupted, and its journal .pow/apply/journal.json is not valid (${why}), so pow cannot tell which files that run changed; nothing was touched.`,
    fix: 'Check `git status` and restore what you do not want (git checkout -- <file>), delete the files named .*.pow-tmp-*, then delete the folder .pow/apply and re-run.',
    cause,
  });
}

/**
 * An interrupted run can be neither finished nor undone without losing someone's bytes.
 * `blockers` are "path (why)" entries.
 */
export function interruptedApplyStuck(command: string, blockers: string[]): PowError {
  return new PowError({
    code: 'POW_APPLY_INTERRUPTED',
    message: `${command} was interrupted while writing, and pow can neither finish nor undo it without losing bytes: ${blockers.join(', ')}; nothing was touched.`,
    fix: 'Compare those files with `git status` / `git diff` and restore what you want to keep (git checkout -- <file>), then delete the folder .pow/apply and the files named .*.pow-tmp-* next to them.',
  });
}

/** Another pow process is writing this project right now. */
export function applyInProgress(command: string, pid: number): PowError {
  return new PowError({
    code: 'POW_APPLY_IN_PROGRESS',
    message: `${command} (process ${pid}) is writing this project right now (.pow/apply/journal.json); nothing was done.`,
    fix: 'Wait for it to finish, then re-run. (A journal older than 10 minutes counts as interrupted whatever process has its id now: the next run finishes or undoes it.)',
  });
}
