import { NO_COLORS, colorDiff, type Colors } from './colors.js';
import { CONFLICT_END, CONFLICT_SEPARATOR, CONFLICT_START } from './merge3.js';
import { actionOf, countActions, hasConflicts, type Action, type Plan, type PlannedFile } from './plan.js';
import { unifiedDiff } from './unified-diff.js';

export interface RenderPlanOptions {
  colors?: Colors;
  /** Show the diff of every file that would change (`--diff`, `pow diff`). */
  diff?: boolean;
  /** Only these paths (`pow diff <path>`); a folder path matches everything below it. */
  paths?: string[];
  /** Appends "(dry run: nothing written)" to the summary. */
  dryRun?: boolean;
}

const VERB_WIDTH = 9;

function colorVerb(action: Action, c: Colors): string {
  const padded = action.padEnd(VERB_WIDTH);
  switch (action) {
    case 'create':
      return c.green(padded);
    case 'update':
    case 'merge':
      return c.cyan(padded);
    case 'delete':
      return c.red(padded);
    case 'conflict':
      return c.bold(c.red(padded));
    case 'skip':
      return c.yellow(padded);
    default:
      return c.dim(padded);
  }
}

function matches(path: string, filters: string[] | undefined): boolean {
  if (!filters || filters.length === 0) return true;
  return filters.some((f) => {
    const clean = f.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/$/, '');
    return path === clean || path.startsWith(`${clean}/`);
  });
}

/** The diff to show for a file: what pow would write against what is on disk. */
export function fileDiff(file: PlannedFile): string {
  if (file.write?.kind === 'write') return unifiedDiff(file.before, file.write.content, { path: file.path });
  if (file.write?.kind === 'delete') return unifiedDiff(file.before, null, { path: file.path });
  if (file.decision === 'skip-untracked')
    return unifiedDiff(file.before, file.generated, { path: file.path });
  return '';
}

/** The conflicting hunks of a file, git-marker style, one block per hunk. */
export function conflictText(file: PlannedFile): string[] {
  const lines: string[] = [];
  for (const hunk of file.conflicts ?? []) {
    lines.push(`@@ ${file.path}:${hunk.oursLine} @@`);
    lines.push(
      `${CONFLICT_START} yours`,
      ...hunk.ours,
      CONFLICT_SEPARATOR,
      ...hunk.theirs,
      `${CONFLICT_END} pow`,
    );
  }
  return lines;
}

/** "2 created, 1 merged, 3 identical" (zero counts left out). */
export function summaryLine(plan: Plan, dryRun = false): string {
  const counts = countActions(plan);
  const words: [Action, string][] = [
    ['create', 'created'],
    ['update', 'updated'],
    ['merge', 'merged'],
    ['delete', 'deleted'],
    ['identical', 'identical'],
    ['skip', 'skipped'],
    ['conflict', counts.conflict === 1 ? 'conflict' : 'conflicts'],
  ];
  const parts = words.filter(([a]) => counts[a] > 0).map(([a, w]) => `${counts[a]} ${w}`);
  const text = parts.length === 0 ? 'nothing to do' : parts.join(', ');
  return dryRun ? `${text} (dry run: nothing written)` : text;
}

/**
 * Prints a Plan: one action line per file (verb first, then the path and the reason), diffs where
 * asked for or needed (forced overwrites, conflicts), patches pow did not re-apply, manual steps,
 * notes and a summary. Returns lines; the caller writes them.
 */
export function renderPlan(plan: Plan, opts: RenderPlanOptions = {}): string[] {
  const c = opts.colors ?? NO_COLORS;
  const out: string[] = [];
  for (const file of plan.files) {
    if (!matches(file.path, opts.paths)) continue;
    const action = actionOf(file);
    out.push(`${colorVerb(action, c)} ${file.path} ${c.dim(`(${file.reason})`)}`);
    if (file.decision === 'conflict') {
      for (const line of conflictText(file)) out.push(`    ${line}`);
    }
    const wantDiff = opts.diff || (file.showDiff && file.decision !== 'conflict');
    if (wantDiff) {
      const diff = fileDiff(file);
      if (diff) for (const line of colorDiff(diff, c)) out.push(`    ${line}`);
    }
  }
  for (const patch of plan.patches) {
    if (!matches(patch.file, opts.paths)) continue;
    if (patch.status === 'removed-by-team') {
      out.push(
        `${colorVerb('skip', c)} ${patch.file} ${c.dim(`(${patch.id}: ${patch.why ?? 'removed by you'})`)}`,
      );
    }
  }
  if (plan.manualSteps.length > 0) {
    out.push('', c.bold('Manual steps:'));
    for (const step of plan.manualSteps) {
      out.push(`  ${step.file}: ${step.why}`);
      for (const line of step.snippet.split('\n')) out.push(`    ${line}`);
    }
  }
  if (plan.notes.length > 0) {
    out.push('');
    for (const note of plan.notes) out.push(note);
  }
  out.push('', summaryLine(plan, opts.dryRun));
  if (hasConflicts(plan)) {
    out.push(
      c.red('Conflicting files were left untouched.') +
        " Edit them to take pow's change, or re-run with --merge-conflicts (writes conflict markers) or --force (overwrites).",
    );
  }
  return out;
}

/** A JSON-friendly view of a plan (for --json): no file contents, conflicts as hunks. */
export function summarizePlan(plan: Plan): {
  generator: string;
  files: {
    path: string;
    action: Action;
    decision: string;
    ownership: string;
    reason: string;
    origin: string;
  }[];
  conflicts: { path: string; hunks: NonNullable<PlannedFile['conflicts']> }[];
  patches: Plan['patches'];
  manualSteps: Plan['manualSteps'];
  notes: string[];
  summary: string;
} {
  return {
    generator: plan.generator,
    files: plan.files.map((f) => ({
      path: f.path,
      action: actionOf(f),
      decision: f.decision,
      ownership: f.ownership,
      reason: f.reason,
      origin: f.origin,
    })),
    conflicts: plan.files
      .filter((f) => f.decision === 'conflict')
      .map((f) => ({ path: f.path, hunks: f.conflicts ?? [] })),
    patches: plan.patches,
    manualSteps: plan.manualSteps,
    notes: plan.notes,
    summary: summaryLine(plan),
  };
}
