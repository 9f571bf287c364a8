/**
 * The output the generator commands (`install`, `gen.templates`) share: the common fields of
 * their `--json` answer, and the human lines about the plan and what was written.
 */
import type { CommandContext } from './context.js';
import type { ApplySummary } from '../generate/apply-plan.js';
import type { Plan } from '../generate/plan.js';

/** The `--json` fields every generator command reports about its plan. */
export function generationJson(
  summary: object,
  applied: ApplySummary | null,
  dryRun: boolean,
  upToDate: boolean,
): Record<string, unknown> {
  return {
    ...summary,
    dryRun,
    written: applied ? applied.written : [],
    deleted: applied ? applied.deleted : [],
    upToDate,
  };
}

export interface GenerationReport {
  /** e.g. "pow install", for the "Up to date" line. */
  command: string;
  plan: Plan;
  applied: ApplySummary | null;
  /** True when the confirm step already printed the plan. */
  shown: boolean;
  dryRun: boolean;
  interactive: boolean;
  upToDate: boolean;
  printPlan: (plan: Plan, dryRun: boolean) => void;
}

/**
 * Prints the plan (unless the person already reviewed it) and what happened. False when the
 * person declined to write: there is nothing more to say.
 */
export function reportGeneration(ctx: CommandContext, report: GenerationReport): boolean {
  const { plan, applied, shown, dryRun, upToDate } = report;
  if (!shown) report.printPlan(plan, dryRun);
  if (report.interactive && !dryRun && !upToDate && applied === null) {
    ctx.out.line('Nothing was written.');
    return false;
  }
  if (upToDate) {
    ctx.out.line(`Up to date: ${report.command} has nothing to change, no file was written.`);
  } else if (shown && applied) {
    ctx.out.line(`Written: ${applied.written.length} file${applied.written.length === 1 ? '' : 's'}.`);
  }
  return true;
}
