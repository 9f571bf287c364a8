import { diff3Merge } from 'node-diff3';
import { normalizeContent } from './hash.js';

/** One region both sides changed differently. Line numbers are 1-based. */
export interface ConflictHunk {
  /** First line of the region in the team's file. */
  oursLine: number;
  base: string[];
  ours: string[];
  theirs: string[];
}

export interface MergeOutcome {
  /** True when every change merged without overlap. */
  clean: boolean;
  /** The merged text (LF); when not clean, with git-style conflict markers. */
  text: string;
  conflicts: ConflictHunk[];
}

export interface MergeLabels {
  ours?: string;
  theirs?: string;
}

export const CONFLICT_START = '<<<<<<<';
export const CONFLICT_SEPARATOR = '=======';
export const CONFLICT_END = '>>>>>>>';

/** Splits normalised text into lines (no trailing empty element). */
export function toLines(text: string): string[] {
  const normal = normalizeContent(text);
  if (normal === '') return [];
  return normal.slice(0, -1).split('\n');
}

function fromLines(lines: string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/**
 * Line-based three-way merge (diff3, via node-diff3): base = what pow last wrote, ours = the team's
 * file, theirs = pow's new output. Changes on one side only are taken; identical changes on both
 * sides are taken once; overlapping or adjacent different changes are conflicts (never guessed).
 */
export function merge3(base: string, ours: string, theirs: string, labels: MergeLabels = {}): MergeOutcome {
  const regions = diff3Merge<string>(toLines(ours), toLines(base), toLines(theirs), {
    excludeFalseConflicts: true,
  });
  const out: string[] = [];
  const conflicts: ConflictHunk[] = [];
  for (const region of regions) {
    if (region.ok) {
      out.push(...region.ok);
    } else if (region.conflict) {
      const c = region.conflict;
      conflicts.push({ oursLine: c.aIndex + 1, base: c.o, ours: c.a, theirs: c.b });
      out.push(
        `${CONFLICT_START} ${labels.ours ?? 'yours'}`,
        ...c.a,
        CONFLICT_SEPARATOR,
        ...c.b,
        `${CONFLICT_END} ${labels.theirs ?? 'pow'}`,
      );
    }
  }
  return { clean: conflicts.length === 0, text: fromLines(out), conflicts };
}

/** True when the text still holds a complete set of conflict markers (start, separator, end lines). */
export function hasConflictMarkers(text: string): boolean {
  const lines = toLines(text);
  const start = lines.findIndex((l) => l.startsWith(`${CONFLICT_START} `) || l === CONFLICT_START);
  if (start === -1) return false;
  const sep = lines.indexOf(CONFLICT_SEPARATOR, start + 1);
  if (sep === -1) return false;
  return lines.slice(sep + 1).some((l) => l.startsWith(`${CONFLICT_END} `) || l === CONFLICT_END);
}
