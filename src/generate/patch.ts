import { matchStyleOf } from './hash.js';
import type { Manifest } from './manifest.js';
import type { PatchRecord, VirtualTree } from './virtual-tree.js';

/** What an idempotent edit reports. `applied` carries the new text (LF line endings). */
export type PatchOutcome =
  | { status: 'applied'; text: string }
  | { status: 'already-present' }
  | { status: 'not-applicable'; why: string; snippet: string };

/**
 * An idempotent edit of one file: receives the current text (LF line endings, no BOM; null when
 * the file does not exist) and checks before it changes anything.
 */
export type PatchEdit = (text: string | null, path: string) => PatchOutcome;

export interface PatchContext {
  tree: VirtualTree;
  /** The manifest before this run (null on a first run). */
  previous: Manifest | null;
  /** Patch ids the user asked to restore (`--reapply <id>`). */
  reapply?: readonly string[];
}

/** True when the previous run recorded patch `id` as applied to `file`. */
export function wasPatchApplied(previous: Manifest | null, id: string, file?: string): boolean {
  const record = previous?.patches[id];
  return record !== undefined && (file === undefined || record.file === file);
}

/**
 * Runs one recorded patch against the tree. The rule that keeps a team's decision: a patch that was
 * applied before (recorded in the manifest) and whose edit would now apply again was removed by the
 * team on purpose, so it is reported as `removed-by-team` and not re-applied (unless listed in
 * `reapply`). A `not-applicable` edit becomes a manual step with its snippet.
 *
 * Line endings and a BOM of the file are preserved: the edit sees LF text, the result is converted back.
 */
export function patchFile(ctx: PatchContext, file: string, id: string, edit: PatchEdit): PatchRecord {
  const current = ctx.tree.read(file);
  const lf = current === null ? null : normalizeLf(current);
  const outcome = edit(lf, file);
  let record: PatchRecord;
  if (outcome.status === 'applied') {
    if (wasPatchApplied(ctx.previous, id, file) && !(ctx.reapply ?? []).includes(id)) {
      record = {
        id,
        file,
        status: 'removed-by-team',
        why: `removed since pow added it; not re-added (re-run with --reapply ${id} to restore it)`,
      };
    } else {
      ctx.tree.writePatched(file, matchStyleOf(current, outcome.text), id);
      record = { id, file, status: wasPatchApplied(ctx.previous, id, file) ? 'reapplied' : 'applied' };
    }
  } else if (outcome.status === 'already-present') {
    record = { id, file, status: 'already-present' };
  } else {
    record = { id, file, status: 'not-applicable', why: outcome.why, snippet: outcome.snippet };
    ctx.tree.addManualStep({ file, why: outcome.why, snippet: outcome.snippet });
  }
  ctx.tree.recordPatch(record);
  return record;
}

/** BOM stripped, CRLF → LF; unlike normalizeContent the trailing newlines are kept as they are. */
function normalizeLf(text: string): string {
  const noBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return noBom.replace(/\r\n?/g, '\n');
}
