/**
 * The generation engine: read, plan, review, apply (architecture B1, B4–B7).
 *
 * Recipes never touch the file system. A recipe receives a {@link GenerateContext}, renders
 * templates and records patches into an in-memory tree; the engine then reconciles the tree with
 * the disk and `.pow/manifest.json` into a {@link Plan}, which is printed (the dry run) and applied
 * by the only writer, `applyPlan` (journaled: all or nothing even when killed; manifest last).
 *
 * ## Recipe-facing API
 *
 * ```ts
 * type Recipe = (ctx: GenerateContext) => void | Promise<void>;
 *
 * interface GenerateContext {
 *   root: string;                                  // absolute project root
 *   tree: VirtualTree;                             // read-through overlay (tree.read(path))
 *   previous: Manifest | null;                     // manifest before this run
 *   wasPatchApplied(id: string): boolean;          // "was patch X applied before?"
 *   render(templateId: string, data: object): string;             // template text, no transforms
 *   emit(templateId: string, data: object, opts: EmitOptions): string; // render + transforms + write; returns the path
 *   write(path: string, content: string, opts: { ownership: 'owned' | 'managed'; origin: string }): void;
 *   patch(path: string, id: string, edit: PatchEdit): PatchRecord;     // idempotent text edit
 *   codemod(path: string, id: string, codemod: Codemod, snippet?: string): PatchRecord; // ts-morph edit
 *   manual(step: ManualStep): void;                // something pow could not do safely
 *   note(message: string): void;                   // e.g. "schema changed: User.displayName added"
 * }
 * ```
 *
 * - `emit('install/pow/config.ts.ejs', data, { ownership: 'owned', prefix: 'src' })` renders the
 *   template (`{% %}` tags, data as `it`), maps the path (`__namespace__` tokens, recipe folder and
 *   `.ejs` stripped, `prefix` prepended), applies the project's transforms (strip types for JS,
 *   ESM → CJS for JS CommonJS, relative import extension, `.ts` → `.js`) and writes it to the tree.
 * - `patch` / `codemod` record edits of files the team owns (app entry, package.json,
 *   schema.prisma, .env.example) by id. A patch recorded as applied in the manifest whose effect
 *   the team removed is reported and not re-applied (unless `flags.reapply` lists it). A
 *   not-applicable codemod becomes a manual step with its snippet.
 *
 * ## Pipeline
 *
 * ```ts
 * import { generate, renderPlan } from '../generate/index.js';
 *
 * const result = await generate(
 *   { root, generator: 'install', powVersion, project, flags: { dryRun, force, mergeConflicts, reapply } },
 *   async (ctx) => {
 *     ctx.emit('install/pow/config.ts.ejs', { user: project.prisma?.userModel }, { ownership: 'owned', prefix: project.sourceDir });
 *     ctx.codemod(project.entry!.path, 'entry:use-pow-middleware', ensureAppUse({ args: 'pow.middleware()' }));
 *   },
 * );
 * io.stdout.write(renderPlan(result.plan, { dryRun, diff }).join('\n') + '\n');
 * return result.exitCode; // 3 when a file conflicts, else 0
 * ```
 *
 * Or step by step: `const gen = createGeneration(opts); await recipe(gen); const plan = gen.plan();
 * … confirm … gen.apply(plan);`.
 */
import { applyPlan, type ApplyStep, type ApplySummary } from './apply-plan.js';
import type { Codemod } from './codemods/project.js';
import { codemodEdit } from './codemods/project.js';
import { createDiskReader, type DiskReader } from './disk.js';
import {
  parseManifest,
  readBase as readBaseFromDisk,
  readManifestText,
  type JsonValue,
  type Manifest,
} from './manifest.js';
import { patchFile, wasPatchApplied, type PatchEdit } from './patch.js';
import { planExitCode, type Plan, type PlanFlags } from './plan.js';
import { reconcile, type ReconcileInput } from './reconcile.js';
import { renderTemplate, resolveTemplate, templateOutputPath } from './render.js';
import { transformForProject, type TransformTarget } from './transforms.js';
import { VirtualTree, type ManualStep, type PatchRecord } from './virtual-tree.js';

