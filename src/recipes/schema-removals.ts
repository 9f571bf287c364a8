/**
 * Which of pow's schema additions the team removed on purpose, so a re-run does not add them back
 * (nor write a migration that re-adds them): docs/regenerating.md, "a removed patch, schema
 * included, is not re-applied".
 *
 * pow records its schema edits as patches whose ids list what they added:
 * `prisma:User.credential+UserCredential+PowSession` ("Model.field" for a field added to a model,
 * "Model" for a whole model). One patch covers several additions, so the engine's patch-level rule
 * (a recorded patch whose edit applies again was removed) misses a team that removes one field
 * of several: the re-run's edit adds only that field, under a new id. This module works per
 * addition instead:
 *
 * - An addition pow needs under the options of the previous run and that is missing from the
 *   schema now, while the manifest says pow added it (its label, or its whole model, is in a
 *   recorded `prisma:` patch id), was removed by the team.
 * - A field of a model pow created counts as added by pow only when the previous options asked for
 *   it: an extension enabled later adds its fields to that model as new additions.
 * - `--reapply prisma:<label>` (or the id of the patch that added it) brings one back.
 */
import type { Manifest } from '../generate/manifest.js';
import type { SchemaAddition } from '../prisma/ensure-auth-schema.js';

const PREFIX = 'prisma:';

/** "User.email" for a field, "UserCredential" for a model; null for a new file. */
export function additionLabel(addition: SchemaAddition): string | null {
  if (addition.kind === 'file') return null;
  return addition.kind === 'field' ? `${addition.model}.${addition.field}` : addition.model;
}

/** The patch id of one addition, as `pow status` lists it and `--reapply` takes it. */
export function schemaPatchId(label: string): string {
  return `${PREFIX}${label}`;
}

/** Every label of the `prisma:` patches the manifest records → the patch id it came from. */
export function recordedSchemaLabels(manifest: Manifest | null): Map<string, string> {
  const labels = new Map<string, string>();
  for (const id of Object.keys(manifest?.patches ?? {})) {
    if (!id.startsWith(PREFIX)) continue;
    for (const label of id.slice(PREFIX.length).split('+')) if (label) labels.set(label, id);
  }
  return labels;
}

function recordedId(label: string, recorded: Map<string, string>): string | undefined {
  const own = recorded.get(label);
  if (own !== undefined) return own;
  const dot = label.indexOf('.');
  return dot > 0 ? recorded.get(label.slice(0, dot)) : undefined;
}

export interface RemovedAddition {
  label: string;
  /** The schema file it was removed from. */
  file: string;
}

/**
 * The additions the team removed (see the module comment). `previousNeeds` are the additions
 * ensureAuthSchema reports for the current schema under the previous run's options (null when
 * there was no previous run): pow had added every one of them, so one still missing was removed.
 */
export function removedByTeam(input: {
  manifest: Manifest | null;
  previousNeeds: SchemaAddition[] | null;
  reapply?: readonly string[];
}): RemovedAddition[] {
  if (input.manifest === null || input.previousNeeds === null) return [];
  const recorded = recordedSchemaLabels(input.manifest);
  const reapply = new Set(input.reapply ?? []);
  const out: RemovedAddition[] = [];
  for (const addition of input.previousNeeds) {
    const label = additionLabel(addition);
    if (label === null) continue;
    const id = recordedId(label, recorded);
    if (id === undefined) continue;
    if (reapply.has(schemaPatchId(label)) || reapply.has(id)) continue;
    out.push({ label, file: addition.file });
  }
  return out;
}
