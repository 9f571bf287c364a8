/**
 * Edits a team makes to a Prisma schema in the regeneration tests: take out a field or a whole model
 * (as a person would, line by line), add a field, and write the migration `prisma migrate dev`
 * would create for the edit (the schema engine's diff; the native engine is not available here).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The lines of `model <name> { ... }`: [start, end] indexes of the header and the closing brace. */
function modelRange(lines: string[], model: string): [number, number] {
  const start = lines.findIndex((l) => new RegExp(`^model\\s+${model}\\s*\\{`).test(l));
  if (start < 0) throw new Error(`no model ${model} in the schema`);
  const end = lines.findIndex((l, i) => i > start && /^\}/.test(l));
  return [start, end];
}

/** The schema without `label`: "Model.field" removes the field's line, "Model" the whole block. */
export function removeFromSchema(text: string, label: string): string {
  const lines = text.split('\n');
  const dot = label.indexOf('.');
  if (dot < 0) {
    const [start, end] = modelRange(lines, label);
    // The block and the blank line before it.
    const from = start > 0 && lines[start - 1].trim() === '' ? start - 1 : start;
    lines.splice(from, end - from + 1);
    return lines.join('\n');
  }
  const [model, field] = [label.slice(0, dot), label.slice(dot + 1)];
  const [start, end] = modelRange(lines, model);
  const index = lines.findIndex((l, i) => i > start && i < end && new RegExp(`^\\s+${field}\\s`).test(l));
  if (index < 0) throw new Error(`no field ${label} in the schema`);
  lines.splice(index, 1);
  return lines.join('\n');
}

/** The schema with `line` added as the last line of model `model`. */
export function addToModel(text: string, model: string, line: string): string {
  const lines = text.split('\n');
  const [, end] = modelRange(lines, model);
  lines.splice(end, 0, `  ${line}`);
  return lines.join('\n');
}

/** Writes `<dir>/prisma/migrations/<name>/migration.sql`. */
export function writeMigration(dir: string, name: string, sql: string): void {
  mkdirSync(join(dir, 'prisma/migrations', name), { recursive: true });
  writeFileSync(join(dir, 'prisma/migrations', name, 'migration.sql'), sql);
}