export interface GenerateFlags extends PlanFlags {
  /** Plan and print only; write nothing. */
  dryRun?: boolean;
  /** Patch ids to restore even though the team removed them. */
  reapply?: string[];
}

export interface GenerateOptions {
  /** Absolute project root. */
  root: string;
  /** Generator scope, recorded per file: "install", "gen.templates:admin". Orphans are found per scope. */
  generator: string;
  /** pow's version, recorded in the manifest. */
  powVersion: string;
  /** Language / module system / import extension of the project (ProjectInfo fits); needed by `emit`. */
  project?: TransformTarget;
  flags?: GenerateFlags;
  /** Narrower orphan scope for partial runs (see ReconcileInput.owns). */
  owns?: ReconcileInput['owns'];
  /** Re-run answers of this generator scope, stored in the manifest. */
  options?: JsonValue;
  /** pow's templates folder (tests point this at fixtures). */
  templatesDir?: string;
  /** Test seams. */
  disk?: DiskReader;
  beforeWrite?: (path: string, index: number) => void;
  /** Called before every step of the write phase (the kill tests pause there: test-pause.ts). */
  onStep?: (step: ApplyStep) => void;
}

export interface EmitOptions {
  ownership: 'owned' | 'managed';
  /** Explicit output path (skips the template path mapping, transforms still apply). */
  to?: string;
  /** Values for `__token__` path segments, e.g. { namespace: 'admin' } ('' drops the segment). */
  tokens?: Record<string, string>;
  /** Folder prepended to the mapped path, e.g. the project's sourceDir or views dir. */
  prefix?: string;
  /** Apply the language/module transforms (default true; only code files are affected). */
  transform?: boolean;
}

/** What a recipe can do (see the module comment). */
export interface GenerateContext {
  readonly root: string;
  readonly tree: VirtualTree;
  readonly previous: Manifest | null;
  wasPatchApplied(id: string): boolean;
  render(templateId: string, data: object): string;
  emit(templateId: string, data: object, opts: EmitOptions): string;
  write(path: string, content: string, opts: { ownership: 'owned' | 'managed'; origin: string }): void;
  patch(path: string, id: string, edit: PatchEdit): PatchRecord;
  codemod(path: string, id: string, codemod: Codemod, snippet?: string): PatchRecord;
  manual(step: ManualStep): void;
  note(message: string): void;
}

/** A generation in progress: the recipe context plus planning and applying. */
export interface Generation extends GenerateContext {
  /** Reconciles everything recorded so far into a Plan (pure; call again after more writes). */
  plan(): Plan;
  /** Writes the plan (the only write path). Throws POW_APPLY_FAILED after a full rollback. */
  apply(plan: Plan): ApplySummary;
}

export interface GenerateResult {
  plan: Plan;
  /** Null for dry runs. */
  applied: ApplySummary | null;
  /** 3 when a file conflicts, else 0. */
  exitCode: 0 | 3;
}

/** Opens a generation: reads the manifest, creates the tree. Reads only. */
export function createGeneration(options: GenerateOptions): Generation {
  const disk = options.disk ?? createDiskReader(options.root);
  const previousText = options.disk ? null : readManifestText(options.root);
  const previous = previousText === null ? null : parseManifest(previousText);
  const tree = new VirtualTree(disk);
  const flags = options.flags ?? {};

  const render = (templateId: string, data: object): string => {
    const template = resolveTemplate(templateId, {
      projectRoot: options.root,
      templatesDir: options.templatesDir,
    });
    return renderTemplate(template.text, data, { id: templateId, file: template.file });
  };

  const ctx: Generation = {
    root: options.root,
    tree,
    previous,
    wasPatchApplied: (id) => wasPatchApplied(previous, id),
    render,
    emit(templateId, data, opts) {
      const text = render(templateId, data);
      const mapped =
        opts.to ??
        templateOutputPath(templateId.split('/').slice(1).join('/'), {
          tokens: opts.tokens,
          prefix: opts.prefix,
        });
      let path = mapped;
      let content = text;
      if (opts.transform !== false && options.project)
        ({ path, content } = transformForProject(mapped, text, options.project));
      tree.write(path, content, { ownership: opts.ownership, origin: templateId });
      return path;
    },
    write: (path, content, opts) => tree.write(path, content, opts),
    patch: (path, id, edit) => patchFile({ tree, previous, reapply: flags.reapply }, path, id, edit),
    codemod: (path, id, codemod, snippet) =>
      patchFile({ tree, previous, reapply: flags.reapply }, path, id, codemodEdit(codemod, snippet)),
    manual: (step) => tree.addManualStep(step),
    note: (message) => tree.note(message),
    plan: () =>
      reconcile({
        generator: options.generator,
        powVersion: options.powVersion,
        files: tree.changes(),
        patches: tree.patches(),
        manualSteps: tree.manualSteps(),
        notes: tree.notes(),
        previous,
        previousText,
        disk,
        readBase: (path) => readBaseFromDisk(options.root, path),
        flags: { force: flags.force, mergeConflicts: flags.mergeConflicts },
        owns: options.owns,
        options: options.options,
      }),
    apply: (plan) =>
      applyPlan(plan, { root: options.root, beforeWrite: options.beforeWrite, onStep: options.onStep }),
  };
  return ctx;
}

