import { Project, type SourceFile } from 'ts-morph';
import type { PatchEdit } from '../patch.js';

/** Result of a codemod (architecture B7). Every codemod checks before it inserts. */
export type PatchResult =
  | { status: 'applied' }
  | { status: 'already-present' }
  | { status: 'not-applicable'; why: string; snippet: string };

/** A codemod edits one in-memory source file in place and reports what it did. */
export type Codemod = (file: SourceFile) => PatchResult;

/**
 * An in-memory ts-morph project (no tsconfig, no type-check, JS allowed). Files come from the
 * VirtualTree and results go back as text; codemods never call `save()`.
 */
export function createCodemodProject(): Project {
  return new Project({
    useInMemoryFileSystem: true,
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    compilerOptions: { allowJs: true, noResolve: true },
  });
}

let shared: Project | null = null;

/**
 * Runs a codemod on `text` (LF line endings) and returns the new text with the result. The text is
 * unchanged unless the result is `applied`.
 */
export function runCodemod(
  text: string,
  fileName: string,
  codemod: Codemod,
  project?: Project,
): { text: string; result: PatchResult } {
  const p = project ?? (shared ??= createCodemodProject());
  const path = `/project/${fileName.replace(/^\/+/, '')}`;
  const sf = p.createSourceFile(path, text, { overwrite: true });
  try {
    const result = codemod(sf);
    return { text: result.status === 'applied' ? sf.getFullText() : text, result };
  } finally {
    p.removeSourceFile(sf);
  }
}

/**
 * Adapts a codemod to a recorded patch edit (`ctx.patch(file, id, codemodEdit(...))`). A missing
 * file is `not-applicable`, with the snippet the codemod would have inserted left to `missingSnippet`.
 */
export function codemodEdit(codemod: Codemod, missingSnippet = ''): PatchEdit {
  return (text, path) => {
    if (text === null)
      return { status: 'not-applicable', why: `${path} does not exist`, snippet: missingSnippet };
    const { text: next, result } = runCodemod(text, path, codemod);
    if (result.status === 'applied') return { status: 'applied', text: next };
    return result;
  };
}
