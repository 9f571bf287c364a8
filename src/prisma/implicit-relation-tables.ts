/**
 * The join tables Prisma creates for implicit many-to-many relations (`tags Tag[]` on Post and
 * `posts Post[]` on Tag, neither side with `fields:`): `_PostToTag` with columns `A` (the id of the
 * model whose name sorts first) and `B`, a unique index on (A, B), an index on B and two foreign
 * keys that cascade. pow's MySQL renderer needs them as tables of their own: the schema engine,
 * which adds them for the other providers, cannot run for MySQL here.
 */
import { fieldAttribute, namedArg, positionalArg, unquote } from './schema-ast.js';
import type { ParsedField, ParsedModel, ParsedSchema } from './schema-ast.js';

export interface ImplicitRelationTable {
  /** `_PostToTag`, or `_<name>` for `@relation("name")`. */
  name: string;
  /** The model behind column A (its name sorts first) and behind column B. */
  a: ParsedModel;
  b: ParsedModel;
  /** The id fields the columns copy their type from. */
  aId: ParsedField;
  bId: ParsedField;
}

function relationName(field: ParsedField): string | null {
  const relation = fieldAttribute(field, 'relation');
  if (!relation) return null;
  const value = unquote(positionalArg(relation) ?? namedArg(relation, 'name'));
  return typeof value === 'string' && value !== '' ? value : null;
}

function singleId(model: ParsedModel): ParsedField | null {
  const ids = model.fields.filter((f) => fieldAttribute(f, 'id'));
  return ids.length === 1 ? ids[0]! : null;
}

/** One entry per implicit many-to-many relation of the schema, in the order of their names. */
export function implicitRelationTables(schema: ParsedSchema): ImplicitRelationTable[] {
  const models = new Map(schema.models.map((m) => [m.name, m]));
  const found = new Map<string, ImplicitRelationTable>();
  for (const model of schema.models) {
    for (const field of model.fields) {
      const other = models.get(field.type);
      if (!other || !field.list) continue;
      const relation = fieldAttribute(field, 'relation');
      if (relation && namedArg(relation, 'fields') !== undefined) continue;
      const name = relationName(field);
      // The other side must be a list too (one list and one scalar side is a one-to-many).
      const back = other.fields.filter(
        (f) => f.type === model.name && f.list && f !== field && relationName(f) === name,
      );
      if (back.length === 0) continue;
      const [first, second] = [model, other].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
      const table = `_${name ?? `${first!.name}To${second!.name}`}`;
      if (found.has(table)) continue;
      const aId = singleId(first!);
      const bId = singleId(second!);
      if (!aId || !bId) continue; // composite ids cannot be implicit m2m targets
      found.set(table, { name: table, a: first!, b: second!, aId, bId });
    }
  }
  return [...found.values()].sort((x, y) => (x.name < y.name ? -1 : 1));
}