/**
 * Runs a recipe end to end: open, recipe, reconcile, and apply unless `flags.dryRun`. Conflicting
 * files are left untouched (or get markers with `mergeConflicts`) while the rest is applied; the
 * exit code is 3 when anything conflicts.
 */
export async function generate(
  options: GenerateOptions,
  recipe: (ctx: GenerateContext) => void | Promise<void>,
): Promise<GenerateResult> {
  const gen = createGeneration(options);
  await recipe(gen);
  const plan = gen.plan();
  const applied = options.flags?.dryRun ? null : gen.apply(plan);
  return { plan, applied, exitCode: planExitCode(plan) };
}

export { applyPlan, type ApplyOptions, type ApplyStep, type ApplySummary } from './apply-plan.js';
export { APPLY_DIR, JOURNAL_PATH, readJournal, type Journal } from './apply-journal.js';
export { recoverInterruptedApply, type RecoveryReport } from './recover-apply.js';
export * from './codemods/index.js';
export { colorsEnabled, createColors, NO_COLORS, type Colors } from './colors.js';
export { createDiskReader, memoryReader, type DiskReader } from './disk.js';
export { hashContent, normalizeContent, sameContent } from './hash.js';
export {
  BASE_DIR,
  MANIFEST_PATH,
  MANIFEST_VERSION,
  basePath,
  emptyManifest,
  parseManifest,
  readBase,
  readManifest,
  serializeManifest,
  type JsonValue,
  type Manifest,
  type ManifestFile,
  type ManifestPatch,
  type Ownership,
} from './manifest.js';
export { hasConflictMarkers, merge3, type ConflictHunk, type MergeOutcome } from './merge3.js';
export { patchFile, wasPatchApplied, type PatchEdit, type PatchOutcome } from './patch.js';
export {
  actionOf,
  countActions,
  fileWrites,
  hasConflicts,
  isNoop,
  planExitCode,
  type Action,
  type Decision,
  type Plan,
  type PlanFlags,
  type PlannedFile,
} from './plan.js';
export { reconcile, type ReconcileInput } from './reconcile.js';
export {
  POW_TEMPLATES_DIR,
  TEMPLATE_OPTIONS,
  renderTemplate,
  resolveTemplate,
  templateOutputPath,
} from './render.js';
export {
  conflictText,
  fileDiff,
  renderPlan,
  summarizePlan,
  summaryLine,
  type RenderPlanOptions,
} from './render-plan.js';
export {
  computeStatus,
  diffAgainstBase,
  planDrift,
  readStatus,
  renderStatus,
  type FileState,
  type FileStatus,
  type ProjectStatus,
} from './status.js';
export {
  esmToCjs,
  outputFileName,
  rewriteRelativeImports,
  stripTypes,
  transformForProject,
  type TransformTarget,
} from './transforms.js';
export { unifiedDiff } from './unified-diff.js';
export {
  VirtualTree,
  type ManualStep,
  type PatchRecord,
  type PatchStatus,
  type TreeFile,
} from './virtual-tree.js';
